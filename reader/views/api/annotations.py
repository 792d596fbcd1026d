"""One annotation as a resource: GET, PUT (with If-Match), DELETE, and the IRIs older
exports used, answered with a redirect."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from reader.access import Permission
from reader.formats.w3c import replace_links
from reader.models import Annotation
from reader.selectors.access import api_annotation_get_for_user
from reader.services import documents
from reader.services.imports import ImportReport
from reader.services.locks import retry_on_conflict
from reader.views.api.containers import _link_events, _representation, _unsupported_media_type
from reader.views.api.http import (
    ANNOTATION_ALLOW,
    ANNOTATION_LINKS,
    ERROR_IF_MATCH,
    ERROR_STALE,
    ERROR_TARGET,
    _encoded,
    _error,
    _etag,
    _etag_of,
    _iris,
    _json,
    _matches,
    _negotiated,
    _read_body,
    api_view,
)
from reader.views.common import id_or_none


def _annotation_pk(document_pk: int, key: str) -> int:
    """The annotation a key of its IRI names: its number, or its Slug on that document."""
    pk = id_or_none(key)
    if pk is not None:
        return pk
    found = (
        Annotation.objects.filter(document_id=document_pk, slug=key)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _moved(request: HttpRequest, iri: str) -> HttpResponse:
    """301 for reads; 308 for writes, which keeps their method and body."""
    status = 301 if request.method in {"GET", "HEAD", "OPTIONS"} else 308
    return HttpResponse(status=status, headers={"Location": iri})


@api_view(ANNOTATION_ALLOW, ANNOTATION_LINKS)
def api_annotation(request: HttpRequest, slug: str, document: int, key: str) -> HttpResponse:
    if id_or_none(str(document)) is None:
        raise Http404
    write = request.method in {"PUT", "DELETE"}
    access, annotation = api_annotation_get_for_user(
        user=request.user,
        slug=slug,
        pk=_annotation_pk(document, key),
        permission=Permission.ANNOTATION_CHANGE if write else Permission.READ,
        # None reads the text (a long source's is 1.2 MB): a PUT reads the passage its
        # target points at, as a create does.
        defer=("document__text",),
    )
    if annotation.document_id != document:
        raise Http404
    iris = _iris(request, access)
    if annotation.slug and key != annotation.slug:  # by its number: its IRI is its name
        return _moved(request, iris.annotation(document, annotation.slug))
    if request.method == "OPTIONS":
        return HttpResponse(status=200)
    if not write:
        return _negotiated(request, _representation(annotation.pk, iris, access), iris)
    if_match = request.headers.get("If-Match")
    if if_match is None and request.method == "PUT":
        return _error(428, ERROR_IF_MATCH)
    if if_match is not None:  # read for its ETag only: a DELETE without If-Match needs none
        current = _representation(annotation.pk, iris, access)
        etag = _etag(current)
        if not _matches(if_match, etag, weak=False):
            return _error(412, ERROR_STALE.format(etag=etag), current=current)
    if request.method == "DELETE":
        documents.annotation_delete(annotation=annotation, actor=request.user)
        return HttpResponse(status=204)
    return _replace(request, access, annotation, iris)


@api_view(ANNOTATION_ALLOW, ANNOTATION_LINKS)
def api_annotation_moved(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Where annotations were before they moved below their container: the IRIs of older
    exports stay true, answered with a redirect to where the annotation is now."""
    write = request.method in {"PUT", "DELETE"}
    access, annotation = api_annotation_get_for_user(
        user=request.user,
        slug=slug,
        pk=pk,
        permission=Permission.ANNOTATION_CHANGE if write else Permission.READ,
    )
    iris = _iris(request, access)
    return _moved(request, iris.annotation(annotation.document_id, annotation.slug or pk))


def _replace(request, access, annotation, iris) -> HttpResponse:
    """PUT: the new kind, note, links and kept W3C properties; the target stays."""
    if refused := _unsupported_media_type(request):
        return refused
    record = _read_body(request, annotation.document)
    if (record["text_version"], *record["span"]) != (
        annotation.text_version,
        annotation.start,
        annotation.end,
    ):
        return _error(400, ERROR_TARGET)

    @retry_on_conflict  # one transaction, run again from the start after a deadlock
    def write() -> dict:
        documents.annotation_update(  # locks first, the new links' events among them
            annotation=annotation,
            actor=request.user,
            kind=record["kind"],
            note=record["note"],
            edited_version=annotation.version,
            foreign=record["foreign"],
            link_events=_link_events(record),
        )
        replace_links(annotation, record["links"], request.user, ImportReport())
        return _representation(annotation.pk, iris, access)  # before the commit, as in _create

    try:
        body = write()
    except documents.StaleVersionError as stale:
        # Another PUT won the race: say so with the annotation as it is now.
        return _error(412, stale.messages[0], current=_representation(annotation.pk, iris, access))
    encoded = _encoded(body)  # once, for the answer and its ETag
    return _json(encoded, ETag=_etag_of(encoded), Link=ANNOTATION_LINKS)
