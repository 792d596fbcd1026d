"""The one access policy: every "may this member do X to this object" and "what may this
member see of it" in Reader is answered here, and nowhere else.

Modelled on hypothesis/h's permission map: each permission is a list of alternative
clauses, and a clause is a list of predicates that must all hold. Views ask
`Access.require`, templates ask through the `{% can %}` tag, exports, the API, the bundle,
polls and search ask `Access.can` or the visibility helpers below. Who is a member at all
(and so who gets 404) is decided by the lookups in `reader.selectors.access`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from reader.models import Membership, Project
from reader.vocabularies import Role


class Permission(StrEnum):
    READ = "read"  # see the project, its sources, events, activity; export them
    # add sources and their versions, annotations, events, facets, links, replies; review
    # where a new version's re-anchoring put annotations (anyone's: it moves no words)
    ANNOTATE = "annotate"
    ANNOTATION_CHANGE = "annotation_change"  # edit or delete an annotation
    LINK_DELETE = "link_delete"  # remove a facet link
    REPLY_CHANGE = "reply_change"  # edit or delete a reply
    MODERATE = "moderate"  # hide or show a note or a reply
    SEE_HIDDEN = "see_hidden"  # read a note or reply a moderator hid
    CURATE = "curate"  # accept annotations where annotators disagree
    IMPORT_W3C = "import_w3c"
    IMPORT_BUNDLE = "import_bundle"
    MANAGE_MEMBERS = "manage_members"  # invite, set roles, remove
    RESTORE = "restore"  # see the trash and restore from it
    ENTITY_CHANGE = "entity_change"  # merge, split, rename entities, add aliases, set parents
    TRASH_UNDO = "trash_undo"  # put a deleted annotation back (its author: "Undo")
    # see the engine's suggestions, accept (as they are or edited) and reject them
    SUGGESTION_REVIEW = "suggestion_review"
    # accept every suggestion of a cell or a source at once; compute the whole project's
    SUGGESTION_BULK = "suggestion_bulk"


WRITE_ROLES = frozenset({Role.OWNER, Role.ANNOTATOR})

Predicate = Callable[[Membership, Any], bool]


def is_member(membership: Membership, obj: Any) -> bool:
    return True  # an Access exists only for a member


def may_write(membership: Membership, obj: Any) -> bool:
    return membership.role in WRITE_ROLES


def is_owner(membership: Membership, obj: Any) -> bool:
    return membership.role == Role.OWNER


def is_author(membership: Membership, obj: Any) -> bool:
    return obj is not None and obj.author_id == membership.user_id


def readable_by(user, *, through: str = "") -> Q:
    """Permission.READ as a query: rows of projects `user` is a member of, reached from a
    model through `through` ("project__" from a document). For lists and polls, which must
    not load an Access per row."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{through}memberships__user": user})


PERMISSION_MAP: dict[Permission, list[list[Predicate]]] = {
    Permission.READ: [[is_member]],
    Permission.ANNOTATE: [[may_write]],
    Permission.ANNOTATION_CHANGE: [[is_owner], [may_write, is_author]],
    Permission.LINK_DELETE: [[is_owner], [may_write, is_author]],
    Permission.REPLY_CHANGE: [[may_write, is_author]],
    Permission.MODERATE: [[is_owner]],
    Permission.SEE_HIDDEN: [[is_owner]],
    Permission.CURATE: [[is_owner]],
    Permission.IMPORT_W3C: [[may_write]],
    Permission.IMPORT_BUNDLE: [[is_owner]],
    Permission.MANAGE_MEMBERS: [[is_owner]],
    Permission.RESTORE: [[is_owner]],
    # Entities are the team's shared reading of names: annotators and owners edit them,
    # viewers read them (and see every change in Activity).
    Permission.ENTITY_CHANGE: [[may_write]],
    # On a DeletedAnnotation, whose author_id is the deleted annotation's author.
    Permission.TRASH_UNDO: [[is_owner], [may_write, is_author]],
    # Suggestions are unconfirmed work: viewers never see them (they read what the team
    # confirmed); one accepted at a time is an annotation like any other, many at once an
    # owner's call, as is the project-wide computation.
    Permission.SUGGESTION_REVIEW: [[may_write]],
    Permission.SUGGESTION_BULK: [[is_owner]],
}

ERROR_READ_ONLY = "Your role in this project is viewer: you can read and export, not annotate."
ERROR_NOT_YOURS = "Only its author or a project owner can change it."
ERROR_NOT_YOURS_REPLY = "Only its author can change a reply; an owner can hide it."
ERROR_OWNERS_ONLY = "Only a project owner can {what}."

MESSAGES: dict[Permission, str] = {
    Permission.READ: "",
    Permission.ANNOTATE: ERROR_READ_ONLY,
    Permission.ANNOTATION_CHANGE: ERROR_NOT_YOURS,
    Permission.LINK_DELETE: ERROR_NOT_YOURS,
    Permission.REPLY_CHANGE: ERROR_NOT_YOURS_REPLY,
    Permission.MODERATE: ERROR_OWNERS_ONLY.format(what="hide or show what others wrote"),
    Permission.SEE_HIDDEN: ERROR_OWNERS_ONLY.format(what="read what a moderator hid"),
    Permission.CURATE: ERROR_OWNERS_ONLY.format(
        what="accept annotations where annotators disagree"
    ),
    Permission.IMPORT_W3C: ERROR_READ_ONLY,
    Permission.IMPORT_BUNDLE: ERROR_OWNERS_ONLY.format(
        what="import a bundle: it can add members and roles"
    ),
    Permission.MANAGE_MEMBERS: ERROR_OWNERS_ONLY.format(what="manage its members"),
    Permission.RESTORE: ERROR_OWNERS_ONLY.format(what="see and restore deleted annotations"),
    Permission.ENTITY_CHANGE: ERROR_READ_ONLY,
    Permission.TRASH_UNDO: ERROR_NOT_YOURS,
    Permission.SUGGESTION_REVIEW: ERROR_READ_ONLY,
    Permission.SUGGESTION_BULK: ERROR_OWNERS_ONLY.format(
        what="accept many suggestions at once or compute them for the whole project"
    ),
}


@dataclass(frozen=True)
class Access:
    """What one member may do and see in one project."""

    project: Project
    membership: Membership

    def can(self, permission: Permission | str, obj: Any = None) -> bool:
        clauses = PERMISSION_MAP[Permission(permission)]
        return any(all(predicate(self.membership, obj) for predicate in c) for c in clauses)

    def require(self, permission: Permission | str, obj: Any = None) -> None:
        """Raise PermissionDenied, with a message a person can act on, unless allowed. A
        viewer refused something that a write role could do is told that their role is
        the reason, not that the object is someone else's."""
        permission = Permission(permission)
        if self.can(permission, obj):
            return
        needs_write = any(may_write in clause for clause in PERMISSION_MAP[permission])
        if needs_write and not self.can(Permission.ANNOTATE):
            raise PermissionDenied(ERROR_READ_ONLY)
        raise PermissionDenied(MESSAGES[permission])

    @property
    def sees_hidden(self) -> bool:
        return self.can(Permission.SEE_HIDDEN)

    def note_of(self, annotation: Any) -> str:
        """The annotation's note as this member may read it: empty when a moderator hid it
        from them. Every renderer of notes (pages, exports, the API) goes through this."""
        return visible_note(annotation.note, annotation.hidden_reason, self.sees_hidden)


def visible_note(note: str, hidden_reason: str, sees_hidden: bool) -> str:
    """A note or reply text, or nothing when it is hidden and the reader may not see it:
    the same rule for model objects and for the plain rows of the exports."""
    return note if sees_hidden or not hidden_reason else ""
