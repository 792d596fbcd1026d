"""The annotation API: the W3C Web Annotation Protocol (https://www.w3.org/TR/annotation-protocol/).

A container per document holds its annotations; each annotation is a resource. Requests
are authenticated by session (with CSRF on writes) or by a personal token
(`Authorization: Bearer rdr_…`), and go through the same access helpers as the pages:
outsiders get 404, viewers 403 on writes, annotators change only their own annotations.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from typing import Any

import orjson
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from reader.access import Permission
from reader.formats import w3c, w3c_collection
from reader.formats.reading import parse_json
from reader.formats.w3c import project_facets, read_annotation, replace_links, write_links
from reader.iris import Iris, base_url
from reader.selectors.access import annotation_get_for_user, document_get_for_user
from reader.selectors.exports import annotations_for_export, export_rows
from reader.selectors.reading import annotation_with_links
from reader.services import documents, projects
from reader.services.imports import ImportRefused, ImportReport
from reader.services.locks import AnnotationGone, lock_rows, retry_on_conflict
from reader.views.common import id_or_none

CONTAINER_ALLOW = "GET, HEAD, OPTIONS, POST"
# The largest page a client may ask for with ?limit=: a long document in one request.
MAX_PAGE_SIZE = 5000
ANNOTATION_ALLOW = "GET, HEAD, OPTIONS, PUT, DELETE"
CONTAINER_LINKS = (
    '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type", '
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)
ANNOTATION_LINKS = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
PREFER_MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
PREFER_IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
JSON_TYPES = {"application/ld+json", "application/json"}
MAX_BODY_BYTES = 1024 * 1024

ERROR_SIGN_IN = "Sign in, or send a personal API token: Authorization: Bearer rdr_…"
ERROR_BAD_TOKEN = "This API token is not valid (revoked, or mistyped)."
ERROR_MEDIA_TYPE = 'Send the annotation as application/ld+json (profile "{profile}").'
ERROR_IF_MATCH = "Send If-Match with the annotation's ETag (GET it first), so no edit is lost."
ERROR_STALE = "The annotation changed since your copy (ETag {etag}); GET it again and reapply."
ERROR_TARGET = "An annotation's target cannot change: delete it and create a new one."


def _json(body, *, status: int = 200, **headers: str) -> HttpResponse:
    """An answer in JSON-LD: `body` as a dict, or as the bytes `_encoded` made of it."""
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    response = HttpResponse(content, status=status, content_type=w3c.MEDIA_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _error(status: int, message: str, **extra) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"error": message, **extra}, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="Reader"'
    return response


def _authenticate(request: HttpRequest) -> HttpResponse | None:
    """Token or session; the refusal to send, or None when the request may go on."""
    header = request.headers.get("Authorization", "")
    if header:
        match = re.fullmatch(r"Bearer\s+(\S+)", header, re.IGNORECASE)
        user = projects.api_token_user(match[1]) if match else None
        if user is None:
            return _error(401, ERROR_BAD_TOKEN)
        request.user = user
        return None
    if not request.user.is_authenticated:
        return _error(401, ERROR_SIGN_IN)
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        # A session can be ridden by another site: writes need the CSRF token as pages do.
        refused = CsrfViewMiddleware(_no_response).process_view(request, _no_response, (), {})
        if refused is not None:
            return _error(403, "CSRF check failed: send the X-CSRFToken header with a session.")
    return None


def _no_response(*args, **kwargs) -> HttpResponse:
    """The CSRF check is asked for its verdict alone: nothing is served through it."""
    return HttpResponse(status=500)


def api_view(allowed: str):
    """Authentication, methods, and JSON errors for an API view."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in allowed.split(", "):
                return _error(405, f"Allowed: {allowed}.", allowed=allowed)
            refused = _authenticate(request)
            if refused:
                return refused
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                response = _error(404, "Not found, or not in a project of yours.")
            except PermissionDenied as denied:
                response = _error(403, str(denied) or "Not allowed.")
            except ImportRefused as unreadable:
                response = _error(400, unreadable.problems[0], problems=unreadable.problems)
            except documents.StaleVersionError as stale:
                response = _error(412, stale.messages[0])
            except ValidationError as invalid:
                response = _error(400, invalid.messages[0], problems=invalid.messages)
            response["Allow"] = allowed
            response["Vary"] = "Accept, Prefer, Authorization, Cookie"
            if request.method == "HEAD":
                response["Content-Length"] = str(len(response.content))  # as a GET would send
                response.content = b""
            return response

        return wrapped

    return decorator


def _preferred_includes(request: HttpRequest) -> set[str]:
    """The IRIs a `Prefer: return=representation; include="…"` header asks for."""
    prefer = request.headers.get("Prefer", "")
    if "return=representation" not in prefer:
        return set()
    match = re.search(r'include\s*=\s*"([^"]*)"', prefer)
    return set(match[1].split()) if match else set()


def _matches(header: str | None, etag: str, *, weak: bool = True) -> bool:
    """Whether an If-Match / If-None-Match header names this ETag ("*" names any). Weak
    comparison (W/ ignored) for reads; a write's If-Match needs the strong tag."""
    if header is None:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    if weak:
        tags = [tag.removeprefix("W/") for tag in tags]
    return "*" in tags or etag in tags


def _encoded(representation: dict) -> bytes:
    """The JSON of an answer, made once: its bytes are sent and give its ETag (the builders
    write keys in a fixed order, so the same data gives the same bytes)."""
    return orjson.dumps(representation)


def _etag_of(encoded: bytes) -> str:
    return f'"{hashlib.sha256(encoded).hexdigest()[:32]}"'


def _etag(representation: dict) -> str:
    return _etag_of(_encoded(representation))


def _iris(request: HttpRequest, access) -> Iris:
    return Iris(base=base_url(request), slug=access.project.slug)


def _read_body(request: HttpRequest, document) -> dict:
    """The posted annotation, read as an import would read it; ImportRefused otherwise."""
    data = parse_json(request.body, limit=MAX_BODY_BYTES)
    record, problems = read_annotation(data, 0, document, project_facets(document.project_id))
    if problems or record is None:
        raise ImportRefused(problems)
    return record


@api_view(CONTAINER_ALLOW)
def api_container(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    write = request.method == "POST"
    access, document = document_get_for_user(
        user=request.user,
        slug=slug,
        pk=pk,
        permission=Permission.ANNOTATE if write else Permission.READ,
    )
    iris = _iris(request, access)
    if request.method == "OPTIONS":
        return HttpResponse(status=200, headers={"Accept-Post": w3c.MEDIA_TYPE})
    if write:
        return _create(request, access, document, iris)
    annotations = annotations_for_export(project=access.project, document=document)
    size = _page_size(request)
    iri = iris.container(document.pk)
    if size != w3c_collection.PAGE_SIZE:  # the container seen with another page size
        iri += f"?limit={size}"
    total = annotations.count()
    include = _preferred_includes(request)
    as_iris = PREFER_IRIS in include or request.GET.get("iris") == "1"
    collection = w3c_collection.collection_description(
        iri=iri, label=f"Annotations on {document.title}", total=total, page_size=size
    )
    page = request.GET.get("page")
    if page is not None:
        number = id_or_none(page)
        if number is None or number * size >= max(total, 1):
            raise Http404
        body = _page(collection, number, size, annotations, iris, access, as_iris=as_iris)
    elif PREFER_MINIMAL in include or not total:
        body = collection
    else:
        first = _page(collection, 0, size, annotations, iris, access, as_iris=as_iris)
        del first["@context"]
        body = {**collection, "first": first}
    encoded = _encoded(body)
    headers: dict[str, Any] = {
        "ETag": _etag_of(encoded),
        "Link": CONTAINER_LINKS,
        "Accept_Post": w3c.MEDIA_TYPE,
    }
    if include & {PREFER_MINIMAL, PREFER_IRIS}:
        headers["Preference_Applied"] = "return=representation"
    if _matches(request.headers.get("If-None-Match"), headers["ETag"]):
        return HttpResponse(status=304, headers={"ETag": headers["ETag"]})
    return _json(encoded, **headers)


def _page_size(request: HttpRequest) -> int:
    """`?limit=N`: the client's page size, up to MAX_PAGE_SIZE (a long document's
    annotations in one request); PAGE_SIZE without it."""
    asked = id_or_none(request.GET.get("limit", ""))
    if asked is None or asked < 1:
        return w3c_collection.PAGE_SIZE
    return min(asked, MAX_PAGE_SIZE)


def _rows(annotations, access, size: int):
    """A page's annotations as plain rows, in one chunk: two queries whatever its size."""
    return export_rows(annotations, sees_hidden=access.sees_hidden, chunk_size=size)


def _page(
    collection: dict, number: int, size: int, annotations, iris, access, *, as_iris: bool
) -> dict:
    rows = annotations[number * size : (number + 1) * size]
    items: list = (
        [iris.annotation(pk) for pk in rows.values_list("pk", flat=True)]
        if as_iris
        else list(w3c_collection.w3c_items(_rows(rows, access, size), iris))
    )
    return w3c_collection.annotation_page(
        collection=collection, page=number, page_size=size, items=items
    )


def _representation(annotation_pk: int, iris, access) -> dict:
    """The annotation as the API shows it to this member; a 404 when another request
    deleted it since the access check."""
    try:
        annotation = annotation_with_links(pk=annotation_pk)
    except ObjectDoesNotExist as gone:
        raise AnnotationGone from gone
    return dict(w3c.annotation_to_w3c(annotation, iris, sees_hidden=access.sees_hidden))


def _link_events(record: dict) -> list[int]:
    """The events of the body's links, to lock with the document before the first link."""
    return [link["facet"].event_id for link in record["links"]]


def _unsupported_media_type(request: HttpRequest) -> HttpResponse | None:
    if request.content_type in JSON_TYPES:
        return None
    return _error(415, ERROR_MEDIA_TYPE.format(profile=w3c.W3C_CONTEXT))


def _create(request, access, document, iris) -> HttpResponse:
    if refused := _unsupported_media_type(request):
        return refused
    record = _read_body(request, document)
    start, end = record["span"]

    @retry_on_conflict  # one transaction, run again from the start after a deadlock
    def write() -> dict:
        lock_rows(document_id=document.pk, event_ids=_link_events(record))
        annotation = documents.annotation_create(
            document=document,
            author=request.user,
            kind=record["kind"],
            start=start,
            end=end,
            note=record["note"],
        )
        write_links(annotation, record["links"], request.user, ImportReport())
        # Read the answer before the commit: should the database fail here, the create is
        # rolled back with the error. Only a failure of the commit itself can then leave a
        # 5xx over a write that happened (and a client that retries would make it twice).
        return _representation(annotation.pk, iris, access)

    body = write()
    return _json(body, status=201, Location=body["id"], ETag=_etag(body), Link=ANNOTATION_LINKS)


@api_view(ANNOTATION_ALLOW)
def api_annotation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    write = request.method in {"PUT", "DELETE"}
    access, annotation = annotation_get_for_user(
        user=request.user,
        slug=slug,
        pk=pk,
        permission=Permission.ANNOTATION_CHANGE if write else Permission.READ,
    )
    if request.method == "OPTIONS":
        return HttpResponse(status=200)
    iris = _iris(request, access)
    current = _representation(annotation.pk, iris, access)
    etag = _etag(current)
    if_match = request.headers.get("If-Match")
    if write and if_match is not None and not _matches(if_match, etag, weak=False):
        return _error(412, ERROR_STALE.format(etag=etag), current=current)
    if request.method == "DELETE":
        documents.annotation_delete(annotation=annotation, actor=request.user)
        return HttpResponse(status=204)
    if request.method == "PUT":
        if if_match is None:
            return _error(428, ERROR_IF_MATCH)
        return _replace(request, access, annotation, iris)
    if _matches(request.headers.get("If-None-Match"), etag):
        return HttpResponse(status=304, headers={"ETag": etag})
    return _json(current, ETag=etag, Link=ANNOTATION_LINKS)


def _replace(request, access, annotation, iris) -> HttpResponse:
    """PUT: the new kind, note and links; the target stays."""
    if refused := _unsupported_media_type(request):
        return refused
    record = _read_body(request, annotation.document)
    if record["span"] != (annotation.start, annotation.end):
        return _error(400, ERROR_TARGET)

    @retry_on_conflict  # one transaction, run again from the start after a deadlock
    def write() -> dict:
        lock_rows(
            document_id=annotation.document_id,
            event_ids=_link_events(record),
            annotation_id=annotation.pk,
            annotation_events=True,
        )
        documents.annotation_update(
            annotation=annotation,
            actor=request.user,
            kind=record["kind"],
            note=record["note"],
            edited_version=annotation.version,
        )
        replace_links(annotation, record["links"], request.user, ImportReport())
        return _representation(annotation.pk, iris, access)  # before the commit, as in _create

    try:
        body = write()
    except documents.StaleVersionError as stale:
        # Another PUT won the race: say so with the annotation as it is now.
        return _error(412, stale.messages[0], current=_representation(annotation.pk, iris, access))
    return _json(body, ETag=_etag(body), Link=ANNOTATION_LINKS)
