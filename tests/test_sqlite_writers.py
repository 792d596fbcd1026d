"""reader/dbbackends/sqlite3: SQLite write transactions queue on a file lock beside the
database, and every way out of a transaction lets the next writer in."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction

from reader.dbbackends.sqlite3.base import lock_path

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the lock is SQLite's backend's"
)


def test_the_lock_file_is_beside_the_database_and_none_in_memory():
    assert lock_path("/srv/reader/db.sqlite3") == "/srv/reader/db.sqlite3-writers.lock"
    assert lock_path("file:/srv/db.sqlite3?mode=rw") == "/srv/db.sqlite3-writers.lock"
    assert lock_path(":memory:") is None
    assert lock_path("file:memorydb_default?mode=memory&cache=shared") is None


@pytest.mark.django_db(transaction=True)
def test_a_second_writer_waits_for_the_first_commit_then_writes():
    """Two connections, as two workers have: the second's transaction starts only once
    the first committed, and both rows are there."""
    order: list[str] = []
    first_in = threading.Event()
    release_first = threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                Group.objects.create(name="first outlet")
                order.append("first in")
                first_in.set()
                release_first.wait(10)
                order.append("first commits")
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_in.wait(10)
            with transaction.atomic():
                order.append("second in")
                Group.objects.create(name="second outlet")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(10)
    threading.Event().wait(0.3)  # the second is at the lock by now
    assert order == ["first in"]
    release_first.set()
    for thread in threads:
        thread.join(30)
    assert order == ["first in", "first commits", "second in"]
    assert set(Group.objects.values_list("name", flat=True)) >= {"first outlet", "second outlet"}


def lock_is_free(path: str) -> bool:
    """Whether another process could take the writers' lock now (a file of its own, as a
    worker opens it)."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


@pytest.mark.django_db(transaction=True)
def test_a_write_transaction_holds_the_lock_file_until_it_commits():
    path = lock_path(connection.settings_dict["NAME"])
    with transaction.atomic():
        Group.objects.create(name="held")
        assert not lock_is_free(path)
    assert lock_is_free(path)
    with transaction.atomic():  # a read-only transaction queues too: BEGIN IMMEDIATE
        Group.objects.count()
        assert not lock_is_free(path)
    assert lock_is_free(path)


@pytest.mark.django_db(transaction=True)
def test_a_rollback_and_a_failed_begin_let_the_next_writer_in():
    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="rolled back")
        raise RuntimeError
    assert not connection.holds_writer_lock
    with transaction.atomic():
        assert connection.holds_writer_lock
        Group.objects.create(name="kept")
    assert not connection.holds_writer_lock
    assert list(
        Group.objects.filter(name__in=["rolled back", "kept"]).values_list("name", flat=True)
    ) == ["kept"]


@pytest.mark.django_db(transaction=True)
def test_closing_a_connection_in_a_transaction_lets_the_next_writer_in():
    """As a worker that dies mid-write would (the kernel then drops its lock too)."""
    with transaction.atomic():
        Group.objects.create(name="never committed")
        assert connection.holds_writer_lock
        connection.close()
        assert not connection.holds_writer_lock and connection.writer_fd is None
    with transaction.atomic():
        Group.objects.create(name="the next write")
    assert list(Group.objects.values_list("name", flat=True)) == ["the next write"]
