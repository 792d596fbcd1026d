"""Links into the reader land on their highlight: #annotation-N scrolls the text to it and
flashes it, and its panel item is there even when its page of the panel has not come."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reader.selectors.reading import PANEL_PAGE_SIZE
from tests.browser.conftest import wait_until_still
from tests.factories import AnnotationFactory, DocumentFactory

pytestmark = pytest.mark.browser

LINES = "".join(f"Line {n:04} of a long report, with nothing much to say.\n" for n in range(2000))


@pytest.fixture
def long_document(project, bob):
    document = DocumentFactory(project=project, title="Long", text=LINES)
    annotations = []
    for n in range(PANEL_PAGE_SIZE + 10):
        start = document.text.index(f"Line {n * 40:04}")
        annotations.append(
            AnnotationFactory(document=document, author=bob, start=start, end=start + 9)
        )
    return document, annotations


def expect_landed(page, annotation) -> None:
    item = page.locator(f"#annotation-{annotation.pk}")
    expect(item).to_have_class(re.compile("is-selected"))
    highlight = page.locator(f'#reading-pane .hl[data-ann~="{annotation.pk}"]').first
    expect(highlight).to_have_class(re.compile("is-flashing"))
    wait_until_still(page, "window.scrollY")
    expect(highlight).to_be_in_viewport()
    expect(item).to_be_in_viewport()


def test_a_deep_link_past_the_first_page_lands_on_its_highlight(page, login, bob, long_document):
    document, annotations = long_document
    last = annotations[-1]
    login(bob)
    page.goto(f"{document.get_absolute_url()}#annotation-{last.pk}")
    expect_landed(page, last)
    assert page.evaluate("window.scrollY") > 5_000


def test_activity_rows_link_to_the_annotation(page, login, bob, long_document):
    document, annotations = long_document
    login(bob)
    page.goto(reverse("reader:activity_list", args=[document.project.slug]))
    target = annotations[-1]
    page.locator(f'a[href$="#annotation-{target.pk}"]').first.click()
    expect(page).to_have_url(re.compile(f"#annotation-{target.pk}$"))
    expect_landed(page, target)


def test_a_search_result_opens_the_reader_on_the_match(page, login, bob, long_document):
    document, _ = long_document
    login(bob)
    page.goto(reverse("reader:project_search", args=[document.project.slug]))
    page.get_by_label("Search sources, quotes").fill("1999")
    result = page.locator(".search-result", has_text="Source text")
    expect(result).to_have_count(1)
    expect(result.locator("mark")).to_have_text("1999")
    result.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"#at-\d+-\d+$"))
    expect(page.locator("#reading-announcer")).to_have_text("Found: 1999")
    assert page.evaluate("window.getSelection().toString()") == "1999"
    wait_until_still(page, "window.scrollY")
    assert page.evaluate("window.scrollY") > 5_000
