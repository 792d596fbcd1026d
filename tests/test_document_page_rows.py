"""The API container's page rows and one annotation's row (selectors/exports.py's plain
SQL) are export_rows' rows of the same annotations, on every database: columns, order,
links and hidden notes."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from reader.models import Annotation, FacetLink, Project
from reader.selectors.exports import (
    annotation_row,
    annotations_for_export,
    document_page_rows,
    export_rows,
)
from reader.services.discussion import moderation_hide
from reader.services.versions import version_create


@pytest.fixture
def demo(db, alice):
    call_command("load_demo", stdout=StringIO())
    return Project.objects.get(slug="idlib-2020")


@pytest.mark.parametrize("sees_hidden", [True, False])
def test_a_page_holds_export_rows_rows(demo, alice, sees_hidden):
    linked = FacetLink.objects.filter(annotation__document__project=demo).first()
    assert linked is not None
    # A link with a time among links without (which come first), read as the database has it.
    at = datetime.datetime(2026, 2, 27, 19, 0, 0, 123456, tzinfo=datetime.UTC)
    FacetLink.objects.filter(pk=linked.pk).update(claimed_at=at)
    annotation = linked.annotation
    moderation_hide(item=annotation, reason="off topic", actor=alice)
    Annotation.objects.filter(pk=annotation.pk).update(note="a note")
    document = annotation.document
    version_create(document=document, text=document.text + "\n\nA later paragraph.", added_by=alice)
    assert Annotation.objects.filter(document=document, text_version=2).exists()
    seen = []
    for document in demo.documents.all():
        annotations = annotations_for_export(project=demo, document=document)
        total = annotations.count()
        for offset, limit in [(0, 5000), (0, 3), (3, 4), (total - 1, 2), (total, 5)]:
            expected = list(
                export_rows(annotations[offset : offset + limit], sees_hidden=sees_hidden)
            )
            page = document_page_rows(
                document_id=document.pk, offset=offset, limit=limit, sees_hidden=sees_hidden
            )
            seen += expected
            # As the database gives them: the same instants, SQLite's text or PostgreSQL's.
            assert [_same(row, links) for row, links in page] == [
                _same(row, links) for row, links in expected
            ]
    assert any(row.source_date for row, _ in seen)  # a TimeState
    assert any(len(links) > 1 for _, links in seen)
    assert any(link.claimed_at for _, links in seen for link in links)
    assert any(row.pk == annotation.pk and not row.note for row, _ in seen) != sees_hidden


@pytest.mark.parametrize("sees_hidden", [True, False])
def test_one_annotations_row_is_export_rows_row(demo, alice, sees_hidden):
    """annotation_row, the API's answer to one annotation: for every annotation of the
    demo, with its links (one with a time), a hidden note and a later version's TimeState."""
    linked = FacetLink.objects.filter(annotation__document__project=demo).first()
    at = datetime.datetime(2026, 2, 27, 19, 0, 0, 123456, tzinfo=datetime.UTC)
    FacetLink.objects.filter(pk=linked.pk).update(claimed_at=at)
    moderation_hide(item=linked.annotation, reason="off topic", actor=alice)
    document = linked.annotation.document
    version_create(document=document, text=document.text + "\n\nA later paragraph.", added_by=alice)
    annotations = Annotation.objects.filter(document__project=demo).order_by("pk")
    assert annotations.count() > 20
    for annotation in annotations:
        (expected,) = export_rows(
            annotations_for_export(project=demo).filter(pk=annotation.pk),
            sees_hidden=sees_hidden,
        )
        found = annotation_row(pk=annotation.pk, sees_hidden=sees_hidden)
        assert found is not None and _same(*found) == _same(*expected)
    assert annotation_row(pk=annotations.last().pk + 1000, sees_hidden=sees_hidden) is None


def _same(row, links) -> tuple:
    from reader.formats.w3c import utc

    return (
        row._replace(created=utc(row.created), modified=utc(row.modified)),
        [link._replace(claimed_at=link.claimed_at and utc(link.claimed_at)) for link in links],
    )
