"""Cold start and server memory (issue 17): gunicorn as `make serve-prod` runs it (production
settings, --preload, 5 workers, SQLite), on a database deployed beforehand (migrate,
createcachetable, collectstatic, the demo: the deploy step, not timed). Prints the time from
starting gunicorn to the first 200 of the API (an annotation container, with a token), and
the PSS of the master and its workers (from /proc/<pid>/smaps_rollup), idle and after a load
of API reads and creates spread over the workers.

    .venv/bin/python bench/cold_start.py [--starts 5] [--workers 5] [--requests 400]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


def get(port: int, path: str, token: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


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
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as name, database_environment("sqlite", Path(name)) as db:
        env = production_environment(db)
        accounts, documents, _, _ = prepare_database(env, annotators=1)
        token = accounts[0].token
        container = documents[0].container
        rng = random.Random(17)
        colds, idle, loaded = [], [], []
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
                pids = [server.process.pid, *server.worker_pids()]
                idle.append(sum(pss_kb(pid) for pid in pids) / 1024)

                def one(index: int, port: int = server.port) -> int:
                    document = documents[index % len(documents)]
                    if index % 4 == 0:
                        span = random_span(document.text, rng)
                        body = annotation_body(document, span, "claim", "cold start")
                        return post(port, document.container, token, json.dumps(body).encode())
                    return get(port, document.container, token)

                with ThreadPoolExecutor(args.workers * 2) as pool:
                    statuses = list(pool.map(one, range(args.requests)))
                assert all(s in (200, 201) for s in statuses), sorted(set(statuses))
                pids = [server.process.pid, *server.worker_pids()]
                loaded.append(sum(pss_kb(pid) for pid in pids) / 1024)
            finally:
                stop(server)
        print(f"gunicorn --preload, {args.workers} workers, SQLite, {args.starts} starts")
        print(
            f"cold start to the first API 200: median {statistics.median(colds):.2f} s "
            f"(min {min(colds):.2f}, max {max(colds):.2f})"
        )
        print(f"PSS of master + workers, idle: median {statistics.median(idle):.0f} MB")
        print(
            f"PSS after {args.requests} API requests (1 in 4 a create): "
            f"median {statistics.median(loaded):.0f} MB (max {max(loaded):.0f})"
        )
        print(
            f"\nmeasured with: .venv/bin/python bench/cold_start.py --starts {args.starts} "
            f"--workers {args.workers} --requests {args.requests}"
        )


if __name__ == "__main__":
    main()
