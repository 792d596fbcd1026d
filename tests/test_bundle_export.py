"""The bundle's writer (formats/bundle.py) and reads (selectors/bundle.py): a query count
that does not grow with the annotations, texts written a slice at a time that read back
exactly, times as the database's text that read back as the times, and what a W3C client
sent kept as the standard library writes it."""

from __future__ import annotations

import datetime
import json

import orjson
import pytest
from django.urls import reverse

from reader.formats import bundle
from reader.models import Annotation, Document
from reader.services.discussion import reply_create
from reader.services.documents import annotation_create, annotation_delete
from reader.services.events import event_create, facet_create, facet_link_create
from reader.services.versions import version_create
from tests.factories import AnnotationFactory, DocumentFactory


def export(client, project) -> dict:
    response = client.get(
        reverse("reader:project_export", args=[project.slug]), {"format": "bundle"}
    )
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def used(project, document, bob, count: int) -> None:
    """`count` annotations, one in ten with a link and a reply; a second source with two
    versions; one annotation in the trash."""
    facet = facet_create(
        event=event_create(project=project, name="Airstrike"), name="Killed", value_type="text"
    )
    for index in range(count):
        start = index % (len(document.text) - 10)
        annotation = AnnotationFactory(document=document, author=bob, start=start, end=start + 5)
        if index % 10 == 0:
            facet_link_create(annotation=annotation, facet=facet, author=bob, value="33")
            reply_create(annotation=annotation, author=bob, text="Which ministry?")
    versioned = DocumentFactory(project=project, text="First capture of the report.\n")
    version_create(document=versioned, text="Second capture of the report.\n", added_by=bob)
    gone = annotation_create(document=versioned, author=bob, kind="claim", start=0, end=6)
    annotation_delete(annotation=gone, actor=bob)


@pytest.mark.parametrize("count", [5, 500])
def test_the_query_count_does_not_grow_with_annotations(
    client, alice, bob, document, django_assert_num_queries, count
):
    used(document.project, document, bob, count)
    client.force_login(alice)
    # session, user, membership; members, outlets, the documents' keys, events, facets,
    # entities and their aliases, the trash and the names in it; the documents, the one
    # document's versions; the annotations, then per chunk of 1,000 their links and their
    # replies (when there are any).
    with django_assert_num_queries(17):
        data = export(client, document.project)
    assert len(data["annotations"]) == count
    assert sum(len(a["links"]) for a in data["annotations"]) == len(range(0, count, 10))
    assert [len(t["links"]) for t in data["trash"]] == [0]


def test_a_long_text_is_written_in_slices_and_reads_back_exactly(client, alice, project):
    piece = 'Casualties 🇹🇷: "33" soldiers \\ killed\tnear Balyun.\nقالت وزارة الدفاع 中文 '
    text = piece * (3 * bundle.TEXT_SLICE // len(piece))
    document = DocumentFactory(project=project, text=text)
    stored = Document.objects.get(pk=document.pk).text
    assert len(stored) > 2 * bundle.TEXT_SLICE
    client.force_login(alice)
    [written] = export(client, project)["documents"]
    assert written["text"] == stored
    assert written["title"] == document.title  # the fields after the text are there too


def test_times_come_back_as_the_times_they_were(client, alice, bob, document):
    exact = datetime.datetime(2020, 2, 27, 19, 0, tzinfo=datetime.UTC)
    precise = datetime.datetime(2020, 2, 27, 19, 0, 0, 120000, tzinfo=datetime.UTC)
    annotation = AnnotationFactory(document=document, author=bob, start=0, end=5)
    Annotation.objects.filter(pk=annotation.pk).update(created=exact, modified=precise)
    client.force_login(alice)
    [written] = export(client, document.project)["annotations"]
    assert written["created"] == exact.isoformat() == "2020-02-27T19:00:00+00:00"
    assert written["modified"] == precise.isoformat() == "2020-02-27T19:00:00.120000+00:00"


@pytest.mark.parametrize(
    ("text", "microseconds"),
    [
        ("2020-02-27 19:00:00", 0),
        ("2020-02-27 19:00:00.000120", 120),
        # PostgreSQL's, its fraction without trailing zeros
        ("2020-02-27 19:00:00.123+00", 123000),
        ("2020-02-27 19:00:00+00", 0),
        ("2020-02-27 21:00:00.5+02", 500000),
    ],
)
def test_iso_text_reads_each_database_s_text_of_a_time(text, microseconds):
    moment = datetime.datetime(2020, 2, 27, 19, 0, 0, microseconds, tzinfo=datetime.UTC)
    assert bundle.iso_text(text) == bundle.iso(moment)


def test_what_a_w3c_client_sent_is_kept_as_it_came(client, alice, bob, document):
    foreign = {"properties": {"z": 2**70, "a": 1e-7, "list": [1.5, "“quoted”"]}}
    annotation_create(
        document=document, author=bob, kind="claim", start=0, end=5, w3c={"foreign": foreign}
    )
    client.force_login(alice)
    response = client.get(
        reverse("reader:project_export", args=[document.project.slug]), {"format": "bundle"}
    )
    content = b"".join(response.streaming_content).decode()
    assert '"properties":{"a":1e-07,"list":[1.5,"“quoted”"],"z":1180591620717411303424}' in content
    [written] = json.loads(content)["annotations"]
    assert written["w3c"]["foreign"] == foreign


def _stdlib(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


FOREIGN_VALUES = [
    {},
    {"a": -0, "b": [0, -1, 18446744073709551615, -9223372036854775808]},
    {"big": 123456789012345678901234567890, "neg": -(2**70)},
    {"floats": [1.0, 0.1, 1e16, 1e-5, 1.5e300, -2.5e-300, 3.141592653589793]},
    {"nan": float("nan"), "inf": float("inf"), "minus": float("-inf")},
    {"controls": "".join(chr(c) for c in range(32)) + '\x7f"\\/\u2028\u2029'},
    {"é": 1, "z": 2, "Z": 3, "💥": 4, "\uffff": 5, "e\u0301": 6, "": 7},
    {"nested": {"b": {"d": [1, 2, {"c": None, "a": True, "b": False}]}, "a": "1.5 MB"}},
    {"text": "version 2e and 12345678901234567890 written out", "flag": "🇹🇷"},
]


@pytest.mark.parametrize("value", FOREIGN_VALUES)
def test_kept_client_properties_are_written_as_the_standard_library_writes_them(value):
    """orjson writes most of them (faster); the bytes are the same either way, so a round
    trip gives the same bundle."""
    for stored in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
        assert orjson.dumps(bundle._foreign(stored)) == _stdlib(value), stored


def test_only_floats_and_integers_past_64_bits_take_the_slow_way():
    """The peer harness's target (an address and a port in its source IRI, integers in its
    selectors) is written by orjson."""
    target = {
        "source": "http://127.0.0.1:18090/p/bench/documents/1/",
        "selector": [
            {"type": "TextQuoteSelector", "exact": "1.2 M", "prefix": "= 2", "suffix": "e5"},
            {"type": "TextPositionSelector", "start": 3, "end": 22, "big": 2**64 - 1},
        ],
    }
    assert not bundle._holds_float(orjson.loads(json.dumps({"target": target})))
    for number in ("1.5", "-2e3", "1E+2", "0.0", str(2**64), str(-(2**70))):
        assert bundle._holds_float(orjson.loads(f'{{"a": [1, {{"b": {number}}}]}}')), number


def test_random_client_properties_are_written_as_the_standard_library_writes_them():
    import random

    rng = random.Random(5)
    atoms = [0, -7, 2**63, 2**64 - 1, 2**64, 0.5, 1e21, "", "a\u00e9💥", '"\\', None, True]

    def value(depth: int):
        if depth > 3 or rng.random() < 0.4:
            return rng.choice(atoms)
        if rng.random() < 0.5:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {
            rng.choice(["k", "K", "é", "z", "1", ""]) + str(n): value(depth + 1) for n in range(3)
        }

    for _ in range(2000):
        made = {"v": value(0)}
        assert orjson.dumps(bundle._foreign(json.dumps(made))) == _stdlib(made)
