"""Rendered HTML that every worker of a server shares: a small SQLite file beside the app.

The reader page's panel items and reading pane are kept in each process (render_cache.py),
but gunicorn runs several workers and a page's next open lands on any of them: with five,
most first opens of a source found a worker that had never rendered it, and paid 30-100 ms
for it (issue 17). Behind each process's own cache, this store holds what any worker of the
same server rendered, so only the first of them renders it.

- The keys are content-addressed digests (render_cache.py says what they cover) with the
  server's GENERATION: made once when the app is loaded, in gunicorn's master (--preload)
  and so the same in every worker it forks. A restart, which may run new code, makes a new
  generation and never reads what the old one wrote; the old entries are the oldest and go
  first.
- Best effort: a locked, missing or broken file is a miss, never an error (the caller
  renders); a write waits at most WRITE_WAIT for another worker's.
- Bounded: past `max_bytes`, the entries written longest ago are deleted.
- The file is made readable by its owner only: it holds the HTML members see, as the
  database does.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Mapping

from django.conf import settings

logger = logging.getLogger(__name__)

GENERATION = secrets.token_hex(8)
WRITE_WAIT = 0.05  # seconds: a cache write is never worth holding an answer longer
CHUNK = 500  # keys per SELECT (well under SQLite's limit of bound parameters)
TRIM_EVERY = 64  # writes between two checks of the total size

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    value BLOB NOT NULL
)
"""


class SharedStore:
    """Bytes by key in the SQLite file at `path`, up to about `max_bytes`, for every
    process that opens it. One connection per process (a forked worker opens its own) and
    thread."""

    def __init__(self, path: str, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.local = threading.local()
        self.writes = 0

    def _connection(self) -> sqlite3.Connection:
        pid = os.getpid()
        held = getattr(self.local, "held", None)
        if held is not None and held[0] == pid:
            return held[1]
        # Made owner-only before SQLite creates it (its -wal and -shm files take the same
        # permissions).
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        connection = sqlite3.connect(self.path, timeout=WRITE_WAIT, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")  # a lost entry is only a miss
            connection.execute(SCHEMA)
        except sqlite3.Error:
            connection.close()
            raise
        self.local.held = (pid, connection)
        return connection

    def close(self) -> None:
        """Close this thread's connection (the next use opens another)."""
        held = getattr(self.local, "held", None)
        self.local.held = None
        if held is not None and held[0] == os.getpid():
            held[1].close()

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        wanted = [f"{GENERATION}:{key}" for key in keys]
        found: dict[str, bytes] = {}
        try:
            connection = self._connection()
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk
                )
                found.update((key.partition(":")[2], value) for key, value in rows)
        except (OSError, sqlite3.Error) as error:
            self._failed("read", error)
        return found

    def set_many(self, values: Mapping[str, bytes]) -> None:
        if not values:
            return
        rows = [(f"{GENERATION}:{key}", len(value), value) for key, value in values.items()]
        try:
            connection = self._connection()
            with connection:  # one transaction
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany(
                    "INSERT OR REPLACE INTO entries (key, size, value) VALUES (?, ?, ?)", rows
                )
            self.writes += 1
            if self.writes % TRIM_EVERY == 1:
                self.trim()
        except (OSError, sqlite3.Error) as error:
            self._failed("write", error)

    def trim(self) -> None:
        """Delete the entries written longest ago until the rest fit in max_bytes."""
        total = self.total_bytes()
        if total <= self.max_bytes:
            return
        connection = self._connection()
        excess, cutoff = total - self.max_bytes * 3 // 4, None  # room for the next writes
        for row_id, size in connection.execute("SELECT id, size FROM entries ORDER BY id"):
            excess -= size
            cutoff = row_id
            if excess <= 0:
                break
        with connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("DELETE FROM entries WHERE id <= ?", (cutoff,))

    def total_bytes(self) -> int:
        (total,) = (
            self._connection().execute("SELECT coalesce(sum(size), 0) FROM entries").fetchone()
        )
        return int(total)

    def _failed(self, what: str, error: Exception) -> None:
        # "database is locked" is another worker writing: expected, and only a miss.
        if not (isinstance(error, sqlite3.OperationalError) and "locked" in str(error)):
            logger.warning("shared render cache %s failed (%s): %s", what, self.path, error)
            self.close()


_STORES: dict[tuple[str, int], SharedStore] = {}


def shared_store() -> SharedStore | None:
    """The store settings.READER_RENDER_CACHE names (a path, or None for none)."""
    path = settings.READER_RENDER_CACHE
    if not path:
        return None
    budget = settings.READER_RENDER_CACHE_BYTES
    store = _STORES.get((path, budget))
    if store is None:
        store = _STORES[(path, budget)] = SharedStore(str(path), budget)
    return store
