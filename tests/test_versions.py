"""Versions of a source: a new capture re-anchors every annotation (exact, moved, fuzzy,
orphaned), nothing is lost, earlier versions stay as they were, and the review moves,
accepts or orphans what did not land exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reader import anchoring
from reader.models import Annotation, DocumentVersion, FacetLink
from reader.selectors.versions import document_versions, review_items, version_diff, version_text
from reader.services import versions
from reader.services.events import event_create, facet_create, facet_link_create
from reader.vocabularies import AnchorStatus, ValueType
from tests.conftest import MIXED_TEXT
from tests.factories import AnnotationFactory, DocumentFactory

SEED = Path("fixtures/seeds/003_c1ad7d3c02355b4b.txt").read_text(encoding="utf-8")
CAPTURE = Path(__file__).parent / "captures" / "live_updates_v2.txt"
REWORDED = "A total of 36 soldiers were wounded, their treatment continues"

QUOTES = [
    "Some 33 Turkish soldiers have been killed",
    "Initially, Dogan said that the airstrike killed nine",
    "33 Turkish Servicemen Killed in Airstrike in Syria’s Idlib – Hatay Governor",
    REWORDED,
    "22 Turkish Servicemen Killed in Airstrike",
]


def test_statuses_are_the_anchoring_ladders():
    assert set(AnchorStatus.values) == {
        anchoring.EXACT,
        anchoring.MOVED,
        anchoring.FUZZY,
        anchoring.ORPHANED,
    }


@pytest.fixture
def live(project, alice):
    document = DocumentFactory(project=project, text=SEED, added_by=alice)
    annotations = [AnnotationFactory(document=document, author=alice, quote=q) for q in QUOTES]
    return document, annotations


def test_a_second_capture_re_anchors_every_annotation(live, bob):
    document, annotations = live
    capture = CAPTURE.read_text(encoding="utf-8")
    report = versions.version_create(document=document, text=capture, added_by=bob)
    assert report.number == 2
    assert report.counts == {"exact": 2, "moved": 2, "fuzzy": 1, "orphaned": 0}
    document.refresh_from_db()
    assert (document.text, document.text_version) == (capture, 2)
    for annotation in Annotation.objects.filter(document=document).on_latest_version():
        assert annotation.text_version == 2
        assert document.text[annotation.start : annotation.end] == annotation.quote_exact
        assert annotation.quote_exact in QUOTES
    fuzzy = Annotation.objects.get(pk=annotations[3].pk)
    assert fuzzy.anchor_status == AnchorStatus.FUZZY
    assert (fuzzy.text_version, fuzzy.quote_exact) == (1, REWORDED)
    assert SEED[fuzzy.start : fuzzy.end] == REWORDED
    proposed = capture[fuzzy.proposed_start : fuzzy.proposed_end]
    assert proposed == "In total 36 of our soldiers were wounded and their treatment is continuing"
    # Both versions kept, exactly.
    assert [v.number for v in document_versions(document)] == [1, 2]
    assert version_text(document, 1) == SEED
    assert DocumentVersion.objects.get(document=document, number=2).text == capture


def test_review_accept_move_and_orphan(live, bob):
    document, annotations = live
    capture = CAPTURE.read_text(encoding="utf-8")
    versions.version_create(document=document, text=capture, added_by=bob)
    [item] = review_items(document)
    assert item.old.text == REWORDED and item.proposed is not None
    accepted = versions.anchor_accept(annotation=item.annotation, actor=bob)
    assert accepted.anchor_status == AnchorStatus.MOVED
    assert capture[accepted.start : accepted.end] == accepted.quote_exact
    assert (accepted.text_version, accepted.made_on) == (2, 1)
    with pytest.raises(ValidationError, match="no proposed passage"):
        versions.anchor_accept(annotation=accepted, actor=bob)
    moved = versions.anchor_move(annotation=accepted, actor=bob, passage="36 of our soldiers")
    assert moved.quote_exact == "36 of our soldiers"
    with pytest.raises(ValidationError, match="occurs 3 times"):
        versions.anchor_move(annotation=moved, actor=bob, passage="Turkish Servicemen Killed")
    with pytest.raises(ValidationError, match="is not in the latest version"):
        versions.anchor_move(annotation=moved, actor=bob, passage="nowhere to be found")


def test_leaving_orphaned_keeps_the_annotation_on_its_version(live, bob):
    document, annotations = live
    versions.version_create(
        document=document, text=CAPTURE.read_text(encoding="utf-8"), added_by=bob
    )
    orphan = versions.anchor_orphan(annotation=annotations[3], actor=bob)
    assert orphan.anchor_status == AnchorStatus.ORPHANED
    assert orphan.proposed_start is None
    assert (orphan.text_version, orphan.quote_exact) == (1, REWORDED)
    assert len(review_items(document)) == 1


def test_an_entirely_different_version_loses_nothing(live, bob):
    document, annotations = live
    report = versions.version_create(
        document=document, text="Nothing of the old page is left.\n" * 40, added_by=bob
    )
    assert report.counts["orphaned"] + report.counts["fuzzy"] == len(QUOTES)
    assert Annotation.objects.filter(document=document).count() == len(QUOTES)
    assert len(review_items(document)) == len(QUOTES)
    # An orphan whose passage comes back in a later version is found again.
    versions.version_create(document=document, text=SEED, added_by=bob)
    back = Annotation.objects.filter(document=document, anchor_status="moved")
    assert back.count() >= 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The text is empty"),
        ("  \n\t ", "The text is empty"),
        ("bad \x00 byte", "NUL bytes"),
    ],
)
def test_bad_captures_are_refused(live, bob, text, message):
    document, _ = live
    with pytest.raises(ValidationError, match=message):
        versions.version_create(document=document, text=text, added_by=bob)
    assert not DocumentVersion.objects.exists()


def test_the_same_text_again_and_another_sources_text_are_refused(live, project, bob):
    document, _ = live
    with pytest.raises(ValidationError, match="same text as the latest version"):
        versions.version_create(document=document, text=SEED, added_by=bob)
    other = DocumentFactory(project=project, text="Another source.")
    with pytest.raises(ValidationError, match="already in the project"):
        versions.version_create(document=document, text="Another source.", added_by=bob)
    assert other.text_version == 1


def test_fifty_megabytes_are_refused_by_the_size_limit(live, bob, settings):
    document, _ = live
    with pytest.raises(ValidationError, match="the limit is"):
        versions.version_create(document=document, text="x" * (50 * 1024 * 1024), added_by=bob)


def test_emoji_and_combining_marks_keep_code_point_offsets(project, alice, bob):
    document = DocumentFactory(project=project, text=MIXED_TEXT)
    cafe = AnnotationFactory(
        document=document, author=alice, quote=anchoring.normalise_text("Cafe\u0301 owners")
    )
    script = AnnotationFactory(document=document, author=alice, quote="𝒜𝒷𝒸")
    versions.version_create(
        document=document, text="🇹🇷🇹🇷 New top line 💥.\n" + MIXED_TEXT, added_by=bob
    )
    document.refresh_from_db()
    for annotation in (cafe, script):
        annotation.refresh_from_db()
        assert annotation.anchor_status == AnchorStatus.MOVED
        assert document.text[annotation.start : annotation.end] == annotation.quote_exact


def test_a_thousand_versions(client, project, alice, bob):
    document = DocumentFactory(project=project, text="Entry 0.\nThe toll is 33.\n")
    annotation = AnnotationFactory(document=document, author=alice, quote="The toll is 33.")
    text = document.text
    for number in range(1, 1000):
        text = f"Entry {number}.\n" + text
        versions.version_create(document=document, text=text, added_by=bob)
    document.refresh_from_db()
    annotation.refresh_from_db()
    assert document.text_version == 1000
    assert DocumentVersion.objects.filter(document=document).count() == 1000
    assert annotation.anchor_status == AnchorStatus.MOVED
    assert document.text[annotation.start : annotation.end] == "The toll is 33."
    assert version_text(document, 1) == "Entry 0.\nThe toll is 33.\n"
    # An annotation a client made on version 1 comes in through 999 versions, and the
    # pages stay whole: the reader, the oldest version, the diff from first to last.
    from reader.formats.w3c_collection import w3c_import
    from reader.formats.w3c_state import exact_moment

    first = DocumentVersion.objects.get(document=document, number=1).created
    sent = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "target": {
            "selector": {"type": "TextPositionSelector", "start": 9, "end": 24},
            "state": {"type": "TimeState", "sourceDate": exact_moment(first)},
        },
    }
    report = w3c_import(data=sent, document=document, default_author=alice)
    assert report.reanchored == {"moved": 1}
    made = Annotation.objects.exclude(pk=annotation.pk).get(document=document)
    assert (made.text_version, document.text[made.start : made.end]) == (1000, "The toll is 33.")
    client.force_login(alice)
    page = document.get_absolute_url()
    diff = reverse("reader:version_diff", args=[project.slug, document.pk])
    for url in (page, f"{page}?version=1", f"{diff}?from=1&to=1000"):
        assert client.get(url).status_code == 200, url


def test_diff_marks_insertions_and_deletions_with_exact_offsets(live, bob):
    document, _ = live
    capture = CAPTURE.read_text(encoding="utf-8")
    versions.version_create(document=document, text=capture, added_by=bob)
    runs = version_diff(document, 1, 2)
    assert "".join(r.text for r in runs if r.op != "insert") == SEED
    assert "".join(r.text for r in runs if r.op != "delete") == capture
    for run in runs:
        if run.op != "insert":
            assert SEED[run.old_start : run.old_start + len(run.text)] == run.text
        if run.op != "delete":
            assert capture[run.new_start : run.new_start + len(run.text)] == run.text
    inserted = "".join(r.text for r in runs if r.op == "insert")
    assert "Rises to 34" in inserted


def test_links_of_annotations_to_review_are_identifiable(live, bob):
    document, annotations = live
    event = event_create(project=document.project, name="Strike", actor=bob)
    facet = facet_create(event=event, name="Wounded", value_type=ValueType.NUMBER, actor=bob)
    link = facet_link_create(annotation=annotations[3], facet=facet, author=bob, value="36")
    versions.version_create(
        document=document, text=CAPTURE.read_text(encoding="utf-8"), added_by=bob
    )
    assert list(FacetLink.objects.needs_review()) == [link]
    assert not FacetLink.objects.on_latest_version().exists()
    assert FacetLink.objects.select_related("annotation").get().needs_review
