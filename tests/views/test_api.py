"""The annotation API against the W3C Web Annotation Protocol: statuses, headers, ETags,
authentication and the same permissions as the pages."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reader.formats import w3c
from reader.models import (
    Annotation,
    ApiToken,
    DeletedAnnotation,
    Document,
    DocumentRevision,
    FacetLink,
)
from reader.services.documents import annotation_delete, annotation_update
from reader.services.events import event_create, facet_create, facet_link_create
from reader.services.projects import api_token_create
from reader.views import api
from tests.factories import AnnotationFactory
from tests.test_w3c_export import ANNOTATION_MUSTS, COLLECTION_MUSTS, PAGE_MUSTS, failures

JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def bearer(user) -> dict:
    _, token = api_token_create(user=user, name="test")
    return {"Authorization": f"Bearer {token}"}


def container(document) -> str:
    return reverse("reader:api_container", args=[document.project.slug, document.pk])


def resource(annotation) -> str:
    return reverse(
        "reader:api_annotation",
        args=[annotation.document.project.slug, annotation.document_id, annotation.pk],
    )


def linking_body(event: str, facet: str, value: str, **extra) -> dict:
    """A linking body naming its facet by the event's and facet's names."""
    return {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": "x",
        "event": event,
        "facet": facet,
        "facetValue": value,
        **extra,
    }


def new_annotation(document, quote: str, kind: str = "claim", note: str = "") -> dict:
    start = document.text.index(quote)
    bodies = [{"type": "TextualBody", "purpose": "tagging", "value": kind}]
    if note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": note})
    return {
        "@context": w3c.W3C_CONTEXT,
        "type": "Annotation",
        "body": bodies,
        "target": {
            "source": "http://testserver" + document.get_absolute_url(),
            "selector": [
                {"type": "TextQuoteSelector", "exact": quote},
                {"type": "TextPositionSelector", "start": start, "end": start + len(quote)},
            ],
        },
    }


def posted(client, document, auth: dict):
    """The 201 of a claim on "33 soldiers", posted with `auth`'s token."""
    body = json.dumps(new_annotation(document, "33 soldiers"))
    return client.post(container(document), body, JSONLD, headers=auth)


def post(client, url, body, headers, content_type=JSONLD):
    return client.post(url, json.dumps(body), content_type=content_type, headers=headers)


def put(client, url, body, headers, content_type=JSONLD):
    return client.put(url, json.dumps(body), content_type=content_type, headers=headers)


def test_a_script_creates_reads_updates_and_deletes(client, bob, document):
    auth = bearer(bob)
    created = post(client, container(document), new_annotation(document, "33 soldiers 💥"), auth)
    assert created.status_code == 201
    body = created.json()
    assert created["Location"] == body["id"]
    assert failures(body, ANNOTATION_MUSTS) == []
    annotation = Annotation.objects.get()
    assert (annotation.author, annotation.quote_exact) == (bob, "33 soldiers 💥")

    read = client.get(body["id"], headers=auth)
    assert read.status_code == 200 and read["ETag"] == created["ETag"]

    changed = new_annotation(document, "33 soldiers 💥", kind="opinion", note="Round figure")
    updated = put(client, body["id"], changed, {**auth, "If-Match": read["ETag"]})
    assert updated.status_code == 200
    assert updated["ETag"] != read["ETag"]
    annotation.refresh_from_db()
    assert (annotation.kind, annotation.note, annotation.version) == ("opinion", "Round figure", 2)

    deleted = client.delete(body["id"], headers={**auth, "If-Match": updated["ETag"]})
    assert deleted.status_code == 204
    assert not Annotation.objects.exists()
    assert client.get(body["id"], headers=auth).status_code == 404


def test_container_headers_and_collection(client, carol, bob, document):
    for quote in ("33 soldiers", "Idlib said"):
        AnnotationFactory(document=document, author=bob, quote=quote)
    response = client.get(container(document), headers=bearer(carol))  # viewers read
    assert response.status_code == 200
    assert response["Content-Type"] == JSONLD
    assert response["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert "Accept" in response["Vary"] and "Prefer" in response["Vary"]
    assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in response["Link"]
    assert 'rel="http://www.w3.org/ns/ldp#constrainedBy"' in response["Link"]
    assert response["Accept-Post"] == JSONLD
    assert response["ETag"].startswith('"')
    collection = response.json()
    assert failures(collection, COLLECTION_MUSTS) == []
    assert collection["total"] == 2 and len(collection["first"]["items"]) == 2
    assert (
        client.get(
            container(document), headers={**bearer(carol), "If-None-Match": response["ETag"]}
        ).status_code
        == 304
    )


def test_prefer_minimal_container_and_contained_iris(client, bob, document):
    AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    auth = bearer(bob)
    minimal = client.get(
        container(document),
        headers={
            **auth,
            "Prefer": 'return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer"',
        },
    )
    assert "first" in minimal.json() and isinstance(minimal.json()["first"], str)
    assert minimal["Preference-Applied"] == "return=representation"
    iris = client.get(
        container(document),
        headers={
            **auth,
            "Prefer": 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"',
        },
    ).json()
    item = iris["first"]["items"][0]
    assert isinstance(item, str) and item.endswith(f"/annotations/{Annotation.objects.get().pk}/")
    page = client.get(container(document), {"page": 0}, headers=auth).json()
    assert failures(page, PAGE_MUSTS) == []
    assert client.get(container(document), {"page": 5}, headers=auth).status_code == 404


def test_head_and_options(client, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    auth = bearer(bob)
    get = client.get(resource(annotation), headers=auth)
    head = client.head(resource(annotation), headers=auth)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))
    options = client.options(resource(annotation), headers=auth)
    assert options.status_code == 200
    assert options["Allow"] == "GET, HEAD, OPTIONS, PUT, DELETE"
    assert client.options(container(document), headers=auth)["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.patch(resource(annotation), headers=auth).status_code == 405


def test_put_needs_a_current_etag(client, alice, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    auth = bearer(bob)
    first = client.get(resource(annotation), headers=auth)
    body = new_annotation(document, "33 soldiers", kind="opinion")
    assert put(client, resource(annotation), body, auth).status_code == 428
    # An owner changes it in the meantime.
    annotation_update(
        annotation=annotation,
        actor=annotation.author,
        kind="claim",
        note="owner's",
        edited_version=1,
    )
    stale = put(client, resource(annotation), body, {**auth, "If-Match": first["ETag"]})
    assert stale.status_code == 412
    assert stale.json()["current"]["body"][1]["value"] == "owner's"
    annotation.refresh_from_db()
    assert (annotation.kind, annotation.note) == ("claim", "owner's")
    assert (
        client.delete(resource(annotation), headers={**auth, "If-Match": first["ETag"]}).status_code
        == 412
    )
    assert Annotation.objects.exists()


def test_put_cannot_move_the_target(client, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    auth = bearer(bob)
    etag = client.get(resource(annotation), headers=auth)["ETag"]
    moved = put(
        client, resource(annotation), new_annotation(document, "Idlib"), {**auth, "If-Match": etag}
    )
    assert moved.status_code == 400
    assert "target cannot change" in moved.json()["error"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ("{not json", JSONLD, 400, "not valid JSON"),
        (json.dumps({"type": "Annotation"}), JSONLD, 400, "has no target"),
        ("<xml/>", "application/xml", 415, "application/ld+json"),
        ("[" * 50_000 + "]" * 50_000, JSONLD, 400, "nested too deeply"),
    ],
)
def test_bad_bodies_are_refused_and_nothing_is_written(
    client, bob, document, body, content_type, status, message
):
    response = client.post(
        container(document), body, content_type=content_type, headers=bearer(bob)
    )
    assert response.status_code == status
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert not Annotation.objects.exists()


def test_a_body_over_the_limit_is_refused(client, bob, document):
    body = new_annotation(document, "33 soldiers", note="x" * (1024 * 1024))
    response = post(client, container(document), body, bearer(bob))
    assert response.status_code == 400
    assert not Annotation.objects.exists()


def test_links_are_created_from_linking_bodies(client, bob, document):
    event = event_create(project=document.project, name="Balyun strike")
    facet_create(event=event, name="Death toll", value_type="number")
    body = new_annotation(document, "33 soldiers")
    body["body"].append(linking_body("Balyun strike", "Death toll", "33", stance="reports"))
    assert post(client, container(document), body, bearer(bob)).status_code == 201
    link = FacetLink.objects.get()
    assert (link.value, link.stance, link.is_parsed) == ("33", "reports", True)


@pytest.mark.parametrize("method", ["get", "head", "options", "post"])
def test_outsiders_get_404_on_the_container(client, mallory, other_project, document, method):
    response = getattr(client, method)(container(document), headers=bearer(mallory))
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "head", "options", "put", "delete"])
def test_outsiders_get_404_on_an_annotation(client, mallory, other_project, bob, document, method):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    response = getattr(client, method)(resource(annotation), headers=bearer(mallory))
    assert response.status_code == 404
    assert Annotation.objects.filter(pk=annotation.pk).exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_viewers_and_other_annotators_get_403_on_writes(
    client, carol, alice, bob, document, method
):
    annotation = AnnotationFactory(document=document, author=alice, quote="33 soldiers")
    for user in (carol, bob):
        response = getattr(client, method)(
            resource(annotation), headers={**bearer(user), "If-Match": "*"}
        )
        assert response.status_code == 403
    assert (
        post(
            client, container(document), new_annotation(document, "Idlib"), bearer(carol)
        ).status_code
        == 403
    )
    assert Annotation.objects.count() == 1


def test_owner_may_change_anyones_annotation(client, alice, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    response = client.delete(resource(annotation), headers=bearer(alice))
    assert response.status_code == 204


def test_no_or_bad_credentials_get_401(client, bob, document):
    response = client.get(container(document))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="Reader"'
    assert (
        client.get(container(document), headers={"Authorization": "Bearer rdr_nope"}).status_code
        == 401
    )
    auth = bearer(bob)
    ApiToken.objects.all().delete()  # revoked
    assert client.get(container(document), headers=auth).status_code == 401


def test_session_writes_need_the_csrf_token(bob, document):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(bob)
    body = new_annotation(document, "33 soldiers")
    assert browser.get(container(document)).status_code == 200  # reads are fine
    refused = post(browser, container(document), body, {})
    assert refused.status_code == 403 and not Annotation.objects.exists()
    browser.get(reverse("reader:document_detail", args=["idlib", document.pk]))
    token = browser.cookies["csrftoken"].value
    assert post(browser, container(document), body, {"X-CSRFToken": token}).status_code == 201


def test_tokens_are_shown_once_and_stored_hashed(client, bob):
    client.force_login(bob)
    response = client.post(reverse("account"), {"name": "script"})
    token = response.context["new_token"]
    assert token.startswith("rdr_") and token in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert token not in client.get(reverse("account")).content.decode()
    client.post(reverse("api_token_delete", args=[stored.pk]))
    assert not ApiToken.objects.exists()


def test_a_users_token_cannot_be_revoked_by_another(client, alice, bob):
    row, _ = api_token_create(user=alice, name="mine")
    client.force_login(bob)
    client.post(reverse("api_token_delete", args=[row.pk]))
    assert ApiToken.objects.filter(pk=row.pk).exists()


def test_api_reference_page_shows_examples_for_this_server(client):
    body = client.get(reverse("api_docs")).content.decode()
    assert "curl -X POST" in body and "http://testserver/api/p/PROJECT/" in body


@pytest.mark.parametrize(("note", "message"), [("x" * 10_001, "limit is 10000"), ("a\x00", "NUL")])
def test_service_refusals_are_400_not_500(client, bob, document, note, message):
    response = post(
        client, container(document), new_annotation(document, "33 soldiers", note=note), bearer(bob)
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Annotation.objects.exists()


def test_etag_lists_weak_tags_and_star(client, bob, document):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    auth = bearer(bob)
    etag = client.get(resource(annotation), headers=auth)["ETag"]
    assert (
        client.get(resource(annotation), headers={**auth, "If-None-Match": f"W/{etag}"}).status_code
        == 304
    )
    assert (
        client.get(resource(annotation), headers={**auth, "If-None-Match": "*"}).status_code == 304
    )
    body = new_annotation(document, "33 soldiers", kind="opinion")
    listed = put(client, resource(annotation), body, {**auth, "If-Match": f'"other", {etag}'})
    assert listed.status_code == 200
    weak = put(client, resource(annotation), body, {**auth, "If-Match": f"W/{listed['ETag']}"})
    assert weak.status_code == 412  # a write needs the strong tag


def test_prefer_omit_is_not_taken_for_include(client, bob, document):
    AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    response = client.get(
        container(document),
        headers={
            **bearer(bob),
            "Prefer": 'return=representation;omit="http://www.w3.org/ns/ldp#PreferMinimalContainer"',
        },
    )
    assert isinstance(response.json()["first"], dict)
    assert not response.has_header("Preference-Applied")


def test_put_keeps_other_members_links_untouched(client, alice, bob, document):
    event = event_create(project=document.project, name="Balyun strike")
    toll = facet_create(event=event, name="Death toll", value_type="number")
    place = facet_create(event=event, name="Place", value_type="place")
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    alices = facet_link_create(annotation=annotation, facet=toll, author=alice, value="33")
    auth = bearer(bob)
    current = client.get(resource(annotation), headers=auth)
    body = current.json()
    body["body"].append(linking_body("Balyun strike", "Place", "Balyun"))
    assert (
        put(client, resource(annotation), body, {**auth, "If-Match": current["ETag"]}).status_code
        == 200
    )
    alices.refresh_from_db()  # still there, still alice's
    assert alices.author == alice
    assert FacetLink.objects.get(facet=place).author == bob


def test_a_long_token_name_is_cut_not_a_500(client, bob):
    client.force_login(bob)
    response = client.post(reverse("account"), {"name": "n" * 500})
    assert response.status_code == 200
    assert ApiToken.objects.get().name == "n" * 100


def test_bearer_scheme_is_case_insensitive(client, bob, document):
    _, token = api_token_create(user=bob, name="t")
    response = client.get(container(document), headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


def _many(document, bob, count: int) -> None:
    """`count` annotations, each on its own character, written the way a bulk import is."""
    for start in range(count):
        AnnotationFactory(document=document, author=bob, start=start, end=start + 1)


def test_a_client_reads_a_whole_document_in_one_request_with_limit(client, bob, document):
    _many(document, bob, 150)
    auth = bearer(bob)
    response = client.get(container(document) + "?limit=1000", headers=auth)
    body = response.json()
    assert body["total"] == 150
    assert len(body["first"]["items"]) == 150
    assert "next" not in body["first"]
    assert body["id"].endswith("?limit=1000")
    assert failures(body["first"] | {"@context": w3c.W3C_CONTEXT}, PAGE_MUSTS) == []


def test_pages_keep_the_clients_page_size_and_it_is_capped(client, bob, document):
    _many(document, bob, 7)
    auth = bearer(bob)
    body = client.get(container(document) + "?limit=3", headers=auth).json()
    assert len(body["first"]["items"]) == 3
    second = client.get(body["first"]["next"], headers=auth).json()
    assert [item["id"] for item in second["items"]] != [i["id"] for i in body["first"]["items"]]
    assert second["next"].endswith("limit=3&page=2")
    capped = client.get(container(document) + "?limit=999999", headers=auth).json()
    assert capped["first"]["id"].endswith("?page=0"), "capped at MAX_PAGE_SIZE, the default"
    assert api.PAGE_SIZE == api.MAX_PAGE_SIZE


def test_without_limit_a_long_documents_annotations_come_in_one_request(
    client, bob, document, django_assert_num_queries
):
    for number in range(1200):  # more than the 100 a page held before
        start = number % 100
        AnnotationFactory(document=document, author=bob, start=start, end=start + 1)
    auth = bearer(bob)
    client.get(container(document), headers=auth)  # the token's first use
    with django_assert_num_queries(6):
        body = client.get(container(document), headers=auth).json()
    assert body["total"] == 1200
    assert len(body["first"]["items"]) == 1200
    assert "next" not in body["first"]


@pytest.mark.parametrize("count", [5, 120])
def test_a_page_of_any_size_costs_the_same_queries(
    client, bob, document, django_assert_num_queries, count
):
    _many(document, bob, count)
    auth = bearer(bob)
    client.get(container(document) + "?limit=5000", headers=auth)  # the token's first use
    # the token with its user, the membership, the document, the count with when it
    # changed, the rows, the links
    with django_assert_num_queries(6) as captured:
        response = client.get(container(document) + "?limit=5000", headers=auth)
    assert len(response.json()["first"]["items"]) == count
    # Nor is the document's text read (1 MB for a long one): the container shows none of it.
    assert not [q for q in captured.captured_queries if '"reader_document"."text"' in q["sql"]]


def test_the_container_was_modified_by_its_latest_edit_link_or_deletion(client, bob, document):
    """`modified`: the latest of the document's arrival, its annotations' edits, their
    links and their deletions, to the second (each set here, one later than the last)."""
    auth = bearer(bob)

    def modified() -> str:
        return client.get(container(document), headers=auth).json()["modified"]

    Document.objects.filter(pk=document.pk).update(created=_moment(1))
    assert modified() == "2020-01-01T00:00:01Z"
    kept, gone = (AnnotationFactory(document=document, author=bob) for _ in range(2))
    Annotation.objects.filter(document=document).update(modified=_moment(2, 500000))
    assert modified() == "2020-01-01T00:00:02Z"
    event = event_create(project=document.project, name="Balyun")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    facet_link_create(annotation=kept, facet=facet, author=bob, value="33")
    FacetLink.objects.filter(annotation=kept).update(created=_moment(3))
    assert modified() == "2020-01-01T00:00:03Z"
    annotation_delete(annotation=gone, actor=bob)
    DeletedAnnotation.objects.filter(document=document).update(deleted=_moment(4, 1))
    assert modified() == "2020-01-01T00:00:04Z"


def _moment(second: int, microsecond: int = 0) -> datetime.datetime:
    return datetime.datetime(2020, 1, 1, 0, 0, second, microsecond, tzinfo=datetime.UTC)


@pytest.mark.parametrize("existing", [0, 150])
def test_a_create_costs_the_same_queries_however_many_annotations(client, bob, document, existing):
    """The token with its user, the membership, the document (without its text), the
    passage of the text the annotation points at (to check the quote and keep it with its
    context; the project's facets only for a linking body); then in the transaction the row,
    its search entries (no delete first: it has none yet), the revision counter (one UPSERT
    on its own row, not the document's), the activity record, and what the answer needs
    from the database (the kept W3C properties and the version's date, in one query: the
    rest the create holds). PostgreSQL also locks the document (FOR NO KEY UPDATE) in
    annotation_create and again in document_touch; SQLite has no row locks (its BEGIN
    IMMEDIATE holds the write lock)."""
    _many(document, bob, existing)
    auth = bearer(bob)
    body = json.dumps(new_annotation(document, "33 soldiers"))
    # the token's first use, and the document's first change (which makes its counter row)
    client.post(container(document), body, JSONLD, headers=auth)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(container(document), body, JSONLD, headers=auth)
    assert response.status_code == 201
    # statements, not transaction control (SQLite's BEGIN IMMEDIATE shows, PostgreSQL's not)
    control = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(control)]
    locks = [sql for sql in statements if sql.endswith("FOR NO KEY UPDATE")]
    assert len(locks) == (2 if connection.vendor == "postgresql" else 0), statements
    assert len(statements) == 9 + len(locks), statements
    assert not [sql for sql in statements if 'FROM "reader_facet"' in sql]
    assert not [sql for sql in statements if '"reader_document"."text"' in sql]
    revision = DocumentRevision.objects.get(document=document).revision
    assert revision == Document.objects.get(pk=document.pk).revision >= 1


CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


def _statements(captured) -> list[str]:
    """Statements, not transaction control (SQLite's BEGIN IMMEDIATE shows, PostgreSQL's not)."""
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(CONTROL)]


def test_an_edit_costs_sixteen_statements(client, bob, document):
    """The token with its user, the membership, the annotation (without the document's
    text), the passage the body's target points at (as a create reads it: a long source's
    text is 1.2 MB); its representation for the If-Match (row, links); then in the
    transaction the annotation locked (once: the lock takes the new links' events too), its
    UPDATE (no constraint is asked of the database again: only kind, note and version
    change), its search entries (delete, insert), the revision UPSERT, the linked events
    (none to bump), the Activity record, the links replaced (read), and the answer (row,
    links). PostgreSQL also locks the document (FOR NO KEY UPDATE) and reads the linked
    events (none to lock) before the annotation, and locks the document again in
    document_touch."""
    auth = bearer(bob)
    created = posted(client, document, auth)
    edited = json.dumps(new_annotation(document, "33 soldiers", note="changed"))
    with CaptureQueriesContext(connection) as captured:
        response = client.put(
            created["Location"], edited, JSONLD, headers={**auth, "If-Match": created["ETag"]}
        )
    assert response.status_code == 200
    statements = _statements(captured)
    locks = [sql for sql in statements if sql.endswith("FOR NO KEY UPDATE")]
    assert len(locks) == (2 if connection.vendor == "postgresql" else 0), statements
    linked = 1 if connection.vendor == "postgresql" else 0  # read with the locks
    assert len(statements) == 16 + len(locks) + linked, statements
    assert not [sql for sql in statements if '"_check"' in sql]
    assert not [sql for sql in statements if '"reader_document"."text"' in sql]
    assert response["ETag"] == client.get(created["Location"], headers=auth)["ETag"]


@pytest.mark.parametrize("if_match", [True, False])
def test_a_delete_costs_fifteen_statements_and_two_for_its_if_match(
    client, bob, document, if_match
):
    """The token with its user, the membership, the annotation (not the document's text);
    with an If-Match its representation (row, links); then in the transaction the
    annotation locked, its snapshot for the trash (links, replies) and the trash row, the
    Activity record, Django's cascade (replies, links, then the search entries, the
    suggestions' SET NULL and the row), the revision UPSERT, and the expired trash (none to
    purge). The events to bump (none) and the facets to refresh come from the snapshot's
    links. PostgreSQL also locks the document, reads the linked events (none to lock) and
    locks the document again in document_touch."""
    auth = bearer(bob)
    created = posted(client, document, auth)
    headers = {**auth, "If-Match": created["ETag"]} if if_match else auth
    with CaptureQueriesContext(connection) as captured:
        response = client.delete(created["Location"], headers=headers)
    assert response.status_code == 204
    statements = _statements(captured)
    assert not [sql for sql in statements if '"reader_document"."text"' in sql]
    pg_locks = 3 if connection.vendor == "postgresql" else 0  # document, events' read, document
    assert len(statements) == 15 + (2 if if_match else 0) + pg_locks, statements
    assert DeletedAnnotation.objects.count() == 1


def test_an_annotation_is_read_in_five_queries(client, bob, document, django_assert_num_queries):
    """The token with its user, the membership, the annotation, then its row and links."""
    auth = bearer(bob)
    created = posted(client, document, auth)
    with django_assert_num_queries(5) as captured:
        response = client.get(created["Location"], headers=auth)
    assert response.status_code == 200
    assert not [q for q in captured.captured_queries if '"reader_document"."text"' in q["sql"]]
    assert response["ETag"] == created["ETag"]
