from __future__ import annotations

import pytest
from django.urls import reverse

from reader.anchoring import Utf16Index, normalise_text
from reader.models import Annotation
from tests.factories import AnnotationFactory

HTMX = {"HX-Request": "true"}


def create_url(document) -> str:
    return reverse("reader:annotation_create", args=[document.project.slug, document.pk])


def browser_selection(document, quote: str, *, occurrence: int = 0) -> dict:
    """What reader.js sends for a selection of `quote`: UTF-16 offsets and the quote."""
    start = document.text.index(quote)
    for _ in range(occurrence):
        start = document.text.index(quote, start + 1)
    index = Utf16Index(document.text)
    return {
        "start": index.to_utf16(start),
        "end": index.to_utf16(start + len(quote)),
        "quote": quote,
    }


@pytest.mark.parametrize(
    "quote", ["💥 killed near", "Cafe\u0301 owners", "中文报道说", "وزارة الدفاع", "𝒜𝒷𝒸 end"]
)
def test_utf16_offsets_from_the_browser_are_stored_as_codepoints(client, bob, document, quote):
    # The stored text is NFC, so the combining mark case arrives composed.
    quote = normalise_text(quote)
    client.force_login(bob)
    data = {"kind": "claim", "note": "", **browser_selection(document, quote)}
    response = client.post(create_url(document), data, headers=HTMX)
    assert response.status_code == 200
    annotation = Annotation.objects.get()
    assert annotation.quote_exact == quote
    assert document.text[annotation.start : annotation.end] == quote
    assert annotation.start == document.text.index(quote)
    assert f'id="annotation-{annotation.pk}"' in response.content.decode()
    assert response["HX-Trigger-After-Settle"] == f'{{"annotationSaved": {annotation.pk}}}'


def test_create_without_htmx_redirects_to_the_new_annotation(client, bob, document):
    client.force_login(bob)
    data = {"kind": "opinion", "note": "Hm", **browser_selection(document, "33 soldiers")}
    response = client.post(create_url(document), data)
    annotation = Annotation.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#annotation-{annotation.pk}")
    assert (annotation.kind, annotation.note, annotation.author) == ("opinion", "Hm", bob)


def test_note_is_stored_cleaned_and_shown_escaped_with_links(client, bob, document):
    client.force_login(bob)
    note = "<script>alert(1)</script> see https://example.org/report"
    data = {"kind": "claim", "note": note, **browser_selection(document, "33 soldiers")}
    body = client.post(create_url(document), data, headers=HTMX).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '<a href="https://example.org/report" rel="nofollow noopener noreferrer"' in body


BAD_INPUT = [
    ({"quote": "something else"}, "no longer matches the document"),
    ({"start": 5, "end": 5}, "The span is empty"),
    ({"start": 5, "end": 3}, "The span is empty"),
    ({"end": 100_000}, "outside the text"),
    ({"start": -1}, "greater than or equal to 0"),
    ({"start": "ten"}, "Enter a whole number"),
    ({"start": 12}, "inside a surrogate pair"),  # inside the 🇹 of the flag
    ({"kind": "rumour"}, "Select a valid choice"),
    ({"kind": ""}, "This field is required"),
    ({"note": "x" * 10_001}, "at most 10000 characters"),
    ({"quote": ""}, "This field is required"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUT)
def test_bad_input_gets_400_with_a_message_and_saves_nothing(
    client, bob, document, changes, message
):
    client.force_login(bob)
    data = {"kind": "claim", "note": "", **browser_selection(document, "33 soldiers"), **changes}
    for headers in (HTMX, {}):
        response = client.post(create_url(document), data, headers=headers)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Annotation.objects.exists()


def test_htmx_errors_are_retargeted_to_the_toolbar(client, bob, document):
    client.force_login(bob)
    data = {"kind": "claim", **browser_selection(document, "33 soldiers"), "quote": "wrong"}
    response = client.post(create_url(document), data, headers=HTMX)
    assert response["HX-Retarget"] == "#toolbar-errors"
    assert response["HX-Reswap"] == "innerHTML"


def update_url(annotation) -> str:
    return reverse(
        "reader:annotation_update", args=[annotation.document.project.slug, annotation.pk]
    )


def test_author_edits_kind_and_note(client, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    client.force_login(bob)
    response = client.post(
        update_url(annotation),
        {"kind": "opinion", "note": "Revised", "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 200
    annotation.refresh_from_db()
    assert (annotation.kind, annotation.note, annotation.version) == ("opinion", "Revised", 2)
    assert "k-opinion hl" in response.content.decode()


def test_owner_may_edit_anothers_annotation(client, alice, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    client.force_login(alice)
    response = client.post(update_url(annotation), {"kind": "claim", "note": "ok", "version": 1})
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert annotation.note == "ok"


def test_stale_edit_gets_409_showing_the_newer_version_and_the_editors_text(
    client, alice, bob, document
):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers", note="v1")
    client.force_login(alice)
    client.post(update_url(annotation), {"kind": "claim", "note": "alice's", "version": 1})
    client.force_login(bob)
    response = client.post(
        update_url(annotation), {"kind": "opinion", "note": "bob's", "version": 1}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "\u2068alice\u2069 changed this annotation" in body  # who, not "Someone"
    assert "now version 2, you edited version 1" in body
    assert "alice&#x27;s" in body  # the newer version is shown
    # What bob typed, kind and note, is kept in the form, over the newer version.
    assert 'value="opinion" id="id_kind_1" required checked' in body
    assert "bob&#x27;s</textarea>" in body
    assert 'name="version" value="2"' in body
    assert response["HX-Retarget"] == f"#annotation-{annotation.pk}"
    annotation.refresh_from_db()
    assert (annotation.note, annotation.version) == ("alice's", 2)


def test_bad_edit_gets_400_and_changes_nothing(client, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers", note="v1")
    client.force_login(bob)
    response = client.post(update_url(annotation), {"kind": "rumour", "note": "x", "version": 1})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    annotation.refresh_from_db()
    assert (annotation.kind, annotation.note, annotation.version) == ("claim", "v1", 1)


def test_edit_form_is_a_partial_for_htmx(client, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    client.force_login(bob)
    body = client.get(update_url(annotation), headers=HTMX).content.decode()
    assert body.lstrip().startswith(f'<li id="annotation-{annotation.pk}"')
    assert 'name="version" value="1"' in body


def test_delete_asks_first_then_deletes(client, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    url = reverse("reader:annotation_delete", args=["idlib", annotation.pk])
    client.force_login(bob)
    confirmation = client.get(url)
    assert b"Delete this claim?" in confirmation.content
    assert Annotation.objects.exists()
    response = client.post(url, headers=HTMX)
    assert response.status_code == 200
    assert not Annotation.objects.exists()
    assert f"annotation-{annotation.pk}" not in response.content.decode()


def test_annotator_cannot_delete_anothers_annotation(client, alice, bob, document):
    annotation = AnnotationFactory(document=document, author=alice, quote="33 soldiers")
    client.force_login(bob)
    response = client.post(reverse("reader:annotation_delete", args=["idlib", annotation.pk]))
    assert response.status_code == 403
    assert b"Only its author or a project owner can change it." in response.content
    assert Annotation.objects.filter(pk=annotation.pk).exists()


def test_create_only_accepts_post(client, bob, document):
    client.force_login(bob)
    assert client.get(create_url(document)).status_code == 405


def test_odd_filter_values_after_a_save_do_not_500_or_lose_the_save(client, bob, document):
    client.force_login(bob)
    data = {"kind": "claim", "author": "²", **browser_selection(document, "33 soldiers")}
    response = client.post(create_url(document), data, headers=HTMX)
    assert response.status_code == 200
    assert Annotation.objects.count() == 1


def test_errors_name_the_field(client, bob, document):
    client.force_login(bob)
    data = {**browser_selection(document, "33 soldiers"), "kind": ""}
    response = client.post(create_url(document), data, headers=HTMX)
    assert "Kind: This field is required." in response.content.decode()
