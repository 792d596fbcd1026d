"""Every IRI Reader writes into an export or an API answer, built here and nowhere else.

Built with f-strings rather than reverse() (tests/test_w3c_export.py holds the two equal):
an export of 100,000 annotations makes 300,000 of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.http import HttpRequest


def base_url(request: HttpRequest | None) -> str:
    """Scheme and host for IRIs: the request's, or READER_BASE_URL outside a request."""
    if request is None:
        return settings.READER_BASE_URL.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


def page_iri(collection: str, page: int | Literal["all"]) -> str:
    """One page of a collection: its IRI with `page` in the query."""
    joiner = "&" if "?" in collection else "?"
    return f"{collection}{joiner}page={page}"


@dataclass(frozen=True)
class Iris:
    """The IRIs of one project's resources on one host."""

    base: str
    slug: str

    @property
    def context(self) -> str:
        """Reader's JSON-LD context (the terms W3C has no name for)."""
        return f"{self.base}/ns/reader.jsonld"

    def annotation(self, document_pk: int, key: int | str) -> str:
        """The annotation's id: its resource in the API, below its document's container,
        named by the client's Slug when it had one, else by its number."""
        return f"{self.container(document_pk)}{key}/"

    def moved_annotation(self, pk: int) -> str:
        """Where annotations were until issue 15 (answered with a 301 to annotation())."""
        return f"{self.base}/api/p/{self.slug}/annotations/{pk}/"

    def api_document(self, pk: int) -> str:
        """The document as the API serves it: its text, hash and metadata."""
        return f"{self.base}/api/p/{self.slug}/documents/{pk}/"

    def container(self, document_pk: int) -> str:
        """The document's annotation container in the API."""
        return f"{self.api_document(document_pk)}annotations/"

    def document(self, pk: int) -> str:
        return f"{self.base}/p/{self.slug}/documents/{pk}/"

    def event(self, pk: int) -> str:
        return f"{self.base}/p/{self.slug}/events/{pk}/"

    def facet(self, event_pk: int, facet_pk: int) -> str:
        return f"{self.event(event_pk)}#facet-{facet_pk}"

    def export(self, *, document_pk: int | None = None, event_pk: int | None = None) -> str:
        """The export of the project, or of one of its documents or events."""
        if document_pk is not None:
            return f"{self.document(document_pk)}export/"
        if event_pk is not None:
            return f"{self.event(event_pk)}export/"
        return f"{self.base}/p/{self.slug}/export/"
