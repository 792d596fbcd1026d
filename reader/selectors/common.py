"""Query pieces the other selector modules share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db.models import (
    F,
    Prefetch,
)

from reader.models import (
    FacetLink,
    Reply,
)

T = TypeVar("T")


def by_annotation(rows: Iterable[tuple], make: Callable[[tuple], T]) -> dict[int, list[T]]:
    """Rows whose first column is an annotation's id, made into `make`s and grouped by it,
    in the rows' order: a chunk's links or replies, read in one query, handed out per
    annotation."""
    groups: dict[int, list[T]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(make(row))
    return groups


def NULLS_FIRST(field: str):  # noqa: N802 (reads as an ordering keyword)
    """Ascending with empty values first on every database: SQLite puts NULL first and
    PostgreSQL last, and orders (undated reports, undated sources) must not differ."""
    return F(field).asc(nulls_first=True)


def links_prefetch() -> Prefetch:
    return Prefetch(
        "links",
        queryset=FacetLink.objects.select_related("facet__event").order_by(
            "facet__event__name", "facet__order", NULLS_FIRST("claimed_at"), "pk"
        ),
    )


def replies_prefetch() -> Prefetch:
    return Prefetch("replies", queryset=Reply.objects.select_related("author"))
