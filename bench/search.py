"""Project search over the large corpus (1,000 documents, 100,000 annotations, 7,000 facet
links; bench/corpus.py): how long the index takes to build, and the search page's server
time (p50 / p95) and queries for a common word, a rare one, two words and a filtered query,
on SQLite (FTS5) and PostgreSQL 15 (tsvector + GIN), each in its own process.

    .venv/bin/python bench/search.py [--database sqlite|postgres|both] [--runs 20]
                                     [--keep FOLDER]

With --keep, the SQLite corpus is built once into FOLDER/bench.sqlite3 and reused by the
next runs (migrated first, so an index a new migration adds is there); PostgreSQL always
builds its own.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import database_arguments, each_database, measured_with  # noqa: E402

if TYPE_CHECKING:
    from corpus import Corpus

QUERIES = {
    "common word (soldiers)": {"q": "soldiers"},
    "prefix (minist)": {"q": "minist"},
    "two words (ankara denied)": {"q": "ankara denied"},
    "rare (corpus article 977)": {"q": "corpus article 977"},
    "filtered: claims by one author": {"q": "soldiers", "kind": "claim"},
}


def run_one(database: str, runs: int, documents: int, annotations: int, keep: str) -> None:
    from suite import setup

    with tempfile.TemporaryDirectory() as folder:
        where = Path(keep) if keep and database == "sqlite" else Path(folder)
        where.mkdir(parents=True, exist_ok=True)
        reuse = (where / "bench.sqlite3").exists()
        closer = setup(database, where)
        try:
            measure(database, runs, documents, annotations, reuse=reuse)
        finally:
            from django.db import connections

            connections.close_all()
            if closer is not None:
                closer.__exit__(None, None, None)


def measure(
    database: str, runs: int, documents: int, annotations: int, *, reuse: bool = False
) -> None:
    from corpus import build_corpus
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from timing import percentiles

    from reader.models import SearchEntry
    from reader.services.projects import membership_set
    from reader.services.search import search_rebuild
    from reader.vocabularies import Role

    build_args = {"documents": documents, "annotations": annotations}
    corpus = kept_corpus() if reuse else build_corpus(**build_args)
    started = time.perf_counter()
    entries = search_rebuild(project_id=corpus.project.pk)
    build = time.perf_counter() - started
    owner, _ = get_user_model().objects.get_or_create(username="bench-search")
    membership_set(project=corpus.project, user=owner, role=Role.OWNER)
    client = Client()
    client.force_login(owner)
    url = reverse("reader:project_search", args=[corpus.project.slug])
    print(
        f"\n== {database}: {corpus.annotation_count:,} annotations, {corpus.link_count:,} links,"
        f" {len(corpus.documents):,} documents -> {entries:,} search entries"
        f" ({SearchEntry.objects.count():,} in the table), built in {build:.1f} s"
    )
    for label, query in QUERIES.items():
        if "kind" in query:
            query = {**query, "author": str(corpus.users[0].pk)}
        client.get(url, query)  # warm
        times = []
        for _ in range(runs):
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, query)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        p50, p95 = percentiles(times)
        found = re.search(r"([\d,]+) results? for", response.content.decode())
        total = int(found.group(1).replace(",", "")) if found else 0
        print(
            f"{label:34} {total:>7,} matches  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
            f"  {len(queries.captured_queries)} queries"
        )


def kept_corpus() -> Corpus:
    """The corpus a previous run with --keep built, read back."""
    from corpus import Corpus
    from django.contrib.auth import get_user_model

    from reader.models import Annotation, Document, FacetLink, Project

    project = Project.objects.get(slug="idlib-2020")
    users = list(get_user_model().objects.filter(username__startswith="analyst").order_by("pk"))
    matrix_event = project.events.order_by("pk").first()
    if matrix_event is None:
        raise SystemExit("The kept database has no event: delete it to build the corpus again.")
    return Corpus(
        project=project,
        users=users,
        documents=list(Document.objects.filter(project=project).only("pk")),
        matrix_event=matrix_event,
        annotation_count=Annotation.objects.filter(document__project=project).count(),
        link_count=FacetLink.objects.filter(annotation__document__project=project).count(),
    )


def main() -> None:
    keep = _keep()
    args = database_arguments(__doc__, runs=20)
    if args.database == "both":
        os.environ[KEEP_VARIABLE] = keep  # for the children
        each_database(__file__, args)
    else:
        run_one(args.database, args.runs, args.documents, args.annotations, keep)
    print(f"measured with: {measured_with(__file__, args)}" + (f" --keep {keep}" if keep else ""))


KEEP_VARIABLE = "READER_BENCH_KEEP"


def _keep() -> str:
    """--keep FOLDER, taken off the command line before the arguments every bench shares
    (bench/timing.py); a child of --database both finds it in the environment."""
    if "--keep" in sys.argv:
        at = sys.argv.index("--keep")
        folder = sys.argv[at + 1] if at + 1 < len(sys.argv) else ""
        del sys.argv[at : at + 2]
        return folder
    return os.environ.get(KEEP_VARIABLE, "")


if __name__ == "__main__":
    main()
