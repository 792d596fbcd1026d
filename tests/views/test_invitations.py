"""Owners invite people by username or email; the invited person accepts. Nobody learns
whether an account exists, and an invitation works only for the account it names."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reader.models import Activity, Invitation, Membership
from reader.services.projects import invitation_create, invitation_for_token
from reader.vocabularies import Action, Role
from tests.conftest import shown
from tests.factories import UserFactory


def members_url(project) -> str:
    return reverse("reader:member_list", args=[project.slug])


def invite(client, project, invitee: str, role: str = "viewer") -> str:
    """Invite through the page; returns the link it shows once."""
    response = client.post(members_url(project), {"invitee": invitee, "role": role})
    assert response.status_code == 200
    return re.search(
        r'value="(http://testserver/invitations/link/[^"]+)"', response.content.decode()
    )[1]


@pytest.mark.parametrize("invitee", ["mallory", "MALLORY", "mallory@example.org"])
def test_the_invited_person_joins_by_the_link(client, alice, mallory, project, invitee):
    client.force_login(alice)
    link = invite(client, project, invitee)
    assert not Membership.objects.filter(project=project, user=mallory).exists()

    client.force_login(mallory)
    page = shown(client.get(link).content.decode())
    assert "alice invites" in page and "as <strong>viewer</strong>" in page
    response = client.post(link)
    assert response["Location"] == project.get_absolute_url()
    assert Membership.objects.get(project=project, user=mallory).role == Role.VIEWER
    assert not Invitation.objects.exists()
    joined = Activity.objects.get(project=project, action=Action.MEMBER_JOINED)
    assert joined.actor == mallory and "invited by alice" in shown(joined.summary)


# What differs between any two pages: the link's secret, ids, dates and CSRF tokens.
VARYING = r"/invitations/link/[^\"]+|/invitations/\d+/|\d{4}-\d\d-\d\d|csrf[^>]+>"


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, alice, project):
    """An owner (anyone can become one) cannot probe for usernames or addresses."""
    UserFactory(username="known", email="known@example.org")
    client.force_login(alice)
    for known, unknown in [("known", "unknown"), ("known@example.org", "unknown@example.org")]:
        pages = []
        for invitee in (known, unknown):
            Invitation.objects.all().delete()
            body = client.post(members_url(project), {"invitee": invitee, "role": "viewer"})
            assert body.status_code == 200
            pages.append(re.sub(VARYING, "", body.content.decode()).replace(invitee, "someone"))
        assert pages[0] == pages[1]


def test_a_link_works_only_for_the_account_it_names(client, alice, mallory, project):
    client.force_login(alice)
    link = invite(client, project, "someone-else")
    client.force_login(mallory)
    assert "This invitation is for “someone-else”" in shown(client.get(link).content.decode())
    response = client.post(link)
    assert response.status_code == 403
    assert "signed in as mallory" in shown(response.content.decode())
    assert not Membership.objects.filter(project=project, user=mallory).exists()
    assert Invitation.objects.count() == 1


def test_an_email_invitation_needs_the_account_with_that_address(client, alice, project):
    client.force_login(alice)
    link = invite(client, project, "analyst@example.org", role="annotator")
    stranger = UserFactory(username="stranger", email="other@example.org")
    client.force_login(stranger)
    assert client.post(link).status_code == 403
    analyst = UserFactory(username="analyst", email="Analyst@Example.org")
    client.force_login(analyst)
    client.post(link)
    assert Membership.objects.get(project=project, user=analyst).role == Role.ANNOTATOR


def test_username_invitations_wait_on_the_projects_page(client, alice, mallory, project):
    invitation_create(project=project, invitee="mallory", role=Role.ANNOTATOR, invited_by=alice)
    # Addresses are not verified, so invitations to one wait only behind their link.
    invitation_create(project=project, invitee=mallory.email, role=Role.OWNER, invited_by=alice)
    client.force_login(mallory)
    page = shown(client.get(reverse("reader:project_list")).content.decode())
    assert "alice invites you to <strong>Idlib" in page and "as annotator" in page
    assert "as owner" not in page
    invitation = Invitation.objects.get(invitee="mallory")
    client.post(reverse("reader:invitation_respond", args=[invitation.pk]))
    assert Membership.objects.get(project=project, user=mallory).role == Role.ANNOTATOR


def test_others_cannot_answer_an_invitation_by_its_id(client, alice, bob, project):
    invitation, _ = invitation_create(
        project=project, invitee="newcomer", role=Role.OWNER, invited_by=alice
    )
    intruder = UserFactory(username="intruder")
    client.force_login(intruder)
    response = client.post(reverse("reader:invitation_respond", args=[invitation.pk]))
    assert response.status_code == 404
    assert not Membership.objects.filter(user=intruder).exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_declining_uses_the_invitation_up(client, alice, mallory, project):
    client.force_login(alice)
    link = invite(client, project, "mallory")
    client.force_login(mallory)
    response = client.post(link, {"decline": "1"})
    assert response["Location"] == reverse("reader:project_list")
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(project=project, user=mallory).exists()
    assert client.post(link).status_code == 404


def test_an_expired_invitation_is_refused(client, alice, mallory, project):
    client.force_login(alice)
    link = invite(client, project, "mallory")
    Invitation.objects.update(expires=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(mallory)
    assert "expired" in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 403
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(project=project, user=mallory).exists()


def test_a_wrong_link_says_what_to_do(client, mallory):
    client.force_login(mallory)
    response = client.get(reverse("reader:invitation_link", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "Ask the project&#x27;s owner for a new one" in response.content.decode()


def test_signed_out_visitors_sign_in_first_and_come_back(client, alice, project):
    client.force_login(alice)
    link = invite(client, project, "mallory")
    client.logout()
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/invitations/link/" in response["Location"]


def test_inviting_a_member_or_nobody_is_refused(client, alice, project):
    client.force_login(alice)
    for invitee, message in [
        ("bob", "bob is already a member"),
        ("", "This field is required"),
        ("two words", "Give the username or email address"),
    ]:
        response = client.post(members_url(project), {"invitee": invitee, "role": "viewer"})
        assert response.status_code == 400
        assert message in shown(response.content.decode())
    assert not Invitation.objects.exists()


def test_only_owners_invite_and_withdraw(client, alice, bob, project):
    client.force_login(bob)
    response = client.post(members_url(project), {"invitee": "mallory", "role": "owner"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    invitation, _ = invitation_create(
        project=project, invitee="mallory", role=Role.OWNER, invited_by=alice
    )
    withdraw = reverse("reader:invitation_withdraw", args=[project.slug, invitation.pk])
    assert client.post(withdraw).status_code == 403
    client.force_login(alice)
    assert "Waiting for an answer" in client.get(members_url(project)).content.decode()
    client.post(withdraw)
    assert not Invitation.objects.exists()


def test_a_new_invitation_replaces_the_pending_one(alice, project):
    first, first_token = invitation_create(
        project=project, invitee="Mallory", role=Role.VIEWER, invited_by=alice
    )
    invitation_create(project=project, invitee="mallory", role=Role.ANNOTATOR, invited_by=alice)
    assert Invitation.objects.get().role == Role.ANNOTATOR
    assert invitation_for_token(first_token) is None


def test_only_a_hash_of_the_link_is_stored(alice, project):
    invitation, token = invitation_create(
        project=project, invitee="mallory", role=Role.VIEWER, invited_by=alice
    )
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
