"""Writes for sources and annotations: outlets, documents, annotations."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from reader import anchoring, sanitize
from reader.models import (
    TRASH_DAYS,
    Activity,
    Annotation,
    DeletedAnnotation,
    Document,
    DocumentVersion,
    Facet,
    FacetLink,
    Outlet,
    Project,
    trash_cutoff,
)
from reader.sanitize import isolate
from reader.services import inserts, search
from reader.services.changes import (
    activity_on_annotation,
    activity_on_document,
    document_touch,
    events_touch,
    shorten,
)
from reader.services.entities import link_resolve
from reader.services.locks import lock_for_annotation, lock_rows, retry_on_conflict
from reader.services.supersession import supersession_refresh
from reader.vocabularies import Action, Kind, OutletKind, kind_names

QUOTE_IN_ERROR_LIMIT = 40

NOTE_MAX_LENGTH = 10_000
ERROR_EMPTY_TEXT = "The text is empty: paste the source's text or upload a file."
ERROR_BAD_CHARACTERS = "The text contains {what}, which cannot be stored. Clean it and try again."
ERROR_DUPLICATE_TEXT = "This text is already in the project as “{title}”."
ERROR_UNKNOWN_KIND = "Unknown kind “{kind}”: choose {kinds}."
ERROR_NOTE_TOO_LONG = "The note has {length} characters; the limit is {limit}."
ERROR_QUOTE_MISMATCH = (
    "The selected text no longer matches the document at this position "
    "(expected “{expected}”, got “{got}”). Reload the page and select again."
)
ERROR_STALE_VERSION = (
    "{who} changed this annotation while you were editing (now version {current}, "
    "you edited version {edited}). Your kind and note are kept below, their version "
    "beside them: save to replace theirs with yours, or cancel to keep theirs."
)
SOMEONE = "Someone"


def _last_editor(annotation: Annotation) -> str:
    """Who made the annotation's latest edit, as the activity feed recorded it."""
    entry = (
        Activity.objects.filter(annotation_id=annotation.pk, action=Action.ANNOTATION_EDITED)
        .select_related("actor")
        .first()
    )
    return entry.actor.get_username() if entry and entry.actor else SOMEONE


class StaleVersionError(ValidationError):
    """An edit based on an older version of an annotation; `by`: who made the newer one."""

    def __init__(self, *, annotation: Annotation, edited_version: int) -> None:
        self.annotation = annotation
        self.by = _last_editor(annotation)
        super().__init__(
            ERROR_STALE_VERSION.format(
                who=isolate(self.by), current=annotation.version, edited=edited_version
            )
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


def check_text(text: str) -> None:
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
    check_text(text)
    text = anchoring.normalise_text(text)
    digest = anchoring.content_hash(text)
    existing = Document.objects.filter(project=project, content_hash=digest).first()
    if existing:
        raise ValidationError({"text": ERROR_DUPLICATE_TEXT.format(title=isolate(existing.title))})
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
    search.document_index(document=document)
    activity_on_document(
        document=document,
        actor=added_by,
        action=Action.DOCUMENT_ADDED,
        summary=f"“{isolate(document.title)}” ({isolate(outlet.name)})",
    )
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
        raise ValidationError(
            {"kind": ERROR_UNKNOWN_KIND.format(kind=isolate(kind), kinds=kind_names())}
        )


def _quote(document: Document, text_version: int, start: int, end: int) -> anchoring.Quote:
    """The text at [start, end) of the document's version `text_version`, with its context."""
    text = document.text
    if text_version != document.text_version:
        text = DocumentVersion.objects.get(document=document, number=text_version).text
    try:
        return anchoring.quote_for(text, start, end)
    except anchoring.OffsetError as error:
        raise ValidationError({"start": str(error)}) from error


@retry_on_conflict
def annotation_create(
    *,
    document: Document,
    author,
    kind: str,
    start: int,
    end: int,
    note: str = "",
    seen_quote: str | None = None,
    text_version: int | None = None,
    w3c: dict | None = None,
    link_events: Iterable[int] = (),
    quote: anchoring.Quote | None = None,
) -> Annotation:
    """Create an annotation on [start, end) code points of the document's text (of its
    version `text_version`, for an import of one made on an older version).

    `seen_quote` is the text the client saw at that span; a mismatch means the client's
    offsets are wrong, and nothing is saved. `w3c` holds what a W3C client gave besides
    (slug, request_key, canonical, via, foreign: the Annotation fields of those names).
    `link_events`: the events of the links the caller makes next in its transaction,
    locked here with the document, in the lock order (locks.py). `quote`: the text at the
    span with its context, when the caller read it from that version already (the API's
    anchoring did, w3c_state.SourceVersions.quote): a long text is not read again for it.
    """
    _check_kind(kind)
    note = clean_note(note)
    text_version = text_version or document.text_version
    if quote is None:
        quote = _quote(document, text_version, start, end)
    if seen_quote is not None and anchoring.normalise_text(seen_quote) != quote.exact:
        raise ValidationError(
            {
                "quote": ERROR_QUOTE_MISMATCH.format(
                    expected=isolate(shorten(quote.exact, QUOTE_IN_ERROR_LIMIT)),
                    got=isolate(shorten(seen_quote, QUOTE_IN_ERROR_LIMIT)),
                )
            }
        )
    lock_rows(document_id=document.pk, event_ids=link_events)
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
        made_on=text_version,
        text_version=text_version,
        **(w3c or {}),
    )
    # Kind, span and quote are checked above and the database holds the constraints, so
    # full_clean need not ask it again (five statements on the hottest write).
    annotation.full_clean(exclude=["document", "author"], validate_constraints=False)
    inserts.insert(annotation)  # save() without the ORM's compilation of its INSERT
    search.annotation_index(annotation=annotation, new=True)
    document_touch(document_id=document.pk)
    activity_on_annotation(annotation=annotation, actor=author, action=Action.ANNOTATION_CREATED)
    return annotation


@retry_on_conflict
def annotation_update(
    *,
    annotation: Annotation,
    actor,
    kind: str,
    note: str,
    edited_version: int,
    foreign: dict | None = None,
    link_events: Iterable[int] = (),
) -> Annotation:
    """Change kind and note (and, from a W3C client's PUT, what it sent that Reader keeps
    verbatim: `foreign`); refuse an edit made on an older version (optimistic locking).
    `link_events`: the events of the links the caller makes next in its transaction,
    locked here with the annotation's, in the lock order (locks.py)."""
    _check_kind(kind)
    note = clean_note(note)
    current = lock_for_annotation(annotation, events=link_events)
    if current.version != edited_version:
        raise StaleVersionError(annotation=current, edited_version=edited_version)
    foreign = current.foreign if foreign is None else foreign
    if current.kind == kind and current.note == note and current.foreign == foreign:
        return current
    changed = []
    if current.foreign != foreign:
        changed.append("W3C properties changed")
        current.foreign = foreign
    if current.kind != kind:
        changed.append(f"{current.get_kind_display().lower()} → {Kind(kind).label.lower()}")
    if current.note != note:
        changed.append("note changed")
    current.kind = kind
    current.note = note
    current.note_html = sanitize.note_to_html(note)
    current.version += 1
    # Only kind, note and version change, checked above; the span, quote and slug stay as
    # the database holds them, with its constraints (ten statements on a hot write).
    current.full_clean(exclude=["document", "author"], validate_constraints=False)
    current.save()
    search.annotation_index(annotation=current)
    document_touch(document_id=current.document_id)
    events_touch(annotation_id=current.pk)
    activity_on_annotation(
        annotation=current,
        actor=actor,
        action=Action.ANNOTATION_EDITED,
        detail=", ".join(changed),
    )
    return current


ERROR_NOT_IN_TRASH = "This annotation is no longer in the trash: it was restored or purged."
ERROR_TRASH_EXPIRED = (
    "This annotation was deleted more than {days} days ago and can no longer be restored."
)
ERROR_FACET_GONE = "its link with the value “{value}” (that facet was deleted since)"


class _ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (it cuts them to milliseconds),
    so a restored annotation is exactly the deleted one."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def _snapshot(annotation: Annotation, links: Iterable[FacetLink]) -> list[dict]:
    """The annotation, its links and its replies in Django's serializer format, as plain
    JSON: enough to put them back exactly, ids and times included."""
    rows = [annotation, *links, *annotation.replies.all()]
    return json.loads(json.dumps(serializers.serialize("python", rows), cls=_ExactJSONEncoder))


@retry_on_conflict
def annotation_delete(*, annotation: Annotation, actor) -> DeletedAnnotation:
    """Delete an annotation with its links and replies, keeping them in the project's trash
    so that an owner can restore them for TRASH_DAYS days. AnnotationGone (a 404) when
    another request deleted it first: the one that locked it first wins."""
    annotation = lock_for_annotation(annotation)
    # Its links, read once under the locks (which keep the set as it is): for the snapshot
    # (their attributions in one query, not one each), their events and their facets.
    links = list(annotation.links.select_related("facet").prefetch_related("attributed_to"))
    snapshot = _snapshot(annotation, links)
    trashed = DeletedAnnotation.objects.create(
        document=annotation.document,
        annotation_id=annotation.pk,
        kind=annotation.kind,
        quote_exact=annotation.quote_exact,
        author_id=annotation.author_id,
        snapshot=snapshot,
        deleted_by=actor,
    )
    events_touch(event_ids={link.facet.event_id for link in links})
    activity_on_annotation(annotation=annotation, actor=actor, action=Action.ANNOTATION_DELETED)
    facets = {link.facet_id for link in links}
    annotation.delete()
    for facet_id in facets:
        supersession_refresh(facet_id=facet_id, document_id=annotation.document_id)
    document_touch(document_id=annotation.document_id)
    # Nothing runs on a timer: each deletion clears what has passed recovery. Rows another
    # deletion is clearing at the same moment are left to it, not waited for.
    expired = DeletedAnnotation.objects.expired().select_for_update(skip_locked=True)
    DeletedAnnotation.objects.filter(pk__in=list(expired.values_list("pk", flat=True))).delete()
    return trashed


def trash_import_deletion(*, trashed: DeletedAnnotation, deleted: datetime.datetime, deleted_by):
    """An imported deletion's original time and author, on the trash row annotation_delete
    made for it. Inside the import's transaction."""
    DeletedAnnotation.objects.filter(pk=trashed.pk).update(deleted=deleted, deleted_by=deleted_by)


@retry_on_conflict
def annotation_restore(*, trashed: DeletedAnnotation, actor) -> tuple[Annotation, list[str]]:
    """Put a deleted annotation back under its old id, with its replies and the links whose
    facet still exists. Returns it and what could not come back, to tell the user."""
    # What the restore touches, locked in the fixed order before the trash row.
    linked_facets = [
        row["fields"]["facet"] for row in trashed.snapshot if row["model"] == "reader.facetlink"
    ]
    lock_rows(
        document_id=trashed.document_id,
        event_ids=Facet.objects.filter(pk__in=linked_facets).values_list("event_id", flat=True),
    )
    still_there = DeletedAnnotation.objects.select_for_update().filter(pk=trashed.pk).first()
    if still_there is None:
        raise ValidationError(ERROR_NOT_IN_TRASH)
    trashed = still_there
    if trashed.deleted < trash_cutoff():
        raise ValidationError(ERROR_TRASH_EXPIRED.format(days=TRASH_DAYS))
    rows = list(serializers.deserialize("python", trashed.snapshot))
    facet_ids = [row.object.facet_id for row in rows if isinstance(row.object, FacetLink)]
    facets = Facet.objects.filter(
        pk__in=facet_ids, event__project_id=trashed.document.project_id
    ).in_bulk()
    lost = []
    restored = []
    for row in rows:
        if isinstance(row.object, FacetLink):
            if row.object.facet_id not in facets:
                lost.append(ERROR_FACET_GONE.format(value=row.object.value))
                continue
            # Entities may have been merged or split since: the names are read again.
            row.object.entity_id = None
            row.m2m_data = {}
            restored.append(row.object)
        row.save()
    for link in restored:
        link_resolve(link=link)
    for facet_id in {link.facet_id for link in restored}:
        supersession_refresh(facet_id=facet_id, document_id=trashed.document_id)
    annotation = Annotation.objects.select_related("document").get(pk=trashed.annotation_id)
    search.annotation_index_all(annotation=annotation)
    trashed.delete()
    document_touch(document_id=annotation.document_id)
    events_touch(event_ids={facet.event_id for facet in facets.values()})
    activity_on_annotation(annotation=annotation, actor=actor, action=Action.ANNOTATION_RESTORED)
    return annotation, lost
