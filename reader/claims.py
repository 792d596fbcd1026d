"""Claims as the comparison (reader/comparison.py) sees them, and how they group: when two
values agree, when a denial contradicts an affirmation, and the groups of values that all
agree with one another, with their labels. Pure functions, no Django."""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.dates import MINUTES_PER_DAY
from reader.quantities import Interval, quantities_in
from reader.values import normalise_text_value, spec_for


@dataclass(slots=True)
class Claim:
    """One link as the comparison sees it."""

    id: int
    source: int  # the document
    source_name: str
    value: str
    attribution: str = ""
    against: bool = False
    counted: bool = True
    # Its annotation's kind, as the matrix names several ("opinions"): what an uncounted
    # claim is, said in words.
    kind_plural: str = ""
    superseded: bool = False
    interval: Interval | None = None
    # The entity's ancestry, top-level first, ending with the entity; names alike.
    path: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    claimed_at: datetime.datetime | None = None
    order: int = 0  # position in the source, for ordering a trail

    @property
    def voice(self) -> str:
        return (
            f"{self.source_name} per {self.attribution}" if self.attribution else self.source_name
        )

    @property
    def entity(self) -> int | None:
        return self.path[-1] if self.path else None

    def signature(self) -> tuple:
        if self.interval is not None:
            return ("interval", self.interval)
        if self.path:
            return ("entity", self.path)
        return ("text", normalise_text_value(self.value))


@dataclass
class Group:
    """Values that agree with one another, and the claims behind them."""

    claims: list[Claim]
    label: str = ""
    against: bool = False
    odd: bool = False
    interval: Interval | None = None  # what every value in it allows
    entity: int | None = None  # the entity it stands for, at the facet's level
    entity_name: str = ""
    conflicts: list[int] = field(default_factory=list)  # denials: the groups they contradict
    # Vague values that fit other groups too ("dozens" fits 33 and 50-70): kept in the
    # first group they fit, but not in its label, and said to fit several.
    spanning: list[Claim] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(claim.source_name for claim in self.claims))

    @property
    def core(self) -> Group:
        """The group without its spanning values (itself when they are all it has)."""
        spanning = {id(claim) for claim in self.spanning}
        rest = [claim for claim in self.claims if id(claim) not in spanning]
        return Group(rest) if self.spanning and rest else self

    @property
    def source_ids(self) -> set[int]:
        return {claim.source for claim in self.claims}

    @functools.cached_property
    def voices(self) -> str:
        """ "Wikipedia per Turkey & SOHR and per the Turkish ministry, Sputnik"."""
        by_source: dict[str, list[str]] = {}
        for claim in self.claims:
            by_source.setdefault(claim.source_name, []).append(claim.attribution)
        parts = []
        for source, attributions in by_source.items():
            named = list(dict.fromkeys(a for a in attributions if a))
            if not named:
                parts.append(source)
            elif all(attributions):
                parts.append(f"{source} per {' and per '.join(named)}")
            else:
                parts.append(f"{source}, and per {' and per '.join(named)}")
        return ", ".join(parts)


# --- agreement -------------------------------------------------------------------------


def _shifted(interval: Interval, by: float) -> Interval:
    return Interval(interval.low + by, interval.high + by, interval.low_open, interval.high_open)


def intervals_agree(first: Interval, second: Interval) -> bool:
    """Overlap; a time of any day against a dated one compares their times of day."""
    if first.dated == second.dated:
        return first.overlaps(second)
    undated, dated = (second, first) if first.dated else (first, second)
    if dated.high - dated.low >= MINUTES_PER_DAY:
        return True
    day_start = math.floor(dated.low / MINUTES_PER_DAY) * MINUTES_PER_DAY
    local = _shifted(dated, -day_start)
    return any(_shifted(undated, k * MINUTES_PER_DAY).overlaps(local) for k in (-1, 0, 1))


def _at_level(path: tuple[int, ...], level: int) -> int:
    return path[min(level, len(path) - 1)]


def _entities_agree(first: tuple[int, ...], second: tuple[int, ...], level: int | None) -> bool:
    if level is None:
        shorter, longer = sorted((first, second), key=len)
        return longer[: len(shorter)] == shorter
    return _at_level(first, level) == _at_level(second, level)


def agree(first: Claim, second: Claim, level: int | None) -> bool:
    if first.interval is not None and second.interval is not None:
        return intervals_agree(first.interval, second.interval)
    if first.path and second.path:
        return _entities_agree(first.path, second.path, level)
    return normalise_text_value(first.value) == normalise_text_value(second.value)


def contradicts(denial: Claim, claim: Claim, level: int | None) -> bool:
    """Whether a denial contradicts an affirmation: the same value, or (entities) one
    inside the denied one at the facet's level."""
    if denial.interval is not None and claim.interval is not None:
        return intervals_agree(denial.interval, claim.interval)
    if denial.path and claim.path:
        if level is None:
            return claim.path[: len(denial.path)] == denial.path
        return _at_level(denial.path, level) == _at_level(claim.path, level)
    return normalise_text_value(denial.value) == normalise_text_value(claim.value)


# --- groups ----------------------------------------------------------------------------


def _sort_key(claims: list[Claim]):
    claim = claims[0]
    if claim.interval is not None:
        return (0, claim.interval.high, claim.interval.low, 0)
    if claim.path:
        return (1, -len(claim.path), -len(claims), 0)
    return (2, -len(claims), 0, 0)


def _intersection(intervals: Iterable[Interval]) -> Interval | None:
    intervals = list(intervals)
    if not intervals or len({i.dated for i in intervals}) > 1:
        return None
    low = max(intervals, key=lambda i: (i.low, i.low_open))
    high = min(intervals, key=lambda i: (i.high, not i.high_open))
    return Interval(low.low, high.high, low.low_open, high.high_open, intervals[0].dated)


def claim_label(claim: Claim, value_type: str) -> str:
    """A value as the group's label shows it: the quantity alone ("at least 36" of
    "killing at least 36"), anything else as written."""
    return _short_value(claim.value, spec_for(value_type).numeric)


@functools.lru_cache(maxsize=4096)
def _short_value(value: str, numeric: bool) -> str:
    if numeric and (found := quantities_in(value)):
        return found[0]
    return " ".join(value.split())


def group_label(
    claims: list[Claim], level: int | None, value_type: str, interval: Interval | None
) -> tuple[str, int | None, str]:
    """A group's label, and the entity it stands for."""
    spec = spec_for(value_type)
    if spec.labelled_by_interval and interval is not None:
        first = spec.end_label(interval.low, interval.dated)
        last = spec.end_label(interval.high, interval.dated)
        return (first if first == last else f"{first} – {last}"), None, ""
    if claims[0].path:
        deepest = max(claims, key=lambda claim: len(claim.path))
        if level is None:
            return deepest.names[-1], deepest.path[-1], deepest.names[-1]
        index = min(level, len(deepest.path) - 1)
        return deepest.names[index], deepest.path[index], deepest.names[index]
    written = list(dict.fromkeys(claim_label(claim, value_type) for claim in claims))
    return " / ".join(written[:3]) + (" / …" if len(written) > 3 else ""), None, ""


def group_claims(
    claims: list[Claim], level: int | None, *, value_type: str = "text", against: bool = False
) -> list[Group]:
    """Claims in groups whose values all agree with one another: as few groups as the
    values allow (for intervals, the fewest points that every value contains one of)."""
    unique: dict[tuple, list[Claim]] = {}
    for claim in claims:
        unique.setdefault(claim.signature(), []).append(claim)
    clusters: list[list[list[Claim]]] = []
    for same in sorted(unique.values(), key=_sort_key):
        for cluster in clusters:
            if all(agree(same[0], other[0], level) for other in cluster):
                cluster.append(same)
                break
        else:
            clusters.append([same])
    groups = []
    for cluster in clusters:
        members = [claim for same in cluster for claim in same]
        interval = _intersection(c.interval for c in members if c.interval is not None)
        label, entity, entity_name = group_label(members, level, value_type, interval)
        groups.append(Group(members, label, against, False, interval, entity, entity_name))
    if groups and groups[0].interval is not None:
        groups.sort(key=_group_order)
    return groups


def _group_order(group: Group) -> tuple:
    """Numbers, days and times in their order; values that would not parse after them."""
    if group.interval is None:
        return (1, 0.0, 0.0)
    return (0, group.interval.low, group.interval.high)
