from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from reader.models import Annotation, Document
from reader.services.documents import (
    StaleVersionError,
    annotation_create,
    annotation_update,
    document_create,
)
from reader.vocabularies import Kind
from tests.conftest import MIXED_TEXT, shown
from tests.factories import AnnotationFactory, OutletFactory


def test_document_text_is_normalised_once_and_hashed(project):
    document = document_create(
        project=project,
        outlet=OutletFactory(project=project),
        title="  Cafe report ",
        text="Cafe\u0301 line one\r\nline two\r",
    )
    assert document.text == "Caf\u00e9 line one\nline two\n"
    assert document.title == "Cafe report"
    assert len(document.content_hash) == 64


def test_same_text_twice_in_a_project_is_refused(document):
    with pytest.raises(ValidationError) as refused:
        document_create(
            project=document.project, outlet=document.outlet, title="Again", text=MIXED_TEXT
        )
    assert "already in the project as “Mixed scripts”" in shown(refused.value.messages[0])
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [("   \n", "The text is empty"), ("a\x00b", "NUL bytes"), ("a\ud800b", "unpaired surrogate")],
)
def test_unstorable_text_is_refused(project, text, message):
    with pytest.raises(ValidationError, match=message):
        document_create(
            project=project, outlet=OutletFactory(project=project), title="T", text=text
        )
    assert not Document.objects.exists()


def test_annotation_stores_codepoint_span_quote_and_context(document, bob):
    start = document.text.index("💥 killed")
    annotation = annotation_create(
        document=document, author=bob, kind=Kind.CLAIM, start=start, end=start + 8, note=""
    )
    assert annotation.quote_exact == "💥 killed"
    assert annotation.quote_prefix == document.text[max(0, start - 32) : start]
    assert annotation.quote_suffix == document.text[start + 8 : start + 40]
    assert annotation.version == 1


def test_annotation_note_is_stored_as_written_and_cleaned_html_beside_it(document, bob):
    annotation = AnnotationFactory(
        document=document, author=bob, note="<b>see</b> https://example.org"
    )
    assert annotation.note == "<b>see</b> https://example.org"
    assert annotation.note_html.startswith("&lt;b&gt;see&lt;/b&gt; <a href=")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "rumour"}, "Unknown kind “rumour”"),
        ({"start": 5, "end": 5}, "The span is empty"),
        ({"start": 0, "end": 10_000}, "outside the text"),
        ({"seen_quote": "something else"}, "no longer matches"),
        ({"note": "x" * 10_001}, "The note has 10001 characters; the limit is 10000"),
        ({"note": "nul\x00"}, "NUL bytes"),
    ],
)
def test_bad_annotations_are_refused_and_nothing_is_saved(document, bob, changes, message):
    arguments = {
        "document": document,
        "author": bob,
        "kind": Kind.CLAIM,
        "start": 0,
        "end": 10,
        "seen_quote": document.text[0:10],
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        annotation_create(**arguments)
    assert message in shown(" ".join(refused.value.messages))
    assert not Annotation.objects.exists()


def test_update_bumps_the_version_and_refreshes_note_html(document, bob):
    annotation = AnnotationFactory(document=document, author=bob, note="old")
    updated = annotation_update(
        annotation=annotation,
        actor=annotation.author,
        kind=Kind.OPINION,
        note="new www.example.org",
        edited_version=1,
    )
    assert (updated.kind, updated.note, updated.version) == (Kind.OPINION, "new www.example.org", 2)
    assert 'href="http://www.example.org"' in updated.note_html


def test_update_without_changes_keeps_the_version(document, bob):
    annotation = AnnotationFactory(document=document, author=bob, note="same")
    updated = annotation_update(
        annotation=annotation,
        actor=annotation.author,
        kind=annotation.kind,
        note="same",
        edited_version=1,
    )
    assert updated.version == 1


def test_stale_update_is_refused_and_overwrites_nothing(document, bob, alice):
    annotation = AnnotationFactory(document=document, author=bob, note="first")
    annotation_update(
        annotation=annotation,
        actor=annotation.author,
        kind=Kind.CLAIM,
        note="alice's edit",
        edited_version=1,
    )
    with pytest.raises(StaleVersionError, match="now version 2, you edited version 1"):
        annotation_update(
            annotation=annotation,
            actor=annotation.author,
            kind=Kind.OPINION,
            note="bob's edit",
            edited_version=1,
        )
    annotation.refresh_from_db()
    assert (annotation.kind, annotation.note, annotation.version) == (
        Kind.CLAIM,
        "alice's edit",
        2,
    )
