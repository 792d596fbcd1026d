"""How much annotators agree on the kind of the spans they both marked. Pure functions.

A *unit* is a group of spans from different annotators that overlap (directly or through
one another); in it, each annotator gives at most one label (the kind of their longest span
there). Cohen's kappa compares two annotators on the units both labelled; Krippendorff's
alpha (nominal) takes every unit labelled by two or more, so it copes with annotators who
skipped some. Units that only one annotator marked are not agreement data: they are listed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations, permutations
from typing import Any, NamedTuple


class AnnotationRef(NamedTuple):
    pk: int
    accepted: bool


@dataclass(frozen=True)
class Mark:
    annotator: Hashable
    start: int
    end: int
    label: str
    # The annotation the mark stands for: anything with `pk` and `accepted` (a model
    # instance for pages, an AnnotationRef where only those two are read).
    annotation: Any = None


@dataclass
class Unit:
    start: int
    end: int
    labels: dict[Hashable, str] = field(default_factory=dict)
    marks: list[Mark] = field(default_factory=list)

    @property
    def single(self) -> bool:
        return len(self.labels) == 1

    @property
    def agreed(self) -> bool:
        return len(set(self.labels.values())) == 1


def units(marks: Iterable[Mark]) -> list[Unit]:
    """Overlapping spans grouped into units, in text order."""
    result: list[Unit] = []
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if result and mark.start < result[-1].end:
            unit = result[-1]
            unit.end = max(unit.end, mark.end)
        else:
            unit = Unit(start=mark.start, end=mark.end)
            result.append(unit)
        unit.marks.append(mark)
    for unit in result:
        longest: dict[Hashable, Mark] = {}
        for mark in unit.marks:
            current = longest.get(mark.annotator)
            if current is None or mark.end - mark.start > current.end - current.start:
                longest[mark.annotator] = mark
        unit.labels = {annotator: mark.label for annotator, mark in longest.items()}
    return result


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa for two annotators' labels of the same units; None without units or
    when both used one and the same label throughout (0/0: chance explains everything)."""
    if not first or len(first) != len(second):
        return None
    count = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / count
    first_share, second_share = Counter(first), Counter(second)
    expected = sum(first_share[label] * second_share[label] for label in first_share) / count**2
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units_labels: Iterable[Iterable[str]]) -> float | None:
    """Krippendorff's alpha for nominal labels; each unit gives the labels its annotators
    chose (units with fewer than two labels do not count). None without pairable data."""
    coincidences: defaultdict[tuple[str, str], float] = defaultdict(float)
    for unit_labels in units_labels:
        labels = list(unit_labels)
        if len(labels) < 2:
            continue
        weight = 1 / (len(labels) - 1)
        for a, b in permutations(range(len(labels)), 2):
            coincidences[(labels[a], labels[b])] += weight
    totals: defaultdict[str, float] = defaultdict(float)
    for (label, _), value in coincidences.items():
        totals[label] += value
    pairable = sum(totals.values())
    if pairable <= 1:
        return None
    disagreement = sum(value for (a, b), value in coincidences.items() if a != b)
    by_chance = sum(totals[a] * totals[b] for a, b in permutations(totals, 2))
    if by_chance == 0:
        return None  # one label only: no variation to measure agreement against
    return 1 - (pairable - 1) * disagreement / by_chance


@dataclass
class PairAgreement:
    first: Hashable
    second: Hashable
    shared_units: int
    agreed_units: int
    kappa: float | None


def pairwise(all_units: list[Unit], annotators: list[Hashable]) -> list[PairAgreement]:
    """Cohen's kappa for every pair of annotators, on the units both labelled."""
    result = []
    for first, second in combinations(annotators, 2):
        shared = [u for u in all_units if first in u.labels and second in u.labels]
        first_labels = [u.labels[first] for u in shared]
        second_labels = [u.labels[second] for u in shared]
        result.append(
            PairAgreement(
                first=first,
                second=second,
                shared_units=len(shared),
                agreed_units=sum(a == b for a, b in zip(first_labels, second_labels, strict=True)),
                kappa=cohen_kappa(first_labels, second_labels),
            )
        )
    return result
