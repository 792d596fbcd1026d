"""Candidate spans for an event's facets in one source text: the number, time, date, place
or actor a sentence states for a facet, with who the sentence says it (attribution), how
(stance) and whose words it is (kind). Pure functions, no database.

- Cue words come from the facet's name, widened by the small tables of reading.py when a
  name word belongs to one (a "Death toll" facet also hears "killed", "dead", "martyred"),
  and from the words that recur in the quotes analysts already linked to it (`examples`).
- A number belongs to the numeric facet whose cue word is nearest to it, a few words
  before or after, with no other number in between (amounts.py). Times and dates need a
  cue of their facet, or a word of the event itself ("strike", "bombing"...) when the
  facet's name has none, in their sentence; places and actors (names.py) within their
  value type's `cue_reach` words (reader/values.py, where each type names its hook).
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

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader import entities, quantities, values
from reader.suggestions.amounts import MAX_NUMBERS, is_count, numbers_in
from reader.suggestions.names import MAX_NAME_WORDS, NameTable, name_key, name_table
from reader.suggestions.reading import (
    LONG_DIGITS,
    MAX_TOKENS,
    Found,
    Sentence,
    Token,
    cue_score,
    distinct_cues,
    facet_cues,
    nearest_cue,
    read_tokens,
)
from reader.suggestions.similar import fold, lines, sentences, word_set

MIN_SCORE = 0.5
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
_CLAUSE_BREAK = re.compile(r"[;()\[\]]|, (?:but|however|while|whereas)\b|\bbut\b|,")


@dataclass(frozen=True)
class FacetSpec:
    id: int
    name: str  # "Death toll", "Perpetrator", "Time of the strike"
    value_type: str  # a reader.vocabularies.ValueType value
    examples: tuple[str, ...] = ()  # quotes of links analysts already made to this facet

    @property
    def numeric(self) -> bool:
        return values.spec_for(self.value_type).numeric


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
    for position, line in lines(text):
        line_end = position + len(line)
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
    if thread_start is not None:
        ranges.append((thread_start, last_end))
    return ranges


# Attribution and stance --------------------------------------------------------------


def _name_after(tokens: list[Token], index: int, text: str) -> str:
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


def _name_before(tokens: list[Token], index: int, text: str) -> str:
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


def _attributions(sentence: Sentence) -> list[tuple[int, str, str]]:
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


def _attribution(sentence: Sentence, start: int) -> str:
    covering = [
        (abs(offset - start), name)
        for offset, name, covers in sentence.attributions
        if covers == "any" or (covers == "before") == (start < offset)
    ]
    return min(covering)[1] if covering else ""


def _clause(sentence: Sentence, start: int, end: int) -> str:
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


# The engine ---------------------------------------------------------------------------


def _extract(
    value_type: str,
    sentence: Sentence,
    table: NameTable,
    published: datetime.date | None,
    *,
    chosen: bool = False,
) -> list[Found]:
    """The values of one type (not numbers) in a sentence, by the type's hook; in a quote
    a person `chosen`, also a timestamp alone and any name, not only one said to have
    done something."""
    suggest = values.spec_for(value_type).suggest
    return suggest(sentence, table, published, chosen) if suggest else []


def _sentence(text: str, start: int, end: int, comments: list[tuple[int, int]]) -> Sentence:
    written = LONG_DIGITS.sub(lambda run: " " * len(run.group(0)), text[start:end])
    # One code point for one, so offsets in the folded text are offsets in the text.
    folded = fold(written).replace("\u00a0", " ").replace("\t", " ")
    kind = "user_comment" if any(a <= start < b for a, b in comments) else "claim"
    sentence = Sentence(start, written, folded, read_tokens(written, folded), kind)
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
    cued = distinct_cues(facets)
    table = name_table(names)
    comments = comment_ranges(text)
    candidates: list[Candidate] = []
    for start, end in sentences(text):
        sentence = _sentence(text, start, end, comments)
        # Every value needs a cue of its facet in its sentence: a sentence with none is
        # not read further.
        cued_here = [(facet, cues) for facet, cues in cued if sentence.cue_indexes(cues)]
        kinds = {facet.value_type for facet, _ in cued_here}
        heard = [(f, c) for f, c in cued_here if f.numeric]
        found: list[tuple[FacetSpec, Found]] = numbers_in(sentence, heard) if heard else []
        # Each kind of value is read once per sentence, whatever the number of facets.
        extracted = {kind: _extract(kind, sentence, table, published) for kind in kinds}
        for facet, cues in cued_here:
            reach = values.spec_for(facet.value_type).cue_reach
            reach = MAX_TOKENS if reach is None else reach
            for item in extracted.get(facet.value_type, []):
                gap = nearest_cue(sentence, cues, item.start, item.end)
                if gap is None or gap > reach:
                    continue
                score = round(cue_score(gap) * (item.score or 1.0), 3)
                found.append(
                    (facet, Found(item.start, item.end, item.value, score, item.entity_id))
                )
        for facet, item in found:
            if item.score >= MIN_SCORE:
                candidates.append(_candidate(sentence, facet, item))
    candidates.sort(key=lambda c: (c.start, -c.score, c.facet_id))
    return candidates


def _candidate(sentence: Sentence, facet: FacetSpec, item: Found) -> Candidate:
    where = item.value_start if item.value_start >= 0 else item.start
    attribution = _attribution(sentence, where)
    if attribution and (attribution in item.value or item.value in attribution):
        attribution = ""  # "denied by Russia": Russia is the value, not who says it
    deniable = values.spec_for(facet.value_type).deniable
    denies = deniable and _denies(_clause(sentence, item.start, item.end))
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


def same_value(
    value_type: str, first: str, second: str, *, published: datetime.date | None = None
) -> bool:
    """Whether two written values say the same once the project has read them: numbers,
    times and dates by their intervals ("Some 33" is not "33"), places and actors by
    their names' keys ("the Russians" is "Russia", "Idlib province" is "Idlib")."""
    spec = values.spec_for(value_type)
    if spec.same_by_name and spec.entity_role:
        key = name_key(first, spec.entity_role)
        return bool(key) and key == name_key(second, spec.entity_role)
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
    table = name_table(names)
    facet = FacetSpec(0, facet_name, value_type)
    cues = facet_cues(facet)
    # Without the day of writing, "yesterday" still reads as a day once there is one:
    # the link keeps it as written and the comparison resolves it.
    published = published or _SOME_DAY
    ranked: list[tuple[float, int, str]] = []
    for start, end in sentences(quote):
        sentence = _sentence(quote, start, end, [])
        if facet.numeric:
            found = [item for _, item in numbers_in(sentence, [(facet, cues)])]
            found += [
                Found(a, b, sentence.text[a:b].strip(), 0.1)
                for a, b in quantities.quantity_spans(sentence.text)[:MAX_NUMBERS]
                if is_count(sentence.text, a, b)
            ]
        else:
            found = _extract(value_type, sentence, table, published, chosen=True)
        ranked += [(-item.score, start + item.start, item.value) for item in found]
    return list(dict.fromkeys(value for *_, value in sorted(ranked)))
