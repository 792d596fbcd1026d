"""Places and actors in a sentence: the project's names, countries and their demonyms
(reader/entities.py), and new capitalised names where a place or actor word stands
before them. Pure functions, no database."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader import entities
from reader.suggestions.amounts import MONTHS, WEEKDAYS
from reader.suggestions.reading import Found, Sentence, Token, folded_words, is_cue_word
from reader.suggestions.similar import word_set

if TYPE_CHECKING:
    from reader.suggestions.candidates import KnownName

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


@dataclass(frozen=True)
class NameTable:
    """The project's names by their folded words, for longest-first matching."""

    by_words: dict[tuple[str, ...], KnownName]
    lengths: dict[str, tuple[int, ...]]  # by first word: the names' lengths, longest first


def name_table(names: Sequence[KnownName]) -> NameTable:
    by_words: dict[tuple[str, ...], KnownName] = {}
    lengths: dict[str, set[int]] = {}
    for name in names:
        key = tuple(folded_words(name.text))
        if key:
            by_words.setdefault(key, name)
            lengths.setdefault(key[0], set()).add(len(key))
    return NameTable(
        by_words, {word: tuple(sorted(found, reverse=True)) for word, found in lengths.items()}
    )


@functools.lru_cache(maxsize=65536)
def is_country_word(word: str) -> bool:
    """The word is a country's name or demonym ("Syria", "Russian", "Turks")."""
    return entities.country_for(word, codes=False) is not None


@dataclass(frozen=True)
class Mention:
    first: int  # token indexes, inclusive
    last: int
    known: KnownName | None
    country: bool  # a country's name or demonym, not in the project's names


def mentions_in(sentence: Sentence, table: NameTable) -> list[Mention]:
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
                mentions.append(Mention(index, index + length - 1, table.by_words[key], False))
                index += length
                break
        else:
            token = tokens[index]
            if token.capitalised and is_country_word(token.text):
                mentions.append(Mention(index, index, None, True))
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


def _place_found(sentence: Sentence, first: int, last: int, score: float, entity_id) -> Found:
    tokens = sentence.tokens
    start, end = tokens[first].start, tokens[last].end
    return Found(start, end, sentence.text[start:end], score, entity_id)


def _new_names(sentence: Sentence, after: frozenset[str], taken: set[int]) -> list[tuple[int, int]]:
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
        if re.fullmatch(rf"(?:{MONTHS}|{WEEKDAYS})", written.lower()):
            continue
        if headline and any(is_cue_word(t.stem) for t in tokens[first : last + 1]):
            continue  # "Killed in Airstrike": in a headline every word is capitalised
        found.append((first, last))
    return found


def _named_before_place(sentence: Sentence, taken: set[int]) -> list[tuple[int, int]]:
    """A capitalised word before a place noun ("the Behun area", "Idlib province") or
    after a country's possessive ("Syria's Idlib"), not yet a name."""
    tokens, found = sentence.tokens, []
    headline = _headline(tokens)
    for index, token in enumerate(tokens):
        if not token.capitalised or index in taken or not index or is_cue_word(token.stem):
            continue
        after = tokens[index + 1].folded if index + 1 < len(tokens) else ""
        if after in ORGANISATION_WORDS or headline and after in PLACE_NOUNS:
            continue  # "Turkey's Communications Director"; a headline's "Idlib Province"
        before = tokens[index - 1]
        possessive = before.folded == "s" and index > 1 and is_country_word(tokens[index - 2].text)
        if after in PLACE_NOUNS - word_set("north south east west") or possessive:
            found.append((index, index))
    return found


def _headline(tokens: list[Token]) -> bool:
    words = [token for token in tokens if token.text[:1].isalpha()]
    capitalised = sum(1 for token in words if token.capitalised)
    return len(words) >= 4 and capitalised > 0.6 * len(words)


def places_in(sentence: Sentence, table: NameTable) -> list[Found]:
    tokens, found = sentence.tokens, []
    mentions = mentions_in(sentence, table)
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
        if is_country_word(written) or not first:
            continue
        found.append(_place_found(sentence, first, last, 0.65, None))
    return _most_specific(found, mentions, tokens)


def _place_noun_after(tokens: list[Token], last: int) -> bool:
    """A place noun follows ("the Behun area", "Idlib province")."""
    after = tokens[last + 1].folded if last + 1 < len(tokens) else ""
    return after in PLACE_NOUNS


def _placed(tokens: list[Token], first: int) -> bool:
    """A place word comes before the name, perhaps with an article or a place word between
    ("in Balyun", "in northwestern Syria", "in the Syrian province of Idlib"), or a
    country's possessive ("Syria's Idlib"), or "and" after a placed name."""
    before = [token.folded for token in tokens[max(0, first - 2) : first]]
    if before and before[-1] in PLACE_BEFORE:
        return True
    if len(before) == 2 and before[1] == "s" and is_country_word(tokens[first - 2].text):
        return True  # "Syria's Idlib"
    if len(before) == 2 and before[1] == "and" and tokens[first - 2].capitalised:
        return _placed(tokens, first - 2)  # "between al-Bara and Balyun"
    between = entities.PLACE_WORDS | entities.ARTICLES
    return len(before) == 2 and before[0] in PLACE_BEFORE and before[1] in between


def _most_specific(found: list[Found], mentions: list[Mention], tokens: list[Token]) -> list[Found]:
    """Of the places a sentence names, those no other one of them is inside ("Balyun,
    Idlib Governorate, Syria" is Balyun), and a country only when it is the only place."""
    known = {
        tokens[m.first].start: m.known for m in mentions if m.known and m.known.kind == "place"
    }
    inside = {e for k in known.values() if k for e in k.within}
    unique = list({(f.start, f.end): f for f in found}.values())
    kept = [f for f in unique if not (known.get(f.start) and known[f.start].entity_id in inside)]
    countries = [f for f in kept if is_country_word(f.value)]
    if len(countries) < len(kept):
        kept = [f for f in kept if f not in countries]
    return kept


def _agent(sentence: Sentence, first: int, last: int) -> bool:
    """The name at tokens[first..last] is said to have done something."""
    tokens = sentence.tokens
    before = {t.folded for t in tokens[max(0, first - 2) : first]}
    after = [t.folded for t in tokens[last + 1 : last + 1 + AGENT_WINDOW]]
    for index, word in enumerate(after):
        if word in AGENT_AFTER:
            return not (index and after[index - 1] in PASSIVE)  # "were hit", not "hit"
    return bool(before & AGENT_BEFORE)


def actors_in(sentence: Sentence, table: NameTable, *, anywhere: bool = False) -> list[Found]:
    """Names said to have done something (any name, lower, when `anywhere`)."""
    tokens, found = sentence.tokens, []
    mentions = mentions_in(sentence, table)
    taken = {i for m in mentions for i in range(m.first, m.last + 1)}
    agent_ended = -2  # where the last name said to have done it ends: "by X and Y"
    for mention in mentions:
        if (
            mention.known
            and mention.known.kind not in ("actor", "organisation")
            and not is_country_word(mention.known.text)
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
        found.append(Found(start, end, sentence.text[start:end], 0.8 if agent else 0.4, entity_id))
    for first, last in _new_names(sentence, AGENT_BEFORE, taken):
        start, end = tokens[first].start, tokens[last].end
        found.append(Found(start, end, sentence.text[start:end], 0.6, None))
    return found


def name_key(value: str, role: str) -> str:
    """What a written name stands for once read in its role: its country's code, or its
    key ("the Russians" is RU, "Idlib province" is "idlib"); "" when it reads as none."""
    reading = entities.read_name(value, role)
    if reading is None:
        return ""
    return reading.country.code if reading.country else reading.key
