"""A note or reply hidden by a moderator reaches no one but the owners, through any
renderer: pages, partials, the W3C exports, the API, the bundle, polls and search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reader.models import Annotation
from reader.services.discussion import moderation_hide, reply_create
from reader.services.documents import annotation_update
from reader.services.events import event_create, facet_create, facet_link_create
from tests.factories import AnnotationFactory
from tests.views.test_api import bearer

SECRET_NOTE = "the-hidden-note-7f3a"
SECRET_REPLY = "the-hidden-reply-91c2"


@pytest.fixture
def hidden(document, alice, bob):
    """Bob's annotation, linked to an event, whose note and reply alice hid."""
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    annotation_update(
        annotation=annotation, actor=bob, kind="claim", note=SECRET_NOTE, edited_version=1
    )
    annotation = Annotation.objects.get(pk=annotation.pk)
    reply = reply_create(annotation=annotation, author=bob, text=SECRET_REPLY)
    moderation_hide(item=annotation, reason="Off topic", actor=alice)
    moderation_hide(item=reply, reason="Personal", actor=alice)
    event = event_create(project=document.project, name="Balyun")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    facet_link_create(annotation=annotation, facet=facet, author=bob, value="33")
    return {"annotation": Annotation.objects.get(pk=annotation.pk), "event": event}


def renderers(hidden) -> list[tuple[str, str, dict]]:
    """(what, url, headers) for every way Reader shows an annotation or its discussion."""
    annotation, event = hidden["annotation"], hidden["event"]
    document = annotation.document
    slug, pk, doc = document.project.slug, annotation.pk, document.pk
    htmx = {"HX-Request": "true"}
    page = [
        ("reader page", reverse("reader:document_detail", args=[slug, doc]), {}),
        ("reader body", reverse("reader:document_detail", args=[slug, doc]), htmx),
        ("panel page", reverse("reader:document_detail", args=[slug, doc]) + "?offset=0", htmx),
        ("annotation page", reverse("reader:annotation_detail", args=[slug, pk]), {}),
        ("annotation item", reverse("reader:annotation_detail", args=[slug, pk]), htmx),
        ("poll", reverse("reader:document_changes", args=[slug, doc]) + "?since=0", htmx),
        ("event poll", reverse("reader:event_changes", args=[slug, event.pk]) + "?since=0", htmx),
        ("search", reverse("reader:document_list", args=[slug]) + f"?q={SECRET_NOTE}", {}),
        ("matrix", reverse("reader:event_detail", args=[slug, event.pk]), {}),
        (
            "side by side",
            reverse("reader:event_compare", args=[slug, event.pk]) + f"?documents={doc}",
            {},
        ),
        ("activity", reverse("reader:activity_list", args=[slug]), {}),
        ("agreement", reverse("reader:document_agreement", args=[slug, doc]), {}),
        ("project export", reverse("reader:project_export", args=[slug]), {}),
        ("project bundle", reverse("reader:project_export", args=[slug]) + "?format=bundle", {}),
        ("document export", reverse("reader:document_export", args=[slug, doc]), {}),
        ("document page 0", reverse("reader:document_export", args=[slug, doc]) + "?page=0", {}),
        ("event export", reverse("reader:event_export", args=[slug, event.pk]), {}),
    ]
    api = [
        ("API container", reverse("reader:api_container", args=[slug, doc]), {}),
        ("API page 0", reverse("reader:api_container", args=[slug, doc]) + "?page=0", {}),
        ("API annotation", reverse("reader:api_annotation", args=[slug, doc, pk]), {}),
    ]
    return page + [(what, url, {"api": True, **headers}) for what, url, headers in api]


def body_of(client, user, url: str, headers: dict) -> str:
    headers = dict(headers)
    if headers.pop("api", False):
        headers.update(bearer(user))
        client.logout()
    else:
        client.force_login(user)
    response = client.get(url, headers=headers)
    assert response.status_code in (200, 204), (url, response.status_code)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    # The search form echoes its query: that is the searcher's own text, not a result.
    return content.decode().replace(f'value="{SECRET_NOTE}"', "")


@pytest.mark.parametrize("persona", ["carol", "bob"])  # a viewer, and the note's own author
def test_no_renderer_shows_a_hidden_note_to_a_non_owner(client, request, hidden, persona):
    user = request.getfixturevalue(persona)
    for what, url, headers in renderers(hidden):
        body = body_of(client, user, url, headers)
        assert SECRET_NOTE not in body, what
        assert SECRET_REPLY not in body, what


def test_the_owner_still_reads_what_was_hidden(client, alice, hidden):
    """The same walk shows the note to an owner where it is shown at all: the walk above
    would notice a leak."""
    shown = {
        what
        for what, url, headers in renderers(hidden)
        if SECRET_NOTE in body_of(client, alice, url, headers)
    }
    assert shown >= {
        "reader page",
        "annotation item",
        "project export",
        "project bundle",
        "document export",
        "event export",
        "API annotation",
        "API container",
    }


def test_the_author_edits_the_kind_without_seeing_or_losing_the_hidden_note(client, bob, hidden):
    annotation = hidden["annotation"]
    url = reverse(
        "reader:annotation_update", args=[annotation.document.project.slug, annotation.pk]
    )
    client.force_login(bob)
    form = client.get(url, headers={"HX-Request": "true"})
    assert SECRET_NOTE not in form.content.decode()
    assert "hidden by a moderator" in form.content.decode()
    client.post(url, {"kind": "opinion", "note": "", "version": annotation.version})
    annotation.refresh_from_db()
    assert (annotation.kind, annotation.note) == ("opinion", SECRET_NOTE)
