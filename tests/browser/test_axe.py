"""axe-core (vendored, tests/vendor/) on every page and on the main partials after their
htmx swap: no violations at any impact level."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_layout import pages_of

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent.parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text()
RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ` +
    v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}"""


def violations(page) -> list[str]:
    # Through the DevTools protocol, which the page's CSP does not govern.
    page.evaluate(AXE)
    return page.evaluate(RUN)


def test_no_page_has_violations(page, login, demo_project, alice):
    problems = []
    for url in ["/accounts/login/", "/accounts/signup/"]:
        page.goto(url)
        problems += [f"{url}: {v}" for v in violations(page)]
    login(alice)
    urls = pages_of(demo_project, alice)
    for url in urls:
        page.goto(url)
        problems += [f"{url}: {v}" for v in violations(page)]
    # On a phone: the folded menu, the bottom sheet, one column at a time.
    page.set_viewport_size({"width": 390, "height": 844})
    for url in [u for u in urls if "/documents/" in u or "/compare/" in u][:4]:
        page.goto(url)
        problems += [f"390px {url}: {v}" for v in violations(page)]
    assert not problems, "\n".join(problems)


def test_partials_after_their_swap_have_no_violations(page, login, demo_project, alice):
    document = demo_project.documents.get(title__startswith="33 KIA")
    login(alice)
    page.goto(document.get_absolute_url())
    problems = []
    # The reader body after a filter change.
    page.locator("#reader-filters").get_by_label("Claim").uncheck()
    expect(page.locator("#reading-pane .hl.k-claim")).to_have_count(0)
    problems += [f"filtered reader: {v}" for v in violations(page)]
    # An item's edit form and link form.
    item = page.locator("#annotation-panel .annotation-item").first
    item.locator(".item-menu > summary").click()
    item.get_by_role("link", name="Link to event").click()
    expect(item.locator(".link-form")).to_be_visible()
    problems += [f"link form: {v}" for v in violations(page)]
    if not item.locator(".item-menu[open]").count():
        item.locator(".item-menu > summary").click()
    item.get_by_role("link", name="Edit").click()
    expect(page.locator(".annotation-item.is-editing")).to_be_visible()
    problems += [f"edit form: {v}" for v in violations(page)]
    # The keys' list, and search results.
    page.locator("#reading-pane").focus()
    page.keyboard.press("?")
    problems += [f"keys dialog: {v}" for v in violations(page)]
    page.keyboard.press("Escape")
    page.goto(f"/p/{demo_project.slug}/search/")
    page.get_by_label("Search sources, quotes").fill("soldiers")
    expect(page.locator(".search-result").first).to_be_visible()
    problems += [f"search results: {v}" for v in violations(page)]
    assert not problems, "\n".join(problems)
