"""Two people, two browsers: one annotates, the other sees it coming without losing
anything they were doing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from reader.models import Annotation
from tests.browser.test_annotate import drag_over, select_programmatically

pytestmark = pytest.mark.browser


def second_browser(browser, live_server, user):
    """Another browser context (its own cookies), signed in as `user`."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 1000}
    )
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": session.key, "value": session.value, "url": live_server.url}])
    return context


def test_a_teammates_annotation_shows_as_a_bar_without_disturbing_the_reader(
    browser, live_server, page, login, document, alice, bob
):
    login(alice)
    page.goto(document.get_absolute_url())
    # Alice is in the middle of something: a selection with a half-written note.
    select_programmatically(page, "Idlib said")
    toolbar = page.locator("#selection-toolbar")
    expect(toolbar).to_be_visible()
    toolbar.locator("textarea[name=note]").fill("half-written thought")
    page.evaluate("document.getElementById('reading-pane').dataset.marker = 'untouched'")

    bobs = second_browser(browser, live_server, bob)
    try:
        bob_page = bobs.new_page()
        bob_page.goto(document.get_absolute_url())
        drag_over(bob_page, "33 soldiers")
        bob_page.get_by_role("button", name="Claim").click()
        expect(bob_page.locator("#annotation-panel .annotation-item")).to_have_count(1)
    finally:
        bobs.close()
    annotation = Annotation.objects.get()

    bar = page.locator("#live-changes .live-bar")
    expect(bar).to_contain_text("1 new change to this document.", timeout=8_000)
    # Nothing moved under her: the same text element, her note, her toolbar.
    assert page.evaluate("document.getElementById('reading-pane').dataset.marker") == "untouched"
    expect(toolbar).to_be_visible()
    expect(toolbar.locator("textarea[name=note]")).to_have_value("half-written thought")
    expect(page.locator(f"#annotation-{annotation.pk}")).to_have_count(0)

    bar.get_by_role("link", name="Show").click()
    expect(page.locator(f"#annotation-{annotation.pk}")).to_be_visible()
    expect(page.locator(f'#reading-pane .hl[data-ann~="{annotation.pk}"]').first).to_be_visible()
    expect(page.locator("#live-changes .live-bar")).to_have_count(0)
    expect(toolbar.locator("textarea[name=note]")).to_have_value("half-written thought")
