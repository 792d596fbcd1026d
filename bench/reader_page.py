"""Reader page server time: the longest seed document, and a 1 MB document with 2,000
annotations. Runs against a throwaway SQLite database; prints p50 / p95, HTML size and
queries per request.

    .venv/bin/python bench/reader_page.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import percentiles  # noqa: E402


def setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "reader.settings"
    os.environ["READER_SQLITE_PATH"] = str(database)
    os.environ["READER_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=StringIO())


def synthetic_text(size: int) -> str:
    """About `size` characters of paragraphs, with emoji, accents and Arabic mixed in."""
    rng = random.Random(7)
    words = [
        "airstrike",
        "soldiers",
        "killed",
        "Idlib",
        "Balyun",
        "convoy",
        "ministry",
        "Behun",
        "reported",
        "at",
        "least",
        "36",
        "officials",
        "said",
        "Ankara",
        "Moscow",
        "denied",
        "café",
        "💥",
        "🇹🇷",
        "وزارة",
        "الدفاع",
        "中文",
        "the",
        "of",
        "and",
        "in",
    ]
    paragraphs, length = [], 0
    while length < size:
        paragraph = " ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + ".\n\n"
        paragraphs.append(paragraph)
        length += len(paragraph)
    return "".join(paragraphs)[:size]


def annotation_row(document, author, start: int, end: int, kind: str, note: str = ""):
    """An unsaved annotation on [start, end) with its quote, for bulk_create."""
    from reader import anchoring, sanitize
    from reader.models import Annotation

    quote = anchoring.quote_for(document.text, start, end)
    return Annotation(
        document=document,
        author=author,
        kind=kind,
        start=start,
        end=end,
        quote_exact=quote.exact,
        quote_prefix=quote.prefix,
        quote_suffix=quote.suffix,
        note=note,
        note_html=sanitize.note_to_html(note),
    )


def big_document(owner, annotations: int, size: int):
    from reader.models import Annotation, Project
    from reader.services.documents import document_create, outlet_get_or_create
    from reader.vocabularies import Kind

    project = Project.objects.get(slug="idlib-2020")
    outlet = outlet_get_or_create(project=project, name="Bench outlet")
    document = document_create(
        project=project,
        outlet=outlet,
        title=f"Bench: {size:,} characters",
        text=synthetic_text(size),
    )
    rng = random.Random(11)
    text, rows = document.text, []
    for _ in range(annotations):
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randint(5, 300)
        rows.append(
            annotation_row(
                document,
                owner,
                start,
                end,
                rng.choice(Kind.values),
                note="Bench note with a link https://example.org",
            )
        )
    # Bulk insert: the benchmark measures the page, not 2,000 service calls.
    Annotation.objects.bulk_create(rows)
    return document


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (templates, URL resolver)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    p50, p95 = percentiles(times)
    return {
        "p50": p50,
        "p95": p95,
        "bytes": len(response.content),
        "queries": len(queries.captured_queries),
    }


def big_document_arguments(description: str) -> argparse.Namespace:
    """--runs, and the big document's --annotations and --size (characters)."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--annotations", type=int, default=2000)
    parser.add_argument("--size", type=int, default=1_000_000)
    return parser.parse_args()


def demo_member(username: str, role: str):
    """A new account, a member of the demo project with `role`; (it, the project)."""
    from django.contrib.auth import get_user_model

    from reader.models import Project
    from reader.services.projects import membership_set

    user = get_user_model().objects.create_user(username)
    project = Project.objects.get(slug="idlib-2020")
    membership_set(project=project, user=user, role=role)
    return user, project


def main() -> None:
    args = big_document_arguments(__doc__)

    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.test import Client

        from reader.models import Document
        from reader.vocabularies import Role

        owner, project = demo_member("bench", Role.OWNER)
        longest_seed = max(project.documents.all(), key=lambda d: len(d.text))
        big = big_document(owner, args.annotations, args.size)
        client = Client()
        client.force_login(owner)

        print(f"Reader page, Django test client, SQLite, {args.runs} runs each")
        print(
            f"{'document':46} {'chars':>9} {'annots':>6} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'HTML KB':>8} {'queries':>7}"
        )
        for document in (longest_seed, big):
            document = Document.objects.get(pk=document.pk)
            result = measure(client, document.get_absolute_url(), args.runs)
            label = f"{document.origin or document.title}"[:46]
            print(
                f"{label:46} {len(document.text):>9,} {document.annotations.count():>6} "
                f"{result['p50']:>7.1f} {result['p95']:>7.1f} {result['bytes'] / 1024:>8.0f} "
                f"{result['queries']:>7}"
            )
        print(f"\nmeasured with: .venv/bin/python bench/reader_page.py --runs {args.runs}")


if __name__ == "__main__":
    main()
