"""reader/shared_cache.py: the rendered HTML every worker of a server shares. Best effort
(a locked or broken file is a miss, never an error), bounded, owner-only, and read only by
the workers of the server that wrote it (its generation)."""

from __future__ import annotations

import logging
import multiprocessing
import sqlite3
import stat

import pytest

from reader import shared_cache
from reader.shared_cache import SharedStore


@pytest.fixture
def store(tmp_path):
    kept = SharedStore(str(tmp_path / "render-cache.sqlite3"), max_bytes=10_000)
    yield kept
    kept.close()


def test_values_come_back_by_key_and_missing_keys_are_absent(store):
    store.set_many({"a": b"one", "b": "deux \u00e9 \U0001f4a5".encode()})
    assert store.get_many(["a", "b", "c"]) == {"a": b"one", "b": "deux é 💥".encode()}
    store.set_many({"a": b"uno"})  # written again: the newer value
    assert store.get_many(["a"]) == {"a": b"uno"}
    assert store.get_many([]) == {}


def test_a_thousand_keys_are_read_in_chunks(store):
    store.max_bytes = 10**9
    values = {f"k{index}": str(index).encode() for index in range(1200)}
    store.set_many(values)
    assert store.get_many(list(values)) == values


def _write_in_a_fork(path: str) -> None:
    SharedStore(path, max_bytes=10_000).set_many({"from-the-child": b"rendered there"})


def test_a_forked_worker_reads_what_another_wrote(store):
    """gunicorn's workers are forked from one master: they share its generation."""
    child = multiprocessing.get_context("fork").Process(target=_write_in_a_fork, args=(store.path,))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert store.get_many(["from-the-child"]) == {"from-the-child": b"rendered there"}


def test_another_generation_never_reads_it(store, monkeypatch):
    store.set_many({"k": b"old markup"})
    monkeypatch.setattr(shared_cache, "GENERATION", "a-restart")
    assert store.get_many(["k"]) == {}


def test_the_oldest_entries_go_past_the_budget(store):
    for index in range(30):
        store.set_many({f"k{index}": bytes(1000)})
    store.trim()
    assert store.total_bytes() <= store.max_bytes
    kept = store.get_many([f"k{index}" for index in range(30)])
    assert "k29" in kept and "k0" not in kept
    assert sorted(kept, key=lambda key: int(key[1:])) == [
        f"k{i}" for i in range(30 - len(kept), 30)
    ]


def test_writes_trim_on_their_own(store):
    for index in range(shared_cache.TRIM_EVERY + 2):
        store.set_many({f"k{index}": bytes(1000)})
    assert store.total_bytes() <= store.max_bytes + shared_cache.TRIM_EVERY * 1000
    assert store.total_bytes() < (shared_cache.TRIM_EVERY + 2) * 1000


def test_the_file_is_its_owners_only(store, tmp_path):
    store.set_many({"k": b"a hidden note"})
    mode = stat.S_IMODE((tmp_path / "render-cache.sqlite3").stat().st_mode)
    assert mode & 0o077 == 0


def test_a_broken_file_is_a_miss_and_says_so(tmp_path, caplog):
    path = tmp_path / "render-cache.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    broken = SharedStore(str(path), max_bytes=10_000)
    with caplog.at_level(logging.WARNING, logger="reader.shared_cache"):
        broken.set_many({"k": b"v"})
        assert broken.get_many(["k"]) == {}
    assert "shared render cache" in caplog.text


def test_a_missing_folder_is_a_miss(tmp_path):
    gone = SharedStore(str(tmp_path / "no-such-folder" / "cache.sqlite3"), max_bytes=10_000)
    gone.set_many({"k": b"v"})
    assert gone.get_many(["k"]) == {}


def test_a_write_while_another_worker_writes_is_dropped_not_waited_for(store):
    store.set_many({"before": b"1"})
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another worker in the middle of its write
        store.set_many({"during": b"2"})
        assert store.get_many(["before", "during"]) == {"before": b"1"}  # reads go on
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.set_many({"after": b"3"})
    assert store.get_many(["after"]) == {"after": b"3"}


def test_settings_name_the_store_or_none(settings, tmp_path):
    settings.READER_RENDER_CACHE = None
    assert shared_cache.shared_store() is None
    settings.READER_RENDER_CACHE = str(tmp_path / "c.sqlite3")
    assert shared_cache.shared_store() is shared_cache.shared_store()
    assert shared_cache.shared_store().path == settings.READER_RENDER_CACHE
