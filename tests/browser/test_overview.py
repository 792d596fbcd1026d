"""The overview strip of a long document: a mark per annotation (the panel holds 30), in
its kind's colour, that shows its annotation by mouse or keyboard; it never widens the
page and axe finds nothing wrong with it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reader.selectors.reading import PANEL_PAGE_SIZE
from reader.vocabularies import KINDS, Kind
from tests.browser.conftest import wait_until_still
from tests.browser.test_axe import violations
from tests.factories import AnnotationFactory, DocumentFactory

pytestmark = pytest.mark.browser

# About 12,000 lines: some 350,000 px of text in the test's window.
LINES = "".join(f"Line {n:05} of a long report, with nothing much to say.\n" for n in range(12_000))
COUNT = PANEL_PAGE_SIZE * 2 + 5


@pytest.fixture
def long_document(project, bob):
    document = DocumentFactory(project=project, title="Long", text=LINES)
    kinds = [Kind.CLAIM, Kind.OPINION, Kind.USER_COMMENT]
    annotations = []
    for n in range(COUNT):
        start = document.text.index(f"Line {n * 180:05}")
        annotations.append(
            AnnotationFactory(
                document=document, author=bob, start=start, end=start + 10, kind=kinds[n % 3]
            )
        )
    return document, annotations


def expect_shown(page, annotation) -> None:
    highlight = page.locator(f'#reading-pane .hl[data-ann~="{annotation.pk}"]').first
    expect(highlight).to_have_class(re.compile("is-flashing"))
    wait_until_still(page, "window.scrollY")
    expect(highlight).to_be_in_viewport()
    expect(page.locator(f"#annotation-{annotation.pk}")).to_have_class(re.compile("is-selected"))
    expect(page).to_have_url(re.compile(f"#annotation-{annotation.pk}$"))


def test_a_mark_per_annotation_and_a_click_on_a_far_one_shows_it(page, login, bob, long_document):
    document, annotations = long_document
    login(bob)
    page.goto(document.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollHeight") > 300_000
    strip = page.get_by_role("toolbar", name=re.compile("Overview"))
    marks = strip.locator(".overview-mark")
    expect(marks).to_have_count(len(annotations))
    # Far more marks than panel items: the strip does not wait for the panel's pages.
    assert page.locator("#annotation-panel .annotation-item").count() < len(annotations)
    last = annotations[-1]
    mark = strip.locator(f'[data-annotation="{last.pk}"]')
    expect(mark).to_have_class(re.compile(f"k-{last.kind}"))
    # Its colour is the kind's, from /kinds.css (the highlight's underline colour).
    line = page.locator(f'#reading-pane .hl[data-ann~="{last.pk}"]').first.evaluate(
        "element => getComputedStyle(element).getPropertyValue('--kind-line')"
    )
    assert mark.evaluate("element => getComputedStyle(element).backgroundColor") != ""
    assert (
        line.strip()
        and mark.evaluate("element => getComputedStyle(element).getPropertyValue('--kind-line')")
        == line
    )
    label = KINDS[Kind(last.kind)].label
    expect(mark).to_have_attribute("aria-label", re.compile(rf"^{label} {COUNT} of {COUNT}, 9\d%"))
    assert page.evaluate("window.scrollY") == 0
    mark.click()
    expect_shown(page, last)
    assert page.evaluate("window.scrollY") > 250_000
    expect(mark).to_have_attribute("aria-current", "true")


def test_the_strip_is_one_tab_stop_that_the_arrow_keys_move_through(
    page, login, bob, long_document
):
    document, annotations = long_document
    login(bob)
    page.goto(document.get_absolute_url())
    marks = page.locator(".overview-strip .overview-mark")
    expect(marks).to_have_count(len(annotations))
    assert page.locator('.overview-strip [tabindex="0"]').count() == 1
    marks.first.focus()
    page.keyboard.press("End")
    expect(marks.last).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("PageUp")
    target = annotations[-12]
    expect(page.locator(f'.overview-mark[data-annotation="{target.pk}"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect_shown(page, target)
    # Still one tab stop, now on the mark shown; Home goes back to the first.
    assert page.locator('.overview-strip [tabindex="0"]').count() == 1
    page.keyboard.press("Home")
    expect(marks.first).to_be_focused()
    page.keyboard.press("Space")
    expect_shown(page, annotations[0])


def test_the_strip_fits_every_width_and_axe_finds_nothing(page, login, bob, long_document):
    document, _ = long_document
    login(bob)
    for width, height in [(390, 844), (768, 1024), (1440, 900)]:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(document.get_absolute_url())
        strip = page.locator(".overview-strip")
        expect(strip).to_be_visible()
        box = strip.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert not violations(page), (width, violations(page))


def test_a_short_document_has_no_strip_and_a_new_annotation_gets_its_mark(
    page, login, bob, project, long_document
):
    short = DocumentFactory(project=project, title="Short", text="One line.\n")
    AnnotationFactory(document=short, author=bob, start=0, end=3)
    login(bob)
    page.goto(short.get_absolute_url())
    expect(page.locator("#reading-pane .hl")).to_have_count(1)
    expect(page.locator(".overview-strip")).to_have_count(0)
    # The strip follows the text when it is swapped: a kind filtered out takes its marks.
    document, annotations = long_document
    page.goto(document.get_absolute_url())
    marks = page.locator(".overview-strip .overview-mark")
    expect(marks).to_have_count(len(annotations))
    page.locator("#reader-filters").get_by_label("Claim").uncheck()
    claims = sum(annotation.kind == Kind.CLAIM for annotation in annotations)
    expect(marks).to_have_count(len(annotations) - claims)
