"""Suggestions in headless Chromium, on the real seeds and the real engine: switch them on
with a key, go from one to the next, accept the blog's death toll and see its cell filled,
reject one and find it still rejected after a reload; and the issue's done-when: an empty
event over the five seeds filled mostly by accepting suggestions with keys."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reader.models import Document, Facet, FacetLink, Project, Suggestion, SuggestionRejection
from reader.services.events import event_create, facet_create
from tests.browser.test_events import matrix_cell

pytestmark = pytest.mark.browser

FACETS = [
    ("Death toll", "number"),
    ("Wounded", "number"),
    ("Perpetrator", "actor"),
    ("Time", "time"),
    ("Date", "date"),
    ("Place", "place"),
]
MAX_STEPS = 200


def blog(project: Project) -> Document:
    return project.documents.get(text__startswith="33 KIA in Airstrike")


def new_event(project: Project, alice, facets=FACETS) -> dict[str, Facet]:
    event = event_create(project=project, name="Idlib strike, suggested", actor=alice)
    return {
        name: facet_create(event=event, name=name, value_type=value_type, actor=alice)
        for name, value_type in facets
    }


def current(page: Page):
    return page.locator("#suggestion-list .suggestion-item.is-current")


def step_to(page: Page, label: str, value: str | None = None) -> None:
    """Press n until the current suggestion is for `label` (and `value`, if given)."""
    for _ in range(MAX_STEPS):
        page.keyboard.press("n")
        item = current(page)
        expect(item).to_have_count(1)
        text = item.inner_text()
        if label in text and (value is None or f"{value}\n" in text or f" {value} " in text):
            return
    raise AssertionError(f"No suggestion for {label} {value or ''}")


def test_accept_the_blogs_death_toll_with_keys_and_reject_one(
    page: Page, login, alice, demo_project
):
    facets = new_event(demo_project, alice, FACETS[:1] + FACETS[5:])
    document = blog(demo_project)
    login(alice)
    page.goto(document.get_absolute_url())
    expect(page.locator(".sg")).to_have_count(0)  # off by default
    page.locator("#reading-pane").focus()
    page.keyboard.press("s")
    expect(page.locator("#suggestion-list")).to_be_visible()
    expect(page.locator("#reading-pane .sg").first).to_be_visible()
    expect(page.locator("#suggestions-toggle")).to_be_checked()
    assert "suggestions=on" in page.url
    page.locator("#reading-pane").focus()
    step_to(page, "Idlib strike, suggested › Death toll", "33")
    expect(page.locator("#reading-pane .sg.is-current").first).to_be_visible()
    page.keyboard.press("a")
    expect(page.locator("#reader-notice")).to_contain_text("Accepted: Death toll = 33")
    link = FacetLink.objects.get(facet=facets["Death toll"])
    assert link.annotation.document == document and link.value == "33"
    expect(page.locator(f'#reading-pane [data-ann~="{link.annotation_id}"]').first).to_be_visible()

    # Reject the Place suggestion now current (after stepping to it), then reload.
    page.locator("#reading-pane").focus()
    step_to(page, "Idlib strike, suggested › Place")
    rejected = current(page).get_attribute("data-suggestion")
    page.keyboard.press("r")
    expect(page.locator("#reader-notice")).to_contain_text("not be proposed again")
    expect(page.locator(f"#suggestion-{rejected}")).to_have_count(0)
    assert SuggestionRejection.objects.filter(document=document).count() == 1
    page.reload()
    expect(page.locator("#suggestion-list")).to_be_visible()
    expect(page.locator(f"#suggestion-{rejected}")).to_have_count(0)
    rejection = SuggestionRejection.objects.get()
    assert (
        not Suggestion.objects.pending()
        .filter(
            document=document, facet=rejection.facet, start=rejection.start, value=rejection.value
        )
        .exists()
    )

    # The matrix: the blog's death-toll cell is filled.
    event = facets["Death toll"].event
    page.goto(event.get_absolute_url())
    cell = matrix_cell(page, facets["Death toll"], document)
    expect(cell.locator(".cell-link")).to_have_count(1)
    expect(cell).to_contain_text("33")


def test_an_empty_event_over_the_five_seeds_is_mostly_filled_by_accepting(
    page: Page, login, alice, demo_project
):
    facets = new_event(demo_project, alice)
    event = facets["Death toll"].event
    documents = list(demo_project.documents.all())
    assert len(documents) == 5
    login(alice)
    # The owner computes every source's suggestions with the batch's progress bar.
    page.goto(reverse("reader:suggestions_batch", args=[demo_project.slug]))
    page.locator("#batch-start").click()
    expect(page.locator("#batch-done")).to_be_visible(timeout=30_000)
    # Each silent cell's first suggestion, opened from the matrix, accepted with "a".
    cells = len(facets) * len(documents)
    for _ in range(cells):
        page.goto(event.get_absolute_url())
        offers = page.locator("a.cell-suggestions")
        if offers.count() == 0:
            break
        offers.first.click()
        expect(current(page)).to_have_count(1)
        page.keyboard.press("a")
        expect(page.locator("#reader-notice")).to_contain_text("Accepted:")
    page.goto(event.get_absolute_url())
    filled = page.locator("tbody td.matrix-cell:not(.is-silent)").count()
    assert (
        filled
        == FacetLink.objects.filter(facet__event=event)
        .values("facet", "annotation__document")
        .distinct()
        .count()
    )
    assert filled > cells / 2, f"{filled} of {cells} cells filled"


def test_similar_passages_open_side_by_side_at_the_passage(page: Page, login, alice, demo_project):
    document = blog(demo_project)
    annotation = document.annotations.filter(quote_exact__contains="33").first()
    assert annotation is not None
    login(alice)
    page.goto(document.get_absolute_url())
    item = page.locator(f"#annotation-{annotation.pk}")
    item.locator(".item-menu > summary").click()
    item.get_by_role("link", name="Similar passages").click()
    passages = item.locator(".similar-item")
    expect(passages.first).to_be_visible()
    other = int(passages.first.get_attribute("data-document") or 0)
    assert other and other != document.pk
    passages.first.get_by_role("link", name="Side by side").click()
    expect(page.locator(".compare-column")).to_have_count(2)
    page.wait_for_function("String(window.getSelection()).length > 0")
    selected = page.evaluate("String(window.getSelection())")
    start, end = (int(n) for n in page.url.rsplit("-", 2)[-2:])
    assert selected == Document.objects.get(pk=other).text[start:end]
    in_column = page.evaluate(
        "() => !!window.getSelection().anchorNode.parentElement"
        f".closest('.compare-pane[data-document=\"{other}\"]')"
    )
    assert in_column


def test_edit_then_accept_with_keys(page: Page, login, bob, alice, demo_project):
    from reader.services.projects import membership_set
    from reader.vocabularies import Role

    membership_set(project=demo_project, user=bob, role=Role.ANNOTATOR)
    facets = new_event(demo_project, alice, FACETS[:1])
    document = blog(demo_project)
    login(bob)
    page.goto(f"{document.get_absolute_url()}?suggestions=on")
    page.locator("#reading-pane").focus()
    step_to(page, "Idlib strike, suggested › Death toll", "33")
    page.keyboard.press("e")
    value = current(page).locator(".suggestion-form input[name=value]")
    expect(value).to_be_focused()
    value.fill("33 Turkish soldiers")
    page.keyboard.press("Enter")
    expect(page.locator("#reader-notice")).to_contain_text("Accepted: Death toll = 33 Turkish")
    link = FacetLink.objects.get(facet=facets["Death toll"])
    assert (link.value, link.author) == ("33 Turkish soldiers", bob)
