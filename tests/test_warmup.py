"""reader/warmup.py: what a gunicorn master does before forking its workers, and what each
worker does before its first request (gunicorn.conf.py's hooks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.urls import get_resolver

from reader.warmup import connect_database, template_names, warm_up

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def cached_loader() -> CachedLoader:
    """The cached loader, wherever it sits (template_partials wraps it in a loader of its
    own)."""
    loaders = list(engines["django"].engine.template_loaders)
    while loaders:
        loader = loaders.pop()
        if isinstance(loader, CachedLoader):
            return loader
        loaders.extend(getattr(loader, "loaders", []))
    raise AssertionError("no cached template loader")


def cached_names() -> set[str]:
    return {key.split("-")[0] for key in cached_loader().get_template_cache}


def test_warm_up_compiles_every_project_template_into_the_cached_loader():
    cached_loader().reset()
    compiled = warm_up()
    names = template_names(TEMPLATES)
    assert compiled == len(names) > 50
    assert {"reader/document_detail.html", "reader/partials/annotation_item.html"} <= set(names)
    assert set(names) <= cached_names()


def test_warm_up_imports_the_views_and_touches_no_database():
    # No django_db mark: pytest-django would fail any query warm_up made here.
    warm_up()
    assert get_resolver()._populated
    assert "reader.views.reading" in sys.modules


@pytest.mark.django_db
def test_a_worker_connects_before_its_first_request():
    connection.close()
    connect_database()
    assert connection.connection is not None


def test_a_database_that_is_down_leaves_the_worker_starting():
    """Nothing listens on the port: the worker still starts, and its first request answers
    503 through reader/dbfailure.py (tests/test_dbfailure.py) instead."""
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from reader.warmup import connect_database\n"
        "connect_database()\n"
        "print(connection.connection is None)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "reader.settings"}
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:9/none?connect_timeout=2"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
