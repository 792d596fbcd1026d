"""An event's sources side by side: each document's text with its highlights, and the
documents to choose from."""

from __future__ import annotations

from dataclasses import dataclass

from reader import anchoring
from reader.models import Annotation, Document, Event, FacetLink


@dataclass
class CompareColumn:
    document: Document
    segments: list[anchoring.Segment]
    facets_by_annotation: dict[int, list[int]]


def compare_columns(*, event: Event, document_ids: list[int]) -> list[CompareColumn]:
    """Documents side by side with their highlights, and which of this event's facets each
    annotation is linked to: three queries whatever the number of annotations."""
    documents = {
        document.pk: document
        for document in Document.objects.filter(
            project=event.project_id, pk__in=document_ids
        ).select_related("outlet", "project")
    }
    annotations = list(Annotation.objects.filter(document__in=documents.values()).in_text_order())
    facets_by_annotation: dict[int, list[int]] = {}
    for annotation_id, facet_id in FacetLink.objects.filter(
        annotation__in=annotations, facet__event=event
    ).values_list("annotation_id", "facet_id"):
        facets_by_annotation.setdefault(annotation_id, []).append(facet_id)
    columns = []
    for document_id in document_ids:
        document = documents.get(document_id)
        if document is None:
            continue
        spans = anchoring.structure_spans(document.text) + [
            anchoring.Span(a.start, a.end, a) for a in annotations if a.document_id == document_id
        ]
        columns.append(
            CompareColumn(
                document=document,
                segments=anchoring.segments(len(document.text), spans),
                facets_by_annotation=facets_by_annotation,
            )
        )
    return columns


@dataclass(frozen=True)
class DocumentChoice:
    document: Document
    linked: bool  # it has annotations linked to the event


def event_documents(*, event: Event) -> list[DocumentChoice]:
    """The project's documents, those linked to the event first (by date), for choosing."""
    linked = set(
        FacetLink.objects.filter(facet__event=event).values_list(
            "annotation__document_id", flat=True
        )
    )
    documents = Document.objects.filter(project=event.project_id).select_related("outlet")
    choices = [DocumentChoice(d, d.pk in linked) for d in documents.defer("text")]
    return sorted(
        choices,
        key=lambda c: (
            not c.linked,
            c.document.published is None,
            c.document.published or 0,
            c.document.title,
        ),
    )
