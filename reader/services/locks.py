"""Row locks in one order, and a bounded retry for the conflicts that remain.

Every write that changes an annotation, a facet link, a document's revision or an event's
revision takes its row locks through `lock_rows`, first thing in its transaction, always in
this order:

    1. the document (FOR NO KEY UPDATE, the lock its revision's UPDATE takes anyway);
    2. the events, by ascending id (the same; the events are shared by a project's
       documents, so two writers on two documents may want the same ones);
    3. the annotation (FOR UPDATE, as its DELETE needs), read again after the locks above.

A lock taken again later in the same transaction costs nothing, and the UPDATEs that bump
the revisions (changes.document_touch / events_touch) then find their rows already locked.
So two writers never wait on each other in a cycle: whoever holds the document first goes
first, and writers on different documents meet only at the events, in id order. Every
writer of an annotation's links holds its document, so the events an annotation is linked
to cannot change under a writer that holds the document.

A writer that needs several links at once (the API's create and PUT with linking bodies)
names all their events in its first lock_rows call; taking them one link at a time would
take them in the body's order. Imports (reader/formats/) still do: they run in one long
transaction of their own, which a deadlock rolls back as a whole.

`retry_on_conflict` replaces `transaction.atomic` at the outermost call. A deadlock or a
serialization failure (PostgreSQL rolls the transaction back) runs the whole function again,
up to RETRY_ATTEMPTS times, from a fresh transaction; inside an outer atomic block it is a
plain atomic block, and the outermost one retries. SQLite needs no retry: its transactions
are IMMEDIATE (settings.py), so writers queue for the one write lock and cannot deadlock,
and its "database is locked" comes only after the busy timeout has been waited out, so a
retry would only double the wait; it stays the 503 of reader/dbfailure.py. For the same
reason lock_rows sends nothing for the document and the events on SQLite: the BEGIN
IMMEDIATE holds the database's one write lock already, and SQLite has no FOR UPDATE (Django
leaves the clause out), so those reads would lock nothing and cost a statement each.

An annotation that another request deleted meanwhile raises AnnotationGone, an Http404: the
API and the pages answer 404, never 500.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction
from django.http import Http404

from reader.models import Annotation, Document, Event, FacetLink

LOCK_ORDER = ("document", "events by id", "annotation")
RETRY_ATTEMPTS = 5
RETRY_PAUSE_S = 0.02  # doubled after each attempt, with jitter
# PostgreSQL's SQLSTATEs for deadlock_detected and serialization_failure.
CONFLICT_SQLSTATES = {"40P01", "40001"}

ERROR_ANNOTATION_GONE = "This annotation was deleted meanwhile."
ERROR_LINK_GONE = "This link was deleted meanwhile."

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


class AnnotationGone(Http404):
    """The annotation (or link) was deleted by another request since it was read."""


def lock_rows(
    *,
    document_id: int | None = None,
    event_ids: Iterable[int] = (),
    annotation_id: int | None = None,
    annotation_events: bool = False,
    reread: bool = True,
) -> Annotation | None:
    """Lock the document, then the events by id, then the annotation; return the annotation
    as it is now (with its document), or None when none was asked for or `reread` is off.
    With `annotation_events`, the events the annotation is linked to are locked too (read
    after the document's lock, so the set cannot change). AnnotationGone if the annotation
    is gone.
    """
    if connection.features.has_select_for_update:  # not SQLite: see the module's docstring
        _lock_document_and_events(document_id, event_ids, annotation_id, annotation_events)
    if annotation_id is None:
        return None
    if not reread:
        # Locked and still there, as below, without making the row into an instance again
        # (a select_related of two models is a millisecond of compiling).
        found = Annotation.objects.select_for_update().filter(pk=annotation_id).values("pk")
        if not list(found):
            raise AnnotationGone(ERROR_ANNOTATION_GONE)
        return None
    annotation = (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("document")
        .defer("document__text")  # a long source's 1.2 MB, read only if a caller needs it
        .filter(pk=annotation_id)
        .first()
    )
    if annotation is None:
        raise AnnotationGone(ERROR_ANNOTATION_GONE)
    return annotation


def _lock_document_and_events(
    document_id: int | None,
    event_ids: Iterable[int],
    annotation_id: int | None,
    annotation_events: bool,
) -> None:
    if document_id is not None:
        list(Document.objects.select_for_update(no_key=True).filter(pk=document_id).values("pk"))
    event_ids = set(event_ids)
    if annotation_events and annotation_id is not None:
        linked = Event.objects.filter(facets__links__annotation_id=annotation_id)
        event_ids |= set(linked.values_list("pk", flat=True))
    if event_ids:
        # Sorted, so that the statement is the same whatever order the set iterates in.
        events = Event.objects.select_for_update(no_key=True).filter(pk__in=sorted(event_ids))
        list(events.order_by("pk").values("pk"))


def lock_for_annotation(
    annotation: Annotation, *, events: Iterable[int] = (), linked_events: bool = True
) -> Annotation:
    """The usual call for a write on one annotation: its document, its linked events (unless
    the write leaves the events' revisions alone) and `events`, then the annotation itself,
    read again."""
    locked = lock_rows(
        document_id=annotation.document_id,
        event_ids=events,
        annotation_id=annotation.pk,
        annotation_events=linked_events,
    )
    assert locked is not None  # lock_rows raises AnnotationGone rather than return None
    return locked


def lock_annotation(
    annotation: Annotation, *, events: Iterable[int] = (), linked_events: bool = True
) -> None:
    """lock_for_annotation for a write that goes on with the annotation it holds: the same
    locks, AnnotationGone as well, the row not read again."""
    lock_rows(
        document_id=annotation.document_id,
        event_ids=events,
        annotation_id=annotation.pk,
        annotation_events=linked_events,
        reread=False,
    )


def lock_for_link(link: FacetLink) -> FacetLink:
    """The locks for a write on one link (its annotation's, with the link's event), and the
    link as it is now; AnnotationGone when it or its annotation is gone."""
    annotation = Annotation.objects.filter(pk=link.annotation_id).values("document_id").first()
    if annotation is None:
        raise AnnotationGone(ERROR_ANNOTATION_GONE)
    lock_rows(
        document_id=annotation["document_id"],
        event_ids=[link.facet.event_id],
        annotation_id=link.annotation_id,
        annotation_events=True,
    )
    current = (
        FacetLink.objects.select_related("annotation__document", "facet__event")
        .defer("annotation__document__text")
        .filter(pk=link.pk)
        .first()
    )
    if current is None:
        raise AnnotationGone(ERROR_LINK_GONE)
    return current


def is_conflict(error: BaseException) -> bool:
    """A deadlock or serialization failure: the database rolled the transaction back, and
    the same work from a fresh transaction will succeed."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) in CONFLICT_SQLSTATES


def retry_on_conflict(function: Callable[P, R]) -> Callable[P, R]:
    """transaction.atomic, and at the outermost level a bounded retry on conflicts."""

    @functools.wraps(function)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                return function(*args, **kwargs)
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return function(*args, **kwargs)
            except OperationalError as error:
                if attempt == RETRY_ATTEMPTS or not is_conflict(error):
                    raise
                # Logged, so that a load test can count them: the lock order should leave none.
                logger.warning(
                    "Conflict retried (attempt %d of %d) in %s: %s",
                    attempt,
                    RETRY_ATTEMPTS,
                    function.__qualname__,
                    error,
                )
            time.sleep(RETRY_PAUSE_S * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
        raise AssertionError("unreachable")

    return wrapped
