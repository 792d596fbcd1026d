"""Curation: where annotators disagree, an owner accepts one annotation for the span.

The span is the agreement unit (spans overlapping directly or through one another, as the
agreement page groups them), so at most one annotation per unit is accepted, and exports
can be limited to the accepted ones."""

from __future__ import annotations

from reader import agreement
from reader.models import Annotation, Document
from reader.sanitize import isolate
from reader.services.changes import activity_on_annotation, activity_on_document, document_touch
from reader.services.locks import lock_annotation, lock_rows, retry_on_conflict
from reader.vocabularies import Action


def _units(document_id: int) -> list[agreement.Unit]:
    rows = (
        Annotation.objects.filter(document_id=document_id)
        .on_latest_version()
        .values_list("pk", "author_id", "start", "end", "kind", "accepted")
        .order_by("start", "end", "pk")
    )
    return agreement.units(
        agreement.Mark(
            annotator=author,
            start=start,
            end=end,
            label=kind,
            annotation=agreement.AnnotationRef(pk, accepted),
        )
        for pk, author, start, end, kind, accepted in rows
    )


@retry_on_conflict
def annotation_accept(*, annotation: Annotation, actor) -> Annotation:
    """Accept the annotation for its unit; any other accepted there is accepted no more."""
    # The document's row is locked, so two owners accepting at once are served in turn.
    lock_annotation(annotation, linked_events=False)
    unit = next(
        unit
        for unit in _units(annotation.document_id)
        if any(mark.annotation.pk == annotation.pk for mark in unit.marks)
    )
    others = [m.annotation.pk for m in unit.marks if m.annotation.pk != annotation.pk]
    Annotation.objects.filter(pk__in=others).update(accepted=False)
    Annotation.objects.filter(pk=annotation.pk).update(accepted=True)
    annotation.accepted = True
    document_touch(document_id=annotation.document_id)
    activity_on_annotation(
        annotation=annotation,
        actor=actor,
        action=Action.ANNOTATION_ACCEPTED,
        detail=f"{isolate(annotation.author)}'s, over {len(others)} "
        f"other{'s' if len(others) != 1 else ''}",
    )
    return annotation


@retry_on_conflict
def annotation_unaccept(*, annotation: Annotation, actor) -> Annotation:
    lock_annotation(annotation, linked_events=False)
    Annotation.objects.filter(pk=annotation.pk).update(accepted=False)
    annotation.accepted = False
    document_touch(document_id=annotation.document_id)
    activity_on_annotation(annotation=annotation, actor=actor, action=Action.ANNOTATION_UNACCEPTED)
    return annotation


@retry_on_conflict
def document_accept_agreed(*, document: Document, actor) -> int:
    """Accept one annotation (the first in text order) in every unit where two or more
    annotators chose the same kind and nothing is accepted yet. Returns how many."""
    lock_rows(document_id=document.pk)
    chosen = [
        unit.marks[0].annotation.pk
        for unit in _units(document.pk)
        if not unit.single
        and unit.agreed
        and not any(mark.annotation.accepted for mark in unit.marks)
    ]
    if not chosen:
        return 0
    Annotation.objects.filter(pk__in=chosen).update(accepted=True)
    document_touch(document_id=document.pk)
    activity_on_document(
        document=document,
        actor=actor,
        action=Action.ANNOTATION_ACCEPTED,
        summary=f"{len(chosen)} span{'s' if len(chosen) != 1 else ''} where annotators agreed",
    )
    return len(chosen)
