"""Which of one source's values about one facet are earlier ones, replaced by a later value
of the same source: a live page's count that climbs (9 -> 22 -> 29 -> 33), a value the text
marks as earlier ("initially 9"), a later correction. Pure functions, no Django; the result
is stored on each link (FacetLink.superseded) unless an analyst pinned it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Report:
    """One link of one source about one facet, as supersession sees it."""

    id: int
    line: str  # who it is attributed to, as a key
    against: bool
    claimed_at: datetime.datetime | None
    text: str  # the value and the quote, where cue words are looked for
    pinned: bool | None = None  # an analyst's choice, if any


def _supersedes(later: Report, earlier: Report) -> bool:
    if later.id == earlier.id or later.against != earlier.against:
        return False
    if later.claimed_at and earlier.claimed_at and later.claimed_at < earlier.claimed_at:
        return False
    if (
        later.line == earlier.line
        and later.claimed_at
        and (earlier.claimed_at is None or later.claimed_at > earlier.claimed_at)
    ):
        return True
    if EARLIER_CUES.search(earlier.text) and not EARLIER_CUES.search(later.text):
        return True
    return bool(LATER_CUES.search(later.text) and not LATER_CUES.search(earlier.text))


def superseded_ids(reports: list[Report]) -> set[int]:
    """Of one source's links to one facet, those a later one replaces: on one line (same
    attribution, same stance) every report before the latest timed one; a value written
    as earlier ("initially", "first reports"), by one that is not; any, by a correction
    ("corrected", "rose to") made after it. An analyst's pin decides over all of these."""
    result = set()
    for report in reports:
        if report.pinned is not None:
            if report.pinned:
                result.add(report.id)
            continue
        if any(_supersedes(other, report) for other in reports):
            result.add(report.id)
    return result
