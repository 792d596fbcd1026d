"""Reads for events: the comparison (one function, `event_matrix`, that the facet matrix
page, comparison.json and the by-origin view (selectors/origins.py) render). What it
returns is in matrix_views.py; side-by-side reading in side_by_side.py."""

from __future__ import annotations

import math

from django.db.models import Count, QuerySet

from reader import charts, comparison
from reader.comparison import Claim, FacetComparison, Trail
from reader.models import Document, Event, FacetLink, Project
from reader.selectors.common import NULLS_FIRST
from reader.selectors.entities import EntityInfo, EntityTree, entity_tree
from reader.selectors.matrix_views import (
    LINE_ROW_HEIGHT,
    LINK_FIELDS,
    TRAIL_HEIGHT,
    TRAIL_WIDTH,
    EventMatrix,
    LineRow,
    LinkView,
    MatrixCell,
    MatrixRow,
    Merge,
    NumberLine,
    OutletGroup,
    TrailChart,
)
from reader.values import Interval, spec_for
from reader.vocabularies import KINDS, Kind


def events_with_counts(*, project: Project) -> QuerySet[Event]:
    return Event.objects.filter(project=project).annotate(
        facet_count=Count("facets", distinct=True),
        link_count=Count("facets__links", distinct=True),
        source_count=Count("facets__links__annotation__document", distinct=True),
    )


def link_interval(link: FacetLink | LinkView) -> Interval | None:
    if not link.is_parsed:
        return None
    return Interval(
        -math.inf if link.value_low is None else link.value_low,
        math.inf if link.value_high is None else link.value_high,
        link.low_open,
        link.high_open,
        link.value_dated,
    )


def source_order(documents: list[Document]) -> list[OutletGroup]:
    """Sources grouped by outlet, outlets and documents in order of date (undated last)."""

    def date_key(document: Document):
        return (document.published is None, document.published or 0, document.title)

    by_outlet: dict[int, list[Document]] = {}
    for document in sorted(documents, key=date_key):
        by_outlet.setdefault(document.outlet_id, []).append(document)
    return [OutletGroup(outlet=docs[0].outlet, documents=docs) for docs in by_outlet.values()]


# What an uncounted claim is, in words ("opinions"), by its annotation's kind.
_KIND_PLURALS = {kind.value: style.plural.lower() for kind, style in KINDS.items()}
UNTAGGED_PLURAL = "annotations still to classify"


def _claim(
    link: LinkView, source_name: str, tree: EntityTree, count_all: bool, use_entity: bool
) -> Claim:
    path = tree.path(link.entity_id) if use_entity else ()
    return Claim(
        id=link.pk,
        source=link.document_id,
        source_name=source_name,
        value=link.value,
        attribution=link.attribution,
        against=link.is_against,
        counted=count_all or link.kind == Kind.CLAIM,
        kind_plural=_KIND_PLURALS.get(link.kind, UNTAGGED_PLURAL),
        superseded=link.superseded,
        interval=link_interval(link),
        path=path,
        names=tree.names(path) if path else (),
        claimed_at=link.claimed_at,
        order=link.start,
    )


def _number_line(facet_comparison: FacetComparison, claims: list[Claim]) -> NumberLine | None:
    shown = [claim for claim in claims if not claim.superseded and claim.interval is not None]
    scale = charts.scale_for([claim.interval for claim in shown])  # type: ignore[misc]
    if scale is None:
        return None
    order = {
        claim.id: n for n, group in enumerate(facet_comparison.groups) for claim in group.claims
    }
    shown.sort(key=lambda claim: (order.get(claim.id, len(order)), claim.interval.low))  # type: ignore[union-attr]
    rows = [
        LineRow(claim, charts.bar(scale, claim.interval, n, LINE_ROW_HEIGHT))  # type: ignore[arg-type]
        for n, claim in enumerate(shown)
    ]
    ticks = [(f"{tick:g}", scale.x(tick)) for tick in charts.nice_ticks(scale.low, scale.high)]
    return NumberLine(ticks=ticks, rows=rows, height=len(rows) * LINE_ROW_HEIGHT)


def _trail_charts(trails: list[Trail]) -> list[TrailChart]:
    result = []
    for trail in trails:
        numbered = [point for point in trail.points if point.number is not None]
        if len(numbered) < 2:
            continue
        # Untimed earlier values sit before the first timed one, a step apart.
        times = [p.claim.claimed_at.timestamp() for p in numbered if p.claim.claimed_at]
        start = min(times) if times else 0.0
        step = (max(times) - start) / max(1, len(numbered)) if len(times) > 1 else 1.0
        xs, untimed = [], 0
        for point in numbered:
            if point.claim.claimed_at:
                xs.append(point.claim.claimed_at.timestamp())
            else:
                untimed += 1
                xs.append(start - step * (len(numbered) - untimed))
        coordinates = charts.polyline(
            [(x, p.number) for x, p in zip(xs, numbered, strict=True)],  # type: ignore[misc]
            TRAIL_WIDTH,
            TRAIL_HEIGHT,
        )
        points = [(x, y, p.claim.value) for (x, y), p in zip(coordinates, numbered, strict=True)]
        path = " ".join(f"{x},{y}" for x, y, _ in points)
        result.append(TrailChart(trail=trail, points=points, path=path))
    return result


def _merges(
    facet_comparison: FacetComparison, tree: EntityTree, claims: list[Claim]
) -> list[Merge]:
    used: dict[int, int] = {}
    for claim in claims:
        if claim.entity is not None:
            used[claim.entity] = used.get(claim.entity, 0) + 1

    def rank(entity: EntityInfo):
        # Into the one more links name, then a country of the table, then the older.
        return (-used.get(entity.pk, 0), not entity.country, entity.pk)

    best: dict[int, EntityInfo] = {}
    for first, second in facet_comparison.variants:
        target, source = sorted((tree.by_id[first], tree.by_id[second]), key=rank)
        if source.pk not in best or rank(target) < rank(best[source.pk]):
            best[source.pk] = target
    # Each name once, into the best of its likely spellings; never into one merged away.
    return [
        Merge(source=tree.by_id[pk], target=target)
        for pk, target in sorted(best.items(), key=lambda item: rank(tree.by_id[item[0]]))
        if target.pk not in best
    ]


def event_links(*, event: Event) -> list[LinkView]:
    """Every link to the event's facets, earlier claims first: two queries."""
    links = [
        LinkView(*row)
        for row in FacetLink.objects.filter(facet__event=event)
        .order_by(NULLS_FIRST("claimed_at"), "annotation__start", "pk")
        .values_list(*LINK_FIELDS)
    ]
    by_id = {link.pk: link for link in links}
    through = FacetLink.attributed_to.through
    origins = through.objects.filter(facetlink__facet__event=event).order_by("pk")
    for link_id, entity_id in origins.values_list("facetlink_id", "entity_id"):
        by_id[link_id].origins.append(entity_id)
    return links


def event_matrix(*, event: Event, count_all: bool = False) -> EventMatrix:
    """Facets against sources, with every source's links in each cell and each facet's
    comparison: five queries, whatever the number of links."""
    facets = list(event.facets.all())
    links = event_links(event=event)
    tree = entity_tree(project_id=event.project_id)
    documents = Document.objects.filter(pk__in={link.document_id for link in links})
    groups = source_order(list(documents.select_related("outlet", "project").defer("text")))
    ordered = [document for group in groups for document in group.documents]
    names = {document.pk: document.outlet.name for document in ordered}
    by_cell: dict[tuple[int, int], list[LinkView]] = {}
    by_facet: dict[int, list[LinkView]] = {}
    for link in links:
        by_cell.setdefault((link.facet_id, link.document_id), []).append(link)
        by_facet.setdefault(link.facet_id, []).append(link)

    rows = []
    for facet in facets:
        cells = [MatrixCell(d, by_cell.get((facet.pk, d.pk), [])) for d in ordered]
        spec = spec_for(facet.value_type)
        use_entity = spec.entity_role is not None
        claims = [
            _claim(link, names[link.document_id], tree, count_all, use_entity)
            for link in by_facet.get(facet.pk, [])
        ]
        result = comparison.compare(
            claims,
            value_type=facet.value_type,
            level=facet.compare_level,
            variant=tree.variant,
        )
        row = MatrixRow(facet=facet, cells=cells, comparison=result)
        if spec.numeric:
            row.number_line = _number_line(result, claims)
            row.trail_charts = _trail_charts(result.trails)
        row.merges = _merges(result, tree, claims)
        rows.append(row)

    kinds = {link.annotation_id: link.kind for link in links}
    kind_counts = dict.fromkeys(Kind.values, 0)
    for kind in kinds.values():
        kind_counts[kind] += 1
    return EventMatrix(
        event,
        groups,
        ordered,
        rows,
        kind_counts,
        count_all,
        {link.pk: link for link in links},
        tree,
    )
