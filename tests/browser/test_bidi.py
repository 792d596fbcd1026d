"""Bidirectional text in real Chromium: a right-to-left override (U+202E) in an event's
place or a link's value, after a stray U+2069 that would end a plain <bdi>, reverses only
that text: the page's own words after it stay where a left-to-right page puts them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reader.services.documents import annotation_create
from reader.services.events import event_create, facet_create, facet_link_create
from tests.factories import DocumentFactory

pytestmark = pytest.mark.browser

# Stray U+2069 (would end the page's isolate), then a right-to-left override, never closed.
OVERRIDE = "\u2069\u202e"

# The left edge of each (word, occurrence) in `selector`'s text, and its top, as laid out.
WORD_BOXES = """([selector, words]) => {
  const root = document.querySelector(selector);
  const boxes = [];
  for (const [word, occurrence] of words) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let seen = 0, box = null, node;
    while (!box && (node = walker.nextNode())) {
      for (let at = node.data.indexOf(word); at >= 0; at = node.data.indexOf(word, at + 1)) {
        if (seen++ === occurrence) {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + word.length);
          const rect = range.getBoundingClientRect();
          box = [rect.left, rect.top];
          break;
        }
      }
    }
    boxes.push(box);
  }
  return boxes;
}"""


def lefts_in_order(page, selector: str, words: list[tuple[str, int]]) -> list[float]:
    boxes = page.evaluate(WORD_BOXES, [selector, words])
    assert None not in boxes, boxes
    tops = [top for _, top in boxes]
    assert max(tops) - min(tops) < 8, f"not on one line: {boxes}"  # smaller type sits lower
    return [left for left, _ in boxes]


def test_an_override_reverses_only_the_users_text(page, login, live_server, project, alice):
    event = event_create(
        project=project, name="Strike", place=f"{OVERRIDE}Balyun", description="Airstrike"
    )
    facet = facet_create(event=event, name="Toll", value_type="text")
    document = DocumentFactory(project=project, text="Officials said 33 died.\n")
    annotation = annotation_create(document=document, author=alice, kind="claim", start=0, end=9)
    facet_link_create(
        annotation=annotation,
        facet=facet,
        author=alice,
        value=f"{OVERRIDE}33 dead",
        attribution="Ministry",
    )
    login(alice)

    # "undated · Balyun · Airstrike": the second " · " is the page's, after the place.
    page.goto(live_server.url + reverse("reader:event_detail", args=[project.slug, event.pk]))
    words = [("undated", 0), ("Balyun", 0), ("·", 1), ("Airstrike", 0)]
    lefts = lefts_in_order(page, ".page-head .doc-meta", words)
    assert lefts == sorted(lefts), dict(zip([w for w, _ in words], lefts, strict=True))

    # In the panel: "Strike › Toll: 33 dead asserts per Ministry".
    page.goto(live_server.url + document.get_absolute_url())
    selector = f"#annotation-{annotation.pk} .item-links li"
    words = [("Toll", 0), ("33 dead", 0), ("asserts", 0), ("per", 0), ("Ministry", 0)]
    lefts = lefts_in_order(page, selector, words)
    assert lefts == sorted(lefts), dict(zip([w for w, _ in words], lefts, strict=True))
