"""Values as sources write them ("at least 36", "50–70", "dozens of", "late Thursday"),
made comparable, and everything else Reader does differently by a facet's value type:
one ValueTypeSpec a type, all of them in VALUE_TYPES. Numbers are read by
reader/quantities.py, times and dates by reader/times.py, names by reader/entities.py;
pure functions, no Django. Two values disagree when their intervals do not overlap.

Adding a value type: a member of vocabularies.ValueType, its entry in VALUE_TYPES (with
the functions of its own module), its name in formats/comparison.schema.json, and
`manage.py makemigrations` for the choices.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from reader import dates, quantities, times
from reader.quantities import Interval
from reader.suggestions import amounts, names
from reader.suggestions.names import NameTable
from reader.suggestions.reading import Found, Sentence

Day = datetime.date | datetime.datetime | None


class Parse(Protocol):
    def __call__(self, written: str, *, base: Day, language: str) -> Interval | None: ...


class Suggest(Protocol):
    def __call__(
        self, sentence: Sentence, table: NameTable, published: datetime.date | None, chosen: bool
    ) -> list[Found]: ...


def _nothing(quote: str) -> list[str]:
    return []


def _never(first: Interval, second: Interval) -> bool:
    return False


def _number_label(value: float, dated: bool) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class ValueTypeSpec:
    """What one value type reads, compares, shows and suggests. The defaults are a text's:
    compared as written (case and spacing aside), never suggested."""

    # A reader.vocabularies.ValueType value (a string here: this module imports no
    # Django; tests/test_values.py holds the two to each other).
    value_type: str
    # The comparable form, an interval; None: compared as written, or as entities.
    parse: Parse | None = None
    # The parts of a quote that could state a value, as written (the link form's pre-fill).
    find: Callable[[str], list[str]] = _nothing
    # A count: its quantity alone labels it ("at least 36" of "killing at least 36"), the
    # matrix draws its number line and trails, and suggestions give each number in a
    # sentence to the numeric facet whose cue is nearest (suggestions/amounts.py).
    numeric: bool = False
    # Names an entity, resolved through the project's aliases and read in this role.
    entity_role: str | None = None
    compare_level: int | None = None  # a new facet's Facet.compare_level
    # Whether two disagreeing intervals are close enough for a minor dispute.
    close: Callable[[Interval, Interval], bool] = _never
    # comparison.json: what an interval's ends count, and each end as a person reads it.
    unit: str = ""
    dated_unit: str = ""  # the unit once an interval has its day (times)
    end_label: Callable[[float, bool], str] = _number_label
    # A group is labelled by what all its values allow (dates), not by the values.
    labelled_by_interval: bool = False
    # Suggestions (reader/suggestions/): its values in a sentence, numbers aside.
    suggest: Suggest | None = None
    cue_reach: int | None = None  # words from a cue of its facet; None: the sentence
    deniable: bool = True  # a denial around it makes the stance "denies"
    same_by_name: bool = False  # two suggested values are one when they name one entity


def _parse_number(written: str, *, base: Day, language: str) -> Interval | None:
    return quantities.parse_quantity(written)


_NUMBER = ValueTypeSpec(
    "number",
    parse=_parse_number,
    find=quantities.quantities_in,
    numeric=True,
    close=quantities.close,
    unit="number",
)

VALUE_TYPES: dict[str, ValueTypeSpec] = {
    spec.value_type: spec
    for spec in [
        _NUMBER,
        replace(_NUMBER, value_type="number_range"),
        ValueTypeSpec("text", entity_role="text"),
        ValueTypeSpec(
            "actor",
            entity_role="actor",
            # Actors compare at the top level (Syrian Air Force and Syrian government
            # forces are both Syria); places and texts as linked.
            compare_level=0,
            suggest=lambda sentence, table, published, chosen: names.actors_in(
                sentence, table, anywhere=chosen
            ),
            cue_reach=12,
            same_by_name=True,
        ),
        ValueTypeSpec(
            "time",
            parse=times.parse_moment,
            find=times.times_in,
            close=times.times_close,
            unit="minute_of_day",
            dated_unit="minute",
            end_label=lambda value, dated: dates.minutes_label(value, dated=dated),
            suggest=lambda sentence, table, published, chosen: amounts.times_in(
                sentence, published, timestamps=chosen
            ),
        ),
        ValueTypeSpec(
            "date",
            parse=times.parse_date,
            close=times.days_close,
            unit="day",
            end_label=lambda value, dated: dates.day_label(value),
            labelled_by_interval=True,
            suggest=lambda sentence, table, published, chosen: amounts.dates_in(
                sentence, published
            ),
        ),
        ValueTypeSpec(
            "place",
            entity_role="place",
            suggest=lambda sentence, table, published, chosen: names.places_in(sentence, table),
            cue_reach=10,
            deniable=False,  # a place is where it happened, not what a denial denies
            same_by_name=True,
        ),
    ]
}

# The value types whose values name an entity, and the role each reads the name in.
ENTITY_ROLES: dict[str, str] = {
    t: spec.entity_role for t, spec in VALUE_TYPES.items() if spec.entity_role
}


def spec_for(value_type: str) -> ValueTypeSpec:
    """The value type's entry; a value type Reader does not know reads as text."""
    return VALUE_TYPES.get(value_type) or VALUE_TYPES["text"]


def parse_value(
    value_type: str,
    written: str,
    *,
    base: datetime.date | datetime.datetime | None = None,
    language: str = "en",
) -> Interval | None:
    """The comparable form of a facet's value, by the facet's value type; relative days
    resolve against `base`, the day of writing (published date, or claim time)."""
    parse = spec_for(value_type).parse
    return parse(written, base=base, language=language) if parse else None


def values_in(value_type: str, quote: str) -> list[str]:
    """Each part of a quote that could state the facet's value, as written: for numbers,
    "33 dead, at least 36 wounded" gives ["33", "at least 36"]; text facets get none."""
    return spec_for(value_type).find(quote)


def suggested_value(value_type: str, quote: str) -> str:
    """The first of them, to pre-fill a link's value for a person to check."""
    return next(iter(values_in(value_type, quote)), "")


def normalise_text_value(written: str) -> str:
    return " ".join(written.casefold().split())
