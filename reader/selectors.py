"""Reads across models, and the access helpers every view goes through.

Non-members get Http404, so a project's existence is not revealed; members whose role
cannot write get PermissionDenied on writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from reader import anchoring
from reader.models import Annotation, Document, Kind, Membership, Project, Role

ERROR_READ_ONLY = "Your role in this project is viewer: you can read and export, not annotate."
ERROR_NOT_YOURS = "Only the annotation's author or a project owner can change it."


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


def projects_for_user(user) -> QuerySet[Project]:
    return Project.objects.visible_to(user).order_by("name")


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
    return documents.defer("text").with_kind_counts().order_by("published", "title", "pk")


@dataclass(frozen=True)
class ReaderFilters:
    kinds: frozenset[str] = frozenset(Kind.values)
    author_id: int | None = None

    @property
    def active(self) -> bool:
        return self.kinds != frozenset(Kind.values) or self.author_id is not None


@dataclass
class ReaderView:
    """Everything the reader page shows for one document, built with a fixed number of
    queries whatever the number of annotations."""

    annotations: list[Annotation]
    segments: list[anchoring.Segment]
    authors: list
    total: int


def reader_view(*, document: Document, filters: ReaderFilters) -> ReaderView:
    every = list(
        Annotation.objects.filter(document=document).select_related("author").in_text_order()
    )
    shown = [
        annotation
        for annotation in every
        if annotation.kind in filters.kinds
        and (filters.author_id is None or annotation.author_id == filters.author_id)
    ]
    spans = anchoring.structure_spans(document.text) + [
        anchoring.Span(a.start, a.end, a) for a in shown
    ]
    authors = sorted({a.author for a in every}, key=lambda user: user.get_username())
    return ReaderView(
        annotations=shown,
        segments=anchoring.segments(len(document.text), spans),
        authors=authors,
        total=len(every),
    )
