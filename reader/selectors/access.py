"""Who gets which object: one lookup per entity, each asking the access policy.

Non-members get Http404, so a project's existence is not revealed; members whose role does
not allow the permission asked for get PermissionDenied with the policy's message.
"""

from __future__ import annotations

from django.http import Http404

from reader.access import Access, Permission, readable_by
from reader.models import (
    Annotation,
    DeletedAnnotation,
    Document,
    Event,
    FacetLink,
    Invitation,
    Membership,
    Reply,
)
from reader.selectors.team import invitations_for_user


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


def document_get_for_user(
    *, user, slug: str, pk: int, permission: Permission = Permission.READ
) -> tuple[Access, Document]:
    access = project_access(user=user, slug=slug, permission=permission)
    document = (
        Document.objects.select_related("outlet", "project")
        .filter(project=access.project, pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return access, document


def annotation_get_for_user(
    *, user, slug: str, pk: int, permission: Permission = Permission.READ
) -> tuple[Access, Annotation]:
    access = project_access(user=user, slug=slug)
    annotation = (
        Annotation.objects.select_related("document", "author")
        .filter(document__project=access.project, pk=pk)
        .first()
    )
    if annotation is None:
        raise Http404
    access.require(permission, annotation)
    return access, annotation


def event_get_for_user(
    *, user, slug: str, pk: int, permission: Permission = Permission.READ
) -> tuple[Access, Event]:
    access = project_access(user=user, slug=slug, permission=permission)
    event = Event.objects.select_related("project").filter(project=access.project, pk=pk).first()
    if event is None:
        raise Http404
    return access, event


def facet_link_get_for_user(
    *, user, slug: str, pk: int, permission: Permission = Permission.READ
) -> tuple[Access, FacetLink]:
    access = project_access(user=user, slug=slug)
    link = (
        FacetLink.objects.select_related("annotation__document", "facet__event")
        .filter(facet__event__project=access.project, pk=pk)
        .first()
    )
    if link is None:
        raise Http404
    access.require(permission, link)
    return access, link


def reply_get_for_user(
    *, user, slug: str, pk: int, permission: Permission = Permission.READ
) -> tuple[Access, Reply]:
    access = project_access(user=user, slug=slug)
    reply = (
        Reply.objects.select_related("annotation__document", "author")
        .filter(annotation__document__project=access.project, pk=pk)
        .first()
    )
    if reply is None:
        raise Http404
    access.require(permission, reply)
    return access, reply


def membership_get_for_owner(*, user, slug: str, pk: int) -> tuple[Access, Membership]:
    """A membership of the project, for one of its owners to change."""
    access = project_access(user=user, slug=slug, permission=Permission.MANAGE_MEMBERS)
    membership = (
        Membership.objects.select_related("user", "project")
        .filter(project=access.project, pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    return access, membership


def deleted_annotation_get_for_owner(
    *, user, slug: str, pk: int
) -> tuple[Access, DeletedAnnotation]:
    access = project_access(user=user, slug=slug, permission=Permission.RESTORE)
    trashed = (
        DeletedAnnotation.objects.select_related("document")
        .filter(document__project=access.project, pk=pk)
        .first()
    )
    if trashed is None:
        raise Http404("This annotation is no longer in the trash.")
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
        .values_list("revision", flat=True)
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
