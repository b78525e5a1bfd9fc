"""Start a seat server (textual-serve or our own) for a test, wait until it listens, stop it whole."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Generous: a Python process importing aiohttp and textual on a loaded two-core machine.
START_TIMEOUT = 20.0


def free_port() -> int:
    """A loopback port nobody listens on now (the kernel's choice; another may take it later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def python_command(script: Path | str, *args: str) -> str:
    """A shell command line running `script` with this interpreter (textual-serve wants a string)."""
    return shlex.join([sys.executable, str(script), *args])


def textual_serve_argv(command: str, port: int) -> list[str]:
    """The arguments that serve `command` with the bare textual-serve on 127.0.0.1:`port`."""
    launcher = (
        "import sys; from textual_serve.server import Server; "
        "Server(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2])).serve()"
    )
    return [sys.executable, "-c", launcher, command, str(port)]


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def serving(
    argv: Sequence[str],
    port: int,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
    timeout: float = START_TIMEOUT,
) -> Iterator[str]:
    """Run `argv` (a server that will listen on 127.0.0.1:`port`) and yield its http URL.

    The server runs in its own session, so at exit its whole process group (the server and
    every app it started) gets SIGTERM, then SIGKILL if it lingers. Its output goes to a
    file, not a pipe that could fill and stall it, and is quoted if it fails to start.
    """
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                output = log.read().decode("utf-8", "replace")
                if process.poll() is None:
                    state = f"not listening after {timeout:.0f} s"
                else:
                    state = f"exited with {process.returncode}"
                raise RuntimeError(f"server {shlex.join(argv)} {state}; its output:\n{output}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        _stop(process)
        log.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; children of its group may not be: they get the last word too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return


@contextlib.contextmanager
def textual_serve(command: str, **kwargs: object) -> Iterator[str]:
    """Serve `command` with the bare textual-serve on a free loopback port; yield its URL."""
    port = free_port()
    with serving(textual_serve_argv(command, port), port, **kwargs) as url:  # type: ignore[arg-type]
        yield url
