"""Suggestions on the pages: off by default in the reader, outlined when on, accepted,
edited then accepted and rejected from the panel; owners accept a cell or a source at
once after a preview and run the batch; viewers see none and are told why; exports, the
comparison and its JSON never see a pending suggestion."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reader.access import ERROR_READ_ONLY
from reader.models import Annotation, FacetLink, Suggestion, SuggestionRejection
from reader.services import suggestions as service
from reader.suggestions.candidates import Candidate
from tests.conftest import shown
from tests.factories import DocumentFactory
from tests.test_suggestions import TEXT

HTMX = {"HX-Request": "true"}


@pytest.fixture
def engine(monkeypatch, death_toll):
    """A fixed engine: "33" for the death toll wherever it is."""

    def suggest(*, text, published, facets, names):
        at = text.find("33")
        if at < 0:
            return []
        return [Candidate(death_toll.pk, at, at + 2, "33", "claim", "reports", "the ministry", 0.9)]

    monkeypatch.setattr(service.engine, "suggest", suggest)


@pytest.fixture
def source(project, engine):
    return DocumentFactory(project=project, title="Ministry", text=TEXT)


def reader(document, **query) -> str:
    url = reverse("reader:document_detail", args=[document.project.slug, document.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def url(name: str, pk: int | None = None) -> str:
    return reverse(f"reader:{name}", args=["idlib"] + ([pk] if pk is not None else []))


def the_suggestion(document) -> Suggestion:
    return Suggestion.objects.pending().get(document=document)


def test_suggestions_are_off_by_default_and_outlined_when_on(client, bob, source):
    client.force_login(bob)
    body = client.get(reader(source)).content.decode()
    assert "data-sug=" not in body and 'id="suggestions-toggle"' in body
    assert not Suggestion.objects.exists()  # nothing computed on an ordinary view
    body = client.get(reader(source, suggestions="on")).content.decode()
    suggestion = the_suggestion(source)
    assert f'<span class="sg" data-sug="{suggestion.pk}">33</span>' in body
    assert f'id="suggestion-{suggestion.pk}"' in shown(body)
    assert "Balyun strike › Death toll" in shown(body)
    assert "<kbd>a</kbd>" in body and "Show or hide Reader's suggestions" in body


def test_adding_a_source_or_a_version_computes_its_suggestions(client, bob, source, engine):
    client.force_login(bob)
    response = client.post(
        url("document_create"),
        {
            "title": "Agency",
            "outlet": source.outlet.pk,
            "new_outlet_kind": "news",
            "language": "en",
            "text": "Agency: 33 soldiers died.\n",
        },
    )
    assert response.status_code == 302
    added = source.project.documents.get(title="Agency")
    assert the_suggestion(added).quote_exact == "33"
    response = client.post(url("version_create", added.pk), {"text": "Agency: now 33 dead.\n"})
    assert response.status_code == 302
    assert the_suggestion(added).text_version == 2


def test_a_suggestion_over_an_annotation_is_outlined_inside_its_highlight(client, bob, source):
    from tests.factories import AnnotationFactory

    annotation = AnnotationFactory(document=source, author=bob, quote="33 soldiers")
    client.force_login(bob)
    body = client.get(reader(source, suggestions="on")).content.decode()
    suggestion = the_suggestion(source)
    assert (
        f'<span class="k-claim hl sg" data-ann="{annotation.pk}" data-mark="C" '
        f'data-sug="{suggestion.pk}">33</span>'
    ) in body


def test_viewers_see_no_suggestions_and_cannot_accept(client, carol, bob, source):
    client.force_login(bob)
    client.get(reader(source, suggestions="on"))
    suggestion = the_suggestion(source)
    client.force_login(carol)
    body = client.get(reader(source, suggestions="on")).content.decode()
    assert "data-sug=" not in body and "suggestions-toggle" not in body
    assert "Next and previous suggestion" not in body
    response = client.post(url("suggestion_accept", suggestion.pk))
    assert response.status_code == 403
    assert ERROR_READ_ONLY in response.content.decode().replace("&#x27;", "'")
    assert not Annotation.objects.exists()
    matrix = client.get(url("event_detail", suggestion.facet.event_id)).content.decode()
    assert "suggestion" not in matrix.lower().replace("suggestions-batch", "")


def test_accept_from_the_panel(client, bob, source, death_toll):
    client.force_login(bob)
    client.get(reader(source, suggestions="on"))
    suggestion = the_suggestion(source)
    response = client.post(
        url("suggestion_accept", suggestion.pk), {"suggestions": "on"}, headers=HTMX
    )
    assert response.status_code == 200
    body = shown(response.content.decode())
    assert "Accepted: Death toll = 33." in body
    assert "data-sug=" not in body  # no suggestion left; the annotation is highlighted
    link = FacetLink.objects.get(facet=death_toll)
    assert f'data-ann="{link.annotation_id}"' in body
    assert (link.value, link.stance, link.attribution) == ("33", "reports", "the ministry")
    again = client.post(url("suggestion_accept", suggestion.pk), headers=HTMX)
    assert again.status_code == 400 and "already accepted" in again.content.decode()


def test_edit_then_accept(client, bob, source):
    client.force_login(bob)
    client.get(reader(source, suggestions="on"))
    suggestion = the_suggestion(source)
    form = client.get(url("suggestion_edit", suggestion.pk), headers=HTMX).content.decode()
    assert 'name="value"' in form and 'value="33"' in form and 'name="start"' in form
    start = TEXT.index("33 soldiers")
    data = {
        "edited": "1",
        "value": "33 soldiers",
        "kind": "claim",
        "stance": "asserts",
        "attribution": "",
        "start": start,
        "end": start + len("33 soldiers"),
    }
    bad = client.post(url("suggestion_accept", suggestion.pk), {**data, "end": 10_000})
    assert bad.status_code == 400 and "inside the text" in bad.content.decode()
    response = client.post(url("suggestion_accept", suggestion.pk), data)
    assert response.status_code == 302 and "suggestions=on" in response["Location"]
    annotation = Annotation.objects.get()
    assert annotation.quote_exact == "33 soldiers"
    assert annotation.links.get().stance == "asserts"


def test_reject_is_remembered_after_reload(client, bob, source):
    client.force_login(bob)
    client.get(reader(source, suggestions="on"))
    suggestion = the_suggestion(source)
    response = client.post(url("suggestion_reject", suggestion.pk), headers=HTMX)
    assert "not be proposed again" in response.content.decode()
    assert SuggestionRejection.objects.filter(value="33").exists()
    service.suggestions_compute(document=source, force=True)
    body = client.get(reader(source, suggestions="on")).content.decode()
    assert "data-sug=" not in body


@pytest.mark.parametrize("count", [3, 40])
def test_reader_query_count_with_suggestions_on_is_fixed(
    client,
    bob,
    project,
    death_toll,
    django_assert_num_queries,
    count,
    monkeypatch,
):
    text = "Report: 33 dead.\n" * count
    document = DocumentFactory(project=project, text=text)

    def suggest(*, text, published, facets, names):
        return [
            Candidate(death_toll.pk, m.start(), m.end(), "33", "claim", "asserts", "", 0.5)
            for m in re.finditer("33", text)
        ]

    monkeypatch.setattr(service.engine, "suggest", suggest)
    service.suggestions_compute(document=document)
    assert Suggestion.objects.pending().count() == count
    client.force_login(bob)
    # session, user, membership + project, document; the engine's inputs (facets, names),
    # when the source was computed, its pending suggestions with their facets and events
    # (nothing computed: it is up to date); the annotations' spans; the toolbar's facets
    with django_assert_num_queries(10):
        body = client.get(reader(document, suggestions="on")).content.decode()
    assert body.count('class="suggestion-item"') == count


def test_pending_suggestions_change_no_export_nor_the_comparison(client, bob, source, event):
    client.force_login(bob)

    def everything() -> list[bytes]:
        pages = [
            client.get(url("project_export")),
            client.get(url("project_export") + "?format=bundle"),
            client.get(url("document_export", source.pk)),
            client.get(url("event_export", event.pk)),
            client.get(url("event_comparison_json", event.pk)),
        ]
        return [
            b"".join(p.streaming_content) if p.streaming else p.content  # type: ignore[attr-defined]
            for p in pages
        ]

    before = everything()
    client.get(reader(source, suggestions="on"))
    assert Suggestion.objects.pending().exists()
    assert everything() == before
    body = client.get(url("event_detail", event.pk)).content.decode()
    assert "1 suggestion</a>" in body  # shown in its silent cell, the verdict unchanged
    assert 'data-verdict="silent"' in body


def test_the_matrix_links_a_silent_cell_to_its_first_suggestion(client, alice, source, event):
    client.force_login(alice)
    client.get(reader(source, suggestions="on"))
    suggestion = the_suggestion(source)
    body = client.get(url("event_detail", event.pk)).content.decode()
    assert f"?suggestions=on#suggestion-{suggestion.pk}" in body
    assert "Ministry" in shown(body)  # a column for the source, though it has no link yet
    preview = client.get(
        url("suggestions_accept_all"), {"document": source.pk, "facet": suggestion.facet_id}
    )
    assert (
        preview.status_code == 200 and f'id="preview-{suggestion.pk}"' in preview.content.decode()
    )
    assert not Annotation.objects.exists()  # a preview writes nothing
    response = client.post(
        url("suggestions_accept_all"),
        {
            "document": source.pk,
            "facet": suggestion.facet_id,
            "next": url("event_detail", event.pk),
        },
    )
    assert response.status_code == 302 and response["Location"] == url("event_detail", event.pk)
    body = client.get(response["Location"]).content.decode()
    assert 'class="cell-link' in body and "1 suggestion</a>" not in body


def test_annotators_cannot_accept_all(client, bob, source):
    client.force_login(bob)
    response = client.get(url("suggestions_accept_all"), {"document": source.pk})
    assert response.status_code == 403
    assert "Only a project owner can accept many suggestions" in response.content.decode()


def test_the_batch_progress_bar_polls_until_done(client, alice, project, engine):
    for index in range(12):
        DocumentFactory(project=project, text=f"Report {index}: 33 dead.\n")
    client.force_login(alice)
    page = client.get(url("suggestions_batch")).content.decode()
    assert "0 of 12 sources up to date" in page and 'id="batch-start"' in page
    step = client.post(url("suggestions_batch"), headers=HTMX).content.decode()
    assert "10 of 12 sources up to date" in step and 'hx-trigger="load' in step
    step = client.post(url("suggestions_batch"), headers=HTMX).content.decode()
    assert "12 of 12 sources up to date" in step and "hx-trigger" not in step
    assert 'id="batch-done"' in step
    assert Suggestion.objects.pending().count() == 12


def test_similar_passages_of_other_sources(client, carol, project, source):
    other = DocumentFactory(
        project=project,
        title="Agency",
        text="Turkish soldiers were killed near Balyun in an airstrike.\n",
    )
    client.force_login(carol)
    similar = url("similar_passages", source.pk)
    response = client.get(similar, {"quote": "soldiers were killed near Balyun"})
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("reader:document_detail", args=["idlib", other.pk]) in body
    assert client.get(similar, {"start": 5, "end": 2}).status_code == 400


def test_hostile_values_are_escaped(client, bob, project, death_toll, monkeypatch):
    document = DocumentFactory(project=project, text="<img src=x onerror=alert(1)> 33 dead.\n")

    def suggest(*, text, published, facets, names):
        return [Candidate(death_toll.pk, 0, 28, "<b>33</b>", "claim", "asserts", "<i>x</i>", 0.5)]

    monkeypatch.setattr(service.engine, "suggest", suggest)
    client.force_login(bob)
    body = client.get(reader(document, suggestions="on")).content.decode()
    assert "<b>33</b>" not in body and "<i>x</i>" not in body and "<img src=x" not in body
    assert "&lt;b&gt;33&lt;/b&gt;" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"edited": "1", "value": "33", "kind": "rumour", "stance": "asserts"}, "Kind"),
        ({"edited": "1", "value": "", "kind": "claim", "stance": "asserts"}, "Value"),
        ({"edited": "1", "value": "33", "kind": "claim", "stance": "asserts", "start": "x"}, ""),
    ],
)
def test_bad_edits_are_400s_with_a_message(client, bob, source, data, message):
    client.force_login(bob)
    client.get(reader(source, suggestions="on"))
    suggestion = the_suggestion(source)
    data = {"start": suggestion.start, "end": suggestion.end, **data}
    response = client.post(url("suggestion_accept", suggestion.pk), data, headers=HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Annotation.objects.exists()


def test_bad_bulk_requests_are_400s_or_404s(client, alice, bob, source, other_project):
    client.force_login(alice)
    assert client.get(url("suggestions_accept_all"), {"document": "abc"}).status_code == 400
    theirs = DocumentFactory(project=other_project)
    assert client.get(url("suggestions_accept_all"), {"document": theirs.pk}).status_code == 404
    response = client.post(url("suggestions_accept_all"), {"document": source.pk, "facet": 999})
    assert response.status_code == 400 and "no suggestions left" in response.content.decode()
    client.force_login(bob)
    assert client.post(url("suggestions_batch")).status_code == 403


def test_activity_lists_accepted_suggestions_under_their_own_kind(client, bob, carol, source):
    client.force_login(bob)
    client.get(reader(source, suggestions="on"))
    client.post(url("suggestion_accept", the_suggestion(source).pk))
    client.force_login(carol)  # every member reads the audit trail, viewers included
    body = shown(client.get(url("activity_list"), {"group": "suggestions"}).content.decode())
    assert "accepted a suggestion: Balyun strike › Death toll = 33" in " ".join(body.split())
