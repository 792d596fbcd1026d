"""A long document's panel comes a page at a time: scrolling down brings the next page,
and a highlight picked in the text before its page came still shows its item."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reader.selectors.reading import PANEL_PAGE_SIZE
from tests.factories import AnnotationFactory, DocumentFactory

pytestmark = pytest.mark.browser

WORDS = " ".join(f"word{n:03}" for n in range(400))


@pytest.fixture
def long_document(project, bob):
    document = DocumentFactory(project=project, title="Long", text=WORDS + "\n")
    annotations = []
    for n in range(PANEL_PAGE_SIZE + 20):
        start = document.text.index(f"word{n * 5:03}")
        annotations.append(
            AnnotationFactory(document=document, author=bob, start=start, end=start + 7)
        )
    return document, annotations


def test_scrolling_the_panel_brings_the_next_page(page, login, bob, long_document):
    document, annotations = long_document
    login(bob)
    page.goto(document.get_absolute_url())
    items = page.locator("#annotation-panel .annotation-item")
    expect(items).to_have_count(PANEL_PAGE_SIZE)
    page.locator(".panel-more").scroll_into_view_if_needed()
    expect(items).to_have_count(PANEL_PAGE_SIZE + 20)
    expect(page.locator(".panel-more")).to_have_count(0)


def test_a_highlight_whose_item_has_not_come_yet_still_shows_it(page, login, bob, long_document):
    document, annotations = long_document
    last = annotations[-1]
    login(bob)
    page.goto(document.get_absolute_url())
    expect(page.locator(f"#annotation-{last.pk}")).to_have_count(0)
    page.locator(f'#reading-pane .hl[data-ann="{last.pk}"]').click()
    item = page.locator(f"#annotation-{last.pk}")
    expect(item).to_have_class("annotation-item k-claim is-selected")
    expect(page.locator("#panel-pinned .annotation-item")).to_have_count(1)
    # When its page comes, one copy stays.
    page.locator(".panel-more").scroll_into_view_if_needed()
    expect(page.locator("#annotation-panel .annotation-item")).to_have_count(PANEL_PAGE_SIZE + 20)
    expect(page.locator(f'[id="annotation-{last.pk}"]')).to_have_count(1)
