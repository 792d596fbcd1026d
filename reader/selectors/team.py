"""Reads for the team: activity, trash and invitations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    QuerySet,
)
from django.utils import timezone

from reader.models import Activity, DeletedAnnotation, Invitation, Project
from reader.vocabularies import Action

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
    "links": (
        "Links to events",
        [Action.LINK_CREATED, Action.LINK_DELETED, Action.LINK_SUPERSEDED],
    ),
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
    "suggestions": ("Suggestions", [Action.SUGGESTION_ACCEPTED]),
    "sources": (
        "Sources and events",
        [
            Action.DOCUMENT_ADDED,
            Action.IMPORTED,
            Action.EVENT_CREATED,
            Action.FACET_CREATED,
            Action.FACET_CHANGED,
        ],
    ),
    "entities": (
        "Entities",
        [
            Action.ENTITY_MERGED,
            Action.ENTITY_SPLIT,
            Action.ENTITY_RENAMED,
            Action.ENTITY_ALIAS_ADDED,
            Action.ENTITY_PARENT_SET,
        ],
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


def invitations_pending(*, project: Project) -> QuerySet[Invitation]:
    return project.invitations.filter(expires__gte=timezone.now()).select_related("invited_by")


def invitations_for_user(user) -> QuerySet[Invitation]:
    """Invitations addressed to the user's username. Those sent to an email address come
    only by their link: addresses are not verified, so one alone proves nothing."""
    return Invitation.objects.filter(
        invitee__iexact=user.get_username(), expires__gte=timezone.now()
    ).select_related("project", "invited_by")
