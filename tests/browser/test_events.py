"""Events in headless Chromium: linking an annotation to a facet from the reader's panel
(to an existing facet, or to a new facet of a new event), the facet matrix, side-by-side
reading with a facet lit up, what viewers see, and refused links."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from reader.models import Annotation, Document, Event, Facet, FacetLink, Project
from reader.services.projects import membership_set
from reader.vocabularies import Kind, Role, Stance, ValueType
from tests.browser.conftest import wait_until_still
from tests.browser.test_annotate import drag_over, expect_saved, expect_selected
from tests.test_kinds import kinds_in_summary

pytestmark = pytest.mark.browser

# Choosing a facet smooth-scrolls every column: wait for them (and the window) to stop.
COLUMNS_SCROLL = (
    "[...document.querySelectorAll('.compare-pane')].map((pane) => pane.scrollTop).join(',')"
    " + `;${window.scrollY}`"
)

BALYUN = "2020 Balyun airstrikes"
SLATE = "Russia-Backed Airstrike"
# The Slate opinion, linked to no facet in the demo data: the tests below link it.
UNLINKED_OPINION = "It appears to be an orchestrated campaign to bolster Turkey’s threat."


def balyun(project: Project) -> Event:
    return project.events.get(name=BALYUN)


def tokens(element: Locator, attribute: str) -> set[str]:
    return set((element.get_attribute(attribute) or "").split())


def open_link_form(page: Page, annotation: Annotation) -> Locator:
    """Click the panel item's "Link to event": the form is loaded into the item."""
    item = page.locator(f"#annotation-{annotation.pk}")
    item.locator(".item-menu > summary").click()  # the card's actions menu
    item.get_by_role("link", name="Link to event", exact=True).click()
    form = item.locator("form.link-form")
    expect(form).to_be_visible()
    return form


def matrix_cell(page: Page, facet: Facet, document: Document) -> Locator:
    """The facet's row, the document's column, found by the column heading's link."""
    hrefs = page.locator("thead th.source-head a").evaluate_all(
        "links => links.map((link) => link.getAttribute('href'))"
    )
    column = hrefs.index(document.get_absolute_url())
    return page.locator(f"tr#facet-{facet.pk} td.matrix-cell").nth(column)


def first_match_in_column(pane: Locator) -> dict:
    """Where the column's first match is, relative to the column's visible box."""
    return pane.evaluate(
        """(pane) => {
          const column = pane.getBoundingClientRect();
          const first = pane.querySelector(".is-facet-match").getBoundingClientRect();
          return {
            top: first.top - column.top, bottom: first.bottom - column.top,
            height: pane.clientHeight, scrollTop: pane.scrollTop,
          };
        }"""
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# 1. Link a new annotation to an existing facet from the panel, then find it in the matrix.


def test_link_from_the_reader_shows_in_the_matrix(page, live_server, login, demo_project, alice):
    document = demo_project.documents.get(title__startswith=SLATE)
    event = balyun(demo_project)
    death_toll = event.facets.get(name="Death toll")
    quote = "nearly three million civilians"
    login(alice)
    page.goto(document.get_absolute_url())

    drag_over(page, quote)
    expect_selected(page, quote)
    page.locator("#selection-toolbar").get_by_role("button", name="Claim").click()
    expect(page.locator("#annotation-panel .annotation-item", has_text=quote)).to_have_count(1)
    annotation = Annotation.objects.get(document=document, author=alice)
    assert annotation.quote_exact == quote
    expect_saved(page, annotation)

    form = open_link_form(page, annotation)
    expect(form.locator("input[name=value]")).to_have_value("nearly three million")
    # Facets are grouped by event: two events have a "Death toll".
    toll = Facet.objects.get(event__name=BALYUN, name="Death toll")
    expect(form.locator(f'optgroup[label="{BALYUN}"] option[value="{toll.pk}"]')).to_have_count(1)
    form.locator("select[name=facet]").select_option(value=str(toll.pk))
    form.locator("select[name=stance]").select_option(label="Reports")
    form.get_by_role("button", name="Link", exact=True).click()

    item = page.locator(f"#annotation-{annotation.pk}")
    expect(item.locator("form.link-form")).to_have_count(0)
    shown = item.locator(".item-links > li")
    expect(shown).to_have_count(1)
    expect(shown.get_by_role("link")).to_have_text(f"{BALYUN} › Death toll")
    expect(shown.get_by_role("link")).to_have_attribute(
        "href", f"{event.get_absolute_url()}#facet-{death_toll.pk}"
    )
    expect(shown.locator(".link-value")).to_have_text("nearly three million")
    expect(shown.locator(".stance")).to_have_text("reports")

    link = FacetLink.objects.get(annotation=annotation)
    assert link.facet == death_toll
    assert link.value == "nearly three million"
    assert link.stance == Stance.REPORTS
    assert link.author == alice
    assert link.is_parsed
    assert (link.value_low, link.value_high) == (2_700_000, 3_000_000)

    # The matrix: the Slate column of the Death toll row holds the new value beside the old.
    page.goto(event.get_absolute_url())
    cell = matrix_cell(page, death_toll, document)
    expected = FacetLink.objects.filter(facet=death_toll, annotation__document=document)
    assert expected.count() == 3  # "at least 36" and "Dozens" from the demo, and the new one
    expect(cell.locator("a.cell-value")).to_have_text(
        [link.value for link in expected.order_by("claimed_at", "annotation__start", "pk")]
    )
    value = cell.locator("a.cell-value", has_text="nearly three million")
    expect(value).to_have_count(1)
    target = f"{document.get_absolute_url()}#annotation-{annotation.pk}"
    expect(value).to_have_attribute("href", target)
    new_link = cell.locator(
        ".cell-link", has=page.locator("a.cell-value", has_text="nearly three million")
    )
    expect(new_link.locator(".stance")).to_have_text("reports")
    expect(new_link.locator(".kind-badge")).to_have_text("Claim")

    # Following the value opens the reader with the annotation selected in the panel.
    value.click()
    expect(page).to_have_url(live_server.url + target)
    expect(page.locator(f"#annotation-{annotation.pk}")).to_have_class(
        re.compile(r"\bis-selected\b")
    )
    expect(page.locator("#annotation-panel .annotation-item.is-selected")).to_have_count(1)


# 2. A new facet of a new event, created from the link form.


def test_link_to_a_new_facet_of_a_new_event(page, login, demo_project, alice):
    document = demo_project.documents.get(title__startswith=SLATE)
    annotation = document.annotations.get(quote_exact=UNLINKED_OPINION)
    assert not annotation.links.exists()
    events_before = set(Event.objects.values_list("pk", flat=True))
    facets_before = set(Facet.objects.values_list("pk", flat=True))
    login(alice)
    page.goto(document.get_absolute_url())

    form = open_link_form(page, annotation)
    expect(form.locator("input[name=value]")).to_have_value("")  # no number in the quote
    new_facet = form.locator("input[name=new_facet]")
    expect(new_facet).to_be_hidden()  # the project has facets: the details start closed
    form.get_by_text("…or a new facet").click()
    expect(new_facet).to_be_visible()
    new_facet.fill("Refugee threat")
    form.locator("select[name=new_facet_type]").select_option(label="Text")
    form.locator("input[name=new_event]").fill("2020 Greek border crisis")
    form.locator("input[name=attribution]").fill("Slate")
    form.locator("select[name=stance]").select_option(label="Asserts")
    form.get_by_role("button", name="Link", exact=True).click()

    item = page.locator(f"#annotation-{annotation.pk}")
    shown = item.locator(".item-links > li")
    expect(shown).to_have_count(1)
    expect(shown.get_by_role("link")).to_have_text("2020 Greek border crisis › Refugee threat")
    # Left empty, the value is the (short) quote itself.
    expect(shown.locator(".link-value")).to_have_text(UNLINKED_OPINION)
    expect(shown.locator(".attribution")).to_have_text("per Slate")

    event = Event.objects.exclude(pk__in=events_before).get()
    assert (event.project, event.name) == (demo_project, "2020 Greek border crisis")
    facet = Facet.objects.exclude(pk__in=facets_before).get()
    assert (facet.event, facet.name, facet.value_type) == (event, "Refugee threat", ValueType.TEXT)
    link = FacetLink.objects.get(annotation=annotation)
    assert (link.facet, link.value, link.stance, link.attribution, link.author) == (
        facet,
        UNLINKED_OPINION,
        Stance.ASSERTS,
        "Slate",
        alice,
    )
    assert not link.is_parsed

    # The panel's link leads to the new event's matrix: one facet, one source.
    shown.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("2020 Greek border crisis")
    expect(page.locator("#matrix-summary")).to_have_text(
        f"1 source, {kinds_in_summary({Kind.OPINION: 1})}; 0 of 1 facet disputed"
    )
    expect(page.locator("thead th.source-head a")).to_have_text([document.title[:69] + "…"])
    expect(page.locator("tbody tr.matrix-row")).to_have_count(1)
    row = page.locator(f"tr#facet-{facet.pk}")
    expect(row.locator("th")).to_contain_text("Refugee threat")
    expect(row).not_to_have_class(re.compile(r"\bis-disputed\b"))
    cell = matrix_cell(page, facet, document)
    expect(cell.locator("a.cell-value")).to_have_text(UNLINKED_OPINION)
    expect(cell.locator("a.cell-value")).to_have_attribute(
        "href", f"{document.get_absolute_url()}#annotation-{annotation.pk}"
    )
    expect(cell.locator(".kind-badge")).to_have_text("Opinion")


# 3. Side by side: a facet lit up in every column, and hovering across columns.


def test_side_by_side_lights_a_facet_in_every_column(page, login, demo_project, alice):
    event = balyun(demo_project)
    death_toll = event.facets.get(name="Death toll")
    documents = [
        demo_project.documents.get(title=BALYUN),
        demo_project.documents.get(title__startswith="Live Updates"),
        demo_project.documents.get(title__startswith=SLATE),
    ]
    linked = {
        document.pk: set(
            FacetLink.objects.filter(facet=death_toll, annotation__document=document).values_list(
                "annotation_id", flat=True
            )
        )
        for document in documents
    }
    assert all(linked.values()), linked
    login(alice)
    query = urlencode([("documents", document.pk) for document in documents])
    page.goto(f"{reverse('reader:event_compare', args=[demo_project.slug, event.pk])}?{query}")

    panes = page.locator(".compare-pane")
    expect(panes).to_have_count(3)
    expect(page.locator(".compare-pane .is-facet-match")).to_have_count(0)
    button = page.locator(".facet-chooser").get_by_role("button", name="Death toll", exact=True)
    expect(button).to_have_attribute("aria-pressed", "false")

    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator('.facet-chooser [aria-pressed="true"]')).to_have_count(1)
    facet_id = str(death_toll.pk)
    for document in documents:
        pane = page.locator(f'.compare-pane[data-document="{document.pk}"]')
        matches = pane.locator(".is-facet-match")
        expect(matches.first).to_be_attached()
        # Exactly the segments that speak to the facet, and they cover every linked annotation.
        expect(matches).to_have_count(pane.locator(f'.hl[data-facets~="{facet_id}"]').count())
        covered: set[int] = set()
        for index in range(matches.count()):
            segment = matches.nth(index)
            assert facet_id in tokens(segment, "data-facets")
            annotations = {int(pk) for pk in tokens(segment, "data-ann")}
            assert annotations & linked[document.pk], document.title
            covered |= annotations
        assert linked[document.pk] <= covered, document.title

    # Each column scrolled (on its own) so that its first match is in view inside it.
    wait_until_still(page, COLUMNS_SCROLL)
    for document in documents:
        pane = page.locator(f'.compare-pane[data-document="{document.pk}"]')
        box = first_match_in_column(pane)
        assert 0 <= box["top"] < box["bottom"] <= box["height"], (document.title, box)

    # Clicking again clears the highlighting.
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".compare-pane .is-facet-match")).to_have_count(0)
    expect(page.locator('.facet-chooser [aria-pressed="true"]')).to_have_count(0)

    # Hovering a linked segment lights up every segment, in every column, sharing a facet.
    hovered = page.locator(f'.compare-pane[data-document="{documents[0].pk}"]').locator(
        f'.hl[data-facets~="{facet_id}"]'
    )
    hovered.first.hover()
    for document in documents[1:]:
        pane = page.locator(f'.compare-pane[data-document="{document.pk}"]')
        expect(pane.locator(".is-facet-hover").first).to_be_attached()
    hovered_facets = tokens(hovered.first, "data-facets")
    segments = page.locator(".compare-pane .hl[data-facets]").evaluate_all(
        """(segments) => segments.map((segment) => ({
          facets: segment.dataset.facets.split(" "),
          hover: segment.classList.contains("is-facet-hover"),
        }))"""
    )
    assert [segment["hover"] for segment in segments] == [
        bool(hovered_facets & set(segment["facets"])) for segment in segments
    ]
    assert sum(segment["hover"] for segment in segments) > len(documents)


def test_side_by_side_scrolls_matches_into_view_in_a_laptop_window(
    page, login, demo_project, alice
):
    page.set_viewport_size({"width": 1366, "height": 700})
    event = balyun(demo_project)
    documents = sorted(
        Document.objects.filter(annotations__links__facet__event=event).distinct(),
        key=lambda document: document.pk,
    )
    assert len(documents) == 4
    login(alice)
    query = urlencode([("documents", document.pk) for document in documents])
    page.goto(f"{reverse('reader:event_compare', args=[demo_project.slug, event.pk])}?{query}")
    expect(page.locator(".compare-pane")).to_have_count(4)

    hidden = []
    for name in ("Death toll", "Perpetrator"):
        button = page.locator(".facet-chooser").get_by_role("button", name=name, exact=True)
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        wait_until_still(page, COLUMNS_SCROLL)
        for document in documents:
            pane = page.locator(f'.compare-pane[data-document="{document.pk}"]')
            if not pane.locator(".is-facet-match").count():
                continue
            box = first_match_in_column(pane)
            if not (0 <= box["top"] < box["bottom"] <= box["height"]):
                hidden.append((name, document.title[:30], box))
    assert not hidden, hidden


# 4. The facet matrix: disputed rows, quotes on demand, silent cells, the summary.


def test_matrix_marks_disputes_and_shows_quotes(page, login, demo_project, alice):
    event = balyun(demo_project)
    facets = {facet.name: facet for facet in event.facets.all()}
    assert len(facets) == 7
    links = FacetLink.objects.filter(facet__event=event)
    documents = Document.objects.filter(annotations__links__in=links).distinct()
    annotations = Annotation.objects.filter(links__in=links).distinct()
    login(alice)
    page.goto(event.get_absolute_url())

    for name in ("Death toll", "Perpetrator", "Time of strike"):
        row = page.locator(f"tr#facet-{facets[name].pk}")
        expect(row).to_have_class(re.compile(r"\bis-disputed\b"))
        expect(row.locator(".disputed-badge")).to_have_text("Disputed")
        expect(row.locator(".verdict-why")).to_contain_text(" against ")
    for name, verdict in (
        ("Wounded", "Agreed"),
        ("Date", "Agreed"),
        ("Place", "Possible variant"),
        ("Turkish retaliation", "Single source"),
    ):
        row = page.locator(f"tr#facet-{facets[name].pk}")
        expect(row).not_to_have_class(re.compile(r"\bis-disputed\b"))
        expect(row.locator(".disputed-badge")).to_have_count(0)
        expect(row.locator(".verdict-badge")).to_have_text(verdict)
    expect(page.locator("tr.matrix-row.is-disputed")).to_have_count(3)

    counts = {kind: annotations.filter(kind=kind).count() for kind in Kind.values}
    expect(page.locator("#matrix-summary")).to_have_text(
        f"{plural(documents.count(), 'source')}, {kinds_in_summary(counts)}; 3 of 7 facets disputed"
    )

    # A cell is silent exactly when the source has no link to the facet.
    spoken = set(links.values_list("facet_id", "annotation__document_id"))
    silent_count = sum(
        (facet.pk, document.pk) not in spoken for facet in facets.values() for document in documents
    )
    assert silent_count > 0
    silent = page.locator("td.matrix-cell.is-silent")
    expect(silent).to_have_count(silent_count)
    expect(silent).to_have_text(["silent"] * silent_count)
    expect(page.locator("td.matrix-cell:not(.is-silent) .silent")).to_have_count(0)
    for document in documents:
        cell = matrix_cell(page, facets["Wounded"], document)
        if (facets["Wounded"].pk, document.pk) in spoken:
            expect(cell).not_to_have_class(re.compile(r"\bis-silent\b"))
        else:
            expect(cell).to_have_text("silent")

    # "Show quotes" expands one row, and collapses it again.
    row = page.locator(f"tr#facet-{facets['Death toll'].pk}")
    other = page.locator(f"tr#facet-{facets['Perpetrator'].pk}")
    quotes = row.locator(".cell-quote")
    death_toll_links = links.filter(facet=facets["Death toll"])
    expect(quotes).to_have_count(death_toll_links.count())
    for index in range(quotes.count()):
        expect(quotes.nth(index)).to_be_hidden()
    toggle = row.locator("[data-toggle-quotes]")  # its name changes: not found by name
    expect(toggle).to_have_accessible_name("Show quotes")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_text("Hide quotes")
    expect(row).to_have_class(re.compile(r"\bis-expanded\b"))
    for index in range(quotes.count()):
        expect(quotes.nth(index)).to_be_visible()
    assert sorted(quotes.all_text_contents()) == sorted(
        f"“{link.annotation.quote_exact}”" for link in death_toll_links.select_related("annotation")
    )
    expect(other.locator(".cell-quote").first).to_be_hidden()  # other rows stay collapsed
    expect(other.locator("[data-toggle-quotes]")).to_have_attribute("aria-expanded", "false")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_text("Show quotes")
    expect(row).not_to_have_class(re.compile(r"\bis-expanded\b"))
    for index in range(quotes.count()):
        expect(quotes.nth(index)).to_be_hidden()


# 5. Viewers read the events, but cannot link or add facets.


def test_viewer_cannot_link_or_add_facets(page, login, demo_project, carol):
    membership_set(project=demo_project, user=carol, role=Role.VIEWER)
    document = demo_project.documents.get(title__startswith=SLATE)
    annotation = document.annotations.get(quote_exact=UNLINKED_OPINION)
    event = balyun(demo_project)
    links_before = FacetLink.objects.count()
    login(carol)

    page.goto(document.get_absolute_url())
    items = page.locator("#annotation-panel .annotation-item")
    expect(items).to_have_count(document.annotations.count())
    expect(items.first.locator(".item-links")).to_be_visible()  # links are shown to viewers
    expect(page.get_by_role("link", name="Link to event")).to_have_count(0)
    expect(page.locator("#annotation-panel [id$='-link-form']")).to_have_count(0)

    page.goto(event.get_absolute_url())
    expect(page.locator("h1")).to_have_text(BALYUN)
    expect(page.locator("tbody tr.matrix-row")).to_have_count(event.facets.count())
    expect(page.get_by_text("Add a facet")).to_have_count(0)
    expect(page.get_by_role("button", name="Add facet")).to_have_count(0)
    expect(page.locator("form[action$='/facets/new/']")).to_have_count(0)

    # Nor can the form be reached by its address.
    link_url = reverse("reader:facet_link_create", args=[demo_project.slug, annotation.pk])
    response = page.goto(link_url)
    assert response.status == 403
    assert FacetLink.objects.count() == links_before


# 6. A link with no facet is refused with a message in the form, and nothing is saved.


@pytest.mark.parametrize(
    ("new_facet", "message"),
    [
        pytest.param("", "Choose a facet, or name a new one.", id="no-facet"),
        pytest.param(
            "Refugee threat",
            "Choose the event the new facet belongs to, or name a new event.",
            id="new-facet-without-event",
        ),
    ],
)
def test_link_without_a_facet_is_refused(page, login, demo_project, bob, new_facet, message):
    membership_set(project=demo_project, user=bob, role=Role.ANNOTATOR)
    document = demo_project.documents.get(title__startswith=SLATE)
    annotation = document.annotations.get(quote_exact=UNLINKED_OPINION)
    counts_before = (Event.objects.count(), Facet.objects.count(), FacetLink.objects.count())
    login(bob)
    page.goto(document.get_absolute_url())

    form = open_link_form(page, annotation)
    expect(form.locator("select[name=facet]")).to_have_value("")
    if new_facet:
        form.get_by_text("…or a new facet").click()
        form.locator("input[name=new_facet]").fill(new_facet)
    form.locator("input[name=value]").fill("an orchestrated campaign")
    form.get_by_role("button", name="Link", exact=True).click()

    errors = page.locator(f"#annotation-{annotation.pk}-link-errors")
    expect(errors).to_have_text(message)
    expect(form).to_be_visible()  # the form stays, with what was typed
    expect(form.locator("input[name=value]")).to_have_value("an orchestrated campaign")
    expect(page.locator(f"#annotation-{annotation.pk} .item-links")).to_have_count(0)
    expect(page.locator("#status-bar")).to_be_hidden()
    assert (
        Event.objects.count(),
        Facet.objects.count(),
        FacetLink.objects.count(),
    ) == counts_before
    assert not annotation.links.exists()
