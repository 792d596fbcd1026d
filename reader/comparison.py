"""What the sources claim about one facet, compared: groups of agreeing values, denials and
what they contradict, a verdict, a grade and a sentence that says why. Pure functions, no
Django: the facet matrix and comparison.json both render what `compare` returns.

- Only claims that count are compared (`Claim.counted`: by default the sources' claims, not
  opinions or user comments) and only current ones (`Claim.superseded` marks a source's
  earlier values, drawn as its trail).
- Values agree when their intervals overlap (numbers, dates, times; a time without its day
  agrees with a dated one at the same time of day), when their entities are one at the
  facet's level (`level`: 0 the top-level entity, None: one contains the other), and
  otherwise when their texts are equal, case and spacing aside.
- A denial contradicts an affirmation of the same thing or of something inside it; a
  denial of X does not contradict an affirmation of Y.
- A dispute is minor when every pair of disagreeing groups is close (numbers within 5% or
  1, times within 30 minutes, dates within a day) or only spelt differently; otherwise
  major. When the only disagreement is between likely spelling variants, the verdict is
  "possible variant".
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations

from reader import dates
from reader.sanitize import without_bidi_controls
from reader.values import (
    MINUTES_PER_DAY,
    NUMERIC_TYPES,
    Interval,
    normalise_text_value,
    quantities_in,
)

AGREED, DISPUTED, VARIANT, SINGLE, SILENT = (
    "agreed",
    "disputed",
    "possible_variant",
    "single_source",
    "silent",
)
MINOR, MAJOR = "minor", "major"
# How far apart two groups may be and still be a minor dispute.
CLOSE_SHARE = 0.05
CLOSE_MINUTES = 30
CLOSE_DAYS = 1


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


@dataclass(frozen=True)
class TrailPoint:
    claim: Claim
    number: float | None  # where a number sits on the trail's chart


@dataclass(frozen=True)
class Trail:
    """One source's successive values: earlier ones first, the current one last."""

    source: int
    source_name: str
    points: tuple[TrailPoint, ...]


@dataclass
class FacetComparison:
    verdict: str
    grade: str | None
    groups: list[Group]  # affirmations first, then denials
    explanation: str
    variants: list[tuple[int, int]]  # entity pairs likely one name, in this facet
    trails: list[Trail]
    counted: list[Claim]
    uncounted: list[Claim]

    @property
    def affirmed(self) -> list[Group]:
        return [group for group in self.groups if not group.against]

    @property
    def denied(self) -> list[Group]:
        return [group for group in self.groups if group.against]

    @property
    def disputed(self) -> bool:
        return self.verdict == DISPUTED


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


def _short(claim: Claim, value_type: str) -> str:
    """A value as the group's label shows it: the quantity alone ("at least 36" of
    "killing at least 36"), anything else as written."""
    return _short_value(claim.value, value_type in NUMERIC_TYPES)


@functools.lru_cache(maxsize=4096)
def _short_value(value: str, numeric: bool) -> str:
    if numeric and (found := quantities_in(value)):
        return found[0]
    return " ".join(value.split())


def _label(
    claims: list[Claim], level: int | None, value_type: str, interval: Interval | None
) -> tuple[str, int | None, str]:
    """A group's label, and the entity it stands for."""
    if value_type == "date" and interval is not None:
        first, last = dates.day_label(interval.low), dates.day_label(interval.high)
        return (first if first == last else f"{first} – {last}"), None, ""
    if claims[0].path:
        deepest = max(claims, key=lambda claim: len(claim.path))
        if level is None:
            return deepest.names[-1], deepest.path[-1], deepest.names[-1]
        index = min(level, len(deepest.path) - 1)
        return deepest.names[index], deepest.path[index], deepest.names[index]
    written = list(dict.fromkeys(_short(claim, value_type) for claim in claims))
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
        label, entity, entity_name = _label(members, level, value_type, interval)
        groups.append(Group(members, label, against, False, interval, entity, entity_name))
    if groups and groups[0].interval is not None:
        groups.sort(key=_group_order)
    return groups


def _group_order(group: Group) -> tuple:
    """Numbers, days and times in their order; values that would not parse after them."""
    if group.interval is None:
        return (1, 0.0, 0.0)
    return (0, group.interval.low, group.interval.high)


def _gap(first: Interval, second: Interval) -> float:
    low, high = sorted((first, second), key=lambda i: i.low)
    return max(0.0, high.low - low.high)


def _close(first: Group, second: Group, value_type: str) -> bool:
    one, two = first.interval, second.interval
    if one is None or two is None or one.dated != two.dated:
        return False
    gap = _gap(one, two)
    if value_type == "time":
        return gap <= CLOSE_MINUTES
    if value_type == "date":
        return gap <= CLOSE_DAYS
    ends = [abs(end) for end in (one.low, one.high, two.low, two.high) if math.isfinite(end)]
    return gap <= max(1.0, CLOSE_SHARE * max(ends, default=0))


def _variant_pairs(
    first: Group, second: Group, variant: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    ones = {claim.entity for claim in first.claims if claim.entity is not None}
    twos = {claim.entity for claim in second.claims if claim.entity is not None}
    return [(a, b) for a in sorted(ones) for b in sorted(twos) if variant(a, b)]


# --- trails ----------------------------------------------------------------------------


def _number(interval: Interval | None) -> float | None:
    if interval is None:
        return None
    if math.isinf(interval.high):
        return interval.low
    if math.isinf(interval.low):
        return interval.high
    return (interval.low + interval.high) / 2


def trails(claims: list[Claim]) -> list[Trail]:
    """Each source's earlier values followed by its current ones, for the sources that
    have earlier values."""
    by_source: dict[int, list[Claim]] = {}
    for claim in claims:
        by_source.setdefault(claim.source, []).append(claim)
    earliest = datetime.datetime.min.replace(tzinfo=datetime.UTC)

    def when(claim: Claim):
        return (claim.superseded is False, claim.claimed_at or earliest, claim.order)

    result = []
    for source, own in by_source.items():
        if not any(claim.superseded for claim in own):
            continue
        ordered = sorted(own, key=when)
        points = tuple(TrailPoint(claim, _number(claim.interval)) for claim in ordered)
        result.append(Trail(source, own[0].source_name, points))
    return result


# --- the comparison --------------------------------------------------------------------


def _explain(
    verdict: str, affirmed: list[Group], denied: list[Group], uncounted: int, value_type: str
) -> str:
    if verdict == SILENT:
        if uncounted:
            return (
                "No claim answers this: only opinions or user comments, which count only "
                "when the matrix counts every kind."
            )
        return "No source answers this."
    if verdict == SINGLE:
        group = affirmed[0] if affirmed else denied[0]
        what = "denies" if group.against else "says"
        return f"Only {group.voices} {what}: {group.label}."
    if verdict == AGREED:
        group = affirmed[0]
        sources = len({s for g in affirmed for s in g.source_ids})
        return f"{sources} sources agree: {group.label} ({group.voices})."
    if verdict == VARIANT:
        names = " and ".join(f"{group.label} ({group.voices})" for group in affirmed)
        return f"{names} may be one name spelt two ways: merge them if they are."
    parts = [
        f"{group.label} ({group.core.voices}{'; the odd one out' if group.odd else ''})"
        for group in affirmed
    ]
    sentence = " against ".join(parts)
    spanning = [claim for group in affirmed for claim in group.spanning]
    if spanning:
        values = " / ".join(dict.fromkeys(_short(claim, value_type) for claim in spanning))
        fit = "fits" if len(spanning) == 1 else "fit"
        sentence += f"; {values} ({Group(spanning).voices}) {fit} more than one"
    for group in denied:
        if group.conflicts:
            against = " and ".join(affirmed[i].label for i in group.conflicts)
            denial = f"{group.label} denied by {group.voices}"
            if against != group.label:
                denial += f", against {against}"
            sentence = f"{sentence}; {denial}" if sentence else denial
    return sentence[0].upper() + sentence[1:] + "."


def compare(
    claims: list[Claim],
    *,
    value_type: str,
    level: int | None = None,
    variant: Callable[[int, int], bool] = lambda a, b: False,
) -> FacetComparison:
    """The comparison of one facet: every claim of every source about it."""
    current = [claim for claim in claims if not claim.superseded]
    counted = [claim for claim in current if claim.counted]
    uncounted = [claim for claim in claims if not claim.counted]
    affirmed = group_claims([c for c in counted if not c.against], level, value_type=value_type)
    denied = group_claims(
        [c for c in counted if c.against], level, value_type=value_type, against=True
    )
    distinct = [list({c.signature(): c for c in group.claims}.values()) for group in affirmed]
    for group in denied:
        denials = list({claim.signature(): claim for claim in group.claims}.values())
        group.conflicts = [
            index
            for index, values in enumerate(distinct)
            if any(contradicts(d, c, level) for d in denials for c in values)
        ]
    conflicting = [group for group in denied if group.conflicts]
    variants: list[tuple[int, int]] = []
    for first, second in combinations(affirmed, 2):
        variants += _variant_pairs(first, second, variant)
    grade = None
    if not counted:
        verdict = SILENT
    elif len(affirmed) <= 1 and not conflicting:
        verdict = SINGLE if len({c.source for c in counted}) == 1 else AGREED
    else:
        pairs = list(combinations(affirmed, 2))
        spelt = [bool(_variant_pairs(one, two, variant)) for one, two in pairs]
        if not conflicting and all(spelt):
            verdict = VARIANT
        else:
            verdict = DISPUTED
            minor = not conflicting and all(
                is_variant or _close(one, two, value_type)
                for (one, two), is_variant in zip(pairs, spelt, strict=True)
            )
            grade = MINOR if minor else MAJOR
            _mark_odd_one_out(affirmed)
    if len(affirmed) > 1:
        _mark_spanning(affirmed, value_type, level)
    # Values and names inside one sentence cannot each be isolated in plain text (the JSON
    # holds the same sentence): their direction controls go, so none can reorder it.
    explanation = without_bidi_controls(
        _explain(verdict, affirmed, denied, len(uncounted), value_type)
    )
    return FacetComparison(
        verdict=verdict,
        grade=grade,
        groups=affirmed + denied,
        explanation=explanation,
        variants=sorted(set(variants)),
        trails=trails([claim for claim in claims if claim.counted]),
        counted=counted,
        uncounted=uncounted,
    )


def _mark_spanning(groups: list[Group], value_type: str, level: int | None) -> None:
    """Values that fit the common ground of more than one group; the groups' labels then
    name their other values."""
    for group in groups:
        others = [g.interval for g in groups if g is not group and g.interval is not None]
        group.spanning = [
            claim
            for claim in group.claims
            if claim.interval is not None
            and any(intervals_agree(claim.interval, other) for other in others)
        ]
        spanning = {id(claim) for claim in group.spanning}
        rest = [claim for claim in group.claims if id(claim) not in spanning]
        if group.spanning and rest:
            group.label = _label(rest, level, value_type, group.interval)[0]


def _mark_odd_one_out(groups: list[Group]) -> None:
    """The one group a single source stands behind, when every other has two or more."""
    counts = [len(group.source_ids) for group in groups]
    if len(groups) >= 2 and counts.count(1) == 1 and min(c for c in counts if c > 1) >= 2:
        groups[counts.index(1)].odd = True
