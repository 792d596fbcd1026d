"""Each annotation's W3C bytes kept by what they are written from (item_cache.py,
w3c_json.kept_annotation_json): the same bytes as writing them again, never stale, and
never more than the budget."""

from __future__ import annotations

import orjson
import pytest
from django.urls import reverse

from reader.formats.w3c_json import ITEMS, kept_annotations_json, w3c_annotation_json
from reader.iris import Iris
from reader.item_cache import Kept
from reader.services.discussion import moderation_hide
from reader.services.documents import annotation_update
from tests.factories import AnnotationFactory
from tests.test_w3c_json import HARD, IRIS, LINKS, MOMENTS, link, row
from tests.views.test_api import bearer


@pytest.fixture(autouse=True)
def empty():
    ITEMS.clear()
    yield
    ITEMS.clear()


def test_the_least_recently_used_go_first_and_the_budget_holds():
    kept = Kept(budget=100)
    kept.set_many([("a", b"1", 40), ("b", b"2", 40)])
    assert kept.get_many(["a"]) == [b"1"]  # now the most recent
    kept.set_many([("c", b"3", 40)])
    assert kept.get_many(["b", "a", "c"]) == [None, b"1", b"3"]
    assert kept.used == 80
    kept.set_many([("d", b"4", 101)])  # more than the whole budget: not kept
    assert kept.get_many(["d"]) == [None] and kept.used == 80
    kept.set_many([("a", b"5", 10)])  # a key set again is counted once
    assert kept.get_many(["a"]) == [b"5"] and kept.used == 50


def kept_annotation_json(row, links, iris) -> bytes:
    return kept_annotations_json([(row, links)], iris)[0]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"note": HARD},
        {"note": ""},
        {"slug": "my-slug"},
        {"source_date": MOMENTS[2]},
        {"created": MOMENTS[1]},
        {"modified": MOMENTS[2]},
        {"author": "carol"},
        {"quote_exact": "34 soldiers"},
        {"start": 11},
        {"kind": "opinion"},
        {"canonical": "urn:uuid:1"},
        {"foreign": {"properties": {"generator": {"id": "http://x.org/g"}}}},
        {"foreign": {"properties": {"generator": {"id": "http://x.org/h"}}}},
    ],
)
def test_a_kept_item_is_the_written_one_and_any_change_is_a_new_item(fields):
    first = kept_annotation_json(row(), LINKS[1], IRIS)
    changed = row(**fields)
    for links in LINKS:
        for iris in (IRIS, Iris(base="https://other.host", slug="idlib-2020")):
            for _ in range(2):  # written, then kept
                assert kept_annotation_json(changed, links, iris) == w3c_annotation_json(
                    changed, links, iris
                )
    assert kept_annotation_json(row(), LINKS[1], IRIS) == first
    relinked = [link(value="34")]
    assert kept_annotation_json(row(), relinked, IRIS) == w3c_annotation_json(row(), relinked, IRIS)
    # A batch with misses among hits: each in its place.
    batch = [(row(note=str(n)), []) for n in range(5)]
    kept_annotations_json(batch[1::2], IRIS)
    assert kept_annotations_json(batch, IRIS) == [w3c_annotation_json(*r, IRIS) for r in batch]


def test_the_container_shows_each_change_and_each_readers_view(client, alice, carol, document):
    annotation = AnnotationFactory(document=document, author=alice, note="first words")
    url = reverse("reader:api_container", args=[document.project.slug, document.pk])

    def notes(user) -> list:
        items = orjson.loads(client.get(url, headers=bearer(user)).content)["first"]["items"]
        return [body.get("value") for item in items for body in item["body"]]

    assert "first words" in notes(carol)
    annotation_update(
        annotation=annotation,
        actor=alice,
        kind=annotation.kind,
        note="second words",
        edited_version=annotation.version,
    )
    assert "second words" in notes(carol) and "first words" not in notes(carol)
    moderation_hide(item=annotation, reason="off topic", actor=alice)
    assert "second words" not in notes(carol)  # a viewer does not see a hidden note
    assert "second words" in notes(alice)  # its moderator does, from the same rows
    assert "second words" not in notes(carol)
