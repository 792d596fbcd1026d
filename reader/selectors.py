"""Reads across models, and the access helpers every view goes through.

Non-members get Http404, so a project's existence is not revealed; members whose role
cannot write get PermissionDenied on writes.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404
from django.utils import timezone

from reader import agreement, anchoring, exports, values
from reader.models import (
    Action,
    Activity,
    Annotation,
    DeletedAnnotation,
    Document,
    Event,
    Facet,
    FacetLink,
    Invitation,
    Kind,
    Membership,
    Project,
    Reply,
    Role,
    Stance,
)


def NULLS_FIRST(field: str):  # noqa: N802 (reads as an ordering keyword)
    """Ascending with empty values first on every database: SQLite puts NULL first and
    PostgreSQL last, and orders (undated reports, undated sources) must not differ."""
    return F(field).asc(nulls_first=True)


ERROR_READ_ONLY = "Your role in this project is viewer: you can read and export, not annotate."
ERROR_NOT_YOURS = "Only its author or a project owner can change it."
ERROR_OWNERS_ONLY = "Only a project owner can manage its members."
ERROR_NOT_YOURS_REPLY = "Only its author can change a reply; an owner can hide it."
ERROR_MODERATORS = "Only a project owner can hide or show what others wrote."
ERROR_CURATORS = "Only a project owner can accept annotations where annotators disagree."
ERROR_TRASH_OWNERS = "Only a project owner can see and restore deleted annotations."


@dataclass(frozen=True)
class Access:
    """What one user may do in one project."""

    project: Project
    membership: Membership

    @property
    def can_write(self) -> bool:
        return self.membership.can_write

    @property
    def is_owner(self) -> bool:
        return self.membership.role == Role.OWNER

    def can_change(self, annotation: Annotation) -> bool:
        return self.is_owner or (self.can_write and annotation.author_id == self.membership.user_id)


def project_access(*, user, slug: str, write: bool = False) -> Access:
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("project").filter(user=user, project__slug=slug).first()
    )
    if membership is None:
        raise Http404
    if write and not membership.can_write:
        raise PermissionDenied(ERROR_READ_ONLY)
    return Access(project=membership.project, membership=membership)


def document_get_for_user(
    *, user, slug: str, pk: int, write: bool = False
) -> tuple[Access, Document]:
    access = project_access(user=user, slug=slug, write=write)
    document = (
        Document.objects.select_related("outlet", "project")
        .filter(project=access.project, pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return access, document


def annotation_get_for_user(
    *, user, slug: str, pk: int, write: bool = False
) -> tuple[Access, Annotation]:
    """With write=True, only the author (if they may still write) or an owner passes."""
    access = project_access(user=user, slug=slug, write=write)
    annotation = (
        Annotation.objects.select_related("document", "author")
        .filter(document__project=access.project, pk=pk)
        .first()
    )
    if annotation is None:
        raise Http404
    if write and not access.can_change(annotation):
        raise PermissionDenied(ERROR_NOT_YOURS)
    return access, annotation


def event_get_for_user(*, user, slug: str, pk: int, write: bool = False) -> tuple[Access, Event]:
    access = project_access(user=user, slug=slug, write=write)
    event = Event.objects.select_related("project").filter(project=access.project, pk=pk).first()
    if event is None:
        raise Http404
    return access, event


def facet_link_get_for_user(
    *, user, slug: str, pk: int, write: bool = False
) -> tuple[Access, FacetLink]:
    """With write=True, only the link's author (if they may still write) or an owner passes."""
    access = project_access(user=user, slug=slug, write=write)
    link = (
        FacetLink.objects.select_related("annotation__document", "facet__event")
        .filter(facet__event__project=access.project, pk=pk)
        .first()
    )
    if link is None:
        raise Http404
    if write and not (access.is_owner or link.author_id == access.membership.user_id):
        raise PermissionDenied(ERROR_NOT_YOURS)
    return access, link


def event_list(*, project: Project) -> QuerySet[Event]:
    return Event.objects.filter(project=project).annotate(
        facet_count=Count("facets", distinct=True),
        link_count=Count("facets__links", distinct=True),
        source_count=Count("facets__links__annotation__document", distinct=True),
    )


def _links_prefetch() -> Prefetch:
    return Prefetch(
        "links",
        queryset=FacetLink.objects.select_related("facet__event").order_by(
            "facet__event__name", "facet__order", NULLS_FIRST("claimed_at"), "pk"
        ),
    )


def _replies_prefetch() -> Prefetch:
    return Prefetch("replies", queryset=Reply.objects.select_related("author"))


def annotation_with_links(*, pk: int) -> Annotation:
    """One annotation for its panel item, with links and replies; the caller has checked
    access."""
    return (
        Annotation.objects.select_related("document__project", "author")
        .prefetch_related(_links_prefetch(), _replies_prefetch())
        .get(pk=pk)
    )


def reply_get_for_user(*, user, slug: str, pk: int, write: bool = False) -> tuple[Access, Reply]:
    """With write=True, only the reply's author (while they may still write) passes."""
    access = project_access(user=user, slug=slug, write=write)
    reply = (
        Reply.objects.select_related("annotation__document", "author")
        .filter(annotation__document__project=access.project, pk=pk)
        .first()
    )
    if reply is None:
        raise Http404
    if write and reply.author_id != access.membership.user_id:
        raise PermissionDenied(ERROR_NOT_YOURS_REPLY)
    return access, reply


def facets_for_linking(project: Project) -> list[Facet]:
    """Every facet of the project's events, grouped by event, for a link form."""
    return list(
        Facet.objects.filter(event__project=project)
        .select_related("event")
        .order_by(NULLS_FIRST("event__starts"), "event__name", "order", "pk")
    )


def owner_access(*, user, slug: str, message: str) -> Access:
    """The access of one of the project's owners; others get PermissionDenied(message)."""
    access = project_access(user=user, slug=slug)
    if not access.is_owner:
        raise PermissionDenied(message)
    return access


def membership_get_for_owner(*, user, slug: str, pk: int) -> tuple[Access, Membership]:
    """A membership of the project, for one of its owners to change."""
    access = project_access(user=user, slug=slug, write=True)
    if not access.is_owner:
        raise PermissionDenied(ERROR_OWNERS_ONLY)
    membership = (
        Membership.objects.select_related("user", "project")
        .filter(project=access.project, pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    return access, membership


def projects_for_user(user) -> QuerySet[Project]:
    """The user's projects, each with `role`: theirs in it."""
    roles = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")
    return Project.objects.visible_to(user).annotate(role=Subquery(roles[:1]))


def document_list(
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
    segments: list[anchoring.Segment]
    authors: list
    total: int
    shown: int
    offset: int
    next_offset: int | None


def reader_view(
    *, document: Document, filters: ReaderFilters, offset: int = 0, panel: bool = True
) -> ReaderView:
    """Highlights for every annotation the filters show, from light rows; full annotations
    (links, replies) for the panel's page alone, unless `panel` is off."""
    rows = Annotation.objects.filter(document=document).in_text_order()
    if filters.open_threads:
        rows = rows.annotate(has_replies=Exists(Reply.objects.filter(annotation=OuterRef("pk"))))
    else:
        rows = rows.annotate(has_replies=Value(False))
    rows = list(
        rows.values_list("pk", "start", "end", "kind", "author_id", "resolved", "has_replies")
    )
    shown = [
        (pk, start, end, kind)
        for pk, start, end, kind, author_id, resolved, has_replies in rows
        if kind in filters.kinds
        and (filters.author_id is None or author_id == filters.author_id)
        and (not filters.open_threads or (has_replies and not resolved))
    ]
    spans = anchoring.structure_spans(document.text) + [
        anchoring.Span(start, end, Highlight(pk, kind)) for pk, start, end, kind in shown
    ]
    authors = get_user_model().objects.filter(pk__in={row[4] for row in rows})
    page = [pk for pk, *_ in shown[offset : offset + PANEL_PAGE_SIZE]] if panel else []
    annotations = (
        Annotation.objects.filter(pk__in=page)
        .select_related("author")
        .prefetch_related(_links_prefetch(), _replies_prefetch())
        .in_text_order()
    )
    next_offset = offset + PANEL_PAGE_SIZE
    return ReaderView(
        annotations=list(annotations) if page else [],
        segments=anchoring.segments(len(document.text), spans),
        authors=list(authors.order_by("username")) if rows else [],
        total=len(rows),
        shown=len(shown),
        offset=offset,
        next_offset=next_offset if next_offset < len(shown) else None,
    )


def link_interval(link: FacetLink) -> values.Interval | None:
    if not link.is_parsed:
        return None
    return values.Interval(
        -math.inf if link.value_low is None else link.value_low,
        math.inf if link.value_high is None else link.value_high,
        link.low_open,
        link.high_open,
    )


def link_position(link: FacetLink) -> values.Position:
    denies = link.stance in {Stance.DENIES, Stance.DISPUTES}
    return values.Position(link.value, link_interval(link), denies)


@dataclass
class MatrixCell:
    document: Document
    links: list[FacetLink]
    # Earlier reports in a live page, replaced by a later timed one from the same source.
    superseded: set[int] = field(default_factory=set)

    @property
    def current(self) -> list[FacetLink]:
        return [link for link in self.links if link.pk not in self.superseded]


@dataclass
class MatrixRow:
    facet: Facet
    cells: list[MatrixCell]
    disputed: bool


@dataclass
class OutletGroup:
    outlet: object
    documents: list[Document]


@dataclass
class EventMatrix:
    event: Event
    groups: list[OutletGroup]
    documents: list[Document]
    rows: list[MatrixRow]
    kind_counts: dict[str, int]

    @property
    def disputed_count(self) -> int:
        return sum(row.disputed for row in self.rows)


def _supersede(links: list[FacetLink]) -> set[int]:
    """A live page updates a figure: of the reports from one source on one line (same
    attribution, same stance), only the latest timed one stands. An untimed report on a
    line that has timed ones counts as earlier ("Initially, the governor said nine"); the
    matrix still shows it, marked as an earlier report."""
    lines: dict[tuple[str, str], list[FacetLink]] = {}
    for link in links:
        key = (values.normalise_text_value(link.attribution), link.stance)
        lines.setdefault(key, []).append(link)
    superseded = set()
    for reports in lines.values():
        timed = [link.claimed_at for link in reports if link.claimed_at]
        if timed:
            latest = max(timed)
            superseded |= {link.pk for link in reports if link.claimed_at != latest}
    return superseded


def _source_order(documents: list[Document]) -> list[OutletGroup]:
    """Sources grouped by outlet, outlets and documents in order of date (undated last)."""

    def date_key(document: Document):
        return (document.published is None, document.published or 0, document.title)

    by_outlet: dict[int, list[Document]] = {}
    for document in sorted(documents, key=date_key):
        by_outlet.setdefault(document.outlet_id, []).append(document)
    return [OutletGroup(outlet=docs[0].outlet, documents=docs) for docs in by_outlet.values()]


def event_matrix(*, event: Event) -> EventMatrix:
    """Facets against sources, with every source's links in each cell: four queries."""
    facets = list(event.facets.all())
    links = list(
        FacetLink.objects.filter(facet__event=event)
        .select_related(
            "annotation__document__outlet", "annotation__document__project", "annotation__author"
        )
        .order_by(NULLS_FIRST("claimed_at"), "annotation__start", "pk")
    )
    documents = {link.annotation.document_id: link.annotation.document for link in links}
    groups = _source_order(list(documents.values()))
    ordered = [document for group in groups for document in group.documents]
    by_cell: dict[tuple[int, int], list[FacetLink]] = {}
    for link in links:
        by_cell.setdefault((link.facet_id, link.annotation.document_id), []).append(link)

    rows = []
    for facet in facets:
        cells = []
        for document in ordered:
            cell_links = by_cell.get((facet.pk, document.pk), [])
            cells.append(MatrixCell(document, cell_links, _supersede(cell_links)))
        positions = [link_position(link) for cell in cells for link in cell.current]
        rows.append(MatrixRow(facet=facet, cells=cells, disputed=values.disputed(positions)))

    annotations = {link.annotation_id: link.annotation for link in links}
    kind_counts = dict.fromkeys(Kind.values, 0)
    for annotation in annotations.values():
        kind_counts[annotation.kind] += 1
    return EventMatrix(event, groups, ordered, rows, kind_counts)


@dataclass
class CompareColumn:
    document: Document
    segments: list[anchoring.Segment]
    facets_by_annotation: dict[int, list[int]]


def compare_columns(*, event: Event, document_ids: list[int]) -> list[CompareColumn]:
    """Documents side by side with their highlights, and which of this event's facets each
    annotation is linked to: three queries whatever the number of annotations."""
    documents = {
        document.pk: document
        for document in Document.objects.filter(
            project=event.project_id, pk__in=document_ids
        ).select_related("outlet", "project")
    }
    annotations = list(Annotation.objects.filter(document__in=documents.values()).in_text_order())
    facets_by_annotation: dict[int, list[int]] = {}
    for annotation_id, facet_id in FacetLink.objects.filter(
        annotation__in=annotations, facet__event=event
    ).values_list("annotation_id", "facet_id"):
        facets_by_annotation.setdefault(annotation_id, []).append(facet_id)
    columns = []
    for document_id in document_ids:
        document = documents.get(document_id)
        if document is None:
            continue
        spans = anchoring.structure_spans(document.text) + [
            anchoring.Span(a.start, a.end, a) for a in annotations if a.document_id == document_id
        ]
        columns.append(
            CompareColumn(
                document=document,
                segments=anchoring.segments(len(document.text), spans),
                facets_by_annotation=facets_by_annotation,
            )
        )
    return columns


def event_documents(*, event: Event) -> list[Document]:
    """The project's documents, those linked to the event first (by date), for choosing."""
    linked = set(
        FacetLink.objects.filter(facet__event=event).values_list(
            "annotation__document_id", flat=True
        )
    )
    documents = list(
        Document.objects.filter(project=event.project_id).select_related("outlet").defer("text")
    )
    for document in documents:
        document.linked = document.pk in linked
    return sorted(
        documents,
        key=lambda d: (d.pk not in linked, d.published is None, d.published or 0, d.title),
    )


def annotations_for_export(
    *, project: Project, document: Document | None = None, event: Event | None = None
) -> QuerySet[Annotation]:
    """A project's annotations (or one document's, or those linked to one event) with what
    an export shows, in a stable order; iterate with a chunk size to keep memory flat."""
    annotations = Annotation.objects.filter(document__project=project)
    if document is not None:
        annotations = annotations.filter(document=document)
    if event is not None:
        linked = FacetLink.objects.filter(facet__event=event).values("annotation_id")
        annotations = annotations.filter(pk__in=linked)
    return (
        annotations.select_related("author")
        .prefetch_related(_links_prefetch())
        .order_by("document_id", "start", "end", "pk")
    )


def export_rows(
    annotations: QuerySet[Annotation], *, chunk_size: int = 1000
) -> Iterator[tuple[exports.AnnotationRow, list[exports.LinkRow]]]:
    """The annotations as plain tuples, each with its links, read a chunk at a time: one
    query per chunk for the annotations and one for their links, and no model instances
    (an export of 100,000 spends most of its time making them otherwise)."""
    rows = (
        annotations.prefetch_related(None)
        .values_list(
            "pk",
            "document_id",
            "kind",
            "start",
            "end",
            "quote_exact",
            "quote_prefix",
            "quote_suffix",
            "note",
            "created",
            "modified",
            "author__username",
        )
        .iterator(chunk_size=chunk_size)
    )
    while chunk := [exports.AnnotationRow._make(row) for row in islice(rows, chunk_size)]:
        links: dict[int, list[exports.LinkRow]] = {}
        for link in (
            FacetLink.objects.filter(annotation_id__in=[row.pk for row in chunk])
            .order_by("facet__event__name", "facet__order", NULLS_FIRST("claimed_at"), "pk")
            .values_list(
                "annotation_id",
                "facet_id",
                "facet__event_id",
                "facet__event__name",
                "facet__name",
                "value",
                "attribution",
                "stance",
                "claimed_at",
            )
        ):
            links.setdefault(link[0], []).append(exports.LinkRow._make(link))
        for row in chunk:
            yield row, links.get(row.pk, [])


def bundle_contents(*, project: Project) -> dict:
    """What a project bundle holds, each part in an order that depends only on the data
    (never on database ids), so that keys and bytes survive a round trip."""
    return {
        "members": list(project.memberships.select_related("user").order_by("user__username")),
        "outlets": list(project.outlets.order_by("name")),
        "documents": list(project.documents.select_related("added_by").order_by("content_hash")),
        "events": list(project.events.order_by("name")),
        "facets": list(
            Facet.objects.filter(event__project=project).order_by("event__name", "order", "name")
        ),
        "annotations": Annotation.objects.filter(document__project=project)
        .select_related("author")
        .prefetch_related(Prefetch("links", queryset=FacetLink.objects.select_related("author")))
        .order_by(
            "document__content_hash", "start", "end", "created", "kind", "author__username", "note"
        )
        .iterator(chunk_size=1000),
    }


def document_revision_for_user(*, user, slug: str, pk: int) -> int | None:
    """The document's revision, or None when it is not in a project of the user's: the
    membership check and the read are one indexed query, cheap enough to poll."""
    return (
        Document.objects.filter(pk=pk, project__slug=slug, project__memberships__user=user)
        .values_list("revision", flat=True)
        .first()
    )


@dataclass
class AgreementReport:
    """Agreement between the annotators of one document, or of a whole project."""

    annotators: list
    units: list[agreement.Unit]
    pairs: list[agreement.PairAgreement]
    alpha: float | None

    @property
    def shared(self) -> list[agreement.Unit]:
        return [unit for unit in self.units if not unit.single]

    @property
    def disagreements(self) -> list[agreement.Unit]:
        return [unit for unit in self.shared if not unit.agreed]

    @property
    def single(self) -> list[agreement.Unit]:
        return [unit for unit in self.units if unit.single]

    @property
    def settled(self) -> list[agreement.Unit]:
        """Disagreements where an owner accepted one annotation."""
        return [unit for unit in self.disagreements if _accepted_in(unit)]

    @property
    def agreed_unaccepted(self) -> int:
        return sum(1 for unit in self.shared if unit.agreed and not _accepted_in(unit))


def _accepted_in(unit: agreement.Unit) -> bool:
    return any(mark.key.accepted for mark in unit.marks)


def _agreement(annotations: list[Annotation]) -> AgreementReport:
    by_document: dict[int, list[agreement.Mark]] = {}
    authors = {}
    for a in annotations:
        authors[a.author_id] = a.author
        by_document.setdefault(a.document_id, []).append(
            agreement.Mark(annotator=a.author_id, start=a.start, end=a.end, label=a.kind, key=a)
        )
    all_units = [unit for marks in by_document.values() for unit in agreement.units(marks)]
    annotators = sorted(authors.values(), key=lambda user: user.get_username())
    pairs = agreement.pairwise(all_units, [user.pk for user in annotators])
    for pair in pairs:
        pair.first, pair.second = authors[pair.first], authors[pair.second]
    for unit in all_units:
        unit.labels = {authors[pk]: label for pk, label in unit.labels.items()}
    alpha = agreement.krippendorff_alpha(list(unit.labels.values()) for unit in all_units)
    return AgreementReport(annotators=annotators, units=all_units, pairs=pairs, alpha=alpha)


def document_agreement(*, document: Document) -> AgreementReport:
    """Two queries: the annotations with their authors (the document is in hand)."""
    annotations = list(
        Annotation.objects.filter(document=document).select_related("author").in_text_order()
    )
    return _agreement(annotations)


def project_agreement(*, project: Project) -> AgreementReport:
    """Every document's units pooled: kappa and alpha for the whole project."""
    annotations = list(
        Annotation.objects.filter(document__project=project)
        .select_related("author", "document")
        .only(
            "id",
            "kind",
            "start",
            "end",
            "quote_exact",
            "accepted",
            "document_id",
            "author",
            "document__title",
            "document__project_id",
        )
        .in_text_order()
    )
    return _agreement(annotations)


def event_revision_for_user(*, user, slug: str, pk: int) -> int | None:
    """The event's revision, or None when it is not in a project of the user's: one indexed
    query, like document_revision_for_user."""
    return (
        Event.objects.filter(pk=pk, project__slug=slug, project__memberships__user=user)
        .values_list("revision", flat=True)
        .first()
    )


ACTIVITY_GROUPS = {
    "annotations": (
        "Annotations",
        [
            Action.ANNOTATION_CREATED,
            Action.ANNOTATION_EDITED,
            Action.ANNOTATION_DELETED,
            Action.ANNOTATION_RESTORED,
        ],
    ),
    "links": ("Links to events", [Action.LINK_CREATED, Action.LINK_DELETED]),
    "discussion": (
        "Discussion",
        [
            Action.REPLY_CREATED,
            Action.THREAD_RESOLVED,
            Action.THREAD_REOPENED,
            Action.HIDDEN,
            Action.SHOWN,
        ],
    ),
    "curation": ("Curation", [Action.ANNOTATION_ACCEPTED, Action.ANNOTATION_UNACCEPTED]),
    "sources": (
        "Sources and events",
        [Action.DOCUMENT_ADDED, Action.IMPORTED, Action.EVENT_CREATED, Action.FACET_CREATED],
    ),
    "members": (
        "Members",
        [
            Action.MEMBER_INVITED,
            Action.MEMBER_JOINED,
            Action.MEMBER_ROLE_SET,
            Action.MEMBER_REMOVED,
        ],
    ),
}


@dataclass(frozen=True)
class ActivityFilters:
    actor_id: int | None = None
    group: str = ""
    document_id: int | None = None
    since: datetime.date | None = None


def activity_for_project(*, project: Project, filters: ActivityFilters) -> QuerySet[Activity]:
    entries = project.activity.newest_first()
    if filters.actor_id is not None:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.group in ACTIVITY_GROUPS:
        entries = entries.filter(action__in=ACTIVITY_GROUPS[filters.group][1])
    if filters.document_id is not None:
        entries = entries.filter(document_id=filters.document_id)
    if filters.since is not None:
        entries = entries.filter(created__date__gte=filters.since)
    return entries


def trash_for_project(*, project: Project) -> QuerySet[DeletedAnnotation]:
    """Deleted annotations still recoverable, most recently deleted first."""
    return (
        DeletedAnnotation.objects.recoverable()
        .filter(document__project=project)
        .select_related("document", "author", "deleted_by")
    )


def deleted_annotation_get_for_owner(
    *, user, slug: str, pk: int
) -> tuple[Access, DeletedAnnotation]:
    access = owner_access(user=user, slug=slug, message=ERROR_TRASH_OWNERS)
    trashed = (
        DeletedAnnotation.objects.select_related("document")
        .filter(document__project=access.project, pk=pk)
        .first()
    )
    if trashed is None:
        raise Http404("This annotation is no longer in the trash.")
    return access, trashed


def invitations_pending(*, project: Project) -> QuerySet[Invitation]:
    return project.invitations.filter(expires__gte=timezone.now()).select_related("invited_by")


def invitations_for_user(user) -> QuerySet[Invitation]:
    """Invitations addressed to the user's username. Those sent to an email address come
    only by their link: addresses are not verified, so one alone proves nothing."""
    return Invitation.objects.filter(
        invitee__iexact=user.get_username(), expires__gte=timezone.now()
    ).select_related("project", "invited_by")


def invitation_get_for_user(*, user, pk: int) -> Invitation:
    invitation = invitations_for_user(user).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation for you: it may have been withdrawn.")
    return invitation
