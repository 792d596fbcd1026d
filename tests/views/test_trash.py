"""Deleted annotations go to a trash from which owners restore them, with their links and
replies, under their old id, for 30 days."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reader.models import (
    TRASH_DAYS,
    Activity,
    Annotation,
    DeletedAnnotation,
    Entity,
    Facet,
    FacetLink,
    Reply,
)
from reader.services.curation import annotation_accept
from reader.services.discussion import reply_create
from reader.services.documents import annotation_delete, annotation_restore, annotation_update
from reader.services.events import event_create, facet_create, facet_link_create
from reader.services.projects import membership_set
from reader.vocabularies import Action, Role
from tests.conftest import shown
from tests.factories import AnnotationFactory, UserFactory


@pytest.fixture
def linked(document, bob, alice):
    """Bob's annotation with a link, a reply by alice, an edit and an acceptance."""
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers", note="n")
    event = event_create(project=document.project, name="Balyun")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    facet_link_create(annotation=annotation, facet=facet, author=bob, value="33")
    reply_create(annotation=annotation, author=alice, text="Source?")
    annotation_update(
        annotation=annotation, actor=bob, kind="opinion", note="edited", edited_version=1
    )
    annotation_accept(annotation=annotation, actor=alice)
    annotation.refresh_from_db()
    return annotation


def restore_url(trashed) -> str:
    return reverse("reader:annotation_restore", args=[trashed.document.project.slug, trashed.pk])


def test_deleting_keeps_everything_for_the_trash(linked, bob):
    snapshot = {
        "annotation": Annotation.objects.filter(pk=linked.pk).values().get(),
        "links": list(FacetLink.objects.filter(annotation=linked).values()),
        "replies": list(Reply.objects.filter(annotation=linked).values()),
    }
    trashed = annotation_delete(annotation=linked, actor=bob)
    assert not Annotation.objects.filter(pk=linked.pk).exists()
    assert not FacetLink.objects.exists() and not Reply.objects.exists()
    assert (trashed.annotation_id, trashed.deleted_by) == (linked.pk, bob)

    restored, lost = annotation_restore(trashed=trashed, actor=bob)
    assert lost == []
    assert restored.pk == linked.pk
    # Every field comes back as it was: ids, times, version, note, acceptance.
    assert Annotation.objects.filter(pk=linked.pk).values().get() == snapshot["annotation"]
    assert list(FacetLink.objects.filter(annotation=linked).values()) == snapshot["links"]
    assert list(Reply.objects.filter(annotation=linked).values()) == snapshot["replies"]
    assert not DeletedAnnotation.objects.exists()


def test_owners_restore_from_the_trash_page(client, alice, bob, linked):
    client.force_login(bob)
    client.post(reverse("reader:annotation_delete", args=[linked.document.project.slug, linked.pk]))
    trashed = DeletedAnnotation.objects.get()
    client.force_login(alice)
    page = client.get(reverse("reader:trash_list", args=[linked.document.project.slug]))
    text = shown(page.content.decode())
    assert "33 soldiers" in text and "by bob" in text
    response = client.post(restore_url(trashed))
    assert response["Location"].endswith(f"#annotation-{linked.pk}")
    assert Annotation.objects.filter(pk=linked.pk, note="edited").exists()
    actions = list(
        Activity.objects.filter(annotation_id=linked.pk).values_list("action", flat=True)
    )
    assert actions[:2] == [Action.ANNOTATION_RESTORED, Action.ANNOTATION_DELETED]


def test_other_annotators_and_viewers_cannot_restore(client, alice, bob, carol, linked):
    trashed = annotation_delete(annotation=linked, actor=alice)
    dave = UserFactory(username="dave")
    membership_set(project=linked.document.project, user=dave, role=Role.ANNOTATOR)
    for user in (dave, carol):
        client.force_login(user)
        assert client.post(restore_url(trashed)).status_code == 403
        page = reverse("reader:trash_list", args=[linked.document.project.slug])
        assert client.get(page).status_code == 403
    assert not Annotation.objects.filter(pk=linked.pk).exists()


def test_the_author_may_undo_but_not_see_the_trash(client, bob, linked):
    """Undo after a delete: the author puts their own annotation back; the trash page
    (everyone's deletions) stays the owners'."""
    trashed = annotation_delete(annotation=linked, actor=bob)
    client.force_login(bob)
    page = reverse("reader:trash_list", args=[linked.document.project.slug])
    assert client.get(page).status_code == 403
    response = client.post(restore_url(trashed), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger-After-Settle"] == f'{{"annotationSaved": {linked.pk}}}'
    assert 'id="reading-pane"' in response.content.decode()
    assert "Restored" in response.content.decode()
    assert Annotation.objects.filter(pk=linked.pk, note="edited").exists()


def test_restoring_twice_is_refused_plainly(client, alice, bob, linked):
    trashed = annotation_delete(annotation=linked, actor=bob)
    annotation_restore(trashed=trashed, actor=alice)
    with pytest.raises(ValidationError, match="no longer in the trash"):
        annotation_restore(trashed=trashed, actor=alice)
    client.force_login(alice)
    assert client.post(restore_url(trashed)).status_code == 404
    assert Annotation.objects.filter(pk=linked.pk).count() == 1


def test_after_thirty_days_it_is_gone_for_good(client, alice, bob, linked, document):
    trashed = annotation_delete(annotation=linked, actor=bob)
    old = timezone.now() - datetime.timedelta(days=TRASH_DAYS, minutes=1)
    DeletedAnnotation.objects.filter(pk=trashed.pk).update(deleted=old)
    client.force_login(alice)
    page = client.get(reverse("reader:trash_list", args=[document.project.slug]))
    assert "33 soldiers" not in page.content.decode()
    response = client.post(restore_url(trashed))
    assert response.status_code == 409
    assert "more than 30 days ago" in response.content.decode()
    assert not Annotation.objects.filter(pk=linked.pk).exists()
    # The next deletion clears what has passed recovery.
    annotation_delete(annotation=AnnotationFactory(document=document, author=bob), actor=bob)
    assert not DeletedAnnotation.objects.filter(pk=trashed.pk).exists()


def test_a_link_to_a_facet_deleted_since_is_reported_not_dropped_silently(
    client, alice, bob, linked
):
    trashed = annotation_delete(annotation=linked, actor=bob)
    Facet.objects.all().delete()  # as an admin might
    client.force_login(alice)
    response = client.post(restore_url(trashed), follow=True)
    body = response.content.decode()
    assert "Not restored: its link with the value “33”" in body
    assert Annotation.objects.filter(pk=linked.pk).exists()
    assert not FacetLink.objects.exists()


def test_deleting_and_restoring_tell_the_event_pages(bob, alice, linked):
    event = linked.links.get().facet.event
    event.refresh_from_db()
    before = event.revision
    trashed = annotation_delete(annotation=linked, actor=bob)
    event.refresh_from_db()
    assert event.revision == before + 1
    annotation_restore(trashed=trashed, actor=alice)
    event.refresh_from_db()
    assert event.revision == before + 2


def test_the_snapshot_keeps_every_links_attributions_read_in_one_query(bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    event = event_create(project=document.project, name="Balyun")
    links = [
        facet_link_create(
            annotation=annotation,
            facet=facet_create(event=event, name=name, value_type="text"),
            author=bob,
            value="33",
        )
        for name in ("Death toll", "Place")
    ]
    for link, name in zip(links, ("Ministry", "Agency"), strict=True):
        link.attributed_to.set([Entity.objects.create(project=document.project, name=name)])
    attributions = {link.pk: [e.pk for e in link.attributed_to.all()] for link in links}
    with CaptureQueriesContext(connection) as captured:
        trashed = annotation_delete(annotation=annotation, actor=bob)
    kept = {
        row["pk"]: row["fields"]["attributed_to"]
        for row in trashed.snapshot
        if row["model"] == "reader.facetlink"
    }
    assert kept == attributions
    reads = [q for q in captured.captured_queries if "reader_facetlink_attributed_to" in q["sql"]]
    assert len([q for q in reads if q["sql"].startswith("SELECT")]) == 1
