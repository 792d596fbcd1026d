"""The byte writer (formats/w3c_json.py) writes exactly what orjson writes for the shape
(formats/w3c.py's w3c_annotation), for every kind of row; and the API and the exports
serve those bytes."""

from __future__ import annotations

import datetime
import itertools
import json
from io import StringIO

import orjson
import pytest
from django.core.management import call_command
from django.urls import reverse

from reader.formats.w3c import w3c_annotation
from reader.formats.w3c_json import w3c_annotation_json
from reader.iris import Iris
from reader.models import Annotation, Project
from reader.selectors.exports import AnnotationRow, LinkRow, annotations_for_export, export_rows
from reader.services.projects import membership_set
from reader.vocabularies import Kind, Role
from tests.conftest import MIXED_TEXT
from tests.views.test_api import bearer

IRIS = Iris(base="http://testserver", slug="idlib-2020")
# What JSON must escape, and what it must not: quotes, backslashes, control characters,
# line and paragraph separators, astral characters, and the mixed text of the fixtures.
HARD = 'He said "33" \\ then\n\ttab \x01\x1f \u2028\u2029 \x7f 💥 </script>' + MIXED_TEXT
MOMENTS = [
    "2026-02-27 19:00:00.123456",  # as export_rows reads them (the database's UTC text)
    "2026-02-27 19:00:00+00:00",
    datetime.datetime(
        2026, 2, 27, 21, 0, 0, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    ),
]


def row(**fields) -> AnnotationRow:
    values = {
        "pk": 7,
        "document_id": 3,
        "kind": Kind.CLAIM,
        "start": 10,
        "end": 20,
        "quote_exact": "33 soldiers",
        "quote_prefix": "killed ",
        "quote_suffix": " near Balyun",
        "note": "",
        "created": MOMENTS[0],
        "modified": MOMENTS[0],
        "author": "bob",
        "slug": "",
        "canonical": "",
        "via": "",
        "foreign": {},
        "source_date": None,
    }
    return AnnotationRow(**(values | fields))


def link(**fields) -> LinkRow:
    values = {
        "annotation_id": 7,
        "facet_id": 5,
        "event_id": 2,
        "event": "Balyun",
        "facet": "Death toll",
        "value": "33",
        "attribution": "the ministry",
        "stance": "asserts",
        "claimed_at": None,
    }
    return LinkRow(**(values | fields))


LINKS = [
    [],
    [link()],
    [
        link(value=HARD, attribution=HARD, event=HARD, facet=HARD),
        link(facet_id=6, claimed_at=MOMENTS[2]),
    ],
]


def test_the_byte_writer_writes_what_orjson_writes_for_the_shape():
    cases = itertools.product(
        [Kind.CLAIM, Kind.UNTAGGED, Kind.USER_COMMENT],
        ["", "A note", HARD],
        ["", "my-slug.1"],
        [None, "2026-01-01 05:06:07.000123", "2026-01-01 05:06:07", MOMENTS[2]],
        MOMENTS,
        LINKS,
    )
    for kind, note, slug, source_date, moment, links in cases:
        annotation = row(
            kind=kind,
            note=note,
            slug=slug,
            source_date=source_date,
            created=moment,
            modified=moment,
            quote_exact=HARD,
            author='bøb "x"',
        )
        expected = orjson.dumps(w3c_annotation(annotation, links, IRIS))
        assert w3c_annotation_json(annotation, links, IRIS) == expected, annotation


@pytest.mark.parametrize(
    "fields",
    [
        {"canonical": "urn:uuid:1"},
        {"via": "http://elsewhere.org/a/1"},
        {"foreign": {"properties": {"generator": {"id": "http://x.org/g"}}, "one_body": True}},
        {"foreign": {"note_as": "bodyValue"}, "note": HARD},
    ],
)
def test_what_a_client_sent_is_written_back_by_the_shape_itself(fields):
    annotation = row(**fields)
    written = w3c_annotation_json(annotation, LINKS[1], IRIS)
    assert written == orjson.dumps(w3c_annotation(annotation, LINKS[1], IRIS))


@pytest.fixture
def demo(db, alice, carol):
    call_command("load_demo", stdout=StringIO())
    project = Project.objects.get(slug="idlib-2020")
    membership_set(project=project, user=alice, role=Role.OWNER)
    membership_set(project=project, user=carol, role=Role.VIEWER)
    return project


@pytest.mark.parametrize("sees_hidden", [True, False])
def test_every_demo_annotation_is_written_as_the_shape_says(demo, sees_hidden):
    rows = export_rows(annotations_for_export(project=demo), sees_hidden=sees_hidden)
    count = 0
    for annotation, links in rows:
        assert w3c_annotation_json(annotation, links, IRIS) == orjson.dumps(
            w3c_annotation(annotation, links, IRIS)
        )
        count += 1
    assert count == Annotation.objects.filter(document__project=demo).count() > 0


def test_the_container_and_the_export_hold_the_same_annotations(client, demo, alice):
    """The API's items and the export's are the same bytes (one writer); the export is the
    whole project, the container one document."""
    document = demo.documents.order_by("pk").first()
    url = reverse("reader:api_container", args=[demo.slug, document.pk])
    container = orjson.loads(client.get(url, headers=bearer(alice)).content)
    client.force_login(alice)
    response = client.get(reverse("reader:document_export", args=[demo.slug, document.pk]))
    exported = json.loads(b"".join(response.streaming_content))
    assert container["first"]["items"] == exported["first"]["items"]
    assert container["total"] == exported["total"] > 0
