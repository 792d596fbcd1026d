"""Production settings pass Django's deployment checks and refuse to start without a key or
hosts; DATABASE_URL selects the database, SQLite otherwise."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

PRODUCTION_ENV = {
    "READER_PRODUCTION": "1",
    # Made afresh for each run: a key written in the repository is refused.
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "reader.example.org",
}


# Never part of a deployment, but a browser test's Playwright may leave it set in this
# process (see tests/browser/conftest.py); `check --deploy` would rightly refuse it.
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**environ, "DJANGO_SETTINGS_MODULE": "reader.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def setting(expression: str, **env: str):
    """A setting's value as the settings module makes it from this environment (with
    DATABASE_URL unset unless given), read in a fresh interpreter; nothing connects."""
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", *TEST_ONLY}}
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps(settings.{expression}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**environ, "DJANGO_SETTINGS_MODULE": "reader.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "needs DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (settings.SECRET_KEY, "django-insecure"),  # the development key, committed
        ("django-insecure-" + secrets.token_urlsafe(50), "django-insecure"),
        ("ab" * 40, "at least 50 random characters"),
        ("x" * 49, "at least 50 random characters"),
        # A real-looking key that is written in this very file.
        ("Zq3v9LrT0pXw2mYc8KdHs5NbFg7JtUe1oAiRlQyVxWzCnBmDfGhJkLpOiUy", "tests/test_settings.py"),
    ],
)
def test_production_refuses_keys_that_are_not_secret(key, reason):
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "needs DJANGO_SECRET_KEY" in result.stderr
    assert reason in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": " , "})
    assert result.returncode != 0
    assert "needs DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_serves_compressed_hashed_static_files():
    backend = setting("STORAGES['staticfiles']['BACKEND']", **PRODUCTION_ENV)
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_counts_sign_ins_in_a_cache_every_server_shares():
    assert setting("READER_LOGIN_CACHE", **PRODUCTION_ENV) == "logins"
    cache = setting("CACHES['logins']", **PRODUCTION_ENV)
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_production_workers_share_rendered_html_in_a_file_beside_the_app(tmp_path):
    path = setting("READER_RENDER_CACHE", **PRODUCTION_ENV)
    assert path == str(settings.BASE_DIR / "render-cache.sqlite3")
    elsewhere = str(tmp_path / "cache.sqlite3")
    assert setting("READER_RENDER_CACHE", READER_RENDER_CACHE=elsewhere, **PRODUCTION_ENV) == (
        elsewhere
    )
    assert setting("READER_RENDER_CACHE", READER_RENDER_CACHE="off", **PRODUCTION_ENV) is None
    assert setting("READER_RENDER_CACHE") is None  # development: one process


def test_without_database_url_the_database_is_sqlite_in_wal_mode(tmp_path):
    database = setting("DATABASES['default']", READER_SQLITE_PATH=str(tmp_path / "reader.sqlite3"))
    assert database["ENGINE"] == "reader.dbbackends.sqlite3"  # Django's, writers queued
    assert database["NAME"] == str(tmp_path / "reader.sqlite3")
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] == 20
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_selects_postgresql_with_persistent_checked_connections():
    database = setting(
        "DATABASES['default']", DATABASE_URL="postgres://reader:s3cret@db.internal:5433/reader"
    )
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "reader")
    assert (database["USER"], database["PASSWORD"]) == ("reader", "s3cret")
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True


def test_a_sqlite_database_url_keeps_wal_and_the_busy_timeout(tmp_path):
    database = setting("DATABASES['default']", DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3")
    assert database["NAME"] == f"{tmp_path}/other.sqlite3"
    assert database["ENGINE"] == "reader.dbbackends.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] == 20
    assert database["CONN_MAX_AGE"] is None


def test_sqlite_connections_are_kept_for_the_workers_life(tmp_path):
    database = setting("DATABASES['default']", READER_SQLITE_PATH=str(tmp_path / "reader.sqlite3"))
    assert database["CONN_MAX_AGE"] is None


def test_the_suite_runs_on_the_database_database_url_names(db):
    """`make test` runs twice; the second run must really be on PostgreSQL."""
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            assert cursor.fetchone()[0].startswith("15")


def test_every_response_carries_csp_and_frame_headers(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_oversized_requests_are_refused_before_they_are_read(client, settings, django_user_model):
    settings.READER_MAX_REQUEST_BYTES = 1000
    response = client.post("/accounts/login/", {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert "the limit is 1,000 bytes" in response.content.decode()
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200
