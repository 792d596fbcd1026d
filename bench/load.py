"""Simulated annotators (50 by default) create, edit and delete annotations through the W3C
annotation API, against gunicorn, for 60 s; then the database is checked for every write a
client was told had succeeded.

    .venv/bin/python bench/load.py [--database sqlite|postgres|both] [--seconds 60]
                                   [--annotators 50] [--workers 4] [--racers 4] [--no-links]
                                   [--think SECONDS]

Most creates link their annotation to one or two of the demo's event facets (in random
order), and edits change those links: writers on different documents then meet at the
events' rows. Beside the annotators, each racer makes a linked annotation and sends two
requests on it at once, two DELETEs or a DELETE and a PUT: the answers must be 204 + 404,
or 204 + 200, 404 or 412.

Each run has a database of its own (a SQLite file in a temporary folder, or a throwaway
PostgreSQL 15 cluster with fsync on), the demo project, an annotator account and API token
per simulated annotator, and gunicorn with the production settings on a free port of
127.0.0.1 (plain HTTP). The annotators send requests back to back, without think time: a
stress, not a model of people reading; with --think, each waits a random pause of that
many seconds on average before each operation (the issue's create p95 at a realistic
pace: bench/README.md). PASS needs every acknowledged create to be in the
database exactly once unless acknowledged deleted, with its last acknowledged edit; no 5xx
and no "database is locked" seen by a client, the racers' answers as above, and no deadlock
in the server's log (retried or not). Exits 1 otherwise.

bench/faults.py runs the same load with faults injected; the annotators (bench/annotators.py)
retry what fails without an answer, looking first whether it was written.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from annotators import (  # noqa: E402
    MARKER,
    Annotator,
    Api,
    Document,
    FacetName,
    Known,
    Ledger,
    Reply,
    Sample,
    annotation_body,
    linking_bodies,
    path_of,
    random_span,
)

PROJECT = "idlib-2020"
# After --seconds, an operation under way may keep retrying this long to settle.
GRACE_S = 30
WRITE_ACKS = {("create", 201), ("edit", 200), ("delete", 204)}


# --- The run ---------------------------------------------------------------------------


@dataclass
class Account:
    username: str
    token: str


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path
    workers: int

    def worker_pids(self) -> list[int]:
        """The gunicorn master's children, read from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                if parent == self.process.pid:
                    pids.append(int(stat.parent.name))
        return pids


@dataclass
class Run:
    database: str  # sqlite or postgres
    database_url: str  # the PostgreSQL URL (for faults.py), or "" for SQLite
    server: Server
    accounts: list[Account]
    documents: list[Document]
    facets: list[FacetName] = field(default_factory=list)
    racers: list[Account] = field(default_factory=list)


@dataclass
class LoadResult:
    ledgers: list[Ledger]
    samples: list[Sample]
    started: float
    seconds: float  # from the first request to the last answer
    locked_bodies: int
    racers: list[Racer] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def database_environment(database: str, folder: Path) -> Iterator[dict[str, str]]:
    """The environment that points Django at a new, empty database of this kind."""
    if database == "sqlite":
        yield {"READER_SQLITE_PATH": str(folder / "load.sqlite3")}
        return
    from tests.pgcluster import cluster

    with cluster(durable=True) as url:
        yield {"DATABASE_URL": url}


def production_environment(database_env: dict[str, str]) -> dict[str, str]:
    """`make serve-prod`'s settings: production, but plain HTTP on 127.0.0.1."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.pop("READER_SQLITE_PATH", None)
    return (
        env
        | database_env
        | {
            "DJANGO_SETTINGS_MODULE": "reader.settings",
            "READER_PRODUCTION": "1",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "READER_SSL_REDIRECT": "0",
        }
    )


def prepare_database(
    env: dict[str, str], annotators: int, racers: int = 0
) -> tuple[list[Account], list[Document], list[FacetName], list[Account]]:
    """Migrate, load the demo, make the annotators' and racers' accounts and tokens: in this
    process, with the server's settings, before the server starts."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse

    from reader.models import Facet, Project
    from reader.services.projects import api_token_create, membership_set
    from reader.vocabularies import Role

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as make serve-prod does
    call_command("load_demo", stdout=StringIO())
    project = Project.objects.get(slug=PROJECT)

    def account(username: str) -> Account:
        user = get_user_model().objects.create_user(username)
        membership_set(project=project, user=user, role=Role.ANNOTATOR)
        return Account(user.username, api_token_create(user=user, name="load")[1])

    accounts = [account(f"load{index:02d}") for index in range(annotators)]
    racer_accounts = [account(f"race{index:02d}") for index in range(racers)]
    documents = [
        Document(pk, reverse("reader:api_container", args=[PROJECT, pk]), text)
        for pk, text in project.documents.order_by("pk").values_list("pk", "text")
    ]
    facets = [
        FacetName(event, facet, value_type)
        for event, facet, value_type in Facet.objects.filter(event__project=project)
        .order_by("pk")
        .values_list("event__name", "name", "value_type")
    ]
    connections.close_all()  # the server's workers take it from here
    return accounts, documents, facets, racer_accounts


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int, folder: Path) -> Iterator[Server]:
    """gunicorn as `make serve-prod` runs it, on a free port; stopped (SIGTERM, then
    SIGKILL) on the way out."""
    port, log = free_port(), folder / "gunicorn.log"
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
    # gunicorn's log and Django's (tracebacks of 500s) both go to stderr: keep them.
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file
        )
    server = Server(port, process, log, workers)
    try:
        wait_until_serving(server)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(server: Server, timeout: float = 60) -> None:
    """Until every worker is up and the API answers (401 without a token)."""
    deadline = time.monotonic() + timeout
    probe = Api(server.port, "none")
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{tail(server.log)}")
        ready = len(server.worker_pids()) >= server.workers
        if ready and probe.send("probe", "GET", f"/api/p/{PROJECT}/annotations/1/").status == 401:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{tail(server.log)}")


def tail(path: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


@contextlib.contextmanager
def prepared_run(
    database: str,
    *,
    annotators: int,
    workers: int,
    server_env: dict[str, str] | None = None,
    racers: int = 0,
) -> Iterator[Run]:
    """A database with the demo and the annotators' accounts, and gunicorn serving it.
    `server_env` adds to gunicorn's environment only (faults.py tries a settings module)."""
    with (
        tempfile.TemporaryDirectory(prefix="reader-load-") as name,
        database_environment(database, Path(name)) as database_env,
    ):
        env = production_environment(database_env)
        accounts, documents, facets, racer_accounts = prepare_database(env, annotators, racers)
        with gunicorn(env | (server_env or {}), workers=workers, folder=Path(name)) as server:
            url = database_env.get("DATABASE_URL", "")
            yield Run(database, url, server, accounts, documents, facets, racer_accounts)


def run_load(
    run: Run,
    *,
    seconds: float,
    during: Callable[[float], None] | None = None,
    links: bool = False,
    think: float = 0.0,
):
    """Every annotator (and racer) in a thread of its own for `seconds`, then until each has
    settled what it was doing (GRACE_S at most). With `links`, annotators link to the
    demo's facets. `during(started)`, if given, runs in a thread beside them: faults.py
    injects its faults there."""
    facets = run.facets if links else []
    annotators = [
        Annotator(
            index, account.username, account.token, run.server.port, run.documents, facets, think
        )
        for index, account in enumerate(run.accounts)
    ]
    racers = [
        Racer(index, account, run.server.port, run.documents, run.facets)
        for index, account in enumerate(run.racers)
    ]
    started = time.monotonic()
    stop_at, give_up_at = started + seconds, started + seconds + GRACE_S
    threads = [
        threading.Thread(target=annotator.run, args=(stop_at, give_up_at), daemon=True)
        for annotator in annotators
    ] + [threading.Thread(target=racer.run, args=(stop_at,), daemon=True) for racer in racers]
    if during is not None:
        threads.append(threading.Thread(target=during, args=(started,), daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    apis = [annotator.api for annotator in annotators] + [
        api for racer in racers for api in racer.apis
    ]
    samples = sorted((sample for api in apis for sample in api.samples), key=lambda s: s.started)
    return LoadResult(
        ledgers=[annotator.ledger for annotator in annotators],
        samples=samples,
        started=started,
        seconds=max(s.started + s.seconds for s in samples) - started,
        locked_bodies=sum(api.locked_bodies for api in apis),
        racers=racers,
    )


# --- Same-annotation races ---------------------------------------------------------------

RACE_ANSWERS = {
    "delete+delete": {(204, 404), (404, 204)},
    "delete+put": {(204, 200), (204, 404), (204, 412)},
}


class Racer:
    """Makes a linked annotation, then sends two requests on it at once (two DELETEs, or a
    DELETE and a PUT with its ETag), each on a connection of its own; notes the answers.
    The DELETE always wins or ties, so every round ends with the annotation in the trash."""

    def __init__(self, index: int, account: Account, port: int, documents, facets) -> None:
        self.rng = random.Random(1000 + index)
        self.apis = [Api(port, account.token), Api(port, account.token)]
        self.documents, self.facets = documents, facets
        self.answers: Counter = Counter()  # (race, statuses) -> rounds
        self.deleted: list[int] = []  # annotation ids, each deleted once
        self.problems: list[str] = []

    def run(self, stop_at: float) -> None:
        while time.monotonic() < stop_at:
            self.round()

    def round(self) -> None:
        document = self.rng.choice(self.documents)
        span = random_span(document.text, self.rng)
        quote = document.text[span[0] : span[1]]
        links = linking_bodies(self.facets, quote, self.rng) if self.facets else []
        body = annotation_body(document, span, "claim", "[race] to be deleted", links)
        created = self.apis[0].send("race-create", "POST", document.container, body=body)
        if created.status != 201:
            self.problems.append(f"race-create: {created.status} {created.body[:200]!r}")
            return
        path, etag = path_of(created.json()["id"]), created.headers["etag"]
        race = self.rng.choice(list(RACE_ANSWERS))
        delete = ("race-delete", "DELETE", path)
        requests: list[tuple[tuple[str, str, str], dict[str, Any]]]
        if race == "delete+delete":
            requests = [(delete, {}), (delete, {})]
        else:
            edited = annotation_body(document, span, "opinion", "[race] edited", links[:1])
            put = ("race-put", "PUT", path)
            requests = [(delete, {}), (put, {"body": edited, "headers": {"If-Match": etag}})]
        replies: list[Reply | None] = [None, None]
        start = threading.Barrier(2)

        def send(index: int) -> None:
            (operation, method, target), extra = requests[index]
            start.wait()
            replies[index] = self.apis[index].send(operation, method, target, **extra)

        threads = [threading.Thread(target=send, args=[index]) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        first, second = replies
        # Each thread stored its reply, or raised and the race cannot be judged.
        assert first is not None and second is not None, "a race thread failed"
        statuses = (first.status, second.status)
        self.answers[(race, statuses)] += 1
        if statuses in RACE_ANSWERS[race]:
            self.deleted.append(int(path.rstrip("/").rsplit("/", 1)[1]))
        else:
            self.problems.append(f"{race}: answered {statuses}")


def verify_races(racers: list[Racer]) -> list[str]:
    """Every raced annotation is gone, and in the trash exactly once."""
    from reader.models import Annotation, DeletedAnnotation

    problems = [problem for racer in racers for problem in racer.problems]
    left = Annotation.objects.filter(author__username__startswith="race").count()
    if left:
        problems.append(f"races: {left} raced annotations still there")
    deleted = [pk for racer in racers for pk in racer.deleted]
    trashed = Counter(
        DeletedAnnotation.objects.filter(annotation_id__in=deleted).values_list(
            "annotation_id", flat=True
        )
    )
    problems += [
        f"races: annotation {pk} in the trash {trashed[pk]} times"
        for pk in deleted
        if trashed[pk] != 1
    ]
    return problems


def print_races(racers: list[Racer], problems: list[str]) -> None:
    answers = sum((racer.answers for racer in racers), Counter())
    rounds = sum(answers.values())
    shown = ", ".join(
        f"{race} {statuses[0]}+{statuses[1]} ×{count}"
        for (race, statuses), count in sorted(answers.items())
    )
    print(f"  races on one annotation: {rounds} rounds: {shown or 'none'}")
    for problem in problems[:10]:
        print(f"  PROBLEM {problem}")


# --- The check -------------------------------------------------------------------------


@dataclass
class Verification:
    problems: list[str]
    live: int
    deleted: int
    unsettled: int
    users_matching: int
    links: int = 0


def verify(ledgers: list[Ledger]) -> Verification:
    """Compare what the clients were told with the database, read directly."""
    from django.db import connections

    from reader.models import Annotation, DeletedAnnotation, FacetLink

    connections.close_all()  # after a database restart, this process's connection is dead
    rows_by_marker = defaultdict(list)
    rows = Annotation.objects.filter(author__username__startswith="load").values_list(
        "pk", "author__username", "note", "kind", "version"
    )
    problems: list[str] = []
    rows_per_user: Counter[str] = Counter()
    for pk, username, note, kind, version in rows:
        rows_per_user[username] += 1
        matched = MARKER.match(note)
        if matched is None:
            problems.append(f"annotation {pk} by {username} has no marker: {note[:60]!r}")
        else:
            rows_by_marker[matched[1]].append((pk, note, kind, version))
    trashed = Counter(
        DeletedAnnotation.objects.filter(
            annotation_id__in=[pk for ledger in ledgers for pk in ledger.deleted.values()]
        ).values_list("annotation_id", flat=True)
    )
    users_matching = 0
    for ledger in ledgers:
        for marker, known in ledger.live.items():
            problems += check_live(known, rows_by_marker.pop(marker, []))
        for marker, pk in ledger.deleted.items():
            if rows_by_marker.pop(marker, []):
                problems.append(f"{marker}: deleted (annotation {pk}) but still there")
            if trashed[pk] != 1:
                problems.append(f"{marker}: {trashed[pk]} trash entries for annotation {pk}")
        unsettled_rows = 0
        for marker in ledger.unsettled:
            found = rows_by_marker.pop(marker, [])
            unsettled_rows += len(found)
            if len(found) > 1:
                problems.append(f"{marker}: {len(found)} rows for one create (unsettled)")
        expected = len(ledger.live) + unsettled_rows
        if rows_per_user[ledger.username] == expected:
            users_matching += 1
        else:
            problems.append(
                f"{ledger.username}: {rows_per_user[ledger.username]} rows, expected {expected}"
            )
        problems += ledger.problems
    for marker, found in rows_by_marker.items():
        problems.append(f"{marker}: {len(found)} rows no client was told of: {found}")
    return Verification(
        problems=problems,
        live=sum(len(ledger.live) for ledger in ledgers),
        deleted=sum(len(ledger.deleted) for ledger in ledgers),
        unsettled=sum(len(ledger.unsettled) for ledger in ledgers),
        users_matching=users_matching,
        links=FacetLink.objects.filter(annotation__author__username__startswith="load").count(),
    )


def check_live(known: Known, found: list[tuple]) -> list[str]:
    if not found:
        return [f"{known.marker}: acknowledged (annotation {known.pk}) but missing"]
    if len(found) > 1:
        return [f"{known.marker}: {len(found)} rows for one create: {[row[0] for row in found]}"]
    pk, note, kind, version = found[0]
    problems = []
    if pk != known.pk:
        problems.append(f"{known.marker}: row {pk}, acknowledged as {known.pk}")
    if (note, kind) != (known.note, known.kind):
        problems.append(
            f"{known.marker}: holds {kind} {note!r}, last acknowledged {known.kind} {known.note!r}"
        )
    if version != 1 + known.edits:
        problems.append(f"{known.marker}: version {version} after {known.edits} edits")
    return problems


# --- The figures -----------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest rank."""
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def is_error(sample: Sample) -> bool:
    return not sample.outcome.isdigit() or int(sample.outcome) >= 500


def print_figures(result: LoadResult) -> None:
    acknowledged = sum(
        1 for s in result.samples if (s.operation, int_or_0(s.outcome)) in WRITE_ACKS
    )
    seconds = result.seconds
    print(
        f"  {len(result.samples):,} requests in {seconds:.1f} s: "
        f"{len(result.samples) / seconds:.1f} requests/s, "
        f"{acknowledged / seconds:.1f} acknowledged writes/s"
    )
    print(f"  {'operation':12} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  answers")
    by_operation = defaultdict(list)
    for sample in result.samples:
        by_operation[sample.operation].append(sample)
    for operation, samples in sorted(by_operation.items(), key=lambda item: -len(item[1])):
        times = sorted(sample.seconds * 1000 for sample in samples)
        outcomes = Counter(sample.outcome for sample in samples)
        answers = ", ".join(f"{outcome} ×{count}" for outcome, count in sorted(outcomes.items()))
        print(
            f"  {operation:12} {len(samples):8,} {percentile(times, 0.50):8.1f} "
            f"{percentile(times, 0.95):8.1f} {percentile(times, 0.99):8.1f}  {answers}"
        )


def int_or_0(text: str) -> int:
    return int(text) if text.isdigit() else 0


def print_verification(result: LoadResult, check: Verification) -> None:
    acknowledged = sum((ledger.acknowledged for ledger in result.ledgers), Counter())
    found_done = sum((ledger.found_done for ledger in result.ledgers), Counter())
    print(
        "  acknowledged: "
        + ", ".join(f"{acknowledged[name]:,} {name}s" for name in ("create", "edit", "delete"))
    )
    if found_done:
        print(
            "  failed (no answer, or a 5xx), then found done when checked: "
            + ", ".join(f"{count} {name}s" for name, count in sorted(found_done.items()))
        )
    print(
        f"  in the database: {check.live:,} annotations as last acknowledged, "
        f"{check.deleted:,} deleted and in the trash, {check.unsettled} unsettled; "
        f"rows per user match for {check.users_matching} of {len(result.ledgers)} users; "
        f"{check.links:,} facet links on them"
    )
    for problem in check.problems[:20]:
        print(f"  PROBLEM {problem}")
    if len(check.problems) > 20:
        print(f"  ... and {len(check.problems) - 20} more problems")


def server_log_findings(server: Server) -> dict[str, int]:
    """What the gunicorn error log says went wrong in the app."""
    text = server.log.read_text(errors="replace") if server.log.exists() else ""
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        '"database is locked"': text.count("database is locked"),
        "worker timeouts": text.count("WORKER TIMEOUT"),
        # PostgreSQL's message; reader/services/locks.py logs each conflict it retries.
        '"deadlock detected"': text.count("deadlock detected"),
        "conflicts retried": text.count("Conflict retried"),
    }


def describe(database: str) -> str:
    return {"sqlite": "SQLite (WAL)", "postgres": "PostgreSQL 15 (fsync on)"}[database]


def command_line(script: str, args: argparse.Namespace, names: list[str]) -> str:
    """The command that reproduces this run, every option spelled out."""
    shown = {name: getattr(args, name) for name in names}
    options = " ".join(
        f"--{name.replace('_', '-')} {value:g}" if isinstance(value, float) else f"--{name} {value}"
        for name, value in shown.items()
    )
    return f".venv/bin/python bench/{script} {options}"


def for_each_database(args: argparse.Namespace, script: str) -> int | None:
    """With --database both, run the script once per database in a fresh process (Django
    reads its settings once per process) and return the worse exit status; else None."""
    if args.database != "both":
        return None
    statuses = []
    for database in ("sqlite", "postgres"):
        argv = [sys.executable, str(ROOT / "bench" / script), *sys.argv[1:]]
        statuses.append(subprocess.call([*argv, "--database", database]))
        print(flush=True)
    print(f"{script} --database both: {'PASS' if not any(statuses) else 'FAIL'}")
    return max(statuses)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--racers", type=int, default=4, help="pairs racing on one annotation")
    parser.add_argument("--no-links", action="store_true", help="creates without facet links")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds each annotator waits between two"
    )
    args = parser.parse_args()
    if (status := for_each_database(args, "load.py")) is not None:
        return status
    with prepared_run(
        args.database, annotators=args.annotators, workers=args.workers, racers=args.racers
    ) as run:
        links = "no links" if args.no_links else "links to event facets"
        pace = f"{args.think:g} s apart on average" if args.think else "back to back"
        print(
            f"Load: {args.annotators} annotators ({links}, {pace}) and {args.racers} racers, "
            f"{args.seconds:g} s, gunicorn with {args.workers} sync workers, "
            f"{describe(args.database)}, {os.cpu_count()} cores",
            flush=True,
        )
        result = run_load(run, seconds=args.seconds, links=not args.no_links, think=args.think)
        print_figures(result)
        check = verify(result.ledgers)
        print_verification(result, check)
        race_problems = verify_races(result.racers)
        print_races(result.racers, race_problems)
        errors = Counter(s.outcome for s in result.samples if is_error(s))
        logged = server_log_findings(run.server)
    print(f"  errors seen by clients: {dict(errors) or 'none'}")
    print(f"  5xx answers: {sum(n for outcome, n in errors.items() if outcome.isdigit())}")
    print(f'  responses saying "database is locked": {result.locked_bodies}')
    print(f"  server log: {logged}")
    # A deadlock retried inside the service is logged too: the lock order should leave none.
    deadlocks = logged['"deadlock detected"'] or logged["conflicts retried"]
    passed = (
        not check.problems
        and not race_problems
        and not errors
        and not result.locked_bodies
        and not deadlocks
        and not logged["tracebacks"]
    )
    print(f"{'PASS' if passed else 'FAIL'}: load on {describe(args.database)}")
    options = ["database", "seconds", "annotators", "workers", "racers", "think"]
    command = command_line("load.py", args, options)
    print(f"measured with: {command}{' --no-links' if args.no_links else ''}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
