from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reader.models import Membership, Project
from reader.vocabularies import Role


def test_anyone_signed_in_creates_a_project_and_owns_it(client, mallory):
    client.force_login(mallory)
    response = client.post(reverse("reader:project_create"), {"name": "Qaminas strike"})
    project = Project.objects.get(slug="qaminas-strike")
    assert response["Location"] == project.get_absolute_url()
    assert Membership.objects.get(project=project).role == Role.OWNER


def test_a_taken_slug_is_refused_plainly(client, mallory, project):
    client.force_login(mallory)
    response = client.post(reverse("reader:project_create"), {"name": "X", "slug": project.slug})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert not Project.objects.filter(name="X").exists()


def members_url(project) -> str:
    return reverse("reader:member_list", args=[project.slug])


def test_every_member_sees_the_team(client, carol, project):
    client.force_login(carol)
    body = client.get(members_url(project)).content.decode()
    assert "alice" in body and "bob" in body
    assert "Invite someone" not in body and "Set role" not in body


def update_url(project, membership) -> str:
    return reverse("reader:member_update", args=[project.slug, membership.pk])


def test_owners_change_roles_and_remove_members(client, alice, bob, project):
    client.force_login(alice)
    membership = Membership.objects.get(project=project, user=bob)
    client.post(update_url(project, membership), {"role": "viewer"})
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    client.post(update_url(project, membership), {"remove": "1"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("data", [{"role": "annotator"}, {"remove": "1"}])
def test_a_project_keeps_at_least_one_owner(client, alice, project, data):
    client.force_login(alice)
    membership = Membership.objects.get(project=project, user=alice)
    response = client.post(update_url(project, membership), data)
    assert response.status_code == 400
    assert "keeps at least one owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_with_two_owners_one_may_step_down(client, alice, bob, project):
    Membership.objects.filter(project=project, user=bob).update(role=Role.OWNER)
    client.force_login(alice)
    membership = Membership.objects.get(project=project, user=alice)
    response = client.post(update_url(project, membership), {"remove": "1"})
    assert response["Location"] == reverse("reader:project_list")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_memberships_of_other_projects_are_not_found(client, alice, project, other_project):
    client.force_login(alice)
    foreign = Membership.objects.get(project=other_project)
    response = client.post(
        reverse("reader:member_update", args=[project.slug, foreign.pk]), {"role": "viewer"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.OWNER


def test_sign_up_makes_an_account_and_signs_in(client, db):
    response = client.post(
        reverse("signup"),
        {
            "username": "newcomer",
            "email": "new@example.org",
            "password1": "a long passphrase 1",
            "password2": "a long passphrase 1",
        },
    )
    assert response["Location"] == reverse("reader:project_list")
    assert get_user_model().objects.get(username="newcomer").email == "new@example.org"
    assert client.get(reverse("reader:project_list")).status_code == 200


def test_weak_passwords_are_refused(client, db):
    response = client.post(
        reverse("signup"),
        {
            "username": "newcomer",
            "password1": "password",
            "password2": "password",
        },
    )
    assert response.status_code == 400
    assert "too common" in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_sign_up_can_be_closed(client, db, settings):
    settings.READER_SIGNUP_OPEN = False
    assert client.get(reverse("signup")).status_code == 404
    client.post(
        reverse("signup"),
        {"username": "x", "password1": "a long passphrase 1", "password2": "a long passphrase 1"},
    )
    assert not get_user_model().objects.filter(username="x").exists()


def test_sign_up_refuses_at_signs_in_usernames(client, db):
    response = client.post(
        reverse("signup"),
        {
            "username": "eve@corp.example",
            "password1": "a long passphrase 1",
            "password2": "a long passphrase 1",
        },
    )
    assert response.status_code == 400
    assert "cannot contain “@”" in response.content.decode()


def test_a_name_without_latin_letters_asks_for_a_slug(client, mallory):
    client.force_login(mallory)
    response = client.post(reverse("reader:project_create"), {"name": "Идлиб"})
    assert response.status_code == 400
    assert "Give a slug" in response.content.decode()
