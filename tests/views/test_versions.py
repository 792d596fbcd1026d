"""The versions pages: refusals are 4xx with a message, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reader.models import Annotation, DocumentVersion
from reader.services import versions
from tests.conftest import shown
from tests.factories import AnnotationFactory, DocumentFactory

SEED = Path("fixtures/seeds/003_c1ad7d3c02355b4b.txt").read_text(encoding="utf-8")
CAPTURE = Path(__file__).parent.parent / "captures" / "live_updates_v2.txt"


@pytest.fixture
def live(project, alice):
    document = DocumentFactory(project=project, text=SEED)
    AnnotationFactory(document=document, author=alice, quote="A total of 36 soldiers were wounded")
    AnnotationFactory(document=document, author=alice, quote="Initially, Dogan said")
    return document


def url(name: str, document, **query) -> str:
    base = reverse(f"reader:{name}", args=[document.project.slug, document.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_pasted_capture_goes_to_review(client, bob, live):
    client.force_login(bob)
    text = CAPTURE.read_text(encoding="utf-8")
    response = client.post(url("version_create", live), {"text": text})
    assert response.status_code == 302
    assert response["Location"] == url("anchor_review", live)
    page = shown(client.get(response["Location"]).content.decode())
    assert "Version 2 added: 1 exact, 0 moved, 1 fuzzy, 0 orphaned." in page
    assert "In total 36 of our soldiers were wounded" in page


def test_a_file_capture_is_read_like_any_source(client, bob, live):
    client.force_login(bob)
    upload = SimpleUploadedFile("capture.html", b"<html><body><p>" + b"New text. " * 40 + b"</p>")
    response = client.post(url("version_create", live), {"file": upload})
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.text_version == 2 and live.text.startswith("New text.")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "The text is empty"),
        ({"text": SEED}, "same text as the latest version (1)"),
        ({"text": "x", "file": SimpleUploadedFile("a.txt", b"y")}, "one of them"),
        ({"file": SimpleUploadedFile("a.exe", b"y")}, "a.exe"),
    ],
)
def test_refused_captures_say_why(client, bob, live, data, message):
    client.force_login(bob)
    response = client.post(url("version_create", live), data)
    assert response.status_code == 400
    assert message in shown(response.content.decode())
    assert not DocumentVersion.objects.exists()


def test_fifty_megabytes_are_refused(client, bob, live, settings):
    client.force_login(bob)
    upload = SimpleUploadedFile("big.txt", b"x" * (50 * 1024 * 1024))
    response = client.post(url("version_create", live), {"file": upload})
    assert 400 <= response.status_code < 500
    assert not DocumentVersion.objects.exists()


@pytest.mark.parametrize("value", ["0", "3", "abc", "-1", "1" * 40])
def test_versions_the_document_lacks_are_404(client, carol, live, value):
    client.force_login(carol)
    assert client.get(url("document_detail", live, version=value)).status_code == 404
    assert client.get(url("version_diff", live, to=value)).status_code == 404


def test_an_older_version_reads_read_only_and_the_diff(client, carol, bob, live):
    versions.version_create(document=live, text=CAPTURE.read_text(encoding="utf-8"), added_by=bob)
    client.force_login(carol)
    page = shown(client.get(url("document_detail", live, version=1)).content.decode())
    assert "You are reading version 1 of 2, read-only." in page
    assert "Rises to 34" not in page
    # The fuzzy annotation shows on version 1 where it was, and on version 2 where proposed.
    fuzzy = Annotation.objects.get(anchor_status="fuzzy")
    assert f'data-ann="{fuzzy.pk}"' in page
    latest = shown(client.get(url("document_detail", live)).content.decode())
    assert "needs review" in latest and "1 annotation to review" in latest
    diff = client.get(url("version_diff", live, **{"from": 1, "to": 2})).content.decode()
    assert "<ins" in diff and "Rises to 34" in diff
    same = client.get(url("version_diff", live, **{"from": 2, "to": 2}))
    assert same.status_code == 400


def test_bad_moves_are_400_with_a_message(client, bob, live):
    versions.version_create(document=live, text=CAPTURE.read_text(encoding="utf-8"), added_by=bob)
    fuzzy = Annotation.objects.get(anchor_status="fuzzy")
    client.force_login(bob)
    move = reverse("reader:anchor_move", args=[live.project.slug, fuzzy.pk])
    for data, message in [
        ({"passage": "Turkish"}, "occurs"),
        ({"passage": "not there at all"}, "is not in the latest version"),
        ({"passage": "Turkish", "start": "999999"}, "outside the text"),
        ({"passage": "Turkish", "start": "0"}, "no longer matches"),
    ]:
        response = client.post(move, data)
        assert response.status_code == 400, data
        assert message in shown(response.content.decode()), data
    fuzzy.refresh_from_db()
    assert fuzzy.anchor_status == "fuzzy"


def test_the_matrix_marks_a_link_whose_annotation_needs_review(client, bob, carol, live):
    """A new capture rewords the wounded count: its link stays in the matrix, marked."""
    from reader.models import Annotation
    from reader.services.events import event_create, facet_create, facet_link_create

    event = event_create(project=live.project, name="Balyun")
    wounded = facet_create(event=event, name="Wounded", value_type="number")
    reworded = Annotation.objects.get(quote_exact="A total of 36 soldiers were wounded")
    facet_link_create(annotation=reworded, facet=wounded, author=bob, value="36")
    client.force_login(carol)
    before = shown(client.get(event.get_absolute_url()).content.decode())
    assert "needs review" not in before
    versions.version_create(document=live, text=CAPTURE.read_text(encoding="utf-8"), added_by=bob)
    after = shown(client.get(event.get_absolute_url()).content.decode())
    assert after.count("needs review") == 1


def test_a_value_a_new_version_corrects_is_the_sources_trail(client, bob, carol, project):
    """Version 1 says 33; a correction (version 2) says 34, with no cue word and no claim
    time: the matrix shows the source's trail 33 → 34, not a source disputing itself."""
    from reader.models import FacetLink
    from reader.services.events import event_create, facet_create, facet_link_create

    text = "The strike killed 33 soldiers near Balyun on Thursday evening, officials said.\n"
    document = DocumentFactory(project=project, title="The blog", text=text)
    event = event_create(project=project, name="Balyun")
    toll = facet_create(event=event, name="Death toll", value_type="number")
    first = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    facet_link_create(annotation=first, facet=toll, author=bob, value="33")
    versions.version_create(document=document, text=text.replace("33", "34"), added_by=bob)
    first.refresh_from_db()
    assert first.needs_review and first.text_version == 1
    document.refresh_from_db()
    second = AnnotationFactory(document=document, author=bob, quote="34 soldiers")
    facet_link_create(annotation=second, facet=toll, author=bob, value="34")
    superseded = dict(
        FacetLink.objects.filter(facet=toll).values_list("annotation_id", "superseded")
    )
    assert superseded == {first.pk: True, second.pk: False}
    client.force_login(carol)
    page = shown(client.get(event.get_absolute_url()).content.decode())
    assert f"{document.outlet.name}’s trail: 33 → 34" in page
    assert "0 of 1 facet disputed" in page
    # comparison.json says the same, and where each claim's annotation is.
    import json

    import jsonschema

    from reader.formats.comparison_json import SCHEMA_PATH

    url = reverse("reader:event_comparison_json", args=[project.slug, event.pk])
    data = client.get(url).json()
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    [facet] = data["facets"]
    [trail] = facet["trails"]
    assert [(v["value"], v["superseded"], v["anchor_status"]) for v in trail["values"]] == [
        ("33", True, "fuzzy"),
        ("34", False, "exact"),
    ]
    assert facet["verdict"] != "disputed"
    # Left orphaned on its version, it stays the earlier value.
    versions.anchor_orphan(annotation=first, actor=bob)
    assert FacetLink.objects.get(annotation=first).superseded is True
