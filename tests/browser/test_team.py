"""The issue's "done when", in two real browsers: two people annotate the same document,
see each other's work appear, discuss it, and the owner settles their disagreement; the
event page shows a teammate's new link without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reader.models import Annotation
from reader.services.documents import annotation_create
from reader.services.events import event_create, facet_create, facet_link_create
from tests.browser.test_annotate import drag_over
from tests.browser.test_live import second_browser

pytestmark = pytest.mark.browser


def test_two_annotators_disagree_discuss_and_the_owner_settles_it(
    browser, live_server, page, login, document, alice, bob
):
    login(alice)
    page.goto(document.get_absolute_url())
    drag_over(page, "33 soldiers")
    page.get_by_role("button", name="Claim").click()
    expect(page.locator("#annotation-panel .annotation-item")).to_have_count(1)
    alices = Annotation.objects.get(author=alice)

    bobs_context = second_browser(browser, live_server, bob)
    try:
        bob_page = bobs_context.new_page()
        bob_page.goto(document.get_absolute_url())
        # Bob sees Alice's claim, tags the same words as an opinion, and asks about hers.
        expect(bob_page.locator(f"#annotation-{alices.pk}")).to_be_visible()
        drag_over(bob_page, "33 soldiers")
        bob_page.get_by_role("button", name="Opinion").click()
        expect(bob_page.locator("#annotation-panel .annotation-item")).to_have_count(2)
        item = bob_page.locator(f"#annotation-{alices.pk}")
        item.get_by_role("link", name="Reply").click()
        item.get_by_role("textbox", name="Reply").fill("Is the number the ministry's own?")
        item.get_by_role("button", name="Reply").click()
        expect(bob_page.locator(f"#annotation-{alices.pk} .reply-text")).to_contain_text(
            "ministry's own"
        )
    finally:
        bobs_context.close()

    # Alice learns of both changes without reloading, and shows them.
    bar = page.locator("#live-changes .live-bar")
    expect(bar).to_contain_text("2 new changes to this document.", timeout=8_000)
    bar.get_by_role("link", name="Show").click()
    expect(page.locator(f"#annotation-{alices.pk} .reply-text")).to_contain_text("ministry's own")
    bobs = Annotation.objects.get(author=bob)
    expect(page.locator(f"#annotation-{bobs.pk}")).to_be_visible()

    # On the agreement page she compares their tagging and accepts Bob's.
    page.goto(f"/p/{document.project.slug}/documents/{document.pk}/agreement/")
    expect(page.locator(".curation")).to_contain_text("0 of 1 disagreement settled")
    page.get_by_role("button", name="Accept bob's opinion").click()
    expect(page.locator(".curation")).to_contain_text("1 of 1 disagreement settled")
    expect(page.locator(".unit-marks li.accepted")).to_contain_text("bob: opinion")
    bobs.refresh_from_db()
    alices.refresh_from_db()
    assert (bobs.accepted, alices.accepted) == (True, False)


def test_the_event_page_shows_a_teammates_new_link(page, login, document, alice, bob):
    event = event_create(project=document.project, name="Balyun")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    login(alice)
    page.goto(event.get_absolute_url())
    expect(page.locator(".facet-matrix")).not_to_contain_text("33")

    annotation = annotation_create(document=document, author=bob, kind="claim", start=15, end=26)
    facet_link_create(annotation=annotation, facet=facet, author=bob, value="33")

    bar = page.locator("#live-changes .live-bar")
    expect(bar).to_contain_text("1 new change to this event", timeout=8_000)
    bar.get_by_role("link", name="Show").click()
    expect(page.locator(".facet-matrix")).to_contain_text("33")
    expect(page.locator("#live-changes .live-bar")).to_have_count(0)
