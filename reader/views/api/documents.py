"""A document as an API resource (its text, for clients writing selectors), and the
document page's content negotiation between a person and an API client."""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from reader.formats import rdf, w3c
from reader.iris import Iris, base_url
from reader.selectors.access import document_get_for_user
from reader.views.api.http import (
    ANNOTATION_LINKS,
    ANNOTATION_SERVICE,
    DOCUMENT_ALLOW,
    _iris,
    _negotiated,
    api_view,
)


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
