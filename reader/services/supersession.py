"""Which links are a source's earlier values (FacetLink.superseded), kept true as links
come and go: called inside the writes that change a source's links to a facet."""

from __future__ import annotations

from reader import supersession
from reader.models import FacetLink


def supersession_refresh(*, facet_id: int, document_id: int) -> None:
    """Set which of one source's links to one facet are earlier values, replaced by a later
    one (supersession.superseded_ids); the caller holds the document's and event's locks."""
    links = list(
        FacetLink.objects.filter(facet_id=facet_id, annotation__document_id=document_id)
        .select_related("annotation")
        .order_by("pk")
    )
    reports = [
        supersession.Report(
            id=link.pk,
            attribution=link.attribution,
            against=link.is_against,
            claimed_at=link.claimed_at,
            text=f"{link.value} {link.annotation.quote_exact}",
            pinned=link.superseded if link.superseded_pinned else None,
        )
        for link in links
    ]
    superseded = supersession.superseded_ids(reports)
    for link in links:
        if link.superseded != (link.pk in superseded):
            FacetLink.objects.filter(pk=link.pk).update(superseded=link.pk in superseded)


def supersession_import_pin(*, link: FacetLink, superseded: bool) -> None:
    """An imported link pinned as an earlier value or the current one, as an analyst pinned
    it where the bundle was written; its source's other links to the facet follow."""
    FacetLink.objects.filter(pk=link.pk).update(superseded=superseded, superseded_pinned=True)
    supersession_refresh(facet_id=link.facet_id, document_id=link.annotation.document_id)
