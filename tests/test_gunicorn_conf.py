"""gunicorn.conf.py's hooks, as gunicorn calls them in `make serve-prod`: loaded from the
file, so a hook that fails to import or run fails here, not in production."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def hooks():
    threshold = gc.get_threshold()
    yield runpy.run_path(str(CONF))
    gc.set_threshold(*threshold)
    gc.unfreeze()


def test_a_forked_worker_collects_less_often_keeping_the_older_ratios(hooks):
    older = gc.get_threshold()[1:]
    hooks["post_fork"](None, None)
    assert gc.get_threshold() == (hooks["GC_THRESHOLD"], *older)
    assert hooks["GC_THRESHOLD"] > 700  # Python's default


def test_fork_freezes_what_the_master_holds_and_requests_trim_memory(hooks):
    hooks["pre_fork"](None, None)
    assert gc.get_freeze_count() > 0
    hooks["post_request"](None, None, {}, None)  # malloc_trim: must not raise
