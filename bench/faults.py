"""bench/load.py's load, shorter, with faults injected mid-load: gunicorn workers killed
with SIGKILL, and (PostgreSQL) the database stopped and started again. The annotators retry
what failed, looking first whether a failed write happened anyway; afterwards every
acknowledged write must be in the database, none twice.

    .venv/bin/python bench/faults.py [--database sqlite|postgres|both] [--seconds 30]
                                     [--annotators 50] [--workers 4] [--outage 3]
                                     [--with-dbfailure-middleware]

The faults, at fixed fractions of the run: a worker killed at 20% and another at 40% (the
gunicorn master starts a new one); on PostgreSQL, the database stopped at 60% (fast
shutdown: open sessions cut off) and started again `--outage` seconds later, on the same
port. `--with-dbfailure-middleware` serves with reader.dbfailure's middleware added to the
settings, to see the outage answered with 503 instead of 500 before it is in settings.py.

After the load, on PostgreSQL, the database is restarted once more with no traffic, so
every worker holds a dead connection, and requests from every annotator are sent at once.

PASS needs: nothing acknowledged lost or doubled; no error outside a fault's window (from
the fault until a few seconds after it ended); no error on a request started after a fault
ended (a new worker forked, the database back), including after the quiet restart: Django
replaces its dead connections (CONN_HEALTH_CHECKS); a write acknowledged after each fault;
no "database is locked" seen by a client. A 500 during the outage is reported, not failed:
it is Django's answer to a database error until reader/dbfailure.py's middleware is on.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402

# Errors that end within this long after a fault ended still count as the fault's: requests
# that were in flight, retries that were waiting out their backoff.
SETTLE_S = 3.0
WORKER_KILLS_AT = (0.2, 0.4)  # fractions of --seconds
DATABASE_RESTART_AT = 0.6
MIDDLEWARE = "reader.dbfailure.DatabaseUnavailableMiddleware"


@dataclass
class Fault:
    name: str
    started: float  # time.monotonic()
    ended: float
    ending: str  # what ended it
    next_started: float = float("inf")  # when the fault after it started

    def window_end(self) -> float:
        """Errors up to here are the fault's (and not yet the next fault's)."""
        return min(self.ended + SETTLE_S, self.next_started)


class FaultInjector:
    """Runs beside the annotators (load.run_load's `during`) and notes each fault."""

    def __init__(self, run: load.Run, *, seconds: float, outage: float) -> None:
        self.run, self.seconds, self.outage = run, seconds, outage
        self.faults: list[Fault] = []
        self.rng = random.Random(0)

    def __call__(self, started: float) -> None:
        schedule = [(at, self.kill_a_worker) for at in WORKER_KILLS_AT]
        if self.run.database == "postgres":
            schedule.append((DATABASE_RESTART_AT, self.restart_the_database))
        for at, fault in schedule:
            time.sleep(max(0.0, started + at * self.seconds - time.monotonic()))
            fault()

    def kill_a_worker(self) -> None:
        server = self.run.server
        before = server.worker_pids()
        victim = self.rng.choice(before)
        started = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        # The master notices and forks a new worker; wait until it is there.
        while set(server.worker_pids()) - set(before) == set():
            time.sleep(0.01)
        self.faults.append(
            Fault(f"kill -9 worker {victim}", started, time.monotonic(), "a new worker forked")
        )

    def restart_the_database(self) -> None:
        from tests.pgcluster import restart

        started = time.monotonic()
        restart(self.run.database_url, down_seconds=self.outage)
        name = f"database stopped, started {self.outage:g} s later"
        self.faults.append(Fault(name, started, time.monotonic(), "accepting connections"))


def ended_at(sample: load.Sample) -> float:
    return sample.started + sample.seconds


def in_window(sample: load.Sample, fault: Fault) -> bool:
    return fault.started <= ended_at(sample) < fault.window_end()


@dataclass
class FaultReport:
    fault: Fault
    errors: Counter  # (outcome, operation) -> count
    error_span: tuple[float, float] | None  # first and last error's end, from the fault's start
    first_write_after: float | None  # from the fault's end to the next write acknowledged
    failed_after_end: int  # requests started after it ended (before the next) that failed


def is_write_ack(sample: load.Sample) -> bool:
    return (sample.operation, load.int_or_0(sample.outcome)) in load.WRITE_ACKS


def report_fault(fault: Fault, samples: list[load.Sample]) -> FaultReport:
    """What the clients saw of one fault."""
    failed = [sample for sample in samples if load.is_error(sample) and in_window(sample, fault)]
    acknowledged_after = [
        ended_at(sample)
        for sample in samples
        if is_write_ack(sample) and ended_at(sample) >= fault.ended
    ]
    failed_ends = [ended_at(sample) - fault.started for sample in failed]
    return FaultReport(
        fault=fault,
        errors=Counter((sample.outcome, sample.operation) for sample in failed),
        error_span=(min(failed_ends), max(failed_ends)) if failed_ends else None,
        first_write_after=min(acknowledged_after) - fault.ended if acknowledged_after else None,
        failed_after_end=sum(
            1
            for sample in samples
            if load.is_error(sample)
            and fault.ended <= sample.started
            and ended_at(sample) < fault.next_started
        ),
    )


def print_fault(report: FaultReport, started: float) -> None:
    fault = report.fault
    print(
        f"  {fault.name}: at {fault.started - started:.1f} s; {fault.ending} "
        f"{fault.ended - fault.started:.2f} s later"
    )
    errors = ", ".join(
        f"{outcome} ×{count} ({operation})"
        for (outcome, operation), count in sorted(report.errors.items())
    )
    span = report.error_span
    when = f", from +{span[0]:.2f} s to +{span[1]:.2f} s" if span else ""
    print(f"    errors in its window: {errors or 'none'}{when}")
    after = report.first_write_after
    print(
        "    next write acknowledged "
        + (f"{after:.2f} s after that" if after is not None else "NEVER")
        + f"; requests started after that which failed: {report.failed_after_end}"
    )


@dataclass
class IdleRestart:
    requests: int
    failed: Counter  # outcome -> count
    connections: int  # the app's connections to the database afterwards


def restart_while_idle(run: load.Run) -> IdleRestart:
    """Restart the database with no traffic, so every worker holds a dead connection, then
    send requests from many annotators at once. With CONN_HEALTH_CHECKS each worker finds
    its connection dead before use and makes a new one; without, its first request would
    fail. (During the load's outage every worker sees errors and drops its connection
    itself, so that restart does not test this.)"""
    import psycopg

    from tests.pgcluster import restart

    restart(run.database_url)
    apis = [load.Api(run.server.port, account.token) for account in run.accounts]
    path = f"{run.documents[0].container}?page=0"
    threads = [
        threading.Thread(target=api.send, args=("after-restart", "GET", path)) for api in apis
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples = [sample for api in apis for sample in api.samples]
    with psycopg.connect(run.database_url) as connection:
        counted = connection.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
        assert counted is not None  # count(*) always answers one row
        connections = counted[0]
    return IdleRestart(
        requests=len(samples),
        failed=Counter(sample.outcome for sample in samples if load.is_error(sample)),
        connections=connections,
    )


def middleware_settings(folder: Path) -> dict[str, str]:
    """gunicorn's environment for a settings module that adds the 503 middleware."""
    (folder / "reader_settings_dbfailure.py").write_text(
        "from reader.settings import *  # noqa: F403\n"
        f"if {MIDDLEWARE!r} not in MIDDLEWARE:  # noqa: F405\n"
        f"    MIDDLEWARE = [*MIDDLEWARE, {MIDDLEWARE!r}]  # noqa: F405\n"
    )
    return {"PYTHONPATH": str(folder), "DJANGO_SETTINGS_MODULE": "reader_settings_dbfailure"}


@dataclass
class Outcome:
    result: load.LoadResult
    reports: list[FaultReport]
    idle: IdleRestart | None
    check: load.Verification
    logged: dict[str, int]

    def unexplained_errors(self) -> Counter:
        """Errors that no fault explains: each is a failure of the app, not of the fault."""
        return Counter(
            (sample.outcome, sample.operation)
            for sample in self.result.samples
            if load.is_error(sample)
            and not any(in_window(sample, report.fault) for report in self.reports)
        )

    def answers_500(self) -> int:
        return sum(
            count
            for report in self.reports
            for (outcome, _), count in report.errors.items()
            if outcome == "500"
        )

    def passed(self, expected_faults: int) -> bool:
        return (
            not self.check.problems
            and not self.unexplained_errors()
            and not self.result.locked_bodies
            and len(self.reports) == expected_faults
            and all(report.first_write_after is not None for report in self.reports)
            and not any(report.failed_after_end for report in self.reports)
            and not (self.idle and self.idle.failed)
        )


def load_with_faults(run: load.Run, args: argparse.Namespace) -> Outcome:
    """The load with its faults; then the quiet restart (PostgreSQL) and the check."""
    injector = FaultInjector(run, seconds=args.seconds, outage=args.outage)
    result = load.run_load(run, seconds=args.seconds, during=injector)
    load.print_figures(result)
    for fault, following in zip(injector.faults, injector.faults[1:], strict=False):
        fault.next_started = following.started
    reports = [report_fault(fault, result.samples) for fault in injector.faults]
    for report in reports:
        print_fault(report, result.started)
    idle = restart_while_idle(run) if run.database == "postgres" else None
    if idle is not None:
        print(
            f"  database restarted again with no traffic, then {idle.requests} requests at "
            f"once: {sum(idle.failed.values())} failed {dict(idle.failed) or ''}; "
            f"{idle.connections} connections from the {args.workers} workers afterwards"
        )
    check = load.verify(result.ledgers)
    load.print_verification(result, check)
    return Outcome(result, reports, idle, check, load.server_log_findings(run.server))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--outage", type=float, default=3, help="seconds the database is down")
    parser.add_argument("--with-dbfailure-middleware", action="store_true")
    args = parser.parse_args()
    if (status := load.for_each_database(args, "faults.py")) is not None:
        return status
    with tempfile.TemporaryDirectory(prefix="reader-faults-") as folder:
        server_env = middleware_settings(Path(folder)) if args.with_dbfailure_middleware else {}
        with load.prepared_run(
            args.database, annotators=args.annotators, workers=args.workers, server_env=server_env
        ) as run:
            from django.conf import settings

            middleware = MIDDLEWARE in settings.MIDDLEWARE or args.with_dbfailure_middleware
            print(
                f"Faults: {args.annotators} annotators, {args.seconds:g} s, gunicorn with "
                f"{args.workers} sync workers, {load.describe(args.database)}, "
                f"{os.cpu_count()} cores; 503 middleware {'on' if middleware else 'off'}",
                flush=True,
            )
            outcome = load_with_faults(run, args)
    print(f"  errors outside every fault's window: {dict(outcome.unexplained_errors()) or 'none'}")
    print(f'  responses saying "database is locked": {outcome.result.locked_bodies}')
    print(f"  server log: {outcome.logged}")
    if outcome.answers_500():
        print(
            f"  NOTE {outcome.answers_500()} answers were 500 (Django's default for a database "
            f"error) while the database was away: add {MIDDLEWARE!r} to MIDDLEWARE for a 503 "
            "with Retry-After"
        )
    passed = outcome.passed(len(WORKER_KILLS_AT) + (args.database == "postgres"))
    print(f"{'PASS' if passed else 'FAIL'}: faults on {load.describe(args.database)}")
    options = ["database", "seconds", "annotators", "workers", "outage"]
    command = load.command_line("faults.py", args, options)
    if args.with_dbfailure_middleware:
        command += " --with-dbfailure-middleware"
    print(f"measured with: {command}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
