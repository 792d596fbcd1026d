"""Places and actors from the project's names, the country table and new capitalised
names, on the seed phrasings; a denial in the clause makes the stance "denies"."""

from __future__ import annotations

import pytest

from reader.suggestions.candidates import FacetSpec, KnownName, suggest

PLACE = FacetSpec(1, "Place", "place")
PERPETRATOR = FacetSpec(2, "Perpetrator", "actor")
SYRIA, IDLIB, BALYUN = 1, 2, 3
NAMES = [
    KnownName("Syria", SYRIA, "place"),
    KnownName("Syrian", SYRIA, "place"),
    KnownName("Idlib", IDLIB, "place", within=(SYRIA,)),
    KnownName("Balyun", BALYUN, "place", within=(IDLIB, SYRIA)),
    KnownName("Behun", 4, "place"),
    KnownName("Russian Air Force", 5, "actor"),
    KnownName("Syrian Air Force", 6, "actor"),
    KnownName("Russia", 7, "actor"),
]


def found(text, facet, names=NAMES):
    return [
        (c.value, c.stance, c.entity_id)
        for c in suggest(text=text, published=None, facets=[facet], names=names)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- Location: Balyun, Idlib Governorate, Syria", [("Balyun", "asserts", BALYUN)]),
        (
            "33 Turkish soldiers were killed in an airstrike at a place called Balyun which "
            "is now near the southern end of the territory in Syria.",
            [("Balyun", "asserts", BALYUN)],
        ),
        (
            "Some 33 Turkish soldiers have been killed as a result of an airstrike in the "
            "Syrian province of Idlib.",
            [("Idlib", "asserts", IDLIB)],
        ),
        (
            "“Russian Aerospace Forces have not used aviation in the area of Behun”, the "
            "official statement said.",
            [("Behun", "reports", 4)],
        ),
    ],
)
def test_the_most_specific_known_place_of_the_strike(text, expected):
    assert found(text, PLACE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An airstrike hit the village of Kafrouma on Monday.", "Kafrouma"),
        ("The strike came in the Behun area, they said.", "Behun"),
        ("33 Turkish Servicemen Killed in Airstrike in Syria’s Idlib", "Idlib"),
        ("An airstrike in northwestern Syria killed them.", "Syria"),
    ],
)
def test_new_places_after_and_before_place_words_and_countries(text, expected):
    assert [value for value, *_ in found(text, PLACE, names=[])] == [expected]


def test_a_demonym_or_an_organisation_is_not_a_place():
    text = "The airstrike was carried out by Syrian government forces near Balyun."
    assert [value for value, *_ in found(text, PLACE)] == ["Balyun"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- Executed By: Syrian Air Force, (denied by Russia)",
            [("Syrian Air Force", "asserts"), ("Russia", "denies")],
        ),
        (
            "a joint airstrike was executed by the Syrian Air Force, and allegedly the Russian "
            "Air Force, against a convoy",
            [("Syrian Air Force", "asserts"), ("Russian Air Force", "asserts")],
        ),
        (
            "The following day, the Russian government denied it carried out airstrikes in "
            "the area.",
            [("Russian government", "denies")],
        ),
        (
            "Live Updates: Russian Air Forces Did Not Carry Out Strikes in Area Where Turkish "
            "Servicemen Were Hit",
            [("Russian Air Forces", "denies")],
        ),
        (
            "NATO Chief Stoltenberg Condemns Airstrikes ‘By Syrian Regime and Russian Ally’",
            [("Syrian Regime", "asserts"), ("Russian Ally", "asserts")],
        ),
        ("Turkey for its part is officially blaming Assad for the strike.", [("Assad", "asserts")]),
    ],
)
def test_actors_said_to_have_done_it(text, expected):
    assert [(value, stance) for value, stance, _ in found(text, PERPETRATOR)] == expected


def test_the_attribution_of_an_actor_is_who_says_it():
    text = (
        "Turkish officials said that the bombing in Idlib province was carried out by Syrian "
        "government forces."
    )
    [candidate] = suggest(text=text, published=None, facets=[PERPETRATOR], names=NAMES)
    assert (candidate.value, candidate.attribution, candidate.stance) == (
        "Syrian government forces",
        "Turkish officials",
        "reports",
    )


def test_names_match_whatever_their_case_and_diacritics():
    names = [KnownName("Türkiye", 9, "actor")]
    [candidate] = suggest(
        text="The strike was carried out by TURKIYE, they said.",
        published=None,
        facets=[PERPETRATOR],
        names=names,
    )
    assert (candidate.value, candidate.entity_id) == ("TURKIYE", 9)
