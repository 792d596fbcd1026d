"""W3C export of many annotations: throughput, and peak memory for two sizes (it should not
grow with the count). Also the raw floor: the same rows read with one SQL query and encoded
with the stdlib json module. Runs against a throwaway SQLite database.

    .venv/bin/python bench/export.py [--annotations 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reader_page import annotation_row, setup_django  # noqa: E402


def add_annotations(owner, count: int):
    """`count` annotations over five synthetic documents, a fifth of them with a link."""
    from reader.models import Annotation, FacetLink, Project
    from reader.services.documents import document_create, outlet_get_or_create
    from reader.services.events import event_create, facet_create
    from reader.vocabularies import Kind

    rng = random.Random(3)
    project = Project.objects.get(slug="idlib-2020")
    outlet = outlet_get_or_create(project=project, name="Bench outlet")
    event = event_create(project=project, name=f"Bench event {count}")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    base = "Officials said 33 soldiers were killed near Balyun at about 5 p.m.; café 💥. "
    documents = [
        document_create(
            project=project,
            outlet=outlet,
            title=f"Bench {count} {n}",
            text=f"{count}-{n}. " + base * 2000,
        )
        for n in range(5)
    ]
    rows = []
    for index in range(count):
        document = documents[index % 5]
        start = rng.randrange(0, len(document.text) - 200)
        end = start + rng.randint(5, 120)
        note = "A note with a link https://example.org" if index % 3 == 0 else ""
        rows.append(annotation_row(document, owner, start, end, rng.choice(Kind.values), note))
    created = Annotation.objects.bulk_create(rows, batch_size=5000)
    FacetLink.objects.bulk_create(
        [
            FacetLink(
                annotation=a,
                facet=facet,
                author=owner,
                value="33",
                is_parsed=True,
                value_low=33,
                value_high=33,
            )
            for a in created[::5]
        ],
        batch_size=5000,
    )
    return project, documents


def w3c_export(project, documents) -> tuple[int, int]:
    """Stream the W3C collection of the documents' annotations; (annotations, bytes)."""
    from reader.formats.w3c_collection import stream_collection, w3c_items
    from reader.iris import Iris
    from reader.models import Annotation
    from reader.selectors.exports import annotations_for_export, export_rows

    annotations = annotations_for_export(project=project).filter(document__in=documents)
    total = annotations.count()
    size = 0
    for chunk in stream_collection(
        iri="http://bench/p/idlib-2020/export/",
        label="bench",
        total=total,
        items=w3c_items(
            export_rows(annotations, sees_hidden=True, chunk_size=1000),
            Iris(base="http://bench", slug=project.slug),
        ),
    ):
        size += len(chunk)  # UTF-8 bytes, as the view sends them
    assert Annotation.objects.filter(document__in=documents).count() == total
    return total, size


def raw_floor(documents) -> tuple[int, int]:
    """The same rows with one SQL query, encoded with json.dumps: the floor to compare with."""
    from django.db import connection

    ids = ",".join(str(d.pk) for d in documents)
    size = count = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.document_id, a.kind, a.start, a.end, a.quote_exact, a.quote_prefix,"
            " a.quote_suffix, a.note, a.created, a.modified, u.username"
            " FROM reader_annotation a JOIN auth_user u ON u.id = a.author_id"
            f" WHERE a.document_id IN ({ids}) ORDER BY a.document_id, a.start, a.end, a.id"
        )
        while rows := cursor.fetchmany(1000):
            for row in rows:
                size += len(json.dumps(row, default=str, ensure_ascii=False))
                count += 1
    return count, size


def measured(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def peak_memory(function, *args) -> float:
    tracemalloc.start()
    function(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.contrib.auth import get_user_model

        owner = get_user_model().objects.create_user("bench")
        small_count = max(1, args.annotations // 10)
        project, small = add_annotations(owner, small_count)
        _, large = add_annotations(owner, args.annotations)

        (count, size), seconds = measured(w3c_export, project, large)
        (_, floor_size), floor_seconds = measured(raw_floor, large)
        print(f"W3C export, SQLite, {count:,} annotations ({size / 1024 / 1024:.1f} MB of JSON)")
        print(f"  time {seconds:.2f} s, {count / seconds:,.0f} annotations/s")
        print(
            f"  raw floor (one SQL query + json.dumps): {floor_seconds:.2f} s, "
            f"{count / floor_seconds:,.0f} rows/s; export / floor = {seconds / floor_seconds:.1f}x"
        )
        small_peak = peak_memory(w3c_export, project, small)
        large_peak = peak_memory(w3c_export, project, large)
        print(
            f"  peak Python memory (tracemalloc): {small_count:,} annotations {small_peak:.1f} MB,"
            f" {count:,} annotations {large_peak:.1f} MB"
        )
        print(f"\nmeasured with: .venv/bin/python bench/export.py --annotations {args.annotations}")


if __name__ == "__main__":
    main()
