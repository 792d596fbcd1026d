"""How a sentence is read for suggestions: its words (folded, stemmed, with offsets), and
the cue words of a facet heard among them. Pure functions, no database."""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.suggestions.similar import STOPWORDS, fold, stem, word_set

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reader.suggestions.candidates import FacetSpec
    from reader.suggestions.names import Mention

# Words of one kind of value, in the forms sources write them. A facet named with one of
# them hears them all. Stems are compared, so "killing" is heard as "killed".
CUE_GROUPS = (
    word_set(
        "killed kill killing dead death deaths died toll fatalities fatality martyred martyrs"
        " martyr slain lives kia lost loss"
    ),
    word_set("wounded wounds injured injuries injury hurt"),
    word_set("displaced displacement fled fleeing refugees homeless uprooted"),
    word_set(
        "perpetrator perpetrators executed carried responsible attacker attackers blamed"
        " blaming culprit attack attacks attacked"
    ),
    word_set("place location site area where locality"),
    word_set("time hour when clock"),
    word_set("date day when"),
)
# The event itself: heard by time, date, place and actor facets whose name has no cue.
EVENT_WORDS = word_set(
    "strike strikes airstrike airstrikes bombing bombings bombardment raid raids shelling"
    " explosion blast assault aviation"
)
# Name words that say nothing of what a facet is about.
GENERIC = word_set("of the a an number total count main first second")
MAX_TOKENS = 120
EXAMPLES = 200  # a facet's examples read for cue words, at most
WORD = re.compile(r"[^\W_]{1,40}(?:[-‐][^\W_]{1,40}){0,3}")
# A run of digits longer than any count or date: blanked before reading, as the number
# patterns would try every way of splitting it.
LONG_DIGITS = re.compile(r"\d{16,}")


GROUP_STEMS = tuple(frozenset(stem(word) for word in group) for group in CUE_GROUPS)
EVENT_STEMS = frozenset(stem(word) for word in EVENT_WORDS)


@dataclass(frozen=True)
class Cues:
    stems: frozenset[str]
    learnt: frozenset[str] = frozenset()  # of the stems, those only the examples gave

    @functools.cached_property
    def compounds(self) -> tuple[str, ...]:
        """The stems long enough to be heard at the end of a compound."""
        return tuple(sorted(cue for cue in self.stems if len(cue) >= 5))

    def heard(self, stem: str) -> bool:
        """A cue's stem, or a compound ending in one ("airstrike" hears "strike")."""
        return stem in self.stems or stem.endswith(self.compounds)


def facet_cues(facet: FacetSpec) -> Cues:
    """The stems a facet's values are found near: its name's words, the tables' words of
    a group one of them is in, and the words that recur in its examples."""
    return _cues(facet.name, facet.numeric, facet.examples)


@functools.lru_cache(maxsize=1024)
def _cues(name: str, numeric: bool, examples: tuple[str, ...]) -> Cues:
    named = {stem(word) for word in folded_words(name)} - GENERIC
    stems = set(named)
    for group in GROUP_STEMS:
        if named & group:
            stems |= group
    stems -= GENERIC
    # Words of the examples that recur in at least two and half of them (not names,
    # numbers or function words): "the number was 9", "the number rose to 22".
    seen: Counter[str] = Counter()
    for example in examples[:EXAMPLES]:
        words = WORD.findall(example[:1000])
        seen.update({stem(w.lower()) for w in words if w.islower() and w.lower() not in STOPWORDS})
    enough = max(2, len(examples[:EXAMPLES]) // 2)
    learnt = {word for word, count in seen.items() if count >= enough and len(word) >= 3}
    if not numeric and not named & EVENT_STEMS:
        stems |= EVENT_STEMS
    return Cues(frozenset(stems | learnt), frozenset(learnt - stems))


def distinct_cues(facets: Sequence[FacetSpec]) -> list[tuple[FacetSpec, Cues]]:
    """Each facet's cues; of two count facets, a word learnt from the examples of both
    ("soldiers" in death tolls and in the wounded) tells neither, and is left out."""
    cued = [(facet, facet_cues(facet)) for facet in facets]
    counts = [(f, c) for f, c in cued if f.numeric]
    seen = Counter(stem for _, cues in counts for stem in cues.stems)
    shared = {stem for stem, count in seen.items() if count > 1}
    distinct = []
    for facet, cues in cued:
        if facet.numeric and facet.examples and shared & cues.stems:
            named = _cues(facet.name, True, ()).stems
            cues = Cues(cues.stems - (shared - named), cues.learnt - shared)
        distinct.append((facet, cues))
    return distinct


def folded_words(text: str) -> list[str]:
    return [m.group(0) for m in WORD.finditer(fold(text))]


@dataclass
class Token:
    start: int
    end: int
    text: str  # as written
    folded: str
    stem: str

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


@dataclass
class Sentence:
    start: int  # in the document
    text: str
    folded: str
    tokens: list[Token]
    kind: str
    # (offset, name, which values it covers: "before" it, "after" it or "any")
    attributions: list[tuple[int, str, str]] = field(default_factory=list)
    mentions: list[Mention] | None = None  # read once, for places and actors
    ends: list[int] | None = None
    cues_at: dict[Cues, list[int]] = field(default_factory=dict)

    def cue_indexes(self, cues: Cues) -> list[int]:
        """The indexes of the tokens that are cues of a facet."""
        if cues not in self.cues_at:
            self.cues_at[cues] = [i for i, t in enumerate(self.tokens) if cues.heard(t.stem)]
        return self.cues_at[cues]

    def token_at(self, offset: int) -> int:
        """The index of the first token ending after the offset."""
        if self.ends is None:
            self.ends = [token.end for token in self.tokens]
        return bisect.bisect_right(self.ends, offset)


def read_tokens(text: str, folded: str) -> list[Token]:
    tokens: list[Token] = []
    for found in WORD.finditer(folded):
        if len(tokens) == MAX_TOKENS:
            break
        word = found.group(0)
        tokens.append(
            Token(found.start(), found.end(), text[found.start() : found.end()], word, stem(word))
        )
    return tokens


@dataclass(frozen=True)
class Found:
    start: int  # in the sentence
    end: int
    value: str
    score: float
    entity_id: int | None = None
    value_start: int = -1  # where the value is, for attribution and stance


def nearest_cue(sentence: Sentence, cues: Cues, start: int, end: int) -> int | None:
    """How many words lie between the span and the nearest cue of the facet."""
    first, last = sentence.token_at(start), sentence.token_at(end) - 1
    gaps = [
        first - index - 1 if index < first else index - last - 1
        for index in sentence.cue_indexes(cues)
        if index < first or index > last
    ]
    return min(gaps) if gaps else None


def cue_score(gap: int) -> float:
    """How sure a value is for its cue's distance, in words (times, dates, places, actors)."""
    return max(0.7, 0.95 - 0.01 * gap)


def is_cue_word(stem: str) -> bool:
    return stem in EVENT_STEMS or any(stem in group for group in GROUP_STEMS)
