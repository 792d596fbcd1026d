"""Times and days as sources write them ("22:56", "10-11pm yesterday", "late Thursday",
"27 February 2020"), as intervals.

Pure functions, no Django. Times are minutes of the day, or from day 0 of the calendar
when the text gives the day or it resolves against the day of writing ("10-11pm
yesterday", "late Thursday"); dates are day numbers (reader/dates.py).
"""

from __future__ import annotations

import datetime
import re

from reader import dates
from reader.dates import MINUTES_PER_DAY
from reader.quantities import PARSE_LIMIT, QUALIFIERS, SPAN, Interval, qualifier_kind


def _clock(name: str) -> str:
    """ "22:56", "5", "5 p.m.", "10pm", in named groups."""
    return (
        rf"(?P<{name}_hour>\d{{1,2}})(?:[:.h](?P<{name}_minute>\d{{2}}))?"
        rf"(?:\s*(?P<{name}_meridiem>a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z]))?"
    )


# How far apart two times, or two days, may be and still be a minor dispute.
CLOSE_MINUTES = 30
CLOSE_DAYS = 1


def times_close(first: Interval, second: Interval) -> bool:
    return first.gap(second) <= CLOSE_MINUTES


def days_close(first: Interval, second: Interval) -> bool:
    return first.gap(second) <= CLOSE_DAYS


# Times take the quantity qualifiers and a few of their own.
TIME_QUALIFIERS = [
    (r"after|later than|since", "over"),
    (r"before|earlier than|until", "under"),
    *QUALIFIERS,
]
_TIME = re.compile(
    rf"(?:(?P<qualifier>{'|'.join(f'(?:{words})' for words, _ in TIME_QUALIFIERS)})\s+)?"
    + _clock("start")
    + rf"(?:{SPAN}"
    + _clock("end")
    + ")?",
    re.IGNORECASE,
)


def _minutes(hour: str, minute: str | None, meridiem: str | None) -> float | None:
    hours, minutes = int(hour), int(minute or 0)
    if meridiem:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if meridiem.lower().startswith("p") else 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _time_match(found: re.Match) -> Interval | None:
    if not (found["start_meridiem"] or found["start_minute"] or found["end_hour"]):
        return None  # a bare number is not a time
    # "10-11pm": the first hour takes the second's a.m./p.m.
    start_meridiem = found["start_meridiem"] or found["end_meridiem"]
    start = _minutes(found["start_hour"], found["start_minute"], start_meridiem)
    if start is None:
        return None
    if found["end_hour"]:
        end = _minutes(found["end_hour"], found["end_minute"], found["end_meridiem"])
        return Interval(start, end) if end is not None and end >= start else None
    kind = qualifier_kind(found["qualifier"], TIME_QUALIFIERS)
    if kind in {"over", "at_least"}:
        return Interval(start, MINUTES_PER_DAY, low_open=kind == "over")
    if kind in {"under", "up_to"}:
        return Interval(0, start, high_open=kind == "under")
    if kind == "nearly":
        return Interval(max(0, start - 30), start, high_open=True)
    if kind == "about":
        return Interval(max(0, start - 30), min(MINUTES_PER_DAY, start + 30))
    return Interval(start, start)


def _first_time(written: str) -> tuple[re.Match, Interval] | None:
    for found in _TIME.finditer(written[:PARSE_LIMIT]):
        interval = _time_match(found)
        if interval:
            return found, interval
    return None


def parse_time_of_day(written: str) -> Interval | None:
    """The first clock time or span as minutes of the day: "about 5 p.m." is
    [16:30, 17:30], "10-11pm" is [22:00, 23:00], "22:56" is [22:56, 22:56]."""
    found = _first_time(written)
    return found[1] if found else None


# Zones and "local time" say where the clock is, not which time it is.
_CLOCK_WORDS = re.compile(r"\b(?:GMT|UTC|[A-Z]{2,4}T)\b|\b(?i:local time)\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")


def parse_moment(
    written: str, *, base: datetime.date | datetime.datetime | None = None, language: str = "en"
) -> Interval | None:
    """A time, with its day when the text gives one or it resolves against `base`:
    "10-11pm yesterday" in a piece of 28 February 2020 is 22:00-23:00 on the 27th, "late
    Thursday" that evening (18:00-24:00), "5 p.m." 17:00 of whichever day."""
    text = written[:PARSE_LIMIT]
    clock = _first_time(text)
    rest = text if clock is None else text[: clock[0].start()] + " " + text[clock[0].end() :]
    rest = _CLOCK_WORDS.sub(" ", rest)
    day = dates.read_day(rest, base=base, language=language)
    if day is None and clock is not None and _NUMERIC_DATE.search(text):
        day = dates.read_day(text, base=base, language=language)
    if clock is not None:
        interval = clock[1]
        if day is None or day.first != day.last:
            return interval
        start = day.first.toordinal() * MINUTES_PER_DAY
        return Interval(
            start + interval.low,
            start + interval.high,
            interval.low_open,
            interval.high_open,
            dated=True,
        )
    if day is not None:
        low, high = day.minutes()
        return Interval(low, high, dated=True)
    part = dates.part_of_day(text)
    return Interval(*part) if part else None


def parse_date(
    written: str, *, base: datetime.date | datetime.datetime | None = None, language: str = "en"
) -> Interval | None:
    """A day or a run of days as day numbers (date.toordinal): "27 February 2020", "late
    Thursday" and "yesterday" in a piece of 28 February 2020 are all [737482, 737482]."""
    day = dates.read_day(_CLOCK_WORDS.sub(" ", written), base=base, language=language)
    if day is None:
        return None
    return Interval(day.first.toordinal(), day.last.toordinal())


def times_in(quote: str) -> list[str]:
    """Each clock time or span in the quote, as written."""
    return [
        found.group(0).strip()
        for found in _TIME.finditer(quote[:PARSE_LIMIT])
        if _time_match(found)
    ]


def time_spans(written: str) -> list[tuple[int, int]]:
    """Where each clock time or span of the text is ("around 5 p.m.", "10-11pm")."""
    return [found.span() for found in _TIME.finditer(written[:PARSE_LIMIT]) if _time_match(found)]
