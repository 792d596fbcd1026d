"""Writes for sources and annotations: outlets, documents, annotations."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction

from reader import anchoring, sanitize
from reader.models import Annotation, Document, Kind, Outlet, OutletKind, Project

NOTE_MAX_LENGTH = 10_000
ERROR_EMPTY_TEXT = "The text is empty: paste the source's text or upload a file."
ERROR_BAD_CHARACTERS = "The text contains {what}, which cannot be stored. Clean it and try again."
ERROR_DUPLICATE_TEXT = "This text is already in the project as “{title}”."
ERROR_UNKNOWN_KIND = "Unknown kind “{kind}”: choose claim, opinion or user comment."
ERROR_NOTE_TOO_LONG = "The note has {length} characters; the limit is {limit}."
ERROR_QUOTE_MISMATCH = (
    "The selected text no longer matches the document at this position "
    "(expected “{expected}”, got “{got}”). Reload the page and select again."
)
ERROR_STALE_VERSION = (
    "Someone changed this annotation while you were editing (now version {current}, "
    "you edited version {edited}). Their version is shown; reapply your change to it."
)


def document_touch(*, document_id: int) -> None:
    """Note that the document's annotations changed, for the readers polling it."""
    Document.objects.filter(pk=document_id).update(revision=models.F("revision") + 1)


class StaleVersionError(ValidationError):
    """An edit based on an older version of an annotation."""

    def __init__(self, *, annotation: Annotation, edited_version: int) -> None:
        self.annotation = annotation
        super().__init__(
            ERROR_STALE_VERSION.format(current=annotation.version, edited=edited_version)
        )


@transaction.atomic
def outlet_get_or_create(
    *, project: Project, name: str, kind: str = OutletKind.NEWS, perspective: str = ""
) -> Outlet:
    outlet = Outlet.objects.filter(project=project, name=name.strip()).first()
    if outlet:
        return outlet
    outlet = Outlet(project=project, name=name.strip(), kind=kind, perspective=perspective)
    outlet.full_clean()
    outlet.save()
    return outlet


TITLE_FROM_TEXT_LIMIT = 200


def title_from_text(text: str) -> str:
    """A document's title when none is given: its first line that holds text."""
    return text.strip().split("\n", 1)[0].strip()[:TITLE_FROM_TEXT_LIMIT]


def _check_text(text: str) -> None:
    if not text.strip():
        raise ValidationError({"text": ERROR_EMPTY_TEXT})
    bad = anchoring.unacceptable_characters(text)
    if bad:
        raise ValidationError({"text": ERROR_BAD_CHARACTERS.format(what=bad)})


@transaction.atomic
def document_create(
    *,
    project: Project,
    outlet: Outlet,
    title: str,
    text: str,
    published: datetime.date | None = None,
    origin: str = "",
    language: str = "en",
    added_by=None,
) -> Document:
    _check_text(text)
    text = anchoring.normalise_text(text)
    digest = anchoring.content_hash(text)
    existing = Document.objects.filter(project=project, content_hash=digest).first()
    if existing:
        raise ValidationError({"text": ERROR_DUPLICATE_TEXT.format(title=existing.title)})
    document = Document(
        project=project,
        outlet=outlet,
        title=title.strip(),
        text=text,
        content_hash=digest,
        published=published,
        origin=origin.strip(),
        language=language,
        added_by=added_by,
    )
    document.full_clean()
    document.save()
    return document


def clean_note(note: str) -> str:
    """Plain text as stored for notes and replies: NFC, trimmed, bounded, no NUL."""
    note = anchoring.normalise_text(note).strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": ERROR_NOTE_TOO_LONG.format(length=len(note), limit=NOTE_MAX_LENGTH)}
        )
    bad = anchoring.unacceptable_characters(note)
    if bad:
        raise ValidationError({"note": ERROR_BAD_CHARACTERS.format(what=bad)})
    return note


def _check_kind(kind: str) -> None:
    if kind not in Kind.values:
        raise ValidationError({"kind": ERROR_UNKNOWN_KIND.format(kind=kind)})


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def annotation_create(
    *,
    document: Document,
    author,
    kind: str,
    start: int,
    end: int,
    note: str = "",
    seen_quote: str | None = None,
) -> Annotation:
    """Create an annotation on [start, end) code points of the document's text.

    `seen_quote` is the text the client saw at that span; a mismatch means the client's
    offsets are wrong, and nothing is saved.
    """
    _check_kind(kind)
    note = clean_note(note)
    try:
        quote = anchoring.quote_for(document.text, start, end)
    except anchoring.OffsetError as error:
        raise ValidationError({"start": str(error)}) from error
    if seen_quote is not None and anchoring.normalise_text(seen_quote) != quote.exact:
        raise ValidationError(
            {
                "quote": ERROR_QUOTE_MISMATCH.format(
                    expected=_shorten(quote.exact), got=_shorten(seen_quote)
                )
            }
        )
    annotation = Annotation(
        document=document,
        author=author,
        kind=kind,
        start=start,
        end=end,
        quote_exact=quote.exact,
        quote_prefix=quote.prefix,
        quote_suffix=quote.suffix,
        note=note,
        note_html=sanitize.note_to_html(note),
    )
    annotation.full_clean()
    annotation.save()
    document_touch(document_id=document.pk)
    return annotation


@transaction.atomic
def annotation_update(
    *, annotation: Annotation, kind: str, note: str, edited_version: int
) -> Annotation:
    """Change kind and note; refuse an edit made on an older version (optimistic locking)."""
    _check_kind(kind)
    note = clean_note(note)
    current = Annotation.objects.select_for_update().get(pk=annotation.pk)
    if current.version != edited_version:
        raise StaleVersionError(annotation=current, edited_version=edited_version)
    if current.kind == kind and current.note == note:
        return current
    current.kind = kind
    current.note = note
    current.note_html = sanitize.note_to_html(note)
    current.version += 1
    current.full_clean()
    current.save()
    document_touch(document_id=current.document_id)
    return current


@transaction.atomic
def annotation_delete(*, annotation: Annotation) -> None:
    annotation.delete()
    document_touch(document_id=annotation.document_id)
