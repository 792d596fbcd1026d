from __future__ import annotations

import json
import math

import pytest

from reader.claims import Claim, agree
from reader.comparison import compare
from reader.formats.comparison_json import SCHEMA_PATH
from reader.quantities import Interval, hedge_margin, parse_quantity, quantities_in
from reader.times import parse_time_of_day
from reader.values import VALUE_TYPES, parse_value, spec_for, suggested_value, values_in
from reader.vocabularies import ValueType


def claim(value: str, value_type: str = "number", *, source: int = 1, **fields) -> Claim:
    return Claim(
        id=hash((value, source, tuple(fields.items()))) % 10**9,
        source=source,
        source_name=f"Source {source}",
        value=value,
        interval=parse_value(value_type, value),
        **fields,
    )


def values_disagree(first: str, second: str, value_type: str = "number") -> bool:
    """Two written values as the comparison compares them (names as written: entity
    resolution is tested in test_entities.py)."""
    return not agree(claim(first, value_type), claim(second, value_type), None)


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
    ("Some 33 Turkish soldiers", Interval(32, 34)),
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
    ("two hundred", Interval(200, 200)),
    ("several dozen", Interval(36, 119)),
    ("100k+", Interval(100_000, INF)),
    ("1,5 million", Interval(1_500_000, 1_500_000)),
    ("70-50", Interval(50, 70)),
    ("no one died", Interval(0, 0)),
    ("33 killed, 50-70 per others", Interval(33, 33)),
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
        ("some 33", "at least 36", True),
        ("about 30", "33", False),
        ("about 30", "34", True),
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


HOUR = 60


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("At around 5 p.m.", Interval(16.5 * HOUR, 17.5 * HOUR)),
        ("at around 10-11pm local time", Interval(22 * HOUR, 23 * HOUR)),
        ("22:56", Interval(22 * HOUR + 56, 22 * HOUR + 56)),
        ("following 1 p.m.", Interval(13 * HOUR, 13 * HOUR)),
        ("At around 11 a.m. on 27 February 2020", Interval(10.5 * HOUR, 11.5 * HOUR)),
        ("12 am", Interval(0, 0)),
        ("from 9:30 to 11:15", Interval(9.5 * HOUR, 11.25 * HOUR)),
    ],
)
def test_times_of_day_parse_to_minute_intervals(written, expected):
    assert parse_time_of_day(written) == expected


@pytest.mark.parametrize("written", ["late Thursday", "33 soldiers", "13 p.m.", "25:00"])
def test_things_that_are_not_clock_times(written):
    assert parse_time_of_day(written) is None


def test_time_values_compare_as_times():
    assert values_disagree("about 5 p.m.", "10-11pm", "time")
    assert not values_disagree("about 5 p.m.", "17:00", "time")
    assert values_disagree("Balyun", "Behun", "place")
    assert not values_disagree("Balyun ", "balyun", "place")


@pytest.mark.parametrize(
    ("value_type", "quote", "expected"),
    [
        (
            "number",
            "An airstrike late Thursday killing at least 36 and raising fears",
            "at least 36",
        ),
        ("number", "33–34 soldiers killed , (per Turkey & SOHR)", "33–34"),
        ("number", "Dozens of Turkish Troops", "Dozens"),
        ("time", "33 Turkish soldiers were killed at around 10-11pm local time", "around 10-11pm"),
        ("place", "a place called Balyun", ""),
        ("number", "Syrian Air Force", ""),
    ],
)
def test_suggested_value_is_the_part_of_the_quote_that_states_it(value_type, quote, expected):
    assert suggested_value(value_type, quote) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("33", [("33",)]),
        ("33, 33–34, at least 33", [("33", "33–34", "at least 33")]),
        ("33, at least 36", [("33",), ("at least 36",)]),
        ("33, 50–70", [("33",), ("50–70",)]),
    ],
)
def test_numbers_group_by_overlap(written, expected):
    claims = [claim(value, source=n) for n, value in enumerate(written.split(", "))]
    result = compare(claims, value_type="number")
    assert [tuple(c.value for c in group.claims) for group in result.groups] == expected
    assert result.disputed is (len(expected) > 1)


@pytest.mark.parametrize(
    ("value", "margin"),
    [(33, 1), (30, 3), (36, 1), (50, 5), (200, 20), (1500, 50), (1000, 100), (5, 1), (2.5, 1)],
)
def test_a_hedge_widens_a_number_by_its_own_rounding(value, margin):
    """ "about 33" is 32-34 (its last digit counts: ±1); "about 30" 27-33 (half of ten, at
    most 10%); "about 1,500" 1,450-1,550; never less than 1."""
    assert hedge_margin(value) == margin


@pytest.mark.parametrize("hostile", ["1" * 40_000, "1." * 20_000, "1," * 20_000, "9" * 400])
def test_long_or_huge_numbers_parse_quickly_and_never_to_infinity(hostile):
    # Unbounded digit runs once backtracked quadratically (32k digits: minutes).
    interval = parse_quantity(hostile)
    assert interval is None or math.isfinite(interval.high)
    assert parse_time_of_day(hostile) is None
    assert isinstance(values_in("number", hostile), list)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("after 5 pm", Interval(17 * HOUR, 24 * HOUR, low_open=True)),
        ("before 5 pm", Interval(0, 17 * HOUR, high_open=True)),
        ("about 00:10", Interval(0, 40)),
        ("24:00", Interval(24 * HOUR, 24 * HOUR)),
    ],
)
def test_time_qualifiers_and_the_edges_of_the_day(written, expected):
    assert parse_time_of_day(written) == expected


def test_half_past_midnight_written_as_24_30_is_not_a_time():
    assert parse_time_of_day("24:30") is None


def test_quantities_in_a_quote_are_listed_in_order():
    assert quantities_in("On 27 February, 33 soldiers and at least 36 wounded") == [
        "27",
        "33",
        "at least 36",
    ]
    assert values_in("time", "from 10 p.m. until 11:30") == ["10 p.m.", "until 11:30"]
    assert values_in("place", "Balyun") == []


def test_every_value_type_has_one_entry_and_others_read_as_text():
    assert list(VALUE_TYPES) == list(ValueType)
    assert all(key == spec.value_type for key, spec in VALUE_TYPES.items())
    assert spec_for("no such type") is VALUE_TYPES[ValueType.TEXT]
    assert parse_value("no such type", "33") is None


def _enums(node, key: str) -> list[list]:
    """Every enum the schema gives a property named `key`."""
    if isinstance(node, list):
        return [found for item in node for found in _enums(item, key)]
    if not isinstance(node, dict):
        return []
    here = [node[key]["enum"]] if isinstance(node.get(key), dict) and "enum" in node[key] else []
    return here + [found for value in node.values() for found in _enums(value, key)]


def test_comparison_schema_lists_every_value_type_and_unit():
    """comparison.schema.json is a published file: a new value type (or unit) goes there too."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    units = {unit for spec in VALUE_TYPES.values() for unit in (spec.unit, spec.dated_unit)}
    assert [set(enum) for enum in _enums(schema, "value_type")] == [set(ValueType.values)]
    assert [set(enum) for enum in _enums(schema, "unit")] == [units - {""}]
