"""The kinds' stylesheet, built from the table: one rule per kind, custom properties that
reader.css uses. Served (not inline: the CSP allows only our own stylesheets) under an
address that names the table's state, so it may be cached for good."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from reader.vocabularies import KINDS, UNTAGGED_STYLE


def kinds_stylesheet() -> str:
    rules = [
        f".k-{kind.value} {{ --kind-colour: {kind.colour}; --kind-line: {kind.line}; "
        f"--kind-underline: {kind.underline}; --kind-edge: {kind.edge}; }}\n"
        for kind in [*KINDS.values(), UNTAGGED_STYLE]
    ]
    return "/* Built from reader.vocabularies.KINDS by reader.views.styles. */\n" + "".join(rules)


def kinds_version() -> str:
    return hashlib.sha256(kinds_stylesheet().encode()).hexdigest()[:12]


@require_safe
def kinds_css(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(kinds_stylesheet(), content_type="text/css; charset=utf-8")
    if request.GET.get("v") == kinds_version():
        patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response
