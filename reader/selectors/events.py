"""Reads for events: the facet matrix and side-by-side reading."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    QuerySet,
)

from reader import anchoring, values
from reader.models import Annotation, Document, Event, Facet, FacetLink, Project
from reader.selectors.common import NULLS_FIRST
from reader.vocabularies import KINDS, Kind, KindStyle


def events_with_counts(*, project: Project) -> QuerySet[Event]:
    return Event.objects.filter(project=project).annotate(
        facet_count=Count("facets", distinct=True),
        link_count=Count("facets__links", distinct=True),
        source_count=Count("facets__links__annotation__document", distinct=True),
    )


def link_interval(link: FacetLink) -> values.Interval | None:
    if not link.is_parsed:
        return None
    return values.Interval(
        -math.inf if link.value_low is None else link.value_low,
        math.inf if link.value_high is None else link.value_high,
        link.low_open,
        link.high_open,
    )


def link_position(link: FacetLink) -> values.Position:
    return values.Position(link.value, link_interval(link), link.is_against)


@dataclass
class MatrixCell:
    document: Document
    links: list[FacetLink]
    # Earlier reports in a live page, replaced by a later timed one from the same source.
    superseded: set[int] = field(default_factory=set)

    @property
    def current(self) -> list[FacetLink]:
        return [link for link in self.links if link.pk not in self.superseded]


@dataclass
class MatrixRow:
    facet: Facet
    cells: list[MatrixCell]
    disputed: bool


@dataclass
class OutletGroup:
    outlet: object
    documents: list[Document]


@dataclass
class EventMatrix:
    event: Event
    groups: list[OutletGroup]
    documents: list[Document]
    rows: list[MatrixRow]
    kind_counts: dict[str, int]

    @property
    def kind_totals(self) -> list[tuple[KindStyle, int]]:
        """Each kind of the table, with how many annotations of it the links come from."""
        return [(kind, self.kind_counts.get(kind.value, 0)) for kind in KINDS.values()]

    @property
    def disputed_count(self) -> int:
        return sum(row.disputed for row in self.rows)


def _supersede(links: list[FacetLink]) -> set[int]:
    """A live page updates a figure: of the reports from one source on one line (same
    attribution, same stance), only the latest timed one stands. An untimed report on a
    line that has timed ones counts as earlier ("Initially, the governor said nine"); the
    matrix still shows it, marked as an earlier report."""
    lines: dict[tuple[str, str], list[FacetLink]] = {}
    for link in links:
        key = (values.normalise_text_value(link.attribution), link.stance)
        lines.setdefault(key, []).append(link)
    superseded = set()
    for reports in lines.values():
        timed = [link.claimed_at for link in reports if link.claimed_at]
        if timed:
            latest = max(timed)
            superseded |= {link.pk for link in reports if link.claimed_at != latest}
    return superseded


def _source_order(documents: list[Document]) -> list[OutletGroup]:
    """Sources grouped by outlet, outlets and documents in order of date (undated last)."""

    def date_key(document: Document):
        return (document.published is None, document.published or 0, document.title)

    by_outlet: dict[int, list[Document]] = {}
    for document in sorted(documents, key=date_key):
        by_outlet.setdefault(document.outlet_id, []).append(document)
    return [OutletGroup(outlet=docs[0].outlet, documents=docs) for docs in by_outlet.values()]


def event_matrix(*, event: Event) -> EventMatrix:
    """Facets against sources, with every source's links in each cell: four queries."""
    facets = list(event.facets.all())
    links = list(
        FacetLink.objects.filter(facet__event=event)
        .select_related(
            "annotation__document__outlet", "annotation__document__project", "annotation__author"
        )
        .order_by(NULLS_FIRST("claimed_at"), "annotation__start", "pk")
    )
    documents = {link.annotation.document_id: link.annotation.document for link in links}
    groups = _source_order(list(documents.values()))
    ordered = [document for group in groups for document in group.documents]
    by_cell: dict[tuple[int, int], list[FacetLink]] = {}
    for link in links:
        by_cell.setdefault((link.facet_id, link.annotation.document_id), []).append(link)

    rows = []
    for facet in facets:
        cells = []
        for document in ordered:
            cell_links = by_cell.get((facet.pk, document.pk), [])
            cells.append(MatrixCell(document, cell_links, _supersede(cell_links)))
        positions = [link_position(link) for cell in cells for link in cell.current]
        rows.append(MatrixRow(facet=facet, cells=cells, disputed=values.disputed(positions)))

    annotations = {link.annotation_id: link.annotation for link in links}
    kind_counts = dict.fromkeys(Kind.values, 0)
    for annotation in annotations.values():
        kind_counts[annotation.kind] += 1
    return EventMatrix(event, groups, ordered, rows, kind_counts)


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
