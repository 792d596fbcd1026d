"""The link form proposes the chosen facet's value (issue 13): reader.js puts in each
facet's pre-fill from data-prefills until the person edits the value."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reader.models import Annotation
from reader.services.projects import membership_set
from reader.vocabularies import Role
from tests.browser.test_events import BALYUN, open_link_form

pytestmark = pytest.mark.browser


def test_choosing_a_facet_proposes_its_value(page, login, demo_project, bob):
    membership_set(project=demo_project, user=bob, role=Role.ANNOTATOR)
    annotation = Annotation.objects.get(
        document__project=demo_project,
        quote_exact__startswith="33 Turkish soldiers were killed in an airstrike yesterday",
    )
    facets = {f.name: str(f.pk) for f in demo_project.events.get(name=BALYUN).facets.all()}
    login(bob)
    page.goto(annotation.document.get_absolute_url())
    form = open_link_form(page, annotation)
    choose, value = form.locator("select[name=facet]"), form.locator("input[name=value]")

    choose.select_option(facets["Place"])
    expect(value).to_have_value("Balyun")
    choose.select_option(facets["Time of strike"])
    expect(value).to_have_value("yesterday at around 10-11pm local time")
    choose.select_option(facets["Death toll"])
    expect(value).to_have_value("33")

    value.fill("33 soldiers")  # once edited, the person's value stays
    choose.select_option(facets["Place"])
    expect(value).to_have_value("33 soldiers")
