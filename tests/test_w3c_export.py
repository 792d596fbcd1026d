"""Every export shape passes the W3C Web Annotation conformance schemas (the MUST
assertions of the web-platform-tests suite, copied under tests/w3c-annotation-model/)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from reader.formats import w3c, w3c_collection
from reader.iris import Iris
from reader.models import Annotation, Event, Project
from reader.services.projects import membership_set
from reader.vocabularies import Role

SCHEMAS = Path(__file__).parent / "w3c-annotation-model"


def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT4))
        for path in SCHEMAS.rglob("*.json")
    ]
    return Registry().with_resources(resources)


REGISTRY = _registry()


def must_assertions(test_file: str) -> list[dict]:
    suite = json.loads((SCHEMAS / test_file).read_text())
    return [json.loads((SCHEMAS / path).read_text()) for path in suite["assertions"]]


ANNOTATION_MUSTS = must_assertions("annotations/annotationMusts.test")
COLLECTION_MUSTS = must_assertions("collections/collectionMusts.test")
PAGE_MUSTS = must_assertions("collections/pages/pageMusts.test")


def failures(instance: dict, assertions: list[dict]) -> list[str]:
    failed = []
    for schema in assertions:
        validator = Draft4Validator(
            schema, registry=REGISTRY, format_checker=Draft4Validator.FORMAT_CHECKER
        )
        valid = validator.is_valid(instance)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            failed.append(f"{schema['id']}: {schema.get('errorMessage', '')}")
    return failed


@pytest.fixture
def demo(db, alice):
    call_command("load_demo", stdout=StringIO())
    project = Project.objects.get(slug="idlib-2020")
    membership_set(project=project, user=alice, role=Role.VIEWER)  # viewers may export
    return project


def get_json(client, url: str, **query) -> dict:
    response = client.get(url, query)
    assert response.status_code == 200
    assert response["Content-Type"] == w3c.MEDIA_TYPE
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def test_the_validator_rejects_what_breaks_a_must():
    broken = {"id": "http://example.org/a", "type": "Annotation", "target": "http://x.org/"}
    assert any("3.1-annotationContextValidated" in f for f in failures(broken, ANNOTATION_MUSTS))
    broken_page = {
        "@context": w3c.W3C_CONTEXT,
        "id": "http://x.org/p",
        "type": "AnnotationPage",
        "items": [],
        "next": {"id": "http://x.org/p2"},
    }
    assert failures(broken_page, PAGE_MUSTS)
    # format: uri is checked too (rfc3987), not just the presence of keys.
    not_an_iri = {
        "@context": w3c.W3C_CONTEXT,
        "id": "not an iri",
        "type": "Annotation",
        "target": "http://x.org/",
    }
    assert any("3.1-annotationIdValidated" in f for f in failures(not_an_iri, ANNOTATION_MUSTS))


def test_project_export_collection_page_and_every_annotation_pass(client, alice, demo):
    client.force_login(alice)
    collection = get_json(client, reverse("reader:project_export", args=[demo.slug]))
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert failures(collection, COLLECTION_MUSTS) == []
    page = collection["first"]
    assert failures({"@context": w3c.W3C_CONTEXT, **page}, PAGE_MUSTS) == []
    assert page["partOf"]["id"] == collection["id"]
    items = page["items"]
    assert (
        collection["total"]
        == len(items)
        == Annotation.objects.filter(document__project=demo).count()
    )
    for item in items:
        assert failures(item, ANNOTATION_MUSTS) == [], item["id"]


def test_annotation_shape_carries_kind_note_links_and_both_selectors(client, alice, demo):
    client.force_login(alice)
    collection = get_json(client, reverse("reader:project_export", args=[demo.slug]))
    denial = next(
        item
        for item in collection["first"]["items"]
        if item["target"]["selector"][0]["exact"].startswith("“Russian Aerospace Forces")
    )
    annotation = Annotation.objects.get(quote_exact=denial["target"]["selector"][0]["exact"])
    assert denial["id"].endswith(
        f"/p/idlib-2020/documents/{annotation.document_id}/annotations/{annotation.pk}/"
    )
    assert denial["created"].endswith("Z") and denial["modified"].endswith("Z")
    assert denial["creator"] == {"type": "Person", "nickname": "jonas"}
    quote, position = denial["target"]["selector"]
    assert denial["target"]["source"].endswith(f"/documents/{annotation.document_id}/")
    assert (position["start"], position["end"]) == (annotation.start, annotation.end)
    assert (quote["prefix"], quote["suffix"]) == (annotation.quote_prefix, annotation.quote_suffix)
    tagging, commenting, *linking = denial["body"]
    assert (tagging["purpose"], tagging["value"]) == ("tagging", "claim")
    assert (commenting["purpose"], commenting["value"]) == ("commenting", annotation.note)
    facets = {body["facet"]: body for body in linking}
    assert facets["Perpetrator"]["stance"] == "denies"
    assert facets["Perpetrator"]["facetValue"] == "Russian Aerospace Forces"
    assert facets["Perpetrator"]["claimedAt"] == "2020-02-28T05:51:00Z"
    assert facets["Place"]["attribution"] == "the official statement"
    assert facets["Place"]["source"].endswith(
        f"#facet-{annotation.links.get(facet__name='Place').facet_id}"
    )
    assert facets["Place"]["@context"].endswith("/ns/reader.jsonld")


def test_paged_views_have_next_prev_and_pass(client, alice, demo, monkeypatch):
    monkeypatch.setattr(w3c_collection, "PAGE_SIZE", 10)
    client.force_login(alice)
    url = reverse("reader:project_export", args=[demo.slug])
    first = get_json(client, url, page=0)
    second = get_json(client, url, page=1)
    for page in (first, second):
        assert failures(page, PAGE_MUSTS) == []
        assert len(page["items"]) == 10
    assert first["next"] == second["id"] and second["prev"] == first["id"]
    assert "prev" not in first
    assert first["partOf"]["total"] == Annotation.objects.filter(document__project=demo).count()
    assert second["startIndex"] == 10
    assert client.get(url, {"page": 99}).status_code == 404
    assert client.get(url, {"page": "x"}).status_code == 404


def test_document_and_event_exports_hold_their_own_annotations(client, alice, demo):
    client.force_login(alice)
    document = demo.documents.get(origin__startswith="004")
    collection = get_json(client, reverse("reader:document_export", args=[demo.slug, document.pk]))
    assert failures(collection, COLLECTION_MUSTS) == []
    sources = {item["target"]["source"] for item in collection["first"]["items"]}
    assert sources == {f"http://testserver/p/idlib-2020/documents/{document.pk}/"}
    event = Event.objects.get(name__startswith="20 February")
    collection = get_json(client, reverse("reader:event_export", args=[demo.slug, event.pk]))
    assert failures(collection, COLLECTION_MUSTS) == []
    assert collection["total"] == 4
    assert all(
        any(body.get("event") == event.name for body in item["body"])
        for item in collection["first"]["items"]
    )


def test_whole_page_alone_and_empty_collections_pass(client, alice, demo):
    client.force_login(alice)
    url = reverse("reader:project_export", args=[demo.slug])
    page = get_json(client, url, page="all")
    assert failures(page, PAGE_MUSTS) == []
    event = Event.objects.create(project=demo, name="Nothing linked")
    empty = get_json(client, reverse("reader:event_export", args=[demo.slug, event.pk]))
    assert failures(empty, COLLECTION_MUSTS) == []
    assert empty["total"] == 0 and empty["first"]["items"] == []


def test_iris_match_the_url_patterns(demo):
    iris = Iris(base="http://testserver", slug=demo.slug)
    annotation = Annotation.objects.filter(document__project=demo).first()
    event = Event.objects.filter(project=demo).first()
    assert iris.annotation(annotation.document_id, annotation.pk) == "http://testserver" + reverse(
        "reader:api_annotation", args=[demo.slug, annotation.document_id, annotation.pk]
    )
    assert iris.moved_annotation(annotation.pk) == "http://testserver" + reverse(
        "reader:api_annotation_moved", args=[demo.slug, annotation.pk]
    )
    assert iris.api_document(annotation.document_id) == "http://testserver" + reverse(
        "reader:api_document", args=[demo.slug, annotation.document_id]
    )
    assert iris.container(annotation.document_id) == "http://testserver" + reverse(
        "reader:api_container", args=[demo.slug, annotation.document_id]
    )
    assert iris.document(annotation.document_id) == "http://testserver" + reverse(
        "reader:document_detail", args=[demo.slug, annotation.document_id]
    )
    assert iris.event(event.pk) == "http://testserver" + event.get_absolute_url()
    assert iris.context == "http://testserver" + reverse("reader:reader_context")


def test_reader_context_is_served_to_anyone(client):
    response = client.get(reverse("reader:reader_context"))
    assert response.status_code == 200
    assert "facetValue" in response.json()["@context"]


@pytest.mark.parametrize("count", [5, 500])
def test_export_query_count_does_not_grow_with_annotations(
    client, alice, bob, document, django_assert_num_queries, count
):
    from tests.factories import AnnotationFactory

    for index in range(count):
        start = index % (len(document.text) - 10)
        AnnotationFactory(document=document, author=bob, start=start, end=start + 5)
    client.force_login(alice)
    url = reverse("reader:project_export", args=[document.project.slug])
    # session, user, membership, count, then one chunk: annotations + authors, their links
    with django_assert_num_queries(6):
        response = client.get(url)
        content = b"".join(response.streaming_content)
    assert json.loads(content)["total"] == count
    # The bundle's count: tests/test_bundle_export.py.


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 1000])
def test_export_rows_in_chunks_give_each_annotation_its_own_links(
    bob, document, django_assert_num_queries, chunk_size
):
    """Past the first chunk, a chunk's links come by its ids (selectors.exports.Ids): every
    annotation gets its links, in order, whatever the chunk size."""
    from reader.selectors.exports import annotations_for_export, export_rows
    from reader.services.events import event_create, facet_create, facet_link_create
    from tests.factories import AnnotationFactory

    event = event_create(project=document.project, name="Balyun")
    toll = facet_create(event=event, name="Death toll", value_type="number")
    place = facet_create(event=event, name="Place", value_type="text")
    annotations = [
        AnnotationFactory(document=document, author=bob, start=index, end=index + 5)
        for index in range(7)
    ]
    for index, annotation in enumerate(annotations):
        if index % 2 == 0:
            facet_link_create(annotation=annotation, facet=toll, author=bob, value=str(index))
        if index % 3 == 0:
            facet_link_create(annotation=annotation, facet=place, author=bob, value="Balyun")
    chunks = -(-len(annotations) // chunk_size)
    with django_assert_num_queries(1 + chunks):  # the rows, then each chunk's links
        rows = list(
            export_rows(
                annotations_for_export(project=document.project),
                sees_hidden=True,
                chunk_size=chunk_size,
            )
        )
    assert [row.pk for row, _ in rows] == [annotation.pk for annotation in annotations]
    for index, (_, links) in enumerate(rows):
        expected = ([("Death toll", str(index))] if index % 2 == 0 else []) + (
            [("Place", "Balyun")] if index % 3 == 0 else []
        )
        assert [(link.facet, link.value) for link in links] == expected
