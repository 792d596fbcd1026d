from __future__ import annotations

import pytest

from reader import anchoring
from reader.anchoring import OffsetError, Span, Utf16Index
from tests.conftest import MIXED_TEXT


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    "text",
    [MIXED_TEXT, "plain ascii", "", "😀", "a😀b😀😀c", "e\u0301\u0301", "مرحبا بالعالم", "中文"],
)
def test_utf16_index_round_trips_every_codepoint_offset(text):
    index = Utf16Index(text)
    assert index.utf16_length == utf16_length(text)
    for offset in range(len(text) + 1):
        units = index.to_utf16(offset)
        assert units == utf16_length(text[:offset])
        assert index.to_codepoint(units) == offset


def test_utf16_offset_inside_a_surrogate_pair_is_refused():
    index = Utf16Index("a😀b")
    assert index.to_codepoint(1) == 1
    assert index.to_codepoint(3) == 2
    with pytest.raises(OffsetError, match="surrogate pair"):
        index.to_codepoint(2)


@pytest.mark.parametrize("offset", [-1, 5])
def test_utf16_offset_outside_text_is_refused(offset):
    with pytest.raises(OffsetError, match="outside the text"):
        Utf16Index("a😀b").to_codepoint(offset)


def test_combining_mark_counts_as_its_own_codepoint():
    # NFC composes e + the first acute into é; the second acute stays a code point of its own.
    text = anchoring.normalise_text("Cafe\u0301\u0301")
    assert text == "Caf\u00e9\u0301"
    assert Utf16Index(text).to_codepoint(5) == 5


def test_normalise_text_composes_nfc_and_unifies_line_ends():
    assert anchoring.normalise_text("Cafe\u0301\r\nline\rend\n") == "Caf\u00e9\nline\nend\n"


def test_unacceptable_characters_names_nul_and_lone_surrogates():
    assert anchoring.unacceptable_characters("fine 😀") is None
    assert anchoring.unacceptable_characters("a\x00b") == "NUL bytes"
    assert anchoring.unacceptable_characters("a\ud800b") == "unpaired surrogate characters"


def test_quote_has_32_characters_of_context_each_side():
    text = "x" * 40 + "TARGET" + "y" * 40
    quote = anchoring.quote_for(text, 40, 46)
    assert quote == anchoring.Quote(exact="TARGET", prefix="x" * 32, suffix="y" * 32)


def test_quote_context_is_cut_at_the_text_edges():
    quote = anchoring.quote_for("ab😀cd", 2, 3)
    assert quote == anchoring.Quote(exact="😀", prefix="ab", suffix="cd")


@pytest.mark.parametrize(("start", "end"), [(3, 3), (4, 2), (-1, 2), (0, 99)])
def test_bad_spans_are_refused(start, end):
    with pytest.raises(OffsetError):
        anchoring.quote_for("short", start, end)


def test_segments_are_flat_and_cover_the_text_once():
    text = "0123456789"
    spans = [Span(2, 6, "a"), Span(4, 8, "b"), Span(4, 5, "c")]
    result = anchoring.segments(len(text), spans)
    assert [(s.start, s.end, s.keys) for s in result] == [
        (0, 2, []),
        (2, 4, ["a"]),
        (4, 5, ["a", "b", "c"]),
        (5, 6, ["a", "b"]),
        (6, 8, ["b"]),
        (8, 10, []),
    ]
    assert "".join(text[s.start : s.end] for s in result) == text


def test_segments_mark_where_each_span_starts():
    result = anchoring.segments(10, [Span(2, 6, "outer"), Span(3, 4, "inner")])
    starts = {(s.start, s.end): s.starting for s in result}
    assert starts[(2, 3)] == ["outer"]
    assert starts[(3, 4)] == ["inner"]
    assert starts[(4, 6)] == []


def test_segments_of_identical_spans_share_one_segment():
    result = anchoring.segments(5, [Span(1, 3, "a"), Span(1, 3, "b")])
    assert [(s.start, s.end, sorted(s.keys)) for s in result] == [
        (0, 1, []),
        (1, 3, ["a", "b"]),
        (3, 5, []),
    ]


def test_structure_spans_find_wiki_headings_and_infobox_keys():
    text = "= Title =\n- Location: Balyun\n==The strikes==\nA = b == c\n- not a key\n"
    found = {(text[s.start : s.end], s.key) for s in anchoring.structure_spans(text)}
    assert found == {
        ("= Title =", "heading"),
        ("==The strikes==", "heading"),
        ("- Location:", "infobox-key"),
    }


def test_structure_spans_are_a_new_list_each_time():
    """The scans are cached by text; a caller adding to the list changes no other's."""
    text = "== Section ==\n- Key: value\n"
    first = anchoring.structure_spans(text)
    first.append(anchoring.Span(0, 1, 7))
    assert [span.key for span in anchoring.structure_spans(text)] == ["heading", "infobox-key"]
