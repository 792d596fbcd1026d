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
        " blaming culprit"
    ),
    word_set("place location site area where locality"),
    word_set("time hour when clock"),
    word_set("date day when"),
)
# The event itself: heard by time, date, place and actor facets whose name has no cue.
EVENT_WORDS = word_set(
    "strike strikes airstrike airstrikes bombing bombings bombardment raid raids shelling"
    " explosion blast assault"
)
# Name words that say nothing of what a facet is about.
GENERIC = word_set("of the a an number total count main first second")
NUMBER_TYPES = frozenset({"number", "number_range"})
# How far a number's cue may be, in words.
CUE_AFTER = 5
CUE_BEFORE = 3
MAX_TOKENS = 120
MAX_NUMBERS = 12  # counts read per sentence
MIN_SCORE = 0.5
# A name is at most this many words ("Turkish Ministry of National Defense").
MAX_NAME_WORDS = 8
# Words that make the name next to them the one who did it.
AGENT_BEFORE = word_set("by blaming blamed blame likely allegedly deny denied accused attributed")
AGENT_AFTER = word_set(
    "carried carry carrying executed struck bombed dropped delivered used launched fired"
    " responded targeted shelled hit"
)
AGENT_WINDOW = 4
# Words after which a capitalised name is a place.
PLACE_BEFORE = word_set("in near at called of between outside around")
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

    def heard(self, stem: str) -> bool:
        """A cue's stem, or a compound ending in one ("airstrike" hears "strike")."""
        return stem in self.stems or any(len(cue) >= 5 and stem.endswith(cue) for cue in self.stems)


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

    def token_at(self, offset: int) -> int:
        """The index of the first token ending after the offset."""
        return bisect.bisect_right([token.end for token in self.tokens], offset)


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
        for index, token in enumerate(sentence.tokens)
        if (index < first or index > last) and cues.heard(token.stem)
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


def _numbers(
    sentence: _Sentence, facets: list[tuple[FacetSpec, _Cues]]
) -> list[tuple[FacetSpec, _Found]]:
    """Each count in the sentence for the numeric facet whose cue is nearest to it."""
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
            for index, token in enumerate(sentence.tokens):
                if not cues.heard(token.stem):
                    continue
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
            if values.parse_quantity(value) is None:
                continue
            span = (min(start, cue_start), max(end, cue_end))
            score = max(0.5, 0.95 - 0.08 * gap)
            found.append((facet, _Found(*span, value, score, value_start=start)))
    return found


def _cue_score(sentence: _Sentence, cues: _Cues, start: int, end: int) -> float | None:
    gap = _nearest_cue(sentence, cues, start, end)
    return None if gap is None else max(0.55, 0.9 - 0.02 * gap)


@functools.lru_cache(maxsize=4096)
def _parses(value_type: str, value: str, published: datetime.date | None) -> bool:
    return values.parse_value(value_type, value, base=published) is not None


def _times(sentence: _Sentence, published: datetime.date | None) -> list[_Found]:
    """Clock times with the day and zone around them, and parts of named days."""
    found = []
    folded = sentence.folded
    for start, end in values.time_spans(sentence.text):
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
    if words_left < 3:
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
    longest: int


def _name_table(names: Sequence[KnownName]) -> _Names:
    by_words: dict[tuple[str, ...], KnownName] = {}
    for name in names:
        key = tuple(_words(name.text))
        if key:
            by_words.setdefault(key, name)
    return _Names(by_words, max((len(key) for key in by_words), default=0))


@dataclass(frozen=True)
class _Mention:
    first: int  # token indexes, inclusive
    last: int
    known: KnownName | None
    country: bool  # a country's name or demonym, not in the project's names


def _mentions(sentence: _Sentence, table: _Names) -> list[_Mention]:
    """Names of the project and of the country table in the sentence, longest first."""
    tokens, mentions = sentence.tokens, []
    index = 0
    while index < len(tokens):
        for length in range(min(table.longest, len(tokens) - index), 0, -1):
            key = tuple(t.folded for t in tokens[index : index + length])
            if key in table.by_words:
                mentions.append(_Mention(index, index + length - 1, table.by_words[key], False))
                index += length
                break
        else:
            token = tokens[index]
            if token.capitalised and entities.country_for(token.text, codes=False):
                mentions.append(_Mention(index, index, None, True))
            index += 1
    return mentions


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
    """Capitalised words (at most three) right after one of the words, not yet a name."""
    found, tokens = [], sentence.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.folded not in after:
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
        found.append((first, last))
    return found


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
            and tokens[mention.last + 1].folded in entities.ORGANISATIONAL
        ):
            continue  # "Syrian", "Syria's army": who, not where
        placed = mention.first > 0 and tokens[mention.first - 1].folded in PLACE_BEFORE
        score = (0.8 if placed else 0.6) * (0.7 if mention.country else 1.0)
        entity_id = mention.known.entity_id if mention.known else None
        found.append(_place_found(sentence, mention.first, mention.last, score, entity_id))
    for first, last in _new_names(sentence, PLACE_BEFORE, taken):
        written = sentence.text[tokens[first].start : tokens[last].end]
        if entities.country_for(written, codes=False) or not first:
            continue
        found.append(_place_found(sentence, first, last, 0.65, None))
    return found


def _agent(sentence: _Sentence, first: int, last: int) -> bool:
    """The name at tokens[first..last] is said to have done something."""
    tokens = sentence.tokens
    before = {t.folded for t in tokens[max(0, first - AGENT_WINDOW) : first]}
    after = {t.folded for t in tokens[last + 1 : last + 1 + AGENT_WINDOW]}
    return bool(before & AGENT_BEFORE or after & AGENT_AFTER)


def _actors(sentence: _Sentence, table: _Names) -> list[_Found]:
    tokens, found = sentence.tokens, []
    mentions = _mentions(sentence, table)
    taken = {i for m in mentions for i in range(m.first, m.last + 1)}
    for mention in mentions:
        if (
            mention.known
            and mention.known.kind not in ("actor", "organisation")
            and not (entities.country_for(mention.known.text, codes=False))
        ):
            continue
        last = mention.last
        while (
            last + 1 < len(tokens)
            and last - mention.first < MAX_NAME_WORDS
            and tokens[last + 1].folded in entities.ORGANISATIONAL - entities.JOINING
        ):
            last += 1  # "Syrian" "government forces"
        if not _agent(sentence, mention.first, last):
            continue
        start, end = tokens[mention.first].start, tokens[last].end
        exact = mention.known if last == mention.last else None
        entity_id = exact.entity_id if exact else None
        found.append(_Found(start, end, sentence.text[start:end], 0.8, entity_id))
    for first, last in _new_names(sentence, AGENT_BEFORE, taken):
        start, end = tokens[first].start, tokens[last].end
        found.append(_Found(start, end, sentence.text[start:end], 0.6, None))
    return found


# The engine ---------------------------------------------------------------------------


def _sentence(text: str, start: int, end: int, comments: list[tuple[int, int]]) -> _Sentence:
    written = text[start:end]
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
    numeric = [(facet, cues) for facet, cues in cued if facet.value_type in NUMBER_TYPES]
    table = _name_table(names)
    comments = comment_ranges(text)
    kinds = {facet.value_type for facet in facets}
    candidates: list[Candidate] = []
    for start, end in sentences(text):
        sentence = _sentence(text, start, end, comments)
        found: list[tuple[FacetSpec, _Found]] = _numbers(sentence, numeric) if numeric else []
        # Each kind of value is read once per sentence, whatever the number of facets.
        extracted = {
            "time": _times(sentence, published) if "time" in kinds else [],
            "date": _dates(sentence, published) if "date" in kinds else [],
            "place": _places(sentence, table) if "place" in kinds else [],
            "actor": _actors(sentence, table) if "actor" in kinds else [],
        }
        for facet, cues in cued:
            for item in extracted.get(facet.value_type, []):
                cue = _cue_score(sentence, cues, item.start, item.end)
                if cue is None:
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
