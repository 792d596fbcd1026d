"""gunicorn.conf.py's hooks, as gunicorn calls them in `make serve-prod`: loaded from the
file, so a hook that fails to import or run fails here, not in production."""

from __future__ import annotations

import gc
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def hooks():
    threshold = gc.get_threshold()
    yield runpy.run_path(str(CONF))
    gc.set_threshold(*threshold)
    gc.unfreeze()


@pytest.mark.django_db
def test_a_forked_worker_collects_less_often_and_connects_before_its_first_request(hooks):
    from django.db import connection

    older = gc.get_threshold()[1:]
    connection.close()
    hooks["post_fork"](None, None)
    assert gc.get_threshold() == (hooks["GC_THRESHOLD"], *older)
    assert hooks["GC_THRESHOLD"] > 700  # Python's default
    assert connection.connection is not None


def test_the_master_warms_up_before_it_forks(hooks):
    from tests.test_warmup import cached_loader, cached_names

    cached_loader().reset()
    hooks["when_ready"](None)
    assert "reader/document_detail.html" in cached_names()


def test_fork_freezes_what_the_master_holds_and_requests_trim_memory(hooks):
    hooks["pre_fork"](None, None)
    assert gc.get_freeze_count() > 0
    hooks["post_request"](None, None, {}, None)  # malloc_trim: must not raise


def test_fork_closes_a_connection_the_master_opened(tmp_path):
    """In a process of its own, on a file database as a worker has (the suite's in-memory
    SQLite is never closed): the master's connection is closed before a worker forks."""
    script = f"""
import django, runpy
django.setup()
from django.db import connection
connection.ensure_connection()
assert connection.connection is not None
runpy.run_path({str(CONF)!r})["pre_fork"](None, None)
print(connection.connection is None)
"""
    env = {**os.environ, "READER_SQLITE_PATH": str(tmp_path / "master.sqlite3")}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "reader.settings"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "True"
