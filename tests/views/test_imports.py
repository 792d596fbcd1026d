from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from reader.models import Activity, Annotation, PendingImport, Project
from reader.services.documents import document_create, outlet_get_or_create
from reader.services.projects import membership_set, project_create
from reader.vocabularies import Action, Role
from tests.conftest import shown


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    return Project.objects.get(slug="idlib-2020")


def bundle_bytes(client, project) -> bytes:
    response = client.get(
        reverse("reader:project_export", args=[project.slug]), {"format": "bundle"}
    )
    assert response["Content-Disposition"] == f'attachment; filename="{project.slug}-bundle.json"'
    return b"".join(response.streaming_content)


def upload(client, project, content: bytes, **fields):
    data = {"kind": "bundle", "file": SimpleUploadedFile("work.json", content), **fields}
    return client.post(reverse("reader:import_upload", args=[project.slug]), data)


def test_bundle_upload_previews_then_imports(client, alice, demo):
    membership_set(project=demo, user=alice, role=Role.OWNER)
    client.force_login(alice)
    raw = bundle_bytes(client, demo)
    target = Project.objects.create(name="Copy", slug="copy")
    membership_set(project=target, user=alice, role=Role.OWNER)
    response = upload(client, target, raw)
    pending = PendingImport.objects.get()
    assert response["Location"] == reverse("reader:import_preview", args=["copy", pending.pk])
    preview = client.get(response["Location"])
    body = " ".join(shown(preview.content.decode()).split())
    assert '<td>Annotations</td><td class="num">45</td>' in body
    assert not Annotation.objects.filter(document__project=target).exists()  # only a preview
    done = client.post(response["Location"], follow=True)
    assert Annotation.objects.filter(document__project=target).count() == 45
    assert "Imported 45 annotations" in done.content.decode()
    assert not PendingImport.objects.exists()
    # The import is recorded once, by who ran it, with its counts; the preview is not.
    imported = Activity.objects.get(project=target, action=Action.IMPORTED)
    assert imported.actor == alice
    assert imported.summary.startswith("work.json: Imported 45 annotations, 5 documents")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"{oops", "not valid JSON"), (b'{"format": "other"}', "This is not a Reader bundle")],
)
def test_a_bad_upload_shows_its_problems_and_stores_nothing(client, alice, demo, content, message):
    membership_set(project=demo, user=alice, role=Role.OWNER)
    client.force_login(alice)
    response = upload(client, demo, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PendingImport.objects.exists()


def test_an_invalid_bundle_lists_every_problem(client, alice, demo):
    membership_set(project=demo, user=alice, role=Role.OWNER)
    client.force_login(alice)
    data = json.loads(bundle_bytes(client, demo))
    data["annotations"][0]["start"] = -3
    data["annotations"][1]["kind"] = "rumour"
    response = upload(client, demo, json.dumps(data).encode())
    body = response.content.decode()
    assert response.status_code == 400
    assert "annotations[0] (“a1”): field “start”" in body
    assert "annotations[1] (“a2”): field “kind”" in body


def test_only_owners_import_bundles_but_annotators_import_w3c(client, bob, demo):
    membership_set(project=demo, user=bob, role=Role.ANNOTATOR)
    client.force_login(bob)
    raw = bundle_bytes(client, demo)
    assert upload(client, demo, raw).status_code == 403
    document = demo.documents.get(origin__startswith="004")
    w3c = client.get(reverse("reader:document_export", args=[demo.slug, document.pk]))
    response = upload(
        client, demo, b"".join(w3c.streaming_content), kind="w3c", document=document.pk
    )
    assert response.status_code == 302  # previewed: everything already there
    assert "Already here" in client.get(response["Location"]).content.decode()


def test_w3c_upload_needs_its_document(client, bob, demo):
    membership_set(project=demo, user=bob, role=Role.ANNOTATOR)
    client.force_login(bob)
    response = upload(client, demo, b"[]", kind="w3c")
    assert response.status_code == 400
    assert "Choose the document the annotations are on: their target names none" in (
        response.content.decode()
    )
    assert not PendingImport.objects.exists()


def test_a_w3c_upload_without_a_document_lands_on_the_one_its_target_names(client, bob, demo):
    membership_set(project=demo, user=bob, role=Role.ANNOTATOR)
    client.force_login(bob)
    document = demo.documents.get(origin__startswith="004")
    w3c = client.get(reverse("reader:document_export", args=[demo.slug, document.pk]))
    response = upload(client, demo, b"".join(w3c.streaming_content), kind="w3c")
    assert response.status_code == 302
    assert PendingImport.objects.get().document == document


def test_a_w3c_upload_whose_target_is_in_another_project_is_refused(client, alice, bob, demo):
    other = project_create(name="Other", slug="other", owner=alice)
    elsewhere = document_create(
        project=other,
        outlet=outlet_get_or_create(project=other, name="Wire"),
        title="Elsewhere",
        text="Thirty-three soldiers were killed.",
        added_by=alice,
    )
    membership_set(project=demo, user=bob, role=Role.ANNOTATOR)
    client.force_login(bob)
    target = "http://testserver" + elsewhere.get_absolute_url()
    body = {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"}
    body["target"] = {
        "source": target,
        "selector": {"type": "TextQuoteSelector", "exact": "Thirty"},
    }
    response = upload(client, demo, json.dumps(body).encode(), kind="w3c")
    assert response.status_code == 400
    assert "their target names none of this project" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_another_users_pending_import_is_not_found(client, alice, bob, demo):
    for user in (alice, bob):
        membership_set(project=demo, user=user, role=Role.OWNER)
    client.force_login(alice)
    response = upload(client, demo, bundle_bytes(client, demo))
    client.force_login(bob)
    assert client.get(response["Location"]).status_code == 404
    assert client.post(response["Location"]).status_code == 404
    assert PendingImport.objects.count() == 1


def test_preview_names_whom_a_bundle_invites_and_keeps_one_upload(client, alice, demo):
    membership_set(project=demo, user=alice, role=Role.OWNER)
    client.force_login(alice)
    raw = bundle_bytes(client, demo)
    target = Project.objects.create(name="Copy", slug="copy")
    membership_set(project=target, user=alice, role=Role.OWNER)
    upload(client, target, raw)
    response = upload(client, target, raw)
    assert PendingImport.objects.count() == 1  # the second upload replaced the first
    body = client.get(response["Location"]).content.decode()
    assert "Invited, with the roles the bundle gives them:" in body
    assert "jonas (annotator)" in body and "reviewer (viewer)" in body
    assert "credits work to people who are not members of this project: amira, jonas" in body
    assert list(target.memberships.values_list("user__username", flat=True)) == ["alice"]
