"""Reads for the W3C exports and the API: plain rows a chunk at a time. The bundle's
reads are in selectors/bundle.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

import orjson
from django.db import connection
from django.db.models import (
    Expression,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast

from reader.access import visible_note
from reader.models import (
    Annotation,
    Document,
    DocumentVersion,
    Event,
    FacetLink,
    Project,
)
from reader.selectors.common import NULLS_FIRST, by_annotation, links_prefetch


def source_date() -> Subquery:
    """When the version an annotation's offsets refer to came in (for the W3C TimeState):
    null for the documents that have one version. One row at most (a version's number is
    unique on its document): no ORDER BY, which the model's ordering would make a join to
    the document and a sort, for each annotation."""
    versions = DocumentVersion.objects.filter(
        document=OuterRef("document_id"), number=OuterRef("text_version")
    ).order_by()
    return Subquery(versions.values("created")[:1])


class AnnotationRow(NamedTuple):
    """What an export shows of an annotation, as read from the database in one tuple."""

    pk: int
    document_id: int
    kind: str
    start: int
    end: int
    quote_exact: str
    quote_prefix: str
    quote_suffix: str
    note: str
    # As the database writes them in UTC ("2026-02-27 19:00:00.123456[+00]"), or as times:
    # text is what a page of 2,000 needs (parsing 4,000 times costs it a fifth).
    created: datetime.datetime | str
    modified: datetime.datetime | str
    author: str
    slug: str
    canonical: str
    via: str
    foreign: dict
    # When the version its offsets refer to came in (as a time, or as the database's UTC
    # text of one, like `created`): None while the source has one version.
    source_date: datetime.datetime | str | None = None

    @classmethod
    def of(cls, annotation, *, sees_hidden: bool, foreign: dict, source_date) -> AnnotationRow:
        """The row of an annotation instance already in hand (a note a moderator hid is
        left out unless the reader `sees_hidden`)."""
        return cls(
            annotation.pk,
            annotation.document_id,
            annotation.kind,
            annotation.start,
            annotation.end,
            annotation.quote_exact,
            annotation.quote_prefix,
            annotation.quote_suffix,
            visible_note(annotation.note, annotation.hidden_reason, sees_hidden),
            annotation.created,
            annotation.modified,
            annotation.author.get_username(),
            annotation.slug,
            annotation.canonical,
            annotation.via,
            foreign,
            source_date,
        )


class LinkRow(NamedTuple):
    """What an export shows of a facet link."""

    annotation_id: int
    facet_id: int
    event_id: int
    event: str
    facet: str
    value: str
    attribution: str
    stance: str
    # A time, or SQLite's UTC text of one where document_page_rows reads it.
    claimed_at: datetime.datetime | str | None


def annotations_for_export(
    *, project: Project, document: Document | None = None, event: Event | None = None
) -> QuerySet[Annotation]:
    """A project's annotations (or one document's, or those linked to one event) with what
    an export shows, in a stable order; iterate with a chunk size to keep memory flat."""
    annotations = Annotation.objects.filter(document__project=project)
    if document is not None:
        annotations = annotations.filter(document=document)
    if event is not None:
        linked = FacetLink.objects.filter(facet__event=event).values("annotation_id")
        annotations = annotations.filter(pk__in=linked)
    return (
        annotations.select_related("author")
        .prefetch_related(links_prefetch())
        .annotate(source_date=source_date())
        .order_by("document_id", "start", "end", "pk")
    )


def export_rows(
    annotations: QuerySet[Annotation], *, sees_hidden: bool, chunk_size: int = 1000
) -> Iterator[tuple[AnnotationRow, list[LinkRow]]]:
    """The annotations as plain tuples, each with its links, read a chunk at a time: one
    query per chunk for the annotations and one for their links, and no model instances
    (an export of 100,000 spends most of its time making them otherwise), and no column
    that Django converts row by row (times come as the database's text). A note that a
    moderator hid is left out unless the reader `sees_hidden` (the access policy's rule)."""
    # `source_date` is annotations_for_export's, which the type checker cannot see.
    rows = (
        annotations.prefetch_related(None)
        # As text, decoded only when not empty: decoding 2,000 "{}" costs a page a fifth.
        .annotate(
            foreign_text=Cast("foreign", output_field=TextField()),
            created_text=Cast("created", output_field=TextField()),
            modified_text=Cast("modified", output_field=TextField()),
            source_date_text=Cast("source_date", output_field=TextField()),
        )
        .values_list(
            "pk",
            "document_id",
            "kind",
            "start",
            "end",
            "quote_exact",
            "quote_prefix",
            "quote_suffix",
            "note",
            "created_text",
            "modified_text",
            "author__username",
            "slug",
            "canonical",
            "via",
            "source_date_text",
            "foreign_text",
            "hidden_reason",
        )
        .iterator(chunk_size=chunk_size)
    )
    first = True
    while chunk := [_row(row, sees_hidden) for row in islice(rows, chunk_size)]:
        # All the rows in one chunk (an API page): their links by a subquery, not a list of
        # thousands of ids that Django prepares one by one.
        whole = first and len(chunk) < chunk_size
        first = False
        chosen = annotations.values("pk") if whole else Ids([row.pk for row in chunk])
        links = by_annotation(
            FacetLink.objects.filter(annotation_id__in=chosen)
            .order_by("facet__event__name", "facet__order", NULLS_FIRST("claimed_at"), "pk")
            .values_list(
                "annotation_id",
                "facet_id",
                "facet__event_id",
                "facet__event__name",
                "facet__name",
                "value",
                "attribution",
                "stance",
                "claimed_at",
            ),
            LinkRow._make,
        )
        for row in chunk:
            yield row, links.get(row.pk, [])


class Ids(Expression):
    """Primary keys read from the database, as the SQL of an IN list with one parameter
    each: `pk__in=[...]` prepares every value through the field in Python, 2.5 ms for a
    chunk of 1,000, ten times the query itself."""

    def __init__(self, ids: list[str | int]) -> None:
        super().__init__(output_field=IntegerField())
        self.ids = ids

    def as_sql(self, compiler, connection) -> tuple[str, list[str | int]]:
        return f"({', '.join(['%s'] * len(self.ids))})", self.ids


_tuple = tuple.__new__  # AnnotationRow's own __new__ and _make check and name each field


def _row(values: tuple, sees_hidden: bool) -> AnnotationRow:
    """export_rows' values as an AnnotationRow: the columns in its order, except that
    `source_date` comes before `foreign` (decoded here) and `hidden_reason` last."""
    foreign, hidden_reason = values[16], values[17]
    # orjson: what a W3C client sent beyond Reader's fields is kept on most of its
    # annotations, and json.loads of 2,000 of them was a third of a long page's read (the
    # values were checked on the way in: no number orjson cannot read).
    decoded = orjson.loads(foreign) if foreign != "{}" else {}
    row = _tuple(AnnotationRow, (*values[:15], decoded, values[15]))
    if hidden_reason and not sees_hidden:
        row = row._replace(note=visible_note(row.note, hidden_reason, sees_hidden))
    return row


# One page of a document's annotations, or one annotation, as export_rows reads them (the
# same columns, times as the database's text), and their links: plain SQL, the same on
# SQLite and PostgreSQL, since Django's compilation of the casts and subqueries cost a
# page of 50 more than its rows, a page of 2,000 a tenth, and one annotation most of it.
# The order is annotations_for_export's; the document is in the reader's project (the
# access check found it there).
_ON_PAGE = (
    "WHERE a.document_id = %(document)s "
    'ORDER BY a.start, a."end", a.id LIMIT %(limit)s OFFSET %(offset)s'
)
_PAGE = f"SELECT a.id FROM reader_annotation a {_ON_PAGE}"
_ROWS = (
    'SELECT a.id, a.document_id, a.kind, a.start, a."end", a.quote_exact, a.quote_prefix, '
    "a.quote_suffix, a.note, CAST(a.created AS text), CAST(a.modified AS text), u.username, "
    "a.slug, a.canonical, a.via, CAST(v.created AS text), "
    'CAST(a."foreign" AS text), a.hidden_reason FROM reader_annotation a '
    "JOIN auth_user u ON u.id = a.author_id "
    # At most one version (a version's number is unique on its document): source_date().
    "LEFT JOIN reader_documentversion v "
    "ON v.document_id = a.document_id AND v.number = a.text_version "
)
_LINKS = (
    "SELECT l.annotation_id, l.facet_id, f.event_id, e.name, f.name, l.value, l.attribution, "
    "l.stance, l.claimed_at FROM reader_facetlink l "
    "JOIN reader_facet f ON f.id = l.facet_id JOIN reader_event e ON e.id = f.event_id "
)
_LINK_ORDER = 'ORDER BY e.name, f."order", l.claimed_at NULLS FIRST, l.id'
_PAGE_ROWS = f"{_ROWS}{_ON_PAGE}"
_PAGE_LINKS = f"{_LINKS}WHERE l.annotation_id IN ({_PAGE}) {_LINK_ORDER}"
_ONE_ROW = f"{_ROWS}WHERE a.id = %(annotation)s"
_ONE_LINKS = f"{_LINKS}WHERE l.annotation_id = %(annotation)s {_LINK_ORDER}"


def annotation_row(*, pk: int, sees_hidden: bool) -> tuple[AnnotationRow, list[LinkRow]] | None:
    """One annotation as export_rows gives it (two queries), or None if there is none: the
    API's answer to a single annotation, read and written on every edit. The caller has
    checked access."""
    params = {"annotation": pk}
    with connection.cursor() as cursor:
        cursor.execute(_ONE_ROW, params)
        found = cursor.fetchone()
        if found is None:
            return None
        cursor.execute(_ONE_LINKS, params)
        links = [LinkRow._make(values) for values in cursor.fetchall()]
    return _row(found, sees_hidden), links


def document_page_rows(
    *, document_id: int, offset: int, limit: int, sees_hidden: bool
) -> Iterator[tuple[AnnotationRow, list[LinkRow]]]:
    """One page of a document's annotations, as export_rows gives them (two queries): the
    API container's page. The caller has checked access to the document."""
    params = {"document": document_id, "limit": limit, "offset": offset}
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_ROWS, params)
        rows = [_row(values, sees_hidden) for values in cursor.fetchall()]
        cursor.execute(_PAGE_LINKS, params)
        links = by_annotation(cursor.fetchall(), LinkRow._make)
    for row in rows:
        yield row, links.get(row.pk, [])
