"""Bundle export of many annotations (issue 17): time, and peak Python memory for two sizes,
which should not grow with the count. Two projects of their own, each with five documents
of some 160,000 characters, a fifth of the annotations linked to a facet, one in fifty
with a reply. The bundle is streamed as a server would send it (chunk by chunk, never
joined). Runs against a throwaway SQLite database.

    .venv/bin/python bench/bundle.py [--annotations 100000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from export import peak_memory  # noqa: E402
from reader_page import annotation_row, setup_django  # noqa: E402


def project_with(owner, count: int):
    from reader.models import Annotation, FacetLink, Reply
    from reader.services.documents import document_create, outlet_get_or_create
    from reader.services.events import event_create, facet_create
    from reader.services.projects import project_create
    from reader.vocabularies import Kind

    rng = random.Random(3)
    project = project_create(name=f"Bundle {count}", slug=f"bundle-{count}", owner=owner)
    outlet = outlet_get_or_create(project=project, name="Bench outlet")
    facet = facet_create(
        event=event_create(project=project, name="Bench event"),
        name="Death toll",
        value_type="number",
    )
    base = "Officials said 33 soldiers were killed near Balyun at about 5 p.m.; café 💥. "
    documents = [
        document_create(
            project=project, outlet=outlet, title=f"Bench {n}", text=f"{n}. " + base * 2000
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
        [FacetLink(annotation=a, facet=facet, author=owner, value="33") for a in created[::5]],
        batch_size=5000,
    )
    Reply.objects.bulk_create(
        [Reply(annotation=a, author=owner, text="Which ministry?") for a in created[::50]],
        batch_size=5000,
    )
    return project


def stream(project) -> int:
    """The bundle as the export view streams it; its size in bytes."""
    from reader.formats import BUNDLE, export_compose

    export = export_compose(format=BUNDLE, project=project, base="http://bench", sees_hidden=True)
    return sum(len(chunk.encode("utf-8")) for chunk in export.stream())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.contrib.auth import get_user_model

        owner = get_user_model().objects.create_user("bench")
        small_count = max(1, args.annotations // 10)
        small, large = project_with(owner, small_count), project_with(owner, args.annotations)
        stream(large)  # warm
        started = time.perf_counter()
        size = stream(large)
        seconds = time.perf_counter() - started
        print(f"bundle export, SQLite, {args.annotations:,} annotations ({size / 2**20:.1f} MB)")
        print(f"  time {seconds:.2f} s, {args.annotations / seconds:,.0f} annotations/s")
        print(
            f"  peak Python memory (tracemalloc): {small_count:,} annotations "
            f"{peak_memory(stream, small):.1f} MB, {args.annotations:,} annotations "
            f"{peak_memory(stream, large):.1f} MB"
        )
        print(f"\nmeasured with: .venv/bin/python bench/bundle.py --annotations {args.annotations}")


if __name__ == "__main__":
    main()
