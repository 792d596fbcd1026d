"""Production settings pass Django's deployment checks, and refuse to start without a key."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "READER_PRODUCTION": "1",
    "DJANGO_SECRET_KEY": "k" * 20 + "production-only-secret-for-the-deploy-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "reader.example.org",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "reader.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "needs DJANGO_SECRET_KEY" in result.stderr


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
