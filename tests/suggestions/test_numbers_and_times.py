"""Numbers near their facet's cue words, and times with their day, on the seed phrasings."""

from __future__ import annotations

import datetime

import pytest

from reader import values
from reader.suggestions.candidates import FacetSpec, facet_cues, suggest

TOLL = FacetSpec(1, "Death toll", "number")
WOUNDED = FacetSpec(2, "Wounded", "number")
TIME = FacetSpec(3, "Time of strike", "time")
DATE = FacetSpec(4, "Date", "date")
DAY = datetime.date(2020, 2, 28)


def values_for(text, facet, *, published=DAY, facets=None):
    found = suggest(text=text, published=published, facets=facets or [facet], names=[])
    return [c.value for c in found if c.facet_id == facet.id]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("33 Turkish soldiers were killed in an airstrike yesterday.", ["33"]),
        (
            "An airstrike late Thursday inflicted casualties, killing at least 36 and more.",
            ["at least 36"],
        ),
        ("Initially, Dogan said that the airstrike killed nine, adding more.", ["nine"]),
        ("the number of our dead soldiers increased to 29.", ["29"]),
        ("a higher death toll, ranging from 50 to 70 dead, marking it", ["from 50 to 70"]),
        ("Some 33 Turkish soldiers have been killed as a result of an airstrike.", ["Some 33"]),
        ("Russia-Backed Airstrike Killing Dozens of Turkish Troops", ["Dozens"]),
        ("“While we have dozens of martyrs, the Assembly should not remain silent”", ["dozens"]),
    ],
)
def test_a_count_next_to_a_death_word_is_a_death_toll(text, expected):
    assert values_for(text, TOLL) == expected


def test_each_number_goes_to_the_facet_whose_cue_is_nearest():
    text = "the ministry said that two of its soldiers were killed and five wounded."
    both = [TOLL, WOUNDED]
    assert values_for(text, TOLL, facets=both) == ["two"]
    assert values_for(text, WOUNDED, facets=both) == ["five"]


@pytest.mark.parametrize(
    "text",
    [
        "a convoy of a 400-man Turkish battalion was killed",
        "Russian Su-34s killed the soldiers",
        "9/11 families would have to say about the killed",
        "the strike at 5 p.m. killed them",
        "it destroyed five tanks, and killed others",
        "In 2011 the killing began",
    ],
)
def test_identifiers_times_years_and_other_clauses_are_not_counts(text):
    assert values_for(text, TOLL) == []


def test_cues_come_from_the_name_and_the_examples_not_from_one_event():
    displaced = FacetSpec(5, "Displaced", "number")
    text = "The Russian bombing campaign has displaced hundreds of thousands as it went on."
    assert values_for(text, displaced) == ["hundreds of thousands"]
    arrests = FacetSpec(6, "Detentions", "number", examples=("120 people detained", "detained 40"))
    assert "detain" in facet_cues(arrests).stems
    assert values_for("Police detained 300 protesters.", arrests) == ["300"]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("At around 5 p.m., a convoy came under attack by an airstrike.", None, ["around 5 p.m."]),
        (
            "33 Turkish soldiers were killed in an airstrike yesterday at around 10-11pm local "
            "time at a place called Balyun.",
            DAY,
            ["yesterday at around 10-11pm local time"],
        ),
        (
            "An airstrike in northwestern Syria late Thursday inflicted casualties.",
            DAY,
            ["late Thursday"],
        ),
    ],
)
def test_a_time_is_the_whole_time_expression(text, published, expected):
    assert values_for(text, TIME, published=published) == expected


def test_times_need_a_word_of_their_facet_and_timestamps_are_not_times():
    assert values_for("At around 11 a.m., bombing raids began.", TIME) == []
    assert values_for("  • 22:56\n\nThe airstrike was bad.", TIME) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- Date: 27 February 2020", ["27 February 2020"]),
        ("killed in an airstrike yesterday at 10pm", ["yesterday"]),
        (
            "worsened sharply on Thursday, after 33 soldiers were killed in an airstrike.",
            ["on Thursday"],
        ),
    ],
)
def test_dates_near_the_event(text, expected):
    assert values_for(text, DATE) == expected


def test_every_proposed_value_parses_for_its_type(seed):
    facets = [TOLL, WOUNDED, TIME, DATE]
    types = {f.id: f.value_type for f in facets}
    count = 0
    for number in ("000", "001", "002", "003", "004"):
        for candidate in suggest(text=seed(number), published=DAY, facets=facets, names=[]):
            parsed = values.parse_value(types[candidate.facet_id], candidate.value, base=DAY)
            assert parsed is not None, candidate
            assert 0 <= candidate.score <= 1
            count += 1
    assert count > 30


def test_words_that_recur_in_the_examples_become_cues():
    """Without examples "the number was 9" says nothing of deaths; with analysts' links
    that use the word, it is heard."""
    text = "Initially, the number was 9 then kept rising through the night."
    assert values_for(text, TOLL) == []
    taught = FacetSpec(1, "Death toll", "number", examples=("the number was 4", "number: 33"))
    assert values_for(text, taught) == ["9"]
    names = FacetSpec(1, "Death toll", "number", examples=("Balyun 4", "Balyun 33"))
    assert "balyun" not in facet_cues(names).stems  # names in examples are not cues
