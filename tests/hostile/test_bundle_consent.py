"""A bundle speaks for other people: whom it makes members, whose work it credits, which
accounts it names. Uploaded through the site it never makes an account or a member: the
members it names are invited (they accept or not), and work credited to people who are not
members of the project goes to the uploader, or the import is refused, as the uploader
chooses on the preview. Every username it names passes the rule sign-up uses."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from reader import anchoring
from reader.formats.bundle import BUNDLE_FORMAT, BUNDLE_VERSION
from reader.formats.bundle_people import ERROR_FOREIGN_AUTHORS, ERROR_NO_ACCOUNT
from reader.models import Activity, Annotation, Invitation, Membership, Project
from reader.services.imports import import_user
from reader.services.projects import invitation_create
from reader.vocabularies import Action
from tests.conftest import shown
from tests.hostile.conftest import snapshot

User = get_user_model()
TEXT = "Balyun: 33 soldiers were killed.\n"
QUOTE = "33 soldiers"

# Names sign-up refuses: markup, a space, a tab, “!”, a zero-width space that makes a
# lookalike of “bob”, a right-to-left override, a fullwidth lookalike.
BAD_NAMES = [
    "<b>bob</b>",
    "bob smith",
    "bob\tsmith",
    "bob!",
    "bo\u200bb",
    "\u202ebob",
    "ｂｏｂ",
]


def bundle(*, members: list[tuple[str, str]], author: str, link_author: str | None = None):
    """A small bundle: one document with one annotation by `author`, and `members`."""
    start = TEXT.index(QUOTE)
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "project": {"slug": "theirs", "name": "Theirs", "description": ""},
        "members": [{"username": name, "role": role} for name, role in members],
        "outlets": [{"key": "o1", "name": "Wire", "kind": "news", "perspective": ""}],
        "documents": [
            {
                "key": "d1",
                "outlet": "o1",
                "title": "Balyun",
                "published": None,
                "origin": "",
                "language": "en",
                "added_by": author,
                "created": "2020-02-27T10:00:00+00:00",
                "content_hash": anchoring.content_hash(TEXT),
                "text": TEXT,
            }
        ],
        "events": [
            {
                "key": "e1",
                "name": "Balyun strike",
                "description": "",
                "starts": "2020-02-27",
                "ends": None,
                "place": "Balyun",
                "created": "2020-02-27T10:00:00+00:00",
            }
        ],
        "facets": [
            {"key": "f1", "event": "e1", "name": "Death toll", "value_type": "number", "order": 0}
        ],
        "annotations": [
            {
                "key": "a1",
                "document": "d1",
                "author": author,
                "kind": "claim",
                "start": start,
                "end": start + len(QUOTE),
                "quote": {"exact": QUOTE, "prefix": "", "suffix": ""},
                "note": "I never wrote this.",
                "hidden_reason": "",
                "created": "2020-02-27T11:00:00+00:00",
                "modified": "2020-02-27T11:00:00+00:00",
                "version": 3,
                "accepted": False,
                "links": [
                    {
                        "facet": "f1",
                        "value": "33",
                        "attribution": "",
                        "stance": "asserts",
                        "claimed_at": None,
                        "author": link_author or author,
                        "created": "2020-02-27T11:05:00+00:00",
                    }
                ],
            }
        ],
    }


def upload(client, project, data):
    file = SimpleUploadedFile("theirs.json", json.dumps(data).encode(), "application/json")
    url = reverse("reader:import_upload", args=[project.slug])
    return client.post(url, {"kind": "bundle", "file": file})


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def test_members_are_invited_and_others_work_is_credited_to_the_uploader(
    signed_in, client, project, alice, mallory
):
    """Alice's bundle names mallory (an outsider) as owner and as the author: mallory gets
    an invitation she may decline, is neither a member nor the author, and does not find
    the project in her list."""
    response = upload(signed_in, project, bundle(members=[("mallory", "owner")], author="mallory"))
    assert response.status_code == 302
    preview = shown(signed_in.get(response["Location"]).content.decode())
    assert "Invited, with the roles the bundle gives them:</strong> mallory (owner)" in preview
    assert "not members of this project: mallory." in preview
    assert re.search(r'value="importer"[^>]*checked', preview)  # the default
    assert not Invitation.objects.exists()  # only a preview
    assert signed_in.post(response["Location"]).status_code == 302

    assert not Membership.objects.filter(project=project, user=mallory).exists()
    invitation = Invitation.objects.get(project=project)
    assert (invitation.invitee, invitation.role, invitation.invited_by) == (
        "mallory",
        "owner",
        alice,
    )
    annotation = Annotation.objects.get(document__project=project, note="I never wrote this.")
    assert annotation.author == alice
    assert {link.author for link in annotation.links.all()} == {alice}
    assert annotation.document.added_by == alice
    imported = Activity.objects.get(project=project, action=Action.IMPORTED)
    assert "credited to the importer: the work of mallory" in imported.summary

    client.force_login(mallory)
    projects = shown(client.get(reverse("reader:project_list")).content.decode())
    assert f"<strong>{project.name}</strong> as owner." in projects  # offered, to accept
    assert client.get(project.get_absolute_url()).status_code == 404
    export = reverse("reader:project_export", args=[project.slug])
    assert client.get(export + "?format=bundle").status_code == 404


def test_refusing_others_work_refuses_the_import_and_writes_nothing(signed_in, project, mallory):
    before = snapshot()
    response = upload(signed_in, project, bundle(members=[("mallory", "owner")], author="mallory"))
    assert response.status_code == 302
    response = signed_in.post(response["Location"], {"foreign_authors": "refuse"})
    assert response.status_code == 400
    message = ERROR_FOREIGN_AUTHORS.format(names="mallory").replace("’", "&#x27;")
    assert message.split(":")[0] in shown(response.content.decode())
    assert "mallory. Invite them" in shown(response.content.decode())
    assert snapshot() == before  # no invitation, no annotation, and the upload is gone


def test_an_unknown_choice_is_a_400(signed_in, project, mallory):
    response = upload(signed_in, project, bundle(members=[], author="mallory"))
    before = snapshot()
    response = signed_in.post(response["Location"], {"foreign_authors": "mallory"})
    assert response.status_code == 400
    assert "Select a valid choice" in shown(response.content.decode())
    assert snapshot() == before


def test_members_stay_authors_and_are_not_invited_again(signed_in, project, alice, bob):
    response = upload(signed_in, project, bundle(members=[("bob", "owner")], author="bob"))
    preview = shown(signed_in.get(response["Location"]).content.decode())
    assert "Invited" not in preview and "not members of this project" not in preview
    assert signed_in.post(response["Location"]).status_code == 302
    assert Annotation.objects.get(note="I never wrote this.").author == bob
    assert project.memberships.get(user=bob).role == "annotator"  # not made an owner
    assert not Invitation.objects.exists()


def test_unknown_people_get_no_account_and_no_invitation(signed_in, project, alice):
    users = User.objects.count()
    data = bundle(members=[("stranger", "owner")], author="stranger")
    response = upload(signed_in, project, data)
    assert response.status_code == 302
    preview = shown(signed_in.get(response["Location"]).content.decode())
    assert "no account here:</strong> stranger (owner)" in preview
    assert signed_in.post(response["Location"]).status_code == 302
    assert User.objects.count() == users
    assert not Invitation.objects.exists()
    assert Annotation.objects.get(note="I never wrote this.").author == alice


def test_a_pending_invitation_is_not_made_twice(signed_in, project, alice, mallory):
    invitation_create(project=project, invitee="mallory", role="viewer", invited_by=alice)
    response = upload(signed_in, project, bundle(members=[("mallory", "owner")], author="alice"))
    assert "Invited" not in shown(signed_in.get(response["Location"]).content.decode())
    signed_in.post(response["Location"])
    assert Invitation.objects.get().role == "viewer"


@pytest.mark.parametrize("name", BAD_NAMES)
@pytest.mark.parametrize("where", ["members", "author", "link author"])
def test_names_sign_up_refuses_are_refused_in_a_bundle(signed_in, project, bob, name, where):
    if where == "members":
        data = bundle(members=[(name, "owner")], author="bob")
        field = "members[0]"
    else:
        author, link_author = (name, None) if where == "author" else ("bob", name)
        data = bundle(members=[], author=author, link_author=link_author)
        field = "annotations[0]"
    before = snapshot()
    response = upload(signed_in, project, data)
    assert response.status_code == 400
    body = shown(response.content.decode())
    assert field in body and "is not a username sign-up would take" in body
    assert snapshot() == before


# --- the operator's command -----------------------------------------------------------


def write(tmp_path: Path, data) -> str:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_the_command_makes_no_account_unless_told(db, tmp_path):
    data = bundle(members=[("newcomer", "owner")], author="newcomer")
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_bundle", write(tmp_path, data), stdout=StringIO())
    assert ERROR_NO_ACCOUNT.format(names="newcomer") in str(error.value)
    assert snapshot() == before
    call_command("import_bundle", write(tmp_path, data), "--create-accounts", stdout=StringIO())
    newcomer = User.objects.get(username="newcomer")
    assert not newcomer.has_usable_password()
    assert Project.objects.get(slug="theirs").memberships.get(user=newcomer).role == "owner"


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_command_refuses_names_sign_up_refuses(db, tmp_path, name):
    data = bundle(members=[(name, "owner")], author=name)
    before = snapshot()
    with pytest.raises(CommandError, match="is not a username sign-up would take"):
        call_command("import_bundle", write(tmp_path, data), "--create-accounts")
    assert snapshot() == before


@pytest.mark.parametrize("name", BAD_NAMES)
def test_import_user_refuses_names_sign_up_refuses(db, name):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        import_user(username=name)
    assert not User.objects.exists()


# --- the same rule in the admin and in invitations ------------------------------------


# Django's form turns “ｂｏｂ” into “bob”; “@” is Reader's own rule (invitations tell
# usernames from addresses by it), which Django's admin alone would take.
@pytest.mark.parametrize("name", [*BAD_NAMES[:-1], "bob@example.org"])
def test_the_admin_refuses_names_sign_up_refuses(client, admin_user, name):
    client.force_login(admin_user)
    before = snapshot()
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": name, "usable_password": "false", "password1": "", "password2": ""},
    )
    assert response.status_code == 200  # the form again, with the error
    body = shown(response.content.decode())
    assert "Enter a valid username" in body or "cannot contain “@”" in body
    assert snapshot() == before


def test_the_admin_renames_no_one_to_a_lookalike(client, admin_user, bob):
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[bob.pk])
    before = snapshot()
    response = client.post(
        url, {"username": "bo\u200bb", "date_joined_0": "2020-01-01", "date_joined_1": "00:00"}
    )
    assert response.status_code == 200
    assert "Enter a valid username" in shown(response.content.decode())
    assert snapshot() == before


@pytest.mark.parametrize("name", [*BAD_NAMES[:1], *BAD_NAMES[3:]])
def test_an_invitation_to_a_name_sign_up_refuses_is_refused(signed_in, project, name):
    """Spaces and tabs have their own message (“Give the username or email address”)."""
    before = snapshot()
    url = reverse("reader:member_list", args=[project.slug])
    response = signed_in.post(url, {"invitee": name, "role": "owner"})
    assert response.status_code == 400
    body = shown(response.content.decode())
    assert "Enter a valid username" in body or "canonical form" in body
    assert snapshot() == before
