"""The reader page's panel items and reading pane, rendered once and kept by what they show.

Each item's HTML is cached under a content-addressed key: a hash of everything its
templates read (the annotation's row, its links with their facet and event names, its
replies with their authors' names, the access policy's answers for this member on each of
them, the project's slug, the URLs' prefix, the language, the time zone and the templates'
own source). A write changes what is hashed, so a changed item gets a new key and an entry
is never stale; nothing needs invalidating, and old entries age out of the cache.

The reading pane's HTML is kept the same way, in this process, under the text's digest and
every span cut into it (highlights, with their ids and kinds, and suggestions): a long
text's pane is a quarter of its page's time to make, and the same until an annotation
changes. It is kept encoded, as the response's bytes: a page with a PaneSlot gets a mark in
the pane's place from the templates and the bytes put there after (PaneSlot.fill), so the
1.2 M characters of a long text are not copied through every template level (each joins
its nodes' output, and marks it safe in a copy) and encoded again on every open.

Behind both, where settings.READER_RENDER_CACHE names one (production does), a store every
worker of the server shares (shared_cache.py): a page's first open on one worker finds what
another rendered.

CSRF tokens are per session: the items are rendered with a random mark in the token's
place, and every page puts its own token there (the mark is in the key, so a cache shared
by several processes, each with its own mark, never mixes them up).
"""

from __future__ import annotations

import functools
import hashlib
import operator
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import Model
from django.http import HttpResponse
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from reader.access import Access, Permission
from reader.shared_cache import shared_store

ITEM_TEMPLATE = "reader/partials/annotation_item.html"
# Every template an item's HTML comes from: their source is part of the key.
ITEM_TEMPLATES = (
    ITEM_TEMPLATE,
    "reader/partials/thread.html",
    "reader/partials/moderation_link.html",
    "reader/partials/moderation_form.html",
    "reader/partials/icon.html",
)
# Bump when the Python those templates call (tags, filters, vocabularies) changes the HTML:
# a cache shared across a deploy must not serve the old markup.
FRAGMENT_VERSION = 1
# A day: entries are never stale, this only bounds how long unused ones are kept.
TIMEOUT_SECONDS = 24 * 3600

# A local cache of its own unless READER_PANEL_CACHE names an alias in CACHES: about 3 KB
# an item, so at most a few MB per process.
LOCAL = LocMemCache("reader-panel", {"OPTIONS": {"MAX_ENTRIES": 2000}})


class Recent:
    """The last `size` values by key, in this process, kept as they are: a long text's pane
    is over a megabyte, and Django's memory cache would pickle it in and copy it out on
    every open (the values are immutable bytes, so handing out the same one is safe). At
    most `max_bytes` in all, so that a worker's memory stays bounded whatever it opened
    (the newest value is kept even when it alone is larger)."""

    def __init__(self, size: int, max_bytes: int) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.held = 0
        self.values: OrderedDict[Hashable, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def set(self, key: Hashable, value: bytes) -> None:
        with self.lock:
            earlier = self.values.pop(key, None)
            self.held += len(value) - (len(earlier) if earlier is not None else 0)
            self.values[key] = value
            while len(self.values) > 1 and (
                len(self.values) > self.size or self.held > self.max_bytes
            ):
                _, dropped = self.values.popitem(last=False)
                self.held -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()
            self.held = 0


# A seed's pane is 10-100 KB, the 1.2 M-character `long`'s 1.6 MB: the panes of thirty
# sources, or two of the longest, per worker.
PANES = Recent(32, max_bytes=4 * 1024 * 1024)

CSRF_MARK = secrets.token_hex(16)
_MARKED_TOKEN = CsrfTokenNode().render(Context({"csrf_token": CSRF_MARK}))


def store() -> BaseCache:
    alias = getattr(settings, "READER_PANEL_CACHE", None)
    return caches[alias] if alias else LOCAL


@functools.cache
def _columns(model: type[Model]) -> Callable[[Model], tuple]:
    # One C call per row, not a getattr per column: the keys read about 60 rows a page.
    return operator.attrgetter(*(field.attname for field in model._meta.concrete_fields))


def _row(obj: Model) -> tuple:
    """Every column of a row, as stored (what any template could read of it)."""
    return _columns(type(obj))(obj)


def page_permissions(access: Access) -> tuple[bool, ...]:
    """The access policy's answers the item's templates ask of the member alone, not of an
    object: the same for every item of a page, so asked once per page."""
    return (
        access.can(Permission.ANNOTATE),
        access.can(Permission.MODERATE),
        access.can(Permission.SEE_HIDDEN),
    )


def object_permissions(access: Access, annotation: Any) -> tuple[bool, ...]:
    """The access policy's answers the item's templates ask of the annotation, its links
    and its replies, for this member."""
    return (
        access.can(Permission.ANNOTATION_CHANGE, annotation),
        *(access.can(Permission.LINK_DELETE, link) for link in annotation.panel_links),
        *(access.can(Permission.REPLY_CHANGE, reply) for reply in annotation.panel_replies),
    )


def item_permissions(access: Access, annotation: Any) -> tuple[bool, ...]:
    """Every answer of the access policy the item's templates ask (`{% can %}`), for this
    member: the same questions, on the same objects (tests/views/test_render_cache.py holds
    them equal). A key holds them all: page_permissions in page_context, the rest its own."""
    return page_permissions(access) + object_permissions(access, annotation)


def page_context(access: Access, templates: str) -> tuple:
    """What every item of a page shares in its key: the templates, the CSRF mark, the
    project, the request's URLs, language and time zone, and the member's page-wide
    permissions (read once per page, not per item)."""
    return (
        FRAGMENT_VERSION,
        templates,
        CSRF_MARK,
        access.project.slug,
        get_script_prefix(),  # the URLs' prefix and URLconf (item_url keeps one per pair)
        get_urlconf(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        page_permissions(access),
    )


def item_key(access: Access, annotation: Any, context: tuple) -> str:
    """The item's key: everything its HTML depends on, hashed, with the page's `context`
    (page_context). `annotation` comes with its author, links and replies loaded
    (selectors.reading.panel_page)."""
    shown = (
        _row(annotation),
        annotation.author.get_username(),
        tuple(
            (*_row(link), *_row(link.facet), link.facet.event.name)
            for link in annotation.panel_links
        ),
        tuple((*_row(reply), reply.author.get_username()) for reply in annotation.panel_replies),
        object_permissions(access, annotation),
    )
    digest = hashlib.blake2b(repr((context, shown)).encode(), digest_size=20).hexdigest()
    return f"reader-item:{digest}"


def templates_signature(engine) -> str:
    """A hash of the items' templates' source, so that a changed template is a new key."""
    return _sources_digest(tuple(engine.get_template(name) for name in ITEM_TEMPLATES))


@functools.lru_cache(maxsize=8)
def _sources_digest(templates: tuple) -> str:
    # Keyed by the Template objects themselves (compared by identity): the cached loader
    # hands out the same ones until a template is loaded again, which makes new objects
    # and so a new digest; joining and hashing the sources was a tenth of a warm panel.
    sources = "\x00".join(template.source for template in templates)
    return hashlib.blake2b(sources.encode(), digest_size=16).hexdigest()


def items_html(context: Context, annotations: Sequence[Any]) -> SafeString:
    """The panel items of `annotations`, from the cache where they are in it, rendered (in
    `context`, which holds `access` and `project`) and kept where not; with this page's
    CSRF token."""
    if not annotations:
        return mark_safe("")
    assert context.template is not None
    engine = context.template.engine
    access = context["access"]
    page = page_context(access, templates_signature(engine))
    keys = [item_key(access, annotation, page) for annotation in annotations]
    cache = store()
    found = cache.get_many(keys)
    shared = shared_store()
    if shared is not None and len(found) < len(keys):
        rendered_elsewhere = {
            key: html.decode()
            for key, html in shared.get_many(k for k in keys if k not in found).items()
        }
        if rendered_elsewhere:
            cache.set_many(rendered_elsewhere, timeout=TIMEOUT_SECONDS)
            found.update(rendered_elsewhere)
    missing = {}
    template = engine.get_template(ITEM_TEMPLATE)
    with context.push(csrf_token=CSRF_MARK):
        for key, annotation in zip(keys, annotations, strict=True):
            if key not in found:
                with context.push(annotation=annotation):
                    missing[key] = template.render(context)
    if missing:
        cache.set_many(missing, timeout=TIMEOUT_SECONDS)
        if shared is not None:
            shared.set_many({key: html.encode() for key, html in missing.items()})
    pieces = [found[key] if key in found else missing[key] for key in keys]
    return mark_safe(_with_token(context, pieces))


def _with_token(context: Context, pieces: Iterable[str]) -> str:
    html = "\n".join(pieces)
    if _MARKED_TOKEN in html:
        html = html.replace(_MARKED_TOKEN, CsrfTokenNode().render(context))
    return html


@functools.lru_cache(maxsize=4)
def text_digest(text: str) -> str:
    """Keyed by the text itself, like anchoring.structure_spans (which holds the same
    strings): a 1.2 M character text is hashed once, not on every open."""
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def pane_bytes(
    text: str, highlights: Sequence[tuple], extra: Sequence[Any], build: Callable[[], str]
) -> bytes:
    """The reading pane's HTML, UTF-8 encoded, for `text` with `highlights` ((id, start, end,
    kind), in text order) and `extra` spans (suggestions) cut into it: from the cache, or
    `build()` and kept. Structure spans come from the text itself, so the text's digest
    covers them."""
    # The spans themselves are the key (compared, not hashed into a digest): this cache is
    # in this process only, and a dictionary's equality is exact.
    key = (FRAGMENT_VERSION, text_digest(text), tuple(highlights), tuple(extra))
    html = PANES.get(key)
    if html is not None:
        return html
    shared = shared_store()
    if shared is None:
        html = build().encode()
    else:
        # Between processes the key is a digest of the spans: their repr, which holds
        # values only (tests/views/test_render_cache.py), never an object's address.
        digest = "reader-pane:" + hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()
        html = shared.get_many([digest]).get(digest)
        if html is None:
            html = build().encode()
            shared.set_many({digest: html})
    PANES.set(key, html)
    return html


def pane_html(
    text: str, highlights: Sequence[tuple], extra: Sequence[Any], build: Callable[[], str]
) -> str:
    """pane_bytes as text, for a page that puts the pane inline."""
    return pane_bytes(text, highlights, extra, build).decode()


# Unguessable, like CSRF_MARK, so that no text a member wrote can stand for it; a comment,
# so that a page a slot was never filled in would still show nothing of it.
PANE_MARK = f"<!--reader-pane-{secrets.token_hex(16)}-->"


class PaneSlot:
    """The reading pane's place in a page being rendered (`pane_slot` in its context): the
    templates put PANE_MARK there and the pane's bytes here, and fill() puts them in the
    response in its place."""

    def __init__(self) -> None:
        self.panes: list[bytes] = []

    def hold(self, pane: bytes) -> SafeString:
        self.panes.append(pane)
        return mark_safe(PANE_MARK)

    def fill(self, response: HttpResponse) -> HttpResponse:
        if self.panes:
            pieces = response.content.split(PANE_MARK.encode())
            assert len(pieces) == len(self.panes) + 1, "a pane mark is missing or extra"
            filled = [pieces[0]]
            for pane, piece in zip(self.panes, pieces[1:], strict=True):
                filled += [pane, piece]
            response.content = b"".join(filled)
        return response
