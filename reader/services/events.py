"""Writes for the event model: events, facets, and links from annotations to facets."""

from __future__ import annotations

import datetime
import math

from django.core.exceptions import ValidationError
from django.db import models, transaction

from reader import anchoring, values
from reader.models import Annotation, Event, Facet, FacetLink, Project
from reader.sanitize import isolate
from reader.services import search
from reader.services.changes import (
    activity_on_annotation,
    activity_record,
    document_touch,
    events_touch,
)
from reader.services.documents import ERROR_BAD_CHARACTERS
from reader.services.entities import link_resolve
from reader.services.locks import lock_annotation, lock_for_link, lock_rows, retry_on_conflict
from reader.services.supersession import supersession_refresh
from reader.vocabularies import Action, Stance

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
    actor=None,
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
    search.event_index(event=event)
    activity_record(
        project_id=project.pk, actor=actor, action=Action.EVENT_CREATED, summary=event.name
    )
    return event


ERROR_LEVEL = "Choose how deep entities are compared."


@retry_on_conflict
def facet_create(
    *,
    event: Event,
    name: str,
    value_type: str,
    order: int | None = None,
    compare_level: int | None | str = "default",
    actor=None,
) -> Facet:
    lock_rows(event_ids=[event.pk])
    if order is None:
        order = (event.facets.aggregate(models.Max("order"))["order__max"] or 0) + 1
    if compare_level == "default":
        compare_level = values.spec_for(value_type).compare_level
    facet = Facet(
        event=event,
        name=name.strip(),
        value_type=value_type,
        order=order,
        compare_level=compare_level,
    )
    facet.full_clean()
    facet.save()
    events_touch(event_ids=[event.pk])
    activity_record(
        project_id=event.project_id,
        actor=actor,
        action=Action.FACET_CREATED,
        summary=f"{isolate(event.name)} › {isolate(facet.name)}",
    )
    return facet


def _link_summary(link: FacetLink) -> str:
    return f"{isolate(link.facet.event.name)} › {isolate(link.facet.name)} = {isolate(link.value)}"


@retry_on_conflict
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
    lock_annotation(annotation, events=[facet.event_id])
    value = " ".join(value.split())
    if not value:
        raise ValidationError({"value": ERROR_EMPTY_VALUE.format(facet=isolate(facet.name))})
    for name, text in (("value", value), ("attribution", attribution)):
        if bad := anchoring.unacceptable_characters(text):
            raise ValidationError({name: ERROR_BAD_CHARACTERS.format(what=bad)})
    if FacetLink.objects.filter(annotation=annotation, facet=facet).exists():
        raise ValidationError({"facet": ERROR_ALREADY_LINKED.format(facet=isolate(facet.name))})
    document = annotation.document
    parsed = values.parse_value(
        facet.value_type,
        value,
        base=claimed_at or document.published,
        language=document.language,
    )
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
        value_dated=parsed.dated if parsed else False,
    )
    # Every field's own rules (lengths, the stance's choices); not the database's checks,
    # each a query of its own on every link: the annotation, facet and author are rows this
    # write holds (the annotation locked), and "one link per facet" was checked just above,
    # under the lock. The database enforces all of them again on save.
    link.full_clean(exclude=["annotation", "facet", "author"], validate_constraints=False)
    link.save()
    link_resolve(link=link, created=True)
    supersession_refresh(facet_id=facet.pk, document_id=annotation.document_id)
    search.link_index(link=link)
    document_touch(document_id=annotation.document_id)
    events_touch(event_ids=[facet.event_id])
    activity_on_annotation(
        annotation=annotation, actor=author, action=Action.LINK_CREATED, detail=_link_summary(link)
    )
    return link


def _finite(bound: float) -> float | None:
    """Unbounded ends are stored as null: not every database stores infinity."""
    return None if math.isinf(bound) else bound


@retry_on_conflict
def facet_link_delete(*, link: FacetLink, actor) -> None:
    """AnnotationGone (a 404) when the link or its annotation was deleted meanwhile."""
    link = lock_for_link(link)
    link.delete()
    supersession_refresh(facet_id=link.facet_id, document_id=link.annotation.document_id)
    document_touch(document_id=link.annotation.document_id)
    events_touch(event_ids=[link.facet.event_id])
    activity_on_annotation(
        annotation=link.annotation,
        actor=actor,
        action=Action.LINK_DELETED,
        detail=_link_summary(link),
    )


ERROR_SUPERSEDED_CHOICE = "Choose earlier, current or automatic."


@retry_on_conflict
def facet_link_set_superseded(*, link: FacetLink, superseded: bool | None, actor) -> FacetLink:
    """An analyst's call: this value is an earlier one (True), the current one (False), or
    left to the automatic rule (None)."""
    link = lock_for_link(link)
    FacetLink.objects.filter(pk=link.pk).update(
        superseded=bool(superseded), superseded_pinned=superseded is not None
    )
    supersession_refresh(facet_id=link.facet_id, document_id=link.annotation.document_id)
    document_touch(document_id=link.annotation.document_id)
    events_touch(event_ids=[link.facet.event_id])
    state = {None: "automatic", True: "earlier", False: "current"}[superseded]
    activity_on_annotation(
        annotation=link.annotation,
        actor=actor,
        action=Action.LINK_SUPERSEDED,
        detail=f"{_link_summary(link)} ({state})",
    )
    link.refresh_from_db()
    return link


@retry_on_conflict
def facet_set_compare_level(*, facet: Facet, compare_level: int | None, actor) -> Facet:
    """How deep the facet's entities are compared (None: as linked)."""
    if compare_level is not None and compare_level < 0:
        raise ValidationError({"compare_level": ERROR_LEVEL})
    lock_rows(event_ids=[facet.event_id])
    facet.compare_level = compare_level
    facet.save(update_fields=["compare_level"])
    events_touch(event_ids=[facet.event_id])
    level = "as linked" if compare_level is None else f"at level {compare_level}"
    activity_record(
        project_id=facet.event.project_id,
        actor=actor,
        action=Action.FACET_CHANGED,
        summary=f"{facet.event.name} › {facet.name}: entities compared {level}",
    )
    return facet


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


@retry_on_conflict
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
    # The existing event is locked with the document first (in the fixed order), before
    # facet_create would lock it alone; a new event is nobody else's yet.
    existing_event = facet.event_id if facet is not None else event.pk if event else None
    lock_annotation(annotation, events=[existing_event] if existing_event else [])
    if facet is None:
        if not new_facet.strip():
            raise ValidationError({"facet": ERROR_FACET_OR_NEW})
        if event is None:
            if not new_event.strip():
                raise ValidationError({"event": ERROR_NEW_FACET_NEEDS_EVENT})
            event = event_create(project=project, name=new_event, actor=author)
        facet = facet_create(event=event, name=new_facet, value_type=new_facet_type, actor=author)
    return facet_link_create(
        annotation=annotation,
        facet=facet,
        author=author,
        value=value_for_link(facet=facet, value=value, quote=annotation.quote_exact),
        attribution=attribution,
        stance=stance,
        claimed_at=claimed_at,
    )
