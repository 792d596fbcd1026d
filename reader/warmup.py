"""What a process does once before its first request, so that no analyst's request pays
for it (issue 17): the first request a fresh gunicorn worker answered cost 25-90 ms more
than the next one (importing every view through the URLconf, compiling the templates it
renders, loading the translation catalogue, opening the database and reading its schema).

gunicorn.conf.py calls `warm_up()` in the master after the app is loaded (--preload),
so every worker forked from it inherits the work in shared pages, and
`connect_database()` in each worker after the fork (a connection must not cross a fork).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.urls import get_resolver
from django.utils import translation


def template_names(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.html"))


def compile_templates() -> int:
    """Every project template through each engine's loaders: the cached loader of a
    production engine keeps the compiled template for the life of the process."""
    compiled = 0
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for folder in engine.engine.dirs:
            for name in template_names(Path(folder)):
                engine.get_template(name)
                compiled += 1
    return compiled


def warm_up() -> int:
    """Import every view, compile every template, load the default language's catalogue.
    Returns the number of templates compiled. Opens no database connection."""
    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and with it every view)
    get_resolver()._populate()  # reverse()'s tables, built on its first call otherwise
    translation.activate(settings.LANGUAGE_CODE)
    try:
        return compile_templates()
    finally:
        translation.deactivate()


def connect_database() -> None:
    """Open each database's connection and read its schema (SQLite parses it on a
    connection's first statement): kept for the worker's life (settings.CONN_MAX_AGE).
    A database that is down is left to the first request, which answers 503 for it
    (reader/dbfailure.py) instead of the worker failing to start."""
    for connection in connections.all():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM django_migrations")
        except DatabaseError:
            connection.close()
