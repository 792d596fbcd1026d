"""Which of one source's values about one facet are earlier ones, replaced by a later value
of the same source: a live page's count that climbs (9 -> 22 -> 29 -> 33), a value the text
marks as earlier ("initially 9"), a later correction. Pure functions, no Django; the result
is stored on each link (FacetLink.superseded) unless an analyst pinned it.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from reader import entities

EARLIER_CUES = re.compile(
    r"\b(?:initially|originally|earlier|at first|first reports?|first reported|previously|"
    r"preliminary|early reports?)\b",
    re.IGNORECASE,
)
LATER_CUES = re.compile(
    r"\b(?:correction|corrected|revised|updated|later (?:said|raised|put|gave)|"
    r"now (?:says|puts|stands)|final (?:toll|number|count|figure)|"
    r"(?:rose|risen|increased|climbed) to)\b",
    re.IGNORECASE,
)


# Each report is compared with every other of its source and facet, so each attribution and
# text would be read again for every pair (a busy live page's cell holds dozens of values).
@functools.lru_cache(maxsize=4096)
def line_of(attribution: str) -> tuple[str, frozenset[str]]:
    """Who a report is attributed to, as a key and as its distinctive words: "Dogan",
    "Hatay Governor" and "Rahmi Dogan, the governor of the Hatay province" are one line
    (each shares a word with the last); "Turkish officials" and "the Turkish Ministry of
    National Defense" are not (country and organisational words do not count)."""
    key = entities.name_key(attribution)
    table = entities.country_table().by_key
    words = frozenset(
        word
        for word in key.split()
        if word not in entities.ORGANISATIONAL
        and word not in entities.PLACE_WORDS
        and word not in table
        and len(word) > 2
    )
    return key, words


@dataclass(frozen=True)
class Report:
    """One link of one source about one facet, as supersession sees it."""

    id: int
    attribution: str
    against: bool
    claimed_at: datetime.datetime | None
    text: str  # the value and the quote, where cue words are looked for
    pinned: bool | None = None  # an analyst's choice, if any
    # The version of the source its annotation's passage is on: the latest, unless a new
    # version changed or removed that passage (fuzzy, orphaned), as a correction does.
    version: int | None = None

    @property
    def line(self) -> tuple[str, frozenset[str]]:
        return line_of(self.attribution)


def same_line(first: Report, second: Report) -> bool:
    (one, one_words), (two, two_words) = first.line, second.line
    return one == two or bool(one_words & two_words)


def _supersedes(later: Report, earlier: Report) -> bool:
    if later.id == earlier.id or later.against != earlier.against:
        return False
    if not same_line(later, earlier):
        return False
    if (
        later.version is not None
        and earlier.version is not None
        and later.version != earlier.version
    ):
        return later.version > earlier.version  # a later version of the text replaced it
    if later.claimed_at and earlier.claimed_at:
        return later.claimed_at > earlier.claimed_at
    if later.claimed_at and not earlier.claimed_at:
        return not _later_cue(earlier.text)
    if _earlier_cue(earlier.text) and not _earlier_cue(later.text):
        return True
    return _later_cue(later.text) and not _later_cue(earlier.text)


@functools.lru_cache(maxsize=4096)
def _earlier_cue(text: str) -> bool:
    return EARLIER_CUES.search(text) is not None


@functools.lru_cache(maxsize=4096)
def _later_cue(text: str) -> bool:
    return LATER_CUES.search(text) is not None


def _alike(report: Report) -> tuple:
    """All that `_supersedes` reads of a report but its id: two reports alike in this decide
    alike, and neither replaces the other (same line, stance, version, time and cues)."""
    return (
        report.line,
        report.against,
        report.version,
        report.claimed_at,
        _earlier_cue(report.text),
        _later_cue(report.text),
    )


def superseded_ids(reports: list[Report]) -> set[int]:
    """Of one source's links to one facet, those a later one on the same line replaces
    (same stance, attributed alike: `same_line`): one whose passage a later version of
    the source changed (a correction), by one on that later version; every report before
    the latest timed one; a value written as earlier ("initially", "first reports"), by
    one that is not; an untimed one, by a correction ("corrected", "rose to"). An
    analyst's pin decides over all of these."""
    # Compared a kind of report against a kind, not a report against each other: a busy
    # cell holds hundreds of values, most of them alike (the same line, untimed, no cue).
    kinds: dict[tuple, list[Report]] = {}
    for report in reports:
        kinds.setdefault(_alike(report), []).append(report)
    first = [alike[0] for alike in kinds.values()]
    result = set()
    for alike in kinds.values():
        replaced = any(_supersedes(other, alike[0]) for other in first)
        for report in alike:
            if report.pinned is not None:
                if report.pinned:
                    result.add(report.id)
            elif replaced:
                result.add(report.id)
    return result
