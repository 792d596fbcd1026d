"""Which links are a source's earlier values (FacetLink.superseded), kept true as links
come and go: called inside the writes that change a source's links to a facet."""

from __future__ import annotations

from django.db.models import F

from reader import supersession
from reader.models import FacetLink
from reader.vocabularies import STANCES_AGAINST


def supersession_refresh(*, facet_id: int, document_id: int) -> None:
    """Set which of one source's links to one facet are earlier values, replaced by a later
    one (supersession.superseded_ids); the caller holds the document's and event's locks."""
    # Plain rows: a busy cell holds hundreds of links, read on every write to it.
    links = list(
        FacetLink.objects.filter(facet_id=facet_id, annotation__document_id=document_id)
        .order_by("pk")
        .annotate(quote=F("annotation__quote_exact"), version=F("annotation__text_version"))
        .values_list(
            "pk",
            "attribution",
            "stance",
            "claimed_at",
            "value",
            "superseded",
            "superseded_pinned",
            "quote",
            "version",
            named=True,
        )
    )
    reports = [
        supersession.Report(
            id=link.pk,
            attribution=link.attribution,
            against=link.stance in STANCES_AGAINST,
            claimed_at=link.claimed_at,
            text=f"{link.value} {link.quote}",
            pinned=link.superseded if link.superseded_pinned else None,
            version=link.version,
        )
        for link in links
    ]
    superseded = supersession.superseded_ids(reports)
    for value in (True, False):
        changed = [
            link.pk
            for link in links
            if link.superseded != value and (link.pk in superseded) == value
        ]
        if changed:
            FacetLink.objects.filter(pk__in=changed).update(superseded=value)


def supersession_refresh_source(*, document_id: int, annotation_ids=None) -> None:
    """supersession_refresh for every facet one source's annotations (or those of
    `annotation_ids`) are linked to: after they moved between its versions. The caller
    holds the document's and events' locks."""
    links = FacetLink.objects.filter(annotation__document_id=document_id)
    if annotation_ids is not None:
        links = links.filter(annotation_id__in=annotation_ids)
    for facet_id in sorted(set(links.values_list("facet_id", flat=True))):
        supersession_refresh(facet_id=facet_id, document_id=document_id)


def supersession_import_pin(*, link: FacetLink, superseded: bool) -> None:
    """An imported link pinned as an earlier value or the current one, as an analyst pinned
    it where the bundle was written; its source's other links to the facet follow."""
    FacetLink.objects.filter(pk=link.pk).update(superseded=superseded, superseded_pinned=True)
    supersession_refresh(facet_id=link.facet_id, document_id=link.annotation.document_id)
