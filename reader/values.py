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


def _qualified(qualifier: str | None, value: float) -> Interval:
    kind = None
    if qualifier:
        for words, name in QUALIFIERS:
            if re.fullmatch(words, qualifier.strip(), re.IGNORECASE):
                kind = name
                break
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


def normalise_text_value(written: str) -> str:
    return " ".join(written.casefold().split())


def values_disagree(first: str, second: str) -> bool:
    """Numbers disagree when their intervals do not overlap; other values when their text
    differs after normalising case and spacing."""
    first_quantity, second_quantity = parse_quantity(first), parse_quantity(second)
    if first_quantity and second_quantity:
        return not first_quantity.overlaps(second_quantity)
    return normalise_text_value(first) != normalise_text_value(second)
