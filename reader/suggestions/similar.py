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
from collections.abc import Iterator, Sequence
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


def lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line of the text without its newline, with where it starts (a text ending in
    a newline ends with an empty line)."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        yield start, text[start:end]
        start = end + 1


def sentences(text: str) -> list[tuple[int, int]]:
    """Each sentence of the text as half-open offsets, in order, without its spaces."""
    found: list[tuple[int, int]] = []
    for line_start, line in lines(text):
        start = 0
        for mark in _END.finditer(line):
            if mark.group(0)[0] == "." and _is_abbreviation(line, mark.start()):
                continue
            found += _cut(line_start + start, line_start + mark.end(), text)
            start = mark.end()
        found += _cut(line_start + start, line_start + len(line), text)
    return found


def fold(text: str) -> str:
    """Casefolded and without diacritics, one code point for one ("Erdoğan" is "erdogan"),
    so that offsets in the folded text are offsets in the text."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    base = unicodedata.normalize("NFKD", char)[:1].casefold()
    return base if len(base) == 1 else char


def stem(word: str) -> str:
    """A word without its commonest English endings ("killed", "killing" are "kill")."""
    for suffix in ("ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """Folded, stemmed content words."""
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


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
# The share of the score that is the words' order and spelling (rapidfuzz), beside the
# share of rare words the two have in common.
FUZZ_SHARE = 0.2


class PassageIndex:
    """The sentences of a set of documents, indexed by their words. A passage's score is
    the cosine of the two sentences' sets of words weighted by rarity (idf), with a fifth
    from rapidfuzz's token-sort ratio, so that reworded sentences that share the rare
    words ("33", "airstrike", "Idlib") rank above ones that share common ones."""

    def __init__(self, documents: Sequence[tuple[int, str]]) -> None:
        self.passages: list[tuple[int, int, int, str]] = []
        self.content: list[frozenset[str]] = []
        self.folded: list[str] = []
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for document_id, text in documents:
            for start, end in sentences(text):
                content = words(text[start:end])
                if len(set(content)) < MIN_WORDS:
                    continue
                number = len(self.passages)
                self.passages.append((document_id, start, end, text[start:end]))
                self.content.append(frozenset(content))
                self.folded.append(" ".join(content))
                for word in set(content):
                    self.by_word[word].append(number)

    def _idf(self, word: str) -> float:
        postings = len(self.by_word.get(word, ()))
        return math.log(1 + (len(self.passages) + 1) / (postings + 1))

    def _norm(self, content: frozenset[str]) -> float:
        return math.sqrt(sum(self._idf(word) ** 2 for word in content)) or 1.0

    def similar(
        self, query: str, *, exclude_document: int | None = None, limit: int = 5
    ) -> list[Passage]:
        """The passages most like the query, best first."""
        query_words = words(query[:MAX_SENTENCE])
        content = frozenset(query_words)
        shared: dict[int, float] = defaultdict(float)
        for word in content:
            weight = self._idf(word) ** 2
            for number in self.by_word.get(word, ()):
                shared[number] += weight
        shortlist = sorted(shared, key=lambda n: (-shared[n], n))[:SHORTLIST]
        folded_query = " ".join(query_words)
        query_norm = self._norm(content)
        ranked = []
        for number in shortlist:
            document_id, start, end, text = self.passages[number]
            if document_id == exclude_document:
                continue
            cosine = shared[number] / (query_norm * self._norm(self.content[number]))
            order = fuzz.token_sort_ratio(folded_query, self.folded[number]) / 100
            score = (1 - FUZZ_SHARE) * cosine + FUZZ_SHARE * order
            ranked.append(Passage(document_id, start, end, text, round(min(1.0, score), 3)))
        ranked.sort(key=lambda p: -p.score)
        return ranked[:limit]
