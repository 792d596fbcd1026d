"""The search page: members search their project, in a fixed number of queries whatever
the number of matches; outsiders get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reader.services import discussion, documents, entities
from reader.vocabularies import Kind
from tests.conftest import shown


def url(project, **query) -> str:
    from urllib.parse import urlencode

    return reverse("reader:project_search", args=[project.slug]) + "?" + urlencode(query)


@pytest.fixture
def annotated(project, bob):
    outlet = documents.outlet_get_or_create(project=project, name="Wire")
    document = documents.document_create(
        project=project, outlet=outlet, title="Report", text="Soldiers died near Balyun.\n" * 3
    )
    return document


def add_notes(document, author, count: int) -> None:
    for n in range(count):
        annotation = documents.annotation_create(
            document=document,
            author=author,
            kind=Kind.CLAIM,
            start=n,
            end=n + 5,
            note=f"Hospital count {n}",
        )
        discussion.reply_create(annotation=annotation, author=author, text=f"Hospital reply {n}")


def test_the_query_count_does_not_grow_with_the_matches(
    client, django_assert_num_queries, project, annotated, bob
):
    client.force_login(bob)
    add_notes(annotated, bob, 2)
    with django_assert_num_queries(10) as few:
        response = client.get(url(project, q="hospital"))
    assert response.status_code == 200
    add_notes(annotated, bob, 25)
    outlet = documents.outlet_get_or_create(project=project, name="Wire")
    for n in range(5):  # more sources in the filter's list
        documents.document_create(project=project, outlet=outlet, title=f"S{n}", text=f"T{n}\n")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url(project, q="hospital"))
    text = shown(response.content.decode())
    assert "54 results for “hospital”" in text
    with django_assert_num_queries(len(few.captured_queries) - 4):  # the filters
        response = client.get(url(project, q="hospital"), headers={"HX-Request": "true"})
    assert 'id="search-results"' in response.content.decode()


def test_the_page_shows_snippets_with_the_match_marked(client, project, annotated, carol, bob):
    add_notes(annotated, bob, 1)
    client.force_login(carol)
    page = client.get(url(project, q="hosp")).content.decode()
    assert "<mark>Hospital</mark> count 0" in page
    assert "<mark>Hospital</mark> reply 0" in page
    assert f"{annotated.get_absolute_url()}#annotation-" in page


def test_outsiders_get_404(client, project, mallory):
    client.force_login(mallory)
    assert client.get(url(project, q="x")).status_code == 404


def test_an_entity_result_links_to_the_entity_by_its_name(client, project, annotated, carol, bob):
    army = entities.entity_resolve(project=project, written="Syrian Arab Army", role="actor")
    entities.entity_alias_add(entity=army, name="SAA", actor=bob)
    client.force_login(carol)
    page = client.get(url(project, q="saa")).content.decode()
    entity_url = reverse("reader:entity_list", args=[project.slug]) + f"#entity-{army.pk}"
    assert f'href="{entity_url}"><bdi>Syrian Arab Army</bdi></a>' in page
    assert "<mark>SAA</mark>" in page
    # The source filter lists the project's sources by title, the chosen one selected.
    page = client.get(url(project, q="saa", document=annotated.pk)).content.decode()
    assert f'<option value="{annotated.pk}" selected>Report</option>' in page
