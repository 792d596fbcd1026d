"""Agreement between annotators, for a document or a whole project."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from reader import agreement
from reader.models import (
    Annotation,
    Document,
    Project,
)


@dataclass
class AgreementReport:
    """Agreement between the annotators of one document, or of a whole project."""

    annotators: list
    units: list[agreement.Unit]
    pairs: list[agreement.PairAgreement]
    alpha: float | None

    @property
    def shared(self) -> list[agreement.Unit]:
        return [unit for unit in self.units if not unit.single]

    @property
    def disagreements(self) -> list[agreement.Unit]:
        return [unit for unit in self.shared if not unit.agreed]

    @property
    def single(self) -> list[agreement.Unit]:
        return [unit for unit in self.units if unit.single]

    @property
    def settled(self) -> list[agreement.Unit]:
        """Disagreements where an owner accepted one annotation."""
        return [unit for unit in self.disagreements if _accepted_in(unit)]

    @property
    def agreed_unaccepted(self) -> int:
        return sum(1 for unit in self.shared if unit.agreed and not _accepted_in(unit))


def _accepted_in(unit: agreement.Unit) -> bool:
    return any(mark.annotation.accepted for mark in unit.marks)


def _agreement(annotations: list[Annotation]) -> AgreementReport:
    by_document: dict[int, list[agreement.Mark]] = {}
    authors: dict[Hashable, Any] = {}  # author id -> user
    for a in annotations:
        authors[a.author_id] = a.author
        by_document.setdefault(a.document_id, []).append(
            agreement.Mark(
                annotator=a.author_id, start=a.start, end=a.end, label=a.kind, annotation=a
            )
        )
    all_units = [unit for marks in by_document.values() for unit in agreement.units(marks)]
    annotators = sorted(authors.values(), key=lambda user: user.get_username())
    pairs = agreement.pairwise(all_units, [user.pk for user in annotators])
    for pair in pairs:
        pair.first, pair.second = authors[pair.first], authors[pair.second]
    for unit in all_units:
        unit.labels = {authors[pk]: label for pk, label in unit.labels.items()}
    alpha = agreement.krippendorff_alpha(list(unit.labels.values()) for unit in all_units)
    return AgreementReport(annotators=annotators, units=all_units, pairs=pairs, alpha=alpha)


def agreement_for_document(*, document: Document) -> AgreementReport:
    """Two queries: the annotations with their authors (the document is in hand)."""
    annotations = list(
        # Spans compared on the latest version: those to review are left out until reviewed.
        Annotation.objects.filter(document=document)
        .on_latest_version()
        .select_related("author")
        .in_text_order()
    )
    return _agreement(annotations)


def agreement_for_project(*, project: Project) -> AgreementReport:
    """Every document's units pooled: kappa and alpha for the whole project."""
    annotations = list(
        Annotation.objects.filter(document__project=project)
        .on_latest_version()
        .select_related("author", "document")
        .only(
            "id",
            "kind",
            "start",
            "end",
            "quote_exact",
            "accepted",
            "document_id",
            "author",
            "document__title",
            "document__project_id",
        )
        .in_text_order()
    )
    return _agreement(annotations)
