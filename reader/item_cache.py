"""Values kept by what they are made from, in this process, up to a number of bytes.

A content-addressed memo: the key is everything the value is made from (for an
annotation's W3C JSON, its row, its links, the host and the project's slug), so a changed
row is a new key and an entry is never stale; nothing needs invalidating, and the least
recently used entries make room for new ones. Bounded by bytes, not entries, since issue
17 wants each worker small: the key holds the row's text too, so an entry is counted as
its value's bytes plus the key's `weight`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable


class Kept:
    """The most recently used values, up to `budget` bytes (what `set` was told each
    costs). The values are immutable bytes, handed out as they are."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.values: OrderedDict[Hashable, tuple[bytes, int]] = OrderedDict()
        self.lock = threading.Lock()  # gunicorn's workers are single-threaded; runserver is not

    def get_many(self, keys: Iterable[Hashable]) -> list[bytes | None]:
        """The value of each key, None where none is kept (one lock for the lot)."""
        found: list[bytes | None] = []
        with self.lock:
            for key in keys:
                kept = self.values.get(key)
                if kept is None:
                    found.append(None)
                else:
                    self.values.move_to_end(key)
                    found.append(kept[0])
        return found

    def set_many(self, entries: Iterable[tuple[Hashable, bytes, int]]) -> None:
        """Keep each (key, value, weight): the value under its key, counted as `weight`
        bytes (its own and its key's); one heavier than the whole budget is not kept."""
        with self.lock:
            for key, value, weight in entries:
                if weight > self.budget:
                    continue
                old = self.values.pop(key, None)
                if old is not None:
                    self.used -= old[1]
                self.values[key] = (value, weight)
                self.used += weight
            while self.used > self.budget:
                _, (_, dropped) = self.values.popitem(last=False)
                self.used -= dropped

    def clear(self) -> None:
        with self.lock:
            self.values.clear()
            self.used = 0
