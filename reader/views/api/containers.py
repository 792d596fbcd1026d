"""A document's annotation container: GET (the collection with its first page, or a page)
and POST (a new annotation, retried safely by Slug or Idempotency-Key)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from django.db import IntegrityError, connection
from django.http import Http404, HttpRequest, HttpResponse

from reader.access import Permission
from reader.formats import w3c, w3c_collection
from reader.formats.w3c import utc, write_links
from reader.iris import Iris
from reader.models import Annotation
from reader.selectors.access import document_get_for_user
from reader.selectors.exports import (
    AnnotationRow,
    annotation_row,
    annotations_for_export,
    document_page_rows,
)
from reader.services import documents, versions
from reader.services.imports import ImportReport
from reader.services.locks import AnnotationGone, retry_on_conflict
from reader.views.api.http import (
    ANNOTATION_ALLOW,
    ANNOTATION_LINKS,
    CONTAINER_ALLOW,
    CONTAINER_LINKS,
    CONTAINER_TYPE,
    ERROR_KEY_REUSED,
    ERROR_MEDIA_TYPE,
    ERROR_REQUEST_KEY,
    JSON_TYPES,
    LDP_CONTEXT,
    MAX_PAGE_SIZE,
    MAX_REQUEST_KEY,
    PAGE_SIZE,
    PREFER_IRIS,
    PREFER_MINIMAL,
    SLUG,
    _encoded,
    _error,
    _etag_of,
    _iris,
    _json,
    _negotiated,
    _preferred_includes,
    _read_body,
    api_view,
)
from reader.views.common import id_or_none


def _container_iri(iris: Iris, document_pk: int, size: int, as_iris: bool) -> str:
    """The container as this client sees it: its page size and its Prefer (contained IRIs)
    in the query, so that its pages and their `next` keep them."""
    query = []
    if size != PAGE_SIZE:
        query.append(f"limit={size}")
    if as_iris:
        query.append("iris=1")
    iri = iris.container(document_pk)
    return iri + ("?" + "&".join(query) if query else "")


# How many annotations the container holds and when it last changed (an annotation made,
# edited, linked or deleted), in one plain statement, the same on SQLite and PostgreSQL:
# Django's compilation of its four subqueries cost more than running them. The times come
# as the database gives them (SQLite's UTC text, PostgreSQL's times), each read by utc().
_STATE = (
    "SELECT (SELECT COUNT(*) FROM reader_annotation WHERE document_id = %(document)s), "
    "(SELECT MAX(modified) FROM reader_annotation WHERE document_id = %(document)s), "
    "(SELECT MAX(l.created) FROM reader_facetlink l "
    "JOIN reader_annotation a ON a.id = l.annotation_id WHERE a.document_id = %(document)s), "
    "(SELECT MAX(deleted) FROM reader_deletedannotation WHERE document_id = %(document)s)"
)


def _state(document) -> tuple[int, str]:
    """The container's total and its `modified` (one query): its document's annotations
    (the access check put the document in this project) and when the container changed."""
    with connection.cursor() as cursor:
        cursor.execute(_STATE, {"document": document.pk})
        total, *moments = cursor.fetchone()
    # utc() writes one fixed width, so the latest moment is the greatest text.
    return total, max(utc(moment) for moment in (document.created, *moments) if moment)


@api_view(CONTAINER_ALLOW, CONTAINER_LINKS)
def api_container(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    write = request.method == "POST"
    access, document = document_get_for_user(
        user=request.user,
        slug=slug,
        pk=pk,
        permission=Permission.ANNOTATE if write else Permission.READ,
        # Neither reads the text: a write reads the passage its annotation points at.
        defer=("text",),
    )
    iris = _iris(request, access)
    if request.method == "OPTIONS":
        return HttpResponse(status=200, headers={"Accept-Post": w3c.MEDIA_TYPE})
    if write:
        return _create(request, access, document, iris)
    size = _page_size(request)
    include = _preferred_includes(request)
    as_iris = PREFER_IRIS in include or request.GET.get("iris") == "1"
    total, modified = _state(document)
    collection = w3c_collection.collection_description(
        iri=_container_iri(iris, document.pk, size, as_iris),
        label=f"Annotations on {document.title}",
        total=total,
        page_size=size,
    )
    page = request.GET.get("page")
    if page is not None:
        number = id_or_none(page)
        if number is None or number * size >= max(total, 1):
            raise Http404
        body = _page(collection, number, size, document, iris, access, as_iris=as_iris)
    else:
        body = collection | {
            "@context": [w3c.W3C_CONTEXT, LDP_CONTEXT],
            "type": CONTAINER_TYPE,
            "modified": modified,
        }
        if total and PREFER_MINIMAL not in include:
            first = _page(collection, 0, size, document, iris, access, as_iris=as_iris)
            del first["@context"]
            body["first"] = first
    headers: dict[str, Any] = {"Content_Location": body["id"], "Accept_Post": w3c.MEDIA_TYPE}
    if include & {PREFER_MINIMAL, PREFER_IRIS}:
        headers["Preference_Applied"] = "return=representation"
    return _negotiated(request, body, iris, **headers)


def _page_size(request: HttpRequest) -> int:
    """`?limit=N`: the client's page size, up to MAX_PAGE_SIZE (a long document's
    annotations in one request); PAGE_SIZE without it."""
    asked = id_or_none(request.GET.get("limit", ""))
    if asked is None or asked < 1:
        return PAGE_SIZE
    return min(asked, MAX_PAGE_SIZE)


def _page(
    collection: dict, number: int, size: int, document, iris, access, *, as_iris: bool
) -> dict:
    if as_iris:
        annotations = annotations_for_export(project=access.project, document=document)
        named = annotations[number * size : (number + 1) * size]
        items: list = [
            iris.annotation(document_id, slug or pk)
            for pk, document_id, slug in named.values_list("pk", "document_id", "slug")
        ]
    else:
        rows = document_page_rows(
            document_id=document.pk,
            offset=number * size,
            limit=size,
            sees_hidden=access.sees_hidden,
        )
        items = w3c_collection.page_items(rows, iris)
    return w3c_collection.annotation_page(
        collection=collection, page=number, page_size=size, items=items
    )


def _representation(annotation_pk: int, iris, access) -> dict:
    """The annotation as the API shows it to this member, read as the container's items
    are (annotation_row: two plain queries, no document, no model instances); a 404 when
    another request deleted it since the access check."""
    found = annotation_row(pk=annotation_pk, sees_hidden=access.sees_hidden)
    if found is None:
        raise AnnotationGone
    row, links = found
    return dict(w3c.w3c_annotation(row, links, iris))


# What _created_representation reads, as export_rows reads it (the database's text of
# both): plain SQL, the same on SQLite and PostgreSQL, since Django's compilation of the
# subquery and casts cost more than the statement on the hottest write.
_STORED_FORMS = (
    'SELECT CAST(a."foreign" AS text), CAST(v.created AS text) FROM reader_annotation a '
    "LEFT JOIN reader_documentversion v "
    "ON v.document_id = a.document_id AND v.number = a.text_version WHERE a.id = %s"
)


def _created_representation(annotation: Annotation, iris, access) -> dict:
    """A new annotation without links as _representation reads it back (the same bytes,
    so the 201's ETag is the GET's), built from the instance the create holds. Only what
    the database writes its own way is read, in one small query: the kept W3C properties
    (PostgreSQL's jsonb orders an object's keys by its own rule) and when the version its
    offsets refer to came in (the TimeState)."""
    with connection.cursor() as cursor:
        cursor.execute(_STORED_FORMS, [annotation.pk])
        foreign, source_date = cursor.fetchone()
    row = AnnotationRow.of(
        annotation,
        sees_hidden=access.sees_hidden,
        foreign=json.loads(foreign) if foreign != "{}" else {},
        source_date=source_date,
    )
    return dict(w3c.w3c_annotation(row, [], iris))


def _link_events(record: dict) -> list[int]:
    """The events of the body's links, to lock with the document before the first link."""
    return [link["facet"].event_id for link in record["links"]]


def _unsupported_media_type(request: HttpRequest) -> HttpResponse | None:
    if request.content_type in JSON_TYPES:
        return None
    return _error(415, ERROR_MEDIA_TYPE.format(profile=w3c.W3C_CONTEXT))


def _slug(request: HttpRequest) -> str:
    """The Slug a client asked for (RFC 5023, percent-encoded), when Reader can take it."""
    asked = unquote(request.headers.get("Slug", "")).strip()
    return asked if SLUG.fullmatch(asked) else ""


def _earlier(user, document, slug: str, key: str) -> Annotation | None:
    """The annotation an earlier POST of this request made (same Idempotency-Key, or
    same Slug on this document, by the same person), if one did."""
    if key:
        return Annotation.objects.filter(author=user, request_key=key).first()
    if slug:
        return Annotation.objects.filter(author=user, document=document, slug=slug).first()
    return None


def _annotation_answer(body: dict, *, status: int = 200) -> HttpResponse:
    """An annotation's JSON-LD, as a POST answers it (its own headers, not the
    container's: it is the annotation that the body shows)."""
    encoded = _encoded(body)
    return _json(
        encoded,
        status=status,
        Location=body["id"],
        Content_Location=body["id"],
        ETag=_etag_of(encoded),
        Link=ANNOTATION_LINKS,
        Allow=ANNOTATION_ALLOW,
    )


def _retried(earlier: Annotation, document, iris, access) -> HttpResponse:
    """A POST sent again: the annotation the first one made (200, its Location and ETag)."""
    if earlier.document_id != document.pk:
        iri = iris.annotation(earlier.document_id, earlier.slug or earlier.pk)
        return _error(409, ERROR_KEY_REUSED.format(iri=iri))
    return _annotation_answer(_representation(earlier.pk, iris, access))


def _create(request, access, document, iris) -> HttpResponse:
    if refused := _unsupported_media_type(request):
        return refused
    slug = _slug(request)
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_REQUEST_KEY:
        return _error(400, ERROR_REQUEST_KEY.format(limit=MAX_REQUEST_KEY))
    if (earlier := _earlier(request.user, document, slug, key)) is not None:
        return _retried(earlier, document, iris, access)
    record = _read_body(request, document)
    start, end = record["span"]
    if slug and Annotation.objects.filter(document=document, slug=slug).exists():
        slug = ""  # someone else's name here: the annotation is named by its number
    fields = {name: record[name] for name in ("canonical", "via", "foreign")}

    @retry_on_conflict  # one transaction, run again from the start after a deadlock
    def write() -> dict:
        annotation = documents.annotation_create(
            document=document,
            author=request.user,
            kind=record["kind"],
            start=start,
            end=end,
            note=record["note"],
            text_version=record["text_version"],
            quote=record["quote"],  # as the anchoring read it: not read again
            w3c={"slug": slug, "request_key": key, **fields},
            link_events=_link_events(record),  # locked with the document, before the links
        )
        carried = annotation.text_version < document.text_version  # made on an older one
        if carried:
            versions.annotations_carry_forward(document=document, annotations=[annotation])
        write_links(annotation, record["links"], request.user, ImportReport())
        # Read the answer before the commit: should the database fail here, the create is
        # rolled back with the error. A failure of the commit itself can leave a 5xx over
        # a write that happened: a client that retries with its Slug or Idempotency-Key
        # gets the annotation it made, not a second one.
        if record["links"] or carried:  # rows written after the create: read them back
            return _representation(annotation.pk, iris, access)
        return _created_representation(annotation, iris, access)

    try:
        body = write()
    except IntegrityError:
        # The same request, twice at once: the other one made it first.
        if (earlier := _earlier(request.user, document, slug, key)) is None:
            raise
        return _retried(earlier, document, iris, access)
    return _annotation_answer(body, status=201)
