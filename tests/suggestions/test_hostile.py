"""Hostile texts take time in proportion to their length: a hundred times the text costs
at most three hundred times as much (linear is a hundred), measured in this process's CPU
time so that other processes on the machine do not count. A megabyte of digits and one
of brackets; 200 KB of the others, which are dense with cue words and so the slowest to
read (bench/suggestions.py times a megabyte of each)."""

from __future__ import annotations

import time

import pytest

from reader.suggestions.candidates import FacetSpec, KnownName, comment_ranges, suggest
from reader.suggestions.prefill import prefill
from reader.suggestions.similar import PassageIndex

FACETS = [
    FacetSpec(1, "Death toll", "number"),
    FacetSpec(2, "Wounded", "number"),
    FacetSpec(3, "Perpetrator", "actor"),
    FacetSpec(4, "Time of strike", "time"),
    FacetSpec(5, "Date", "date"),
    FacetSpec(6, "Place", "place"),
]
NAMES = [KnownName("Balyun", 1, "place"), KnownName("Syrian Air Force", 2, "actor")]
MEGABYTE = 1_000_000
# Each unit has cue words, so that every piece of the text is read, not skipped.
HOSTILE = {
    "digits": ("7" * 5000 + " killed 33 wounded " + "1234567890" * 50 + " ", MEGABYTE),
    "brackets": (
        "(" * 3000 + "killed 33 (((by the Syrian Air Force))) at 5 p.m." + ")" * 3000,
        MEGABYTE,
    ),
    "digits and words": ("killed 12 12 12 12 12 5 p.m. 27 February 2020 12 12 12 12 ", 200_000),
    "right-to-left and emoji": (
        "قتل 33 killed جنديا في Balyun ✈️💥 נהרגו 33 שלום 🇹🇷 airstrike ",
        200_000,
    ),
    "says lines": ("  1. a b c says\n" * 20 + "    killed 33 in Balyun\n", 200_000),
}


def cpu_seconds(text: str) -> float:
    began = time.process_time()
    suggest(text=text, published=None, facets=FACETS, names=NAMES)
    return time.process_time() - began


def repeated(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hundred_times_the_text_costs_about_a_hundred_times_as_much(name):
    unit, size = HOSTILE[name]
    small, large = repeated(unit, size // 100), repeated(unit, size)
    cpu_seconds(small)  # warm the caches
    small_cost = min(cpu_seconds(small) for _ in range(3))
    assert cpu_seconds(large) < 300 * max(small_cost, 0.001)


def test_hostile_text_gives_bounded_candidates_inside_the_text():
    text = repeated(HOSTILE["brackets"][0], 100_000)
    for candidate in suggest(text=text, published=None, facets=FACETS, names=NAMES):
        assert 0 <= candidate.start < candidate.end <= len(text)
        assert candidate.end - candidate.start <= 600


def test_prefill_similar_and_threads_take_a_megabyte():
    text = repeated(HOSTILE["digits and words"][0], MEGABYTE)
    assert prefill(value_type="number", quote=text, facet_name="Death toll") == "12"
    assert comment_ranges(repeated(HOSTILE["says lines"][0], MEGABYTE))
    began = time.process_time()
    rtl = HOSTILE["right-to-left and emoji"][0]
    index = PassageIndex([(1, repeated(rtl, MEGABYTE))])
    index.similar(rtl)
    assert time.process_time() - began < 60  # a bound for a hang, not a speed figure
