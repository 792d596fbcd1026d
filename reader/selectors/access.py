"""Who gets which object: one lookup per entity, each asking the access policy.

Non-members get Http404, so a project's existence is not revealed; members whose role does
not allow the permission asked for get PermissionDenied with the policy's message.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from django.db.models import Model, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from reader.access import Access, Permission, readable_by
from reader.models import (
    Annotation,
    DeletedAnnotation,
    Document,
    Entity,
    Event,
    Facet,
    FacetLink,
    Invitation,
    Membership,
    Reply,
    Suggestion,
)
from reader.selectors.team import invitations_for_user

M = TypeVar("M", bound=Model)


def project_access(*, user, slug: str, permission: Permission = Permission.READ) -> Access:
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("project").filter(user=user, project__slug=slug).first()
    )
    if membership is None:
        raise Http404
    access = Access(project=membership.project, membership=membership)
    access.require(permission)
    return access


# How each model reaches its project, for the lookups below.
PROJECT_PATHS: dict[type[Model], str] = {
    Document: "project",
    Event: "project",
    Membership: "project",
    Annotation: "document__project",
    Reply: "annotation__document__project",
    FacetLink: "facet__event__project",
    Facet: "event__project",
    Entity: "project",
    Suggestion: "project",
}


def _one(queryset: QuerySet[M], *, access: Access, pk: int) -> M:
    """The row `pk` of the queryset if it belongs to the access's project; Http404
    otherwise, as for an id that does not exist."""
    project = PROJECT_PATHS[queryset.model]
    # No ORDER BY (first() would add the model's): for one row by its key SQLite still
    # sorts, copying the row, text and all, into a temporary b-tree: 5 ms for `long`.
    rows = list(queryset.filter(**{project: access.project, "pk": pk}).order_by()[:1])
    if not rows:
        raise Http404
    return rows[0]


class Lookup(Generic[M]):
    """`lookup(user=..., slug=..., pk=..., permission=...)`: a member's access and the
    object, once the policy allows `permission` on it (Http404 for non-members and for ids
    of other projects, PermissionDenied with the policy's message otherwise)."""

    def __init__(self, model: type[M], *related: str) -> None:
        self.model, self.related = model, related

    def __call__(
        self,
        *,
        user,
        slug: str,
        pk: int,
        permission: Permission = Permission.READ,
        defer: tuple[str, ...] = (),
    ) -> tuple[Access, M]:
        """`defer`: fields the caller does not read (a long document's text is 1 MB)."""
        access = project_access(user=user, slug=slug)
        queryset = self.model._default_manager.select_related(*self.related).defer(*defer)
        row = _one(queryset, access=access, pk=pk)
        access.require(permission, row)
        return access, row


document_get_for_user = Lookup(Document, "outlet", "project", "counter")
annotation_get_for_user = Lookup(Annotation, "document", "author")
# The API's: its answers name the author from their own rows, and compiling the author's
# columns into the lookup was a third of its cost on every edit and delete.
api_annotation_get_for_user = Lookup(Annotation, "document")
event_get_for_user = Lookup(Event, "project")
facet_link_get_for_user = Lookup(FacetLink, "annotation__document", "facet__event")
reply_get_for_user = Lookup(Reply, "annotation__document", "author")
facet_get_for_user = Lookup(Facet, "event__project")
entity_get_for_user = Lookup(Entity, "project", "parent")
suggestion_get_for_user = Lookup(Suggestion, "document__project", "facet__event")


def membership_get_for_owner(*, user, slug: str, pk: int) -> tuple[Access, Membership]:
    """A membership of the project, for one of its owners to change."""
    access = project_access(user=user, slug=slug, permission=Permission.MANAGE_MEMBERS)
    memberships = Membership.objects.select_related("user", "project")
    return access, _one(memberships, access=access, pk=pk)


def deleted_annotation_get_for_user(
    *, user, slug: str, pk: int, permission: Permission = Permission.TRASH_UNDO
) -> tuple[Access, DeletedAnnotation]:
    """A deleted annotation in the project's trash, for an owner or (to undo) its author."""
    access = project_access(user=user, slug=slug)
    trashed = (
        DeletedAnnotation.objects.select_related("document")
        .filter(document__project=access.project, pk=pk)
        .first()
    )
    if trashed is None:
        raise Http404("This annotation is no longer in the trash.")
    access.require(permission, trashed)
    return access, trashed


def invitation_get_for_user(*, user, pk: int) -> Invitation:
    invitation = invitations_for_user(user).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation for you: it may have been withdrawn.")
    return invitation


def document_revision_for_user(*, user, slug: str, pk: int) -> int | None:
    """The document's revision, or None when it is not in a project of the user's: the
    membership check and the read are one indexed query, cheap enough to poll."""
    return (
        Document.objects.filter(readable_by(user, through="project__"), pk=pk, project__slug=slug)
        .values_list(Coalesce("counter__revision", 0), flat=True)
        .first()
    )


def event_revision_for_user(*, user, slug: str, pk: int) -> int | None:
    """The event's revision, or None when it is not in a project of the user's: one indexed
    query, like document_revision_for_user."""
    return (
        Event.objects.filter(readable_by(user, through="project__"), pk=pk, project__slug=slug)
        .values_list("revision", flat=True)
        .first()
    )
