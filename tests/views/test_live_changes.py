"""The polling endpoint that tells a reader their teammates changed the document."""

from __future__ import annotations

from django.urls import reverse

from reader.services.documents import annotation_delete, annotation_update
from reader.services.events import event_create, facet_create, facet_link_create, facet_link_delete
from tests.factories import AnnotationFactory
from tests.views.test_annotations import HTMX, browser_selection, create_url


def changes(client, document, since: int):
    url = reverse("reader:document_changes", args=[document.project.slug, document.pk])
    return client.get(url, {"since": since})


def test_nothing_new_is_204_and_a_teammates_change_shows_a_bar(client, alice, bob, document):
    client.force_login(alice)
    document.refresh_from_db()
    since = document.revision
    assert changes(client, document, since).status_code == 204
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    annotation_update(
        annotation=annotation, actor=annotation.author, kind="opinion", note="", edited_version=1
    )
    response = changes(client, document, since)
    assert response.status_code == 200
    assert "2 new changes to this document." in " ".join(response.content.decode().split())


def test_every_kind_of_change_counts(bob, document):
    event = event_create(project=document.project, name="E")
    facet = facet_create(event=event, name="F", value_type="text")
    revisions = [document.revision]

    def now() -> int:
        document.refresh_from_db()
        return document.revision

    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    revisions.append(now())
    annotation_update(
        annotation=annotation, actor=annotation.author, kind="opinion", note="n", edited_version=1
    )
    revisions.append(now())
    link = facet_link_create(annotation=annotation, facet=facet, author=bob, value="v")
    revisions.append(now())
    facet_link_delete(link=link, actor=link.author)
    revisions.append(now())
    annotation_delete(annotation=annotation, actor=annotation.author)
    revisions.append(now())
    assert revisions == sorted(set(revisions)), "each change raises the revision"


def test_ones_own_save_starts_the_poller_after_it(client, bob, document):
    client.force_login(bob)
    data = {"kind": "claim", **browser_selection(document, "33 soldiers")}
    body = client.post(create_url(document), data, headers=HTMX).content.decode()
    document.refresh_from_db()
    assert f"changes/?since={document.revision}" in body
    assert changes(client, document, document.revision).status_code == 204


def test_polling_costs_one_query_after_the_session(
    client, alice, document, django_assert_num_queries
):
    client.force_login(alice)
    # session, user, then the revision and the membership check in one query
    with django_assert_num_queries(3):
        response = changes(client, document, 0)
    assert response.status_code in {200, 204}


def test_outsiders_learn_nothing_from_the_poller(client, mallory, other_project, bob, document):
    AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    client.force_login(mallory)
    response = changes(client, document, 0)
    assert response.status_code == 404
    assert b"new change" not in response.content
    # Not through her own project's slug either.
    url = reverse("reader:document_changes", args=[other_project.slug, document.pk])
    assert client.get(url, {"since": 0}).status_code == 404


def test_the_reader_page_polls(client, carol, document):
    client.force_login(carol)
    body = client.get(document.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 5s"' in body
    assert f"changes/?since={document.revision}" in body


def test_signed_out_pollers_are_told_to_stop(client, document):
    response = changes(client, document, 0)
    assert response.status_code == 286  # htmx's "stop polling"


def test_ones_own_link_moves_the_poller_on(client, bob, document):
    event = event_create(project=document.project, name="E")
    facet = facet_create(event=event, name="F", value_type="text")
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    client.force_login(bob)
    url = reverse("reader:facet_link_create", args=["idlib", annotation.pk])
    body = client.post(
        url, {"facet": facet.pk, "value": "v", "stance": "asserts"}, headers=HTMX
    ).content.decode()
    document.refresh_from_db()
    assert 'id="live-changes" aria-live="polite" hx-swap-oob="true"' in body
    assert f"changes/?since={document.revision}" in body
