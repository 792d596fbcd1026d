"""Reads for suggestions: what the engine is given (the project's facets and names, and
their digest, which says whether a source's suggestions are up to date), what the reader
and the facet matrix show of them, and the batch's progress. Only members who may review
suggestions ever reach these (Permission.SUGGESTION_REVIEW, asked by the views)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q, QuerySet

from reader import anchoring
from reader.models import (
    Document,
    Event,
    Facet,
    FacetLink,
    Project,
    Suggestion,
)
from reader.selectors.common import NULLS_FIRST
from reader.selectors.events import source_order
from reader.selectors.matrix_views import EventMatrix, MatrixCell, MatrixRow
from reader.selectors.prefills import project_names
from reader.suggestions.candidates import FacetSpec, KnownName

# Quotes of existing links the engine is given per facet, as examples of what it asks.
EXAMPLES_PER_FACET = 20


@dataclass(frozen=True)
class EngineInputs:
    """The project's facets (without examples) and entity names, and their digest."""

    facets: tuple[FacetSpec, ...]
    names: tuple[KnownName, ...]
    digest: str


def suggestion_inputs(*, project_id: int) -> EngineInputs:
    """Two queries. The digest changes when a facet is added, renamed or retyped, when
    an entity name is added, merged, split or renamed, or an entity gets another parent:
    then suggestions are stale."""
    facets = tuple(
        FacetSpec(id=pk, name=name, value_type=value_type)
        for pk, name, value_type in Facet.objects.filter(event__project_id=project_id)
        .order_by("pk")
        .values_list("pk", "name", "value_type")
    )
    # With the entities that contain each name, so that "Balyun, Idlib, Syria" proposes
    # Balyun alone; a new parent makes the suggestions stale like a new name.
    names = tuple(project_names(project=project_id))
    payload = json.dumps(
        [
            [[f.id, f.name, f.value_type] for f in facets],
            [[n.text, n.entity_id, n.kind, list(n.within)] for n in names],
        ],
        ensure_ascii=False,
    )
    return EngineInputs(facets, names, hashlib.sha256(payload.encode()).hexdigest())


def facets_with_examples(inputs: EngineInputs) -> list[FacetSpec]:
    """The facets with quotes of links already made to each (one query), for the engine."""
    examples: dict[int, list[str]] = {}
    rows = (
        FacetLink.objects.filter(facet_id__in=[f.id for f in inputs.facets])
        .order_by("facet_id", "-pk")
        .values_list("facet_id", "annotation__quote_exact")
    )
    for facet_id, quote in rows:
        quotes = examples.setdefault(facet_id, [])
        if len(quotes) < EXAMPLES_PER_FACET:
            quotes.append(quote)
    return [dataclasses.replace(f, examples=tuple(examples.get(f.id, ()))) for f in inputs.facets]


def stale_documents(*, project: Project, inputs: EngineInputs) -> QuerySet[Document]:
    """The project's sources whose suggestions were never computed, or on another text or
    other facets and names than now."""
    fresh = Q(suggestion_run__text_version=F("text_version"), suggestion_run__inputs=inputs.digest)
    return Document.objects.filter(project=project).exclude(fresh).order_by("pk")


@dataclass(frozen=True)
class BatchProgress:
    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    @property
    def remaining(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


def batch_progress(*, project: Project, inputs: EngineInputs) -> BatchProgress:
    """How many of the project's sources have up-to-date suggestions: two counts."""
    total = Document.objects.filter(project=project).count()
    stale = stale_documents(project=project, inputs=inputs).count()
    return BatchProgress(done=total - stale, total=total)


def document_suggestions(*, document: Document) -> list[Suggestion]:
    """The document's pending suggestions on its latest text, in text order, with their
    facet and event: one query."""
    return list(
        Suggestion.objects.pending()
        .filter(document=document, text_version=document.text_version)
        .select_related("facet__event")
        .in_text_order()
    )


def cell_suggestions(*, project: Project, facet_id: int | None, document_id: int | None):
    """The pending suggestions of one matrix cell (a facet in a source), of a whole source
    (facet_id None) or of a whole facet (document_id None), for accepting them at once."""
    suggestions = Suggestion.objects.pending().filter(project=project)
    if facet_id is not None:
        suggestions = suggestions.filter(facet_id=facet_id)
    if document_id is not None:
        suggestions = suggestions.filter(document_id=document_id)
    return list(
        suggestions.filter(text_version=F("document__text_version"))
        .select_related("facet__event", "document__outlet")
        .order_by("document_id", "start", "end", "facet__order", "pk")
    )


# --- the facet matrix --------------------------------------------------------------------


@dataclass
class SuggestedCell(MatrixCell):
    """A matrix cell with how many suggestions are pending for it, and the first one."""

    suggestions: int = 0
    first_suggestion: int | None = None


@dataclass
class SuggestedMatrix:
    """The matrix page's view of an event: the comparison's matrix (unchanged, and so are
    its verdicts) with each cell's pending suggestions, and a column for every source
    that has suggestions but no link yet. comparison.json and the exports never see it."""

    matrix: EventMatrix
    rows: list[MatrixRow] = field(default_factory=list)
    groups: list = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    pending: int = 0


def matrix_as_shown(matrix: EventMatrix) -> SuggestedMatrix:
    """The matrix as it is, for members who see no suggestions: no query."""
    return SuggestedMatrix(matrix, matrix.rows, matrix.groups, matrix.documents, 0)


def matrix_with_suggestions(*, matrix: EventMatrix, event: Event) -> SuggestedMatrix:
    """Two queries: the counts per cell, and the sources not yet in the matrix."""
    counts = {
        (row["facet_id"], row["document_id"]): (row["n"], row["first"])
        for row in Suggestion.objects.pending()
        .filter(facet__event=event, text_version=F("document__text_version"))
        .values("facet_id", "document_id")
        .annotate(n=Count("pk"), first=Min("pk"))
    }
    known = {document.pk for document in matrix.documents}
    extra_ids = {document_id for _, document_id in counts} - known
    documents = list(matrix.documents)
    groups = matrix.groups
    if extra_ids:
        extra = Document.objects.filter(pk__in=extra_ids).select_related("outlet", "project")
        groups = source_order(documents + list(extra.defer("text")))
        documents = [document for group in groups for document in group.documents]
    rows = []
    for row in matrix.rows:
        cells_by_document = {cell.document.pk: cell for cell in row.cells}
        cells: list[MatrixCell] = []
        for document in documents:
            links = cells_by_document[document.pk].links if document.pk in known else []
            n, first = counts.get((row.facet.pk, document.pk), (0, None))
            cells.append(SuggestedCell(document, links, suggestions=n, first_suggestion=first))
        rows.append(dataclasses.replace(row, cells=cells))
    pending = sum(n for n, _ in counts.values())
    return SuggestedMatrix(matrix, rows, groups, documents, pending)


def events_for_compare(*, project: Project) -> list[Event]:
    """The project's events, for opening a similar passage side by side."""
    return list(Event.objects.filter(project=project).order_by(NULLS_FIRST("starts"), "name"))


# --- the reader --------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionMark:
    """A suggestion's span in the reading pane: a dotted outline, not a highlight."""

    pk: int


@dataclass(frozen=True)
class ShownSuggestions:
    """The reader's suggestions: the panel's list and the pane's spans."""

    items: list[Suggestion]

    @property
    def spans(self) -> list[anchoring.Span]:
        return [anchoring.Span(s.start, s.end, SuggestionMark(s.pk)) for s in self.items]
