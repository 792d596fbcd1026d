"""Writes for projects, their members, and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reader.models import ApiToken, Membership, Project, Role


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
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for the user: the stored row and the token itself, to show once."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    # A name too long is cut rather than refused: it is only a label for the user.
    name = name.strip()[: ApiToken._meta.get_field("name").max_length] or "API token"
    row = ApiToken(user=user, name=name, key_hash=_token_hash(token), prefix=token[:10])
    row.full_clean()
    row.save()
    return row, token


def api_token_user(token: str):
    """The active user a token belongs to, or None; notes when it was last used."""
    row = ApiToken.objects.select_related("user").filter(key_hash=_token_hash(token)).first()
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used=timezone.now())
    return row.user


ERROR_LAST_OWNER = "A project keeps at least one owner: make someone else an owner first."
ERROR_NO_SUCH_USER = "No account has the username or email “{who}”. Ask them to sign up first."
ERROR_SEVERAL_USERS = "Several accounts share the email “{who}”: give the username instead."
ERROR_ALREADY_MEMBER = "{username} is already a member, as {role}."


@transaction.atomic
def project_create(*, name: str, slug: str, owner, description: str = "") -> Project:
    """A new project, with the person who made it as its owner."""
    project = Project(name=name.strip(), slug=slug, description=description.strip())
    project.full_clean()
    project.save()
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


def _user_by_username_or_email(who: str):
    users = get_user_model().objects
    if "@" not in who:
        user = users.filter(username__iexact=who).first()
        if user is None:
            raise ValidationError({"who": ERROR_NO_SUCH_USER.format(who=who)})
        return user
    # An address is matched by email only: a username that looks like one cannot stand in.
    matches = list(users.filter(email__iexact=who)[:2])
    if len(matches) > 1:
        raise ValidationError({"who": ERROR_SEVERAL_USERS.format(who=who)})
    if not matches:
        raise ValidationError({"who": ERROR_NO_SUCH_USER.format(who=who)})
    return matches[0]


@transaction.atomic
def member_add(*, project: Project, who: str, role: str) -> Membership:
    """Add an existing account, found by username or email, with a role."""
    user = _user_by_username_or_email(who.strip())
    existing = Membership.objects.filter(project=project, user=user).first()
    if existing:
        raise ValidationError(
            {
                "who": ERROR_ALREADY_MEMBER.format(
                    username=user.get_username(), role=existing.get_role_display().lower()
                )
            }
        )
    return membership_set(project=project, user=user, role=role)


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
def member_set_role(*, membership: Membership, role: str) -> Membership:
    membership = _locked(membership)
    if role != Role.OWNER:
        _check_not_last_owner(membership)
    return membership_set(project=membership.project, user=membership.user, role=role)


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    membership = _locked(membership)
    _check_not_last_owner(membership)
    membership.delete()
