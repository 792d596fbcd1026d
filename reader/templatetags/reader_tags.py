from __future__ import annotations

import functools
import html
import json
from typing import Any, Protocol, cast
from urllib.parse import quote

import orjson
from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from reader import render_cache
from reader.anchoring import Segment
from reader.sanitize import bidi_balanced, without_bidi_controls
from reader.selectors.suggestions import SuggestionMark
from reader.vocabularies import (
    ANCHOR_STATUSES,
    KINDS,
    UNTAGGED_STYLE,
    AnchorStatus,
    AnchorStyle,
    KindStyle,
    kind_names,
)

register = template.Library()


# The letter that marks where an annotation of each kind starts (KINDS, keyed by value).
LETTERS: dict[str, str] = {kind.value: style.letter for kind, style in KINDS.items()}
LETTERS[UNTAGGED_STYLE.value] = UNTAGGED_STYLE.letter  # "to classify": a state, not a kind


class Marked(Protocol):
    """What a highlight needs of the annotation behind a span (an Annotation, or a
    Highlight row standing for one)."""

    pk: Any
    kind: str


def _heading_level(text: str, segment: Segment, last: int) -> int:
    """A `==Section==` line's level for assistive technology, one below the page's own
    <h1> (`= Title =` is 2, `== Section ==` 3); a heading cut in pieces by highlights
    keeps the level of its first piece."""
    equals = len(text[segment.start : segment.end]) - len(
        text[segment.start : segment.end].lstrip("=")
    )
    return min(6, equals + 1) if equals else last


def _segment_html(text: str, segment: Segment, facets: dict[int, list[int]], level: int = 3) -> str:
    # The standard library's escape (what Django's wraps) without the SafeString per call:
    # a long document has thousands of segments.
    piece = html.escape(text[segment.start : segment.end])
    if not segment.keys:
        return piece
    classes: list[str] = []
    ids: list[str] = []
    suggested: list[str] = []
    for key in segment.keys:
        if isinstance(key, str):  # structure: a heading, a comment block
            classes.append(f"s-{key}")
        elif isinstance(key, SuggestionMark):  # a pending suggestion: outlined, not marked
            suggested.append(str(key.pk))
        else:  # an Annotation, or a Highlight standing for one
            marked = cast(Marked, key)
            ids.append(str(marked.pk))
            classes.append(f"k-{marked.kind}")
    attributes = ""
    if ids:
        classes.append("hl")
        if len(ids) > 1:
            classes.append("hl-overlap")
        attributes += f' data-ann="{" ".join(ids)}"'
        if facets:
            facet_ids = sorted(
                {
                    f
                    for key in segment.keys
                    if not isinstance(key, SuggestionMark)
                    for f in facets.get(getattr(key, "pk", 0), [])
                }
            )
            if facet_ids:
                attributes += f' data-facets="{" ".join(map(str, facet_ids))}"'
        marks = [
            LETTERS[cast(Marked, a).kind]
            for a in segment.starting
            if not isinstance(a, str | SuggestionMark)
        ]
        if marks:
            attributes += f' data-mark="{"".join(marks)}"'
    if suggested:
        classes.append("sg")
        attributes += f' data-sug="{" ".join(suggested)}"'
    if "s-heading" in classes:
        # The stored text is unchanged: the line only reads as a heading.
        attributes += f' role="heading" aria-level="{level}"'
    elif "s-infobox-key" in classes:
        attributes += ' role="term"'
    class_list = " ".join(dict.fromkeys(classes))
    return f'<span class="{class_list}"{attributes}>{piece}</span>'


@register.simple_tag
def reading_text(
    text: str, segments: list[Segment], facets: dict[int, list[int]] | None = None
) -> SafeString:
    """The stored text, every character escaped, cut into flat highlight segments; with
    `facets` (annotation id -> facet ids), segments also name the facets they speak to.

    Built in Python rather than a template loop: a long document has thousands of
    segments, and the DOM's text must equal the stored text exactly (no added whitespace).
    Everything inserted is escaped text or integers.
    """
    facets = facets or {}
    pieces = []
    level = 3
    for segment in segments:
        if "heading" in segment.keys:
            level = _heading_level(text, segment, level)
        pieces.append(_segment_html(text, segment, facets, level))
    return mark_safe("".join(pieces))


@register.simple_tag(takes_context=True)
def reader_pane_text(context, view) -> SafeString:
    """`{% reader_pane_text view %}`: reading_text of a ReaderView, from the render cache
    when the same text with the same highlights was rendered before; in a page with a
    `pane_slot` (render_cache.PaneSlot), only a mark, the slot putting the pane there."""

    def build() -> str:
        return reading_text(view.text, view.segments)

    spans = (view.highlights, view.extra_spans)
    slot = context.get("pane_slot")
    if slot is None:
        return mark_safe(render_cache.pane_html(view.text, *spans, build))
    return slot.hold(render_cache.pane_bytes(view.text, *spans, build))


@register.filter
def bdi(value) -> SafeString:
    """`{{ event.place|bdi }}`: user text inline in the page, escaped and isolated in a
    <bdi>, so its direction and controls cannot reorder the page's words around it."""
    return mark_safe(f"<bdi>{conditional_escape(bidi_balanced(str(value)))}</bdi>")


@register.filter
def nobidi(value) -> str:
    """`title="{{ document.title|nobidi }}"`: user text where no element can go (attributes,
    <title>, <option>), without directional controls; auto-escaping still applies."""
    return without_bidi_controls(str(value))


# A stand-in id: reversed once per URL name and project, then replaced by each item's id.
_ID_MARK = 987654321987


@functools.lru_cache(maxsize=1024)
def _url_around_id(urlconf, script_prefix: str, name: str, slug: str) -> tuple[str, str]:
    """What comes before and after the object's id in `name`'s URL in project `slug` (the
    id is the last argument, so its last occurrence is the one to cut at)."""
    url = reverse(name, urlconf=urlconf, args=[slug, _ID_MARK])
    cut = url.rindex(str(_ID_MARK))
    return url[:cut], url[cut + len(str(_ID_MARK)) :]


@register.simple_tag
def item_url(name: str, slug: str, pk: int) -> str:
    """`{% item_url 'reader:annotation_update' project.slug annotation.pk %}`: the same URL
    as `{% url %}` with those arguments, from a prefix and suffix reversed once per URL
    name and project (a panel item has up to eight URLs, a page 30 items, and reverse()
    was a sixth of the reader page's time). Auto-escaped like any tag's output."""
    head, tail = _url_around_id(get_urlconf(), get_script_prefix(), name, slug)
    return f"{head}{int(pk)}{tail}"


@register.simple_tag(takes_context=True)
def panel_items(context, annotations) -> SafeString:
    """`{% panel_items view.annotations %}`: each annotation's panel item
    (partials/annotation_item.html), from the render cache when it holds the item as it is
    now for this member (reader/render_cache.py says how that is known)."""
    return render_cache.items_html(context, annotations)


@register.simple_tag(takes_context=True)
def can(context, permission: str, obj=None) -> bool:
    """`{% can "annotation_change" annotation as allowed %}`: the access policy's answer
    for the page's member (`access` in the context), the only way templates ask it."""
    access = context.get("access")
    return access is not None and access.can(permission, obj)


@register.simple_tag
def anchor_style(annotation) -> AnchorStyle:
    """`{% anchor_style annotation as anchor %}`: how the panel shows its anchoring status."""
    return ANCHOR_STATUSES[AnchorStatus(annotation.anchor_status)]


@register.filter
def kind_count(document, kind: KindStyle) -> int:
    """`{{ document|kind_count:kind }}`: the count DocumentQuerySet.with_kind_counts made."""
    return getattr(document, kind.count_name)


@register.filter
def counted(kind: KindStyle, number: int) -> str:
    """`{{ kind|counted:3 }}`: "3 claims", "1 opinion"."""
    return f"{number} {(kind.label if number == 1 else kind.plural).lower()}"


@register.simple_tag
def kinds_in_words() -> str:
    """The kinds for a sentence: "claim, opinion or user comment"."""
    return kind_names()


def _supersede_button(link, url: str) -> str:
    """The analyst's switch between earlier value, current value and the automatic rule;
    the buttons share one form on the page (`supersede-form`, with its CSRF token)."""
    if link.superseded_pinned:
        state, label = "auto", "automatic"
    elif link.superseded:
        state, label = "current", "mark current"
    else:
        state, label = "earlier", "mark earlier"
    return (
        f'<button form="supersede-form" formaction="{url}" name="state" '
        f'value="{state}" class="link-button small">{label}</button>'
    )


def _isolated(text: str) -> str:
    """What the |bdi filter makes of user text, for HTML built in Python."""
    return f"<bdi>{html.escape(bidi_balanced(text))}</bdi>"


def _cell_link(link, document_url: str, supersede_url: str | None) -> str:
    # Kinds and stances come from closed vocabularies (letters and underscores): only the
    # texts people wrote are escaped.
    escape = html.escape
    kind = link.kind
    quote = _isolated(link.quote)
    plain_quote = without_bidi_controls(link.quote)
    short = escape(plain_quote if len(plain_quote) <= 300 else plain_quote[:299] + "…")
    against = " is-against" if link.is_against else ""
    parts = [
        f'<div class="cell-link k-{kind}{" is-superseded" if link.superseded else ""}">'
        f'<a class="cell-value" href="{document_url}#annotation-{link.annotation_id}"'
        f' title="“{short}”">{_isolated(link.value)}</a> '
        f'<span class="stance stance-{link.stance}{against}">{link.stance_label.lower()}</span> '
        f'<span class="kind-badge k-{kind}">{link.kind_label}</span> '
    ]
    if link.attribution:
        parts.append(f'<span class="attribution">per {_isolated(link.attribution)}</span> ')
    if link.claimed_at:
        moment = timezone.localtime(link.claimed_at)
        parts.append(
            f'<time datetime="{moment.isoformat()}">{dateformat.format(moment, "j M H:i")}</time> '
        )
    if link.needs_review:
        parts.append('<span class="anchor-badge anchor-fuzzy">needs review</span> ')
    if link.superseded:
        marked = ", marked" if link.superseded_pinned else ""
        parts.append(f'<span class="muted">(earlier report{marked})</span> ')
    if supersede_url:
        parts.append(_supersede_button(link, supersede_url))
    parts.append(f'<blockquote class="cell-quote">“{quote}”</blockquote></div>')
    return "".join(parts)


@register.simple_tag(takes_context=True)
def matrix_cells(context, row, may_annotate: bool = False, may_bulk: bool = False) -> SafeString:
    """One facet's row of the matrix: a cell per source with every link of that source to
    the facet (value, stance, kind, attribution, claim time, quote and, for annotators,
    where a source has several values, the earlier/current switch), or "silent" with its
    pending suggestions. Built in Python, not a template loop: a matrix of 30 sources has
    thousands of links, and must render in well under a second (the template's loop over
    600 cells was a fifth of the page). Everything inserted is escaped text or integers."""
    # URLs are made once per page (a reverse per link would be most of the page's time).
    cache = context.render_context.setdefault("matrix_urls", {})
    if "project" not in cache:
        slug = context["project"].slug
        cache["project"] = slug
        cache["document"] = html.escape(reverse("reader:document_detail", args=[slug, 0]))
        cache["supersede"] = html.escape(reverse("reader:facet_link_supersede", args=[slug, 0]))
        cache["accept_all"] = html.escape(reverse("reader:suggestions_accept_all", args=[slug]))
        cache["here"] = html.escape(quote(context["request"].get_full_path(), safe="/"))
    parts = []
    for cell in row.cells:
        document_url = _with_pk(cache["document"], cell.document.pk)
        if cell.links:
            several = may_annotate and len(cell.links) > 1
            parts.append('<td class="matrix-cell">')
            parts.extend(
                _cell_link(
                    link, document_url, _with_pk(cache["supersede"], link.pk) if several else None
                )
                for link in cell.links
            )
            parts.append("</td>")
            continue
        parts.append('<td class="matrix-cell is-silent"><span class="silent">silent</span>')
        pending = getattr(cell, "suggestions", 0)
        if pending:
            parts.append(
                f' <a class="cell-suggestions" href="{document_url}?suggestions=on'
                f'#suggestion-{cell.first_suggestion}">{pending} suggestion'
                f"{'' if pending == 1 else 's'}</a>"
            )
            if may_bulk:
                parts.append(
                    f' <a class="small cell-accept-all" href="{cache["accept_all"]}?document='
                    f'{cell.document.pk}&amp;facet={row.facet.pk}&amp;next={cache["here"]}">'
                    "Accept all…</a>"
                )
        parts.append("</td>")
    return mark_safe("".join(parts))


def _with_pk(pattern: str, pk: int) -> str:
    """A URL reversed with pk 0, for another pk."""
    cut = pattern.rindex("/0/")
    return f"{pattern[:cut]}/{pk}/{pattern[cut + 3 :]}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    return "∞" if value == float("inf") else "−∞" if value == float("-inf") else f"{value:g}"


@register.simple_tag
def number_line(line, facet) -> SafeString:
    """A number facet's current values on one axis as server-drawn SVG, each source's
    interval a bar (open ends run to the edge with an arrow), and the same data as a table
    beside it. Built in Python for the same reason as matrix_cell; everything inserted is
    escaped text or numbers."""
    escape = html.escape

    def plain(text: str) -> str:  # SVG text and titles hold no <bdi>: no controls instead
        return escape(without_bidi_controls(text))

    name = plain(facet.name)
    svg = [
        f'<svg class="number-line-chart" viewBox="0 -22 620 {line.height + 30:g}" '
        f'role="img" focusable="false" '
        f'aria-label="Number line of {name}; the table below holds the same values">'
    ]
    for label, x in line.ticks:
        svg.append(
            f'<line class="tick" x1="{x}" x2="{x}" y1="-6" y2="{line.height:g}"></line>'
            f'<text class="tick-label" x="{x}" y="-10">{escape(label)}</text>'
        )
    rows = []
    for row in line.rows:
        claim, bar = row.claim, row.bar
        classes = "bar " + ("counted" if claim.counted else "uncounted")
        classes += " is-against" if claim.against else ""
        value = ("denies " if claim.against else "") + claim.value
        svg.append(
            f'<line class="{classes}" x1="{bar.drawn_x1}" x2="{bar.drawn_x2}" y1="{bar.y}" '
            f'y2="{bar.y}"><title>{plain(f"{claim.voice}: {value}")}</title></line>'
            f'<text class="bar-label" x="{bar.label_x}" y="{bar.y + 4}" text-anchor="end">'
            f"{plain(_clip(claim.voice, 30))}</text>"
        )
        if bar.open_high:
            svg.append(f'<polygon class="arrow" points="{bar.arrow}"></polygon>')
        rows.append(
            f"<tr><td>{_isolated(claim.voice)}</td><td>{_isolated(value)}</td>"
            f"<td>{_number(claim.interval.low)}</td><td>{_number(claim.interval.high)}</td>"
            f"<td>{'yes' if claim.counted else 'no (not a claim)'}</td></tr>"
        )
    svg.append("</svg>")
    table = (
        '<table class="number-line-table"><caption class="visually-hidden">'
        f'{name}: the values on the line</caption><thead><tr><th scope="col">Source</th>'
        '<th scope="col">Value as written</th><th scope="col">From</th>'
        '<th scope="col">To</th><th scope="col">Counted</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )
    return mark_safe("".join(svg) + table)


@register.simple_tag
def overview_marks(marks: list[tuple[int, int, str]]) -> str:
    """The overview strip's marks as compact JSON, [[id, start, kind], ...] (escaped by the
    attribute it goes in). orjson writes the same text as json.dumps with compact
    separators for ints and the kinds' ASCII names, ten times faster (2,000 marks on a long
    text)."""
    return orjson.dumps(marks).decode()


@register.simple_tag
def overview_kinds() -> str:
    """{kind: label} for the strip's accessible names, from the one table of kinds."""
    styles = [*KINDS.values(), UNTAGGED_STYLE]
    return json.dumps({style.value: style.label for style in styles}, separators=(",", ":"))


OPTION_LENGTH = 60


@register.simple_tag
def source_options(documents, selected: int | None) -> SafeString:
    """`<option>`s for (pk, title) pairs, each title escaped, without direction controls and
    cut to OPTION_LENGTH characters: built here, not in a template loop, because a project
    may hold thousands of sources (the search page's filter lists them all)."""
    options = []
    for pk, title in documents:
        title = without_bidi_controls(title)
        if len(title) > OPTION_LENGTH:
            title = title[: OPTION_LENGTH - 1] + "…"
        chosen = " selected" if pk == selected else ""
        options.append(f'<option value="{int(pk)}"{chosen}>{conditional_escape(title)}</option>')
    return mark_safe("".join(options))
