"""Versions in the exports: the W3C target names its version with a TimeState and still
validates; the bundle carries every version and round-trips byte for byte."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from reader.formats.w3c_state import exact_moment
from reader.models import Annotation, Document, DocumentVersion, Project
from reader.services import versions
from reader.services.projects import membership_set
from reader.vocabularies import AnchorStatus, Role
from tests.test_bundle import export_bundle, write
from tests.test_w3c_export import ANNOTATION_MUSTS, SCHEMAS, failures, get_json

CAPTURE = Path(__file__).parent / "captures" / "live_updates_v2.txt"
TIME_STATE = [
    json.loads((SCHEMAS / "annotations/specificResource" / name).read_text())
    for name in ("4.3.1-timeStateValid.json", "4.3-stateValidIfPresent.json")
]


@pytest.fixture
def versioned(db, alice):
    call_command("load_demo", stdout=StringIO())
    project = Project.objects.get(slug="idlib-2020")
    membership_set(project=project, user=alice, role=Role.OWNER)
    live = project.documents.get(title__startswith="Live Updates")
    report = versions.version_create(
        document=live, text=CAPTURE.read_text(encoding="utf-8"), added_by=alice
    )
    assert report.counts[AnchorStatus.FUZZY] == 1
    fuzzy = Annotation.objects.get(document=live, anchor_status=AnchorStatus.FUZZY)
    versions.anchor_orphan(annotation=fuzzy, actor=alice)
    return project, live


def test_w3c_targets_name_their_version_and_validate(client, alice, versioned):
    project, live = versioned
    client.force_login(alice)
    page = get_json(client, reverse("reader:document_export", args=[project.slug, live.pk]))
    items = page["first"]["items"]
    dates = dict(DocumentVersion.objects.filter(document=live).values_list("number", "created"))
    states = {item["target"]["state"]["sourceDate"] for item in items}
    assert states == {exact_moment(d) for d in dates.values()}
    orphan = Annotation.objects.get(document=live, anchor_status=AnchorStatus.ORPHANED)
    [item] = [i for i in items if i["id"].endswith(f"/annotations/{orphan.pk}/")]
    assert item["target"]["state"]["sourceDate"] == exact_moment(dates[1])
    assert item["target"]["selector"][1] == {
        "type": "TextPositionSelector",
        "start": orphan.start,
        "end": orphan.end,
    }
    for item in items:
        assert failures(item, ANNOTATION_MUSTS + TIME_STATE) == [], item["id"]
    # Sources with one version carry no state, as before.
    other = project.documents.exclude(pk=live.pk).first()
    page = get_json(client, reverse("reader:document_export", args=[project.slug, other.pk]))
    assert all("state" not in item["target"] for item in page["first"]["items"])


def test_the_bundle_carries_every_version_and_round_trips(versioned, tmp_path):
    project, live = versioned
    first = export_bundle()
    data = json.loads(first)
    [record] = [d for d in data["documents"] if d.get("versions")]
    assert [v["number"] for v in record["versions"]] == [1, 2]
    assert "text" in record["versions"][0] and "text" not in record["versions"][1]
    Project.objects.all().delete()
    get_user_model().objects.all().delete()
    call_command(
        "import_bundle", str(write(tmp_path, first)), "--create-accounts", stdout=StringIO()
    )
    assert export_bundle() == first
    live = Document.objects.get(title__startswith="Live Updates")
    assert live.text_version == 2
    assert Annotation.objects.filter(document=live, anchor_status="orphaned").count() == 1


def test_a_bundle_with_inconsistent_versions_is_refused(versioned, tmp_path):
    from tests.test_bundle import refused

    data = json.loads(export_bundle())
    [record] = [d for d in data["documents"] if d.get("versions")]
    record["versions"][0]["text"] += " edited"
    assert "version 1 no longer matches its content_hash" in refused(tmp_path, data)
    data = json.loads(export_bundle())
    orphan = next(a for a in data["annotations"] if a["anchor_status"] == "orphaned")
    orphan["text_version"] = 2
    assert "does not fit version 2" in refused(tmp_path, data)
