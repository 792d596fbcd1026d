"""Reads for the library and the reader page."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    Field,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from reader import anchoring
from reader.access import readable_by
from reader.models import Annotation, Document, Facet, FacetLink, Membership, Project, Reply
from reader.selectors.common import NULLS_FIRST, links_prefetch, replies_prefetch
from reader.vocabularies import NEEDS_REVIEW, AnchorStatus, Kind


def panel_prefetches() -> tuple[Prefetch, Prefetch]:
    """A panel item's links (with facet and event) and replies (with author), as the lists
    `panel_links` and `panel_replies`: Django's prefetch into `links.all` clones a queryset
    for every annotation (most of the panel's read), into a list it does not."""
    links, replies = links_prefetch(), replies_prefetch()
    return (
        Prefetch("links", queryset=links.queryset, to_attr="panel_links"),
        Prefetch("replies", queryset=replies.queryset, to_attr="panel_replies"),
    )


def panel_page(pks: list[int], authors: dict[int, Any]) -> list[Annotation]:
    """The annotations `pks`, in that order, with their author (from `authors`, the users
    the page has read already, by id) and with `panel_links` and `panel_replies` as
    panel_prefetches gives them: the links and replies are read by the ids already known,
    not by Django's prefetch (whose machinery was a tenth of the page)."""
    links = cast("QuerySet[FacetLink]", links_prefetch().queryset)
    replies = cast("QuerySet[Reply]", replies_prefetch().queryset)
    # No ORDER BY (not even the model's): the rows are put in `pks`' order here.
    found = {a.pk: a for a in Annotation.objects.filter(pk__in=pks).order_by()}
    for annotation in found.values():
        # Not joined: a third of the query's time. An author not in `authors` (changed
        # since they were read) is read on its own when used, never taken wrongly.
        if annotation.author_id in authors:
            annotation.author = authors[annotation.author_id]
    links_of: dict[int, list[FacetLink]] = {pk: [] for pk in found}
    replies_of: dict[int, list[Reply]] = {pk: [] for pk in found}
    for link in links.filter(annotation_id__in=list(found)):
        link.annotation = found[link.annotation_id]  # as the prefetch leaves it cached
        links_of[link.annotation_id].append(link)
    for reply in replies.filter(annotation_id__in=list(found)):
        reply.annotation = found[reply.annotation_id]
        replies_of[reply.annotation_id].append(reply)
    for pk, annotation in found.items():
        annotation.panel_links = links_of[pk]
        annotation.panel_replies = replies_of[pk]
    return [found[pk] for pk in pks if pk in found]


def annotation_with_links(*, pk: int) -> Annotation:
    """One annotation for its panel item, with links and replies (panel_prefetches); the
    caller has checked access."""
    from reader.selectors.exports import source_date

    return (
        Annotation.objects.select_related("document__project", "author")
        .prefetch_related(*panel_prefetches())
        .annotate(source_date=source_date())
        .get(pk=pk)
    )


def facets_for_linking(project: Project) -> list[Facet]:
    """Every facet of the project's events, grouped by event, for a link form."""
    return list(
        Facet.objects.filter(event__project=project)
        .select_related("event")
        .order_by(NULLS_FIRST("event__starts"), "event__name", "order", "pk")
    )


def projects_for_user(user) -> QuerySet[Project]:
    """The user's projects, each with `role`: theirs in it."""
    roles = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")
    return Project.objects.filter(readable_by(user)).annotate(role=Subquery(roles[:1]))


def documents_for_library(
    *, project: Project, search: str = "", outlet_id: int | None = None, outlet_kind: str = ""
) -> QuerySet[Document]:
    documents = Document.objects.filter(project=project).select_related("outlet", "project")
    if search:
        documents = documents.filter(Q(title__icontains=search) | Q(text__icontains=search))
    if outlet_id:
        documents = documents.filter(outlet_id=outlet_id)
    if outlet_kind:
        documents = documents.filter(outlet__kind=outlet_kind)
    # Only the columns the library shows: a library of long texts must not load them all.
    return (
        documents.defer("text").with_kind_counts().order_by(NULLS_FIRST("published"), "title", "pk")
    )


@dataclass(frozen=True)
class ReaderFilters:
    kinds: frozenset[str] = frozenset(Kind.values)
    author_id: int | None = None
    open_threads: bool = False  # only annotations with replies and not resolved
    suggestions: bool = False  # show the engine's pending suggestions (reviewers only)

    @property
    def active(self) -> bool:
        return (
            self.kinds != frozenset(Kind.values) or self.author_id is not None or self.open_threads
        )


@dataclass(frozen=True)
class Highlight:
    """What the reading pane needs of an annotation: which one it is, and its kind."""

    pk: int
    kind: str


# Panel items rendered per request: the text shows every highlight, but the panel's items
# (each with links, thread and actions) come a page at a time as the reader scrolls.
PANEL_PAGE_SIZE = 30


@dataclass
class ReaderView:
    """Everything the reader page shows for one document, built with a fixed number of
    queries whatever the number of annotations."""

    annotations: list[Annotation]  # the panel's page of the annotations shown
    text: str  # the version's text the segments cut
    authors: list
    total: int
    shown: int
    offset: int
    next_offset: int | None
    version: int | None = None  # an older version's number; None for the latest
    to_review: int = 0  # fuzzy and orphaned annotations of the document
    # (id, start, kind) of every annotation shown, in text order: the overview strip's marks.
    marks: list[tuple[int, int, str]] = field(default_factory=list)
    # What the pane shows besides the text's structure: (id, start, end, kind) of every
    # highlight, in text order, and the suggestions' spans (render_cache.pane_html keys the
    # pane's HTML by them).
    highlights: list[tuple[int, int, int, str]] = field(default_factory=list)
    extra_spans: list[anchoring.Span] = field(default_factory=list)

    @functools.cached_property
    def segments(self) -> list[anchoring.Segment]:
        """The text cut at the boundaries of its structure, highlights and suggestions:
        made only when the pane's HTML is not in the render cache (on a long text, the
        spans and the cutting are a quarter of the page's time)."""
        spans = (
            anchoring.structure_spans(self.text)
            + [anchoring.Span(s, e, Highlight(pk, kind)) for pk, s, e, kind in self.highlights]
            + self.extra_spans
        )
        return anchoring.segments(len(self.text), spans)


def _anchored(status: str, text_version: int, version: int | None) -> bool:
    """Whether an annotation has a place in the version's text: on the latest, those on it
    and the fuzzy ones (at their proposed passage); on an older one, those anchored to it."""
    if version is None:
        return status != AnchorStatus.ORPHANED
    return text_version == version and status in NEEDS_REVIEW


def reader_view(
    *,
    document: Document,
    filters: ReaderFilters,
    offset: int = 0,
    panel: bool = True,
    version: int | None = None,
    text: str | None = None,
    extra_spans: list[anchoring.Span] | None = None,
) -> ReaderView:
    """Highlights for every annotation the filters show, from light rows; full annotations
    (links, replies) for the panel's page alone, unless `panel` is off. On the latest
    version unless `version` (an older one, whose `text` the caller read) is given."""
    text = document.text if text is None else text
    annotations = Annotation.objects.filter(document=document).in_text_order()
    if filters.open_threads:
        replies = Reply.objects.filter(annotation=OuterRef("pk"))
        annotations = annotations.annotate(has_replies=Exists(replies))
    else:
        annotations = annotations.annotate(has_replies=Value(False, output_field=Field()))
    # `resolved` as the database gives it (0/1, or a boolean), read for its truth alone: with
    # no column to convert, Django hands the rows over untouched (converting 2,000 booleans
    # one by one costs a long document's page several ms).
    annotations = annotations.annotate(
        is_resolved=ExpressionWrapper(F("resolved"), output_field=Field())
    )
    rows = list(
        annotations.values_list(
            "pk",
            "start",
            "end",
            "kind",
            "author_id",
            "is_resolved",
            "has_replies",
            "proposed_start",
            "proposed_end",
            "anchor_status",
            "text_version",
        )
    )
    to_review = sum(row[9] in NEEDS_REVIEW for row in rows)
    rows = [row for row in rows if _anchored(row[9], row[10], version)]
    shown = sorted(
        (
            (pk, start, end, kind)
            if version is not None or proposed is None
            else (pk, proposed, proposed_end, kind)
            for pk, start, end, kind, author, resolved, replied, proposed, proposed_end, *_ in rows
            if kind in filters.kinds
            and (filters.author_id is None or author == filters.author_id)
            and (not filters.open_threads or (replied and not resolved))
        ),
        key=lambda row: (row[1], row[2], row[0]),
    )
    users = get_user_model().objects.filter(pk__in={row[4] for row in rows})
    authors = list(users.order_by("username")) if rows else []
    page = [pk for pk, *_ in shown[offset : offset + PANEL_PAGE_SIZE]] if panel else []
    next_offset = offset + PANEL_PAGE_SIZE
    return ReaderView(
        annotations=panel_page(page, {user.pk: user for user in authors}) if page else [],
        text=text,
        authors=authors,
        total=len(rows),
        shown=len(shown),
        offset=offset,
        next_offset=next_offset if next_offset < len(shown) else None,
        version=version,
        to_review=to_review,
        marks=[(pk, start, kind) for pk, start, _end, kind in shown],
        highlights=shown,
        extra_spans=extra_spans or [],
    )
