"""Who says it, whether it is denied, and whether it is the outlet's or a commenter's."""

from __future__ import annotations

from reader.suggestions.candidates import FacetSpec, comment_ranges, suggest

TOLL = FacetSpec(1, "Death toll", "number")
WOUNDED = FacetSpec(2, "Wounded", "number")


def only(text, facets=(TOLL,)):
    [candidate] = suggest(text=text, published=None, facets=list(facets), names=[])
    return candidate


def test_per_after_a_figure_attributes_that_figure():
    text = (
        "- Casualties: 33–34 soldiers killed , (per Turkey & SOHR), 50–70 soldiers killed, "
        "(per other sources close to Turkey), 36–60 wounded"
    )
    found = suggest(text=text, published=None, facets=[TOLL, WOUNDED], names=[])
    assert [(c.value, c.attribution, c.stance) for c in found] == [
        ("33–34", "Turkey & SOHR", "reports"),
        ("50–70", "other sources close to Turkey", "reports"),
        ("36–60", "", "asserts"),
    ]


def test_said_and_according_to_name_the_source():
    said = only("Initially, Dogan said that the airstrike killed nine, adding more.")
    assert (said.attribution, said.stance) == ("Dogan", "reports")
    announced = only("the Turkish Ministry of National Defense announced 33 deaths")
    assert announced.attribution == "Turkish Ministry of National Defense"
    per = only("According to Al-Monitor, 40 soldiers were killed there.")
    assert per.attribution == "Al-Monitor"
    plain = only("33 Turkish soldiers were killed in an airstrike.")
    assert (plain.attribution, plain.stance, plain.kind) == ("", "asserts", "claim")


def test_a_denial_in_the_clause_is_a_denial():
    denied = only("The ministry denied that 40 soldiers were killed.")
    assert denied.stance == "denies"
    elsewhere = only("40 soldiers were killed, but the ministry denied any role.")
    assert elsewhere.stance != "denies"


def test_the_blog_seed_has_one_comment_thread_at_its_end(seed):
    text = seed("001")
    [(start, end)] = comment_ranges(text)
    assert text[start:].startswith("1. thomas malthaus says")
    assert text[:start].rstrip().endswith("I wonder why?")
    assert text[start:end].rstrip().endswith("God Bless Mother Russia and the MoD.")


def test_numbers_in_the_thread_are_user_comments(seed):
    text = seed("001")
    found = suggest(text=text, published=None, facets=[TOLL], names=[])
    start, end = comment_ranges(text)[0]
    inside = [c for c in found if start <= c.start < end]
    assert inside and {c.kind for c in inside} == {"user_comment"}
    assert {c.kind for c in found if c.start < start} == {"claim"}


def test_says_in_prose_or_a_headline_opens_no_thread(seed):
    assert comment_ranges("Hatay Governor says\nmore text") == []
    assert comment_ranges(seed("003")) == []
    assert comment_ranges("  2. Ace says\n    Yes.\nFlush left.\n") == [(2, 22)]
