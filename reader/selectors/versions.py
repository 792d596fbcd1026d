"""Reads for the versions of a source: the list, one version's text, the diff between two,
and the annotations a new version left for review."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models.functions import Length
from django.http import Http404

from reader import anchoring
from reader.models import Annotation, Document, DocumentVersion

ERROR_NO_VERSION = "This source has no version {number}."


@dataclass(frozen=True)
class VersionInfo:
    number: int
    created: datetime.datetime
    added_by: str
    length: int
    is_latest: bool


def document_versions(document: Document) -> list[VersionInfo]:
    """Every version of the document, oldest first, without loading their texts."""
    rows = (
        DocumentVersion.objects.filter(document=document)
        .annotate(length=Length("text"))
        .select_related("added_by")
        .defer("text")
        .order_by("number")
    )
    versions = [
        VersionInfo(
            row.number,
            row.created,
            row.added_by.get_username() if row.added_by else "",
            row.length,
            row.number == document.text_version,
        )
        for row in rows
    ]
    if versions:
        return versions
    added_by = document.added_by.get_username() if document.added_by else ""
    return [VersionInfo(1, document.created, added_by, len(document.text), True)]


def version_number(document: Document, value: str | None) -> int | None:
    """A version asked for in a query string: None for the latest; Http404 for one the
    document does not have."""
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= document.text_version:
        raise Http404(ERROR_NO_VERSION.format(number=value[:20]))
    number = int(value)
    return None if number == document.text_version else number


def version_text(document: Document, number: int) -> str:
    """The text of version `number` (the document's own text for the latest)."""
    if number == document.text_version:
        return document.text
    text = (
        DocumentVersion.objects.filter(document=document, number=number)
        .values_list("text", flat=True)
        .first()
    )
    if text is None:
        raise Http404(ERROR_NO_VERSION.format(number=number))
    return text


def version_dates(document: Document) -> dict[int, datetime.datetime]:
    """When each version came in, by number (the document's creation for version 1)."""
    dates = dict(DocumentVersion.objects.filter(document=document).values_list("number", "created"))
    dates.setdefault(1, document.created)
    return dates


@dataclass(frozen=True)
class DiffRun:
    """A run of the diff: kept, deleted (from the older text) or inserted (in the newer),
    with its exact offsets in the older (`old_start`) and newer (`new_start`) texts."""

    op: str  # "equal", "delete", "insert"
    text: str
    old_start: int
    new_start: int


OPS = {0: "equal", -1: "delete", 1: "insert"}


def version_diff(document: Document, older: int, newer: int) -> list[DiffRun]:
    old, new = version_text(document, older), version_text(document, newer)
    runs, at_old, at_new = [], 0, 0
    for op, data in anchoring.text_diff(old, new):
        runs.append(DiffRun(OPS[op], data, at_old, at_new))
        at_old += len(data) if op <= 0 else 0
        at_new += len(data) if op >= 0 else 0
    return runs


@dataclass(frozen=True)
class Passage:
    before: str
    text: str
    after: str


@dataclass(frozen=True)
class ReviewItem:
    annotation: Annotation
    old: Passage  # on the version it is anchored to
    proposed: Passage | None  # on the latest version, when fuzzy


CONTEXT = 80


def _passage(text: str, start: int, end: int) -> Passage:
    return Passage(
        text[max(0, start - CONTEXT) : start], text[start:end], text[end : end + CONTEXT]
    )


def review_items(document: Document) -> list[ReviewItem]:
    """The document's fuzzy and orphaned annotations with their old passage in context and,
    for fuzzy ones, the proposed passage of the latest version: one query per version."""
    annotations = list(
        Annotation.objects.filter(document=document)
        .needs_review()
        .select_related("author")
        .order_by("text_version", "start", "pk")
    )
    texts = {
        number: version_text(document, number) for number in {a.text_version for a in annotations}
    }
    items = []
    for annotation in annotations:
        old = _passage(texts[annotation.text_version], annotation.start, annotation.end)
        proposed = None
        if annotation.proposed_start is not None and annotation.proposed_end is not None:
            proposed = _passage(document.text, annotation.proposed_start, annotation.proposed_end)
        items.append(ReviewItem(annotation, old, proposed))
    return items
