"""Writers at the same moment, each on a database connection of its own (threads against the
real API views): linked creates and deletes never deadlock into an error, and two requests
on one annotation get 204 + 404, or 200/404/412 + 204, never a 500. Plus the lock order
itself (reader/services/locks.py) and its retry."""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import Counter
from collections.abc import Callable

import psycopg
import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reader.models import Annotation, DeletedAnnotation, FacetLink
from reader.services import locks
from reader.services.discussion import reply_create
from reader.services.documents import annotation_delete, annotation_update
from reader.services.events import event_create, facet_create, facet_link_create
from tests.conftest import MIXED_TEXT
from tests.factories import AnnotationFactory, DocumentFactory
from tests.views.test_api import JSONLD, bearer, container, new_annotation, resource

ROUNDS = 20
THREAD_TIMEOUT_S = 60
ON_SQLITE = "SQLite drops FOR UPDATE from its SQL (one writer at a time): nothing to order"


def postgres_only(reason: str):
    return pytest.mark.skipif(connection.vendor != "postgresql", reason=reason)


@pytest.fixture
def events(project):
    """Two events with a facet each, linked in the body in descending id order."""
    first = event_create(project=project, name="Balyun strike")
    second = event_create(project=project, name="Idlib talks")
    return [
        facet_create(event=first, name="Death toll", value_type="number"),
        facet_create(event=second, name="Place", value_type="place"),
    ]


def linking(facet, value: str) -> dict:
    return {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": "x",
        "event": facet.event.name,
        "facet": facet.name,
        "facetValue": value,
    }


def linked_body(document, facets) -> dict:
    body = new_annotation(document, "33 soldiers")
    body["body"] += [linking(facets[1], "Balyun"), linking(facets[0], "33")]
    return body


def linked_annotation(document, author, facets) -> Annotation:
    annotation = AnnotationFactory(document=document, author=author, quote="33 soldiers")
    for facet, value in zip(facets, ["33", "Balyun"], strict=True):
        facet_link_create(annotation=annotation, facet=facet, author=author, value=value)
    return annotation


def at_once(*requests: Callable[[Client], object]) -> list:
    """Run each request in a thread of its own (its own Client and database connection),
    released together; their answers' status codes, or the exception a request raised."""
    start = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(index: int, request) -> None:
        try:
            start.wait(timeout=THREAD_TIMEOUT_S)
            results[index] = request(Client())
        except Exception as error:  # reported in the assertion, not lost in the thread
            results[index] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=[index, request])
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return results


def status(response) -> int | str:
    return response.status_code if response.status_code < 500 else response.content.decode()[:300]


@pytest.mark.django_db(transaction=True)
def test_linked_creates_edits_and_deletes_at_once_make_no_error(alice, bob, document, events):
    """The issue's deadlock: deletes locked the events before the document, linked creates
    the document before the events. Two documents share the events, so writers on both meet
    only at the events."""
    other = DocumentFactory(project=document.project, title="Second", text=MIXED_TEXT + "Again.\n")
    to_delete = [linked_annotation(d, bob, events) for d in (document, other) * 5]
    to_edit = [linked_annotation(d, alice, events) for d in (document, other)]
    bobs, alices = bearer(bob), bearer(alice)

    def creates(client):
        answers = []
        for d in (document, other) * 5:
            response = client.post(
                container(d), json.dumps(linked_body(d, events)), content_type=JSONLD, headers=bobs
            )
            answers.append(status(response))
        return answers

    def deletes(client):
        return [status(client.delete(resource(a), headers=bobs)) for a in to_delete]

    def edits(client):
        answers = []
        for number in range(5):
            for annotation in to_edit:
                current = client.get(resource(annotation), headers=alices)
                body = current.json()
                body["body"] = [b for b in body["body"] if b.get("purpose") != "linking"]
                body["body"] += [linking(events[number % 2], "Balyun" if number % 2 else "33")]
                response = client.put(
                    resource(annotation),
                    json.dumps(body),
                    content_type=JSONLD,
                    headers={**alices, "If-Match": current["ETag"]},
                )
                answers.append(status(response))
        return answers

    created, deleted, edited = at_once(creates, deletes, edits)
    assert created == [201] * 10
    assert deleted == [204] * 10
    assert edited == [200] * 10
    assert Annotation.objects.count() == 12
    assert DeletedAnnotation.objects.count() == 10


@pytest.mark.django_db(transaction=True)
def test_two_deletes_of_one_annotation_get_204_and_404(bob, document, events):
    auth = bearer(bob)
    answers = Counter()
    for _ in range(ROUNDS):
        annotation = linked_annotation(document, bob, events)

        def delete(client, annotation=annotation):
            return status(client.delete(resource(annotation), headers=auth))

        results = at_once(delete, delete)
        assert sorted(results, key=str) == [204, 404], results
        assert DeletedAnnotation.objects.filter(annotation_id=annotation.pk).count() == 1
        answers[tuple(results)] += 1
    assert not Annotation.objects.exists()
    assert not FacetLink.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_delete_and_a_put_at_once_never_answer_500(bob, document, events):
    auth = bearer(bob)
    seen = Counter()
    for number in range(ROUNDS):
        annotation = linked_annotation(document, bob, events)
        setup = Client()
        current = setup.get(resource(annotation), headers=auth)
        body = current.json()
        body["body"] = [
            {"type": "TextualBody", "purpose": "tagging", "value": "opinion"},
            {"type": "TextualBody", "purpose": "commenting", "value": f"edit {number}"},
            linking(events[0], "33"),
        ]

        def delete(client, annotation=annotation):
            return status(client.delete(resource(annotation), headers=auth))

        def replace(client, annotation=annotation, body=body, etag=current["ETag"]):
            response = client.put(
                resource(annotation),
                json.dumps(body),
                content_type=JSONLD,
                headers=auth | {"If-Match": etag},
            )
            return status(response)

        deleted, replaced = at_once(delete, replace)
        assert (deleted, replaced) in {(204, 200), (204, 404), (204, 412)}, (deleted, replaced)
        assert not Annotation.objects.filter(pk=annotation.pk).exists()
        assert DeletedAnnotation.objects.filter(annotation_id=annotation.pk).count() == 1
        seen[replaced] += 1
    assert sum(seen.values()) == ROUNDS


@pytest.mark.django_db(transaction=True)
def test_two_puts_at_once_get_200_and_412_with_the_current_state(bob, document, events):
    auth = bearer(bob)
    for number in range(ROUNDS // 2):
        annotation = linked_annotation(document, bob, events)
        current = Client().get(resource(annotation), headers=auth)

        def replace(client, note, annotation=annotation, etag=current["ETag"]):
            body = new_annotation(document, "33 soldiers", note=note)
            response = client.put(
                resource(annotation),
                json.dumps(body),
                content_type=JSONLD,
                headers={**auth, "If-Match": etag},
            )
            return response.status_code, response.json()

        first, second = at_once(
            functools.partial(replace, note=f"first {number}"),
            functools.partial(replace, note=f"second {number}"),
        )
        assert sorted([first[0], second[0]]) == [200, 412], (first, second)
        loser = first if first[0] == 412 else second
        winner = second if loser is first else first
        assert loser[1]["current"]["body"] == winner[1]["body"]


# --- The helper itself -----------------------------------------------------------------


@postgres_only(ON_SQLITE)
def test_lock_rows_locks_the_document_then_events_by_id_then_the_annotation(bob, document, events):
    annotation = linked_annotation(document, bob, events)
    event_ids = sorted(facet.event_id for facet in events)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locks.lock_rows(
            document_id=document.pk,
            event_ids=reversed(event_ids),
            annotation_id=annotation.pk,
            annotation_events=True,
        )
    locking = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] or "FOR NO KEY" in q["sql"]]
    tables = [sql.split(" FROM ", 1)[1].split()[0].strip('"') for sql in locking]
    assert tables == ["reader_document", "reader_event", "reader_annotation"]
    assert re.search(r'ORDER BY (1|"reader_event"."id") ASC FOR NO KEY UPDATE$', locking[1])
    assert locking[2].endswith('FOR UPDATE OF "reader_annotation"')


@postgres_only(ON_SQLITE)
def test_a_delete_locks_the_document_before_anything_else(bob, document, events):
    """The deadlock of the issue: annotation_delete bumped the events' revisions before it
    touched the document."""
    annotation = linked_annotation(document, bob, events)
    with CaptureQueriesContext(connection) as queries:
        annotation_delete(annotation=annotation, actor=bob)
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "DELETE", "INSERT")) or "FOR " in q["sql"]
    ]
    assert "reader_document" in writes[0] and "FOR NO KEY UPDATE" in writes[0]
    assert "reader_event" in writes[1] and "FOR NO KEY UPDATE" in writes[1]


def test_a_write_on_a_deleted_annotation_raises_annotation_gone(bob, document, events):
    annotation = linked_annotation(document, bob, events)
    annotation_delete(annotation=annotation, actor=bob)
    with pytest.raises(locks.AnnotationGone, match=locks.ERROR_ANNOTATION_GONE):
        annotation_delete(annotation=annotation, actor=bob)
    with pytest.raises(locks.AnnotationGone):
        annotation_update(
            annotation=annotation, actor=bob, kind="claim", note="x", edited_version=1
        )
    with pytest.raises(locks.AnnotationGone):
        reply_create(annotation=annotation, author=bob, text="Still there?")


def _deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
    return error


@pytest.mark.django_db(transaction=True)
def test_a_conflict_is_retried_at_the_outermost_call_only():
    calls = []

    @locks.retry_on_conflict
    def flaky():
        calls.append(transaction.get_connection().in_atomic_block)
        if len(calls) < 3:
            raise _deadlock()
        return "done"

    assert flaky() == "done"
    assert calls == [True, True, True]

    calls.clear()
    with pytest.raises(OperationalError), transaction.atomic():
        flaky()  # inside an outer block: once, and the outer caller decides
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_retries_are_bounded_and_other_errors_are_not_retried():
    calls = []

    @locks.retry_on_conflict
    def always(error):
        calls.append(1)
        raise error

    with pytest.raises(OperationalError):
        always(_deadlock())
    assert len(calls) == locks.RETRY_ATTEMPTS
    calls.clear()
    with pytest.raises(OperationalError):
        always(OperationalError("database is locked"))
    assert len(calls) == 1


@postgres_only("needs two transactions holding row locks at once; SQLite has one writer")
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_retried_and_both_writers_succeed(project, events):
    """Two writers that lock two events in opposite orders (what the lock order prevents):
    PostgreSQL kills one, which runs again and succeeds."""
    first, second = sorted(facet.event_id for facet in events)
    both_hold_one = threading.Barrier(2)
    attempts = Counter()

    @locks.retry_on_conflict
    def lock_in(order: list[int], name: str) -> int:
        attempts[name] += 1
        locks.lock_rows(event_ids=[order[0]])
        if attempts[name] == 1:
            both_hold_one.wait(timeout=THREAD_TIMEOUT_S)
        locks.lock_rows(event_ids=[order[1]])
        return attempts[name]

    results = at_once(
        lambda _client: lock_in([first, second], "forward"),
        lambda _client: lock_in([second, first], "backward"),
    )
    assert sorted(results) == [1, 2], results
