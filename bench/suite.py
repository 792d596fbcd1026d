"""Every figure issue 6 asks for, on SQLite and on PostgreSQL, against the large synthetic
corpus (bench/corpus.py: 1,000 documents, 100,000 annotations, 5 events x 20 facets,
10 users) plus a 1 MB document with 2,000 annotations:

- the reader page for the 1 MB document (p50 / p95, HTML size, queries);
- creating an annotation as the browser does (htmx POST) and through the API (p50 / p95);
- the facet matrix of the event with 30 sources and 3,000 links;
- the W3C export of the 100,000 annotations (annotations/s, peak memory against a tenth
  of them), and the raw floor for the same rows with the ratio to it.

Each database runs in its own process: SQLite in a temporary file, PostgreSQL 15 in a
throwaway cluster (tests/pgcluster.py, fsync on). Targets: reader page < 100 ms p50,
create < 20 ms p50, export within 3x of the floor with flat memory.

    .venv/bin/python bench/suite.py [--database sqlite|postgres|both] [--runs 30]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import database_arguments, each_database, measured_with, percentiles  # noqa: E402

TARGETS = {"reader_p50": 100.0, "create_p50": 20.0, "export_ratio": 3.0}


def setup(database: str, folder: Path):
    """Point Django at the database, migrate and load the demo; returns what to close."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "reader.settings"
    os.environ["READER_DEBUG"] = "0"
    closer = None
    if database == "postgres":
        from tests.pgcluster import cluster

        closer = cluster(durable=True)
        os.environ["DATABASE_URL"] = closer.__enter__()
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["READER_SQLITE_PATH"] = str(folder / "bench.sqlite3")
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    return closer


def measure_creates(client, document, runs: int) -> dict:
    """The browser's create: an htmx POST with UTF-16 offsets and the quote it saw; the
    response is the re-rendered panel, as in the app."""
    from django.urls import reverse

    from reader.anchoring import Utf16Index

    url = reverse("reader:annotation_create", args=[document.project.slug, document.pk])
    index = Utf16Index(document.text)
    times = []
    for n in range(runs + 1):
        start = (n * 37) % (len(document.text) - 40)
        data = {
            "kind": "claim",
            "start": index.to_utf16(start),
            "end": index.to_utf16(start + 20),
            "quote": document.text[start : start + 20],
            "note": f"bench {n}",
        }
        started = time.perf_counter()
        response = client.post(url, data, headers={"HX-Request": "true"})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content[:300]
        if n:  # the first warms the templates
            times.append(elapsed)
    return dict(zip(("p50", "p95"), percentiles(times), strict=True))


def measure_api_creates(client, document, token: str, runs: int) -> dict:
    from django.urls import reverse

    url = reverse("reader:api_container", args=[document.project.slug, document.pk])
    times = []
    for n in range(runs + 1):
        start = (n * 53) % (len(document.text) - 40)
        body = {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "opinion"}],
            "target": {
                "source": f"http://testserver/p/{document.project.slug}/documents/{document.pk}/",
                "selector": [
                    {"type": "TextPositionSelector", "start": start, "end": start + 20},
                    {"type": "TextQuoteSelector", "exact": document.text[start : start + 20]},
                ],
            },
        }
        started = time.perf_counter()
        response = client.post(
            url,
            json.dumps(body),
            content_type="application/ld+json",
            headers={"Authorization": f"Bearer {token}"},
        )
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 201, response.content[:300]
        if n:
            times.append(elapsed)
    return dict(zip(("p50", "p95"), percentiles(times), strict=True))


def run_one(database: str, runs: int, documents: int, annotations: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        closer = setup(database, Path(folder))
        try:
            return _measure_all(database, runs, documents, annotations)
        finally:
            from django.db import connections

            connections.close_all()
            if closer is not None:
                closer.__exit__(None, None, None)


def _measure_all(database: str, runs: int, documents: int, annotations: int) -> dict:
    from corpus import build_corpus
    from django.contrib.auth import get_user_model
    from django.test import Client
    from export import peak_memory, raw_floor, w3c_export
    from reader_page import big_document, measure

    from reader.models import Document
    from reader.services.projects import api_token_create, membership_set
    from reader.vocabularies import Role

    started = time.perf_counter()
    corpus = build_corpus(documents=documents, annotations=annotations)
    build_seconds = time.perf_counter() - started
    owner = get_user_model().objects.create_user("bench")
    membership_set(project=corpus.project, user=owner, role=Role.OWNER)
    big = Document.objects.get(pk=big_document(owner, 2_000, 1_000_000).pk)
    client = Client()
    client.force_login(owner)

    figures: dict = {"database": database, "build_seconds": build_seconds}
    figures["reader"] = measure(client, big.get_absolute_url(), runs)
    typical = Document.objects.get(pk=corpus.documents[len(corpus.documents) // 2].pk)
    figures["reader_typical"] = measure(client, typical.get_absolute_url(), runs)
    figures["create"] = measure_creates(client, typical, runs * 2)
    _, token = api_token_create(user=owner, name="bench")
    figures["api_create"] = measure_api_creates(Client(), typical, token, runs * 2)
    figures["matrix"] = measure(client, corpus.matrix_event.get_absolute_url(), runs)

    every = list(Document.objects.filter(pk__in=[d.pk for d in corpus.documents]))
    started = time.perf_counter()
    count, size = w3c_export(corpus.project, every)
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    raw_floor(every)
    floor_seconds = time.perf_counter() - started
    tenth = every[: len(every) // 10]
    figures["export"] = {
        "count": count,
        "megabytes": size / 1024 / 1024,
        "seconds": export_seconds,
        "per_second": count / export_seconds,
        "floor_seconds": floor_seconds,
        "floor_per_second": count / floor_seconds,
        "ratio": export_seconds / floor_seconds,
        "peak_tenth_mb": peak_memory(w3c_export, corpus.project, tenth),
        "peak_all_mb": peak_memory(w3c_export, corpus.project, every),
    }
    figures["corpus"] = {
        "documents": len(corpus.documents),
        "annotations": corpus.annotation_count,
        "links": corpus.link_count,
    }
    return figures


def verdict(value: float, target: float) -> str:
    return "meets" if value < target else "MISSES"


def report(figures: dict) -> None:
    database = figures["database"]
    corpus = figures["corpus"]
    print(
        f"\n== {database}: {corpus['documents']:,} documents, {corpus['annotations']:,} "
        f"annotations, {corpus['links']:,} links (built in {figures['build_seconds']:.0f} s)"
    )
    reader, typical = figures["reader"], figures["reader_typical"]
    print(
        f"reader page, 1 MB / 2,000 annotations: p50 {reader['p50']:.1f} ms, "
        f"p95 {reader['p95']:.1f} ms, {reader['bytes'] / 1024:,.0f} KB, "
        f"{reader['queries']} queries  [{verdict(reader['p50'], TARGETS['reader_p50'])} < 100 ms]"
    )
    print(
        f"reader page, a corpus article ({typical['bytes'] / 1024:,.0f} KB): "
        f"p50 {typical['p50']:.1f} ms, p95 {typical['p95']:.1f} ms, {typical['queries']} queries"
    )
    create, api = figures["create"], figures["api_create"]
    print(
        f"annotation create, browser (htmx POST: new item and text): p50 {create['p50']:.1f} ms,"
        f" p95 {create['p95']:.1f} ms  [{verdict(create['p50'], TARGETS['create_p50'])} < 20 ms]"
    )
    print(f"annotation create, API POST (201): p50 {api['p50']:.1f} ms, p95 {api['p95']:.1f} ms")
    matrix = figures["matrix"]
    print(
        f"facet matrix, 30 sources / 3,000 links: p50 {matrix['p50']:.1f} ms, "
        f"p95 {matrix['p95']:.1f} ms, {matrix['bytes'] / 1024:,.0f} KB, {matrix['queries']} queries"
    )
    export = figures["export"]
    print(
        f"W3C export, {export['count']:,} annotations ({export['megabytes']:.0f} MB): "
        f"{export['seconds']:.1f} s, {export['per_second']:,.0f} annotations/s"
    )
    print(
        f"raw floor (one SQL query + json.dumps): {export['floor_seconds']:.1f} s, "
        f"{export['floor_per_second']:,.0f} rows/s; export / floor = {export['ratio']:.1f}x  "
        f"[{verdict(export['ratio'], TARGETS['export_ratio'])} < 3x]"
    )
    print(
        f"export peak Python memory: {export['count'] // 10:,} annotations "
        f"{export['peak_tenth_mb']:.1f} MB, {export['count']:,} annotations "
        f"{export['peak_all_mb']:.1f} MB"
    )


def main() -> None:
    args = database_arguments(__doc__, runs=30)
    if args.database == "both":
        each_database(__file__, args)
        print(f"\nmeasured with: {measured_with(__file__, args)}")
        return
    figures = run_one(args.database, args.runs, args.documents, args.annotations)
    report(figures)
    print(f"measured with: {measured_with(__file__, args)}")


if __name__ == "__main__":
    main()
