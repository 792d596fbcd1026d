"""Offsets, quotes and highlight segments: pure functions over the stored text, no Django.

Offsets in Reader are Unicode code points of the stored text (what Python's str indexes),
half-open [start, end). Browsers count UTF-16 code units; `Utf16Index` converts at the
boundary.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

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
        if active:  # most of a long text is between spans: nothing open, nothing to drop
            active = [span for span in active if span.end > left]
        opening = by_start.get(left)
        if opening:
            active.extend(opening)
            starting = [span.key for span in opening]
        else:
            starting = []
        result.append(Segment(left, right, [span.key for span in active], starting))
    return result


_HEADING = re.compile(r"^(=+)[^=\n].*?\1[ \t]*$", re.MULTILINE)
_INFOBOX_KEY = re.compile(r"^- [A-Z][\w ]{0,40}:", re.MULTILINE)


def structure_spans(text: str) -> list[Span]:
    """Wiki-style `==Heading==` lines and `- Key:` infobox labels, for styling only."""
    return list(_structure_spans(text))


@functools.lru_cache(maxsize=4)
def _structure_spans(text: str) -> tuple[Span, ...]:
    """Keyed by the text itself (a stored version's text never changes, and equal texts
    have equal structure): the two scans of a 1.2 M character text cost more than the
    rest of its highlights, and the reader page asks on every open and every change."""
    spans = [Span(m.start(), m.end(), "heading") for m in _HEADING.finditer(text)]
    spans += [Span(m.start(), m.end(), "infobox-key") for m in _INFOBOX_KEY.finditer(text)]
    return tuple(spans)


# --- re-anchoring onto a new version of the text ---------------------------------------------
#
# The ladder, for each annotation of the previous version: (1) the same passage carried
# through one diff of the two texts (exact when its offsets did not change, moved when
# text before it did); (2) its quote with its prefix and suffix; (3) its quote alone, if
# it occurs once; (4) a fuzzy match: the passage the diff puts where the quote was,
# proposed when quote and context together are at least FUZZY_THRESHOLD similar. Else it
# is orphaned. One diff for all the annotations, then at most a few scans of the new text
# for each one the diff does not carry: near-linear in text size and annotation count.

EXACT, MOVED, FUZZY, ORPHANED = "exact", "moved", "fuzzy", "orphaned"
# Similarity (1 - Levenshtein distance / length) of prefix + quote + suffix with the
# passage proposed and its context: below it, an annotation is orphaned, not proposed.
FUZZY_THRESHOLD = 0.6
# A bound on the diff's search (diff-match-patch's Diff_Timeout): past it the diff is
# coarser, never wrong, since every passage it carries is checked against its quote.
DIFF_TIMEOUT_S = 2.0
# The fuzzy step's bound in all, for one new version (past it, the annotations left are
# orphaned at once: listed for review, never lost). Each comparison is an exact
# Levenshtein distance (rapidfuzz, bit-parallel: a millisecond for 10,000 characters), so
# where an annotation lands never depends on how busy the machine is.
FUZZY_BUDGET_S = 5.0


@dataclass(frozen=True)
class Anchor:
    """Where an annotation is on the old text, as stored: offsets and quote."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Landing:
    """Where an annotation lands on the new text (no offsets when orphaned)."""

    status: str
    start: int | None = None
    end: int | None = None
    similarity: float = 1.0


def _differ(timeout: float = DIFF_TIMEOUT_S):
    from diff_match_patch import diff_match_patch  # type: ignore[import-untyped]

    differ = diff_match_patch()
    differ.Diff_Timeout = timeout
    return differ


def text_diff(old: str, new: str, timeout: float = DIFF_TIMEOUT_S) -> list[tuple[int, str]]:
    """The diff of two texts as (operation, text) runs: -1 deleted, 0 kept, 1 inserted."""
    differ = _differ(timeout)
    diffs = differ.diff_main(old, new)
    differ.diff_cleanupSemantic(diffs)
    return [(op, data) for op, data in diffs]


class PositionMap:
    """Old offsets to new ones, from one diff: runs kept, and runs changed (a deletion and
    the insertion beside it) whose positions map proportionally."""

    def __init__(self, diffs: Iterable[tuple[int, str]]) -> None:
        # (old start, old length, new start, new length, kept)
        self.runs: list[tuple[int, int, int, int, bool]] = []
        old = new = 0
        for op, data in diffs:
            size = len(data)
            last = self.runs[-1] if self.runs else None
            if op != 0 and last is not None and not last[4]:
                # Join a change to the change before it: one run replaced by another.
                o, ol, n, nl, _ = last
                self.runs[-1] = (
                    o,
                    ol + (size if op < 0 else 0),
                    n,
                    nl + (size if op > 0 else 0),
                    False,
                )
            else:
                self.runs.append(
                    (old, size if op <= 0 else 0, new, size if op >= 0 else 0, op == 0)
                )
            old += size if op <= 0 else 0
            new += size if op >= 0 else 0
        self._starts = [run[0] for run in self.runs]

    def _run(self, position: int) -> tuple[int, int, int, int, bool] | None:
        index = bisect.bisect_right(self._starts, position) - 1
        # Runs with no old text (pure insertions) share a start with the next run.
        while index >= 0 and self.runs[index][1] == 0 and index + 1 < len(self.runs):
            if self.runs[index + 1][0] == position:
                index += 1
            else:
                break
        return self.runs[index] if index >= 0 else None

    def kept(self, position: int) -> int | None:
        """The new offset of the character at `position`, if the diff kept it."""
        run = self._run(position)
        if run is None or not run[4] or not run[0] <= position < run[0] + run[1]:
            return None
        return run[2] + position - run[0]

    def nearest(self, position: int) -> int:
        """A new offset for `position` wherever it is: kept, or proportionally placed in the
        run that replaced it."""
        run = self._run(position)
        if run is None:
            return 0
        old_start, old_length, new_start, new_length, kept = run
        offset = position - old_start
        if kept or not old_length:
            return new_start + min(offset, new_length)
        return new_start + round(offset * new_length / old_length)


def similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / the longer length: 1.0 for equal texts."""
    if not a and not b:
        return 1.0
    return max(0.0, 1 - Levenshtein.distance(a, b) / max(len(a), len(b)))


def _snap(text: str, position: int) -> int:
    """Back to the start of a character with its combining marks, never inside one."""
    while 0 < position < len(text) and unicodedata.combining(text[position]):
        position -= 1
    return position


def _nearest_occurrence(text: str, needle: str, around: int, limit: int = 1000) -> int | None:
    """The occurrence of `needle` closest to `around` (among the first `limit`)."""
    best: int | None = None
    at = text.find(needle)
    for _ in range(limit):
        if at < 0:
            break
        if best is None or abs(at - around) < abs(best - around):
            best = at
        at = text.find(needle, at + 1)
    return best


def relocate(new: str, anchor: Anchor, around: int | None = None) -> Landing:
    """Steps (2) and (3) of the ladder: the quote with its context, or alone if unique."""
    around = anchor.start if around is None else around
    exact = anchor.exact
    if anchor.prefix or anchor.suffix:
        at = _nearest_occurrence(new, anchor.prefix + exact + anchor.suffix, around)
        if at is not None:
            start = at + len(anchor.prefix)
            return Landing(EXACT if start == anchor.start else MOVED, start, start + len(exact))
    first = new.find(exact)
    if first >= 0 and new.find(exact, first + 1) < 0:
        return Landing(EXACT if first == anchor.start else MOVED, first, first + len(exact))
    return Landing(ORPHANED)


def reanchor(
    old: str,
    new: str,
    anchors: Iterable[Anchor],
    *,
    threshold: float = FUZZY_THRESHOLD,
    timeout: float = DIFF_TIMEOUT_S,
) -> list[Landing]:
    """Where each anchor on `old` lands on `new`, in the order given (see the ladder above)."""
    positions = PositionMap(text_diff(old, new, timeout))
    deadline = time.monotonic() + FUZZY_BUDGET_S
    return [_land(new, anchor, positions, threshold, deadline) for anchor in anchors]


def _land(
    new: str, anchor: Anchor, positions: PositionMap, threshold: float, deadline: float
) -> Landing:
    exact = anchor.exact
    start, end = positions.kept(anchor.start), positions.kept(anchor.end - 1)
    if start is not None and end is not None and new[start : end + 1] == exact:
        status = EXACT if start == anchor.start else MOVED
        return Landing(status, start, end + 1)
    expected = positions.nearest(anchor.start)
    found = relocate(new, anchor, around=expected)
    if found.status != ORPHANED:
        return found
    # (4) The passage the diff put in place of the quote, judged with its context.
    if time.monotonic() > deadline:
        return Landing(ORPHANED, similarity=0.0)
    start = _snap(new, positions.nearest(anchor.start))
    end = _snap(new, positions.nearest(anchor.end))
    if end <= start:
        return Landing(ORPHANED)
    prefix = new[max(0, start - len(anchor.prefix)) : start]
    suffix = new[end : end + len(anchor.suffix)]
    score = similarity(anchor.prefix + exact + anchor.suffix, prefix + new[start:end] + suffix)
    if score >= threshold:
        return Landing(FUZZY, start, end, round(score, 3))
    return Landing(ORPHANED, similarity=round(score, 3))
