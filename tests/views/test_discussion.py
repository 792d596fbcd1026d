from __future__ import annotations

import pytest
from django.urls import reverse

from reader.models import Reply
from reader.services.discussion import moderation_hide, reply_create, thread_set_resolved
from tests.conftest import shown
from tests.factories import AnnotationFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def annotation(document, alice):
    return AnnotationFactory(document=document, author=alice, quote="33 soldiers", note="Check")


def url(name: str, pk: int) -> str:
    return reverse(f"reader:{name}", args=["idlib", pk])


def test_an_annotator_replies_to_anyones_annotation(client, bob, annotation):
    client.force_login(bob)
    response = client.post(
        url("reply_create", annotation.pk), {"text": "Source? https://x.org"}, headers=HTMX
    )
    reply = Reply.objects.get()
    assert (reply.author, reply.text) == (bob, "Source? https://x.org")
    body = response.content.decode()
    assert body.lstrip().startswith(f'<li id="annotation-{annotation.pk}"')
    assert '<a href="https://x.org" rel="nofollow noopener noreferrer"' in body
    assert "1 reply" in body


def test_replies_are_escaped(client, bob, carol, annotation):
    reply_create(annotation=annotation, author=bob, text="<script>alert(1)</script>")
    client.force_login(carol)
    body = client.get(annotation.document.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


@pytest.mark.parametrize(("text", "message"), [("   ", "Write something"), ("x" * 10_001, "limit")])
def test_empty_or_long_replies_are_refused(client, bob, annotation, text, message):
    client.force_login(bob)
    response = client.post(url("reply_create", annotation.pk), {"text": text}, headers=HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Reply.objects.exists()


def test_viewers_read_the_discussion_but_do_not_take_part(client, bob, carol, annotation):
    reply_create(annotation=annotation, author=bob, text="Agreed")
    client.force_login(carol)
    body = client.get(annotation.document.get_absolute_url()).content.decode()
    assert "Agreed" in body and 'name="text"' not in body
    assert client.post(url("reply_create", annotation.pk), {"text": "hi"}).status_code == 403


def test_only_the_author_edits_or_deletes_a_reply(client, alice, bob, annotation):
    reply = reply_create(annotation=annotation, author=bob, text="First")
    client.force_login(alice)  # an owner, but not the author
    assert client.post(url("reply_update", reply.pk), {"text": "Changed"}).status_code == 403
    assert client.post(url("reply_delete", reply.pk)).status_code == 403
    client.force_login(bob)
    client.post(url("reply_update", reply.pk), {"text": "Second"}, headers=HTMX)
    reply.refresh_from_db()
    assert reply.text == "Second"
    client.post(url("reply_delete", reply.pk), headers=HTMX)
    assert not Reply.objects.exists()


def test_resolving_and_reopening_a_thread_and_filtering_open_ones(
    client, bob, document, annotation
):
    other = AnnotationFactory(document=document, author=bob, quote="Idlib said")
    for item in (annotation, other):
        reply_create(annotation=item, author=bob, text="?")
    client.force_login(bob)
    client.post(url("thread_resolve", annotation.pk), {"resolved": "1"}, headers=HTMX)
    annotation.refresh_from_db()
    assert annotation.resolved
    body = client.get(document.get_absolute_url(), {"threads": "open"}).content.decode()
    assert f'id="annotation-{other.pk}"' in body
    assert f'id="annotation-{annotation.pk}"' not in body
    client.post(url("thread_resolve", annotation.pk), {"resolved": "0"}, headers=HTMX)
    annotation.refresh_from_db()
    assert not annotation.resolved


def test_owners_hide_with_a_reason_and_others_see_only_the_reason(
    client, alice, bob, carol, annotation
):
    reply = reply_create(annotation=annotation, author=bob, text="Insulting words")
    client.force_login(alice)
    missing = client.post(url("reply_hide", reply.pk), {"hide": "1", "reason": " "}, headers=HTMX)
    assert missing.status_code == 400 and "Give a reason" in missing.content.decode()
    client.post(url("reply_hide", reply.pk), {"hide": "1", "reason": "Abusive"}, headers=HTMX)
    client.post(
        url("annotation_hide", annotation.pk), {"hide": "1", "reason": "Off topic"}, headers=HTMX
    )
    client.force_login(carol)
    body = shown(client.get(annotation.document.get_absolute_url()).content.decode())
    assert "Hidden by moderator: Abusive" in body and "Insulting words" not in body
    assert "Hidden by moderator: Off topic" in body and ">Check<" not in body
    client.force_login(alice)
    assert "Insulting words" in client.get(annotation.document.get_absolute_url()).content.decode()
    client.post(url("reply_hide", reply.pk), {}, headers=HTMX)  # show again
    reply.refresh_from_db()
    assert reply.hidden_reason == ""


def test_only_owners_moderate(client, bob, annotation):
    reply = reply_create(annotation=annotation, author=bob, text="Mine")
    client.force_login(bob)
    response = client.post(url("reply_hide", reply.pk), {"hide": "1", "reason": "x"})
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.hidden_reason == ""


def test_discussion_shows_up_in_live_updates(alice, bob, annotation):
    document = annotation.document
    document.refresh_from_db()
    before = document.revision
    reply = reply_create(annotation=annotation, author=bob, text="New")
    thread_set_resolved(annotation=annotation, resolved=True, actor=alice)
    moderation_hide(item=reply, reason="No", actor=alice)
    document.refresh_from_db()
    assert document.revision == before + 3


def test_the_panel_links_to_discussion_forms_instead_of_holding_one_per_item(
    client, alice, bob, annotation
):
    reply = reply_create(annotation=annotation, author=bob, text="Why?")
    client.force_login(alice)  # an owner: may reply and moderate
    body = client.get(annotation.document.get_absolute_url()).content.decode()
    assert 'name="text"' not in body and 'name="reason"' not in body
    assert url("reply_create", annotation.pk) in body and ">Hide…<" in body
    form = client.get(url("reply_create", annotation.pk), headers=HTMX).content.decode()
    assert 'name="text"' in form and "<html" not in form
    page = client.get(url("reply_hide", reply.pk)).content.decode()  # without JavaScript
    assert 'name="reason"' in page and "<html" in page
