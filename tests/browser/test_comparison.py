"""Comparing claims in headless Chromium, on the demo project: merging two spellings of a
place on the Entities page (and with the matrix's one click) changes the matrix; the
number line and the trails draw; the by-origin view groups relays; the count switch."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reader.models import Entity, Event, FacetLink, Project

pytestmark = pytest.mark.browser

BALYUN = "2020 Balyun airstrikes"


def balyun(project: Project) -> Event:
    return project.events.get(name=BALYUN)


def row(page: Page, event: Event, facet: str):
    return page.locator(f"tr#facet-{event.facets.get(name=facet).pk}")


def test_merge_on_the_entities_page_changes_the_matrix(page, login, demo_project, alice):
    event = balyun(demo_project)
    login(alice)
    page.goto(event.get_absolute_url())
    place = row(page, event, "Place")
    expect(place.locator(".verdict-badge")).to_have_text("Possible variant")
    expect(place.locator(".verdict-why")).to_contain_text("may be one name spelt two ways")

    page.get_by_role("link", name="Entities", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Entities")
    expect(page.locator(".proposals")).to_contain_text("“Behun” may be “Balyun”.")
    behun = Entity.objects.get(project=demo_project, name="Behun")
    entry = page.locator(f"#entity-{behun.pk}")
    entry.get_by_text("Edit “Behun”").click()
    entry.get_by_label("Merge into").fill("Balyun")
    entry.get_by_role("button", name="Merge", exact=True).click()
    expect(page.locator(f"#entity-{behun.pk}")).to_have_count(0)
    assert not Entity.objects.filter(pk=behun.pk).exists()

    page.goto(event.get_absolute_url())
    expect(place.locator(".verdict-badge")).to_have_text("Agreed")
    expect(place.locator(".verdict-why")).to_contain_text("sources agree: Balyun")
    page.goto(reverse("reader:activity_list", args=[demo_project.slug]))
    expect(page.locator("main")).to_contain_text("merged the entity “Behun” into “Balyun”")


def test_one_click_merge_from_the_matrix(page, login, demo_project, alice):
    event = balyun(demo_project)
    login(alice)
    page.goto(event.get_absolute_url())
    place = row(page, event, "Place")
    place.get_by_role("button", name="Merge “Behun” into “Balyun”").click()
    expect(page).to_have_url(re.compile(re.escape(event.get_absolute_url()) + "$"))
    expect(place.locator(".verdict-badge")).to_have_text("Agreed")
    expect(place.get_by_role("button", name=re.compile("^Merge"))).to_have_count(0)


def test_the_number_line_and_the_trails_draw(page, login, demo_project, alice):
    event = balyun(demo_project)
    toll = event.facets.get(name="Death toll")
    login(alice)
    page.goto(event.get_absolute_url())
    figures = page.locator(f"#facet-{toll.pk}-figures")
    line = figures.locator("figure.number-line")
    expect(line.locator("svg.number-line-chart")).to_be_visible()
    bars = line.locator("svg line.bar")
    table_rows = line.locator("table.number-line-table tbody tr")
    current = FacetLink.objects.filter(facet=toll, superseded=False).count()
    expect(bars).to_have_count(current)
    expect(table_rows).to_have_count(current)  # the same values, as a table
    # "at least 36" runs off the right end, with an arrow.
    expect(line.locator("svg polygon.arrow")).to_have_count(1)
    at_least = line.locator("table tbody tr", has_text="killing at least 36")
    expect(at_least.locator("td").nth(3)).to_have_text("∞")
    width = line.locator("svg.number-line-chart").bounding_box()["width"]
    assert width > 200

    sputnik = figures.locator("figure.trail", has_text="Sputnik")
    expect(sputnik.locator("figcaption")).to_contain_text(
        "22 Turkish Servicemen → 29 Turkish Servicemen → 33 Turkish Servicemen"
    )
    expect(sputnik.locator("svg.trail-chart circle")).to_have_count(5)
    expect(sputnik.locator("svg.trail-chart")).to_be_visible()
    expect(sputnik.locator("ol.trail-list li").last).not_to_contain_text("(earlier)")


def test_by_origin_and_the_count_switch(page, login, demo_project, alice):
    event = balyun(demo_project)
    login(alice)
    page.goto(event.get_absolute_url())
    perpetrator = row(page, event, "Perpetrator")
    expect(perpetrator.locator(".verdict-why")).not_to_contain_text("the Russians")
    page.get_by_role("link", name="claims, opinions and user comments too").click()
    expect(page).to_have_url(re.compile(r"\?count=all$"))
    expect(page.locator(".count-switch [aria-current]")).to_have_text(
        "claims, opinions and user comments"
    )
    expect(perpetrator.locator(".verdict-why")).to_contain_text("Commentary blog")

    page.get_by_role("link", name="By origin").click()
    expect(page).to_have_url(re.compile(r"/origins/\?count=all$"))
    heads = page.locator("thead th.origin-head")
    expect(heads.first).to_be_visible()
    names = heads.all_text_contents()
    assert any("Hatay Governor" in name for name in names)
    assert "No attribution" in names[-1]
    toll = page.locator(f"#origin-facet-{event.facets.get(name='Death toll').pk}")
    column = next(n for n, name in enumerate(names) if "Hatay Governor" in name)
    expect(toll.locator("td").nth(column)).to_contain_text("via Sputnik")
