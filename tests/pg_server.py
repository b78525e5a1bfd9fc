"""Start a real PostgreSQL server for the tests in a temporary folder, and stop it whole."""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Generous: initdb and a first start on a loaded two-core machine.
START_TIMEOUT = 60.0
SERVER_USER = "postgres"  # the server refuses to run as root; tests often do
HBA = """\
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""


class PostgresUnavailable(Exception):
    """No PostgreSQL server can be started here; the message says why, in one line."""


def find_bindir() -> Path:
    """The folder holding initdb, pg_ctl and postgres: `TTX_PG_BINDIR`, Debian's, or the PATH's."""
    candidates = [os.environ.get("TTX_PG_BINDIR", "")]
    # Debian keeps each major version apart; the newest installed wins.
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    on_path = shutil.which("initdb")
    candidates.append(str(Path(on_path).parent) if on_path else "")
    for folder in filter(None, candidates):
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    raise PostgresUnavailable(
        "the PostgreSQL server is not installed (no initdb in /usr/lib/postgresql/*/bin or on the PATH);"
        " install it (apt-get install postgresql) or set TTX_PG_BINDIR"
    )


def _version_key(folder: str) -> tuple[int, ...]:
    version = Path(folder).parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user() -> dict[str, Any]:
    """subprocess arguments that run a command as the server's user when we are root."""
    if os.geteuid() != 0:
        return {}
    try:
        entry = pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresUnavailable(f"running as root, and there is no '{SERVER_USER}' user to run the server as") from None
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _run(argv: list[str], folder: Path, as_user: dict[str, Any]) -> None:
    done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=START_TIMEOUT, **as_user)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PostgresUnavailable(f"{Path(argv[0]).name} failed ({done.returncode}): {last[0]}")


def _dies_with_us() -> Any:
    """A function for the server's process to call before it starts: stop at once if the tests die.

    A test run that crashes (or is killed) never reaches its `finally`; without this its
    server would live on. Linux only (prctl); elsewhere nothing.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up now: after fork, only a call
    pr_set_pdeathsig = 1
    return lambda: prctl(pr_set_pdeathsig, int(signal.SIGQUIT))  # SIGQUIT: the server's immediate shutdown


def _accepting(port: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A fresh server on 127.0.0.1 while the block runs; yields its URL (user postgres, no password)."""
    try:
        import psycopg  # noqa: F401  (to know when the server accepts connections)
    except ImportError:
        raise PostgresUnavailable("psycopg is not installed: pip install -e '.[test]'") from None
    bindir = find_bindir()
    as_user = _as_server_user()
    folder = Path(tempfile.mkdtemp(prefix="ttx-pg-"))
    process: subprocess.Popen[bytes] | None = None
    data = folder / "data"
    try:
        if as_user:
            os.chown(folder, as_user["user"], as_user["group"])
        _run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
              "--no-locale", "--no-sync"], folder, as_user)
        # postgres itself needs no password; any other role must give its own (a wrong one is refused).
        (data / "pg_hba.conf").write_text(HBA)
        for _ in range(3):  # another program may take the free port before the server does
            process, port = _start(bindir, data, folder, as_user)
            if process.poll() is None:
                break
        _wait_until_accepting(process, port, folder)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if process is not None:
            _stop(bindir, data, process, folder, as_user)
        shutil.rmtree(folder, ignore_errors=True)


def _start(bindir: Path, data: Path, folder: Path, as_user: dict[str, Any]) -> tuple[subprocess.Popen[bytes], int]:
    """The server on a free port, and that port; given a moment to fail (a port taken meanwhile)."""
    port = free_port()
    with open(folder / "server.log", "ab") as log:
        # Durability is not under test: without fsync the server starts and commits faster.
        process = subprocess.Popen(
            [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(folder),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off"],
            cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_dies_with_us(), **as_user)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(0.3)
    return process, port


def _wait_until_accepting(process: subprocess.Popen[bytes], port: int, folder: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not _accepting(port):
        if process.poll() is not None:
            tail = (folder / "server.log").read_text(errors="replace").strip().splitlines()[-1:]
            raise PostgresUnavailable(f"the server stopped at once: {tail[0] if tail else 'no log'}")
        if time.monotonic() > deadline:
            raise PostgresUnavailable(f"the server did not accept connections within {START_TIMEOUT:.0f} s")
        time.sleep(0.1)


def _stop(bindir: Path, data: Path, process: subprocess.Popen[bytes], folder: Path, as_user: dict[str, Any]) -> None:
    if process.poll() is None:
        subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "stop", "-m", "immediate", "-w", "-t", "10"],
                       cwd=folder, capture_output=True, timeout=30, **as_user)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the postmaster and every backend it started
        process.wait(10)


def create_database(url: str, name: str) -> str:
    """A new, empty database on the server at `url`; the URL that names it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name
