"""The access lookups read their one row without ORDER BY: for one row by its key SQLite
still sorts, copying the row (a long source's whole text) into a temporary b-tree."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reader.access import Permission
from reader.selectors.access import document_get_for_user


def test_a_document_is_looked_up_without_order_by(bob, document):
    with CaptureQueriesContext(connection) as captured:
        _, found = document_get_for_user(
            user=bob, slug=document.project.slug, pk=document.pk, permission=Permission.READ
        )
    assert found == document
    lookup = captured.captured_queries[-1]["sql"]
    assert 'FROM "reader_document"' in lookup
    assert "ORDER BY" not in lookup
