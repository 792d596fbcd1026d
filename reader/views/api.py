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
from urllib.parse import unquote

import orjson
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from reader.access import Permission
from reader.formats import rdf, w3c, w3c_collection
from reader.formats.reading import parse_json
from reader.formats.w3c import project_facets, read_annotation, replace_links, utc, write_links
from reader.iris import Iris, base_url
from reader.models import Annotation, DeletedAnnotation, Document, FacetLink
from reader.selectors.access import annotation_get_for_user, document_get_for_user
from reader.selectors.exports import annotations_for_export, export_rows
from reader.selectors.reading import annotation_with_links
from reader.services import documents, projects, versions
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
DOCUMENT_ALLOW = "GET, HEAD, OPTIONS"
# The container's type, and the LDP context that names it.
LDP_CONTEXT = "http://www.w3.org/ns/ldp.jsonld"
CONTAINER_TYPE = ["BasicContainer", "AnnotationCollection"]
ANNOTATION_SERVICE = "http://www.w3.org/ns/oa#annotationService"
# What a browser client may send and read (CORS), for the origins in READER_API_CORS_ORIGINS.
CORS_REQUEST_HEADERS = (
    "Authorization, Content-Type, Accept, If-Match, If-None-Match, Prefer, Slug, Idempotency-Key"
)
CORS_EXPOSED_HEADERS = (
    "ETag, Location, Content-Location, Link, Allow, Accept-Post, Preference-Applied, Vary"
)
CORS_MAX_AGE = "600"
VARY = ["Accept", "Prefer", "Authorization", "Cookie", "Origin"]
# A Slug Reader takes as the last part of an annotation's IRI: never only digits (those
# name annotations by number).
SLUG = re.compile(r"(?![0-9]+$)[A-Za-z0-9][A-Za-z0-9._~-]{0,63}")
MAX_REQUEST_KEY = 200  # Annotation.request_key's max_length
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
ERROR_REQUEST_KEY = "Idempotency-Key is at most {limit} characters."
ERROR_KEY_REUSED = (
    "This Idempotency-Key was used for an annotation on another document ({iri}): "
    "send a new key for a new annotation."
)


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


def _cors(request: HttpRequest, response: HttpResponse) -> None:
    """CORS for a browser client on an allowed origin: it may read the answer and its
    headers. Never with credentials: such clients send a token, not the session."""
    origin = request.headers.get("Origin")
    patch_vary_headers(response, ["Origin"])
    if origin and origin in settings.READER_API_CORS_ORIGINS:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS


def _preflight(request: HttpRequest, allowed: str) -> HttpResponse:
    """A browser's CORS preflight, answered before (and without) credentials: it carries
    none, and says only which methods and headers a real request may use."""
    response = HttpResponse(status=204)
    if request.headers.get("Origin") in settings.READER_API_CORS_ORIGINS:
        response["Access-Control-Allow-Methods"] = allowed
        response["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        response["Access-Control-Max-Age"] = CORS_MAX_AGE
    return response


def _is_preflight(request: HttpRequest) -> bool:
    return (
        request.method == "OPTIONS"
        and "Origin" in request.headers
        and "Access-Control-Request-Method" in request.headers
    )


def api_view(allowed: str, links: str):
    """Authentication, methods, CORS, JSON errors, and the headers every answer of an API
    resource carries (`Link` with its type, `Allow`, `Vary`), errors and OPTIONS included."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = _answer(view, allowed, request, *args, **kwargs)
            response.setdefault("Link", links)
            response.setdefault("Allow", allowed)
            patch_vary_headers(response, VARY)
            _cors(request, response)
            if request.method == "HEAD":
                response["Content-Length"] = str(len(response.content))  # as a GET would send
                response.content = b""
            return response

        return wrapped

    return decorator


def _answer(view, allowed: str, request: HttpRequest, *args, **kwargs) -> HttpResponse:
    if _is_preflight(request):
        return _preflight(request, allowed)
    if request.method not in allowed.split(", "):
        return _error(405, f"Allowed: {allowed}.", allowed=allowed)
    refused = _authenticate(request)
    if refused:
        return refused
    try:
        return view(request, *args, **kwargs)
    except Http404:
        return _error(404, "Not found, or not in a project of yours.")
    except PermissionDenied as denied:
        return _error(403, str(denied) or "Not allowed.")
    except ImportRefused as unreadable:
        return _error(400, unreadable.problems[0], problems=unreadable.problems)
    except documents.StaleVersionError as stale:
        return _error(412, stale.messages[0])
    except ValidationError as invalid:
        return _error(400, invalid.messages[0], problems=invalid.messages)


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


def _negotiated(request: HttpRequest, body: dict, iris: Iris, **headers: str) -> HttpResponse:
    """The answer in JSON-LD, or in Turtle / N-Quads for a client that prefers them; its
    ETag is that of the bytes sent, and a matching If-None-Match gets a 304."""
    wanted = request.get_preferred_type([w3c.MEDIA_TYPE, "application/json", *rdf.FORMATS])
    if wanted in rdf.FORMATS:
        contexts = {iris.context: w3c.READER_CONTEXT["@context"]}
        encoded = rdf.to_rdf(body, wanted, contexts=contexts)
        content_type = f"{wanted}; charset=utf-8"
    else:
        encoded, content_type = _encoded(body), w3c.MEDIA_TYPE
    etag = _etag_of(encoded)
    if _matches(request.headers.get("If-None-Match"), etag):
        return HttpResponse(status=304, headers={"ETag": etag})
    response = HttpResponse(encoded, content_type=content_type, status=headers.pop("status", 200))
    response["ETag"] = etag
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _container_iri(iris: Iris, document_pk: int, size: int, as_iris: bool) -> str:
    """The container as this client sees it: its page size and its Prefer (contained IRIs)
    in the query, so that its pages and their `next` keep them."""
    query = []
    if size != w3c_collection.PAGE_SIZE:
        query.append(f"limit={size}")
    if as_iris:
        query.append("iris=1")
    iri = iris.container(document_pk)
    return iri + ("?" + "&".join(query) if query else "")


def _latest(queryset, field: str) -> Subquery:
    return Subquery(queryset.values(field).order_by(f"-{field}")[:1])


def _modified(document) -> str:
    """When the container last changed: an annotation made, edited, linked or deleted
    (one query)."""
    annotations = Annotation.objects.filter(document=OuterRef("pk"))
    moments = (
        Document.objects.filter(pk=document.pk)
        .annotate(
            edited=_latest(annotations, "modified"),
            linked=_latest(
                FacetLink.objects.filter(annotation__document=OuterRef("pk")), "created"
            ),
            deleted=_latest(DeletedAnnotation.objects.filter(document=OuterRef("pk")), "deleted"),
        )
        .values_list("created", "edited", "linked", "deleted")
        .get()
    )
    return utc(max(moment for moment in moments if moment is not None))


@api_view(CONTAINER_ALLOW, CONTAINER_LINKS)
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
    include = _preferred_includes(request)
    as_iris = PREFER_IRIS in include or request.GET.get("iris") == "1"
    total = annotations.count()
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
        body = _page(collection, number, size, annotations, iris, access, as_iris=as_iris)
    else:
        body = collection | {
            "@context": [w3c.W3C_CONTEXT, LDP_CONTEXT],
            "type": CONTAINER_TYPE,
            "modified": _modified(document),
        }
        if total and PREFER_MINIMAL not in include:
            first = _page(collection, 0, size, annotations, iris, access, as_iris=as_iris)
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
        [
            iris.annotation(document_id, slug or pk)
            for pk, document_id, slug in rows.values_list("pk", "document_id", "slug")
        ]
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
        lock_rows(document_id=document.pk, event_ids=_link_events(record))
        annotation = documents.annotation_create(
            document=document,
            author=request.user,
            kind=record["kind"],
            start=start,
            end=end,
            note=record["note"],
            text_version=record["text_version"],
            w3c={"slug": slug, "request_key": key, **fields},
        )
        versions.annotations_carry_forward(document=document, annotations=[annotation])
        write_links(annotation, record["links"], request.user, ImportReport())
        # Read the answer before the commit: should the database fail here, the create is
        # rolled back with the error. A failure of the commit itself can leave a 5xx over
        # a write that happened: a client that retries with its Slug or Idempotency-Key
        # gets the annotation it made, not a second one.
        return _representation(annotation.pk, iris, access)

    try:
        body = write()
    except IntegrityError:
        # The same request, twice at once: the other one made it first.
        if (earlier := _earlier(request.user, document, slug, key)) is None:
            raise
        return _retried(earlier, document, iris, access)
    return _annotation_answer(body, status=201)


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
    access, annotation = annotation_get_for_user(
        user=request.user,
        slug=slug,
        pk=_annotation_pk(document, key),
        permission=Permission.ANNOTATION_CHANGE if write else Permission.READ,
    )
    if annotation.document_id != document:
        raise Http404
    iris = _iris(request, access)
    if annotation.slug and key != annotation.slug:  # by its number: its IRI is its name
        return _moved(request, iris.annotation(document, annotation.slug))
    if request.method == "OPTIONS":
        return HttpResponse(status=200)
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
    return _negotiated(request, current, iris)


@api_view(ANNOTATION_ALLOW, ANNOTATION_LINKS)
def api_annotation_moved(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Where annotations were before they moved below their container: the IRIs of older
    exports stay true, answered with a redirect to where the annotation is now."""
    write = request.method in {"PUT", "DELETE"}
    access, annotation = annotation_get_for_user(
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
            foreign=record["foreign"],
        )
        replace_links(annotation, record["links"], request.user, ImportReport())
        return _representation(annotation.pk, iris, access)  # before the commit, as in _create

    try:
        body = write()
    except documents.StaleVersionError as stale:
        # Another PUT won the race: say so with the annotation as it is now.
        return _error(412, stale.messages[0], current=_representation(annotation.pk, iris, access))
    return _json(body, ETag=_etag(body), Link=ANNOTATION_LINKS)


def _document_links(iris: Iris, pk: int) -> str:
    return f"{ANNOTATION_LINKS}, {_service_link(iris, pk)}"


def _service_link(iris: Iris, pk: int) -> str:
    """Where a document's annotations are (the Protocol's discovery of containers)."""
    return f'<{iris.container(pk)}>; rel="{ANNOTATION_SERVICE}"'


@api_view(DOCUMENT_ALLOW, ANNOTATION_LINKS)
def api_document(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A document as a client writing selectors needs it: its text (the offsets are code
    points of it), hash, title, outlet, date, and its annotations' container."""
    access, document = document_get_for_user(user=request.user, slug=slug, pk=pk)
    iris = _iris(request, access)
    links = _document_links(iris, document.pk)
    if request.method == "OPTIONS":
        return HttpResponse(status=200, headers={"Link": links})
    body = w3c.document_description(document, iris)
    return _negotiated(request, body, iris, Link=links, Content_Location=iris.api_document(pk))


API_TYPES = [w3c.MEDIA_TYPE, "application/json", *rdf.FORMATS]


def _wants_api(request: HttpRequest) -> bool:
    """A token client, or one whose Accept prefers JSON-LD, JSON or RDF to HTML."""
    if request.headers.get("Authorization", "").lower().startswith("bearer"):
        return True
    if "Accept" not in request.headers:
        return False
    return request.get_preferred_type(["text/html", *API_TYPES]) in API_TYPES


def negotiated(page_view):
    """The document page for a person; the API's document resource for an API client (the
    document IRI in an annotation's target.source answers it, not a sign-in redirect).
    The page names its annotations' container in a Link header."""

    @functools.wraps(page_view)
    def wrapped(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        if _wants_api(request):
            return api_document(request, slug=slug, pk=pk)
        response = page_view(request, slug=slug, pk=pk)
        patch_vary_headers(response, ["Accept", "Authorization"])
        if response.status_code == 200:
            response["Link"] = _service_link(Iris(base=base_url(request), slug=slug), pk)
        return response

    return wrapped
