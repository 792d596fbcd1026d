"""Every write to Reader's data: plain functions, keyword-only, each in one transaction."""

from __future__ import annotations

import datetime
import hashlib
import math
import secrets

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from reader import anchoring, sanitize, values
from reader.models import (
    Annotation,
    ApiToken,
    Document,
    Event,
    Facet,
    FacetLink,
    Kind,
    Membership,
    Outlet,
    OutletKind,
    Project,
    Stance,
)

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


class StaleVersionError(ValidationError):
    """An edit based on an older version of an annotation."""

    def __init__(self, *, annotation: Annotation, edited_version: int) -> None:
        self.annotation = annotation
        super().__init__(
            ERROR_STALE_VERSION.format(current=annotation.version, edited=edited_version)
        )


@transaction.atomic
def membership_set(*, project: Project, user, role: str) -> Membership:
    membership = Membership.objects.filter(project=project, user=user).first() or Membership(
        project=project, user=user
    )
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership


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


def _clean_note(note: str) -> str:
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
    note = _clean_note(note)
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
    return annotation


@transaction.atomic
def annotation_update(
    *, annotation: Annotation, kind: str, note: str, edited_version: int
) -> Annotation:
    """Change kind and note; refuse an edit made on an older version (optimistic locking)."""
    _check_kind(kind)
    note = _clean_note(note)
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
    return current


@transaction.atomic
def annotation_delete(*, annotation: Annotation) -> None:
    annotation.delete()


ERROR_EMPTY_VALUE = "Give the value the source states for “{facet}”."
ERROR_ALREADY_LINKED = "This annotation is already linked to “{facet}”; edit that link instead."
ERROR_OTHER_PROJECT = "That facet belongs to another project."


@transaction.atomic
def event_create(
    *,
    project: Project,
    name: str,
    description: str = "",
    starts: datetime.date | None = None,
    ends: datetime.date | None = None,
    place: str = "",
) -> Event:
    event = Event(
        project=project,
        name=name.strip(),
        description=description.strip(),
        starts=starts,
        ends=ends,
        place=place.strip(),
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def facet_create(*, event: Event, name: str, value_type: str, order: int | None = None) -> Facet:
    if order is None:
        order = (event.facets.aggregate(models.Max("order"))["order__max"] or 0) + 1
    facet = Facet(event=event, name=name.strip(), value_type=value_type, order=order)
    facet.full_clean()
    facet.save()
    return facet


@transaction.atomic
def facet_link_create(
    *,
    annotation: Annotation,
    facet: Facet,
    author,
    value: str,
    attribution: str = "",
    stance: str = Stance.ASSERTS,
    claimed_at: datetime.datetime | None = None,
) -> FacetLink:
    """Link an annotation to a facet with the value the source gives, parsed beside it."""
    if facet.event.project_id != annotation.document.project_id:
        raise ValidationError({"facet": ERROR_OTHER_PROJECT})
    value = " ".join(value.split())
    if not value:
        raise ValidationError({"value": ERROR_EMPTY_VALUE.format(facet=facet.name)})
    if FacetLink.objects.filter(annotation=annotation, facet=facet).exists():
        raise ValidationError({"facet": ERROR_ALREADY_LINKED.format(facet=facet.name)})
    parsed = values.parse_value(facet.value_type, value)
    link = FacetLink(
        annotation=annotation,
        facet=facet,
        author=author,
        value=value,
        attribution=" ".join(attribution.split()),
        stance=stance,
        claimed_at=claimed_at,
        is_parsed=parsed is not None,
        value_low=_finite(parsed.low) if parsed else None,
        value_high=_finite(parsed.high) if parsed else None,
        low_open=parsed.low_open if parsed else False,
        high_open=parsed.high_open if parsed else False,
    )
    link.full_clean()
    link.save()
    return link


def _finite(bound: float) -> float | None:
    """Unbounded ends are stored as null: not every database stores infinity."""
    return None if math.isinf(bound) else bound


@transaction.atomic
def facet_link_delete(*, link: FacetLink) -> None:
    link.delete()


ERROR_NEW_FACET_NEEDS_EVENT = "Choose the event the new facet belongs to, or name a new event."
ERROR_FACET_OR_NEW = "Choose a facet, or name a new one."
ERROR_NO_VALUE_IN_QUOTE = (
    "Give the value the source states: the quote is too long to use as the value."
)
ERROR_SEVERAL_VALUES_IN_QUOTE = (
    "The quote states several values ({found}): give the one the source gives for “{facet}”."
)
QUOTE_AS_VALUE_LIMIT = 80


def value_for_link(*, facet: Facet, value: str, quote: str) -> str:
    """The value as typed; else the one part of the quote that states it; else a short
    quote. Never a guess: a quote with several candidates needs the value typed."""
    if value.strip():
        return value.strip()
    found = values.values_in(facet.value_type, quote)
    if len(found) > 1:
        raise ValidationError(
            {
                "value": ERROR_SEVERAL_VALUES_IN_QUOTE.format(
                    found=", ".join(found[:4]), facet=facet.name
                )
            }
        )
    if found:
        return found[0]
    if len(quote.strip()) <= QUOTE_AS_VALUE_LIMIT:
        return quote.strip()
    raise ValidationError({"value": ERROR_NO_VALUE_IN_QUOTE})


@transaction.atomic
def facet_link_create_inline(
    *,
    annotation: Annotation,
    author,
    facet: Facet | None = None,
    event: Event | None = None,
    new_event: str = "",
    new_facet: str = "",
    new_facet_type: str = "",
    value: str = "",
    attribution: str = "",
    stance: str = Stance.ASSERTS,
    claimed_at: datetime.datetime | None = None,
) -> FacetLink:
    """Link to an existing facet, or create the event and facet first: all or nothing."""
    project = annotation.document.project
    if facet is None:
        if not new_facet.strip():
            raise ValidationError({"facet": ERROR_FACET_OR_NEW})
        if event is None:
            if not new_event.strip():
                raise ValidationError({"event": ERROR_NEW_FACET_NEEDS_EVENT})
            event = event_create(project=project, name=new_event)
        facet = facet_create(event=event, name=new_facet, value_type=new_facet_type)
    return facet_link_create(
        annotation=annotation,
        facet=facet,
        author=author,
        value=value_for_link(facet=facet, value=value, quote=annotation.quote_exact),
        attribution=attribution,
        stance=stance,
        claimed_at=claimed_at,
    )


API_TOKEN_PREFIX = "rdr_"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for the user: the stored row and the token itself, to show once."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    # A name too long is cut rather than refused: it is only a label for the user.
    name = name.strip()[: ApiToken._meta.get_field("name").max_length] or "API token"
    row = ApiToken(user=user, name=name, key_hash=_token_hash(token), prefix=token[:10])
    row.full_clean()
    row.save()
    return row, token


def api_token_user(token: str):
    """The active user a token belongs to, or None; notes when it was last used."""
    row = ApiToken.objects.select_related("user").filter(key_hash=_token_hash(token)).first()
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used=timezone.now())
    return row.user
