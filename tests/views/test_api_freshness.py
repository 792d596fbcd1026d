"""Every write that changes what an annotation shows changes the container's answer and
its ETag, at once, for whoever reads it (and the export with it): the answer is written
from the rows on each request, and its ETag is the hash of the bytes sent, so a client's
If-None-Match never gets a 304 over an answer that changed."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from reader.models import Annotation, Event, Facet, FacetLink, Membership
from reader.services.discussion import moderation_hide, moderation_show
from reader.services.documents import annotation_delete, annotation_update
from reader.services.events import event_create, facet_create, facet_link_create, facet_link_delete
from reader.services.projects import member_set_role
from reader.vocabularies import Role
from tests.factories import AnnotationFactory
from tests.views.test_api import bearer, container


class Reader:
    """One member reading the container with If-None-Match, as a polling client does."""

    def __init__(self, client, user, document) -> None:
        self.client, self.url, self.auth = client, container(document), bearer(user)
        self.etag = ""

    def read(self) -> tuple[int, dict | None]:
        response = self.client.get(self.url, headers=self.auth | {"If-None-Match": self.etag})
        self.etag = response["ETag"]
        return response.status_code, (response.json() if response.status_code == 200 else None)

    def changed(self) -> dict:
        status, body = self.read()
        assert status == 200, "a 304 over an answer that changed"
        assert body is not None
        return body


def items(body: dict) -> list[dict]:
    return body.get("first", {}).get("items", [])


def note(body: dict) -> str | None:
    bodies = items(body)[0].get("body", [])
    return next((b["value"] for b in bodies if b.get("purpose") == "commenting"), None)


def linking(body: dict) -> list[tuple[str, str, str]]:
    bodies = items(body)[0].get("body", [])
    return [
        (b["event"], b["facet"], b["facetValue"]) for b in bodies if b.get("purpose") == "linking"
    ]


@pytest.fixture
def annotated(document, bob):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    event = event_create(project=document.project, name="Balyun")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    return annotation, event, facet


def test_each_write_changes_the_answer_and_its_etag(client, document, alice, bob, carol, annotated):
    annotation, event, facet = annotated
    viewer = Reader(client, carol, document)
    first = viewer.changed()
    assert viewer.read() == (304, None), "nothing changed: the ETag matches"

    annotation_update(
        annotation=annotation, actor=bob, kind="opinion", note="Edited", edited_version=1
    )
    assert note(viewer.changed()) == "Edited"

    link = facet_link_create(annotation=annotation, facet=facet, author=bob, value="33")
    assert linking(viewer.changed()) == [("Balyun", "Death toll", "33")]

    Facet.objects.filter(pk=facet.pk).update(name="Killed")  # as the admin renames it
    assert linking(viewer.changed()) == [("Balyun", "Killed", "33")]

    Event.objects.filter(pk=event.pk).update(name="Balyun strike")
    assert linking(viewer.changed()) == [("Balyun strike", "Killed", "33")]

    facet_link_delete(link=FacetLink.objects.get(pk=link.pk), actor=bob)
    assert linking(viewer.changed()) == []

    annotation = Annotation.objects.get(pk=annotation.pk)
    moderation_hide(item=annotation, reason="Off topic", actor=alice)
    assert note(viewer.changed()) is None, "hidden from a viewer"
    owner = Reader(client, alice, document)
    assert note(owner.changed()) == "Edited", "an owner still reads it"

    membership = Membership.objects.get(project=document.project, user=carol)
    member_set_role(membership=membership, role=Role.OWNER, actor=alice)
    assert note(viewer.changed()) == "Edited", "carol is an owner now"
    member_set_role(membership=membership, role=Role.VIEWER, actor=alice)
    assert note(viewer.changed()) is None, "and a viewer again"

    moderation_show(item=Annotation.objects.get(pk=annotation.pk), actor=alice)
    assert note(viewer.changed()) == "Edited"

    annotation_delete(annotation=Annotation.objects.get(pk=annotation.pk), actor=bob)
    gone = viewer.changed()
    assert gone["total"] == 0 and items(gone) == []
    assert first["total"] == 1


def test_the_export_follows_the_same_writes(client, document, alice, bob, carol, annotated):
    annotation, event, facet = annotated
    facet_link_create(annotation=annotation, facet=facet, author=bob, value="33")
    annotation_update(
        annotation=annotation, actor=bob, kind="claim", note="Secret", edited_version=1
    )
    moderation_hide(item=Annotation.objects.get(pk=annotation.pk), reason="x", actor=alice)
    Facet.objects.filter(pk=facet.pk).update(name="Killed")
    url = reverse("reader:project_export", args=[document.project.slug])

    def exported(user) -> dict:
        client.force_login(user)
        return json.loads(b"".join(client.get(url).streaming_content))

    assert note(exported(carol)) is None
    assert note(exported(alice)) == "Secret"
    assert linking(exported(carol)) == [("Balyun", "Killed", "33")]
