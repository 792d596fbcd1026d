"""The API's create answers with what a GET of the new annotation then sends, byte for
byte (so its ETag is the GET's), although the 201 is built from what the create holds
rather than read back: Reader's own shape, kept W3C properties (whose keys PostgreSQL's
jsonb orders its own way), a Slug, a source with versions, links, an older version."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reader import anchoring
from reader.formats.w3c_read import reader_target
from reader.formats.w3c_state import exact_moment
from reader.models import Activity, Annotation, DocumentRevision, DocumentVersion, SearchEntry
from reader.services.events import event_create, facet_create
from reader.services.versions import version_create
from reader.vocabularies import SearchSource
from tests.views.test_api import bearer, container, linking_body, new_annotation, post


def _kept(document) -> dict:
    """A client's annotation with bodies and properties Reader keeps verbatim, their keys
    in no sorted order, nested."""
    body = new_annotation(document, "33 soldiers", note="Seen  in two reports")
    body["body"][0] = {"value": "claim", "purpose": "tagging", "type": "TextualBody", "x-w": 1}
    body["generator"] = {"type": "Software", "name": "tool", "homepage": "http://example.org/"}
    body["rights"] = "https://creativecommons.org/licenses/by/4.0/"
    body["zz-extension"] = {"b": [3, {"yy": 2, "x": 1}], "a": None, "ccc": "ü"}
    return body


def _same_as_get(client, auth, created) -> dict:
    assert created.status_code == 201, created.content
    read = client.get(created["Location"], headers=auth)
    assert read.status_code == 200
    assert created.content == read.content
    assert created["ETag"] == read["ETag"]
    return created.json()


@pytest.mark.parametrize("shape", ["reader", "harness", "kept"])
def test_the_201_is_what_a_get_then_sends(client, bob, document, shape):
    auth = bearer(bob)
    body = new_annotation(document, "33 soldiers 💥")
    if shape == "harness":  # as the peer benchmark posts it: prefix and suffix, motivation
        body["motivation"] = "tagging"
        body["target"]["selector"][0] |= {"prefix": "Casualties 🇹🇷: ", "suffix": " killed"}
    if shape == "kept":
        body = _kept(document)
    created = _same_as_get(client, auth, post(client, container(document), body, auth))
    annotation = Annotation.objects.get()
    assert created["id"].endswith(f"/{annotation.pk}/")
    if shape == "kept":
        assert created["generator"] == body["generator"]
        assert created["zz-extension"] == body["zz-extension"]
        assert annotation.note == "Seen  in two reports"


def test_a_slug_names_the_annotation_in_the_201_and_the_get(client, bob, document):
    auth = bearer(bob) | {"Slug": "first-claim"}
    created = _same_as_get(
        client, auth, post(client, container(document), new_annotation(document, "Balyun"), auth)
    )
    assert created["id"].endswith("/first-claim/")


def test_on_a_source_with_versions_the_201_names_the_version(client, alice, bob, document):
    version_create(document=document, text=document.text + "A later paragraph.\n", added_by=alice)
    document.refresh_from_db()
    auth = bearer(bob)
    body = new_annotation(document, "Idlib")
    start = document.text.index("Idlib")
    body["target"] = {  # Reader's own shape, so its target is written, not kept verbatim
        "type": "SpecificResource",
        "source": body["target"]["source"],
        "selector": reader_target(document.text, start, start + len("Idlib")),
    }
    created = _same_as_get(client, auth, post(client, container(document), body, auth))
    latest = DocumentVersion.objects.get(document=document, number=2).created
    assert created["target"]["state"] == {"type": "TimeState", "sourceDate": exact_moment(latest)}


def test_a_linking_create_answers_with_its_links(client, bob, document):
    event = event_create(project=document.project, name="Balyun strike")
    facet_create(event=event, name="Death toll", value_type="number")
    body = new_annotation(document, "33 soldiers")
    body["body"].append(linking_body("Balyun strike", "Death toll", "33"))
    auth = bearer(bob)
    created = _same_as_get(client, auth, post(client, container(document), body, auth))
    assert any(b.get("purpose") == "linking" for b in created["body"])


def test_a_create_writes_its_entries_revision_and_activity_once(client, bob, document):
    """No delete before the search entries' insert (a new annotation has none), and the
    revision counter made by the first change, then counted up, by one UPSERT each."""
    auth = bearer(bob)
    assert not DocumentRevision.objects.filter(document=document).exists()
    with CaptureQueriesContext(connection) as captured:
        first = post(
            client, container(document), new_annotation(document, "Balyun", "claim", "n"), auth
        )
    assert first.status_code == 201
    assert not [q for q in captured.captured_queries if q["sql"].startswith("DELETE")]
    assert DocumentRevision.objects.get(document=document).revision == 1
    post(client, container(document), new_annotation(document, "Idlib"), auth)
    assert DocumentRevision.objects.get(document=document).revision == 2
    annotation = Annotation.objects.get(quote_exact="Balyun")
    entries = SearchEntry.objects.filter(annotation=annotation).order_by("source")
    assert [(e.source, e.text) for e in entries] == [
        (SearchSource.NOTE, "n"),
        (SearchSource.QUOTE, "Balyun"),
    ]
    recorded = Activity.objects.filter(annotation_id=annotation.pk, action="annotation_created")
    assert recorded.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_a_linking_create_locks_the_document_then_its_events_before_writing(client, bob, document):
    """The lock order of services/locks.py: the document, then the body's events by id,
    first thing in the transaction (annotation_create's link_events), before any INSERT."""
    later = event_create(project=document.project, name="B event")
    earlier = event_create(project=document.project, name="A event")
    facet_create(event=later, name="Death toll", value_type="number")
    facet_create(event=earlier, name="Place", value_type="text")
    body = new_annotation(document, "33 soldiers")
    for event, facet in ((later, "Death toll"), (earlier, "Place")):  # not in id order
        body["body"].append(linking_body(event.name, facet, "33"))
    auth = bearer(bob)
    with CaptureQueriesContext(connection) as captured:
        assert post(client, container(document), body, auth).status_code == 201
    statements = [q["sql"] for q in captured.captured_queries]
    first_insert = next(i for i, sql in enumerate(statements) if sql.startswith("INSERT"))
    locks = [sql for sql in statements[:first_insert] if "FOR NO KEY UPDATE" in sql]
    assert 'FROM "reader_document"' in locks[0]
    assert 'FROM "reader_event"' in locks[1]
    assert locks[1].endswith("ORDER BY 1 ASC FOR NO KEY UPDATE")  # by id, not the body's order
    assert f"({min(later.pk, earlier.pk)}, {max(later.pk, earlier.pk)})" in locks[1]


def _at(document, start: int, end: int, quote: str | None) -> dict:
    """An annotation on [start, end) by position, with the quote a client saw there."""
    body = new_annotation(document, "Idlib")
    selectors: list[dict] = [{"type": "TextPositionSelector", "start": start, "end": end}]
    if quote is not None:
        selectors.insert(0, {"type": "TextQuoteSelector", "exact": quote})
    body["target"]["selector"] = selectors
    return body


@pytest.mark.parametrize("quote", ["Casualties", "🇹🇷", "💥 killed", "é", "الدفاع", "𝒷", "here.\n"])
@pytest.mark.parametrize("with_quote", [True, False])
def test_a_span_after_astral_and_combining_characters_keeps_the_text_s_quote(
    client, bob, document, quote, with_quote
):
    """The passage read for a span (not the whole text) is cut in code points, as Python
    cuts the text: after flags, emoji, a composed accent, Arabic and astral letters, at
    both ends of the text."""
    start = document.text.index(quote)
    end = start + len(quote)
    body = _at(document, start, end, quote if with_quote else None)
    response = post(client, container(document), body, bearer(bob))
    assert response.status_code == 201, response.content
    made = Annotation.objects.get()
    expected = anchoring.quote_for(document.text, start, end)
    assert (made.start, made.end) == (start, end)
    assert (made.quote_exact, made.quote_prefix, made.quote_suffix) == (
        expected.exact,
        expected.prefix,
        expected.suffix,
    )


@pytest.mark.parametrize("start, end", [(0, 10**6), (10**6, 10**6 + 5), (3, 2), (-1, 4)])
@pytest.mark.parametrize("big", [1, 10**12, 10**30])
def test_a_position_outside_the_text_is_a_400_and_writes_nothing(
    client, bob, document, start, end, big
):
    """Past the end (by one character or by more than any database holds), empty or
    negative: a 400, as for a quote not found, never a 500."""
    if big != 1 and start >= 0:
        start, end = start * big, end * big
    body = _at(document, start, end, None)
    response = post(client, container(document), body, bearer(bob))
    assert response.status_code == 400, response.content
    assert not Annotation.objects.exists()


def test_a_span_ending_on_the_last_character_is_taken(client, bob, document):
    end = len(document.text)
    body = _at(document, end - 5, end, document.text[-5:])
    response = post(client, container(document), body, bearer(bob))
    assert response.status_code == 201, response.content
    assert Annotation.objects.get().quote_suffix == ""


def test_a_quote_not_at_its_position_is_found_where_it_is(client, bob, document):
    """The position read first does not hold the quote: the whole text is searched."""
    start = document.text.index("Balyun")
    body = _at(document, 0, 6, "Balyun")
    response = post(client, container(document), body, bearer(bob))
    assert response.status_code == 201, response.content
    made = Annotation.objects.get()
    assert (made.start, made.end, made.quote_exact) == (start, start + 6, "Balyun")
