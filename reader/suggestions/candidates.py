"""Candidate spans for an event's facets in one source text: the number, time, date, place
or actor a sentence states for a facet, with who the sentence says it (attribution), how
(stance) and whose words it is (kind). Pure functions, no database.

- Cue words come from the facet's name, widened by the small tables below when a name
  word belongs to one (a "Death toll" facet also hears "killed", "dead", "martyred"), and
  from the words that recur in the quotes analysts already linked to it (`examples`).
- A number belongs to the numeric facet whose cue word is nearest to it, a few words
  before or after, with no other number in between. Times, dates, places and actors need
  a cue of their facet, or a word of the event itself ("strike", "bombing"...) when the
  facet's name has none, somewhere in their sentence.
- Places and actors are the project's names (an entity's name or alias, case and
  diacritics aside, longest first), a country's name or demonym followed by words of an
  organisation ("Syrian government forces"), and new capitalised names after a place
  word ("in", "near", "a place called") or an actor word ("by", "blaming").
- Comment threads: a line that is numbered or indented and reads "<at most six words>
  says" (how WordPress and most blogs print "thomas malthaus says") opens a thread; the
  thread goes on over blank lines, indented lines and further such lines, and ends at the
  first line written flush left that opens none. Text inside is a user comment.
- Linear time: texts are cut into sentences of at most MAX_SENTENCE characters, every
  pattern is bounded (no nested quantifiers) and each sentence reads at most MAX_TOKENS
  words, so a megabyte of digits or brackets costs what its length costs.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from reader import entities, values
from reader.suggestions.similar import fold, sentences, word_set

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
NUMBER_TYPES = frozenset({"number", "number_range"})
# How far a number's cue may be, in words.
CUE_AFTER = 5
CUE_BEFORE = 3
# How far, in words, a place's or an actor's cue may be (times and dates: their sentence).
CUE_REACH = {"place": 10, "actor": 12}
MAX_TOKENS = 120
MAX_NUMBERS = 12  # counts read per sentence
MIN_SCORE = 0.5
# A name is at most this many words ("Turkish Ministry of National Defense").
MAX_NAME_WORDS = 8
# Words that make the name next to them the one who did it.
AGENT_BEFORE = word_set("by blaming blamed blame likely allegedly deny denied accused attributed")
AGENT_AFTER = word_set(
    "carried carry carrying executed struck bombed dropped delivered used launched fired"
    " responded targeted shelled"
)
AGENT_WINDOW = 4  # words after a name; before it, the word itself and an article
PASSIVE = word_set("was were been be being is are")
# Words of an organisation after a name ("Syrian" "government forces"), not joining words.
ORGANISATION_WORDS = (
    entities.ORGANISATIONAL - entities.JOINING - entities.ARTICLES - word_set("close to other")
) | word_set("ally allies director directorate")
# Words after which a capitalised name is a place.
PLACE_BEFORE = word_set("in near at called of between outside around location")
PLACE_NOUNS = word_set(
    "village town city settlement area province district region governorate outskirts"
    " north south east west northeast northwest southeast southwest vicinity"
)
REPORT_VERBS = word_set(
    "said says say reported reports announced stated claimed claims told added stressed confirmed"
)
ATTRIBUTION_BEFORE = ("according to", "as per", "per", "citing")
ATTRIBUTION_WORDS = entities.ORGANISATIONAL | word_set(
    "statement governor activists analysts sources observatory newspaper reporter"
)
DENIAL_WORDS = word_set(
    "denied denies deny denying denial rejected rejects refuted refutes dismissed"
)
_NEGATED_ACT = re.compile(
    r"\b(?:did|does|do|have|has|had|were|was)(?: not|n't|n’t) "
    r"(?:carry|carried|use|used|involved|conduct|conducted|strike|struck|bomb|bombed|"
    r"attack|attacked|target|targeted|take part|participate)\b"
)
_WORD = re.compile(r"[^\W_]{1,40}(?:[-‐][^\W_]{1,40}){0,3}")
# A run of digits longer than any count or date: blanked before reading, as the number
# patterns would try every way of splitting it.
_LONG_DIGITS = re.compile(r"\d{16,}")
_CLAUSE_BREAK = re.compile(r"[;()\[\]]|, (?:but|however|while|whereas)\b|\bbut\b|,")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_PART = "morning|afternoon|evening|night"
_RELATIVE = (
    r"yesterday|today|tonight|overnight|last night|the day before|the previous day"
    rf"|this (?:{_PART})"
)
_DAY = (
    rf"(?:on )?(?:\d{{1,2}} (?:{_MONTHS})\.?(?:,? \d{{4}})?|(?:{_MONTHS})\.? \d{{1,2}}"
    rf"(?:st|nd|rd|th)?(?:,? \d{{4}})?|(?:(?:early|late) )?(?:{_WEEKDAYS})(?: (?:{_PART}))?"
    rf"|(?:(?:early|late) )?(?:{_RELATIVE})(?: (?:{_PART}))?)"
)
# Days in folded, space-normalised text.
_DATE = re.compile(rf"\b{_DAY}\b")
# Days with a part of the day: times without a clock ("late Thursday", "last night").
_PART_OF_DAY = re.compile(
    rf"\b(?:(?:early|late|mid) (?:{_WEEKDAYS})|(?:{_WEEKDAYS}) (?:{_PART})"
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
    rf"|percent|%|(?:{_MONTHS})\b))"
)
_NOT_A_COUNT_BEFORE = re.compile(rf"(?:[^\W\d_]|[^\W\d_]-|/|:|\.|(?:{_MONTHS})\.? )\Z")


@dataclass(frozen=True)
class FacetSpec:
    id: int
    name: str  # "Death toll", "Perpetrator", "Time of the strike"
    value_type: str  # a reader.vocabularies.ValueType value
    examples: tuple[str, ...] = ()  # quotes of links analysts already made to this facet


@dataclass(frozen=True)
class KnownName:
    text: str  # one written form (an entity's name or alias), e.g. "Russian Air Force"
    entity_id: int
    kind: str  # a reader.vocabularies.EntityKind value
    within: tuple[int, ...] = ()  # the entities that contain it (Balyun: Idlib, Syria)


@dataclass(frozen=True)
class Candidate:
    facet_id: int
    start: int  # the span to annotate, code points of the text, half-open
    end: int
    value: str  # the proposed link value as written ("at least 36", "around 5 p.m.")
    kind: str  # "claim", or "user_comment" inside a comment thread
    stance: str  # "asserts", "reports" or "denies"
    attribution: str  # "" when the sentence names none
    score: float  # 0..1, higher is more confident
    entity_id: int | None = None


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_GROUP_STEMS = tuple(frozenset(_stem(word) for word in group) for group in CUE_GROUPS)
_EVENT_STEMS = frozenset(_stem(word) for word in EVENT_WORDS)


@dataclass(frozen=True)
class _Cues:
    stems: frozenset[str]

    @functools.cached_property
    def compounds(self) -> tuple[str, ...]:
        """The stems long enough to be heard at the end of a compound."""
        return tuple(sorted(cue for cue in self.stems if len(cue) >= 5))

    def heard(self, stem: str) -> bool:
        """A cue's stem, or a compound ending in one ("airstrike" hears "strike")."""
        return stem in self.stems or stem.endswith(self.compounds)


def facet_cues(facet: FacetSpec) -> _Cues:
    """The stems a facet's values are found near: its name's words, the tables' words of
    a group one of them is in, and the words that recur in its examples."""
    named = {_stem(word) for word in _words(facet.name)} - GENERIC
    stems = set(named)
    for group in _GROUP_STEMS:
        if named & group:
            stems |= group
    seen: Counter[str] = Counter()
    for example in facet.examples:
        seen.update({_stem(word) for word in _words(example[:1000]) if not word.isdigit()})
    stems |= {stem for stem, count in seen.items() if count >= 2 and len(stem) >= 3}
    stems -= GENERIC | {"the", "and"}
    if facet.value_type not in NUMBER_TYPES and not stems & _EVENT_STEMS:
        stems |= _EVENT_STEMS
    return _Cues(frozenset(stems))


def _words(text: str) -> list[str]:
    return [m.group(0) for m in _WORD.finditer(fold(text))]


@dataclass
class _Token:
    start: int
    end: int
    text: str  # as written
    folded: str
    stem: str

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


@dataclass
class _Sentence:
    start: int  # in the document
    text: str
    folded: str
    tokens: list[_Token]
    kind: str
    # (offset, name, which values it covers: "before" it, "after" it or "any")
    attributions: list[tuple[int, str, str]] = field(default_factory=list)
    mentions: list[_Mention] | None = None  # read once, for places and actors
    ends: list[int] | None = None
    cues_at: dict[_Cues, list[int]] = field(default_factory=dict)

    def cue_indexes(self, cues: _Cues) -> list[int]:
        """The indexes of the tokens that are cues of a facet."""
        if cues not in self.cues_at:
            self.cues_at[cues] = [i for i, t in enumerate(self.tokens) if cues.heard(t.stem)]
        return self.cues_at[cues]

    def token_at(self, offset: int) -> int:
        """The index of the first token ending after the offset."""
        if self.ends is None:
            self.ends = [token.end for token in self.tokens]
        return bisect.bisect_right(self.ends, offset)


def _tokens(text: str, folded: str) -> list[_Token]:
    tokens: list[_Token] = []
    for found in _WORD.finditer(folded):
        if len(tokens) == MAX_TOKENS:
            break
        word = found.group(0)
        tokens.append(
            _Token(found.start(), found.end(), text[found.start() : found.end()], word, _stem(word))
        )
    return tokens


# Comment threads ---------------------------------------------------------------------


def _comment_header(line: str) -> bool:
    stripped = line.strip()
    if not (stripped.endswith(" says") or stripped.endswith(" says:")):
        return False
    numbered = re.match(r"\d{1,4}[.)] ", stripped)
    if not (numbered or line[:1].isspace()):
        return False
    name = stripped[numbered.end() if numbered else 0 : stripped.rfind(" says")]
    return 0 < len(name) <= 60 and len(name.split()) <= 6


def comment_ranges(text: str) -> list[tuple[int, int]]:
    """Where the reader-comment threads of the text are, as half-open offsets."""
    ranges: list[tuple[int, int]] = []
    thread_start: int | None = None
    last_end = 0
    position = 0
    while position <= len(text):
        line_end = text.find("\n", position)
        if line_end == -1:
            line_end = len(text)
        line = text[position:line_end]
        if _comment_header(line):
            if thread_start is None:
                thread_start = position + len(line) - len(line.lstrip())
            last_end = line_end
        elif thread_start is not None:
            if line.strip() and not line[:1].isspace():
                ranges.append((thread_start, last_end))
                thread_start = None
            elif line.strip():
                last_end = line_end
        position = line_end + 1
    if thread_start is not None:
        ranges.append((thread_start, last_end))
    return ranges


# Attribution and stance --------------------------------------------------------------


def _name_after(tokens: list[_Token], index: int, text: str) -> str:
    """The name that starts at tokens[index]: capitalised words and words of organisations,
    joined by "of", "the", "and", "&"."""
    first = last = None
    for position in range(index, min(len(tokens), index + MAX_NAME_WORDS)):
        token = tokens[position]
        if last is not None and "," in text[tokens[last].end : token.start]:
            break
        if token.capitalised or token.folded in ATTRIBUTION_WORDS:
            first = position if first is None else first
            last = position
        elif token.folded not in (entities.JOINING if first is not None else entities.ARTICLES):
            break
    if first is None or last is None:
        return ""
    return text[tokens[first].start : tokens[last].end]


def _name_before(tokens: list[_Token], index: int, text: str) -> str:
    """The name that ends at tokens[index - 1], read backwards the same way."""
    first = last = None
    for position in range(index - 1, max(-1, index - 1 - MAX_NAME_WORDS), -1):
        token = tokens[position]
        if first is not None and re.search(r"[,.;:“”\"()]", text[token.end : tokens[first].start]):
            break
        if token.capitalised or token.folded in ATTRIBUTION_WORDS:
            last = position if last is None else last
            first = position
        elif token.folded in entities.JOINING and last is not None:
            continue
        else:
            break
    if first is None or last is None:
        return ""
    while first <= last and tokens[first].folded in entities.JOINING:
        first += 1
    return text[tokens[first].start : tokens[last].end] if first <= last else ""


def _attributions(sentence: _Sentence) -> list[tuple[int, str, str]]:
    """Who the sentence says says it: "according to X", "per X", "X said", "said X". An
    "according to" or "per" after a comma or bracket covers what comes before it ("33
    killed (per Turkey)"); at the start of a clause, what follows it."""
    found = []
    tokens, text = sentence.tokens, sentence.text
    for index, token in enumerate(tokens):
        for words in ATTRIBUTION_BEFORE:
            parts = words.split()
            if [t.folded for t in tokens[index : index + len(parts)]] == parts:
                name = _name_after(tokens, index + len(parts), text)
                trailing = re.search(r"[,(]\s*\Z", text[max(0, token.start - 3) : token.start])
                if name:
                    found.append((token.start, name, "before" if trailing else "after"))
                break
        if token.folded in REPORT_VERBS:
            name = _name_before(tokens, index, text)
            if not name and index + 1 < len(tokens):
                name = _name_after(tokens, index + 1, text)
            if name and name.split()[-1].casefold() not in REPORT_VERBS:
                found.append((token.start, name, "any"))
    return found


def _attribution(sentence: _Sentence, start: int) -> str:
    covering = [
        (abs(offset - start), name)
        for offset, name, covers in sentence.attributions
        if covers == "any" or (covers == "before") == (start < offset)
    ]
    return min(covering)[1] if covering else ""


def _clause(sentence: _Sentence, start: int, end: int) -> str:
    """The folded clause around a span: the sentence between the breaks around it."""
    left = right = None
    for found in _CLAUSE_BREAK.finditer(sentence.folded):
        if found.end() <= start:
            left = found.end()
        elif found.start() >= end and right is None:
            right = found.start()
    return sentence.folded[left or 0 : right if right is not None else len(sentence.folded)]


def _denies(clause: str) -> bool:
    if _NEGATED_ACT.search(clause.replace("’", "'")):
        return True
    return any(word in DENIAL_WORDS for word in re.findall(r"[^\W_]{1,40}", clause))


# Extractors --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    start: int  # in the sentence
    end: int
    value: str
    score: float
    entity_id: int | None = None
    value_start: int = -1  # where the value is, for attribution and stance


def _nearest_cue(sentence: _Sentence, cues: _Cues, start: int, end: int) -> int | None:
    """How many words lie between the span and the nearest cue of the facet."""
    first, last = sentence.token_at(start), sentence.token_at(end) - 1
    gaps = [
        first - index - 1 if index < first else index - last - 1
        for index in sentence.cue_indexes(cues)
        if index < first or index > last
    ]
    return min(gaps) if gaps else None


def _is_count(text: str, start: int, end: int) -> bool:
    written = text[start:end].strip()
    if re.fullmatch(r"(?:19|20)\d\d", written):
        return False  # a year
    after, before = text[end : end + 12], text[max(0, start - 12) : start]
    return not (
        _NOT_A_COUNT_AFTER.match(after.lower()) or _NOT_A_COUNT_BEFORE.search(before.lower())
    )


# The kinds of count a project may have no facet for: a number nearest one of their words
# is that kind's, not a facet's ("killed and five wounded" with no Wounded facet).
_RIVALS = [
    (FacetSpec(-number, "", "number"), _Cues(group))
    for number, group in enumerate(_GROUP_STEMS[:3], start=1)
]


def _numbers(
    sentence: _Sentence, facets: list[tuple[FacetSpec, _Cues]]
) -> list[tuple[FacetSpec, _Found]]:
    """Each count in the sentence for the numeric facet whose cue is nearest to it."""
    heard = {stem for _, cues in facets for stem in cues.stems}
    facets = facets + [(f, c) for f, c in _RIVALS if not c.stems <= heard]
    spans = [
        (start, end)
        for start, end in values.quantity_spans(sentence.text)
        if _is_count(sentence.text, start, end)
    ][:MAX_NUMBERS]
    found = []
    for number, (start, end) in enumerate(spans):
        while start < end and sentence.text[start].isspace():
            start += 1
        best: list[tuple[int, FacetSpec, int, int]] = []
        for facet, cues in facets:
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
                    best.append((gap, facet, token.start, token.end))
        if not best:
            continue
        nearest = min(gap for gap, *_ in best)
        for facet_id in dict.fromkeys(f.id for gap, f, *_ in best if gap == nearest):
            gap, facet, cue_start, cue_end = min(
                (b for b in best if b[1].id == facet_id), key=lambda b: b[0]
            )
            value = sentence.text[start:end].strip()
            if facet_id < 0 or not _parses("number", value, None):
                continue
            span = (min(start, cue_start), max(end, cue_end))
            score = max(0.5, 0.95 - 0.08 * gap)
            found.append((facet, _Found(*span, value, score, value_start=start)))
    return found


def _cue_score(sentence: _Sentence, cues: _Cues, start: int, end: int) -> float | None:
    gap = _nearest_cue(sentence, cues, start, end)
    return None if gap is None else max(0.7, 0.95 - 0.01 * gap)


@functools.lru_cache(maxsize=4096)
def _parses(value_type: str, value: str, published: datetime.date | None) -> bool:
    return values.parse_value(value_type, value, base=published) is not None


def _times(
    sentence: _Sentence, published: datetime.date | None, *, timestamps: bool = False
) -> list[_Found]:
    """Clock times with the day and zone around them, and parts of named days; a time
    alone in its sentence (a live page's timestamp) only when `timestamps`."""
    found = []
    folded = sentence.folded
    clocks = values.time_spans(sentence.text) if _CLOCKISH.search(folded) else []
    for start, end in clocks:
        if before := _CLOCK_BEFORE.search(folded[max(0, start - 40) : start]):
            start -= len(before.group(0))
        if after := _CLOCK_AFTER.match(folded[end : end + 40]):
            end += len(after.group(0))
        found.append(_Found(start, end, sentence.text[start:end], 0.0))
    for day in _PART_OF_DAY.finditer(folded):
        if not any(f.start <= day.start() < f.end for f in found):
            found.append(_Found(day.start(), day.end(), sentence.text[day.start() : day.end()], 0))
    words_left = len(sentence.tokens) - sum(
        1 for t in sentence.tokens if any(f.start <= t.start < f.end for f in found)
    )
    if words_left < 3 and not timestamps:
        return []  # a timestamp of its own, not a time the text states
    return [f for f in found if _parses("time", f.value, published)]


def _dates(sentence: _Sentence, published: datetime.date | None) -> list[_Found]:
    found = []
    for day in _DATE.finditer(sentence.folded):
        value = sentence.text[day.start() : day.end()]
        if _parses("date", value, published):
            found.append(_Found(day.start(), day.end(), value, 0.0))
    return found


@dataclass(frozen=True)
class _Names:
    """The project's names by their folded words, for longest-first matching."""

    by_words: dict[tuple[str, ...], KnownName]
    lengths: dict[str, tuple[int, ...]]  # by first word: the names' lengths, longest first


def _name_table(names: Sequence[KnownName]) -> _Names:
    by_words: dict[tuple[str, ...], KnownName] = {}
    lengths: dict[str, set[int]] = {}
    for name in names:
        key = tuple(_words(name.text))
        if key:
            by_words.setdefault(key, name)
            lengths.setdefault(key[0], set()).add(len(key))
    return _Names(
        by_words, {word: tuple(sorted(found, reverse=True)) for word, found in lengths.items()}
    )


@functools.lru_cache(maxsize=65536)
def _country_word(word: str) -> bool:
    """The word is a country's name or demonym ("Syria", "Russian", "Turks")."""
    return entities.country_for(word, codes=False) is not None


@dataclass(frozen=True)
class _Mention:
    first: int  # token indexes, inclusive
    last: int
    known: KnownName | None
    country: bool  # a country's name or demonym, not in the project's names


def _mentions(sentence: _Sentence, table: _Names) -> list[_Mention]:
    """Names of the project and of the country table in the sentence, longest first."""
    if sentence.mentions is not None:
        return sentence.mentions
    tokens, mentions = sentence.tokens, []
    index = 0
    while index < len(tokens):
        for length in table.lengths.get(tokens[index].folded, ()):
            if index + length > len(tokens):
                continue
            key = tuple(t.folded for t in tokens[index : index + length])
            if key in table.by_words:
                mentions.append(_Mention(index, index + length - 1, table.by_words[key], False))
                index += length
                break
        else:
            token = tokens[index]
            if token.capitalised and _country_word(token.text):
                mentions.append(_Mention(index, index, None, True))
            index += 1
    sentence.mentions = mentions
    return mentions


@functools.lru_cache(maxsize=65536)
def _demonym(written: str) -> bool:
    country = entities.country_for(written, codes=False)
    if country is None:
        return False
    key = entities.name_key(written)
    return key != entities.name_key(country.name) and key in {
        entities.name_key(d) for d in country.demonyms
    }


def _place_found(sentence: _Sentence, first: int, last: int, score: float, entity_id) -> _Found:
    tokens = sentence.tokens
    start, end = tokens[first].start, tokens[last].end
    return _Found(start, end, sentence.text[start:end], score, entity_id)


def _new_names(
    sentence: _Sentence, after: frozenset[str], taken: set[int]
) -> list[tuple[int, int]]:
    """Capitalised words (at most three) right after one of the words, not yet a name;
    "of" only after a place word ("the village of X"), and none in a headline, where
    every word is capitalised."""
    found, tokens = [], sentence.tokens
    headline = _headline(tokens)
    for index, token in enumerate(tokens[:-1]):
        if token.folded not in after:
            continue
        if token.folded == "of" and (index == 0 or tokens[index - 1].folded not in PLACE_NOUNS):
            continue
        first = index + 1
        if tokens[first].folded in entities.ARTICLES and first + 1 < len(tokens):
            first += 1
        last = first
        while last < len(tokens) and last - first < 3 and tokens[last].capitalised:
            if last > first and re.search(
                r"[^\s]", sentence.text[tokens[last - 1].end : tokens[last].start]
            ):
                break
            last += 1
        last -= 1
        if last < first or any(i in taken for i in range(first, last + 1)):
            continue
        written = sentence.text[tokens[first].start : tokens[last].end]
        if re.fullmatch(rf"(?:{_MONTHS}|{_WEEKDAYS})", written.lower()):
            continue
        if headline and any(_cue_word(t.stem) for t in tokens[first : last + 1]):
            continue  # "Killed in Airstrike": in a headline every word is capitalised
        found.append((first, last))
    return found


def _cue_word(stem: str) -> bool:
    return stem in _EVENT_STEMS or any(stem in group for group in _GROUP_STEMS)


def _named_before_place(sentence: _Sentence, taken: set[int]) -> list[tuple[int, int]]:
    """A capitalised word before a place noun ("the Behun area", "Idlib province") or
    after a country's possessive ("Syria's Idlib"), not yet a name."""
    tokens, found = sentence.tokens, []
    headline = _headline(tokens)
    for index, token in enumerate(tokens):
        if not token.capitalised or index in taken or not index or _cue_word(token.stem):
            continue
        after = tokens[index + 1].folded if index + 1 < len(tokens) else ""
        if after in ORGANISATION_WORDS or headline and after in PLACE_NOUNS:
            continue  # "Turkey's Communications Director"; a headline's "Idlib Province"
        before = tokens[index - 1]
        possessive = before.folded == "s" and index > 1 and _country_word(tokens[index - 2].text)
        if after in PLACE_NOUNS - word_set("north south east west") or possessive:
            found.append((index, index))
    return found


def _headline(tokens: list[_Token]) -> bool:
    words = [token for token in tokens if token.text[:1].isalpha()]
    capitalised = sum(1 for token in words if token.capitalised)
    return len(words) >= 4 and capitalised > 0.6 * len(words)


def _places(sentence: _Sentence, table: _Names) -> list[_Found]:
    tokens, found = sentence.tokens, []
    mentions = _mentions(sentence, table)
    taken = {i for m in mentions for i in range(m.first, m.last + 1)}
    for mention in mentions:
        written = sentence.text[tokens[mention.first].start : tokens[mention.last].end]
        if mention.known and mention.known.kind != "place":
            continue
        if (
            _demonym(written)
            or mention.last + 1 < len(tokens)
            and tokens[mention.last + 1].folded in ORGANISATION_WORDS
        ):
            continue  # "Syrian", "Syria's army": who, not where
        placed = _placed(tokens, mention.first) or _place_noun_after(tokens, mention.last)
        # A name with no place word around it is rarely where something happened:
        # "the Idlib incursion", "Idlib skies".
        score = (0.8 if placed else 0.45) * (0.85 if mention.country else 1.0)
        entity_id = mention.known.entity_id if mention.known else None
        found.append(_place_found(sentence, mention.first, mention.last, score, entity_id))
    for first, last in _new_names(sentence, PLACE_BEFORE, taken) + _named_before_place(
        sentence, taken
    ):
        written = sentence.text[tokens[first].start : tokens[last].end]
        if _country_word(written) or not first:
            continue
        found.append(_place_found(sentence, first, last, 0.65, None))
    return _most_specific(found, mentions, tokens)


def _place_noun_after(tokens: list[_Token], last: int) -> bool:
    """A place noun follows ("the Behun area", "Idlib province")."""
    after = tokens[last + 1].folded if last + 1 < len(tokens) else ""
    return after in PLACE_NOUNS


def _placed(tokens: list[_Token], first: int) -> bool:
    """A place word comes before the name, perhaps with an article or a place word between
    ("in Balyun", "in northwestern Syria", "in the Syrian province of Idlib"), or a
    country's possessive ("Syria's Idlib"), or "and" after a placed name."""
    before = [token.folded for token in tokens[max(0, first - 2) : first]]
    if before and before[-1] in PLACE_BEFORE:
        return True
    if len(before) == 2 and before[1] == "s" and _country_word(tokens[first - 2].text):
        return True  # "Syria's Idlib"
    if len(before) == 2 and before[1] == "and" and tokens[first - 2].capitalised:
        return _placed(tokens, first - 2)  # "between al-Bara and Balyun"
    between = entities.PLACE_WORDS | entities.ARTICLES
    return len(before) == 2 and before[0] in PLACE_BEFORE and before[1] in between


def _most_specific(
    found: list[_Found], mentions: list[_Mention], tokens: list[_Token]
) -> list[_Found]:
    """Of the places a sentence names, those no other one of them is inside ("Balyun,
    Idlib Governorate, Syria" is Balyun), and a country only when it is the only place."""
    known = {
        tokens[m.first].start: m.known for m in mentions if m.known and m.known.kind == "place"
    }
    inside = {e for k in known.values() if k for e in k.within}
    unique = list({(f.start, f.end): f for f in found}.values())
    kept = [f for f in unique if not (known.get(f.start) and known[f.start].entity_id in inside)]
    countries = [f for f in kept if _country_word(f.value)]
    if len(countries) < len(kept):
        kept = [f for f in kept if f not in countries]
    return kept


def _agent(sentence: _Sentence, first: int, last: int) -> bool:
    """The name at tokens[first..last] is said to have done something."""
    tokens = sentence.tokens
    before = {t.folded for t in tokens[max(0, first - 2) : first]}
    after = [t.folded for t in tokens[last + 1 : last + 1 + AGENT_WINDOW]]
    for index, word in enumerate(after):
        if word in AGENT_AFTER:
            return not (index and after[index - 1] in PASSIVE)  # "were hit", not "hit"
    return bool(before & AGENT_BEFORE)


def _actors(sentence: _Sentence, table: _Names, *, anywhere: bool = False) -> list[_Found]:
    """Names said to have done something (any name, lower, when `anywhere`)."""
    tokens, found = sentence.tokens, []
    mentions = _mentions(sentence, table)
    taken = {i for m in mentions for i in range(m.first, m.last + 1)}
    agent_ended = -2  # where the last name said to have done it ends: "by X and Y"
    for mention in mentions:
        if (
            mention.known
            and mention.known.kind not in ("actor", "organisation")
            and not _country_word(mention.known.text)
        ):
            continue
        last = mention.last
        while (
            last + 1 < len(tokens)
            and last - mention.first < MAX_NAME_WORDS
            and tokens[last + 1].folded in ORGANISATION_WORDS
        ):
            last += 1  # "Syrian" "government forces"
        joined = mention.first == agent_ended + 2 and tokens[mention.first - 1].folded == "and"
        agent = joined or _agent(sentence, mention.first, last)
        if agent:
            agent_ended = last
        if not (agent or anywhere):
            continue
        start, end = tokens[mention.first].start, tokens[last].end
        exact = mention.known if last == mention.last else None
        entity_id = exact.entity_id if exact else None
        found.append(_Found(start, end, sentence.text[start:end], 0.8 if agent else 0.4, entity_id))
    for first, last in _new_names(sentence, AGENT_BEFORE, taken):
        start, end = tokens[first].start, tokens[last].end
        found.append(_Found(start, end, sentence.text[start:end], 0.6, None))
    return found


# The engine ---------------------------------------------------------------------------


def _extract(
    value_type: str,
    sentence: _Sentence,
    table: _Names,
    published: datetime.date | None,
    *,
    chosen: bool = False,
) -> list[_Found]:
    """The values of one type (not numbers) in a sentence; in a quote a person `chosen`,
    also a timestamp alone and any name, not only one said to have done something."""
    if value_type == "time":
        return _times(sentence, published, timestamps=chosen)
    if value_type == "date":
        return _dates(sentence, published)
    if value_type == "place":
        return _places(sentence, table)
    if value_type == "actor":
        return _actors(sentence, table, anywhere=chosen)
    return []


def _sentence(text: str, start: int, end: int, comments: list[tuple[int, int]]) -> _Sentence:
    written = _LONG_DIGITS.sub(lambda run: " " * len(run.group(0)), text[start:end])
    # One code point for one, so offsets in the folded text are offsets in the text.
    folded = fold(written).replace("\u00a0", " ").replace("\t", " ")
    kind = "user_comment" if any(a <= start < b for a, b in comments) else "claim"
    sentence = _Sentence(start, written, folded, _tokens(written, folded), kind)
    sentence.attributions = _attributions(sentence)
    return sentence


def suggest(
    *,
    text: str,
    published: datetime.date | None,
    facets: Sequence[FacetSpec],
    names: Sequence[KnownName],
) -> list[Candidate]:
    """Every candidate of the text for the facets, in text order, best first at one place."""
    cued = [(facet, facet_cues(facet)) for facet in facets]
    table = _name_table(names)
    comments = comment_ranges(text)
    candidates: list[Candidate] = []
    for start, end in sentences(text):
        sentence = _sentence(text, start, end, comments)
        # Every value needs a cue of its facet in its sentence: a sentence with none is
        # not read further.
        cued_here = [(facet, cues) for facet, cues in cued if sentence.cue_indexes(cues)]
        kinds = {facet.value_type for facet, _ in cued_here}
        heard = [(f, c) for f, c in cued_here if f.value_type in NUMBER_TYPES]
        found: list[tuple[FacetSpec, _Found]] = _numbers(sentence, heard) if heard else []
        # Each kind of value is read once per sentence, whatever the number of facets.
        extracted = {kind: _extract(kind, sentence, table, published) for kind in kinds}
        for facet, cues in cued_here:
            for item in extracted.get(facet.value_type, []):
                cue = _cue_score(sentence, cues, item.start, item.end)
                reach = CUE_REACH.get(facet.value_type)
                gap = _nearest_cue(sentence, cues, item.start, item.end)
                if cue is None or (reach is not None and gap is not None and gap > reach):
                    continue
                score = round(cue * (item.score or 1.0), 3)
                found.append(
                    (facet, _Found(item.start, item.end, item.value, score, item.entity_id))
                )
        for facet, item in found:
            if item.score >= MIN_SCORE:
                candidates.append(_candidate(sentence, facet, item))
    candidates.sort(key=lambda c: (c.start, -c.score, c.facet_id))
    return candidates


def _candidate(sentence: _Sentence, facet: FacetSpec, item: _Found) -> Candidate:
    attribution = _attribution(sentence, item.start)
    if attribution and attribution in item.value or item.value in attribution:
        attribution = ""
    denies = facet.value_type != "place" and _denies(_clause(sentence, item.start, item.end))
    stance = "denies" if denies else "reports" if attribution else "asserts"
    value = " ".join(item.value.split())
    return Candidate(
        facet_id=facet.id,
        start=sentence.start + item.start,
        end=sentence.start + item.end,
        value=value,
        kind=sentence.kind,
        stance=stance,
        attribution=attribution,
        score=round(min(1.0, item.score), 3),
        entity_id=item.entity_id,
    )


def _name_identity(value: str, role: str) -> str:
    reading = entities.read_name(value, role)
    if reading is None:
        return ""
    return reading.country.code if reading.country else reading.key


def same_value(
    value_type: str, first: str, second: str, *, published: datetime.date | None = None
) -> bool:
    """Whether two written values say the same once the project has read them: numbers,
    times and dates by their intervals ("Some 33" is not "33"), places and actors by
    their names' keys ("the Russians" is "Russia", "Idlib province" is "Idlib")."""
    if value_type in ("actor", "place"):
        key = _name_identity(first, value_type)
        return bool(key) and key == _name_identity(second, value_type)
    parsed = values.parse_value(value_type, first, base=published)
    if parsed is not None:
        return parsed == values.parse_value(value_type, second, base=published)
    return values.normalise_text_value(first) == values.normalise_text_value(second)


_SOME_DAY = datetime.date(2000, 1, 1)


def quote_values(
    value_type: str,
    quote: str,
    *,
    facet_name: str = "",
    names: Sequence[KnownName] = (),
    published: datetime.date | None = None,
) -> list[str]:
    """The values of a facet's type in a quote a person chose, best first: what suggest()
    would propose, without asking the quote for a cue (the person chose it), except that
    a count next to the facet's cue words comes before any other count."""
    table = _name_table(names)
    facet = FacetSpec(0, facet_name, value_type)
    cues = facet_cues(facet)
    # Without the day of writing, "yesterday" still reads as a day once there is one:
    # the link keeps it as written and the comparison resolves it.
    published = published or _SOME_DAY
    ranked: list[tuple[float, int, str]] = []
    for start, end in sentences(quote):
        sentence = _sentence(quote, start, end, [])
        if value_type in NUMBER_TYPES:
            found = [item for _, item in _numbers(sentence, [(facet, cues)])]
            found += [
                _Found(a, b, sentence.text[a:b].strip(), 0.1)
                for a, b in values.quantity_spans(sentence.text)[:MAX_NUMBERS]
                if _is_count(sentence.text, a, b)
            ]
        else:
            found = _extract(value_type, sentence, table, published, chosen=True)
        ranked += [(-item.score, start + item.start, item.value) for item in found]
    return list(dict.fromkeys(value for *_, value in sorted(ranked)))
