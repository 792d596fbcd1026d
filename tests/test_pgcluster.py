"""The throwaway PostgreSQL cluster that `make test` runs the suite on a second time: it
starts, takes connections, and is stopped and removed afterwards, also when what ran inside
failed or was killed."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

from tests.pgcluster import PG_BIN, cluster, restart

pytestmark = pytest.mark.skipif(
    not (PG_BIN / "initdb").is_file(), reason="PostgreSQL 15 is not installed (make postgresql)"
)


def data_directory(url: str) -> Path:
    with psycopg.connect(url) as connection:
        return Path(connection.execute("SHOW data_directory").fetchone()[0])


def refuses_connections(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as probe:
        return probe.connect_ex((parts.hostname, parts.port)) != 0


def test_cluster_serves_postgresql_15_and_is_removed_afterwards():
    with cluster() as url:
        assert url.startswith("postgres://reader:")
        with psycopg.connect(url) as connection:
            version = connection.execute("SHOW server_version_num").fetchone()[0]
            encoding = connection.execute("SHOW server_encoding").fetchone()[0]
        assert version.startswith("15")
        assert encoding == "UTF8"
        folder = data_directory(url).parent
        assert folder.name.startswith("reader-pg-")
        assert folder.is_dir()
    assert not folder.exists()
    assert refuses_connections(url)


def test_cluster_is_removed_when_the_code_inside_fails():
    with pytest.raises(RuntimeError, match="inside"), cluster() as url:
        folder = data_directory(url).parent
        raise RuntimeError("inside")
    assert not folder.exists()
    assert refuses_connections(url)


def test_restart_cuts_open_connections_and_serves_again_at_the_same_url():
    with cluster() as url, psycopg.connect(url) as before:
        before.execute("CREATE TABLE kept (n int)")
        before.execute("INSERT INTO kept VALUES (1)")
        before.commit()
        restart(url, down_seconds=0.5)
        with pytest.raises(psycopg.OperationalError):
            before.execute("SELECT 1")
        with psycopg.connect(url) as after:
            assert after.execute("SELECT n FROM kept").fetchall() == [(1,)]


def test_command_line_passes_database_url_and_the_exit_status():
    child = (
        "import os, sys, psycopg; psycopg.connect(os.environ['DATABASE_URL']).close(); sys.exit(3)"
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.pgcluster", sys.executable, "-c", child],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert "pgcluster: PostgreSQL 15 at 127.0.0.1:" in result.stdout


def test_command_line_stops_and_removes_the_cluster_on_sigterm():
    """What a CI timeout or `kill` does; Ctrl-C takes the same path (KeyboardInterrupt)."""
    child = (
        "import os, time, psycopg; url = os.environ['DATABASE_URL']; "
        "print(url, psycopg.connect(url).execute('SHOW data_directory').fetchone()[0], "
        "flush=True); time.sleep(60)"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.pgcluster", sys.executable, "-c", child],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "pgcluster: PostgreSQL 15 at" in process.stdout.readline()
        url, data = process.stdout.readline().split()
        assert Path(data).is_dir()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 130
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
    assert not Path(data).parent.exists()
    assert refuses_connections(url)
