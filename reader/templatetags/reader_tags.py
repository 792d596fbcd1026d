from __future__ import annotations

import html
from typing import Any, Protocol, cast

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from reader.anchoring import Segment
from reader.sanitize import bidi_balanced, without_bidi_controls
from reader.vocabularies import KINDS, KindStyle, kind_names

register = template.Library()


# The letter that marks where an annotation of each kind starts (KINDS, keyed by value).
LETTERS: dict[str, str] = {kind.value: style.letter for kind, style in KINDS.items()}


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
    for key in segment.keys:
        if isinstance(key, str):  # structure: a heading, a comment block
            classes.append(f"s-{key}")
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
                {f for key in segment.keys for f in facets.get(getattr(key, "pk", 0), [])}
            )
            if facet_ids:
                attributes += f' data-facets="{" ".join(map(str, facet_ids))}"'
        marks = [LETTERS[cast(Marked, a).kind] for a in segment.starting if not isinstance(a, str)]
        if marks:
            attributes += f' data-mark="{"".join(marks)}"'
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


@register.simple_tag(takes_context=True)
def can(context, permission: str, obj=None) -> bool:
    """`{% can "annotation_change" annotation as allowed %}`: the access policy's answer
    for the page's member (`access` in the context), the only way templates ask it."""
    access = context.get("access")
    return access is not None and access.can(permission, obj)


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
