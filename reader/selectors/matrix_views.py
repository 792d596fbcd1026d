"""What the facet matrix shows, as plain objects for its templates and comparison.json:
each link as one row of values (LinkView), cells, rows with their verdicts, number lines,
trails and merges. selectors/events.py builds them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from reader import charts
from reader.comparison import Claim, FacetComparison, Trail
from reader.models import Document, Event, Facet
from reader.selectors.entities import EntityInfo, EntityTree
from reader.values import spec_for
from reader.vocabularies import (
    COMPARE_LEVELS,
    KINDS,
    NEEDS_REVIEW,
    STANCES_AGAINST,
    Kind,
    KindStyle,
    Stance,
    Verdict,
)

LINE_ROW_HEIGHT = 18.0
TRAIL_WIDTH, TRAIL_HEIGHT = 160.0, 56.0


# What the matrix reads of each link, in one row: 3,000 links are 3,000 tuples, not 12,000
# model instances (the page must render in well under a second).
LINK_FIELDS = (
    "pk",
    "facet_id",
    "annotation_id",
    "annotation__document_id",
    "annotation__kind",
    "annotation__start",
    "annotation__quote_exact",
    "value",
    "attribution",
    "stance",
    "claimed_at",
    "superseded",
    "superseded_pinned",
    "is_parsed",
    "value_low",
    "value_high",
    "low_open",
    "high_open",
    "value_dated",
    "entity_id",
    "annotation__anchor_status",
    "annotation__slug",
)
STANCE_LABELS = dict(Stance.choices)
KIND_LABELS = dict(Kind.choices)


@dataclass(slots=True)
class LinkView:
    """One facet link as the matrix and comparison.json show it."""

    pk: int
    facet_id: int
    annotation_id: int
    document_id: int
    kind: str
    start: int
    quote: str
    value: str
    attribution: str
    stance: str
    claimed_at: datetime.datetime | None
    superseded: bool
    superseded_pinned: bool
    is_parsed: bool
    value_low: float | None
    value_high: float | None
    low_open: bool
    high_open: bool
    value_dated: bool
    entity_id: int | None
    anchor_status: str  # on the source's latest version: exact, moved, fuzzy or orphaned
    annotation_slug: str  # the annotation's name in its IRI, when a client gave one
    origins: list[int] = field(default_factory=list)  # the attribution's entities

    @property
    def needs_review(self) -> bool:
        """Its annotation did not land surely on the source's latest version."""
        return self.anchor_status in NEEDS_REVIEW

    @property
    def is_against(self) -> bool:
        return self.stance in STANCES_AGAINST

    @property
    def stance_label(self) -> str:
        return STANCE_LABELS.get(self.stance, self.stance)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass
class MatrixCell:
    document: Document
    links: list[LinkView]

    @property
    def superseded(self) -> set[int]:
        """Earlier values of this source, replaced by a later one (drawn as its trail)."""
        return {link.pk for link in self.links if link.superseded}

    @property
    def current(self) -> list[LinkView]:
        return [link for link in self.links if not link.superseded]


@dataclass(frozen=True)
class LineRow:
    claim: Claim
    bar: charts.Bar


@dataclass(frozen=True)
class NumberLine:
    """Every current value of a number facet on one axis, a row each."""

    ticks: list[tuple[str, float]]
    rows: list[LineRow]
    height: float


@dataclass(frozen=True)
class TrailChart:
    trail: Trail
    points: list[tuple[float, float, str]]  # x, y, the value as written
    path: str
    width: float = TRAIL_WIDTH
    height: float = TRAIL_HEIGHT


@dataclass(frozen=True)
class Merge:
    """A likely variant: merging `source` into `target` with one click."""

    source: EntityInfo
    target: EntityInfo


@dataclass
class MatrixRow:
    facet: Facet
    cells: list[MatrixCell]
    comparison: FacetComparison
    number_line: NumberLine | None = None
    trail_charts: list[TrailChart] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)

    @property
    def disputed(self) -> bool:
        return self.comparison.disputed

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.comparison.verdict)

    @property
    def uses_entities(self) -> bool:
        return spec_for(self.facet.value_type).entity_role is not None

    @property
    def level_choices(self) -> list[tuple[str, str, bool]]:
        """The facet's compare-level choices, the current one marked."""
        current = "" if self.facet.compare_level is None else str(self.facet.compare_level)
        return [(value, label, value == current) for value, label in COMPARE_LEVELS]


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
    count_all: bool
    links: dict[int, LinkView]
    tree: EntityTree

    @property
    def kind_totals(self) -> list[tuple[KindStyle, int]]:
        """Each kind of the table, with how many annotations of it the links come from."""
        return [(kind, self.kind_counts.get(kind.value, 0)) for kind in KINDS.values()]

    @property
    def disputed_count(self) -> int:
        return sum(row.disputed for row in self.rows)

    @property
    def verdict_counts(self) -> list[tuple[Verdict, int]]:
        counts = dict.fromkeys(Verdict, 0)
        for row in self.rows:
            counts[row.verdict] += 1
        return [(verdict, count) for verdict, count in counts.items() if count]
