"""Cold start and server memory (issue 17): gunicorn as `make serve-prod` runs it (production
settings, gunicorn.conf.py, --preload, 5 workers, SQLite), on a database deployed beforehand
(migrate, createcachetable, collectstatic, the demo and the peer harness's corpus, as
bench/peer_ops.py makes it: the deploy step, not timed). Prints the time from starting
gunicorn to the first 200 of the API (an annotation container, with a token), and the PSS
of the master and its workers (from /proc/<pid>/smaps_rollup): idle, at its highest during
the load (sampled every 0.2 s) and after it. The load is API reads and creates spread over
the workers, with, unless --light, the heavy requests the peer harness makes among them:
the reader page of `long` (signed in), its API container with every `next` page, the W3C
export and the bundle export of the corpus, each --heavy times.

    .venv/bin/python bench/cold_start.py [--starts 5] [--workers 5] [--requests 400]
                                         [--heavy 15] [--light]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (  # noqa: E402
    ROOT,
    Server,
    annotation_body,
    database_environment,
    free_port,
    prepare_database,
    production_environment,
    random_span,
)


def pss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def tree_pss_mb(server: Server) -> float:
    return sum(pss_kb(pid) for pid in [server.process.pid, *server.worker_pids()]) / 1024


class PeakPss(threading.Thread):
    """The highest PSS of the master and its workers, sampled every 0.2 s until stopped."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server, self.peak, self.done = server, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak = max(self.peak, tree_pss_mb(self.server))

    def stop(self) -> float:
        self.done.set()
        self.join()
        return max(self.peak, tree_pss_mb(self.server))


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def get(port: int, path: str, token: str) -> int:
    return fetch(port, path, {"Authorization": f"Bearer {token}"})[0]


def read_all(port: int, path: str, token: str) -> int:
    """An API container and every `next` page after it, as the harness reads `long`."""
    headers = {"Authorization": f"Bearer {token}"}
    status, body = fetch(port, path, headers)
    page = json.loads(body).get("first") if status == 200 else None
    while status == 200 and isinstance(page, dict) and page.get("next"):
        parts = urlsplit(page["next"])
        status, body = fetch(port, f"{parts.path}?{parts.query}", headers)
        page = json.loads(body) if status == 200 else None
    return status


def signed_in_corpus(env: dict[str, str]):
    """The peer harness's corpus (bench/peer_ops.py) in the deployed database, owned by a
    user with a personal token and a session: (project, documents by name, the token, the
    session's Cookie header). Its connections are closed: the server's workers take over."""
    os.environ.update(env)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from peer_ops import corpus

    from reader.services.projects import api_token_create

    owner = get_user_model().objects.create_user("bench")
    project, documents = corpus(owner)
    _, token = api_token_create(user=owner, name="bench")
    browser = Client()
    browser.force_login(owner)
    name = settings.SESSION_COOKIE_NAME
    cookie = {"Cookie": f"{name}={browser.cookies[name].value}"}
    connections.close_all()
    return project, documents, token, cookie


def heavy_requests(env: dict[str, str]):
    """The heavy requests of the peer harness as functions of a port: the reader page of
    `long` signed in, its API container with every page, the W3C and the bundle export."""
    from django.urls import reverse

    project, documents, token, cookie = signed_in_corpus(env)
    long = documents["long"]
    page = long.get_absolute_url()
    container = reverse("reader:api_container", args=[project.slug, long.pk])
    export = reverse("reader:project_export", args=[project.slug])
    return [
        lambda port: fetch(port, page, cookie)[0],
        lambda port: read_all(port, container, token),
        lambda port: fetch(port, export, cookie)[0],
        lambda port: fetch(port, export + "?format=bundle", cookie)[0],
    ]


def post(port: int, path: str, token: str, body: bytes) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/ld+json"}
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def start(env: dict[str, str], workers: int, folder: Path) -> tuple[Server, float]:
    """gunicorn with serve-prod's flags; returns once it is started (not yet answering)."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "reader.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--config=gunicorn.conf.py",
        "--preload",
        "--timeout=120",
        "--error-logfile=-",
    ]
    log = folder / "gunicorn.log"
    started = time.perf_counter()
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file
        )
    return Server(port, process, log, workers), started


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--heavy", type=int, default=15, help="times each heavy request")
    parser.add_argument("--light", action="store_true", help="API requests only, as before")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as name, database_environment("sqlite", Path(name)) as db:
        env = production_environment(db)
        accounts, documents, _, _ = prepare_database(env, annotators=1)
        heavy = [] if args.light else heavy_requests(env)
        token = accounts[0].token
        container = documents[0].container
        rng = random.Random(17)
        colds, idle, peaks, loaded = [], [], [], []
        for _ in range(args.starts):
            server, started = start(env, args.workers, Path(name))
            try:
                while True:
                    if server.process.poll() is not None:
                        raise RuntimeError(server.log.read_text()[-3000:])
                    try:
                        if get(server.port, container, token) == 200:
                            break
                    except OSError:
                        pass
                    time.sleep(0.01)
                colds.append(time.perf_counter() - started)
                while len(server.worker_pids()) < args.workers:
                    time.sleep(0.05)
                time.sleep(1)
                idle.append(tree_pss_mb(server))
                # The heavy requests spread among the API ones, each --heavy times.
                mix = ["api"] * args.requests + [
                    n for n in range(len(heavy)) for _ in range(args.heavy)
                ]
                random.Random(len(idle)).shuffle(mix)

                def one(index: int, port: int = server.port, mix: list = mix) -> int:
                    if mix[index] != "api":
                        return heavy[mix[index]](port)
                    document = documents[index % len(documents)]
                    if index % 4 == 0:
                        span = random_span(document.text, rng)
                        body = annotation_body(document, span, "claim", "cold start")
                        return post(port, document.container, token, json.dumps(body).encode())
                    return get(port, document.container, token)

                sampler = PeakPss(server)
                sampler.start()
                with ThreadPoolExecutor(args.workers * 2) as pool:
                    statuses = list(pool.map(one, range(len(mix))))
                peaks.append(sampler.stop())
                assert all(s in (200, 201) for s in statuses), sorted(set(statuses))
                time.sleep(1)
                loaded.append(tree_pss_mb(server))
            finally:
                stop(server)
        print(f"gunicorn --preload, {args.workers} workers, SQLite, {args.starts} starts")
        print(
            f"cold start to the first API 200: median {statistics.median(colds):.2f} s "
            f"(min {min(colds):.2f}, max {max(colds):.2f})"
        )
        print(f"PSS of master + workers, idle: median {statistics.median(idle):.0f} MB")
        load = f"{args.requests} API requests (1 in 4 a create)"
        if heavy:
            load += f" and {len(heavy)} x {args.heavy} heavy ones (page, API, exports of `long`)"
        print(
            f"PSS during {load}: highest median {statistics.median(peaks):.0f} MB "
            f"(max {max(peaks):.0f})"
        )
        print(
            f"PSS 1 s after it: median {statistics.median(loaded):.0f} MB (max {max(loaded):.0f})"
        )
        flags = f" --heavy {args.heavy}" if heavy else " --light"
        print(
            f"\nmeasured with: .venv/bin/python bench/cold_start.py --starts {args.starts} "
            f"--workers {args.workers} --requests {args.requests}{flags}"
        )


if __name__ == "__main__":
    main()
