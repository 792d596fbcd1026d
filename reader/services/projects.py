"""Writes for projects, their members, and personal API tokens."""

from __future__ import annotations

import datetime
import functools
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from reader import anchoring
from reader.models import ApiToken, Invitation, Membership, Project
from reader.sanitize import isolate
from reader.services.changes import activity_record
from reader.services.documents import ERROR_BAD_CHARACTERS
from reader.validators import validate_username
from reader.vocabularies import Action, Role


@transaction.atomic
def membership_set(*, project: Project, user, role: str) -> Membership:
    membership = Membership.objects.filter(project=project, user=user).first() or Membership(
        project=project, user=user
    )
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership


API_TOKEN_PREFIX = "rdr_"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def account_reset_password(*, username: str, project: Project, role: str) -> tuple[object, str]:
    """Create the account or give it a new random password, as a member of `project` with
    `role`; return it with the password, to show once (the local demo account)."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save(update_fields=["password"])
    membership_set(project=project, user=user, role=role)
    return user, password


@transaction.atomic
def account_create(*, username: str, email: str, password: str):
    """A new account, signed up: SignUpForm has checked its name, address and password."""
    user = get_user_model()(username=username, email=email)
    user.set_password(password)
    user.save()
    return user


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for the user: the stored row and the token itself, to show once."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    # A name too long is cut rather than refused: it is only a label for the user.
    name = name.strip()[: ApiToken._meta.get_field("name").max_length] or "API token"
    if bad := anchoring.unacceptable_characters(name):
        raise ValidationError({"name": ERROR_BAD_CHARACTERS.format(what=bad)})
    row = ApiToken(user=user, name=name, key_hash=_token_hash(token), prefix=token[:10])
    row.full_clean()
    row.save()
    return row, token


@transaction.atomic
def api_token_delete(*, user, pk: int) -> None:
    """Revoke one of the user's tokens; another user's token id is simply not found."""
    user.api_tokens.filter(pk=pk).delete()


@functools.cache
def _token_user_sql(vendor: str) -> str:
    """The user of the token with this hash, with the token's id and whether its last use
    is older than the moment given: one plain statement (every API request asks it, and
    the ORM's compilation of the join cost more than running it), the same on SQLite and
    PostgreSQL."""
    quote = connection.ops.quote_name
    users, tokens = get_user_model()._meta.db_table, ApiToken._meta.db_table
    return (
        f"SELECT u.*, t.id AS token_id, (t.last_used IS NULL OR t.last_used < %s) AS stale "
        f"FROM {quote(users)} u JOIN {quote(tokens)} t ON t.user_id = u.id WHERE t.key_hash = %s"
    )


def api_token_user(token: str):
    """The active user a token belongs to, or None; notes when it was last used."""
    now = timezone.now()
    # At most once a minute: a write per request would take SQLite's write lock for reads.
    since = connection.ops.adapt_datetimefield_value(now - datetime.timedelta(minutes=1))
    sql = _token_user_sql(connection.vendor)
    users = get_user_model().objects.raw(sql, [since, _token_hash(token)])
    user: Any = next(iter(users), None)  # with the query's token_id and stale
    if user is None or not user.is_active:
        return None
    if user.stale:
        ApiToken.objects.filter(pk=user.token_id).update(last_used=now)
    return user


ERROR_LAST_OWNER = "A project keeps at least one owner: make someone else an owner first."
ERROR_ALREADY_MEMBER = "{who} is already a member of this project."
ERROR_NO_INVITEE = "Give the username or email address of the person to invite."
ERROR_INVITATION_UNKNOWN = (
    "This invitation is not valid any more: it was accepted, declined or withdrawn, or the "
    "link was copied wrongly. Ask the project's owner for a new one."
)
ERROR_INVITATION_EXPIRED = (
    "This invitation expired on {date}. Ask the project's owner for a new one."
)
ERROR_INVITATION_OTHER_ACCOUNT = (
    "This invitation is for “{invitee}”, and you are signed in as {username}{email}. Sign "
    "in with that account, or ask the owner to invite this one."
)
INVITATION_DAYS = 14


@transaction.atomic
def project_create(*, name: str, slug: str, owner, description: str = "") -> Project:
    """A new project, with the person who made it as its owner."""
    project = Project(name=name.strip(), slug=slug, description=description.strip())
    project.full_clean()
    project.save()
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


def _invitee_member(project: Project, invitee: str) -> Membership | None:
    """A member the invitation would address: by username, or by email for an address."""
    field = "user__email__iexact" if "@" in invitee else "user__username__iexact"
    return project.memberships.filter(**{field: invitee}).select_related("user").first()


@transaction.atomic
def invitation_create(
    *, project: Project, invitee: str, role: str, invited_by
) -> tuple[Invitation, str]:
    """An invitation and its link's secret, to show once. Whether an account with that
    name or address exists is never said: the answer is the same either way."""
    invitee = invitee.strip()
    if not invitee or any(character.isspace() for character in invitee):
        raise ValidationError({"invitee": ERROR_NO_INVITEE})
    try:  # an address as any form takes one; a name as sign-up would take it
        validate_email(invitee) if "@" in invitee else validate_username(invitee)
    except ValidationError as error:
        raise ValidationError({"invitee": error.messages}) from error
    if _invitee_member(project, invitee):
        raise ValidationError({"invitee": ERROR_ALREADY_MEMBER.format(who=isolate(invitee))})
    # A new invitation to the same person replaces the one pending.
    project.invitations.filter(invitee__iexact=invitee).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        project=project,
        invitee=invitee,
        role=role,
        invited_by=invited_by,
        key_hash=_token_hash(token),
        expires=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    activity_record(
        project_id=project.pk,
        actor=invited_by,
        action=Action.MEMBER_INVITED,
        summary=f"{isolate(invitee)} as {invitation.get_role_display().lower()}",
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("project", "invited_by")
        .filter(key_hash=_token_hash(token))
        .first()
    )


def invitation_is_for(invitation: Invitation, user) -> bool:
    """Whether the invitation names this account: its username, or its email address."""
    addressed = invitation.invitee.casefold()
    if invitation.is_email:
        return bool(user.email) and user.email.casefold() == addressed
    return user.get_username().casefold() == addressed


def _check_addressee(invitation: Invitation, user) -> None:
    if not invitation_is_for(invitation, user):
        email = f" ({isolate(user.email)})" if user.email else ""
        raise ValidationError(
            ERROR_INVITATION_OTHER_ACCOUNT.format(
                invitee=isolate(invitation.invitee),
                username=isolate(user.get_username()),
                email=email,
            )
        )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """The invited person joins with the role offered; the invitation is used up."""
    still_open = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if still_open is None:
        raise ValidationError(ERROR_INVITATION_UNKNOWN)
    invitation = still_open
    if invitation.expires < timezone.now():
        raise ValidationError(
            ERROR_INVITATION_EXPIRED.format(date=invitation.expires.date().isoformat())
        )
    _check_addressee(invitation, user)
    membership = Membership.objects.filter(project=invitation.project, user=user).first()
    if membership is None:
        membership = membership_set(project=invitation.project, user=user, role=invitation.role)
        activity_record(
            project_id=invitation.project_id,
            actor=user,
            action=Action.MEMBER_JOINED,
            summary=f"as {membership.get_role_display().lower()}, invited by "
            f"{isolate(invitation.invited_by.get_username())}",
        )
    invitation.delete()
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user) -> None:
    _check_addressee(invitation, user)
    invitation.delete()


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> None:
    invitation.delete()


def _locked(membership: Membership) -> Membership:
    """The membership as it is now, with its project's row locked: two owners stepping down
    at once are served one after the other, so neither leaves the project ownerless."""
    Project.objects.select_for_update().get(pk=membership.project_id)
    return Membership.objects.select_related("project", "user").get(pk=membership.pk)


def _check_not_last_owner(membership: Membership) -> None:
    if membership.role != Role.OWNER:
        return
    owners = Membership.objects.filter(project=membership.project_id, role=Role.OWNER)
    if owners.count() <= 1:
        raise ValidationError(ERROR_LAST_OWNER)


@transaction.atomic
def member_set_role(*, membership: Membership, role: str, actor=None) -> Membership:
    membership = _locked(membership)
    if role != Role.OWNER:
        _check_not_last_owner(membership)
    if role != membership.role:
        activity_record(
            project_id=membership.project_id,
            actor=actor,
            action=Action.MEMBER_ROLE_SET,
            summary=f"{isolate(membership.user.get_username())}: {membership.role} → {role}",
        )
    return membership_set(project=membership.project, user=membership.user, role=role)


@transaction.atomic
def member_remove(*, membership: Membership, actor=None) -> None:
    membership = _locked(membership)
    _check_not_last_owner(membership)
    membership.delete()
    activity_record(
        project_id=membership.project_id,
        actor=actor,
        action=Action.MEMBER_REMOVED,
        summary=membership.user.get_username(),
    )
