"""The page shell's links (templates/base.html), reversed once per process and project."""

from __future__ import annotations

import functools
from types import MappingProxyType

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# The header's links to the site's own pages, by the name base.html reads them as.
SITE_URLS = {
    "kinds_css": "reader:kinds_css",
    "projects": "reader:project_list",
    "account": "account",
    "password_change": "password_change",
    "logout": "logout",
}
# The header's links to a project's pages, each reversed with the project's slug.
PROJECT_URLS = {
    "sources": "reader:document_list",
    "events": "reader:event_list",
    "entities": "reader:entity_list",
    "members": "reader:member_list",
    "agreement": "reader:project_agreement",
    "activity": "reader:activity_list",
    "search": "reader:project_search",
}


@functools.lru_cache(maxsize=1024)
def _shell_urls(urlconf, script_prefix: str, slug: str) -> MappingProxyType:
    # reverse() reads the prefix and URLconf itself; they are in the key so that a request
    # with another of either never gets this one's links.
    urls = {key: reverse(name, urlconf=urlconf) for key, name in SITE_URLS.items()}
    if slug:
        urls.update(
            (key, reverse(name, urlconf=urlconf, args=[slug])) for key, name in PROJECT_URLS.items()
        )
    return MappingProxyType(urls)


@register.simple_tag
def shell_urls(slug: str = "") -> MappingProxyType:
    """`{% shell_urls project.slug as shell %}`: the same URLs as `{% url %}` gives for the
    header's links (`shell.sources`, ...), without a reverse() per link and page (13 of
    them were a twentieth of a warm reader page). Auto-escaped where they are output."""
    return _shell_urls(get_urlconf(), get_script_prefix(), slug or "")
