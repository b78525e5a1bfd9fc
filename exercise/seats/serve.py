"""`ttx serve`: a session in a shared store, its seats on the web, the facilitator at the terminal.

`start_session` makes (or reopens) the session and its join codes; `WebProcess` runs the
seats' web server as a child process (`exercise.seats.web`) and stops it with everything
it started; `qr_text` draws a join link as a QR code in text.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from exercise.seats.store import ROOM_SEAT, Store, StoreError, new_session_id
from exercise.session import Session

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class ServeInfo(NamedTuple):
    """What the facilitator's seats screen shows: the address, the note on who may join, the store."""

    url: str
    note: str
    store: Store


def start_session(store: Store, scenario: Any, seed: int, *, session_id: str | None = None,
                  timer: int = 0, pin: str = "", players: Mapping[str, str] | None = None) -> Session:
    """A new session in the store, or the one named `session_id` reopened; every team and the room get a code."""
    if session_id and store.events(session_id)[:1]:
        session = Session.open_store(store, session_id)
    else:
        settings: dict[str, Any] = {"mode": "seats", "timer": timer}
        if pin:
            settings["pin"] = pin
        session = Session.start(scenario, seed, players=dict(players or {}), settings=settings,
                                store=store, session_id=session_id or new_session_id(scenario.id))
    ensure_codes(store, session)
    return session


def ensure_codes(store: Store, session: Session) -> dict[str, str]:
    """A code in force for every team and for the room (issued once; reopened sessions keep theirs)."""
    session_id = session.journal.session_id  # type: ignore[union-attr]
    have = {c.audience: c.code for c in store.codes(session_id)}
    for audience in [t.id for t in session.scenario.teams] + [ROOM_SEAT]:
        if audience not in have:
            have[audience] = store.issue_code(session_id, audience)
    return have


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent), or 127.0.0.1."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def public_url(host: str, port: int, given: str | None = None) -> str:
    """The address students type: the one given, or this machine's address when serving beyond it."""
    if given:
        return given.rstrip("/")
    shown = host
    if host in ("0.0.0.0", "::", ""):
        shown = lan_address()
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def binding_note(host: str) -> str:
    if host in LOCAL_HOSTS:
        return ("Serving on this computer only (localhost): other devices cannot join. "
                "Use --host 0.0.0.0 to let the class's devices join on this network.")
    return f"Serving to the network on {host}: anyone on this network who has a code can join (no TLS)."


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class WebProcess:
    """The seats' web server in a child process group: started, watched, and stopped with its seats."""

    def __init__(self, store_url: str, host: str, port: int, url: str) -> None:
        self.store_url, self.host, self.port, self.url = store_url, host, port, url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        if not port_free(self.host, self.port):
            raise StoreError(f"port {self.port} on {self.host} is in use; choose another with --port")
        env = dict(os.environ, TTX_STORE=self.store_url)  # not on the command line: it may hold a password
        self.process = subprocess.Popen(
            [sys.executable, "-m", "exercise.seats.web", "--host", self.host, "--port", str(self.port),
             "--public-url", self.url, "--parent", str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
            start_new_session=True,
        )
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                err = (self.process.stderr.read() if self.process.stderr else b"").decode("utf-8", "replace")
                last = [line for line in err.splitlines() if line.strip()][-1:] or ["it stopped at once"]
                raise StoreError(f"the seats' web server did not start: {last[0]}")
            try:
                with socket.create_connection((self.host if self.host not in ("0.0.0.0", "::") else "127.0.0.1",
                                               self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise StoreError(f"the seats' web server did not start within {timeout:.0f} s")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop the server and every seat process it started."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        except PermissionError:
            process.kill()


def join_link(url: str, code: str) -> str:
    return f"{url.rstrip('/')}/join/{code}"


def qr_text(data: str) -> str:
    """A QR code in text, two rows of modules a line (light modules drawn, for a dark screen)."""
    import segno

    rows = [list(row) for row in segno.make(data, error="m").matrix_iter(scale=1, border=2)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2]):
        line = []
        for up, down in zip(top, bottom):
            light_up, light_down = not up, not down
            line.append("█" if light_up and light_down else "▀" if light_up else "▄" if light_down else " ")
        lines.append("".join(line))
    return "\n".join(lines)
