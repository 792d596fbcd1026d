"""gunicorn.conf.py's hooks, as gunicorn calls them in `make serve-prod`: loaded from the
file, so a hook that fails to import or run fails here, not in production."""

from __future__ import annotations

import gc
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hooks():
    threshold = gc.get_threshold()
    yield runpy.run_path(str(CONF))
    gc.set_threshold(*threshold)
    gc.unfreeze()


def gunicorn(preload: bool) -> SimpleNamespace:
    """What the hooks read of gunicorn's arbiter or worker: its settings."""
    return SimpleNamespace(cfg=SimpleNamespace(preload_app=preload))


def test_a_forked_worker_collects_less_often_keeping_the_older_ratios(hooks):
    older = gc.get_threshold()[1:]
    hooks["post_fork"](None, gunicorn(preload=True))
    assert gc.get_threshold() == (hooks["GC_THRESHOLD"], *older)
    assert hooks["GC_THRESHOLD"] > 700  # Python's default


@pytest.mark.django_db
@pytest.mark.parametrize("preload", [True, False])
def test_a_worker_connects_before_its_first_request_and_warms_up_unless_preloaded(hooks, preload):
    from django.db import connection

    from tests.test_warmup import cached_loader, cached_names

    connection.close()
    cached_loader().reset()
    hooks["post_worker_init"](gunicorn(preload))
    assert connection.connection is not None
    assert ("reader/document_detail.html" in cached_names()) is not preload


@pytest.mark.parametrize("preload", [True, False])
def test_the_master_warms_up_before_it_forks_when_it_loaded_the_app(hooks, preload):
    from tests.test_warmup import cached_loader, cached_names

    cached_loader().reset()
    hooks["when_ready"](gunicorn(preload))
    assert ("reader/document_detail.html" in cached_names()) is preload


@pytest.mark.parametrize("preload", [True, False])
def test_gunicorn_serves_with_the_hooks_with_and_without_preload(tmp_path, preload):
    """A real gunicorn with this file, as serve-prod runs it (--preload) and as a plain
    `gunicorn reader.wsgi` would: both answer."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {
        "READER_SQLITE_PATH": str(tmp_path / "served.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "reader.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "reader.wsgi:application",
        f"--config={CONF}",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
        *(["--preload"] if preload else []),
    ]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log_file)
    try:
        status = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as answer:
                    status = answer.status
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, log.read_text()[-3000:]
                time.sleep(0.1)
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


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
