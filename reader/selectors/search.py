"""The project search: one query over source text, quotes, notes, replies, facet values,
events and entity names (with their aliases), with filters and highlighted snippets.

The match runs on the database's full-text index (SQLite FTS5, PostgreSQL tsvector);
the terms, their order and the snippets are made here, in Python, so that the same query
gives the same results, in the same order, on both.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reader.access import Access
from reader.models import SearchEntry
from reader.sanitize import bidi_balanced
from reader.vocabularies import SearchSource

QUERY_LIMIT = 200  # characters of the query used
TERMS_LIMIT = 8
PAGE_SIZE = 30
# Beyond this many matches, or when the page lies in the first 1 / WALK_SHARE of them, the
# database walks its order index (SQLite: migration 0018) and stops at the page; otherwise
# the page is cut from all the matches' sort keys, sorted here.
SORT_HERE = 2_000
WALK_SHARE = 4
SNIPPET_BEFORE = 70
SNIPPET_LENGTH = 240

# Words as both indexes cut them: runs of letters, digits and marks (not "_").
_TERM = re.compile(r"[^\W_]+")

# Which sources come first in the results; within one, text order.
SOURCE_ORDER = [
    SearchSource.EVENT,
    SearchSource.ENTITY,
    SearchSource.VALUE,
    SearchSource.QUOTE,
    SearchSource.NOTE,
    SearchSource.REPLY,
    SearchSource.TITLE,
    SearchSource.TEXT,
]


def search_terms(query: str) -> list[str]:
    """The query's words, lower case, each matched as a word prefix."""
    return list(dict.fromkeys(_TERM.findall(query[:QUERY_LIMIT].lower())))[:TERMS_LIMIT]


def _matching(entries: QuerySet, terms: list[str]) -> QuerySet:
    """The entries that hold every term (as a word prefix), found through the index."""
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        sql = "reader_searchentry.vector @@ to_tsquery('simple', %s)"
        return entries.alias(hit=RawSQL(sql, [tsquery], output_field=BooleanField())).filter(
            hit=True
        )
    fts = " AND ".join(f'"{term}"*' for term in terms)
    sql = "SELECT rowid FROM reader_searchentry_fts WHERE reader_searchentry_fts MATCH %s"
    return entries.filter(pk__in=RawSQL(sql, [fts]))


@dataclass(frozen=True)
class SearchFilters:
    kind: str = ""
    author_id: int | None = None
    document_id: int | None = None
    event_id: int | None = None
    facet_id: int | None = None
    since: datetime.date | None = None  # the source's publication date
    until: datetime.date | None = None


@dataclass
class SearchResult:
    source: str
    source_label: str
    snippet: SafeString
    url: str
    document_title: str = ""
    outlet: str = ""
    kind: str = ""
    author: str = ""
    event: str = ""
    facet: str = ""
    entity: str = ""


@dataclass
class SearchPage:
    terms: list[str]
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    next_offset: int | None = None


def _filtered(entries: QuerySet, filters: SearchFilters) -> QuerySet:
    if filters.kind:
        entries = entries.filter(annotation__kind=filters.kind)
    if filters.author_id is not None:
        entries = entries.filter(author_id=filters.author_id)
    if filters.document_id is not None:
        entries = entries.filter(document_id=filters.document_id)
    if filters.event_id is not None:
        entries = entries.filter(event_id=filters.event_id)
    if filters.facet_id is not None:
        entries = entries.filter(facet_id=filters.facet_id)
    if filters.since:
        entries = entries.filter(document__published__gte=filters.since)
    if filters.until:
        entries = entries.filter(document__published__lte=filters.until)
    return entries


def _words(terms: list[str]) -> re.Pattern[str]:
    """The words of a text that the terms match: those that start with one."""
    alternatives = "|".join(re.escape(term) for term in terms)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def snippet(text: str, terms: list[str]) -> SafeString:
    """A piece of `text` around its first match, escaped, the words that match the terms
    in <mark>, isolated for bidirectional text."""
    words = _words(terms)
    first = words.search(text)
    begin = 0
    if first and first.start() > SNIPPET_BEFORE:
        begin = text.rfind(" ", 0, first.start() - SNIPPET_BEFORE) + 1
    end = min(len(text), begin + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    piece = bidi_balanced(" ".join(text[begin:end].split()))
    parts: list[str] = []
    last = 0
    for match in words.finditer(piece):
        parts.append(escape(piece[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(piece[last:]))
    before = "…" if begin > 0 else ""
    after = "…" if end < len(text) else ""
    return mark_safe(f"<bdi>{before}{''.join(parts)}{after}</bdi>")


def _url(entry: SearchEntry, slug: str) -> str:
    if entry.source == SearchSource.EVENT and entry.event_id:
        return reverse("reader:event_detail", args=[slug, entry.event_id])
    if entry.source == SearchSource.ENTITY and entry.entity_id:
        return reverse("reader:entity_list", args=[slug]) + f"#entity-{entry.entity_id}"
    if entry.document_id is None:
        return reverse("reader:document_list", args=[slug])
    url = reverse("reader:document_detail", args=[slug, entry.document_id])
    if entry.annotation_id:
        return f"{url}#annotation-{entry.annotation_id}"
    if entry.start is not None and entry.end is not None:
        # Where the match is in the piece: the reader selects it (code points).
        return f"{url}#at-{entry.start}-{entry.end}"
    return url


def _result(entry: SearchEntry, terms: list[str], slug: str) -> SearchResult:
    document = entry.document
    annotation = entry.annotation
    start = None
    if entry.source == SearchSource.TEXT and entry.start is not None:
        # Open the reader at the first matching word itself, not at its whole piece.
        found = _words(terms).search(entry.text)
        if found:
            start = (entry.start + found.start(), entry.start + found.end())
    url = _url(entry, slug)
    if start:
        url = f"{url.split('#')[0]}#at-{start[0]}-{start[1]}"
    link = entry.link
    return SearchResult(
        source=entry.source,
        source_label=SearchSource(entry.source).label,
        snippet=snippet(entry.text, terms),
        url=url,
        document_title=document.title if document else "",
        outlet=document.outlet.name if document else "",
        kind=annotation.get_kind_display() if annotation else "",
        author=entry.author.get_username() if entry.author else "",
        event=entry.event.name if entry.event else "",
        facet=link.facet.name if link else "",
        entity=entry.entity.name if entry.entity else "",
    )


def search_results(
    *, access: Access, query: str, filters: SearchFilters, offset: int = 0
) -> SearchPage:
    """One page of results for `query` in the member's project: three queries (the count,
    the page's ids, its rows) whatever the number of entries or matches."""
    terms = search_terms(query)
    page = SearchPage(terms=terms, offset=offset)
    if not terms:
        return page
    entries = SearchEntry.objects.filter(project=access.project)
    if not access.sees_hidden:  # what a moderator hid is not found either
        entries = entries.exclude(
            Q(source=SearchSource.NOTE) & ~Q(annotation__hidden_reason="")
        ).exclude(Q(source=SearchSource.REPLY) & ~Q(reply__hidden_reason=""))
    entries = _matching(_filtered(entries, filters), terms)
    # The page's ids first, sorted from the entries alone; then those rows with what they
    # show: the joins run for 30 rows, not for every match.
    page.total = entries.count()
    if not page.total:
        return page
    ids = _page_ids(entries, total=page.total, offset=offset)
    loaded = (
        SearchEntry.objects.filter(pk__in=ids)
        .select_related(
            "document__outlet", "annotation", "author", "event", "link__facet", "entity"
        )
        .defer("document__text")
        .in_bulk()
    )
    rows = [loaded[pk] for pk in ids]
    page.results = [_result(entry, terms, access.project.slug) for entry in rows]
    next_offset = offset + PAGE_SIZE
    page.next_offset = next_offset if next_offset < page.total else None
    return page


def _page_ids(entries: QuerySet, *, total: int, offset: int) -> list[int]:
    """The ids of one page of matches in result order: source, document, start, id
    (within a source, documents and starts are all set or all None). One query either way.

    Many matches, or a page among the first of them: the database's page, which on SQLite
    walks the index on this very order (migration 0018) and stops at the page instead of
    sorting every match for 30. A page deep among few matches (a rare word: the walk would
    cross the whole index): their keys, sorted here."""
    walk = total > SORT_HERE or (offset + PAGE_SIZE) * WALK_SHARE <= total
    if not walk:
        rank = {source: n for n, source in enumerate(SOURCE_ORDER)}
        keys = list(entries.values_list("source", "document_id", "start", "pk"))
        keys.sort(key=lambda key: (rank[key[0]], key[1] or 0, key[2] or 0, key[3]))
        return [key[3] for key in keys[offset : offset + PAGE_SIZE]]
    return list(
        entries.annotate(source_rank=_source_rank())
        .order_by("source_rank", "document_id", "start", "pk")
        .values_list("pk", flat=True)[offset : offset + PAGE_SIZE]
    )


# The order of SOURCE_ORDER as a number, written out (no parameters): SQLite uses an index
# on an expression only for the same expression, and its index searchentry_order (migration
# 0018) is on this one. Keep the two alike; a test checks that the plan uses the index.
SOURCE_RANK_SQL = (
    "CASE reader_searchentry.source "
    + " ".join(f"WHEN '{source.value}' THEN {rank}" for rank, source in enumerate(SOURCE_ORDER))
    + " END"
)


def _source_rank() -> RawSQL:
    return RawSQL(SOURCE_RANK_SQL, [], output_field=IntegerField())
