"""Who a bundle's names are here, decided before anything is written: from the command
line (the operator), every name is the account of that name and the members are restored;
uploaded by a person, members are invited and work by non-members is credited to the
uploader or the import refused (bundle_load.bundle_import says when)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from reader.formats.checks import parse_moment
from reader.models import Membership, Project
from reader.services.imports import ImportRefused, ImportReport, import_history_keep, import_user
from reader.services.projects import invitation_create, membership_set
from reader.vocabularies import ForeignAuthors

ERROR_NO_ACCOUNT = (
    "The bundle names people who have no account here: {names}. Make their accounts first, "
    "or run import_bundle with --create-accounts (it makes them, without passwords)."
)
ERROR_FOREIGN_AUTHORS = (
    "The bundle credits work to people who are not members of this project: {names}. "
    "Invite them and import again once they have joined, or credit their work to yourself."
)
MAX_NAMES = 20


def listed(names) -> str:
    """Names for a message: sorted, the first MAX_NAMES of them."""
    names = sorted(names)
    more = f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
    return ", ".join(names[:MAX_NAMES]) + more


def bundle_authors(data: dict) -> set[str]:
    """Everyone the bundle credits with something: documents, annotations, links,
    replies, moderation and deletions."""
    names = {document["added_by"] for document in data["documents"] if document["added_by"]}
    for annotation in data["annotations"] + data["trash"]:
        names.add(annotation["author"])
        names.update(link["author"] for link in annotation["links"])
        for reply in annotation.get("replies", []):
            names.update(name for name in (reply["author"], reply.get("hidden_by")) if name)
        names.update(
            annotation[name] for name in ("hidden_by", "deleted_by") if annotation.get(name)
        )
    return names


def accounts(data: dict, create_accounts: bool) -> dict[str, Any]:
    """The operator's import: every name the bundle holds as the account of that name."""
    names = bundle_authors(data) | {member["username"] for member in data["members"]}
    found = {u.get_username(): u for u in get_user_model().objects.filter(username__in=names)}
    missing = names - set(found)
    if missing and not create_accounts:
        raise ImportRefused([ERROR_NO_ACCOUNT.format(names=listed(missing))])
    for name in sorted(missing):
        found[name] = import_user(username=name)
    return found


def restore_members(data: dict, project: Project, people: dict, report: ImportReport) -> None:
    for member in data["members"]:
        user = people[member["username"]]
        existed = Membership.objects.filter(project=project, user=user).exists()
        if not existed:
            membership = membership_set(project=project, user=user, role=member["role"])
            if member.get("created"):
                import_history_keep(instance=membership, created=parse_moment(member["created"]))
            report.new_members.append(f"{member['username']} ({member['role']})")
        report.count("members", existed=existed)


def invite_members(data: dict, project: Project, actor, report: ImportReport) -> None:
    """An upload's members: invited when they have an account here, never made members."""
    for member in data["members"]:
        name, role = member["username"], member["role"]
        if project.memberships.filter(user__username__iexact=name).exists():
            report.count("members", existed=True)
        elif not get_user_model().objects.filter(username=name).exists():
            report.unknown_members.append(f"{name} ({role})")
        elif project.invitations.filter(invitee__iexact=name).exists():
            report.count("invitations", existed=True)
        else:
            invitation_create(project=project, invitee=name, role=role, invited_by=actor)
            report.invitations.append(f"{name} ({role})")
            report.count("invitations", existed=False)


def credited(
    data: dict, project: Project, actor, foreign_authors: str, report: ImportReport
) -> dict[str, Any]:
    """An upload's authors: members of the project stay themselves; the work of anyone
    else is credited to the actor (named in the report), or the import refused."""
    authors = bundle_authors(data)
    memberships = project.memberships.select_related("user").filter(user__username__in=authors)
    people = {m.user.get_username(): m.user for m in memberships}
    foreign = authors - set(people)
    if foreign and foreign_authors == ForeignAuthors.REFUSE:
        raise ImportRefused([ERROR_FOREIGN_AUTHORS.format(names=listed(foreign))])
    report.credited = sorted(foreign)
    return people | dict.fromkeys(foreign, actor)
