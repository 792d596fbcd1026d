"""Writes for suggestions: computing them (one source in the request, the whole project in
batches), accepting one (as proposed, or edited) or many, and rejecting one for good.

Accepting goes through the services every annotation and link goes through
(documents.annotation_create, events.facet_link_create), in one transaction, and is
recorded in Activity as accepted from a suggestion. A rejection is remembered per project:
a recomputation never proposes the same value for the same facet and source again, at the
same span or with the same quote.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from reader import anchoring
from reader.models import (
    Annotation,
    Document,
    FacetLink,
    Project,
    Suggestion,
    SuggestionRejection,
    SuggestionRun,
)
from reader.sanitize import isolate
from reader.selectors.suggestions import (
    BatchProgress,
    EngineInputs,
    batch_progress,
    facets_with_examples,
    stale_documents,
    suggestion_inputs,
)
from reader.services import documents, events
from reader.services.changes import activity_record, shorten
from reader.services.locks import lock_rows, retry_on_conflict
from reader.suggestions import candidates as engine
from reader.vocabularies import Action, Kind, Stance, SuggestionState

logger = logging.getLogger(__name__)

# Sources computed per batch step: one htmx poll of the owner's progress bar.
BATCH_SIZE = 10

# What a recomputation may change of a suggestion it proposes again at the same span.
UPDATED_FIELDS = ["value", "kind", "stance", "attribution", "entity_id", "score"]

ERROR_DECIDED = "This suggestion was already {state}."
ERROR_OLD_VERSION = (
    "This suggestion was made on an earlier version of the text: reload the page for the "
    "suggestions on the current one."
)
ERROR_NOTHING_TO_ACCEPT = "There are no suggestions left to accept here."


def _key(value: str) -> str:
    """A value as rejections compare it: spaces collapsed, case folded."""
    return " ".join(value.split()).casefold()


@dataclass(frozen=True)
class _Known:
    """What a recomputation must not propose again, for one document."""

    rejected_spans: set[tuple[int, int, int, str]]
    rejected_quotes: set[tuple[int, str, str]]
    linked: list[tuple[int, int, int]]  # facet, start, end of the links already made

    def excludes(self, facet_id: int, start: int, end: int, quote: str, value: str) -> bool:
        value = _key(value)
        if (facet_id, start, end, value) in self.rejected_spans:
            return True
        if (facet_id, quote, value) in self.rejected_quotes:
            return True
        return any(f == facet_id and s < end and start < e for f, s, e in self.linked)


def _known(document: Document) -> _Known:
    rejections = SuggestionRejection.objects.filter(document=document).values_list(
        "facet_id", "start", "end", "quote_exact", "value"
    )
    spans, quotes = set(), set()
    for facet_id, start, end, quote, value in rejections:
        spans.add((facet_id, start, end, _key(value)))
        quotes.add((facet_id, quote, _key(value)))
    links = (
        FacetLink.objects.filter(annotation__document=document)
        .on_latest_version()
        .values_list("facet_id", "annotation__start", "annotation__end")
    )
    return _Known(spans, quotes, list(links))


def is_fresh(document: Document, inputs: EngineInputs) -> bool:
    run = SuggestionRun.objects.filter(document=document).first()
    return bool(run and run.text_version == document.text_version and run.inputs == inputs.digest)


def suggestions_compute(
    *, document: Document, inputs: EngineInputs | None = None, force: bool = False
) -> bool:
    """Compute the document's suggestions again unless they are up to date (its text's
    version and the project's facets and names unchanged since); True if computed."""
    inputs = inputs or suggestion_inputs(project_id=document.project_id)
    if not force and is_fresh(document, inputs):
        return False
    facets = {facet.id: facet for facet in facets_with_examples(inputs)}
    found = (
        engine.suggest(
            text=document.text,
            published=document.published,
            facets=list(facets.values()),
            names=list(inputs.names),
        )
        if facets
        else []
    )
    _store(document=document, inputs=inputs, found=found, facet_ids=set(facets))
    return True


@retry_on_conflict
def _store(*, document: Document, inputs: EngineInputs, found, facet_ids: set[int]) -> None:
    lock_rows(document_id=document.pk)
    text_version = (
        Document.objects.filter(pk=document.pk).values_list("text_version", flat=True).get()
    )
    if text_version != document.text_version:  # a new version came meanwhile: next time
        return
    known = _known(document)
    rows: dict[tuple[int, int, int], Suggestion] = {}
    text = document.text
    for candidate in found:
        value = " ".join(str(candidate.value).split())[:500]
        start, end = candidate.start, candidate.end
        if candidate.facet_id not in facet_ids or not value or not 0 <= start < end <= len(text):
            continue
        quote = anchoring.quote_for(text, start, end)
        if known.excludes(candidate.facet_id, start, end, quote.exact, value):
            continue
        key = (candidate.facet_id, start, end)
        if key in rows and rows[key].score >= candidate.score:
            continue
        rows[key] = Suggestion(
            project_id=document.project_id,
            document=document,
            text_version=text_version,
            facet_id=candidate.facet_id,
            start=start,
            end=end,
            quote_exact=quote.exact,
            quote_prefix=quote.prefix,
            quote_suffix=quote.suffix,
            value=value,
            kind=candidate.kind if candidate.kind in Kind.values else Kind.CLAIM,
            stance=candidate.stance if candidate.stance in Stance.values else Stance.ASSERTS,
            attribution=" ".join(str(candidate.attribution or "").split())[:300],
            entity_id=candidate.entity_id,
            score=float(candidate.score),
        )
    # A suggestion proposed again keeps its row (and so its id: the matrix's links to it
    # stay true); the others go, the new ones come.
    kept, gone = [], []
    for old in Suggestion.objects.pending().filter(document=document):
        key = (old.facet_id, old.start, old.end)
        if old.text_version == text_version and key in rows:
            new = rows.pop(key)
            for name in UPDATED_FIELDS:
                setattr(old, name, getattr(new, name))
            kept.append(old)
        else:
            gone.append(old.pk)
    Suggestion.objects.filter(pk__in=gone).delete()
    Suggestion.objects.bulk_update(kept, UPDATED_FIELDS)
    Suggestion.objects.bulk_create(rows.values())
    SuggestionRun.objects.update_or_create(
        document=document, defaults={"text_version": text_version, "inputs": inputs.digest}
    )


def suggestions_after_change(*, document: Document) -> None:
    """Compute a source's suggestions just after it was added or got a new version (in the
    request: one source). The source is saved whatever happens here: an engine failure
    is logged, and the reader computes again when the source is next read."""
    document.refresh_from_db(fields=["text", "text_version"])
    try:
        suggestions_compute(document=document)
    except Exception:
        logger.exception(
            "Suggestions for document %s failed; computed on its next view.", document.pk
        )


def suggestions_compute_batch(*, project: Project, limit: int = BATCH_SIZE) -> BatchProgress:
    """Compute the next `limit` sources whose suggestions are stale; the progress after.
    The owner's progress bar calls it once per poll, the `suggest` command in a loop."""
    inputs = suggestion_inputs(project_id=project.pk)
    for document in stale_documents(project=project, inputs=inputs)[:limit]:
        suggestions_compute(document=document, inputs=inputs, force=True)
    return batch_progress(project=project, inputs=inputs)


def _check_pending(suggestion: Suggestion) -> Suggestion:
    current = Suggestion.objects.select_related("document", "facet__event").get(pk=suggestion.pk)
    if current.state != SuggestionState.PENDING:
        state = SuggestionState(current.state).label.lower()
        raise ValidationError(ERROR_DECIDED.format(state=state))
    if current.text_version != current.document.text_version:
        raise ValidationError(ERROR_OLD_VERSION)
    return current


@retry_on_conflict
def suggestion_accept(
    *,
    suggestion: Suggestion,
    actor,
    value: str | None = None,
    kind: str | None = None,
    stance: str | None = None,
    attribution: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Annotation:
    """Make the suggestion an annotation linked to its facet, as proposed or with what the
    analyst changed (value, kind, stance, attribution, span); one transaction. An existing
    annotation of the same kind on exactly that span is linked instead of made again."""
    lock_rows(document_id=suggestion.document_id, event_ids=[suggestion.facet.event_id])
    suggestion = _check_pending(suggestion)
    document = suggestion.document
    start = suggestion.start if start is None else start
    end = suggestion.end if end is None else end
    kind = kind or suggestion.kind
    edited = (start, end) != (suggestion.start, suggestion.end) or any(
        given is not None and given != proposed
        for given, proposed in (
            (value, suggestion.value),
            (kind, suggestion.kind),
            (stance, suggestion.stance),
            (attribution, suggestion.attribution),
        )
    )
    annotation = (
        Annotation.objects.filter(document=document, start=start, end=end, kind=kind)
        .on_latest_version()
        .exclude(links__facet=suggestion.facet)
        .first()
    )
    if annotation is None:
        annotation = documents.annotation_create(
            document=document, author=actor, kind=kind, start=start, end=end
        )
    events.facet_link_create(
        annotation=annotation,
        facet=suggestion.facet,
        author=actor,
        value=suggestion.value if value is None else value,
        attribution=suggestion.attribution if attribution is None else attribution,
        stance=stance or suggestion.stance,
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(
        state=SuggestionState.ACCEPTED, annotation=annotation, decided_by=actor
    )
    # Other pending suggestions for the same facet on an overlapping span are answered too.
    Suggestion.objects.pending().filter(
        document=document, facet=suggestion.facet, start__lt=end, end__gt=start
    ).delete()
    facet = suggestion.facet
    activity_record(
        project_id=document.project_id,
        actor=actor,
        action=Action.SUGGESTION_ACCEPTED,
        summary=(
            f"{isolate(facet.event.name)} › {isolate(facet.name)} = "
            f"{isolate(value if value is not None else suggestion.value)}"
            f" “{isolate(shorten(annotation.quote_exact))}”{' (edited)' if edited else ''}"
        ),
        document_id=document.pk,
        annotation_id=annotation.pk,
    )
    return annotation


@retry_on_conflict
def suggestion_reject(*, suggestion: Suggestion, actor) -> SuggestionRejection:
    """Reject the suggestion and remember it, so that no recomputation proposes it again."""
    lock_rows(document_id=suggestion.document_id)
    suggestion = _check_pending(suggestion)
    Suggestion.objects.filter(pk=suggestion.pk).update(
        state=SuggestionState.REJECTED, decided_by=actor
    )
    return SuggestionRejection.objects.create(
        project_id=suggestion.project_id,
        document_id=suggestion.document_id,
        facet_id=suggestion.facet_id,
        start=suggestion.start,
        end=suggestion.end,
        quote_exact=suggestion.quote_exact,
        value=suggestion.value,
        rejected_by=actor,
    )


@transaction.atomic
def suggestions_accept_all(*, suggestions: Iterable[Suggestion], actor) -> list[Annotation]:
    """Accept every suggestion given (an owner's "accept all in this cell / source"), all
    or nothing; a suggestion already answered by one accepted before it is skipped."""
    accepted = []
    for suggestion in suggestions:
        if not Suggestion.objects.pending().filter(pk=suggestion.pk).exists():
            continue
        accepted.append(suggestion_accept(suggestion=suggestion, actor=actor))
    if not accepted:
        raise ValidationError(ERROR_NOTHING_TO_ACCEPT)
    return accepted
