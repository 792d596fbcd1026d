"""After signing out, nothing of a project's pages is left in the browser's storage: htmx
keeps no history snapshots (historyCacheSize 0 in base.html)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STORAGE = "() => JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])"


def test_signing_out_leaves_no_project_page_in_storage(
    page, login, live_server, demo_project, alice
):
    login(alice)
    page.goto(live_server.url + demo_project.get_absolute_url())
    title = demo_project.documents.order_by("title").first().title
    expect(page.get_by_text(title).first).to_be_visible()
    # Searching pushes a history entry: the page before it is what htmx would snapshot.
    page.get_by_role("searchbox").fill("Balyun")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**q=Balyun**")
    document = demo_project.documents.order_by("title").first()
    page.goto(live_server.url + document.get_absolute_url())
    page.locator("#reader-filters input[type=checkbox]").first.click()  # pushes a URL
    page.wait_for_url("**show=**")
    page.go_back()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    stored = page.evaluate(STORAGE)
    assert title not in stored
    assert demo_project.name not in stored
    assert document.text[:40] not in stored
