"""What the team learns about a change: the revision counters that open pages poll, and
the project's audit trail. Called by the other services inside their transactions, so a
change and its record are written together or not at all."""

from __future__ import annotations

from django.db import connection, models

from reader.models import Activity, Annotation, Document, DocumentRevision, Event
from reader.sanitize import isolate
from reader.services import inserts
from reader.services.locks import lock_rows
from reader.vocabularies import Action

SUMMARY_QUOTE_LIMIT = 80
SUMMARY_MAX_LENGTH: int = Activity._meta.get_field("summary").max_length or 0


# One statement, whether or not the counter row exists yet (the document's first change
# makes it): INSERT ... ON CONFLICT is the same SQL on SQLite and PostgreSQL.
_REVISION_UPSERT = (
    f"INSERT INTO {DocumentRevision._meta.db_table} (document_id, revision) VALUES (%s, 1) "
    f"ON CONFLICT (document_id) DO UPDATE SET revision = {DocumentRevision._meta.db_table}"
    ".revision + 1"
)


def document_touch(*, document_id: int) -> None:
    """Note that the document's annotations changed, for the readers polling it. The caller
    has locked the row with locks.lock_rows first (taken again here, as the lock order
    wants it before the counter's row, should a caller have forgotten)."""
    lock_rows(document_id=document_id)
    with connection.cursor() as cursor:
        cursor.execute(_REVISION_UPSERT, [document_id])


def events_touch(*, event_ids=None, annotation_id: int | None = None) -> None:
    """Note that these events changed, or the events the annotation is linked to. Locked in
    id order first (an UPDATE alone locks them in whatever order it finds them); the caller
    has locked them already, after the document, with locks.lock_rows."""
    if annotation_id is not None:
        linked = Event.objects.filter(facets__links__annotation_id=annotation_id)
        if not connection.features.has_select_for_update:
            # SQLite has no row locks to take in order (locks.py): one UPDATE finds them.
            Event.objects.filter(pk__in=linked.values("pk")).update(
                revision=models.F("revision") + 1
            )
            return
        event_ids = set(linked.values_list("pk", flat=True))
    event_ids = sorted(set(event_ids or ()))
    if not event_ids:
        return
    lock_rows(event_ids=event_ids)
    Event.objects.filter(pk__in=event_ids).update(revision=models.F("revision") + 1)


def shorten(text: str, limit: int = SUMMARY_QUOTE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def annotation_summary(annotation: Annotation) -> str:
    return f"{annotation.get_kind_display()} “{isolate(shorten(annotation.quote_exact))}”"


def activity_record(
    *,
    project_id: int,
    actor,
    action: Action,
    summary: str,
    document_id: int | None = None,
    annotation_id: int | None = None,
) -> Activity:
    entry = Activity(
        project_id=project_id,
        actor=actor,
        action=action,
        summary=shorten(summary, SUMMARY_MAX_LENGTH),
        document_id=document_id,
        annotation_id=annotation_id,
    )
    inserts.insert(entry)  # written with every change: without the ORM's compilation
    return entry


def activity_on_annotation(*, annotation: Annotation, actor, action: Action, detail: str = ""):
    """Record an action on an annotation: its kind and quote, and what was done to it."""
    summary = annotation_summary(annotation)
    if detail:
        summary = f"{summary}: {detail}"
    return activity_record(
        project_id=annotation.document.project_id,
        actor=actor,
        action=action,
        summary=summary,
        document_id=annotation.document_id,
        annotation_id=annotation.pk,
    )


def activity_on_document(*, document: Document, actor, action: Action, summary: str) -> Activity:
    """Record an action on a document as a whole (added, a new version, spans accepted)."""
    return activity_record(
        project_id=document.project_id,
        actor=actor,
        action=action,
        summary=summary,
        document_id=document.pk,
    )
