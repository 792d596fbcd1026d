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
  1, times within 30 minutes, dates within a day: each value type's `close`, in
  reader/values.py) or only spelt differently; otherwise major. When the only
  disagreement is between likely spelling variants, the verdict is "possible variant".
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from reader.claims import (
    Claim,
    Group,
    claim_label,
    contradicts,
    group_claims,
    group_label,
    intervals_agree,
)
from reader.quantities import Interval
from reader.sanitize import without_bidi_controls
from reader.values import spec_for

AGREED, DISPUTED, VARIANT, SINGLE, SILENT = (
    "agreed",
    "disputed",
    "possible_variant",
    "single_source",
    "silent",
)
MINOR, MAJOR = "minor", "major"


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


# --- disputes --------------------------------------------------------------------------


def _close(first: Group, second: Group, value_type: str) -> bool:
    """How close is close is the value type's (quantities.close, times.times_close...)."""
    one, two = first.interval, second.interval
    if one is None or two is None or one.dated != two.dated:
        return False
    return spec_for(value_type).close(one, two)


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


def _kinds_said(claims: list[Claim]) -> str:
    """The kinds of these claims in words, in the order they come ("opinions or user
    comments"), from the kinds' own table through Claim.kind_plural."""
    kinds = list(dict.fromkeys(claim.kind_plural for claim in claims if claim.kind_plural))
    if not kinds:
        return "annotations of the kinds not counted"
    return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} or {kinds[-1]}"


def _explain(
    verdict: str,
    affirmed: list[Group],
    denied: list[Group],
    uncounted: list[Claim],
    value_type: str,
) -> str:
    if verdict == SILENT:
        if uncounted:
            return (
                f"No claim answers this: only {_kinds_said(uncounted)}, which count only "
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
        values = " / ".join(dict.fromkeys(claim_label(claim, value_type) for claim in spanning))
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
    explanation = without_bidi_controls(_explain(verdict, affirmed, denied, uncounted, value_type))
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
            group.label = group_label(rest, level, value_type, group.interval)[0]


def _mark_odd_one_out(groups: list[Group]) -> None:
    """The one group a single source stands behind, when every other has two or more."""
    counts = [len(group.source_ids) for group in groups]
    if len(groups) >= 2 and counts.count(1) == 1 and min(c for c in counts if c > 1) >= 2:
        groups[counts.index(1)].odd = True
