"""What the benchmarks share: the p50 and p95 of a run's times, and the command line of
the scripts that measure on SQLite and PostgreSQL, each database in a process of its own
(Django is set up once per process)."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

DATABASES = ("sqlite", "postgres")


def percentiles(times: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile (nearest rank) of the times."""
    times = sorted(times)
    return statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]


def database_arguments(description: str, *, runs: int) -> argparse.Namespace:
    """--database (sqlite, postgres or both), --runs, and the corpus's --documents and
    --annotations (bench/corpus.py)."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--database", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--documents", type=int, default=1_000)
    parser.add_argument("--annotations", type=int, default=100_000)
    return parser.parse_args()


def measured_with(script: str, args: argparse.Namespace) -> str:
    """The command that produced the figures, to print under them."""
    return (
        f".venv/bin/python bench/{Path(script).name} --database {args.database} --runs "
        f"{args.runs} --documents {args.documents} --annotations {args.annotations}"
    )


def each_database(script: str, args: argparse.Namespace) -> None:
    """--database both: the script again for each database, each in its own process."""
    for database in DATABASES:
        child = [sys.executable, script, "--database", database, "--runs", str(args.runs)]
        child += ["--documents", str(args.documents), "--annotations", str(args.annotations)]
        subprocess.run(child, check=True)
