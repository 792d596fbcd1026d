"""Django's SQLite backend, with the writers of one database file queued on a file lock.

SQLite lets one writer in at a time, and one that finds the database locked polls: its
busy handler sleeps 1, 2, 5, 10 ... up to 100 ms between tries. Under many writers (50
annotators saving at once, bench/load.py) the lock then stood free for much of the time
between one writer's commit and the next one's wake-up. Here each write transaction
(BEGIN IMMEDIATE, settings.SQLITE_OPTIONS) first takes an exclusive flock on a file beside
the database: the kernel hands it to the next waiting writer the moment it is released, and
BEGIN then finds the database free. Writes outside a transaction, and other programs, still
meet SQLite's own lock and its busy timeout; in-memory databases have no file to lock.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


def lock_path(name: str) -> str | None:
    """The lock file of a database file, None for an in-memory database."""
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
    return f"{name}-writers.lock"


class DatabaseWrapper(base.DatabaseWrapper):
    # (type: ignore below: django-stubs leave out the private hooks these extend.)
    writer_fd: int | None = None
    holds_writer_lock = False

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        path = lock_path(str(self.settings_dict["NAME"]))
        if path is not None:
            self.writer_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return connection

    def _start_transaction_under_autocommit(self):
        if self.writer_fd is not None and not self.holds_writer_lock:
            fcntl.flock(self.writer_fd, fcntl.LOCK_EX)
            self.holds_writer_lock = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writers()
            raise

    def _release_writers(self) -> None:
        if self.holds_writer_lock and self.writer_fd is not None:
            self.holds_writer_lock = False
            fcntl.flock(self.writer_fd, fcntl.LOCK_UN)

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_writers()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writers()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_writers()
            if self.writer_fd is not None:
                os.close(self.writer_fd)
                self.writer_fd = None
