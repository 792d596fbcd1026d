"""Similar passages across sources: the sentences of other documents that say what a
sentence says, ranked by lexical similarity (rapidfuzz's token-set ratio over folded
words, pre-filtered by shared rare words so that a query does not compare itself with
every sentence of the project).

Sentences end at a line break, or after ".", "!", "?" or "…" (with closing quotes or
brackets) followed by a space, except after a one-letter or known abbreviation ("U.S.",
"p.m.", "Feb."). A sentence longer than MAX_SENTENCE characters is cut at a space, so
that no later step ever works on more than that much text at a time.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz


def word_set(words: str) -> frozenset[str]:
    """A table of words written as one string, a space between them."""
    return frozenset(words.split())


MAX_SENTENCE = 600
# A sentence end: the mark and at most three closing quotes or brackets, then a space.
_END = re.compile(r"[.!?…][\"'”’)\]]{0,3}(?=\s)")
_LAST_WORD = re.compile(r"(?:^|[\s(])([^\s(]{1,12})\Z")
ABBREVIATIONS = word_set(
    "mr mrs ms dr gen col lt sgt st no vs etc jan feb mar apr jun jul aug sep sept oct nov dec"
    " u.s u.k u.n a.m p.m e.g i.e approx c"
)
_WORD = re.compile(r"[^\W_]{1,40}")
# Words too common to say two sentences are about the same thing.
STOPWORDS = word_set(
    """a an the and or but of in on at to for from by with as is are was were be been has
    have had it its this that these those which who whom their they them he she his her
    we our you your i not no so than then there here also after before about into over
    said says say would could will can may might did do does"""
)


def _is_abbreviation(line: str, mark: int) -> bool:
    before = _LAST_WORD.search(line[max(0, mark - 13) : mark])
    if before is None:
        return False
    word = before[1].lower().rstrip(".")
    return len(word) == 1 or word in ABBREVIATIONS


def _cut(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """A stretch without its surrounding spaces, in pieces of at most MAX_SENTENCE."""
    pieces = []
    while start < end:
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if start >= stop:
            break
        if stop - start > MAX_SENTENCE:
            space = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
            stop = space if space > start else start + MAX_SENTENCE
        pieces.append((start, stop))
        start = stop
    return pieces


def sentences(text: str) -> list[tuple[int, int]]:
    """Each sentence of the text as half-open offsets, in order, without its spaces."""
    found: list[tuple[int, int]] = []
    line_start = 0
    while line_start <= len(text):
        line_end = text.find("\n", line_start)
        if line_end == -1:
            line_end = len(text)
        line = text[line_start:line_end]
        start = 0
        for mark in _END.finditer(line):
            if mark.group(0)[0] == "." and _is_abbreviation(line, mark.start()):
                continue
            found += _cut(line_start + start, line_start + mark.end(), text)
            start = mark.end()
        found += _cut(line_start + start, line_end, text)
        line_start = line_end + 1
    return found


def fold(text: str) -> str:
    """Casefolded and without diacritics, one code point for one ("Erdoğan" is "erdogan"),
    so that offsets in the folded text are offsets in the text."""
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    base = unicodedata.normalize("NFKD", char)[:1].casefold()
    return base if len(base) == 1 else char


def words(text: str) -> list[str]:
    """Folded content words."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


@dataclass(frozen=True)
class Passage:
    document_id: int
    start: int
    end: int
    text: str
    score: float  # 0..1


# Sentences compared in full per query, at most: the ones sharing the most rare words.
SHORTLIST = 200
MIN_WORDS = 3


class PassageIndex:
    """The sentences of a set of documents, indexed by their words."""

    def __init__(self, documents: Sequence[tuple[int, str]]) -> None:
        self.passages: list[tuple[int, int, int, str]] = []
        self.folded: list[str] = []
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for document_id, text in documents:
            for start, end in sentences(text):
                content = words(text[start:end])
                if len(content) < MIN_WORDS:
                    continue
                number = len(self.passages)
                self.passages.append((document_id, start, end, text[start:end]))
                self.folded.append(" ".join(content))
                for word in set(content):
                    self.by_word[word].append(number)

    def similar(
        self, query: str, *, exclude_document: int | None = None, limit: int = 5
    ) -> list[Passage]:
        """The passages most like the query, best first (ties in document order)."""
        content = set(words(query[:MAX_SENTENCE]))
        total = max(1, len(self.passages))
        shared: dict[int, float] = defaultdict(float)
        for word in content:
            postings = self.by_word.get(word, [])
            weight = math.log(1 + total / len(postings)) if postings else 0.0
            for number in postings:
                shared[number] += weight
        shortlist = sorted(shared, key=lambda n: (-shared[n], n))[:SHORTLIST]
        folded_query = " ".join(words(query[:MAX_SENTENCE]))
        ranked = []
        for number in shortlist:
            document_id, start, end, text = self.passages[number]
            if document_id == exclude_document:
                continue
            score = fuzz.token_set_ratio(folded_query, self.folded[number]) / 100
            # token_set_ratio is 1 whenever one side's words are all in the other; a
            # short sentence inside a long one is less alike than two of a length.
            score *= 0.5 + 0.5 * fuzz.token_sort_ratio(folded_query, self.folded[number]) / 100
            ranked.append(Passage(document_id, start, end, text, round(score, 3)))
        ranked.sort(key=lambda p: -p.score)
        return ranked[:limit]
