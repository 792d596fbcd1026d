"""Query pieces the other selector modules share."""

from __future__ import annotations

from django.db.models import (
    F,
    Prefetch,
)

from reader.models import (
    FacetLink,
    Reply,
)


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
