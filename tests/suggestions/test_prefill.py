"""The link form's value follows the facet's type (issue 13's three bad pre-fills)."""

from __future__ import annotations

import pytest

from reader.suggestions.candidates import KnownName
from reader.suggestions.prefill import prefill

BALYUN = (
    "33 Turkish soldiers were killed in an airstrike yesterday at around 10-11pm local time "
    "at a place called Balyun which is now near the southern end of the territory in Syria."
)


@pytest.mark.parametrize(
    ("value_type", "facet_name", "quote", "expected"),
    [
        ("place", "Place", BALYUN, "Balyun"),
        ("number", "Death toll", BALYUN, "33"),
        ("time", "Time of strike", BALYUN, "yesterday at around 10-11pm local time"),
        ("date", "Date", BALYUN, "yesterday"),
        ("time", "Time", "At around 5 p.m., a convoy came under attack", "around 5 p.m."),
        (
            "number",
            "Displaced",
            "The Russian bombing campaign has displaced hundreds of thousands as it targeted",
            "hundreds of thousands",
        ),
        ("number", "", "has displaced hundreds of thousands", "hundreds of thousands"),
        ("number", "Wounded", "two of its soldiers were killed and five wounded", "five"),
        ("number", "Death toll", "two of its soldiers were killed and five wounded", "two"),
        (
            "actor",
            "Perpetrator",
            "was carried out by Syrian government forces",
            "Syrian government forces",
        ),
        ("place", "Place", "no words of a place here", ""),
        ("text", "Turkish retaliation", "Operation Spring Shield", ""),
    ],
)
def test_prefill_follows_the_facet_type(value_type, facet_name, quote, expected):
    assert prefill(value_type=value_type, quote=quote, facet_name=facet_name) == expected


def test_a_known_name_is_proposed_as_the_project_writes_it():
    names = [KnownName("Behun", 1, "place"), KnownName("Russian Aerospace Forces", 2, "actor")]
    quote = "“Russian Aerospace Forces have not used aviation in the area of Behun”, it said."
    assert prefill(value_type="place", quote=quote, names=names) == "Behun"
    assert prefill(value_type="actor", quote=quote, names=names) == "Russian Aerospace Forces"
