"""Offsets, quotes and highlight segments: pure functions over the stored text, no Django.

Offsets in Reader are Unicode code points of the stored text (what Python's str indexes),
half-open [start, end). Browsers count UTF-16 code units; `Utf16Index` converts at the
boundary.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

QUOTE_CONTEXT = 32

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LINE_ENDS = re.compile(r"\r\n?")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class OffsetError(ValueError):
    """An offset or span that does not fit the text."""


def normalise_text(raw: str) -> str:
    """NFC and `\\n` line ends: the one normalisation every imported text gets, once."""
    return unicodedata.normalize("NFC", _LINE_ENDS.sub("\n", raw))


def unacceptable_characters(text: str) -> str | None:
    """Name the first character class we refuse to store, or None when the text is fine."""
    if "\x00" in text:
        return "NUL bytes"
    if _LONE_SURROGATE.search(text):
        return "unpaired surrogate characters"
    return None


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Utf16Index:
    """Converts between UTF-16 code unit offsets and code point offsets of one text.

    Only characters outside the Basic Multilingual Plane (emoji, some CJK) take two UTF-16
    units, so the conversion needs just their positions: found once, then bisected.
    """

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        # UTF-16 offset at which the k-th astral character starts: every earlier astral
        # character added one extra unit.
        self._astral_utf16 = [position + k for k, position in enumerate(self._astral)]
        self.utf16_length = self.length + len(self._astral)

    def to_codepoint(self, offset: int) -> int:
        if not 0 <= offset <= self.utf16_length:
            raise OffsetError(
                f"Offset {offset} is outside the text (0 to {self.utf16_length} UTF-16 units)."
            )
        # Astral characters that end at or before this offset each shift it by one.
        before = bisect.bisect_right(self._astral_utf16, offset - 2)
        inside = bisect.bisect_right(self._astral_utf16, offset - 1) - before
        if inside:
            raise OffsetError(f"Offset {offset} falls inside a surrogate pair.")
        return offset - before

    def to_utf16(self, offset: int) -> int:
        if not 0 <= offset <= self.length:
            raise OffsetError(f"Offset {offset} is outside the text (0 to {self.length}).")
        return offset + bisect.bisect_left(self._astral, offset)


def check_span(text_length: int, start: int, end: int) -> None:
    if start < 0 or end > text_length:
        raise OffsetError(
            f"The span {start}–{end} is outside the text, which has {text_length} characters."
        )
    if start >= end:
        raise OffsetError("The span is empty: select at least one character.")


@dataclass(frozen=True)
class Quote:
    exact: str
    prefix: str
    suffix: str


def quote_for(text: str, start: int, end: int, context: int = QUOTE_CONTEXT) -> Quote:
    check_span(len(text), start, end)
    return Quote(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


@dataclass(frozen=True)
class Span:
    """Something to mark in the text: an annotation (key = its id) or a structural line."""

    start: int
    end: int
    key: object


@dataclass
class Segment:
    """A flat run of text covered by the same set of spans; never nested in another."""

    start: int
    end: int
    keys: list[object] = field(default_factory=list)
    starting: list[object] = field(default_factory=list)


def segments(text_length: int, spans: Iterable[Span]) -> list[Segment]:
    """Cut [0, text_length) at every span boundary; each piece lists the spans covering it.

    A sweep over the sorted boundaries, keeping the spans open at each: O(b · k) for b
    boundaries and at most k spans open at once, with overlaps and nesting handled alike.
    """
    spans = [span for span in spans if 0 <= span.start < span.end <= text_length]
    boundaries = sorted({0, text_length, *(s.start for s in spans), *(s.end for s in spans)})
    by_start: dict[int, list[Span]] = {}
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        by_start.setdefault(span.start, []).append(span)

    active: list[Span] = []
    result: list[Segment] = []
    for left, right in zip(boundaries, boundaries[1:], strict=False):
        active = [span for span in active if span.end > left]
        opening = by_start.get(left, [])
        active.extend(opening)
        result.append(
            Segment(
                start=left,
                end=right,
                keys=[span.key for span in active],
                starting=[span.key for span in opening],
            )
        )
    return result


_HEADING = re.compile(r"^(=+)[^=\n].*?\1[ \t]*$", re.MULTILINE)
_INFOBOX_KEY = re.compile(r"^- [A-Z][\w ]{0,40}:", re.MULTILINE)


def structure_spans(text: str) -> list[Span]:
    """Wiki-style `==Heading==` lines and `- Key:` infobox labels, for styling only."""
    spans = [Span(m.start(), m.end(), "heading") for m in _HEADING.finditer(text)]
    spans += [Span(m.start(), m.end(), "infobox-key") for m in _INFOBOX_KEY.finditer(text)]
    return spans
