"""A throwaway PostgreSQL 15 cluster: Debian's initdb and pg_ctl in a temporary folder,
listening on 127.0.0.1 on a free port, stopped and removed afterwards (also on an error,
Ctrl-C or SIGTERM).

    with cluster() as url:      # postgres://reader:<random>@127.0.0.1:<port>/reader
        ...

    python -m tests.pgcluster pytest -x        # runs a command with DATABASE_URL set

initdb refuses to run as root, so as root the cluster runs as the `postgres` system user
(Debian's postgresql package creates it) and the folder belongs to that user. The role
`reader` is a superuser (it creates test databases) with a random password over TCP.
Benchmarks and load scripts can reuse it: `cluster(durable=True)` keeps fsync on so their
figures mean something; tests leave it off because they never need a crash to survive.
`restart(url)` stops a running cluster and starts it again on the same port, for scripts
that inject faults (bench/faults.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

PG_BIN = Path(os.environ.get("READER_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROLE = "reader"
DATABASE = "reader"
START_TIMEOUT_S = 60
# Settings that only make sense for a cluster nobody needs after a crash.
FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class ClusterError(RuntimeError):
    pass


class _Running(NamedTuple):
    """What restart() needs to stop a running cluster and start it again as it was."""

    bindir: Path
    data: Path
    log: Path
    owner: str | None
    folder: Path
    options: str


_RUNNING: dict[str, _Running] = {}  # by URL


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(args: Sequence[str], owner: str | None) -> list[str]:
    """The command, run as `owner` when we are root (initdb and postgres refuse root)."""
    return ["runuser", "-u", owner, "--", *args] if owner else list(args)


def _owner() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterError(
            "Running as root needs the 'postgres' system user to run the cluster as; "
            "install Debian's postgresql-15 (make postgresql)."
        ) from None
    return "postgres"


def _run(args: Sequence[str], *, owner: str | None, folder: Path, what: str) -> None:
    result = subprocess.run(
        _as_owner(args, owner),
        cwd=folder,
        capture_output=True,
        text=True,
        start_new_session=True,  # Ctrl-C reaches our process group, not the postmaster
        check=False,
    )
    if result.returncode != 0:
        raise ClusterError(f"{what} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


@contextlib.contextmanager
def cluster(
    *, durable: bool = False, settings: dict[str, str] | None = None, bindir: Path = PG_BIN
) -> Iterator[str]:
    """Start a fresh cluster and yield its DATABASE_URL; stop and delete it on the way out.
    `settings` are extra postgres -c settings (e.g. {"max_connections": "200"})."""
    for program in ("initdb", "pg_ctl", "postgres"):
        if not (bindir / program).is_file():
            raise ClusterError(f"{bindir / program} is missing: install postgresql-15.")
    owner = _owner()
    folder = Path(tempfile.mkdtemp(prefix="reader-pg-"))
    data, log = folder / "data", folder / "server.log"
    password = secrets.token_urlsafe(24)
    url = ""
    try:
        if owner:
            os.chown(folder, pwd.getpwnam(owner).pw_uid, pwd.getpwnam(owner).pw_gid)
        password_file = folder / "password"
        password_file.write_text(password + "\n")
        if owner:
            shutil.chown(password_file, user=owner)
        password_file.chmod(0o600)
        _run(
            [
                str(bindir / "initdb"),
                f"--pgdata={data}",
                f"--username={ROLE}",
                f"--pwfile={password_file}",
                "--auth-local=trust",  # the socket is in our private folder
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            owner=owner,
            folder=folder,
            what="initdb",
        )
        password_file.unlink()
        options = {**({} if durable else FAST), **(settings or {})}
        for attempt in range(5):
            port = _free_port()
            server_options = " ".join(
                [
                    f"-p {port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-c unix_socket_directories={folder}",
                    *(f"-c {name}={value}" for name, value in options.items()),
                ]
            )
            try:
                _run(
                    [
                        str(bindir / "pg_ctl"),
                        "start",
                        f"--pgdata={data}",
                        f"--log={log}",
                        "--wait",
                        f"--timeout={START_TIMEOUT_S}",
                        f"--options={server_options}",
                    ],
                    owner=owner,
                    folder=folder,
                    what="pg_ctl start",
                )
                break
            except ClusterError as error:
                # Another process may have taken the port between probe and start.
                if attempt == 4 or "already in use" not in _tail(log):
                    raise ClusterError(f"{error}\n{_tail(log)}") from None
        _run(
            [str(bindir / "createdb"), f"--host={folder}", f"--port={port}", "-U", ROLE, DATABASE],
            owner=owner,
            folder=folder,
            what="createdb",
        )
        url = f"postgres://{ROLE}:{password}@127.0.0.1:{port}/{DATABASE}"
        _RUNNING[url] = _Running(bindir, data, log, owner, folder, server_options)
        yield url
    finally:
        if url:
            _RUNNING.pop(url, None)
        # Also when start was interrupted: a postmaster that wrote its pid file is stopped.
        if (data / "postmaster.pid").exists():
            _stop(bindir, data, owner, folder)
        shutil.rmtree(folder, ignore_errors=True)


def restart(url: str, *, down_seconds: float = 0.0) -> None:
    """Stop the cluster behind `url` (fast: open sessions are cut off, mid-transaction or
    not) and start it again with the same settings and port after `down_seconds`."""
    running = _RUNNING.get(url)
    if running is None:
        raise ClusterError("restart() needs the URL of a cluster() that is running.")
    pg_ctl = str(running.bindir / "pg_ctl")
    stop = [pg_ctl, "stop", f"--pgdata={running.data}", "--mode=fast", "--wait"]
    _run(stop, owner=running.owner, folder=running.folder, what="pg_ctl stop")
    time.sleep(down_seconds)
    _run(
        [
            pg_ctl,
            "start",
            f"--pgdata={running.data}",
            f"--log={running.log}",
            "--wait",
            f"--timeout={START_TIMEOUT_S}",
            f"--options={running.options}",
        ],
        owner=running.owner,
        folder=running.folder,
        what="pg_ctl start",
    )


def _stop(bindir: Path, data: Path, owner: str | None, folder: Path) -> None:
    """Stop fast (disconnect clients, no waiting for them); immediate if that hangs."""
    for mode in ("fast", "immediate"):
        command = [str(bindir / "pg_ctl"), "stop", f"--pgdata={data}", f"--mode={mode}"]
        with contextlib.suppress(subprocess.TimeoutExpired):
            result = subprocess.run(
                _as_owner([*command, "--wait", "--timeout=30"], owner),
                cwd=folder,
                capture_output=True,
                start_new_session=True,
                timeout=60,
                check=False,
            )
            if result.returncode == 0:
                return


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _run_child(command: Sequence[str], url: str) -> int:
    child = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": url})

    def on_sigterm(signum: int, frame: object) -> None:
        child.terminate()
        raise KeyboardInterrupt

    # A SIGTERM (a CI timeout, kill) unwinds like Ctrl-C, so the cluster is still removed.
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        return child.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached the child too (same process group): let it finish its own clean-up.
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.pgcluster",
        description="Run a command against a throwaway PostgreSQL cluster (DATABASE_URL set).",
    )
    parser.add_argument("--durable", action="store_true", help="keep fsync on (benchmarks)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command and its arguments")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command to run, e.g. python -m tests.pgcluster pytest -x")
    with cluster(durable=args.durable) as url:
        host = url.rsplit("@", 1)[1]
        print(f"pgcluster: PostgreSQL 15 at {host}, running: {' '.join(command)}", flush=True)
        return _run_child(command, url)


if __name__ == "__main__":
    sys.exit(main())
