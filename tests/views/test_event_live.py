"""Event pages learn that teammates changed what the event's facets hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reader.services.documents import annotation_update
from reader.services.events import event_create, facet_create, facet_link_create, facet_link_delete
from tests.factories import AnnotationFactory


@pytest.fixture
def event(project):
    event = event_create(project=project, name="Balyun")
    facet_create(event=event, name="Death toll", value_type="number")
    return event


def changes(client, event, since: int):
    url = reverse("reader:event_changes", args=[event.project.slug, event.pk])
    return client.get(url, {"since": since})


def revision(event) -> int:
    event.refresh_from_db()
    return event.revision


def test_the_pages_poll_from_the_revision_they_show(client, carol, event):
    client.force_login(carol)
    for name in ("event_detail", "event_compare"):
        body = client.get(reverse(f"reader:{name}", args=[event.project.slug, event.pk]))
        assert f"changes/?since={revision(event)}" in body.content.decode()


def test_every_change_to_the_events_links_counts(client, carol, bob, event, document):
    client.force_login(carol)
    since = revision(event)
    assert changes(client, event, since).status_code == 204
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    assert revision(event) == since, "an annotation not linked to the event is not news here"
    facet = event.facets.get()
    link = facet_link_create(annotation=annotation, facet=facet, author=bob, value="33")
    annotation_update(annotation=annotation, actor=bob, kind="opinion", note="", edited_version=1)
    facet_link_delete(link=link, actor=bob)
    facet_create(event=event, name="Perpetrator", value_type="actor")
    assert revision(event) == since + 4
    response = changes(client, event, since)
    assert response.status_code == 200
    assert "4 new changes to this event" in " ".join(response.content.decode().split())


def test_polling_costs_one_query_after_the_session(client, alice, event, django_assert_num_queries):
    client.force_login(alice)
    with django_assert_num_queries(3):
        response = changes(client, event, 0)
    assert response.status_code == 200


def test_outsiders_learn_nothing_from_the_poller(client, mallory, other_project, event):
    client.force_login(mallory)
    response = changes(client, event, 0)
    assert response.status_code == 404 and b"new change" not in response.content
    url = reverse("reader:event_changes", args=[other_project.slug, event.pk])
    response = client.get(url, {"since": 0})
    assert response.status_code == 404 and b"new change" not in response.content


def test_signed_out_pollers_are_told_to_stop(client, event):
    assert changes(client, event, 0).status_code == 286
