"""The peer benchmark's operations (../shared/peer-bench), timed in-process: the five seed
texts and `long` (the five joined and repeated 40 times: about 1.2 M characters) in a
project of their own, 50 spans on each seed and 2,000 on `long`. Each operation is the
request the harness's Reader adapter sends, through the Django test client (whole
middleware stack, production-like settings, SQLite): add one span (API POST of a W3C
annotation with a token), the reader page (signed in), the API container followed by its
`next` pages, the W3C export and the bundle export. Prints median, p95 and queries per
operation; `--profile NAME` prints a cProfile of that operation instead.

    .venv/bin/python bench/peer_ops.py [--runs 30] [--only add_long,page_seed]
    .venv/bin/python bench/peer_ops.py --profile add_long [--runs 50] [--sort tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reader_page import annotation_row, setup_django  # noqa: E402

KINDS = ("claim", "opinion", "user_comment")
W3C = "application/ld+json"


def spans(rng: random.Random, text: str, count: int) -> list[tuple[int, int, str]]:
    """`count` spans, one per equal slot, 5 to 80 characters (as the harness makes them)."""
    slot = len(text) // count
    out = []
    for index in range(count):
        length = rng.randint(5, min(80, slot - 1))
        start = rng.randint(index * slot, index * slot + slot - length - 1)
        out.append((start, start + length, rng.choice(KINDS)))
    return out


def corpus(owner):
    """The bench project: the five seeds, `long`, their spans (bulk, untimed)."""
    from reader.models import Annotation, Project
    from reader.services.documents import document_create, outlet_get_or_create
    from reader.services.projects import project_create

    seeds = [
        (d.title, d.text)
        for d in Project.objects.get(slug="idlib-2020").documents.order_by("pk")[:5]
    ]
    project = project_create(name="bench", slug="bench", owner=owner)
    outlet = outlet_get_or_create(project=project, name="bench")
    long_text = "\n\n".join(text for _ in range(40) for _, text in seeds)
    rng = random.Random(42)
    documents, rows = {}, []
    for name, text, count in [*((n, t, 50) for n, t in seeds), ("long", long_text, 2000)]:
        document = document_create(
            project=project, outlet=outlet, title=name, text=text, added_by=owner
        )
        documents[name] = document
        rows += [annotation_row(document, owner, s, e, k) for s, e, k in spans(rng, text, count)]
    Annotation.objects.bulk_create(rows, batch_size=1000)
    return project, documents


def post_body(document, rng: random.Random) -> bytes:
    """One W3C annotation as the harness's Reader adapter posts it."""
    text = document.text
    start = rng.randrange(0, len(text) - 100)
    end = start + rng.randint(5, 80)
    return json.dumps(
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "motivation": "tagging",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}],
            "target": {
                "source": f"http://testserver{document.get_absolute_url()}",
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": text[start:end],
                        "prefix": text[max(0, start - 32) : start],
                        "suffix": text[end : end + 32],
                    },
                    {"type": "TextPositionSelector", "start": start, "end": end},
                ],
            },
        },
        ensure_ascii=False,
    ).encode()


def operations(project, documents, token: str, browser, api) -> dict:
    """Each operation as a function of no arguments that checks its answer."""
    from django.urls import reverse

    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    seed = next(d for name, d in documents.items() if name != "long")
    long = documents["long"]
    rng = random.Random(5)

    def container(document):
        return reverse("reader:api_container", args=[project.slug, document.pk])

    def add(document):
        def run():
            body = post_body(document, rng)
            response = api.post(container(document), body, content_type=W3C, **auth)
            assert response.status_code == 201, response.content[:300]

        return run

    def page(document):
        def run():
            response = browser.get(document.get_absolute_url())
            assert response.status_code == 200

        return run

    def read_all(document):
        def run():
            response = api.get(container(document), **auth)
            assert response.status_code == 200
            body = orjson.loads(response.content)
            page, count, requests = body.get("first"), 0, 1
            while page:
                count += len(page["items"])
                if not page.get("next"):
                    break
                page = orjson.loads(api.get(page["next"], **auth).content)
                requests += 1
            assert count == body["total"], (count, body["total"])
            return requests

        return run

    def export(params):
        def run():
            response = browser.get(reverse("reader:project_export", args=[project.slug]), params)
            assert response.status_code == 200
            return b"".join(response.streaming_content) if response.streaming else None

        return run

    return {
        "add_seed": add(seed),
        "add_long": add(long),
        "page_seed": page(seed),
        "page_long": page(long),
        "api_seed": read_all(seed),
        "api_long": read_all(long),
        "export_w3c": export({}),
        "export_bundle": export({"format": "bundle"}),
    }


def measure(function, runs: int) -> tuple[float, float, float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = function()  # warm
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        function()
    times.sort()
    p95 = times[max(0, round(len(times) * 0.95) - 1)]
    # CPU time too: on a shared machine the wall time includes the waits for a core
    return (
        statistics.median(times),
        p95,
        statistics.median(cpu),
        len(queries.captured_queries),
        result,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", default="", help="comma-separated operation names")
    parser.add_argument("--profile", default="", help="an operation to profile")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.contrib.auth import get_user_model
        from django.test import Client

        from reader.services.projects import api_token_create

        owner = get_user_model().objects.create_user("bench")
        project, documents = corpus(owner)
        _, token = api_token_create(user=owner, name="bench")
        browser = Client()
        browser.force_login(owner)
        ops = operations(project, documents, token, browser, Client())

        if args.profile:
            function = ops[args.profile]
            function()
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.runs):
                function()
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.lines)
            print(f"{args.profile}: cProfile of {args.runs} runs")
            print(out.getvalue())
            return

        names = [n for n in args.only.split(",") if n] or list(ops)
        print(f"peer operations in-process, Django test client, SQLite, {args.runs} runs each")
        print(f"{'operation':16} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8} {'queries':>8}  result")
        for name in names:
            p50, p95, cpu, queries, result = measure(ops[name], args.runs)
            extra = f"{result} requests" if name.startswith("api_") else ""
            print(f"{name:16} {p50:>8.1f} {p95:>8.1f} {cpu:>8.1f} {queries:>8}  {extra}")
        print(f"\nmeasured with: .venv/bin/python bench/peer_ops.py --runs {args.runs}")


if __name__ == "__main__":
    main()
