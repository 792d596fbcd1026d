from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from reader.models import Annotation
from reader.selectors.reading import PANEL_PAGE_SIZE, panel_page, panel_prefetches
from reader.services.discussion import reply_create
from reader.services.events import event_create, facet_create, facet_link_create
from reader.vocabularies import Kind
from tests.conftest import shown
from tests.factories import AnnotationFactory, DocumentFactory

HTMX = {"HX-Request": "true"}

PANE = re.compile(r'<article id="reading-pane"[^>]*>(.*?)</article>', re.DOTALL)


def pane_html(response) -> str:
    return PANE.search(response.content.decode()).group(1)


def pane_text(response) -> str:
    """What the browser's textContent of the pane will be: tags gone, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", pane_html(response)))


CSRF_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"x-csrftoken": ")[^"]+')


def without_tokens(body: str) -> str:
    """The page with its CSRF tokens blanked (each response masks the secret anew)."""
    return CSRF_TOKEN.sub(r"\1", body)


def detail_url(document, **query) -> str:
    return reverse("reader:document_detail", args=[document.project.slug, document.pk])


def test_pane_text_equals_stored_text_exactly(client, bob, document):
    AnnotationFactory(document=document, author=bob, quote="💥 killed")
    AnnotationFactory(document=document, author=bob, quote="中文报道")
    client.force_login(bob)
    assert pane_text(client.get(detail_url(document))) == document.text


def test_user_text_in_the_document_is_inert(client, bob, project):
    text = '<script>alert(1)</script> & <img src=x onerror="alert(2)">\n'
    document = DocumentFactory(project=project, title="<b>title</b>", text=text)
    AnnotationFactory(document=document, author=bob, quote="<script>", note="<svg onload=x()>")
    client.force_login(bob)
    response = client.get(detail_url(document))
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    assert "<svg onload" not in body
    assert "<b>title</b>" not in body
    assert pane_text(response) == text


def test_overlapping_and_nested_annotations_render_as_flat_segments(client, bob, document):
    outer = AnnotationFactory(document=document, author=bob, quote="33 soldiers 💥 killed")
    inner = AnnotationFactory(document=document, author=bob, kind=Kind.OPINION, quote="soldiers 💥")
    crossing = AnnotationFactory(
        document=document, author=bob, kind=Kind.USER_COMMENT, quote="killed near"
    )
    client.force_login(bob)
    fragment = pane_html(client.get(detail_url(document)))
    assert "<span" not in re.sub(r"<span[^>]*>[^<]*</span>", "", fragment), "nested spans"
    assert f'data-ann="{outer.pk} {inner.pk}"' in fragment
    assert f'data-ann="{outer.pk} {crossing.pk}"' in fragment
    assert 'class="k-claim k-opinion hl hl-overlap"' in fragment
    segments = re.findall(r'<span class="([^"]*)" data-ann="([^"]*)"[^>]*>([^<]*)</span>', fragment)
    text_of = {ids: text for _, ids, text in segments}
    assert text_of[f"{outer.pk} {inner.pk}"] == "soldiers 💥"
    assert text_of[f"{outer.pk} {crossing.pk}"] == "killed"


def test_each_annotation_start_carries_a_kind_marker(client, bob, document):
    AnnotationFactory(document=document, author=bob, kind=Kind.OPINION, quote="33 soldiers")
    client.force_login(bob)
    assert 'data-mark="O">33 soldiers</span>' in pane_html(client.get(detail_url(document)))


def test_panel_lists_annotations_in_text_order_with_kind_quote_note_author(
    client, alice, bob, document
):
    later = AnnotationFactory(document=document, author=alice, quote="Idlib said")
    earlier = AnnotationFactory(
        document=document, author=bob, kind=Kind.OPINION, quote="33 soldiers", note="Round number"
    )
    client.force_login(bob)
    body = client.get(detail_url(document)).content.decode()
    assert body.index(f'id="annotation-{earlier.pk}"') < body.index(f'id="annotation-{later.pk}"')
    item = body[body.index(f'id="annotation-{earlier.pk}"') :]
    item = item[: item.index("</li>")]
    assert "Opinion" in item
    assert "“33 soldiers”" in shown(item)
    assert "Round number" in item
    assert ">bob<" in item


def test_panel_and_highlights_filter_by_kind_and_author(client, alice, bob, document):
    claim = AnnotationFactory(document=document, author=alice, quote="33 soldiers")
    opinion = AnnotationFactory(document=document, author=bob, kind=Kind.OPINION, quote="Idlib")
    client.force_login(bob)
    response = client.get(detail_url(document), {"show": ["opinion"]})
    body = response.content.decode()
    assert f'id="annotation-{opinion.pk}"' in body
    assert f'id="annotation-{claim.pk}"' not in body
    assert "k-claim hl" not in pane_html(response)
    assert "1 of 2 annotations shown" in body

    response = client.get(detail_url(document), {"author": alice.pk})
    body = response.content.decode()
    assert f'id="annotation-{claim.pk}"' in body
    assert f'id="annotation-{opinion.pk}"' not in body


def test_htmx_request_gets_only_the_reader_body(client, bob, document):
    client.force_login(bob)
    response = client.get(detail_url(document), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="reading-pane"' in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_viewer_gets_no_selection_toolbar_or_edit_links(client, carol, bob, document):
    AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    client.force_login(carol)
    body = client.get(detail_url(document)).content.decode()
    assert 'id="selection-toolbar"' not in body
    assert ">Edit<" not in body


def test_annotator_sees_edit_links_only_on_own_annotations(client, alice, bob, document):
    own = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    AnnotationFactory(document=document, author=alice, quote="Idlib")
    client.force_login(bob)
    body = client.get(detail_url(document)).content.decode()
    assert body.count(">Edit<") == 1
    assert reverse("reader:annotation_update", args=["idlib", own.pk]) in body


@pytest.mark.parametrize("count", [5, 500])
def test_reader_page_query_count_does_not_grow_with_annotations(
    client, bob, document, django_assert_num_queries, count
):
    text = document.text
    for index in range(count):
        start = index % (len(text) - 10)
        AnnotationFactory(document=document, author=bob, start=start, end=start + 7)
    client.force_login(bob)
    # session, user, membership + project, document + outlet + project, every annotation's
    # span and kind, their authors (the panel's page takes its authors from them), the
    # panel's page of annotations, its facet links + facets + events, its replies +
    # authors, and (for an annotator) the facets the selection toolbar offers to link to
    with django_assert_num_queries(10):
        response = client.get(detail_url(document))
    # Again, with the items and the pane in the render cache: the same queries (every key
    # is made from rows the page reads anyway), the same page.
    with django_assert_num_queries(10):
        again = client.get(detail_url(document))
    body = response.content.decode()
    assert without_tokens(again.content.decode()) == without_tokens(body)
    assert body.count('class="annotation-item') == min(count, PANEL_PAGE_SIZE)
    highlighted = {
        int(pk) for ids in re.findall(r'data-ann="([0-9 ]+)"', body) for pk in ids.split()
    }
    assert highlighted == set(document.annotations.values_list("pk", flat=True))


def test_the_panel_comes_a_page_at_a_time_with_the_filters(client, bob, alice, document):
    for index in range(PANEL_PAGE_SIZE + 10):
        AnnotationFactory(document=document, author=bob, kind="claim", start=index, end=index + 3)
    theirs = AnnotationFactory(document=document, author=alice, kind="opinion", start=70, end=75)
    client.force_login(bob)
    first = client.get(detail_url(document)).content.decode()
    [more] = re.findall(r'hx-get="([^"]+offset=30)"', first)
    assert first.count('class="annotation-item') == PANEL_PAGE_SIZE
    second = client.get(more.replace("&amp;", "&"), headers=HTMX).content.decode()
    assert second.count('class="annotation-item') == 11
    assert "panel-more" not in second and "<html" not in second
    assert f'id="annotation-{theirs.pk}"' in second

    # Filters travel with the next page; without JavaScript the link opens a full page.
    filtered = client.get(detail_url(document), {"show": "claim"}).content.decode()
    [more] = re.findall(r'href="([^"]+offset=30)"', filtered)
    assert "show=claim" in more
    page = client.get(more.replace("&amp;", "&")).content.decode()
    assert page.count('class="annotation-item') == 10 and "<html" in page
    assert f'id="annotation-{theirs.pk}"' not in page
    assert "from the first" in page


def test_the_panel_page_reads_what_the_prefetch_reads(alice, bob, document):
    """selectors.reading.panel_page loads links and replies itself: the same rows, in the
    same order, on the same annotations, as panel_prefetches (which the single item uses)."""
    first = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    second = AnnotationFactory(document=document, author=alice, quote="killed")
    bare = AnnotationFactory(document=document, author=bob, quote="near")
    event = event_create(project=document.project, name="Balyun strike")
    place = facet_create(event=event, name="Place", value_type="text")
    toll = facet_create(event=event, name="Death toll", value_type="number")
    for annotation in (first, second):
        facet_link_create(annotation=annotation, facet=place, author=bob, value="Balyun")
        facet_link_create(annotation=annotation, facet=toll, author=bob, value="33")
    reply_create(annotation=second, author=bob, text="why 33?")
    reply_create(annotation=second, author=alice, text="the report says so")
    reply_create(annotation=first, author=alice, text="sure?")

    def shown(annotations):
        return [
            (
                a.pk,
                a.author.get_username(),
                [(link.pk, link.facet.name, link.facet.event.name) for link in a.panel_links],
                [(reply.pk, reply.author.get_username()) for reply in a.panel_replies],
            )
            for a in annotations
        ]

    pks = [second.pk, bare.pk, first.pk]
    expected = Annotation.objects.prefetch_related(*panel_prefetches()).in_bulk(pks)
    authors = {user.pk: user for user in (alice, bob)}
    assert shown(panel_page(pks, authors)) == shown(expected[pk] for pk in pks)
    assert shown(panel_page(pks, {})) == shown(expected[pk] for pk in pks)  # read lazily
