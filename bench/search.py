"""Project search over the large corpus (1,000 documents, 100,000 annotations, 7,000 facet
links; bench/corpus.py): how long the index takes to build, and the search page's server
time (p50 / p95) and queries for a common word, a rare one, two words and a filtered query,
on SQLite (FTS5) and PostgreSQL 15 (tsvector + GIN), each in its own process.

    .venv/bin/python bench/search.py [--database sqlite|postgres|both] [--runs 20]
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import database_arguments, each_database, measured_with  # noqa: E402

QUERIES = {
    "common word (soldiers)": {"q": "soldiers"},
    "prefix (minist)": {"q": "minist"},
    "two words (ankara denied)": {"q": "ankara denied"},
    "rare (corpus article 977)": {"q": "corpus article 977"},
    "filtered: claims by one author": {"q": "soldiers", "kind": "claim"},
}


def run_one(database: str, runs: int, documents: int, annotations: int) -> None:
    from suite import setup

    with tempfile.TemporaryDirectory() as folder:
        closer = setup(database, Path(folder))
        try:
            measure(database, runs, documents, annotations)
        finally:
            from django.db import connections

            connections.close_all()
            if closer is not None:
                closer.__exit__(None, None, None)


def measure(database: str, runs: int, documents: int, annotations: int) -> None:
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

    corpus = build_corpus(documents=documents, annotations=annotations)
    started = time.perf_counter()
    entries = search_rebuild(project_id=corpus.project.pk)
    build = time.perf_counter() - started
    owner = get_user_model().objects.create_user("bench-search")
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


def main() -> None:
    args = database_arguments(__doc__, runs=20)
    if args.database == "both":
        each_database(__file__, args)
    else:
        run_one(args.database, args.runs, args.documents, args.annotations)
    print(f"measured with: {measured_with(__file__, args)}")


if __name__ == "__main__":
    main()
