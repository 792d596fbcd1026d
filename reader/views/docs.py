"""The API reference page, with examples that use this server's own address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reader.formats import w3c
from reader.iris import base_url
from reader.views.api import ANNOTATION_ALLOW, CONTAINER_ALLOW, MAX_PAGE_SIZE, PAGE_SIZE
from reader.vocabularies import Stance


def api_docs(request: HttpRequest) -> HttpResponse:
    context = {
        "base": base_url(request),
        "media_type": w3c.MEDIA_TYPE,
        "container_allow": CONTAINER_ALLOW,
        "annotation_allow": ANNOTATION_ALLOW,
        "page_size": f"{PAGE_SIZE:,}",
        "max_page_size": f"{MAX_PAGE_SIZE:,}",
        "stances": Stance.values,
    }
    return render(request, "reader/api_docs.html", context)
