from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reader.settings")
application = get_wsgi_application()


def _load_before_fork() -> None:
    """Import the URLconf (and with it every view) now, then move every object made so far
    out of the collector's reach (gc.freeze). Under gunicorn --preload (make serve-prod) this
    runs once in the master: the forked workers share those pages instead of each importing
    the views on its first request, and the collector, which writes to every object it
    visits, no longer copies the shared pages into each worker. Without --preload each
    worker does the same for itself, which costs nothing more."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports reader.urls and the views)
    gc.freeze()


_load_before_fork()
