"""Sentences, and similar passages across the seeds."""

from __future__ import annotations

import pytest

from reader.suggestions.similar import MAX_SENTENCE, PassageIndex, sentences


@pytest.fixture(scope="module")
def index(seed):
    return PassageIndex([(number, seed(f"{number:03d}")) for number in range(5)])


def test_sentences_end_at_stops_and_lines_not_at_abbreviations():
    text = "At around 5 p.m. the U.S. envoy spoke. Then “they left.” Next\nline two"
    assert [text[a:b] for a, b in sentences(text)] == [
        "At around 5 p.m. the U.S. envoy spoke.",
        "Then “they left.”",
        "Next",
        "line two",
    ]


def test_a_long_sentence_is_cut_into_bounded_pieces():
    text = "word " * 1000
    pieces = sentences(text)
    assert all(b - a <= MAX_SENTENCE for a, b in pieces)
    assert text[pieces[0][0] : pieces[-1][1]] == text.strip()


@pytest.mark.parametrize(
    ("document", "query", "expected_document", "expected_words"),
    [
        (
            1,
            "33 Turkish soldiers were killed in an airstrike yesterday at around 10-11pm",
            3,
            "33 Turkish",
        ),
        (
            3,
            "“Russian Aerospace Forces have not used aviation in the area of Behun”, the "
            "official statement said.",
            1,
            "Behun area",
        ),
        (
            2,
            "Turkey has asked the US to provide Patriot air-defence missiles to deter Russia",
            4,
            "Patriot missiles",
        ),
    ],
)
def test_a_seed_sentence_finds_the_sentence_of_another_seed_that_says_the_same(
    index, document, query, expected_document, expected_words
):
    [best, *rest] = index.similar(query, exclude_document=document, limit=3)
    assert best.document_id == expected_document
    assert expected_words in best.text
    assert all(p.document_id != document for p in rest)
    assert 0 < rest[-1].score <= best.score <= 1


def test_passages_are_offsets_into_their_document(index, seed):
    for passage in index.similar("Behun area troops", limit=5):
        assert seed(f"{passage.document_id:03d}")[passage.start : passage.end] == passage.text


def test_nothing_in_common_finds_nothing(index):
    assert index.similar("zebra quokka xylophone") == []
    assert PassageIndex([]).similar("33 killed") == []
