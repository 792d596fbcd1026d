from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from reader.models import Entity, Event, Facet, FacetLink
from reader.services.events import event_create, facet_create, facet_link_create
from reader.vocabularies import Kind
from tests.conftest import shown
from tests.factories import AnnotationFactory, DocumentFactory, OutletFactory
from tests.test_kinds import kinds_in_summary

HTMX = {"HX-Request": "true"}


@pytest.fixture
def event(project):
    return event_create(project=project, name="Balyun strike", place="Balyun")


@pytest.fixture
def perpetrator(event):
    return facet_create(event=event, name="Perpetrator", value_type="actor")


def link_url(annotation) -> str:
    return reverse("reader:facet_link_create", args=["idlib", annotation.pk])


def test_link_form_is_prefilled_with_the_number_in_the_quote(client, bob, document, death_toll):
    annotation = AnnotationFactory(document=document, author=bob, quote="“at least 36”")
    client.force_login(bob)
    body = client.get(link_url(annotation), headers=HTMX).content.decode()
    assert 'value="at least 36"' in body
    # Facets grouped by their event.
    assert '<optgroup label="Balyun strike">' in body and ">Death toll</option>" in body


def test_link_an_annotation_to_a_facet(client, alice, bob, document, death_toll):
    annotation = AnnotationFactory(document=document, author=alice, quote="33 soldiers")
    client.force_login(bob)  # any annotator may link any annotation
    response = client.post(
        link_url(annotation),
        {
            "facet": death_toll.pk,
            "value": "33",
            "attribution": "Hatay governor",
            "stance": "reports",
            "new_facet_type": "text",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    link = FacetLink.objects.get()
    assert (link.value, link.attribution, link.stance, link.author) == (
        "33",
        "Hatay governor",
        "reports",
        bob,
    )
    assert (link.is_parsed, link.value_low, link.value_high) == (True, 33, 33)
    body = response.content.decode()
    assert f'id="annotation-{annotation.pk}"' in body
    assert "Balyun strike › Death toll" in shown(body)


def test_open_ended_values_are_stored_with_an_unbounded_end(client, bob, document, death_toll):
    annotation = AnnotationFactory(document=document, author=bob, quote="“at least 36”")
    client.force_login(bob)
    client.post(
        link_url(annotation),
        {"facet": death_toll.pk, "value": "", "stance": "asserts", "new_facet_type": "text"},
    )
    link = FacetLink.objects.get()
    assert (link.value, link.value_low, link.value_high) == ("at least 36", 36, None)


def test_link_creating_event_and_facet_inline(client, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="near Balyun")
    client.force_login(bob)
    response = client.post(
        link_url(annotation),
        {
            "new_event": "Balyun strike",
            "new_facet": "Place",
            "new_facet_type": "place",
            "value": "Balyun",
            "stance": "asserts",
        },
    )
    assert response.status_code == 302
    facet = Facet.objects.get()
    assert (facet.event.name, facet.name, facet.value_type) == ("Balyun strike", "Place", "place")
    assert FacetLink.objects.get().facet == facet


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a facet, or name a new one."),
        ({"new_facet": "Place", "new_facet_type": "place"}, "Choose the event the new facet"),
        ({"stance": "shrugs"}, "Stance: Select a valid choice"),
        ({"new_facet": "X", "new_facet_type": "colour", "new_event": "E"}, "Select a valid"),
    ],
)
def test_bad_links_get_400_and_nothing_is_created(client, bob, document, data, message):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    client.force_login(bob)
    response = client.post(link_url(annotation), {"stance": "asserts", **data}, headers=HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not (Event.objects.exists() or Facet.objects.exists() or FacetLink.objects.exists())


def test_a_long_quote_with_no_value_needs_one_typed(client, bob, project, death_toll):
    document = DocumentFactory(project=project, text="Officials gave no figure. " * 10)
    annotation = AnnotationFactory(document=document, author=bob, start=0, end=200)
    client.force_login(bob)
    response = client.post(
        link_url(annotation), {"facet": death_toll.pk, "stance": "asserts"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Give the value the source states" in response.content.decode()


def test_the_same_facet_twice_is_refused(client, bob, document, death_toll):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    facet_link_create(annotation=annotation, facet=death_toll, author=bob, value="33")
    client.force_login(bob)
    response = client.post(
        link_url(annotation), {"facet": death_toll.pk, "value": "34", "stance": "asserts"}
    )
    assert response.status_code == 400
    assert "already linked to “Death toll”" in shown(response.content.decode())
    assert FacetLink.objects.count() == 1


def test_a_facet_from_another_project_cannot_be_chosen(
    client, bob, mallory, other_project, document
):
    foreign = event_create(project=other_project, name="Elsewhere")
    facet = facet_create(event=foreign, name="Toll", value_type="number")
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    client.force_login(bob)
    response = client.post(link_url(annotation), {"facet": facet.pk, "stance": "asserts"})
    assert response.status_code == 400
    assert not FacetLink.objects.exists()


def test_link_author_removes_a_link(client, bob, document, death_toll):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    link = facet_link_create(annotation=annotation, facet=death_toll, author=bob, value="33")
    client.force_login(bob)
    response = client.post(
        reverse("reader:facet_link_delete", args=["idlib", link.pk]), headers=HTMX
    )
    assert response.status_code == 200
    assert not FacetLink.objects.exists()
    assert "Death toll" not in response.content.decode()


def test_create_an_event_and_a_facet(client, bob, project):
    client.force_login(bob)
    response = client.post(
        reverse("reader:event_create", args=["idlib"]),
        {"name": "Qaminas strike", "starts": "2020-02-20", "place": "Qaminas"},
    )
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    response = client.post(
        reverse("reader:facet_create", args=["idlib", event.pk]),
        {"name": "Death toll", "value_type": "number"},
    )
    facet = Facet.objects.get()
    assert response["Location"].endswith(f"#facet-{facet.pk}")
    assert (facet.order, facet.value_type) == (1, "number")


def test_event_ending_before_it_starts_is_refused(client, bob, project):
    client.force_login(bob)
    response = client.post(
        reverse("reader:event_create", args=["idlib"]),
        {"name": "Backwards", "starts": "2020-02-27", "ends": "2020-02-20"},
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


def _link(document, author, facet, quote, value, kind=Kind.CLAIM, **fields):
    annotation = AnnotationFactory(document=document, author=author, kind=kind, quote=quote)
    return facet_link_create(
        annotation=annotation, facet=facet, author=author, value=value, **fields
    )


def test_matrix_lines_up_sources_and_marks_disagreement(
    client, carol, bob, project, event, death_toll, perpetrator
):
    wire = OutletFactory(project=project, name="Wire")
    first = DocumentFactory(project=project, outlet=wire, title="Wire report", text="33 dead.\n")
    second = DocumentFactory(project=project, title="Other report", text="At least 36 dead.\n")
    _link(first, bob, death_toll, "33 dead", "33")
    _link(second, bob, death_toll, "At least 36", "at least 36")
    _link(second, bob, death_toll, "dead", "50", kind=Kind.OPINION)
    _link(first, bob, perpetrator, "dead", "Syrian Air Force")
    client.force_login(carol)  # viewers read the matrix
    body = client.get(event.get_absolute_url()).content.decode()
    toll_row = body[body.index(f'id="facet-{death_toll.pk}"') :]
    toll_row = toll_row[: toll_row.index("</tr>")]
    perpetrator_row = body[body.index(f'id="facet-{perpetrator.pk}"') :]
    perpetrator_row = perpetrator_row[: perpetrator_row.index("</tr>")]
    assert "is-disputed" in body[body.index(f'id="facet-{death_toll.pk}"') - 60 :][:200]
    assert ">33<" in toll_row and ">at least 36<" in toll_row
    assert "Disputed" in toll_row
    assert "33 (Wire) against at least 36 (" in toll_row  # why, in words
    assert "Disputed" not in perpetrator_row
    assert "Single source" in perpetrator_row
    assert "silent" in perpetrator_row  # the second report says nothing about it
    summary = " ".join(body.split())
    kinds = kinds_in_summary({Kind.CLAIM: 3, Kind.OPINION: 1})
    assert f"2 sources, {kinds};" in summary
    assert "1 of 2 facets disputed" in summary
    assert "Add a facet" not in body  # carol is a viewer
    assert "mark earlier" not in body  # nor may she mark values


def test_only_claims_count_unless_the_switch_says_so(
    client, carol, bob, project, event, death_toll
):
    first = DocumentFactory(project=project, text="33 dead.\n")
    second = DocumentFactory(project=project, text="At least 36 dead, I think.\n")
    _link(first, bob, death_toll, "33 dead", "33")
    _link(second, bob, death_toll, "At least 36", "at least 36", kind=Kind.OPINION)
    client.force_login(carol)
    body = client.get(event.get_absolute_url()).content.decode()
    assert "0 of 1 facet disputed" in " ".join(body.split())
    assert 'href="?count=all"' in body or f'{event.get_absolute_url()}?count=all"' in body
    body = client.get(event.get_absolute_url(), {"count": "all"}).content.decode()
    assert "1 of 1 facet disputed" in " ".join(body.split())
    assert 'aria-current="true">claims, opinions and user comments' in body


@pytest.mark.parametrize("links", [3, 60])
def test_matrix_query_count_is_fixed(
    client, bob, project, event, death_toll, django_assert_num_queries, links
):
    for index in range(links):
        document = DocumentFactory(project=project, text=f"Report {index}: 30 dead.\n")
        _link(document, bob, death_toll, "30 dead", str(30 + index % 3))
    client.force_login(bob)
    # session, user, membership + project, event + project, facets, links (as rows), their
    # attributions, the project's entities, documents + outlets + project, and (for
    # those who review suggestions) the pending suggestions per cell
    with django_assert_num_queries(10):
        response = client.get(event.get_absolute_url())
    assert response.content.decode().count('class="cell-link') == links
    json_url = reverse("reader:event_comparison_json", args=["idlib", event.pk])
    with django_assert_num_queries(9):
        document = client.get(json_url).json()
    assert sum(len(g["claims"]) for g in document["facets"][0]["groups"]) == links


@pytest.mark.parametrize("per_document", [2, 40])
def test_compare_query_count_is_fixed(
    client, bob, project, event, death_toll, django_assert_num_queries, per_document
):
    documents = [
        DocumentFactory(project=project, text=f"Doc {n}: " + "33 dead. " * 50 + "\n")
        for n in range(3)
    ]
    for document in documents:
        for index in range(per_document):
            annotation = AnnotationFactory(
                document=document, author=bob, start=index * 9, end=index * 9 + 7
            )
            if index == 0:
                facet_link_create(annotation=annotation, facet=death_toll, author=bob, value="33")
    client.force_login(bob)
    url = reverse("reader:event_compare", args=["idlib", event.pk])
    query = "&".join(f"documents={d.pk}" for d in documents)
    # session, user, membership, event, linked ids, document list, chosen documents,
    # their annotations, their links, facets
    with django_assert_num_queries(10):
        response = client.get(f"{url}?{query}")
    body = response.content.decode()
    assert body.count('class="compare-column"') == 3
    assert body.count(f'data-facets="{death_toll.pk}"') == 3


def test_compare_needs_two_to_four_documents(client, bob, project, event):
    documents = [DocumentFactory(project=project, text=f"Doc {n}\n") for n in range(5)]
    client.force_login(bob)
    url = reverse("reader:event_compare", args=["idlib", event.pk])
    body = client.get(f"{url}?documents={documents[0].pk}").content.decode()
    assert "Choose 2 to 4 documents" in body
    query = "&".join(f"documents={d.pk}" for d in documents)
    body = client.get(f"{url}?{query}").content.decode()
    assert "at most 4 documents" in body
    assert body.count('class="compare-column"') == 4


def test_compare_ignores_documents_of_other_projects(
    client, bob, mallory, other_project, project, event
):
    mine = [DocumentFactory(project=project, text=f"Mine {n}\n") for n in range(2)]
    theirs = DocumentFactory(project=other_project, text="Secret text\n")
    client.force_login(bob)
    url = reverse("reader:event_compare", args=["idlib", event.pk])
    body = client.get(f"{url}?documents={mine[0].pk}&documents={mine[1].pk}&documents={theirs.pk}")
    assert "Secret text" not in body.content.decode()


def test_link_from_the_selection_toolbar_in_the_same_step(client, bob, document, death_toll):
    from tests.views.test_annotations import browser_selection, create_url

    client.force_login(bob)
    data = {
        "kind": "claim",
        **browser_selection(document, "“at least 36”"),
        "facet": death_toll.pk,
        "value": "",
        "attribution": "Idlib cafe owners",
        "stance": "reports",
    }
    response = client.post(create_url(document), data, headers=HTMX)
    assert response.status_code == 200
    link = FacetLink.objects.get()
    assert (link.value, link.attribution, link.stance) == (
        "at least 36",
        "Idlib cafe owners",
        "reports",
    )
    assert "Balyun strike › Death toll" in shown(response.content.decode())


def test_a_toolbar_link_that_fails_saves_no_annotation_either(client, bob, project, death_toll):
    from reader.models import Annotation
    from tests.views.test_annotations import browser_selection, create_url

    document = DocumentFactory(project=project, text="No figure is given here at all. " * 5)
    client.force_login(bob)
    selection = browser_selection(document, document.text[:120])
    data = {"kind": "claim", **selection, "facet": death_toll.pk, "value": ""}
    response = client.post(create_url(document), data, headers=HTMX)
    assert response.status_code == 400
    assert "Give the value the source states" in response.content.decode()
    assert not Annotation.objects.exists()


def test_reader_toolbar_offers_the_projects_facets(client, bob, carol, document, death_toll):
    client.force_login(bob)
    body = client.get(document.get_absolute_url()).content.decode()
    assert f'<option value="{death_toll.pk}">Death toll</option>' in body
    assert '<optgroup label="Balyun strike">' in body


def test_a_quote_with_several_numbers_needs_the_value_typed(client, bob, project, death_toll):
    document = DocumentFactory(project=project, text="On 27 February, 33 soldiers were killed.\n")
    annotation = AnnotationFactory(
        document=document, author=bob, quote="On 27 February, 33 soldiers"
    )
    client.force_login(bob)
    url = link_url(annotation)
    response = client.post(url, {"facet": death_toll.pk, "stance": "asserts"}, headers=HTMX)
    assert response.status_code == 400
    assert "The quote states several values (27, 33)" in response.content.decode()
    assert not FacetLink.objects.exists()
    client.post(url, {"facet": death_toll.pk, "stance": "asserts", "value": "33"})
    assert FacetLink.objects.get().value == "33"


def test_annotation_permalink_query_count_is_fixed(
    client, bob, document, death_toll, perpetrator, django_assert_num_queries
):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    for facet in (death_toll, perpetrator):
        facet_link_create(annotation=annotation, facet=facet, author=bob, value="33")
    client.force_login(bob)
    url = reverse("reader:annotation_detail", args=["idlib", annotation.pk])
    # session, user, membership, access check, annotation + links (two) + replies
    with django_assert_num_queries(7):
        response = client.get(url, headers=HTMX)
    assert shown(response.content.decode()).count("Balyun strike ›") == 2


def test_comparison_json_is_the_matrix_as_annotated_json(client, carol, bob, project, event):
    import jsonschema

    from reader.formats.comparison_json import SCHEMA_PATH

    toll = facet_create(event=event, name="Death toll", value_type="number")
    first = DocumentFactory(project=project, text="33 dead.\n")
    second = DocumentFactory(project=project, text="At least 36 dead.\n")
    link = _link(first, bob, toll, "33 dead", "33", attribution="Hatay governor")
    _link(second, bob, toll, "At least 36", "at least 36")
    client.force_login(carol)
    url = reverse("reader:event_comparison_json", args=["idlib", event.pk])
    response = client.get(url, {"download": "1"})
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    document = response.json()
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    [facet] = document["facets"]
    assert (facet["verdict"], facet["grade"]) == ("disputed", "major")
    assert facet["explanation"].startswith("33 (")
    low, high = facet["groups"]
    assert low["claims"][0]["annotation"].endswith(f"/annotations/{link.annotation_id}/")
    assert low["claims"][0]["origins"] == ["Hatay governor"]
    assert high["interval"] == {
        "low": 36,
        "high": None,
        "low_open": False,
        "high_open": False,
        "unit": "number",
        "low_label": "36",
        "high_label": None,
    }


def test_by_origin_lists_the_outlets_relaying_each_origin(client, carol, bob, project, event):
    toll = facet_create(event=event, name="Death toll", value_type="number")
    for n in range(3):
        document = DocumentFactory(project=project, text=f"Report {n}: 33 dead.\n")
        _link(document, bob, toll, "33 dead", "33", attribution="the Hatay governor")
    client.force_login(carol)
    body = client.get(reverse("reader:event_origins", args=["idlib", event.pk])).content.decode()
    assert "Hatay governor" in body and "relayed by 3 outlets" in body
    assert "1 origin, 3 outlets" in body


def test_an_annotator_marks_a_value_earlier_and_back(client, bob, project, event, death_toll):
    document = DocumentFactory(project=project, text="Nine dead, then 33 dead.\n")
    nine = _link(document, bob, death_toll, "Nine dead", "nine")
    _link(document, bob, death_toll, "33 dead", "33")
    client.force_login(bob)
    url = reverse("reader:facet_link_supersede", args=["idlib", nine.pk])
    body = client.get(event.get_absolute_url()).content.decode()
    assert f'formaction="{url}" name="state" value="earlier"' in body
    response = client.post(url, {"state": "earlier"})
    assert response["Location"] == f"{event.get_absolute_url()}#facet-{death_toll.pk}"
    nine.refresh_from_db()
    assert (nine.superseded, nine.superseded_pinned) == (True, True)
    assert "(earlier report, marked)" in client.get(event.get_absolute_url()).content.decode()
    client.post(url, {"state": "auto"})
    nine.refresh_from_db()
    assert (nine.superseded, nine.superseded_pinned) == (False, False)
    assert client.post(url, {"state": "maybe"}).status_code == 400


def test_values_marked_initially_are_superseded_by_themselves(bob, project, event, death_toll):
    document = DocumentFactory(project=project, text="Initially, nine died. Then 33 died.\n")
    nine = _link(document, bob, death_toll, "Initially, nine died", "nine")
    _link(document, bob, death_toll, "Then 33 died", "33")
    nine.refresh_from_db()
    assert nine.superseded and not nine.superseded_pinned


def test_actor_facets_compare_top_level_entities_until_told_otherwise(
    client, bob, project, event, perpetrator
):
    assert perpetrator.compare_level == 0
    for n, value in enumerate(["Syrian Air Force", "Syrian government forces"]):
        document = DocumentFactory(project=project, text=f"Report {n}: the strike.\n")
        _link(document, bob, perpetrator, "the strike", value)
    client.force_login(bob)
    row = _row(client.get(event.get_absolute_url()).content.decode(), perpetrator)
    assert "Agreed" in row and "2 sources agree: Syria" in row
    url = reverse("reader:facet_compare_level", args=["idlib", perpetrator.pk])
    client.post(url, {"compare_level": "1"})
    row = _row(client.get(event.get_absolute_url()).content.decode(), perpetrator)
    assert "Disputed" in row


def test_a_likely_variant_offers_a_one_click_merge(client, bob, carol, project, event):
    place = facet_create(event=event, name="Place", value_type="place")
    for n, value in enumerate(["Balyun", "the Behun area"]):
        document = DocumentFactory(project=project, text=f"Report {n}: near the town.\n")
        _link(document, bob, place, "near the town", value)
    client.force_login(carol)
    row = shown(_row(client.get(event.get_absolute_url()).content.decode(), place))
    assert "Possible variant" in row and "“Behun” may be “Balyun”" in row
    client.force_login(bob)
    row = shown(_row(client.get(event.get_absolute_url()).content.decode(), place))
    assert "Merge “Behun” into “Balyun”" in row


def _row(body: str, facet) -> str:
    row = body[body.index(f'id="facet-{facet.pk}"') :]
    return row[: row.index("</tr>")]


def test_link_form_prefills_each_facet_by_its_type(client, bob, project, death_toll):
    """The place facet proposes the place, the time facet the whole time expression, and
    the form carries each facet's value for reader.js to put in when it is chosen."""
    place = facet_create(event=death_toll.event, name="Place", value_type="place")
    time = facet_create(event=death_toll.event, name="Time of strike", value_type="time")
    quote = "33 Turkish soldiers were killed at around 10-11pm at a place called Balyun"
    document = DocumentFactory(project=project, text=f"Yesterday {quote}.")
    annotation = AnnotationFactory(document=document, author=bob, quote=quote)
    client.force_login(bob)
    body = client.get(link_url(annotation), headers=HTMX).content.decode()
    assert 'value="33"' in body  # the first facet's, the death toll
    prefills = {
        str(death_toll.pk): "33",
        str(place.pk): "Balyun",
        str(time.pk): "around 10-11pm",
    }
    assert f'data-prefills="{escape(json.dumps(prefills))}"' in body


def test_link_form_prefills_the_most_specific_known_place(client, bob, project, death_toll):
    place = facet_create(event=death_toll.event, name="Place", value_type="place")
    idlib = Entity.objects.create(project=project, name="Idlib", kind="place")
    balyun = Entity.objects.create(project=project, name="Balyun", kind="place", parent=idlib)
    for entity in (idlib, balyun):
        entity.aliases.create(project=project, name=entity.name, key=entity.name.lower())
    quote = "Idlib, the strike near Idlib at Balyun"
    document = DocumentFactory(project=project, text=f"In {quote}.")
    annotation = AnnotationFactory(document=document, author=bob, quote=quote)
    client.force_login(bob)
    body = client.get(link_url(annotation), headers=HTMX).content.decode()
    assert f"&quot;{place.pk}&quot;: &quot;Balyun&quot;" in body
