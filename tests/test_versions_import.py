"""W3C annotations made on an older version of a source (issue 16): the target's TimeState
is read back, the selectors anchored on the version it names and the annotation
re-anchored onto the latest as a new version moves annotations (exact, moved, fuzzy,
orphaned; nothing dropped). A state that names no version is refused with its reason.
Round trips: W3C export, import onto a copy of the source with its versions, export
again; and the bundle, with annotations left on old versions."""

from __future__ import annotations

import copy
import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reader.formats import w3c
from reader.formats.bundle_load import bundle_import
from reader.formats.w3c_collection import w3c_import
from reader.formats.w3c_state import (
    ERROR_STATE_NO_TIME,
    ERROR_STATE_SPANS,
    exact_moment,
)
from reader.models import Annotation, DocumentVersion, Project
from reader.services import versions
from reader.services.documents import annotation_create, document_create, outlet_get_or_create
from reader.services.projects import membership_set, project_create
from reader.vocabularies import AnchorStatus, Role
from tests.test_bundle import export_bundle, write
from tests.views.test_api import bearer, container, resource

V1 = (
    "The strike killed 33 soldiers near Balyun on Thursday evening. "
    "Officials in Ankara said the convoy was hit twice by artillery fire from the south. "
    "A spokesman declined to comment on the casualties at the time. "
    "Local sources reported heavy shelling in the area overnight."
)
V2 = "UPDATE 1: the ministry confirmed the toll.\n" + V1.replace(
    "the convoy was hit twice by artillery fire from the south",
    "the convoy had been hit twice by the artillery fire from the south",
).replace("A spokesman declined to comment on the casualties at the time. ", "")
V3 = "UPDATE 2: a second convoy arrived at dawn.\n" + V2
VERSION_DATES = {
    1: datetime.datetime(2026, 2, 27, 10, 0, 0, 250_000, tzinfo=datetime.UTC),
    2: datetime.datetime(2026, 2, 27, 18, 30, 0, 500_000, tzinfo=datetime.UTC),
    3: datetime.datetime(2026, 2, 28, 9, 0, 0, tzinfo=datetime.UTC),
}


def _on(document, quote: str, author, note: str = "") -> Annotation:
    start = document.text.index(quote)
    return annotation_create(
        document=document,
        author=author,
        kind="claim",
        start=start,
        end=start + len(quote),
        note=note,
    )


@pytest.fixture
def source(db, alice, bob):
    """A source with three versions: annotations made on version 1 (one stays exact in
    place, one rewording makes fuzzy, one removed passage orphans), on version 2 and on 3."""
    project = project_create(name="Versions", slug="versions", owner=alice)
    membership_set(project=project, user=bob, role=Role.ANNOTATOR)
    outlet = outlet_get_or_create(project=project, name="The blog")
    document = document_create(project=project, outlet=outlet, title="Live page", text=V1)
    _on(document, "33 soldiers", alice, "the toll")
    _on(document, "the convoy was hit twice by artillery fire", bob)
    _on(document, "A spokesman declined to comment on the casualties", alice, "gone in v2")
    versions.version_create(document=document, text=V2, added_by=alice)
    document.refresh_from_db()
    _on(document, "heavy shelling", bob, "made on v2")
    versions.version_create(document=document, text=V3, added_by=alice)
    document.refresh_from_db()
    _on(document, "a second convoy", alice, "made on v3")
    assert anchoring_of(document, fields=("note", "anchor_status", "text_version")) == [
        ("", "fuzzy", 1),
        ("gone in v2", "orphaned", 1),
        ("made on v2", "moved", 3),
        ("made on v3", "exact", 3),
        ("the toll", "moved", 3),
    ]
    # When each version came in, hours apart (one of them on a whole second).
    for number, moment in VERSION_DATES.items():
        DocumentVersion.objects.filter(document=document, number=number).update(created=moment)
    return document


def w3c_items(document) -> list[dict]:
    out = StringIO()
    call_command("export_project", document.project.slug, "--format", "w3c", stdout=out)
    items = json.loads(out.getvalue())["first"]["items"]
    return [i for i in items if f"/documents/{document.pk}/annotations/" in i["id"]]


def fresh_copy(source, owner) -> object:
    """The source in a new project with every version as it was (a bundle's documents,
    without its annotations)."""
    data = json.loads(export_bundle(source.project.slug))
    data["annotations"], data["trash"] = [], []
    copy_project = project_create(name="Copy", slug="copy", owner=owner)
    bundle_import(data=data, project=copy_project, actor=owner)
    return copy_project.documents.get()


ANCHORING = ("note", "anchor_status", "text_version", "start", "end")
ANCHORING += ("proposed_start", "proposed_end")


def anchoring_of(document, fields=ANCHORING) -> list[tuple]:
    return sorted(document.annotations.values_list(*fields))


def test_the_w3c_round_trip_keeps_old_versions_selectors_and_states(source, alice):
    exported = w3c_items(source)
    states = {item["target"]["state"]["sourceDate"] for item in exported}
    dates = dict(DocumentVersion.objects.filter(document=source).values_list("number", "created"))
    assert states == {exact_moment(dates[1]), exact_moment(dates[3])}
    target = fresh_copy(source, alice)
    assert target.text_version == 3 and target.text == source.text
    report = w3c_import(data=exported, document=target, default_author=alice)
    assert report.created["annotations"] == 5
    assert report.reanchored == {"fuzzy": 1, "orphaned": 1}
    assert "re-anchored onto the latest: 1 fuzzy, 1 orphaned" in report.summary()
    # Every annotation where it was: the orphan on version 1, the fuzzy one on version 1
    # with the same proposal on the latest, the others on the latest.
    assert [row[1:] for row in anchoring_of(target)] == [
        row[1:] if row[1] in {"fuzzy", "orphaned"} else ("exact", *row[2:])
        for row in anchoring_of(source)
    ]
    again = {item["via"]: item["target"] for item in w3c_items(target)}
    for item in exported:
        assert again[item["id"]]["selector"] == item["target"]["selector"], item["id"]
        assert again[item["id"]]["state"] == item["target"]["state"], item["id"]
    # And once more: everything is already there.
    assert (
        w3c_import(data=exported, document=target, default_author=alice).existing["annotations"]
        == 5
    )


def test_an_export_re_imported_after_its_annotations_moved_finds_each_of_them(source, alice):
    """Reader's own IRIs are known again by the time they were made when a new version
    (or an accepted review) moved their span since the export: nothing comes in twice."""
    exported = w3c_items(source)
    before = Annotation.objects.filter(document=source).count()
    versions.version_create(document=source, text="UPDATE 3: calm at noon.\n" + V3, added_by=alice)
    source.refresh_from_db()
    assert Annotation.objects.filter(document=source, anchor_status="moved").exists()
    report = w3c_import(data=exported, document=source, default_author=alice)
    assert report.existing["annotations"] == before
    assert not report.created["annotations"]
    assert Annotation.objects.filter(document=source).count() == before


def _foreign(quote: str, state) -> dict:
    """A client's annotation: a quote only, and the state it read the source in."""
    return {
        "@context": w3c.W3C_CONTEXT,
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "seen then", "purpose": "commenting"},
        "target": {
            "source": "https://blog.example/live",
            "selector": {"type": "TextQuoteSelector", "exact": quote},
            "state": state,
        },
    }


def _version_date(document, number: int) -> datetime.datetime:
    return DocumentVersion.objects.get(document=document, number=number).created


def test_a_foreign_annotation_on_an_old_version_is_anchored_there_then_carried(source, alice):
    first = _version_date(source, 1)
    # When the client read the page, to the second: version 1 had come in (a quarter of a
    # second later than that second) and was in effect.
    assert first.microsecond
    read_at = {"type": "TimeState", "sourceDate": exact_moment(first).split(".")[0] + "Z"}
    items = [
        _foreign("A spokesman declined to comment", read_at),  # only in version 1
        _foreign("killed 33 soldiers", read_at),  # there in every version
    ]
    report = w3c_import(data=items, document=source, default_author=alice)
    assert report.created["annotations"] == 2
    orphan, carried = (
        Annotation.objects.filter(document=source, note="seen then").order_by("pk").all()
    )
    assert (orphan.anchor_status, orphan.text_version, orphan.made_on) == ("orphaned", 1, 1)
    assert V1[orphan.start : orphan.end] == "A spokesman declined to comment"
    assert (carried.anchor_status, carried.text_version, carried.made_on) == ("moved", 3, 1)
    assert source.text[carried.start : carried.end] == "killed 33 soldiers"
    # The client's target, kept verbatim while it says where the annotation is; Reader's
    # own once it has moved.
    assert orphan.foreign["target"] == items[0]["target"]
    assert "target" not in carried.foreign
    exported = {i["id"].rsplit("/", 2)[-2]: i for i in w3c_items(source)}
    assert exported[str(orphan.pk)]["target"] == items[0]["target"]
    assert exported[str(carried.pk)]["target"]["state"] == {
        "type": "TimeState",
        "sourceDate": exact_moment(_version_date(source, 3)),
    }


def test_an_interval_within_one_version_names_it(source, alice):
    start, end = _version_date(source, 1), _version_date(source, 2)
    state = {
        "type": "TimeState",
        "sourceDateStart": exact_moment(start),
        "sourceDateEnd": exact_moment(end - datetime.timedelta(microseconds=1)),
    }
    w3c_import(data=_foreign("A spokesman", state), document=source, default_author=alice)
    made = Annotation.objects.get(document=source, note="seen then")
    assert (made.anchor_status, made.text_version) == ("orphaned", 1)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (
            {"type": "TimeState", "sourceDate": "2001-09-09T01:46:40Z"},
            "as it was at 2001-09-09T01:46:40Z, before this document's first version "
            "(2026-02-27T10:00:00.250000Z): Reader does not have that text",
        ),
        ({"type": "TimeState", "sourceDate": "yesterday"}, "TimeState has sourceDate “yesterday”"),
        (
            {"type": "TimeState", "sourceDate": "2026-01-01T00:00:00"},
            "TimeState has sourceDate “2026-01-01T00:00:00”",
        ),
        ({"type": "TimeState", "cached": "https://archive.example/page"}, ERROR_STATE_NO_TIME),
        ({"type": "TimeState", "sourceDateStart": "2026-01-01T00:00:00Z"}, ERROR_STATE_NO_TIME),
        ("spans", ERROR_STATE_SPANS.split(",")[0].split("{")[0]),
        ({"type": "TimeState", "sourceDate": 1582797600}, "TimeState has sourceDate “1582797600”"),
        ({"type": "TimeState", "sourceDate": {"@value": "2026"}}, "TimeState has sourceDate"),
        (
            {"type": "TimeState", "sourceDate": "9999-12-31T23:00:00-12:00"},
            "TimeState has sourceDate “9999-12-31T23:00:00-12:00”",
        ),
        ({"type": "TimeState", "sourceDate": "2026-02-27T10:00:00Z" * 500}, "TimeState has"),
    ],
    ids=[
        "before-the-first",
        "not-a-time",
        "no-zone",
        "cached-only",
        "start-only",
        "two-versions",
        "a-number",
        "an-object",
        "year-10000-in-utc",
        "ten-thousand-characters",
    ],
)
def test_a_state_naming_no_version_is_refused_with_its_reason(source, alice, state, message):
    if state == "spans":
        state = {
            "type": "TimeState",
            "sourceDateStart": exact_moment(_version_date(source, 1)),
            "sourceDateEnd": exact_moment(_version_date(source, 3)),
        }
    before = Annotation.objects.count()
    with pytest.raises(Exception) as refused:
        w3c_import(data=[_foreign("33 soldiers", state)], document=source, default_author=alice)
    assert type(refused.value).__name__ == "ImportRefused"
    assert message in refused.value.problems[0], refused.value.problems
    assert Annotation.objects.count() == before


def test_other_states_are_kept_and_the_latest_version_read(source, alice):
    """An HttpRequestState (or a state by IRI) names no time: the selectors are read on the
    latest version, and the state is kept with the target."""
    state = {"type": "HttpRequestState", "value": "Accept: text/html"}
    w3c_import(data=[_foreign("a second convoy", state)], document=source, default_author=alice)
    made = Annotation.objects.get(document=source, note="seen then")
    assert (made.anchor_status, made.text_version) == ("exact", 3)
    assert made.foreign["target"]["state"] == state


def test_the_api_takes_an_annotation_on_an_old_version_and_a_put_of_an_orphan(
    client, source, alice
):
    sent = _foreign(
        "A spokesman declined",
        {"type": "TimeState", "sourceDate": exact_moment(_version_date(source, 1))},
    )
    headers = bearer(alice)
    response = client.post(
        container(source), json.dumps(sent), content_type=w3c.MEDIA_TYPE, headers=headers
    )
    assert response.status_code == 201, response.content
    made = Annotation.objects.get(document=source, note="seen then")
    assert (made.anchor_status, made.text_version) == ("orphaned", 1)
    # An orphan as the API gives it, sent back with a new note: its target is unchanged.
    orphan = Annotation.objects.get(document=source, note="gone in v2")
    body = client.get(resource(orphan), headers=headers).json()
    body["body"] = [b for b in body["body"] if b.get("purpose") != "commenting"]
    body["body"].append({"type": "TextualBody", "purpose": "commenting", "value": "still gone"})
    response = client.put(
        resource(orphan),
        json.dumps(body),
        content_type=w3c.MEDIA_TYPE,
        headers={**headers, "If-Match": client.get(resource(orphan), headers=headers)["ETag"]},
    )
    assert response.status_code == 200, response.content
    orphan.refresh_from_db()
    assert (orphan.note, orphan.anchor_status, orphan.text_version) == ("still gone", "orphaned", 1)


def test_the_bundle_round_trips_annotations_left_on_old_versions(source, tmp_path):
    first = export_bundle(source.project.slug)
    data = json.loads(first)
    records = sorted((a["anchor_status"], a["text_version"]) for a in data["annotations"])
    assert ("fuzzy", 1) in records and ("orphaned", 1) in records
    before = anchoring_of(source)
    Project.objects.all().delete()
    get_user_model().objects.all().delete()
    call_command(
        "import_bundle", str(write(tmp_path, first)), "--create-accounts", stdout=StringIO()
    )
    assert export_bundle("versions") == first
    document = Project.objects.get(slug="versions").documents.get()
    assert anchoring_of(document) == before
    # A fourth version after the move re-anchors them as it would have where they came from.
    versions.version_create(document=document, text=V3 + "\nUPDATE 3.", added_by=None)
    assert Annotation.objects.filter(document=document, anchor_status="orphaned").count() == 1


def test_reader_s_own_state_is_not_kept_as_a_foreign_target(source, alice):
    """What Reader writes comes back as Reader's own: nothing stored verbatim."""
    exported = w3c_items(source)
    target = fresh_copy(source, alice)
    w3c_import(data=copy.deepcopy(exported), document=target, default_author=alice)
    assert all("target" not in a.foreign for a in target.annotations.all())
    assert AnchorStatus.FUZZY in set(target.annotations.values_list("anchor_status", flat=True))


def test_the_api_refuses_a_state_naming_no_version_with_a_400(client, source, alice):
    sent = _foreign("33 soldiers", {"type": "TimeState", "sourceDate": "2001-09-09T01:46:40Z"})
    before = Annotation.objects.count()
    response = client.post(
        container(source), json.dumps(sent), content_type=w3c.MEDIA_TYPE, headers=bearer(alice)
    )
    assert response.status_code == 400
    assert "before this document's first version" in response.json()["error"]
    assert Annotation.objects.count() == before


def test_the_preview_says_what_came_in_on_older_versions(client, source, alice):
    """Uploaded from the import page: the preview counts the annotations made on older
    versions by where they landed, writes nothing, and the import then writes them."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.conftest import shown

    exported = json.dumps(w3c_items(source)).encode()
    target = fresh_copy(source, alice)
    client.force_login(alice)
    url = reverse("reader:import_upload", args=[target.project.slug])
    file = SimpleUploadedFile("annotations.jsonld", exported)
    response = client.post(url, {"kind": "w3c", "document": target.pk, "file": file})
    assert response.status_code == 302
    preview = shown(client.get(response["Location"]).content.decode())
    assert "Made on older versions of the source" in preview
    assert "1 fuzzy, 1 orphaned" in preview
    assert not target.annotations.exists()
    assert client.post(response["Location"]).status_code == 302
    assert target.annotations.count() == 5
