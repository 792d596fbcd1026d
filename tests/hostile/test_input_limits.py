"""Input limits: oversized bodies, a 50 MB upload, deeply nested JSON, a million-character
note, NUL bytes and lone surrogates, invalid UTF-8, bad offsets, quote mismatches, unknown
kinds and too many annotations at once. Each is a 4xx that says what is wrong, writes
nothing, and is never a 500 (the test client raises on one)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reader.models import Annotation
from reader.services.events import event_create, facet_create
from tests.hostile.conftest import make_world, routes, snapshot
from tests.hostile.test_access_ids import candidate_ids, url_for

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
MILLION = "x" * 1_000_000


@pytest.fixture
def world(project, alice, carol):
    return make_world(project, alice, carol, text="Balyun: 33 soldiers were killed.\n")


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def refused(response, status: int, message: str) -> None:
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = b"".join(response) if response.streaming else response.content
    assert message in body.decode(), body[:500]


def annotation_url(world) -> str:
    return reverse("reader:annotation_create", args=[world.project.slug, world.document.pk])


def api_url(world) -> str:
    return reverse("reader:api_container", args=[world.project.slug, world.document.pk])


def api_post(client, world, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(api_url(world), raw, content_type="application/ld+json")


def w3c(*, note: str = "", exact: str = "33 soldiers", **fields) -> dict:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": fields.pop("kind", "claim")},
            {"type": "TextualBody", "purpose": "commenting", "value": note},
            *fields.pop("bodies", []),
        ],
        "target": {"selector": {"type": "TextQuoteSelector", "exact": exact}},
        **fields,
    }


def import_file(client, world, raw: bytes, *, kind: str = "w3c", name: str = "a.json"):
    file = SimpleUploadedFile(name, raw, content_type="application/json")
    url = reverse("reader:import_upload", args=[world.project.slug])
    data = {"kind": kind, "file": file}
    if kind == "w3c":
        data["document"] = world.document.pk
    return client.post(url, data)


# --- sizes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("annotation_create", "application/x-www-form-urlencoded"),
        ("import_upload", "multipart/form-data; boundary=x"),
        ("api_container", "application/ld+json"),
        ("document_create", "multipart/form-data; boundary=x"),
    ],
)
def test_a_body_over_the_limit_is_refused_before_it_is_read(signed_in, world, name, content_type):
    """The size limit reads Content-Length only: a 26 MB claim with a small body is enough
    to show it (the real large upload is below)."""
    route = next(r for r in routes() if r.name == f"reader:{name}")
    url = url_for(route, slug=world.project.slug, pk=candidate_ids(route, world)[0])
    before = snapshot()
    response = signed_in.generic(
        "POST", url, b"x", content_type=content_type, CONTENT_LENGTH=str(26 * 1024 * 1024)
    )
    refused(response, 413, "the limit is 26,214,400 bytes")
    assert snapshot() == before


def test_a_50_mb_upload_is_refused_and_nothing_is_kept(signed_in, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("reader:document_create", args=[world.project.slug])
    upload = SimpleUploadedFile("big.txt", b"a" * (50 * 1024 * 1024), content_type="text/plain")
    before = snapshot()
    response = signed_in.post(url, {"new_outlet": "Wire", "language": "en", "file": upload})
    refused(response, 413, "the limit is 26,214,400 bytes")
    assert snapshot() == before
    assert list(tmp_path.iterdir()) == []


def test_an_upload_under_the_request_limit_but_over_the_source_limit(signed_in, world):
    """6 MB: Django spools it to an anonymous temporary file; the form refuses it."""
    url = reverse("reader:document_create", args=[world.project.slug])
    upload = SimpleUploadedFile("big.txt", b"a " * (3 * 1024 * 1024), content_type="text/plain")
    before = snapshot()
    response = signed_in.post(url, {"new_outlet": "Wire", "language": "en", "file": upload})
    refused(response, 400, "the limit is 5,242,880 bytes")
    assert snapshot() == before


def test_a_form_body_over_the_form_limit_is_refused(signed_in, world):
    """A pasted text of 7 MB, over DATA_UPLOAD_MAX_MEMORY_SIZE: sent without files, a 413
    that says so; in a multipart form (the source form's), Django's own 400."""
    url = reverse("reader:document_create", args=[world.project.slug])
    body = "new_outlet=Wire&text=" + "a" * (7 * 1024 * 1024)
    before = snapshot()
    response = signed_in.generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded"
    )
    refused(response, 413, "bytes; a request without files is limited to 6,291,456")
    response = signed_in.post(url, {"new_outlet": "Wire", "text": "a" * (7 * 1024 * 1024)})
    assert response.status_code == 400
    assert snapshot() == before


def test_too_many_form_fields_are_a_4xx(signed_in, world):
    body = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    before = snapshot()
    response = signed_in.generic(
        "POST", annotation_url(world), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("annotation_create", {"kind": "claim", "start": 0, "end": 6, "note": MILLION}, "10000"),
        ("annotation_update", {"kind": "claim", "version": 1, "note": MILLION}, "10000"),
        ("reply_create", {"text": MILLION}, "the limit is 10000"),
        ("reply_update", {"text": MILLION}, "the limit is 10000"),
        ("event_create", {"name": MILLION}, "at most 200 characters"),
        ("facet_link_create", {"value": MILLION, "stance": "asserts"}, "at most 500"),
        ("member_list", {"invitee": MILLION, "role": "viewer"}, "at most 254"),
    ],
)
def test_a_million_characters_are_refused(signed_in, world, name, data, message):
    route = next(r for r in routes() if r.name == f"reader:{name}")
    url = url_for(route, slug=world.project.slug, pk=candidate_ids(route, world)[0])
    data = {**data, "quote": "Balyun"} if name == "annotation_create" else data
    before = snapshot()
    refused(signed_in.post(url, data), 400, message)
    assert snapshot() == before


def test_a_million_character_note_through_the_api_and_an_import(signed_in, world):
    before = snapshot()
    refused(api_post(signed_in, world, w3c(note=MILLION)), 400, "the limit is 10000")
    refused(api_post(signed_in, world, w3c(note="x" * 1_100_000)), 400, "limited to 1,048,576")
    raw = json.dumps([w3c(note=MILLION)]).encode()
    refused(import_file(signed_in, world, raw), 400, "the limit is 10000")
    assert snapshot() == before


# --- JSON -----------------------------------------------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000


def test_deeply_nested_json_is_refused(signed_in, world):
    before = snapshot()
    refused(import_file(signed_in, world, DEEP), 400, "nested too deeply")
    refused(import_file(signed_in, world, DEEP, kind="bundle"), 400, "nested too deeply")
    refused(api_post(signed_in, world, DEEP), 400, "nested too deeply")
    nested = w3c()
    for _ in range(500):  # deep, but not too deep to parse: still not an annotation
        nested["body"] = [nested["body"]]
    refused(api_post(signed_in, world, nested), 400, "nested more than 32 levels")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("raw", "import_message", "api_message"),
    [
        (b"\xff\xfe[\x00]\x00", "not UTF-8", "not UTF-8"),
        ("[{}]".encode("utf-16"), "not UTF-8", "not UTF-8"),
        (b'[{"type": "Annotation"', "not valid JSON", "not valid JSON"),
        (b"NaN", "NaN, which is not a JSON number", "NaN, which is not a JSON number"),
    ],
)
def test_what_is_not_utf8_json_is_refused(signed_in, world, raw, import_message, api_message):
    before = snapshot()
    refused(import_file(signed_in, world, raw), 400, import_message)
    refused(api_post(signed_in, world, raw), 400, api_message)
    assert snapshot() == before


def test_an_empty_body_or_file_is_refused(signed_in, world):
    before = snapshot()
    refused(import_file(signed_in, world, b""), 400, "The submitted file is empty")
    refused(signed_in.post(api_url(world)), 415, "application/ld+json")
    assert snapshot() == before


def test_too_many_annotations_in_one_api_request_are_refused(signed_in, world):
    """The API takes one annotation per request; a list is not one."""
    before = snapshot()
    refused(api_post(signed_in, world, [w3c()] * 1000), 400, "not an Annotation")
    assert snapshot() == before


def test_too_many_annotations_in_one_import_are_refused(signed_in, world):
    before = snapshot()
    raw = json.dumps([{}] * 20_001).encode()  # cheap items: the count alone must refuse it
    refused(import_file(signed_in, world, raw), 400, "20,001 annotations")
    assert snapshot() == before


# --- characters that cannot be stored -------------------------------------------------------


@pytest.mark.parametrize("text", ["bad\x00note", "bad \ud800 note"])
def test_nul_and_lone_surrogates_in_an_api_note_are_refused(signed_in, world, text):
    before = snapshot()
    response = api_post(signed_in, world, w3c(note=text))
    assert response.status_code == 400
    assert response.json()["error"]
    assert snapshot() == before


def test_nul_in_form_fields_is_refused(signed_in, world):
    before = snapshot()
    data = {"kind": "claim", "start": 0, "end": 6, "quote": "Balyun", "note": "a\x00b"}
    refused(signed_in.post(annotation_url(world), data), 400, "Null characters are not allowed")
    url = reverse("reader:document_create", args=[world.project.slug])
    refused(signed_in.post(url, {"new_outlet": "W", "text": "a\x00b"}), 400, "Null characters")
    url = reverse("reader:reply_create", args=[world.project.slug, world.annotation.pk])
    refused(signed_in.post(url, {"text": "a\x00b"}), 400, "NUL bytes")
    assert snapshot() == before


def test_nul_in_an_uploaded_source_is_refused(signed_in, world):
    url = reverse("reader:document_create", args=[world.project.slug])
    upload = SimpleUploadedFile("a.txt", b"Some text\x00 here.", content_type="text/plain")
    before = snapshot()
    response = signed_in.post(url, {"new_outlet": "Wire", "language": "en", "file": upload})
    refused(response, 400, "NUL bytes")
    assert snapshot() == before


def test_nul_in_imported_notes_is_refused(signed_in, world):
    before = snapshot()
    raw = json.dumps([w3c(note="a\x00b")]).encode()
    refused(import_file(signed_in, world, raw), 400, "NUL bytes")
    assert snapshot() == before


LINK = {"purpose": "linking", "event": "E", "facet": "F", "facetValue": "33"}


@pytest.mark.parametrize(
    "body",
    [
        w3c(id="urn:\ud800", exact="not in the text"),
        w3c(bodies=[{**LINK, "facetValue": "\ud800"}]),
        w3c(bodies=[{**LINK, "attribution": "\ud800"}]),
    ],
    ids=["id", "facetValue", "attribution"],
)
def test_lone_surrogates_anywhere_in_api_json_are_a_400(signed_in, world, body):
    facet_create(event=event_create(project=world.project, name="E"), name="F", value_type="text")
    before = snapshot()
    response = api_post(signed_in, world, body)
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize(
    "annotation",
    [w3c(id="urn:\ud800", exact="not in the text"), w3c(note="a\ud800b")],
    ids=["id", "note"],
)
def test_lone_surrogates_in_an_import_are_a_400(signed_in, world, annotation):
    raw = json.dumps([annotation]).encode()
    before = snapshot()
    assert import_file(signed_in, world, raw).status_code == 400
    assert snapshot() == before


def test_nul_in_api_link_fields_is_refused(signed_in, world):
    facet_create(event=event_create(project=world.project, name="E"), name="F", value_type="text")
    body = w3c(bodies=[{**LINK, "attribution": "a\x00"}])
    before = snapshot()
    assert api_post(signed_in, world, body).status_code == 400
    assert snapshot() == before


def test_nul_in_a_moderation_reason_is_refused(signed_in, world):
    url = reverse("reader:annotation_hide", args=[world.project.slug, world.annotation.pk])
    before = snapshot()
    assert signed_in.post(url, {"hide": "1", "reason": "spam\x00"}).status_code == 400
    assert snapshot() == before


def test_nul_in_a_token_name_is_refused(signed_in):
    before = snapshot()
    assert signed_in.post(reverse("account"), {"name": "laptop\x00"}).status_code == 400
    assert snapshot() == before


# --- offsets, quotes, kinds -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("-1", "6", "greater than or equal to 0"),
        ("0", str(10**30), "outside the text"),
        ("0", "9" * 400, "outside the text"),
        ("1.5", "6", "Enter a whole number"),
        ("1e3", "6", "Enter a whole number"),
        ("0x10", "6", "Enter a whole number"),
        ("", "6", "This field is required"),
        ("6", "6", "empty"),
        ("6", "2", "empty"),
    ],
)
def test_bad_offsets_are_refused(signed_in, world, start, end, message):
    data = {"kind": "claim", "start": start, "end": end, "quote": "Balyun"}
    before = snapshot()
    refused(signed_in.post(annotation_url(world), data), 400, message)
    assert snapshot() == before


def test_a_quote_that_does_not_match_is_refused(signed_in, world):
    data = {"kind": "claim", "start": 0, "end": 6, "quote": "Idlib!"}
    before = snapshot()
    refused(signed_in.post(annotation_url(world), data), 400, "no longer matches")
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["evil", "", "CLAIM", "claim ", "claim\x00"])
def test_unknown_kinds_are_refused(signed_in, world, kind):
    data = {"kind": kind, "start": 0, "end": 6, "quote": "Balyun"}
    before = snapshot()
    assert signed_in.post(annotation_url(world), data).status_code == 400
    if "\x00" in kind:
        refused(api_post(signed_in, world, w3c(kind=kind)), 400, "NUL bytes")
    url = reverse("reader:annotation_update", args=[world.project.slug, world.annotation.pk])
    assert signed_in.post(url, {"kind": kind, "note": "", "version": 1}).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize(
    ("tag", "kind"),
    [("evil", "untagged"), ("", "untagged"), ("CLAIM", "claim"), ("claim ", "untagged")],
)
def test_a_w3c_tag_that_is_no_kind_is_kept_as_a_tag_never_as_a_kind(signed_in, world, tag, kind):
    response = api_post(signed_in, world, w3c(kind=tag))
    assert response.status_code == 201
    annotation = Annotation.objects.get(pk=response.json()["id"].rstrip("/").rsplit("/", 1)[1])
    assert annotation.kind == kind
    tags = [body["value"] for body in response.json()["body"] if body["purpose"] == "tagging"]
    assert tags == [tag]  # as it was sent, whether it names a kind or not


@pytest.mark.parametrize(
    "selector",
    [
        {"type": "TextPositionSelector", "start": -5, "end": 3},
        {"type": "TextPositionSelector", "start": 0, "end": 10**30},
        {"type": "TextPositionSelector", "start": 1.5, "end": 3},
        {"type": "TextPositionSelector", "start": True, "end": 3},
        {"type": "TextPositionSelector", "start": "0", "end": "3"},
        {"type": "TextQuoteSelector", "exact": ""},
        {"type": "TextQuoteSelector", "exact": ["33"]},
    ],
)
def test_bad_selectors_are_refused(signed_in, world, selector):
    body = w3c()
    body["target"] = {"selector": selector}
    before = snapshot()
    refused(api_post(signed_in, world, body), 400, "quote is not found")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("start", 10**30), ("start", -1), ("end", 10**30), ("kind", "evil"), ("start", True)],
)
def test_bad_offsets_and_kinds_in_a_bundle_are_refused(signed_in, world, alice, field, value):
    slug = world.project.slug
    bundle = json.loads(
        b"".join(signed_in.get(reverse("reader:project_export", args=[slug]) + "?format=bundle"))
    )
    bundle["annotations"][0][field] = value
    before = snapshot()
    response = import_file(signed_in, world, json.dumps(bundle).encode(), kind="bundle")
    refused(response, 400, "annotations[0]")
    assert snapshot() == before


QUERY_VALUES = ["-1", str(10**30), "abc", "1e3", "'", "%", "٣", "2020-13-45", "x" * 2000]
QUERY_NAMES = [
    "page",
    "since",
    "a",
    "b",
    "q",
    "outlet",
    "outlet_kind",
    "author",
    "documents",
    "show",
    "threads",
    "actor",
    "group",
    "document",
    "format",
    "iris",
]


def test_odd_query_parameters_are_never_a_500(signed_in, world):
    """Every GET URL with every query parameter the views read, set to odd values."""
    checked = 0
    for route in routes():
        if route.name == "logout":
            continue
        pk = candidate_ids(route, world)[0]
        url = url_for(route, slug=world.project.slug, pk=pk)
        for value in QUERY_VALUES:
            response = signed_in.get(url, dict.fromkeys(QUERY_NAMES, value))
            assert response.status_code < 500, (url, value)
            checked += 1
    assert checked > 300


def test_a_very_long_search_is_not_a_500(signed_in, world):
    url = reverse("reader:document_list", args=[world.project.slug])
    assert signed_in.get(url, {"q": "a" * 60_000}).status_code == 200


def test_a_nul_in_a_search_is_not_a_500(signed_in, world):
    url = reverse("reader:document_list", args=[world.project.slug])
    assert signed_in.get(url, {"q": "a\x00b"}).status_code == 200


# --- numbers and times the database cannot take ---------------------------------------------

HUGE = "9" * 5000


def world_bundle(client, world) -> dict:
    url = reverse("reader:project_export", args=[world.project.slug]) + "?format=bundle"
    return json.loads(b"".join(client.get(url)))


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (HUGE, "a number of 5,000 digits (at most 40) at "),
        ("-" + HUGE, "a number of 5,000 digits"),
        ("0." + HUGE, "a number of 5,002 characters"),
        ("1e400", "the number 1e400, too large"),
        ("Infinity", "Infinity, which is not a JSON number"),
        ("-Infinity", "-Infinity, which is not a JSON number"),
    ],
)
def test_numbers_no_one_can_store_are_a_400_everywhere(signed_in, world, number, message):
    """int() refuses 4,300 digits and more with a ValueError (a 500 once): the one JSON
    reader refuses long numbers, and what is not a finite JSON number, naming where."""
    body = (
        json.dumps(w3c()).replace('"claim"', '"claim", "n": 0').replace('"n": 0', f'"n": {number}')
    )
    before = snapshot()
    response = api_post(signed_in, world, body.encode())
    refused(response, 400, message)
    assert "body[0].n" in response.json()["error"]
    refused(import_file(signed_in, world, f"[{body}]".encode()), 400, message)
    raw = json.dumps(world_bundle(signed_in, world)).replace('"version": 1', f'"version": {number}')
    refused(import_file(signed_in, world, raw.encode(), kind="bundle"), 400, message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("version", 2**64, "field “version” must be at most 2,147,483,647"),
        ("version", 2**31, "field “version” must be at most 2,147,483,647"),
        ("start", 2**40, "field “start” must be at most 2,147,483,647"),
        ("end", 2**63, "field “end” must be at most 2,147,483,647"),
        ("version", 0, "field “version” must be a whole number of at least 1"),
    ],
)
def test_bundle_integers_get_the_bounds_of_their_fields(signed_in, world, field, value, message):
    bundle = world_bundle(signed_in, world)
    bundle["annotations"][0][field] = value
    before = snapshot()
    response = import_file(signed_in, world, json.dumps(bundle).encode(), kind="bundle")
    refused(response, 400, f"annotations[0] (“a1”): {message}")
    assert snapshot() == before


def test_a_facet_order_past_its_field_is_refused(signed_in, world):
    bundle = world_bundle(signed_in, world)
    bundle["facets"][0]["order"] = 2**32
    before = snapshot()
    response = import_file(signed_in, world, json.dumps(bundle).encode(), kind="bundle")
    refused(response, 400, "facets[0] (“f1”): field “order” must be at most 2,147,483,647")
    assert snapshot() == before


# Valid times whose UTC value is in the year 10000 or 0: no database here stores them.
OUT_OF_RANGE = ["9999-12-31T23:00:00-12:00", "0001-01-01T00:30:00+01:00"]
ERROR_RANGE = "is outside the years 1 to 9999 in UTC"


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_a_claimed_at_outside_what_databases_store_is_a_400(signed_in, world, moment):
    link = {**LINK, "event": world.event.name, "facet": world.facet.name, "claimedAt": moment}
    body = w3c(bodies=[link])
    before = snapshot()
    response = api_post(signed_in, world, body)
    refused(response, 400, f"claimedAt “{moment}” {ERROR_RANGE}")
    refused(import_file(signed_in, world, json.dumps([body]).encode()), 400, ERROR_RANGE)
    assert snapshot() == before


@pytest.mark.parametrize("moment", ["2020-02-27T10:00:00", "yesterday", 20200227])
def test_a_claimed_at_without_a_zone_or_not_a_time_is_a_400(signed_in, world, moment):
    link = {**LINK, "event": world.event.name, "facet": world.facet.name, "claimedAt": moment}
    before = snapshot()
    response = api_post(signed_in, world, w3c(bodies=[link]))
    message = "must give its time zone" if moment == "2020-02-27T10:00:00" else "ISO 8601"
    refused(response, 400, message)
    assert snapshot() == before


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
@pytest.mark.parametrize(
    ("section", "field", "label"),
    [
        ("annotations", "created", "annotations[0] (“a1”)"),
        ("annotations", "modified", "annotations[0] (“a1”)"),
        ("documents", "created", "documents[0] (“d1”)"),
        ("events", "created", "events[0] (“e1”)"),
    ],
)
def test_bundle_times_outside_what_databases_store_are_a_400(
    signed_in, world, section, field, label, moment
):
    bundle = world_bundle(signed_in, world)
    bundle[section][0][field] = moment
    before = snapshot()
    response = import_file(signed_in, world, json.dumps(bundle).encode(), kind="bundle")
    refused(response, 400, f"{label}: field “{field}” {ERROR_RANGE}")
    assert snapshot() == before


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_a_link_claimed_at_in_a_bundle_outside_the_range_is_a_400(signed_in, world, moment):
    bundle = world_bundle(signed_in, world)
    bundle["annotations"][0]["links"][0]["claimed_at"] = moment
    before = snapshot()
    response = import_file(signed_in, world, json.dumps(bundle).encode(), kind="bundle")
    refused(response, 400, f"field “claimed_at” {ERROR_RANGE}")
    assert snapshot() == before
