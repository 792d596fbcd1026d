"""Every page at a phone's, a tablet's and a desktop's width: nothing scrolls sideways, the
navigation folds into a menu on small screens, and the annotation panel becomes a bottom
sheet that opens on the annotation just made, by touch."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reader.models import Annotation, Suggestion
from reader.services.documents import annotation_delete
from reader.services.suggestions import suggestions_compute
from tests.factories import AnnotationFactory, DocumentFactory

pytestmark = pytest.mark.browser

WIDTHS = [390, 768, 1440]
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .filter((element) => !element.closest(".matrix-scroll, .compare-columns, pre"))
    .slice(0, 5)
    .map((element) => {
      const right = Math.round(element.getBoundingClientRect().right);
      return `${element.tagName}.${element.className} ${right}`;
    });
  return { scroll: document.documentElement.scrollWidth, width, wide };
}"""


def pages_of(project, alice) -> list[str]:
    """Every page a person opens (not exports, polls or partials), with real ids."""
    slug = project.slug
    document = project.documents.order_by("pk").first()
    annotation = Annotation.objects.filter(document__project=project).first()
    event = project.events.order_by("pk").first()
    annotation_delete(
        annotation=AnnotationFactory(document=document, author=alice, quote="Balyun"), actor=alice
    )
    compare = (
        reverse("reader:event_compare", args=[slug, event.pk])
        + "?"
        + "&".join(f"documents={pk}" for pk in project.documents.values_list("pk", flat=True))
    )
    by_name = {
        "project_list": [],
        "project_create": [],
        "document_list": [slug],
        "document_create": [slug],
        "document_upload": [slug],
        "document_detail": [slug, document.pk],
        "document_agreement": [slug, document.pk],
        "project_agreement": [slug],
        "annotation_detail": [slug, annotation.pk],
        "annotation_update": [slug, annotation.pk],
        "annotation_delete": [slug, annotation.pk],
        "facet_link_create": [slug, annotation.pk],
        "event_list": [slug],
        "event_detail": [slug, event.pk],
        "import_upload": [slug],
        "member_list": [slug],
        "activity_list": [slug],
        "trash_list": [slug],
        "project_search": [slug],
    }
    urls = [reverse(f"reader:{name}", args=args) for name, args in by_name.items()]
    urls += [reverse("reader:project_search", args=[slug]) + "?q=soldiers"]
    urls += [compare, reverse("account"), reverse("api_docs"), reverse("password_change")]
    urls += [document.get_absolute_url() for document in project.documents.order_by("pk")[1:]]
    # Suggestions: the reader with them on, an edit form, the owner's preview and batch.
    suggestions_compute(document=document)
    suggestion = Suggestion.objects.pending().filter(document=document).first()
    assert suggestion is not None
    urls += [
        f"{document.get_absolute_url()}?suggestions=on",
        reverse("reader:suggestion_edit", args=[slug, suggestion.pk]),
        reverse("reader:suggestions_accept_all", args=[slug]) + f"?document={document.pk}",
        reverse("reader:suggestions_batch", args=[slug]),
    ]
    return urls


def test_no_page_scrolls_sideways(page, login, demo_project, alice):
    urls = pages_of(demo_project, alice)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.context.clear_cookies()
        for url in ["/accounts/login/", "/accounts/signup/"]:
            page.goto(url)
            found = page.evaluate(OVERFLOW)
            if found["scroll"] > found["width"]:
                problems.append(f"{width}px {url}: {found}")
        login(alice)
        for url in urls:
            page.goto(url)
            found = page.evaluate(OVERFLOW)
            if found["scroll"] > found["width"]:
                problems.append(f"{width}px {url}: {found}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def phone(browser, live_server, transactional_db):
    """A touch phone, 390 px wide."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(5_000)
    yield context
    context.close()


def test_on_a_phone_menu_sheet_and_touch_selection(phone, live_server, project, bob):
    from django.conf import settings
    from django.test import Client

    document = DocumentFactory(project=project, title="Phone")
    client = Client()
    client.force_login(bob)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    phone.add_cookies([{"name": session.key, "value": session.value, "url": live_server.url}])
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(document.get_absolute_url())

    # The navigation is folded behind "Menu".
    expect(page.get_by_role("link", name="Events")).to_be_hidden()
    page.get_by_role("button", name="Menu").tap()
    expect(page.get_by_role("link", name="Events")).to_be_visible()
    page.get_by_role("button", name="Menu").tap()

    # The panel is a closed sheet at the bottom.
    sheet = page.get_by_role("button", name=re.compile(r"^Annotations"))
    expect(sheet).to_be_visible()
    expect(sheet).to_have_attribute("aria-expanded", "false")

    # A touch selection: a tap in the text, then the range a long press makes.
    pane = page.locator("#reading-pane")
    pane.tap(position={"x": 20, "y": 20})
    pane.evaluate(
        """(pane) => {
          const start = pane.textContent.indexOf("33 soldiers");
          const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
          let seen = 0;
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (start < seen + node.data.length) {
              const range = document.createRange();
              range.setStart(node, start - seen);
              range.setEnd(node, start - seen + "33 soldiers".length);
              window.getSelection().removeAllRanges();
              window.getSelection().addRange(range);
              return;
            }
            seen += node.data.length;
          }
        }"""
    )
    toolbar = page.locator("#selection-toolbar")
    expect(toolbar).to_be_visible()
    expect(toolbar.locator("input[name=quote]")).to_have_value("33 soldiers")
    box = toolbar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    toolbar.get_by_role("button", name="Claim").tap()

    # Saved: the sheet opens on the new annotation, in view.
    expect(page.locator("#annotation-panel .annotation-item")).to_have_count(1)
    annotation = Annotation.objects.get(document=document)
    item = page.locator(f"#annotation-{annotation.pk}")
    expect(item).to_have_class(re.compile("is-selected"))
    expect(sheet).to_have_attribute("aria-expanded", "true")
    expect(item).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not errors, errors
