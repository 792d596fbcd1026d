"""Days and times as sources write them, resolved against the day of writing."""

from __future__ import annotations

import datetime

import pytest

from reader.dates import MINUTES_PER_DAY, Day, day_label, minutes_label, read_day
from reader.quantities import Interval
from reader.times import parse_date, parse_moment

THU, FRI = datetime.date(2020, 2, 27), datetime.date(2020, 2, 28)
D27 = THU.toordinal()
HOUR = 60


@pytest.mark.parametrize(
    ("written", "base", "expected"),
    [
        ("27 February 2020", None, Day(THU, THU)),
        ("Thursday", FRI, Day(THU, THU)),
        ("Thursday", THU, Day(THU, THU)),  # written that day: that day
        ("on Thursday", FRI, Day(THU, THU)),
        ("late Thursday", THU, Day(THU, THU, "late")),
        ("late Thursday", FRI, Day(THU, THU, "late")),
        ("early Friday", FRI, Day(FRI, FRI, "early")),
        ("Thursday evening", FRI, Day(THU, THU, "evening")),
        ("yesterday", FRI, Day(THU, THU)),
        ("last night", FRI, Day(THU, THU, "night")),
        ("on Feb. 27", FRI, Day(THU, THU)),
        ("Feb. 27, 2020", None, Day(THU, THU)),
        ("27.02.2020", None, Day(THU, THU)),
        ("27-28 February 2020", None, Day(THU, FRI)),
        ("February 2020", None, Day(datetime.date(2020, 2, 1), datetime.date(2020, 2, 29))),
        ("2020-02-27", None, Day(THU, THU)),
    ],
)
def test_days_resolve_against_the_day_of_writing(written, base, expected):
    assert read_day(written, base=base) == expected


@pytest.mark.parametrize("written", ["Thursday", "yesterday", "on Feb. 27", "last night"])
def test_relative_days_need_a_day_of_writing(written):
    assert read_day(written, base=None) is None


@pytest.mark.parametrize("written", ["Balyun", "the strike", "33 soldiers", "around", ""])
def test_things_that_are_not_days(written):
    assert read_day(written, base=FRI) is None


def test_a_date_in_the_documents_language():
    assert read_day("27 Şubat 2020", base=None, language="tr") == Day(THU, THU)
    assert read_day("27 февраля 2020", base=None, language="ru") == Day(THU, THU)


def test_a_date_written_without_its_year_is_never_after_the_day_of_writing():
    assert read_day("Dec. 30", base=datetime.date(2021, 1, 2)) == Day(
        datetime.date(2020, 12, 30), datetime.date(2020, 12, 30)
    )


def test_dates_parse_to_day_numbers():
    assert parse_date("late Thursday", base=FRI) == Interval(D27, D27)
    assert parse_date("27 February 2020") == Interval(D27, D27)
    assert parse_date("21:26 GMT 27.02.2020") == Interval(D27, D27)


def test_times_carry_their_day_when_the_text_gives_it():
    day = D27 * MINUTES_PER_DAY
    assert parse_moment("yesterday at around 10-11pm local time", base=FRI) == Interval(
        day + 22 * HOUR, day + 23 * HOUR, dated=True
    )
    assert parse_moment("late Thursday", base=FRI) == Interval(
        day + 18 * HOUR, day + 24 * HOUR, dated=True
    )
    assert parse_moment("21:26 GMT 27.02.2020") == Interval(
        day + 21 * HOUR + 26, day + 21 * HOUR + 26, dated=True
    )
    # Without a day, a time is a time of any day; a part of the day, that part.
    assert parse_moment("At around 5 p.m.") == Interval(16.5 * HOUR, 17.5 * HOUR)
    assert parse_moment("late Thursday") == Interval(18 * HOUR, 24 * HOUR)
    assert parse_moment("Thursday", base=FRI) == Interval(day, day + MINUTES_PER_DAY, dated=True)


def test_labels():
    assert day_label(D27) == "27 Feb 2020"
    assert minutes_label(22 * HOUR, dated=False) == "22:00"
    assert minutes_label(D27 * MINUTES_PER_DAY + 22 * HOUR, dated=True) == "27 Feb 22:00"
