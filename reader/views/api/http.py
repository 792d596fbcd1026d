"""The Web Annotation Protocol's HTTP for every API resource: authentication (session
with CSRF on writes, or a personal token), methods, CORS, JSON errors, `Prefer`, ETags
and content negotiation (JSON-LD, or RDF through formats/rdf.py)."""

from __future__ import annotations

import functools
import hashlib
import json
import re

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from reader.formats import rdf, w3c
from reader.formats.reading import parse_json
from reader.formats.w3c import project_facets, read_annotation
from reader.iris import Iris, base_url
from reader.services import documents, projects
from reader.services.imports import ImportRefused

CONTAINER_ALLOW = "GET, HEAD, OPTIONS, POST"
# The largest page a client may ask for with ?limit=, and the page size without one: a
# long document's annotations (2,000 and more) come in one request, as a client reading
# the container by its `next` links would otherwise make one request per 100.
MAX_PAGE_SIZE = 5000
PAGE_SIZE = MAX_PAGE_SIZE
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


class _FacetsWhenAsked(dict):
    """A project's facets (project_facets), read on the first lookup: only a linking body
    looks one up, and most creates and edits have none (a query and its instances saved)."""

    def __init__(self, project_id: int) -> None:
        super().__init__()
        self.project_id: int | None = project_id

    def get(self, key, default=None):
        if self.project_id is not None:
            self.update(project_facets(self.project_id))
            self.project_id = None
        return super().get(key, default)


def _read_body(request: HttpRequest, document) -> dict:
    """The posted annotation, read as an import would read it; ImportRefused otherwise."""
    data = parse_json(request.body, limit=MAX_BODY_BYTES)
    record, problems = read_annotation(data, 0, document, _FacetsWhenAsked(document.project_id))
    if problems or record is None:
        raise ImportRefused(problems)
    return record


def _negotiated(request: HttpRequest, body: dict, iris: Iris, **headers: str) -> HttpResponse:
    """The answer in JSON-LD, or in Turtle / N-Quads for a client that prefers them; its
    ETag is that of the bytes sent, and a matching If-None-Match gets a 304."""
    wanted = request.get_preferred_type([w3c.MEDIA_TYPE, "application/json", *rdf.FORMATS])
    if wanted in rdf.FORMATS:
        contexts = {iris.context: w3c.READER_CONTEXT["@context"]}
        # A container's items are JSON already (orjson.Fragment): rdflib reads objects.
        encoded = rdf.to_rdf(orjson.loads(_encoded(body)), wanted, contexts=contexts)
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
