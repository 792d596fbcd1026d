"""gunicorn's hooks for `make serve-prod` (and bench/cold_start.py, which runs it the same
way): what keeps the workers' memory down (issue 17, bench/README.md has the figures).

- The app is loaded once in the master (--preload) and the workers are forked from it,
  sharing its pages until they write to them. Python's garbage collector writes to every
  object it scans, so a worker's first full collection would copy most of what it shares:
  gc.freeze() just before each fork moves what the master holds out of the collector's
  reach (the workers still collect what they make themselves).
- A worker that answered a large request (the reader page of a 1.2 M-character source
  builds some 20 MB of objects) frees that memory, but glibc keeps most of it mapped, so
  every worker would keep the high-water mark of its largest request. malloc_trim(0) after
  each request hands the free pages back (0.1-0.2 ms after a small request, up to 15 ms
  after the largest, once the answer is sent).
- The largest requests (the facet matrix of 30 sources and 3,000 links, a 2,000-annotation
  page or API answer, the exports) allocate a few hundred thousand objects, which at
  Python's default threshold (a collection every 700) is some 30 collections, about 10 ms
  of each such request, that find next to nothing: Django's requests make few reference
  cycles. A worker collects every 50,000 instead (bench/README.md has the figures).
- What every process would otherwise do on its first request (import the views, compile
  the templates: reader/warmup.py) is done once in the master, before the fork; each
  worker opens its database connection before it takes a request.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

_libc = ctypes.CDLL(ctypes.util.find_library("c"))
# glibc only; elsewhere there is nothing to hand back this way.
_malloc_trim = getattr(_libc, "malloc_trim", None)


def when_ready(server) -> None:
    # With --preload (serve-prod) the app is loaded in the master: warm it once there, for
    # every worker. Without, each worker warms its own (post_worker_init).
    if server.cfg.preload_app:
        from reader.warmup import warm_up

        warm_up()


def pre_fork(server, worker) -> None:
    # Workers keep their database connection (settings.py): one the master opened while
    # loading the app must not be inherited by every worker (SQLite forbids using a
    # connection across fork()). Loading opens none today; this keeps it so.
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()
    gc.freeze()


# Allocations between two collections of the youngest generation; the older generations
# keep their default ratios.
GC_THRESHOLD = 50_000


def post_fork(server, worker) -> None:
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, older, oldest)


def post_worker_init(worker) -> None:
    # The app is loaded in this worker by now, with --preload or without.
    from reader.warmup import connect_database, warm_up

    if not worker.cfg.preload_app:
        warm_up()
    connect_database()


def post_request(worker, req, environ, resp) -> None:
    if _malloc_trim is not None:
        _malloc_trim(0)
