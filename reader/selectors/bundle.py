"""Reads for the project bundle (formats/bundle.py): everything a project holds, each part
in an order that depends only on the data (never on database ids), so that keys and bytes
survive a round trip.

The annotations, their links and replies, and the documents' texts are what a bundle is
made of: they come as plain tuples, a chunk (or for texts, a document) at a time, so that
memory stays flat however many there are, and with no column that Django converts row by
row: times as the database's text of them in UTC, flags as the database gives them, JSON
as its text."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core import serializers
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    Field,
    OuterRef,
    Prefetch,
    TextField,
)
from django.db.models.functions import Cast

from reader.models import (
    Annotation,
    DeletedAnnotation,
    DocumentVersion,
    Entity,
    EntityAlias,
    Facet,
    FacetLink,
    Project,
    Reply,
)
from reader.selectors.common import by_annotation


def _text(field: str) -> Cast:
    return Cast(field, output_field=TextField())


def _flag(field: str | Exists) -> ExpressionWrapper:
    """A yes or no as the database gives it: 0 or 1 (SQLite), False or True (PostgreSQL).
    Typed as no particular field, so that Django converts none of them row by row (for a
    boolean or an integer it would)."""
    return ExpressionWrapper(F(field) if isinstance(field, str) else field, output_field=Field())


class BundleAnnotation(NamedTuple):
    """An annotation as a bundle holds it: the names of its users; its times as the
    database's text of them in UTC ("2026-02-27 19:00:00.123456", a PostgreSQL "+00" after
    it); its flags 0 or 1 (SQLite) or False or True (PostgreSQL); what a W3C client sent,
    as JSON text."""

    pk: int
    document_id: int
    author: str | None  # None: in the trash, a user removed since
    kind: str
    start: int
    end: int
    quote_exact: str
    quote_prefix: str
    quote_suffix: str
    note: str
    hidden_reason: str
    hidden_by: str | None
    resolved: int | bool
    created: str
    modified: str
    version: int
    accepted: int | bool
    made_on: int
    text_version: int
    anchor_status: str
    proposed_start: int | None
    proposed_end: int | None
    slug: str
    request_key: str
    canonical: str
    via: str
    foreign: str
    # Whether it has links, replies (1 or 0): those are asked for only for such ones.
    has_links: int | bool = 0
    has_replies: int | bool = 0


class BundleLink(NamedTuple):
    """A facet link, as BundleAnnotation says: names, times as text, flags as given."""

    annotation_id: int
    facet_id: int
    value: str
    attribution: str
    stance: str
    claimed_at: str | None
    author: str | None
    created: str
    superseded: int | bool
    superseded_pinned: int | bool


class ReplyRow(NamedTuple):
    annotation_id: int
    author: str | None
    text: str
    hidden_reason: str
    hidden_by: str | None
    created: str
    modified: str


class DocumentRow(NamedTuple):
    pk: int
    outlet_id: int
    title: str
    published: datetime.date | None
    origin: str
    language: str
    added_by: str | None
    created: datetime.datetime
    content_hash: str
    text_version: int
    text: str


class VersionRow(NamedTuple):
    number: int
    created: datetime.datetime
    added_by: str | None
    content_hash: str
    text: str


class TrashRow(NamedTuple):
    """A deleted annotation as its snapshot holds it, with when and by whom."""

    annotation: BundleAnnotation
    links: list[BundleLink]
    replies: list[ReplyRow]
    deleted: datetime.datetime
    deleted_by: str | None


def bundle_annotations(
    *, project: Project, chunk_size: int = 1000
) -> Iterator[tuple[BundleAnnotation, list[BundleLink], list[ReplyRow]]]:
    """The project's annotations in the bundle's order, each with its links and replies:
    a chunk at a time, each chunk's links and replies by one query each, grouped here."""
    rows = (
        Annotation.objects.filter(document__project=project)
        .order_by(
            "document__content_hash",
            "start",
            "end",
            "created",
            "kind",
            "author__username",
            "note",
            "pk",  # two alike in all the rest: still one order, on any database
        )
        .annotate(
            resolved_flag=_flag("resolved"),
            created_text=_text("created"),
            modified_text=_text("modified"),
            accepted_flag=_flag("accepted"),
            foreign_text=_text("foreign"),
            has_links=_flag(Exists(FacetLink.objects.filter(annotation=OuterRef("pk")))),
            has_replies=_flag(Exists(Reply.objects.filter(annotation=OuterRef("pk")))),
        )
        .values_list(
            "pk",
            "document_id",
            "author__username",
            "kind",
            "start",
            "end",
            "quote_exact",
            "quote_prefix",
            "quote_suffix",
            "note",
            "hidden_reason",
            "hidden_by__username",
            "resolved_flag",
            "created_text",
            "modified_text",
            "version",
            "accepted_flag",
            "made_on",
            "text_version",
            "anchor_status",
            "proposed_start",
            "proposed_end",
            "slug",
            "request_key",
            "canonical",
            "via",
            "foreign_text",
            "has_links",
            "has_replies",
        )
        .iterator(chunk_size=chunk_size)
    )
    while chunk := [BundleAnnotation._make(row) for row in islice(rows, chunk_size)]:
        linked = [row.pk for row in chunk if row.has_links]
        replied = [row.pk for row in chunk if row.has_replies]
        links = by_annotation(
            FacetLink.objects.filter(annotation_id__in=linked)
            .order_by()  # the writer orders them by facet
            .annotate(
                claimed_text=_text("claimed_at"),
                created_text=_text("created"),
                superseded_flag=_flag("superseded"),
                pinned_flag=_flag("superseded_pinned"),
            )
            .values_list(
                "annotation_id",
                "facet_id",
                "value",
                "attribution",
                "stance",
                "claimed_text",
                "author__username",
                "created_text",
                "superseded_flag",
                "pinned_flag",
            ),
            BundleLink._make,
        )
        replies = by_annotation(
            Reply.objects.filter(annotation_id__in=replied)
            .order_by("created", "pk")
            .annotate(created_text=_text("created"), modified_text=_text("modified"))
            .values_list(
                "annotation_id",
                "author__username",
                "text",
                "hidden_reason",
                "hidden_by__username",
                "created_text",
                "modified_text",
            ),
            ReplyRow._make,
        )
        for row in chunk:
            yield row, links.get(row.pk, []), replies.get(row.pk, [])


def bundle_documents(*, project: Project) -> Iterator[DocumentRow]:
    """The project's documents by content hash, with their texts, one at a time: a long
    source's text is held once, while it is written."""
    return (
        DocumentRow._make(row)
        for row in project.documents.order_by("content_hash")
        .values_list(
            "pk",
            "outlet_id",
            "title",
            "published",
            "origin",
            "language",
            "added_by__username",
            "created",
            "content_hash",
            "text_version",
            "text",
        )
        .iterator(chunk_size=1)
    )


def bundle_versions(*, document_id: int) -> Iterator[VersionRow]:
    """A document's versions, oldest first, one at a time (each holds a whole text)."""
    return (
        VersionRow._make(row)
        for row in DocumentVersion.objects.filter(document_id=document_id)
        .order_by("number")
        .values_list("number", "created", "added_by__username", "content_hash", "text")
        .iterator(chunk_size=1)
    )


def _database_text(moment: datetime.datetime) -> str:
    """A time as SQLite's text of it in UTC, as the rows of bundle_annotations hold times."""
    return str(moment.astimezone(datetime.UTC).replace(tzinfo=None))


def _trash_row(trashed: DeletedAnnotation, rows: list, names: dict[int | None, str]) -> TrashRow:
    """A snapshot (the rows Django's serializer wrote) as the rows of bundle_annotations."""
    a = next(row for row in rows if isinstance(row, Annotation))
    annotation = BundleAnnotation(
        pk=a.pk,
        document_id=a.document_id,
        author=names.get(a.author_id),
        kind=a.kind,
        start=a.start,
        end=a.end,
        quote_exact=a.quote_exact,
        quote_prefix=a.quote_prefix,
        quote_suffix=a.quote_suffix,
        note=a.note,
        hidden_reason=a.hidden_reason,
        hidden_by=names.get(a.hidden_by_id),
        resolved=a.resolved,
        created=_database_text(a.created),
        modified=_database_text(a.modified),
        version=a.version,
        accepted=a.accepted,
        made_on=a.made_on,
        text_version=a.text_version,
        anchor_status=a.anchor_status,
        proposed_start=a.proposed_start,
        proposed_end=a.proposed_end,
        slug=a.slug,
        request_key=a.request_key,
        canonical=a.canonical,
        via=a.via,
        foreign=json.dumps(a.foreign),
    )
    links = [
        BundleLink(
            annotation_id=a.pk,
            facet_id=link.facet_id,
            value=link.value,
            attribution=link.attribution,
            stance=link.stance,
            claimed_at=_database_text(link.claimed_at) if link.claimed_at else None,
            author=names.get(link.author_id),
            created=_database_text(link.created),
            superseded=link.superseded,
            superseded_pinned=link.superseded_pinned,
        )
        for link in rows
        if isinstance(link, FacetLink)
    ]
    replies = [
        ReplyRow(
            annotation_id=a.pk,
            author=names.get(reply.author_id),
            text=reply.text,
            hidden_reason=reply.hidden_reason,
            hidden_by=names.get(reply.hidden_by_id),
            created=_database_text(reply.created),
            modified=_database_text(reply.modified),
        )
        for reply in sorted(
            (row for row in rows if isinstance(row, Reply)), key=lambda r: (r.created, r.pk)
        )
    ]
    deleted_by = trashed.deleted_by.get_username() if trashed.deleted_by else None
    return TrashRow(annotation, links, replies, trashed.deleted, deleted_by)


def bundle_trash(*, project: Project) -> list[TrashRow]:
    """What owners may still restore (past TRASH_DAYS it is gone, here as there), each
    rebuilt from its snapshot; the users its rows name by one query."""
    trash = [
        (trashed, [row.object for row in serializers.deserialize("python", trashed.snapshot)])
        for trashed in DeletedAnnotation.objects.recoverable()
        .filter(document__project=project)
        .select_related("deleted_by")
    ]
    user_ids = {
        user_id
        for _, rows in trash
        for row in rows
        for field in ("author_id", "hidden_by_id")
        if (user_id := getattr(row, field, None))
    }
    users = get_user_model().objects.filter(pk__in=user_ids)
    names: dict[int | None, str] = dict(users.values_list("pk", "username"))
    return [_trash_row(trashed, rows, names) for trashed, rows in trash]


def bundle_contents(*, project: Project) -> dict:
    """What a project bundle holds, each part in an order that depends only on the data
    (never on database ids), so that keys and bytes survive a round trip. The documents
    and annotations are read as they are written."""
    return {
        "members": list(project.memberships.select_related("user").order_by("user__username")),
        "outlets": list(project.outlets.order_by("name")),
        "document_keys": list(
            project.documents.order_by("content_hash").values_list("pk", flat=True)
        ),
        "documents": bundle_documents(project=project),
        "events": list(project.events.order_by("name")),
        "facets": list(
            Facet.objects.filter(event__project=project).order_by("event__name", "order", "name")
        ),
        "entities": list(
            Entity.objects.filter(project=project)
            .prefetch_related(Prefetch("aliases", queryset=EntityAlias.objects.order_by("key")))
            .order_by("name")
        ),
        "annotations": bundle_annotations(project=project),
        "trash": bundle_trash(project=project),
    }
