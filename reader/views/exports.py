"""Exports: W3C Web Annotation collections of a project, a document or an event, and the
project bundle; each format as FORMATS describes it, composed by export_compose."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from reader.formats import (
    ACCEPTED_ONLY,
    FORMATS,
    W3C,
    Export,
    export_compose,
    w3c,
    w3c_collection,
)
from reader.iris import base_url
from reader.selectors.access import document_get_for_user, event_get_for_user, project_access
from reader.selectors.exports import export_rows
from reader.views.common import id_or_none


def _compose(request: HttpRequest, access, **scope) -> Export:
    return export_compose(
        format=W3C,
        project=access.project,
        base=base_url(request),
        sees_hidden=access.sees_hidden,
        accepted_only=request.GET.get("accepted") == ACCEPTED_ONLY,
        **scope,
    )


def _download(export: Export, stream: Iterator[str] | Iterator[bytes]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type=export.format.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def _w3c(request: HttpRequest, export: Export) -> HttpResponseBase:
    """A W3C collection, streamed whole (as a download, or as its one page with
    `?page=all`) or served by page; in UTF-8 bytes as written (w3c_collection.stream)."""
    page = request.GET.get("page")
    content_type = export.format.content_type
    if page is None:
        return _download(export, w3c_collection.stream(export))
    if page == "all":
        stream = w3c_collection.stream(export, whole_page=True)
        return StreamingHttpResponse(stream, content_type=content_type)
    total = export.annotations.count()
    size = w3c_collection.PAGE_SIZE
    number = id_or_none(page)
    if number is None or number * size >= max(total, 1):
        raise Http404("No such page.")
    collection = w3c_collection.collection_description(
        iri=export.iri, label=export.label, total=total, page_size=size
    )
    rows = export.annotations[number * size : (number + 1) * size]
    # One chunk larger than the page: its links come by a subquery (two queries).
    items = export_rows(rows, sees_hidden=export.sees_hidden, chunk_size=size + 1)
    body = w3c_collection.annotation_page(
        collection=collection,
        page=number,
        page_size=size,
        items=w3c_collection.page_items(items, export.iris),
    )
    return HttpResponse(orjson.dumps(body), content_type=content_type)


@login_required
@require_GET
def project_export(request: HttpRequest, slug: str) -> HttpResponseBase:
    access = project_access(user=request.user, slug=slug)
    format = FORMATS.get(request.GET.get("format", ""), W3C)
    if format is W3C:
        return _w3c(request, _compose(request, access))
    # Any other format holds the whole project: no scope, no accepted-only.
    export = export_compose(
        format=format,
        project=access.project,
        base=base_url(request),
        sees_hidden=access.sees_hidden,
    )
    return _download(export, export.stream())


@login_required
@require_GET
def document_export(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    # The export names the document and holds its annotations, never its text.
    access, document = document_get_for_user(user=request.user, slug=slug, pk=pk, defer=("text",))
    return _w3c(request, _compose(request, access, document=document))


@login_required
@require_GET
def event_export(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    access, event = event_get_for_user(user=request.user, slug=slug, pk=pk)
    return _w3c(request, _compose(request, access, event=event))


@require_GET
def reader_context(request: HttpRequest) -> JsonResponse:
    """Reader's JSON-LD context for the terms W3C has no name for (public, like any
    vocabulary)."""
    return JsonResponse(w3c.READER_CONTEXT, content_type="application/ld+json")
