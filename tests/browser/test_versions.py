"""A second capture of the live-updates page in headless Chromium: uploaded from the
document page, every annotation re-anchored or listed for review, the reworded entry moved
by selecting its new passage, the new count linked and shown as the source's latest value
in the matrix, what changed in the diff, and the first version read-only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reader.models import Annotation, Document, Facet, FacetLink
from tests.browser.conftest import wait_until_still
from tests.browser.test_annotate import drag_over, expect_selected
from tests.browser.test_events import BALYUN, matrix_cell, open_link_form

pytestmark = pytest.mark.browser

CAPTURE = Path(__file__).parent.parent / "captures" / "live_updates_v2.txt"
REWORDED = "In total 36 of our soldiers were wounded and their treatment is continuing"
NEW_COUNT = "the number of our dead soldiers rose to 34"


def select_in(page: Page, selector: str, quote: str) -> None:
    """Select `quote` in the element with the mouse, as drag_over does in the reader."""
    box = page.locator(selector).evaluate(
        """(pane, quote) => {
          const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
          let node, offset = 0, text = pane.textContent, at = text.indexOf(quote);
          const range = document.createRange();
          while ((node = walker.nextNode())) {
            const end = offset + node.data.length;
            if (at >= offset && at < end) range.setStart(node, at - offset);
            if (at + quote.length > offset && at + quote.length <= end) {
              range.setEnd(node, at + quote.length - offset);
            }
            offset = end;
          }
          pane.scrollIntoView({ block: "start" });
          const top = range.getBoundingClientRect().top - pane.getBoundingClientRect().top;
          pane.scrollTop += top - 40;
          const rects = [...range.getClientRects()].filter((r) => r.width > 0);
          const first = rects[0], last = rects[rects.length - 1];
          return { x0: first.left + 1, y0: first.top + first.height / 2,
                   x1: last.right - 1, y1: last.top + last.height / 2 };
        }""",
        quote,
    )
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move(box["x1"], box["y1"], steps=8)
    page.mouse.up()


def test_a_second_capture_of_the_live_page(page: Page, live_server, login, demo_project, alice):
    live = demo_project.documents.get(title__startswith="Live Updates")
    before = {a.pk: a.quote_exact for a in live.annotations.all()}
    login(alice)
    page.goto(live.get_absolute_url())

    # Add the new capture from the document page, as a file.
    page.get_by_role("link", name="Add a new version").click()
    page.get_by_label("…or upload it").set_input_files(str(CAPTURE))
    page.get_by_role("button", name="Add version 2").click()

    # The review page: the reworded entry, old and proposed passages side by side.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review the annotations")
    expect(page.locator(".messages")).to_contain_text("Version 2 added:")
    items = page.locator(".review-item")
    expect(items).to_have_count(1)
    item = items.first
    expect(item.locator(".review-old mark")).to_have_text(
        "A total of 36 soldiers were wounded, their treatment continues"
    )
    expect(item.locator(".review-new mark")).to_have_text(REWORDED)

    # Move it by selecting its new passage (a shorter one) in the latest text.
    item.get_by_role("button", name="Select it in the text…").click()
    select_in(page, "#review-text", "36 of our soldiers were wounded")
    expect(item.locator("input[name=passage]")).to_have_value("36 of our soldiers were wounded")
    expect(item.get_by_role("button", name="Move here")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".review-item")).to_have_count(0)
    expect(page.get_by_text("Nothing to review")).to_be_visible()

    # Every annotation is on the right text of version 2; none was lost.
    live = Document.objects.get(pk=live.pk)
    assert live.text_version == 2 and live.text == CAPTURE.read_text(encoding="utf-8")
    after = {a.pk: a for a in live.annotations.all()}
    assert set(after) == set(before)
    for pk, annotation in after.items():
        assert annotation.text_version == 2
        assert live.text[annotation.start : annotation.end] == annotation.quote_exact
        if annotation.anchor_status != "moved" or "36" not in annotation.quote_exact:
            assert annotation.quote_exact == before[pk]
    moved = next(a for a in after.values() if "36 of our" in a.quote_exact)
    assert moved.quote_exact == "36 of our soldiers were wounded"

    # The reader marks what moved; the new count is annotated and linked on version 2.
    page.goto(live.get_absolute_url())
    expect(page.locator(".version-bar")).to_contain_text("Version 2 (latest)")
    expect(page.locator(f"#annotation-{moved.pk} .anchor-badge")).to_have_text("moved")
    drag_over(page, NEW_COUNT)
    expect_selected(page, NEW_COUNT)
    page.locator("#selection-toolbar").get_by_role("button", name="Claim").click()
    expect(page.locator("#annotation-panel .annotation-item", has_text=NEW_COUNT)).to_have_count(1)
    count = Annotation.objects.get(document=live, quote_exact=NEW_COUNT)
    assert (count.made_on, count.text_version) == (2, 2)
    form = open_link_form(page, count)
    toll = Facet.objects.get(event__name=BALYUN, name="Death toll")
    form.locator("select[name=facet]").select_option(value=str(toll.pk))  # grouped by event
    form.locator("input[name=value]").fill("34")
    form.locator("input[name=claimed_at]").fill("2020-02-28T07:40")
    form.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator(f"#annotation-{count.pk} .item-links .link-value")).to_have_text("34")

    # The matrix: the live page's latest value of the death toll is the new count.
    death_toll = FacetLink.objects.get(annotation=count).facet
    page.goto(death_toll.event.get_absolute_url())
    cell = matrix_cell(page, death_toll, live)
    expect(cell.locator("a.cell-value").last).to_have_text("34")
    expect(cell.locator("a.cell-value").last).to_have_attribute(
        "href", re.compile(rf"#annotation-{count.pk}$")
    )

    # What changed: the entries added at the top, and the rewording.
    page.goto(live.get_absolute_url())
    page.get_by_role("link", name="What changed").click()
    expect(page.locator(".diff-summary")).to_contain_text("Version 1 → version 2")
    expect(page.locator(".diff-pane ins", has_text="Rises to 34")).to_have_count(1)
    expect(page.locator(".diff-pane ins", has_text=re.compile(r"^our$"))).to_have_count(1)
    expect(page.locator(".diff-pane del", has_text=re.compile(r"^es$"))).to_have_count(1)
    shown = page.locator(".diff-pane").evaluate(
        "(pane) => [...pane.children].filter((run) => run.tagName !== 'INS')"
        ".map((run) => run.textContent).join('')"
    )
    assert shown == Path("fixtures/seeds/003_c1ad7d3c02355b4b.txt").read_text(encoding="utf-8")

    # The first version, read-only: its text, no selection toolbar.
    page.goto(f"{live.get_absolute_url()}?version=1")
    expect(page.locator(".version-older")).to_contain_text("version 1 of 2, read-only")
    expect(page.locator("#selection-toolbar")).to_have_count(0)
    wait_until_still(page, "window.scrollY")
    assert "Rises to 34" not in page.locator("#reading-pane").inner_text()


def test_review_by_keyboard_accept_and_leave_orphaned(page: Page, login, demo_project, alice):
    """Typed passages and the buttons, no mouse: accept one proposal, orphan another."""
    from reader.services import versions

    live = demo_project.documents.get(title__startswith="Live Updates")
    text = CAPTURE.read_text(encoding="utf-8").replace(
        "22 Turkish Servicemen Killed in Airstrike in Syria’s Idlib, Hatay Governor Says",
        "22 Turkish servicemen were killed in an airstrike in Idlib, the Hatay governor says",
    )
    report = versions.version_create(document=live, text=text, added_by=alice)
    assert report.counts["fuzzy"] == 2
    login(alice)
    page.goto(live.get_absolute_url())
    page.get_by_role("link", name="2 annotations to review").click()
    first, second = page.locator(".review-item").all()
    first.get_by_role("button", name="Accept the proposed passage").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".review-item")).to_have_count(1)
    page.locator(".review-item").get_by_role("button", name="Leave orphaned").focus()
    page.keyboard.press("Enter")
    item = page.locator(".review-item")
    expect(item.locator(".anchor-badge")).to_have_text("orphaned")
    # Still listed, and movable by typing a passage that occurs once.
    field = item.get_by_label("Move to the passage")
    field.focus()
    page.keyboard.type("the Hatay governor says")
    page.keyboard.press("Enter")
    expect(page.locator(".review-item")).to_have_count(0)
    assert not Annotation.objects.filter(document=live).needs_review().exists()
