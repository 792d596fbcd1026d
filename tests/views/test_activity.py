"""The audit trail: who created, edited, deleted or linked what, and when."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reader.models import Activity
from reader.services.documents import StaleVersionError, annotation_delete, annotation_update
from reader.services.events import event_create, facet_create, facet_link_create, facet_link_delete
from reader.vocabularies import Action
from tests.conftest import shown
from tests.factories import AnnotationFactory, DocumentFactory


def feed(client, project, **filters) -> str:
    url = reverse("reader:activity_list", args=[project.slug])
    response = client.get(url, filters)
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", " ", shown(response.content.decode()))
    return " ".join(text.split())


@pytest.fixture
def history(document, alice, bob):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    annotation = annotation_update(
        annotation=annotation, actor=bob, kind="opinion", note="why", edited_version=1
    )
    event = event_create(project=document.project, name="Balyun", actor=alice)
    facet = facet_create(event=event, name="Death toll", value_type="number", actor=alice)
    link = facet_link_create(annotation=annotation, facet=facet, author=alice, value="33")
    facet_link_delete(link=link, actor=bob)
    annotation_delete(annotation=annotation, actor=alice)
    return annotation


def test_every_write_is_recorded_with_who_and_what(history, project):
    entries = list(
        Activity.objects.filter(project=project)
        .order_by("pk")
        .values_list("actor__username", "action", "summary")
    )
    entries = [(who, action, shown(summary)) for who, action, summary in entries]
    assert entries[-7:] == [
        ("bob", Action.ANNOTATION_CREATED, "Claim “33 soldiers”"),
        ("bob", Action.ANNOTATION_EDITED, "Opinion “33 soldiers”: claim → opinion, note changed"),
        ("alice", Action.EVENT_CREATED, "Balyun"),
        ("alice", Action.FACET_CREATED, "Balyun › Death toll"),
        ("alice", Action.LINK_CREATED, "Opinion “33 soldiers”: Balyun › Death toll = 33"),
        ("bob", Action.LINK_DELETED, "Opinion “33 soldiers”: Balyun › Death toll = 33"),
        ("alice", Action.ANNOTATION_DELETED, "Opinion “33 soldiers”"),
    ]


def test_a_failed_write_records_nothing(document, bob):
    before = Activity.objects.count()
    with pytest.raises(StaleVersionError):
        annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
        annotation_update(
            annotation=annotation, actor=bob, kind="opinion", note="", edited_version=7
        )
    # The creation is recorded, the refused edit is not.
    assert Activity.objects.count() == before + 1


def test_the_feed_shows_newest_first(client, carol, history, project):
    client.force_login(carol)
    body = feed(client, project)
    assert body.index("alice deleted Opinion") < body.index("bob created Claim")


def test_filters_by_member_action_and_source(client, alice, bob, history, project):
    other = DocumentFactory(project=project, title="Other source", text="Another text here.")
    AnnotationFactory(document=other, author=alice, quote="Another")
    client.force_login(alice)
    by_bob = feed(client, project, actor=bob.pk)
    assert "bob created" in by_bob and "alice deleted" not in by_bob
    links = feed(client, project, group="links")
    assert "linked Opinion" in links and "unlinked" in links and "created Claim" not in links
    on_other = feed(client, project, document=other.pk)
    assert "Claim “Another”" in on_other and "33 soldiers" not in on_other
    assert "Nothing recorded matches these filters" in feed(client, project, since="2999-01-01")


def test_bad_filter_values_are_ignored_not_errors(client, alice, history, project):
    client.force_login(alice)
    body = feed(client, project, actor="x", document="²", since="yesterday", page="99")
    assert "alice deleted" in body


def test_owners_see_a_way_to_restore_deletions(client, alice, bob, history, project):
    client.force_login(alice)
    assert "(in the trash: restore)" in feed(client, project)
    client.force_login(bob)
    assert "(in the trash: restore)" not in feed(client, project)


def test_the_feed_is_paged_with_a_fixed_number_of_queries(
    client, alice, document, django_assert_max_num_queries
):
    for index in range(60):
        AnnotationFactory(document=document, author=alice, start=index, end=index + 1)
    client.force_login(alice)
    url = reverse("reader:activity_list", args=[document.project.slug])
    with django_assert_max_num_queries(10):
        first = client.get(url).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert 'rel="prev"' in second


def test_outsiders_never_see_the_feed(client, mallory, other_project, history, project):
    client.force_login(mallory)
    assert client.get(reverse("reader:activity_list", args=[project.slug])).status_code == 404
    body = client.get(reverse("reader:activity_list", args=[other_project.slug]))
    assert "33 soldiers" not in body.content.decode()
