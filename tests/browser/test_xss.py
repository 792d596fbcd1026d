"""The payloads, in real Chromium: pages that show them run none of them (no dialog, no
window.__xss, no blocked inline script reported by the CSP), and an export opened in the
browser is shown as JSON text."""

from __future__ import annotations

import pytest
from django.urls import reverse

# The project with a payload in every field, from the hostile-input suite.
from tests.hostile.conftest import evil, hostile  # noqa: F401

pytestmark = pytest.mark.browser

MOUSE_OVER_EVERYTHING = """() => {
  for (const element of document.querySelectorAll("body *")) {
    element.dispatchEvent(new MouseEvent("mouseover", {bubbles: false}));
  }
}"""


def test_pages_full_of_payloads_run_none_of_them(page, login, live_server, hostile, alice):  # noqa: F811
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(alice)
    document, event = hostile["document"], hostile["event"]
    slug = document.project.slug
    urls = [
        document.get_absolute_url(),
        reverse("reader:event_detail", args=[slug, event.pk]),
        reverse("reader:event_compare", args=[slug, event.pk]),
        reverse("reader:document_agreement", args=[slug, document.pk]),
        reverse("reader:member_list", args=[slug]),
        reverse("reader:activity_list", args=[slug]),
        reverse("reader:trash_list", args=[slug]),
        reverse("reader:import_preview", args=[slug, hostile["pending"].pk]),
        reverse("account"),
    ]
    for url in urls:
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        # Pass the pointer over everything, for any onmouseover a payload might have made.
        page.evaluate(MOUSE_OVER_EVERYTHING)
        assert page.evaluate("() => window.__xss") is None, url
    assert dialogs == []


def test_an_export_opened_in_the_browser_is_json_text(page, login, live_server, hostile, alice):  # noqa: F811
    login(alice)
    document = hostile["document"]
    url = reverse("reader:document_export", args=[document.project.slug, document.pk])
    page.goto(f"{live_server.url}{url}?page=all")
    assert page.evaluate("() => document.contentType") == "application/ld+json"
    assert page.evaluate("() => document.querySelectorAll('[data-pwned]').length") == 0
    assert page.evaluate("() => window.__xss") is None
