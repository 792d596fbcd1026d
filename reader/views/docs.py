"""The API reference page, with examples that use this server's own address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reader import exports
from reader.models import Stance
from reader.views.api import ANNOTATION_ALLOW, CONTAINER_ALLOW
from reader.views.exports import base_url


def api_docs(request: HttpRequest) -> HttpResponse:
    context = {
        "base": base_url(request),
        "media_type": exports.MEDIA_TYPE,
        "container_allow": CONTAINER_ALLOW,
        "annotation_allow": ANNOTATION_ALLOW,
        "page_size": exports.PAGE_SIZE,
        "stances": Stance.values,
    }
    return render(request, "reader/api_docs.html", context)
