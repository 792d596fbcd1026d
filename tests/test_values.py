from __future__ import annotations

import math

import pytest

from reader.values import Interval, parse_quantity, values_disagree

INF = math.inf

# Written forms from the seed texts first, then from elsewhere.
WRITTEN_FORMS = [
    ("33", Interval(33, 33)),
    ("34 Turkish soldiers", Interval(34, 34)),
    ("announced 33 deaths", Interval(33, 33)),
    ("33–34 soldiers killed", Interval(33, 34)),
    ("50–70 soldiers killed", Interval(50, 70)),
    ("36–60 wounded", Interval(36, 60)),
    ("ranging from 50 to 70 dead", Interval(50, 70)),
    ("killing at least 36", Interval(36, INF)),
    ("Some 33 Turkish soldiers", Interval(29.7, 36.3)),
    ("killed nine", Interval(9, 9)),
    ("the number was 9", Interval(9, 9)),
    ("Two Turkish soldiers were killed", Interval(2, 2)),
    ("as many as 50 Syrian regime fighters", Interval(0, 50)),
    ("'up to 50' regime soldiers", Interval(0, 50)),
    ("over 50", Interval(50, INF, low_open=True)),
    ("more than doubled from about 20", Interval(18, 22)),
    ("approximately 197 to 405 Syrian forces", Interval(197, 405)),
    ("amounted to 3,138", Interval(3138, 3138)),
    ("Dozens of Turkish Troops", Interval(24, 99)),
    ("500+K Syrian deaths", Interval(500_000, INF)),
    ("at around 10-11pm", Interval(10, 11)),
    ("about 5 p.m.", Interval(4, 6)),
    ("a 400-man battalion", Interval(400, 400)),
    ("thirty-three soldiers", Interval(33, 33)),
    ("between 30 and 40", Interval(30, 40)),
    ("no fewer than 12", Interval(12, INF)),
    ("fewer than 10", Interval(0, 10, high_open=True)),
    ("nearly 40", Interval(36, 40, high_open=True)),
    ("a dozen", Interval(12, 12)),
    ("hundreds of civilians", Interval(200, 999)),
    ("2.5 million displaced", Interval(2_500_000, 2_500_000)),
    ("50+", Interval(50, INF)),
    ("roughly 1,000", Interval(900, 1100)),
    ("at least\u00a036", Interval(36, INF)),
]


@pytest.mark.parametrize(("written", "expected"), WRITTEN_FORMS)
def test_written_quantities_parse_to_intervals(written, expected):
    actual = parse_quantity(written)
    assert actual is not None
    assert (actual.low, actual.high) == (pytest.approx(expected.low), pytest.approx(expected.high))
    assert (actual.low_open, actual.high_open) == (expected.low_open, expected.high_open)


def test_there_are_at_least_thirty_written_forms():
    assert len(WRITTEN_FORMS) >= 30


@pytest.mark.parametrize(
    "written", ["Syrian Air Force", "Balyun", "Behun", "denied by Russia", "someone often said"]
)
def test_text_without_a_number_is_not_a_quantity(written):
    assert parse_quantity(written) is None


@pytest.mark.parametrize(
    ("first", "second", "disagree"),
    [
        ("33", "34", True),
        ("33", "33–34", False),
        ("33", "at least 36", True),
        ("at least 36", "50-70", False),
        ("33–34", "50–70", True),
        ("about 33", "34", False),
        ("over 50", "50", True),
        ("at least 50", "50", False),
        ("about 5 p.m.", "10-11pm", True),
        ("Syrian Air Force", "syrian  air force", False),
        ("Syrian Air Force", "Russian Air Force", True),
        ("Balyun", "Behun", True),
        ("33", "Balyun", True),
    ],
)
def test_values_disagree(first, second, disagree):
    assert values_disagree(first, second) is disagree
    assert values_disagree(second, first) is disagree


def test_interval_prints_like_maths():
    assert str(Interval(36, INF)) == "[36, ∞)"
    assert str(Interval(50, INF, low_open=True)) == "(50, ∞)"
    assert str(Interval(33, 34)) == "[33, 34]"
