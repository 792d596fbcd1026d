"""Numbers as sources write them ("33", "at least 36", "50–70", "dozens of"), as intervals.

Pure functions, no Django. A written number becomes an interval: "33" is [33, 33],
"at least 36" is [36, ∞), "over 50" is (50, ∞), "50-70" is [50, 70]. A hedge keeps its
centre and widens it by the number's own rounding: "about 33" and "some 33" are [32, 34]
(its last digit counts, so ±1), "about 30" is [27, 33] and "about 200" [180, 220] (half
the rounding unit, at most 10%). So "some 33" still disagrees with "at least 36". Two
values disagree when their intervals do not overlap.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

# A hedge ("about", "some", "nearly") widens a number by half its rounding unit, at least 1
# and at most this share of it: "about 33" is 32-34, "about 30" 27-33, "about 1,000" 900-1,100.
APPROXIMATE = 0.10
# How far apart two counts may be and still be a minor dispute: this share of the larger
# end, or 1.
CLOSE_SHARE = 0.05
# Values are short; parsing looks at this much of a text at most, so that no input, however
# long or hostile, makes the patterns below work for long.
PARSE_LIMIT = 1000


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    # Times only: minutes from day 0 of the calendar (the day is known), not of any day.
    dated: bool = False

    def overlaps(self, other: Interval) -> bool:
        if self.low > other.high or other.low > self.high:
            return False
        if self.low == other.high and (self.low_open or other.high_open):
            return False
        return not (other.low == self.high and (other.low_open or self.high_open))

    def gap(self, other: Interval) -> float:
        """How far apart the two are; 0 when they touch or overlap."""
        low, high = sorted((self, other), key=lambda i: i.low)
        return max(0.0, high.low - low.high)

    def __str__(self) -> str:
        left = "(" if self.low_open else "["
        right = ")" if self.high_open or math.isinf(self.high) else "]"
        return f"{left}{_number(self.low)}, {_number(self.high)}{right}"


def close(first: Interval, second: Interval) -> bool:
    """Two counts within CLOSE_SHARE of the larger (or 1) of each other: a minor dispute."""
    ends = [
        abs(end) for end in (first.low, first.high, second.low, second.high) if math.isfinite(end)
    ]
    return first.gap(second) <= max(1.0, CLOSE_SHARE * max(ends, default=0))


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
    | {"hundred": 100, "a dozen": 12, "a hundred": 100, "no one": 0, "nobody": 0, "none": 0}
)

# Vague quantities with no number in them (longest first where one contains another).
VAGUE = {
    "hundreds of thousands": Interval(200_000, 999_999),
    "tens of thousands": Interval(20_000, 99_999),
    "several dozen": Interval(36, 119),
    "a few dozen": Interval(24, 60),
    "dozens": Interval(24, 99),
    "scores": Interval(40, 99),
    "hundreds": Interval(200, 999),
    "thousands": Interval(2000, 9999),
    "several": Interval(3, 9),
    "a few": Interval(2, 5),
}
MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}

_WORD = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
# Bounded digit runs: unbounded ones backtrack quadratically on long strings of digits.
_NUMERAL = rf"(?:\d{{1,15}}(?:[.,]\d{{1,3}}){{0,5}}|\b(?:{_WORD})\b)"


def _quantity(name: str) -> str:
    """A number (digits or words) with an optional "+" and multiplier, in named groups."""
    return (
        rf"(?P<{name}>{_NUMERAL}(?:[-\s](?:{_WORD})\b)?)"
        rf"(?P<{name}_plus>\s*\+)?(?:\s*(?P<{name}_times>k|thousand|m|million)\b)?"
        rf"(?P<{name}_plus_after>\+)?"
    )


SPAN = r"\s*(?:-|–|—|to|and)\s*"  # between the two ends of a range

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
    + _quantity("low")
    + SPAN
    + _quantity("high"),
    re.IGNORECASE,
)
_SINGLE = re.compile(
    rf"(?:(?P<qualifier>{_QUALIFIER})\s*)?" + _quantity("value"),
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(" + "|".join(VAGUE) + r")\b", re.IGNORECASE)


def _to_number(written: str, times: str | None = None) -> float | None:
    written = written.strip().lower()
    multiplier = MULTIPLIERS[times.lower()] if times else 1
    if written in WORD_NUMBERS:
        return WORD_NUMBERS[written] * multiplier
    parts = re.split(r"[-\s]", written)
    if len(parts) == 2 and all(part in WORD_NUMBERS for part in parts):
        first, second = WORD_NUMBERS[parts[0]], WORD_NUMBERS[parts[1]]
        # "two hundred" multiplies; "thirty-three" adds.
        return (first * second if second == 100 else first + second) * multiplier
    # Groups of three after a separator are thousands ("3,138", "3.138"); otherwise the
    # separator is a decimal point ("2.5", and "1,5" as written in much of Europe).
    if re.fullmatch(r"\d{1,3}([,.]\d{3})+", written):
        written = re.sub(r"[,.]", "", written)
    try:
        number = float(written.replace(",", ".")) * multiplier
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def qualifier_kind(qualifier: str | None, qualifiers=QUALIFIERS) -> str | None:
    if qualifier:
        for words, name in qualifiers:
            if re.fullmatch(words, qualifier.strip(), re.IGNORECASE):
                return name
    return None


def hedge_margin(value: float) -> float:
    """How far a hedge ("about", "some") reaches either side of a number: half its rounding
    unit (33: 1; 30: 10; 1,500: 100), at least 1 and at most APPROXIMATE of it."""
    magnitude = abs(value)
    unit = 1.0
    if magnitude >= 10 and magnitude == int(magnitude):
        number = int(magnitude)
        while number % 10 == 0 and number >= 10:
            number //= 10
            unit *= 10
    return max(1.0, min(unit / 2, magnitude * APPROXIMATE))


def _qualified(qualifier: str | None, value: float) -> Interval:
    kind = qualifier_kind(qualifier)
    if kind == "at_least":
        return Interval(value, math.inf)
    if kind == "over":
        return Interval(value, math.inf, low_open=True)
    if kind == "up_to":
        return Interval(0, value)
    if kind == "under":
        return Interval(0, value, high_open=True)
    if kind == "nearly":
        return Interval(value - hedge_margin(value), value, high_open=True)
    if kind == "about":
        margin = hedge_margin(value)
        return Interval(value - margin, value + margin)
    return Interval(value, value)


def _interval(found: re.Match) -> Interval | None:
    if found.re is _VAGUE:
        return VAGUE[found[1].lower()]
    if found.re is _RANGE:
        times = found["low_times"] or found["high_times"]
        low, high = _to_number(found["low"], times), _to_number(found["high"], times)
        if low is None or high is None:
            return None
        if low > high:
            # "70-50" is a range written backwards; "thirty-three" is one number.
            digits = found["low"][0].isdigit() and found["high"][0].isdigit()
            return Interval(high, low) if digits else None
        return Interval(low, high)
    value = _to_number(found["value"], found["value_times"])
    if value is None:
        return None
    if found["value_plus"] or found["value_plus_after"]:
        return Interval(value, math.inf)
    return _qualified(found["qualifier"], value)


def _quantities(written: str) -> Iterator[tuple[re.Match, Interval]]:
    """Every quantity in the text, left to right; where a range and a single number start
    together ("50-70"), the range."""
    text = written[:PARSE_LIMIT].replace("\u00a0", " ")
    # Each pattern's next match, searched again only once the scan has passed it: a
    # pattern that stops matching is never searched again (linear, not quadratic).
    pending = {pattern: pattern.search(text) for pattern in (_RANGE, _SINGLE, _VAGUE)}
    position = 0
    while True:
        for pattern, found in pending.items():
            if found and found.start() < position:
                pending[pattern] = pattern.search(text, position)
        candidates = [found for found in pending.values() if found]
        if not candidates:
            return
        first = min(found.start() for found in candidates)
        # At the same place, the range if it reads as one, else the single number.
        for found in (found for found in candidates if found.start() == first):
            if interval := _interval(found):
                yield found, interval
                position = found.end()
                break
        else:
            position = first + 1


def parse_quantity(written: str) -> Interval | None:
    """The first quantity in the text as an interval, or None when it holds none."""
    return next((interval for _, interval in _quantities(written)), None)


def quantities_in(written: str) -> list[str]:
    """Each quantity in the text as written: "33 dead, at least 36 wounded" gives
    ["33", "at least 36"]."""
    return [found.group(0).strip() for found, _ in _quantities(written)]


def quantity_spans(written: str) -> list[tuple[int, int]]:
    """Where each quantity of the text is, as half-open offsets (the first PARSE_LIMIT
    characters only): what reader/suggestions proposes as a number's value."""
    return [found.span() for found, _ in _quantities(written)]
