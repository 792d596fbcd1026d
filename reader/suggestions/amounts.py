"""Counts, times and dates in a sentence, as the project's parsers read them
(reader/quantities.py, reader/times.py), for the facets whose cue words are near: the
suggestion hooks of those value types (reader/values.py). Pure functions."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader import quantities, times
from reader.suggestions.reading import GROUP_STEMS, Cues, Found, Sentence

if TYPE_CHECKING:
    from reader.suggestions.candidates import FacetSpec

# How far a number's cue may be, in words.
CUE_AFTER = 5
CUE_BEFORE = 3
LEARNT_GAP = 3  # a learnt cue word counts as this many words further away
MAX_NUMBERS = 12  # counts read per sentence
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_PART = "morning|afternoon|evening|night"
_RELATIVE = (
    r"yesterday|today|tonight|overnight|last night|the day before|the previous day"
    rf"|this (?:{_PART})"
)
_DAY = (
    rf"(?:on )?(?:\d{{1,2}} (?:{MONTHS})\.?(?:,? \d{{4}})?|(?:{MONTHS})\.? \d{{1,2}}"
    rf"(?:st|nd|rd|th)?(?:,? \d{{4}})?|(?:(?:early|late) )?(?:{WEEKDAYS})(?: (?:{_PART}))?"
    rf"|(?:(?:early|late) )?(?:{_RELATIVE})(?: (?:{_PART}))?)"
)
# Days in folded, space-normalised text.
_DATE = re.compile(rf"\b{_DAY}\b")
# Days with a part of the day: times without a clock ("late Thursday", "last night").
_PART_OF_DAY = re.compile(
    rf"\b(?:(?:early|late|mid) (?:{WEEKDAYS})|(?:{WEEKDAYS}) (?:{_PART})"
    rf"|last night|overnight|tonight|this (?:{_PART})|(?:yesterday|today) (?:{_PART}))\b"
)
# What every clock time has: a.m./p.m., minutes, or a second hour ("10-11").
_CLOCKISH = re.compile(r"\d(?: ?[ap]\.? ?m|[:.h]\d\d| ?(?:-|–|to) ?\d)")
# What may stand around a clock time and belongs to it.
_CLOCK_BEFORE = re.compile(rf"(?:{_DAY}) (?:at )?\Z")
_CLOCK_AFTER = re.compile(rf"\A(?: (?:local time|gmt|utc))?(?:,? (?:{_DAY}))?")
# What a number must not touch to be a count: an identifier ("Su-34", "9/11"), a time, a
# date, a unit.
_NOT_A_COUNT_AFTER = re.compile(
    rf"\A(?:[^\W\d_]|-[^\W\d_]|/|:\d| ?(?:[ap]\.? ?m\b|gmt|hours?\b|km\b|kilomet|min\b"
    rf"|percent|%|(?:{MONTHS})\b))"
)
_NOT_A_COUNT_BEFORE = re.compile(rf"(?:[^\W\d_]|[^\W\d_]-|/|:|\.|(?:{MONTHS})\.? )\Z")


def is_count(text: str, start: int, end: int) -> bool:
    written = text[start:end].strip()
    if re.fullmatch(r"(?:19|20)\d\d", written):
        return False  # a year
    after, before = text[end : end + 12], text[max(0, start - 12) : start]
    return not (
        _NOT_A_COUNT_AFTER.match(after.lower()) or _NOT_A_COUNT_BEFORE.search(before.lower())
    )


@dataclass(frozen=True)
class _Rival:
    """A kind of count a project may have no facet for: a number nearest one of its words
    is that kind's, not a facet's ("killed and five wounded" with no Wounded facet)."""

    id: int


_RIVALS = [(_Rival(-number), Cues(group)) for number, group in enumerate(GROUP_STEMS[:3], 1)]


def numbers_in(
    sentence: Sentence, facets: list[tuple[FacetSpec, Cues]]
) -> list[tuple[FacetSpec, Found]]:
    """Each count in the sentence for the numeric facet whose cue is nearest to it."""
    heard = {stem for _, cues in facets for stem in cues.stems}
    counted: list[tuple[FacetSpec | _Rival, Cues]] = [*facets]
    counted += [(rival, cues) for rival, cues in _RIVALS if not cues.stems <= heard]
    spans = [
        (start, end)
        for start, end in quantities.quantity_spans(sentence.text)
        if is_count(sentence.text, start, end)
    ][:MAX_NUMBERS]
    found = []
    for number, (start, end) in enumerate(spans):
        while start < end and sentence.text[start].isspace():
            start += 1
        best: list[tuple[int, FacetSpec | _Rival, int, int]] = []
        for facet, cues in counted:
            for index in sentence.cue_indexes(cues):
                token = sentence.tokens[index]
                if token.end <= start:
                    gap = sentence.token_at(start) - index - 1
                    between = (token.end, start)
                    allowed = CUE_BEFORE
                elif token.start >= end:
                    gap = index - sentence.token_at(end - 1) - 1
                    between = (end, token.start)
                    allowed = CUE_AFTER
                else:
                    continue
                crosses = any(
                    between[0] <= other[0] < between[1]
                    for other in spans[:number] + spans[number + 1 :]
                )
                # A number and its cue sit in one clause: "killed, and it destroyed five"
                # tanks is not a count of the killed.
                apart = re.search(r"[,;(]", sentence.text[slice(*between)])
                if gap <= allowed and not crosses and not apart:
                    # A word learnt from examples gives way to one of the facet's name.
                    rank = gap + (LEARNT_GAP if token.stem in cues.learnt else 0)
                    best.append((rank, facet, token.start, token.end))
        if not best:
            continue
        nearest = min(gap for gap, *_ in best)
        for facet_id in dict.fromkeys(f.id for gap, f, *_ in best if gap == nearest):
            gap, facet, cue_start, cue_end = min(
                (b for b in best if b[1].id == facet_id), key=lambda b: b[0]
            )
            value = sentence.text[start:end].strip()
            if isinstance(facet, _Rival) or not _is_number(value):
                continue
            span = (min(start, cue_start), max(end, cue_end))
            score = max(0.5, 0.95 - 0.08 * gap)
            found.append((facet, Found(*span, value, score, value_start=start)))
    return found


# The parsers themselves, not values.parse_value: reader/values.py imports this module.
@functools.lru_cache(maxsize=4096)
def _is_number(value: str) -> bool:
    return quantities.parse_quantity(value) is not None


@functools.lru_cache(maxsize=4096)
def _is_time(value: str, published: datetime.date | None) -> bool:
    return times.parse_moment(value, base=published) is not None


@functools.lru_cache(maxsize=4096)
def _is_date(value: str, published: datetime.date | None) -> bool:
    return times.parse_date(value, base=published) is not None


def times_in(
    sentence: Sentence, published: datetime.date | None, *, timestamps: bool = False
) -> list[Found]:
    """Clock times with the day and zone around them, and parts of named days; a time
    alone in its sentence (a live page's timestamp) only when `timestamps`."""
    found = []
    folded = sentence.folded
    clocks = times.time_spans(sentence.text) if _CLOCKISH.search(folded) else []
    for start, end in clocks:
        if before := _CLOCK_BEFORE.search(folded[max(0, start - 40) : start]):
            start -= len(before.group(0))
        if after := _CLOCK_AFTER.match(folded[end : end + 40]):
            end += len(after.group(0))
        found.append(Found(start, end, sentence.text[start:end], 0.0))
    for day in _PART_OF_DAY.finditer(folded):
        if not any(f.start <= day.start() < f.end for f in found):
            found.append(Found(day.start(), day.end(), sentence.text[day.start() : day.end()], 0))
    words_left = len(sentence.tokens) - sum(
        1 for t in sentence.tokens if any(f.start <= t.start < f.end for f in found)
    )
    if words_left < 3 and not timestamps:
        return []  # a timestamp of its own, not a time the text states
    return [f for f in found if _is_time(f.value, published)]


def dates_in(sentence: Sentence, published: datetime.date | None) -> list[Found]:
    found = []
    for day in _DATE.finditer(sentence.folded):
        value = sentence.text[day.start() : day.end()]
        if _is_date(value, published):
            found.append(Found(day.start(), day.end(), value, 0.0))
    return found
