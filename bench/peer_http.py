"""The peer harness's requests over real HTTP (issues 15 and 17), without the peers: gunicorn
as `make serve-prod` runs it (production settings, gunicorn.conf.py, --preload), on the
peer harness's corpus (bench/peer_ops.py: the five seeds with 50 spans, `long` with 2,000),
timed at a keep-alive-free http.client, one request at a time. For each: the time to the
last byte, and that plus the client's parse of the JSON (what the harness times, the same
for every peer). The adds POST one W3C annotation (a new random span each time) with a
personal token, as the harness's Reader adapter does; the API rows are a container's
annotations in one request (the default page: `long`'s 2,000), with the token; the pages
and exports are signed in with a session.

    .venv/bin/python bench/peer_http.py [--runs 30] [--workers 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cold_start import fetch, signed_in_corpus, start, stop  # noqa: E402
from load import (  # noqa: E402
    database_environment,
    prepare_database,
    production_environment,
    wait_until_serving,
)
from peer_ops import post_body  # noqa: E402
from timing import percentiles  # noqa: E402

Request = tuple[str, dict[str, str], Callable[[], bytes] | None]


def requests(env: dict[str, str]) -> dict[str, Request]:
    """The corpus in the deployed database; each timed request as (path, headers, and for
    a POST what makes its body)."""
    from django.urls import reverse

    project, documents, token, cookie = signed_in_corpus(env)
    bearer = {"Authorization": f"Bearer {token}"}
    seed = next(document for key, document in documents.items() if key != "long")
    long = documents["long"]
    export = reverse("reader:project_export", args=[project.slug])
    rng = random.Random(3)
    posting = bearer | {"Content-Type": "application/ld+json"}

    def container(document) -> str:
        return reverse("reader:api_container", args=[project.slug, document.pk])

    return {
        "add_seed": (container(seed), posting, lambda: post_body(seed, rng)),
        "add_long": (container(long), posting, lambda: post_body(long, rng)),
        "page_seed": (seed.get_absolute_url(), cookie, None),
        "page_long": (long.get_absolute_url(), cookie, None),
        "api_seed": (container(seed), bearer, None),
        "api_long": (container(long), bearer, None),
        "export_w3c": (export, cookie, None),
        "export_bundle": (export + "?format=bundle", cookie, None),
    }


def post(port: int, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def send(port: int, request: Request) -> tuple[int, bytes]:
    path, headers, body = request
    return fetch(port, path, headers) if body is None else post(port, path, headers, body())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="names of the requests to time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as name, database_environment("sqlite", Path(name)) as db:
        env = production_environment(db)
        prepare_database(env, annotators=1)
        timed = requests(env)
        if args.only:
            timed = {key: value for key, value in timed.items() if key in args.only}
        server, _ = start(env, args.workers, Path(name))
        try:
            wait_until_serving(server)
            print(f"gunicorn --preload, {args.workers} worker(s), SQLite, {args.runs} runs each")
            print(f"{'request':<14} {'bytes':>9} {'p50 ms':>8} {'p95 ms':>8} {'+ parse p50':>12}")
            for key, request in timed.items():
                for _ in range(3):  # every worker warm
                    send(server.port, request)
                received, parsed = [], []
                for _ in range(args.runs):
                    began = time.perf_counter()
                    status, body = send(server.port, request)
                    received.append((time.perf_counter() - began) * 1000)
                    if body[:1] in (b"{", b"["):
                        json.loads(body)
                    parsed.append((time.perf_counter() - began) * 1000)
                    assert status in (200, 201), (key, status, body[:300])
                p50, p95 = percentiles(received)
                print(
                    f"{key:<14} {len(body):>9} {p50:>8.1f} {p95:>8.1f} "
                    f"{statistics.median(parsed):>12.1f}"
                )
        finally:
            stop(server)
        print(
            f"\nmeasured with: .venv/bin/python bench/peer_http.py --runs {args.runs} "
            f"--workers {args.workers}"
        )


if __name__ == "__main__":
    main()
