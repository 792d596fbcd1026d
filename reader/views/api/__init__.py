"""The annotation API: the W3C Web Annotation Protocol (https://www.w3.org/TR/annotation-protocol/).

A container per document holds its annotations; each annotation is a resource. Requests
are authenticated by session (with CSRF on writes) or by a personal token
(`Authorization: Bearer rdr_…`), and go through the same access helpers as the pages:
outsiders get 404, viewers 403 on writes, annotators change only their own annotations.

http.py holds what every resource shares (authentication, CORS, errors, ETags, content
negotiation); containers.py, annotations.py and documents.py one kind of resource each.
"""

from __future__ import annotations

from reader.views.api.annotations import api_annotation, api_annotation_moved
from reader.views.api.containers import api_container
from reader.views.api.documents import api_document, negotiated
from reader.views.api.http import ANNOTATION_ALLOW, CONTAINER_ALLOW, MAX_PAGE_SIZE, PAGE_SIZE

__all__ = [
    "ANNOTATION_ALLOW",
    "CONTAINER_ALLOW",
    "MAX_PAGE_SIZE",
    "PAGE_SIZE",
    "api_annotation",
    "api_annotation_moved",
    "api_container",
    "api_document",
    "negotiated",
]
