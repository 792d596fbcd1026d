"""Values as sources write them ("at least 36", "50–70", "dozens of", "late Thursday"),
made comparable: each facet's value, by its value type, as an interval. Numbers are read
by reader/quantities.py, times and dates by reader/times.py; pure functions, no Django.
Two values disagree when their intervals do not overlap.
"""

from __future__ import annotations

import datetime

from reader.quantities import Interval, parse_quantity, quantities_in
from reader.times import parse_date, parse_moment, times_in

NUMERIC_TYPES = frozenset({"number", "number_range"})


def parse_value(
    value_type: str,
    written: str,
    *,
    base: datetime.date | datetime.datetime | None = None,
    language: str = "en",
) -> Interval | None:
    """The comparable form of a facet's value, by the facet's value type; relative days
    resolve against `base`, the day of writing (published date, or claim time)."""
    if value_type in NUMERIC_TYPES:
        return parse_quantity(written)
    if value_type == "time":
        return parse_moment(written, base=base, language=language)
    if value_type == "date":
        return parse_date(written, base=base, language=language)
    return None


def values_in(value_type: str, quote: str) -> list[str]:
    """Each part of a quote that could state the facet's value, as written: for numbers,
    "33 dead, at least 36 wounded" gives ["33", "at least 36"]; text facets get none."""
    if value_type in NUMERIC_TYPES:
        return quantities_in(quote)
    if value_type == "time":
        return times_in(quote)
    return []


def suggested_value(value_type: str, quote: str) -> str:
    """The first of them, to pre-fill a link's value for a person to check."""
    return next(iter(values_in(value_type, quote)), "")


def normalise_text_value(written: str) -> str:
    return " ".join(written.casefold().split())
