"""The reader panel's items and its reading pane come from a cache (reader/render_cache.py)
keyed by what they show: every write that changes an item or a highlight changes its key,
so no one is ever shown a stale item, a hidden note never reaches a member who may not read
it, and a cached item carries the CSRF token of the page it is in."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.template.base import Template
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from reader import anchoring, render_cache
from reader.access import Access
from reader.models import Annotation, Event, Facet, Membership, Reply
from reader.selectors.reading import annotation_with_links
from reader.selectors.suggestions import SuggestionMark
from reader.services.discussion import (
    moderation_hide,
    moderation_show,
    reply_create,
    reply_update,
    thread_set_resolved,
)
from reader.services.documents import annotation_delete, annotation_update
from reader.services.events import event_create, facet_create, facet_link_create, facet_link_delete
from reader.services.projects import member_set_role
from reader.shared_cache import shared_store
from reader.vocabularies import Role
from tests.factories import AnnotationFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HEADER_TOKEN = re.compile(r'"x-csrftoken": "([^"]+)"')


def forget_local() -> None:
    render_cache.store().clear()
    render_cache.PANES.clear()


@pytest.fixture(autouse=True, params=["one worker", "another worker"])
def empty_cache(request, settings, tmp_path):
    """Every test twice: with this process's caches alone, and with the store every worker
    shares (reader/shared_cache.py) behind them, where each page is opened as if by another
    worker (page() forgets this process's caches first)."""
    if request.param == "another worker":
        settings.READER_RENDER_CACHE = str(tmp_path / "render-cache.sqlite3")
    forget_local()
    yield
    forget_local()
    if (shared := shared_store()) is not None:
        shared.close()


@pytest.fixture
def annotation(document, bob):
    return AnnotationFactory(document=document, author=bob, quote="33 soldiers", note="first")


@pytest.fixture
def linked(annotation, bob):
    event = event_create(project=annotation.document.project, name="Balyun strike")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    link = facet_link_create(annotation=annotation, facet=facet, author=bob, value="33")
    return link


def page(client, user, document) -> str:
    if settings.READER_RENDER_CACHE:
        forget_local()
    client.force_login(user)
    response = client.get(
        reverse("reader:document_detail", args=[document.project.slug, document.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


def item(body: str, annotation) -> str:
    """The panel item of `annotation` in the page (up to the next item or the panel's end)."""
    marker = f'<li id="annotation-{annotation.pk}"'
    assert marker in body, "no item"
    rest = body.split(marker, 1)[1]
    return marker + rest.split('<li id="annotation-', 1)[0].split("</aside>", 1)[0]


def fresh(annotation) -> Annotation:
    return Annotation.objects.get(pk=annotation.pk)


def test_the_second_page_comes_from_the_cache_and_is_the_same(
    client, bob, document, annotation, linked, monkeypatch
):
    renders = []
    real_render = Template.render

    def counting(self, context):
        renders.append(self.name)
        return real_render(self, context)

    monkeypatch.setattr(Template, "render", counting)
    first = page(client, bob, document)
    assert renders.count(render_cache.ITEM_TEMPLATE) == 1
    renders.clear()
    second = page(client, bob, document)
    assert render_cache.ITEM_TEMPLATE not in renders
    assert TOKEN.sub("", HEADER_TOKEN.sub("", first)) == TOKEN.sub("", HEADER_TOKEN.sub("", second))


def test_an_edit_shows_at_once(client, bob, document, annotation):
    assert "first" in item(page(client, bob, document), annotation)
    annotation_update(
        annotation=fresh(annotation), actor=bob, kind="opinion", note="second", edited_version=1
    )
    shown = item(page(client, bob, document), annotation)
    assert "second" in shown and "first" not in shown
    assert "k-opinion" in shown and "edited" in shown


def test_a_delete_takes_the_item_away(client, bob, document, annotation):
    assert f'id="annotation-{annotation.pk}"' in page(client, bob, document)
    annotation_delete(annotation=fresh(annotation), actor=bob)
    assert f'id="annotation-{annotation.pk}"' not in page(client, bob, document)


def test_a_link_and_its_removal_show(client, bob, document, annotation):
    assert "item-links" not in item(page(client, bob, document), annotation)
    event = event_create(project=document.project, name="Balyun strike")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    link = facet_link_create(annotation=fresh(annotation), facet=facet, author=bob, value="33")
    shown = item(page(client, bob, document), annotation)
    assert "Balyun strike" in shown and "Death toll" in shown and "Remove" in shown
    facet_link_delete(link=link, actor=bob)
    assert "item-links" not in item(page(client, bob, document), annotation)


def test_a_facet_or_event_renamed_shows_its_new_name(client, bob, document, annotation, linked):
    assert "Death toll" in item(page(client, bob, document), annotation)
    Facet.objects.filter(pk=linked.facet_id).update(name="Killed")
    shown = item(page(client, bob, document), annotation)
    assert "Killed" in shown and "Death toll" not in shown
    Event.objects.filter(pk=linked.facet.event_id).update(name="Behun strike")
    shown = item(page(client, bob, document), annotation)
    assert "Behun strike" in shown and "Balyun strike" not in shown


def test_replies_their_edits_and_resolving_show(client, alice, bob, document, annotation):
    assert 'class="reply"' not in item(page(client, bob, document), annotation)
    reply = reply_create(annotation=fresh(annotation), author=bob, text="why 33?")
    shown = item(page(client, bob, document), annotation)
    assert "why 33?" in shown and "1 reply" in shown and "Resolve thread" in shown
    reply_update(reply=Reply.objects.get(pk=reply.pk), text="why not 36?")
    shown = item(page(client, bob, document), annotation)
    assert "why not 36?" in shown and "why 33?" not in shown
    thread_set_resolved(annotation=fresh(annotation), resolved=True, actor=alice)
    shown = item(page(client, bob, document), annotation)
    assert "<strong>resolved</strong>" in shown and "Reopen thread" in shown


def test_a_hidden_note_reaches_owners_only_even_from_a_warm_cache(
    client, alice, bob, carol, document, annotation
):
    annotation_update(
        annotation=fresh(annotation), actor=bob, kind="claim", note="secret-4b1d", edited_version=1
    )
    reply = reply_create(annotation=fresh(annotation), author=bob, text="reply-secret-77")
    for user in (alice, bob, carol):
        assert "secret-4b1d" in page(client, user, document)
    moderation_hide(item=fresh(annotation), reason="Off topic", actor=alice)
    moderation_hide(item=Reply.objects.get(pk=reply.pk), reason="Personal", actor=alice)
    # The owner's page first, so that the cache holds items with the hidden texts in them.
    owners = page(client, alice, document)
    assert "secret-4b1d" in owners and "reply-secret-77" in owners and "Show again" in owners
    for user in (bob, carol):
        body = page(client, user, document)
        assert "secret-4b1d" not in body and "reply-secret-77" not in body
        assert "Hidden by moderator: <bdi>Off topic</bdi>" in body
    moderation_show(item=fresh(annotation), actor=alice)
    assert "secret-4b1d" in page(client, carol, document)


def test_a_role_change_changes_the_actions(client, alice, bob, document, annotation):
    assert "Edit</a>" in item(page(client, bob, document), annotation)
    membership = Membership.objects.get(project=document.project, user=bob)
    member_set_role(membership=membership, role=Role.VIEWER, actor=alice)
    shown = item(page(client, bob, document), annotation)
    assert "Edit</a>" not in shown and "Actions" not in shown
    member_set_role(
        membership=Membership.objects.get(pk=membership.pk), role=Role.OWNER, actor=alice
    )
    assert "Hide…" in item(page(client, bob, document), annotation)


def test_a_new_display_name_shows(client, alice, bob, document, annotation):
    reply_create(annotation=fresh(annotation), author=bob, text="mine")
    assert item(page(client, alice, document), annotation).count("<bdi>bob</bdi>") == 2
    bob.username = "robert"
    bob.save()
    shown = item(page(client, alice, document), annotation)
    assert shown.count("<bdi>robert</bdi>") == 2 and "<bdi>bob</bdi>" not in shown


def test_cached_items_carry_each_pages_own_csrf_token(alice, bob, document, annotation, linked):
    tokens = []
    for user in (alice, alice, bob):
        body = page(Client(), user, document)
        in_forms = set(TOKEN.findall(body))
        assert in_forms, "the unlink form holds a token"
        assert render_cache.CSRF_MARK not in body
        assert in_forms == set(HEADER_TOKEN.findall(body))
        tokens.append(in_forms)
    assert tokens[0] != tokens[1] != tokens[2]


def test_the_key_holds_every_permission_the_templates_ask(
    alice, bob, carol, document, annotation, linked, monkeypatch
):
    """The item's templates ask `{% can %}` exactly the questions item_permissions puts in
    the key, on the same objects, whatever the member's role."""
    reply_create(annotation=fresh(annotation), author=alice, text="a reply")
    asked: set[tuple[str, str, object]] = set()
    real_can = Access.can

    def recording(self, permission, obj=None):
        asked.add((str(permission), type(obj).__name__, getattr(obj, "pk", None)))
        return real_can(self, permission, obj)

    monkeypatch.setattr(Access, "can", recording)
    for user in (alice, bob, carol):
        membership = Membership.objects.select_related("project").get(user=user)
        access = Access(project=membership.project, membership=membership)
        shown = annotation_with_links(pk=annotation.pk)
        asked.clear()
        render_cache.item_permissions(access, shown)
        in_key = set(asked)
        asked.clear()
        context = {"access": access, "project": access.project, "annotation": shown}
        render_to_string(render_cache.ITEM_TEMPLATE, context)
        assert asked == in_key, user.username


PANE = re.compile(r'<article id="reading-pane"[^>]*>(.*?)</article>', re.DOTALL)


def pane(client, user, document) -> str:
    return PANE.search(page(client, user, document)).group(1)


def test_the_pane_follows_new_changed_and_deleted_highlights(client, bob, document, annotation):
    render_cache.PANES.clear()
    before = pane(client, bob, document)
    assert f'data-ann="{annotation.pk}"' in before and "k-claim" in before
    assert pane(client, bob, document) == before  # from the cache
    added = AnnotationFactory(document=document, author=bob, quote="💥 killed")
    shown = pane(client, bob, document)
    assert f'data-ann="{added.pk}"' in shown
    annotation_update(
        annotation=fresh(annotation), actor=bob, kind="opinion", note="", edited_version=1
    )
    shown = pane(client, bob, document)
    assert f'class="k-opinion hl" data-ann="{annotation.pk}"' in shown
    annotation_delete(annotation=fresh(added), actor=bob)
    assert f'data-ann="{added.pk}"' not in pane(client, bob, document)


def test_the_pane_key_is_the_text_and_its_spans(document):
    calls = []

    def build(html):
        return lambda: calls.append(html) or html

    one = render_cache.pane_html("abc", [(1, 0, 2, "claim")], [], build("one"))
    assert render_cache.pane_html("abc", [(1, 0, 2, "claim")], [], build("x")) == one
    assert render_cache.pane_html("abd", [(1, 0, 2, "claim")], [], build("two")) == "two"
    assert render_cache.pane_html("abc", [(1, 0, 2, "opinion")], [], build("three")) == "three"
    assert render_cache.pane_html("abc", [(1, 0, 3, "claim")], [], build("four")) == "four"
    extra = [anchoring.Span(0, 1, SuggestionMark(pk=5))]
    assert render_cache.pane_html("abc", [(1, 0, 2, "claim")], extra, build("five")) == "five"
    assert calls == ["one", "two", "three", "four", "five"]


def test_the_pane_key_shared_between_workers_is_made_of_values(client, bob, document, settings):
    """Its digest is of the key's repr: an object's address in it would differ from worker
    to worker (no sharing), or worse, match another object's in another worker."""
    settings.READER_RENDER_CACHE = None
    AnnotationFactory(document=document, author=bob, quote="💥 killed")
    pane(client, bob, document)
    ((key, _),) = render_cache.PANES.values.items()
    assert " at 0x" not in repr(key)
    extra = [anchoring.Span(0, 1, SuggestionMark(pk=5))]
    assert repr(extra) == "[Span(start=0, end=1, key=SuggestionMark(pk=5))]"


def test_a_cached_pane_is_still_the_stored_text_exactly(client, bob, document):
    AnnotationFactory(document=document, author=bob, quote="💥 killed")
    AnnotationFactory(document=document, author=bob, quote="中文报道")
    first, second = pane(client, bob, document), pane(client, bob, document)
    assert first == second
    assert html.unescape(re.sub(r"<[^>]+>", "", second)) == document.text


def test_recent_keeps_the_last_few_and_forgets_the_oldest():
    recent = render_cache.Recent(2, max_bytes=100)
    recent.set("a", b"1")
    recent.set("b", b"2")
    assert recent.get("a") == b"1"  # now the most recent
    recent.set("c", b"3")
    assert recent.get("b") is None
    assert (recent.get("a"), recent.get("c")) == (b"1", b"3")


def test_recent_holds_at_most_its_bytes_but_always_the_newest():
    recent = render_cache.Recent(10, max_bytes=10)
    recent.set("a", b"12345")
    recent.set("b", b"12345")
    assert (recent.get("a"), recent.held) == (b"12345", 10)
    recent.set("c", b"123")  # over the budget: the least recent (b) goes
    assert (recent.get("b"), recent.get("a"), recent.held) == (None, b"12345", 8)
    recent.set("a", b"1")  # a value replaced is counted once
    assert recent.held == 4
    recent.set("big", b"x" * 50)  # larger than the budget alone: kept, everything else goes
    assert (recent.get("big"), recent.get("a"), recent.get("c"), recent.held) == (
        b"x" * 50,
        None,
        None,
        50,
    )
    recent.clear()
    assert recent.held == 0


def test_the_pane_is_put_in_its_place_and_no_mark_is_left(client, bob, document, annotation):
    """Pages put the pane's bytes where the templates left render_cache.PANE_MARK."""
    client.force_login(bob)
    url = reverse("reader:document_detail", args=[document.project.slug, document.pk])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        for _ in range(2):  # built, then from the cache
            body = client.get(url, **headers).content.decode()
            assert render_cache.PANE_MARK not in body
            shown = PANE.search(body).group(1)
            assert html.unescape(re.sub(r"<[^>]+>", "", shown)) == document.text
            assert f'data-ann="{annotation.pk}"' in shown
