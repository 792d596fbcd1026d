"""Values as sources write them ("at least 36", "50–70", "dozens of"), made comparable.

Pure functions, no Django. A written number becomes an interval: "33" is [33, 33],
"at least 36" is [36, ∞), "over 50" is (50, ∞), "50-70" is [50, 70], "about 33" is
[29.7, 36.3]. Two numeric values disagree when their intervals do not overlap. Anything
that holds no number stays text and compares as text, case and spacing aside.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import combinations

# "about 33" tolerates 10% either side (at least 1): close counts from one source agree.
APPROXIMATE = 0.10


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def overlaps(self, other: Interval) -> bool:
        if self.low > other.high or other.low > self.high:
            return False
        if self.low == other.high and (self.low_open or other.high_open):
            return False
        return not (other.low == self.high and (other.low_open or self.high_open))

    def __str__(self) -> str:
        left = "(" if self.low_open else "["
        right = ")" if self.high_open or math.isinf(self.high) else "]"
        return f"{left}{_number(self.low)}, {_number(self.high)}{right}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "∞"
    return str(int(value)) if value == int(value) else f"{value:g}"


# fmt: off
_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
# fmt: on
WORD_NUMBERS = (
    {word: value for value, word in enumerate(_UNITS)}
    | _TENS
    | {"hundred": 100, "a dozen": 12, "a hundred": 100}
)

# Vague quantities with no number in them.
VAGUE = {
    "dozens": Interval(24, 99),
    "scores": Interval(40, 99),
    "hundreds": Interval(200, 999),
    "thousands": Interval(2000, 9999),
    "several": Interval(3, 9),
    "a few": Interval(2, 5),
}
MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}

_WORD = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
_NUMERAL = rf"(?:\d+(?:[.,]\d+)*|\b(?:{_WORD})\b)"
_QUANTITY = (
    rf"(?P<{{name}}>{_NUMERAL}(?:[-\s](?:{_WORD})\b)?)"
    rf"(?P<{{name}}_plus>\s*\+)?(?:\s*(?P<{{name}}_times>k|thousand|m|million)\b)?"
)

QUALIFIERS = [
    # (words, what they do to the number n)
    (r"at least|no fewer than|no less than|a minimum of|not less than|≥", "at_least"),
    (r"more than|over|above|upwards of|in excess of|>", "over"),
    (r"up to|as many as|at most|no more than|a maximum of|≤", "up_to"),
    (r"fewer than|less than|under|below|<", "under"),
    (r"nearly|almost|just under|close to", "nearly"),
    (
        r"about|around|approximately|roughly|some|an estimated|estimated|circa|c\.|~|approx\.?",
        "about",
    ),
]
_QUALIFIER = "|".join(f"(?:{words})" for words, _ in QUALIFIERS)

_RANGE = re.compile(
    rf"(?:(?P<qualifier>{_QUALIFIER})\s+)?(?:between\s+|from\s+)?"
    + _QUANTITY.format(name="low")
    + r"\s*(?:-|–|—|to|and)\s*"
    + _QUANTITY.format(name="high"),
    re.IGNORECASE,
)
_SINGLE = re.compile(
    rf"(?:(?P<qualifier>{_QUALIFIER})\s*)?" + _QUANTITY.format(name="value"),
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(" + "|".join(VAGUE) + r")\b", re.IGNORECASE)


def _to_number(written: str, times: str | None = None) -> float | None:
    written = written.strip().lower()
    multiplier = MULTIPLIERS[times.lower()] if times else 1
    if written in WORD_NUMBERS:
        return WORD_NUMBERS[written] * multiplier
    parts = re.split(r"[-\s]", written)
    if len(parts) == 2 and all(part in WORD_NUMBERS for part in parts):  # "thirty-three"
        return (WORD_NUMBERS[parts[0]] + WORD_NUMBERS[parts[1]]) * multiplier
    # Thousands separators: "3,138" and "3.138"; a single decimal point stays: "2.5".
    if re.fullmatch(r"\d{1,3}([,.]\d{3})+", written):
        written = re.sub(r"[,.]", "", written)
    try:
        return float(written.replace(",", "")) * multiplier
    except ValueError:
        return None


def _qualifier_kind(qualifier: str | None) -> str | None:
    if qualifier:
        for words, name in QUALIFIERS:
            if re.fullmatch(words, qualifier.strip(), re.IGNORECASE):
                return name
    return None


def _qualified(qualifier: str | None, value: float) -> Interval:
    kind = _qualifier_kind(qualifier)
    if kind == "at_least":
        return Interval(value, math.inf)
    if kind == "over":
        return Interval(value, math.inf, low_open=True)
    if kind == "up_to":
        return Interval(0, value)
    if kind == "under":
        return Interval(0, value, high_open=True)
    if kind == "nearly":
        return Interval(value - max(1, value * APPROXIMATE), value, high_open=True)
    if kind == "about":
        margin = max(1, value * APPROXIMATE)
        return Interval(value - margin, value + margin)
    return Interval(value, value)


def parse_quantity(written: str) -> Interval | None:
    """The first quantity in the text as an interval, or None when it holds none."""
    text = written.replace("\u00a0", " ")
    found = _RANGE.search(text)
    if found:
        times = found["low_times"] or found["high_times"]
        low, high = _to_number(found["low"], times), _to_number(found["high"], times)
        if low is not None and high is not None and low <= high:
            return Interval(low, high)
    found = _SINGLE.search(text)
    if found:
        value = _to_number(found["value"], found["value_times"])
        if value is not None:
            if found["value_plus"]:
                return Interval(value, math.inf)
            return _qualified(found["qualifier"], value)
    found = _VAGUE.search(text)
    if found:
        return VAGUE[found[1].lower()]
    return None


_CLOCK = r"(?P<{name}_hour>\d{{1,2}})(?:[:.h](?P<{name}_minute>\d{{2}}))?"
_MERIDIEM = r"(?:\s*(?P<{name}_meridiem>a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z]))?"
_TIME = re.compile(
    rf"(?:(?P<qualifier>{_QUALIFIER})\s+)?"
    + _CLOCK.format(name="start")
    + _MERIDIEM.format(name="start")
    + r"(?:\s*(?:-|–|—|to|and)\s*"
    + _CLOCK.format(name="end")
    + _MERIDIEM.format(name="end")
    + ")?",
    re.IGNORECASE,
)


def _minutes(hour: str, minute: str | None, meridiem: str | None) -> float | None:
    hours, minutes = int(hour), int(minute or 0)
    if meridiem:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if meridiem.lower().startswith("p") else 0)
    if hours > 24 or minutes > 59:
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
    if _qualifier_kind(found["qualifier"]) == "about":
        return Interval(start - 30, start + 30)
    return Interval(start, start)


def _first_time(written: str) -> tuple[re.Match, Interval] | None:
    for found in _TIME.finditer(written):
        interval = _time_match(found)
        if interval:
            return found, interval
    return None


def parse_time_of_day(written: str) -> Interval | None:
    """The first clock time or span as minutes of the day: "about 5 p.m." is
    [16:30, 17:30], "10-11pm" is [22:00, 23:00], "22:56" is [22:56, 22:56]."""
    found = _first_time(written)
    return found[1] if found else None


def parse_value(value_type: str, written: str) -> Interval | None:
    """The comparable form of a facet's value, by the facet's value type."""
    if value_type in {"number", "number_range"}:
        return parse_quantity(written)
    if value_type == "time":
        return parse_time_of_day(written)
    return None


def suggested_value(value_type: str, quote: str) -> str:
    """The part of a quote that states the facet's value, to pre-fill a link's value:
    "killing at least 36" gives "at least 36"; text facets get nothing."""
    if value_type in {"number", "number_range"}:
        found = _RANGE.search(quote) or _SINGLE.search(quote) or _VAGUE.search(quote)
    elif value_type == "time":
        time = _first_time(quote)
        found = time[0] if time else None
    else:
        found = None
    return found.group(0).strip() if found else ""


def normalise_text_value(written: str) -> str:
    return " ".join(written.casefold().split())


def values_disagree(first: str, second: str, value_type: str = "number") -> bool:
    """Parsed values disagree when their intervals do not overlap; others when their text
    differs after normalising case and spacing."""
    first_parsed, second_parsed = parse_value(value_type, first), parse_value(value_type, second)
    if first_parsed and second_parsed:
        return not first_parsed.overlaps(second_parsed)
    return normalise_text_value(first) != normalise_text_value(second)


@dataclass(frozen=True)
class Position:
    """What one source holds about a facet: a value, parsed or not, affirmed or denied."""

    text: str
    interval: Interval | None
    denies: bool = False


def positions_differ(first: Position, second: Position) -> bool:
    if first.interval and second.interval:
        return not first.interval.overlaps(second.interval)
    return normalise_text_value(first.text) != normalise_text_value(second.text)


def disputed(positions: list[Position]) -> bool:
    """Two affirmed values that disagree, or a denial of a value someone affirms."""
    affirmed = [p for p in positions if not p.denies]
    denied = [p for p in positions if p.denies]
    if any(positions_differ(a, b) for a, b in combinations(affirmed, 2)):
        return True
    return any(not positions_differ(d, a) for d in denied for a in affirmed)
