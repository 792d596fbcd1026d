"""A long document's annotations through the API: pages of 100 (?limit=100, the default
until 2026-12-01) followed by their links, against the default page (5,000: one request).
Server time in-process (Django test client, SQLite), with a personal token as a script
would send it; prints p50 / p95, bytes, queries and requests.

    .venv/bin/python bench/api_read.py [--runs 30] [--annotations 2000]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from reader_page import big_document, big_document_arguments, demo_member, setup_django
from timing import percentiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def read_all(client, url: str, headers: dict) -> tuple[int, int]:
    """Follow the container's pages by their links; (bytes, requests)."""
    body = client.get(url, headers=headers).json()
    size, requests, page = 0, 1, body.get("first")
    while page is not None:
        size += len(str(page))
        following = page.get("next")
        if following is None:
            break
        page = client.get(following, headers=headers).json()
        requests += 1
    return size, requests


def timed(function, runs: int) -> dict:
    function()  # warm the caches once
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    p50, p95 = percentiles(times)
    return {
        "p50": p50,
        "p95": p95,
        # CPU time: what the request costs when the machine is shared (wall time then
        # includes the waits for a core)
        "cpu": statistics.median(cpu),
        "result": result,
    }


def main() -> None:
    args = big_document_arguments(__doc__)

    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from reader.services.projects import api_token_create
        from reader.vocabularies import Role

        owner, _ = demo_member("bench", Role.VIEWER)
        big = big_document(owner, args.annotations, args.size)
        _, token = api_token_create(user=owner, name="bench")
        headers = {"Authorization": f"Bearer {token}"}
        url = reverse("reader:api_container", args=[big.project.slug, big.pk])
        client = Client()

        print(f"API read of {args.annotations:,} annotations on {len(big.text):,} characters")
        print(
            f"{'how':32} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8} {'queries':>8}"
        )
        for label, address in (
            ("pages of 100, by their links", url + "?limit=100"),
            ("the default page (one request)", url),
        ):
            result = timed(lambda a=address: read_all(client, a, headers), args.runs)
            with CaptureQueriesContext(connection) as queries:
                read_all(client, address, headers)
            print(
                f"{label:32} {result['result'][1]:>8} {result['p50']:>8.1f} "
                f"{result['p95']:>8.1f} {result['cpu']:>8.1f} {len(queries.captured_queries):>8}"
            )
        print(f"\nmeasured with: .venv/bin/python bench/api_read.py --runs {args.runs}")


if __name__ == "__main__":
    main()
