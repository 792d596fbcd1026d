"""The live-updates poll: server time and queries per request, when nothing changed (204)
and when teammates changed something (the bar). Throwaway SQLite database.

    .venv/bin/python bench/poll.py [--runs 500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reader_page import setup_django  # noqa: E402


def timed(client, url: str, runs: int, status: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == status, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        from reader.models import Project
        from reader.services.projects import membership_set
        from reader.vocabularies import Role

        reader = get_user_model().objects.create_user("reader")
        project = Project.objects.get(slug="idlib-2020")
        membership_set(project=project, user=reader, role=Role.VIEWER)
        document = project.documents.order_by("pk").first()
        if document is None:
            raise SystemExit("The demo project has no documents to poll.")
        url = reverse("reader:document_changes", args=[project.slug, document.pk])
        client = Client()
        client.force_login(reader)
        print(f"Live-updates poll, Django test client, SQLite, {args.runs} runs each")
        for label, since, status in (
            ("nothing new (204)", document.revision, 204),
            ("changes (bar)", 0, 200),
        ):
            p50, p95, queries = timed(client, f"{url}?since={since}", args.runs, status)
            print(f"  {label:18} p50 {p50:.2f} ms  p95 {p95:.2f} ms  queries {queries}")
        print(f"\nmeasured with: .venv/bin/python bench/poll.py --runs {args.runs}")


if __name__ == "__main__":
    main()
