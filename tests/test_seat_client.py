"""The seat client and `ttx join` against a real textual-serve server on the loopback address."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator

import pyte
import pytest

from exercise.seats.client import KEYS, SeatClient, key_bytes, websocket_url
from exercise.seats.join import RESTORE_TERMINAL
from seat_server import ROOT, free_port, python_command, textual_serve

ECHO_APP = ROOT / "tests" / "fixtures" / "seat_echo_app.py"

# A loaded two-core machine can take many seconds to start a Textual app.
APP_START = 20.0
STEP = 10.0

# `join` in a child that owns the pseudo-terminal as its controlling terminal, so that a
# window size change there reaches it as SIGWINCH, as in a real terminal.
JOIN = (
    "import fcntl, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "from exercise.seats.join import join; sys.exit(join(*sys.argv[1:]))"
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with textual_serve(python_command(ECHO_APP)) as url:
        yield url


class Terminal:
    """A pseudo-terminal running `join`, its output kept as bytes and on a pyte screen."""

    def __init__(self, *args: str, columns: int = 80, lines: int = 24) -> None:
        self.master, self.slave = os.openpty()
        self.screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self.screen)
        self.output = bytearray()
        self._changed = threading.Condition()
        self.set_size(columns, lines)
        self.settings = termios.tcgetattr(self.slave)
        self._stop = threading.Event()
        self.closed = False
        self.process = subprocess.Popen(
            [sys.executable, "-c", JOIN, *args],
            cwd=ROOT,
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def set_size(self, columns: int, lines: int) -> None:
        """Resize the window, as a person dragging its corner (the child gets SIGWINCH)."""
        with self._changed:
            self.screen.resize(lines=lines, columns=columns)
            fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            with self._changed:
                self.output += data
                self._stream.feed(data)
                self._changed.notify_all()

    def text(self) -> str:
        with self._changed:
            return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, needle: str, timeout: float = STEP) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while needle not in "\n".join(self.screen.display):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"the terminal never showed {needle!r}; it shows:\n{self.text()}")
                self._changed.wait(remaining)

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def finish(self, timeout: float = STEP) -> int:
        """Wait for `join` to end and for its last output; its exit status."""
        status = self.process.wait(timeout)
        self._stop.set()
        self._reader.join()
        # Everything it wrote is in the pty's buffer by now: read it to the end.
        while select.select([self.master], [], [], 0.2)[0]:
            data = os.read(self.master, 65536)
            self.output += data
            self._stream.feed(data)
        self.final_settings = termios.tcgetattr(self.slave)
        self.close()
        return status

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._stop.set()
        self._reader.join()
        if not self.closed:
            self.closed = True
            os.close(self.master)
            os.close(self.slave)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for terminal in started:
        terminal.close()


def test_a_websocket_address_is_made_from_the_page_address() -> None:
    assert "ws://host:8123/ws?width=100&height=32" == websocket_url("http://host:8123/", width=100, height=32)
    assert "wss://host/seats/ws?width=80&height=24&code=AB-CD" == websocket_url(
        "https://host/seats", width=80, height=24, code=" ab-cd "
    )
    assert "ws://host:8123/ws?width=80&height=24" == websocket_url("host:8123", width=80, height=24)


def test_a_code_in_the_address_is_kept_unless_one_is_given() -> None:
    assert "ws://h/ws?code=QRCODE&width=80&height=24" == websocket_url("http://h/?code=qrcode", width=80, height=24)
    assert "ws://h/ws?code=TYPED&width=80&height=24" == websocket_url(
        "http://h/?code=qrcode", width=80, height=24, code="typed"
    )


def test_an_address_that_is_not_a_web_address_is_refused() -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        websocket_url("ftp://host/", width=80, height=24)


def test_keys_are_sent_as_an_xterm_sends_them() -> None:
    assert ["\r", "\x1b[Z", "\x13", "\x11", "\x1bOP", "\x1b[6~", "x"] == [
        key_bytes(key) for key in ("enter", "shift+tab", "ctrl+s", "ctrl+q", "f1", "pagedown", "x")
    ]
    with pytest.raises(ValueError, match="unknown key"):
        key_bytes("hyper+x")


async def test_a_seat_shows_the_app_and_what_is_typed_reaches_it(server: str) -> None:
    async with await SeatClient.connect(server, code="abcd-efgh", width=90, height=20) as seat:
        await seat.wait_for("Nothing said yet", timeout=APP_START)
        assert "Seat code: no code" in seat.text()  # the bare textual-serve passes no code on
        await seat.type("hello")
        await seat.press("enter")
        await seat.wait_for("You said: hello", timeout=STEP)


async def test_a_resized_seat_is_redrawn_at_its_new_size(server: str) -> None:
    async with await SeatClient.connect(server, width=90, height=20) as seat:
        await seat.wait_for("Size: 90x20", timeout=APP_START)
        await seat.resize(70, 15)
        await seat.wait_for(re.compile(r"Size: 70x15"), timeout=STEP)


async def test_every_named_key_reaches_the_app_as_that_key(server: str) -> None:
    """Textual's own parser reads each key's bytes back to its name (ctrl+q would quit)."""
    async with await SeatClient.connect(server) as seat:
        await seat.wait_for("Last key: none", timeout=APP_START)
        for key in [*KEYS, "ctrl+s", "ctrl+a", "x", "X"]:
            await seat.press(key)
            await seat.wait_for(f"Last key: [{key}]", timeout=STEP)


async def test_a_key_right_after_escape_is_not_read_as_alt(server: str) -> None:
    async with await SeatClient.connect(server) as seat:
        await seat.wait_for("Last key: none", timeout=APP_START)
        await seat.press("escape", "a")
        await seat.wait_for("Last key: [a]", timeout=STEP)


async def test_ctrl_q_quits_the_app_and_the_server_closes_the_seat(server: str) -> None:
    async with await SeatClient.connect(server) as seat:
        await seat.wait_for("Nothing said yet", timeout=APP_START)
        await seat.press("ctrl+q")
        await seat.wait_closed(timeout=STEP)
        assert seat.closed


async def test_waiting_for_what_never_comes_fails_quoting_the_screen(server: str) -> None:
    async with await SeatClient.connect(server) as seat:
        await seat.wait_for("Nothing said yet", timeout=APP_START)
        with pytest.raises(AssertionError, match=r"(?s)never said.*Nothing said yet"):
            await seat.wait_for("never said", timeout=0.5)


def test_join_relays_a_seat_to_a_terminal_and_gives_it_back_on_ctrl_q(server: str, terminals: list[Terminal]) -> None:
    terminal = Terminal(server, "abcd-efgh", columns=80, lines=20)
    terminals.append(terminal)
    terminal.wait_for("Size: 80x20", timeout=APP_START)
    assert not termios.tcgetattr(terminal.slave)[3] & termios.ICANON, "the terminal should be in raw mode"
    terminal.write("héllo\r".encode())
    terminal.wait_for("You said: héllo")
    terminal.set_size(100, 30)
    terminal.wait_for("Size: 100x30")
    terminal.write(b"\x11")  # ctrl+q
    assert 0 == terminal.finish()
    assert terminal.settings == terminal.final_settings
    tail = bytes(terminal.output).rsplit(RESTORE_TERMINAL, 1)
    assert 2 == len(tail), "the terminal modes the app set should be undone"
    assert "The seat was closed." == tail[1].decode().strip()


def test_join_gives_the_terminal_back_when_the_server_stops(terminals: list[Terminal]) -> None:
    """SIGTERM reaches the apps too: each exits as on ctrl+q, and its seat closes normally."""
    with textual_serve(python_command(ECHO_APP)) as url:
        terminal = Terminal(url, "ABCD")
        terminals.append(terminal)
        terminal.wait_for("Nothing said yet", timeout=APP_START)
    assert 0 == terminal.finish()
    assert terminal.settings == terminal.final_settings
    tail = bytes(terminal.output).rsplit(RESTORE_TERMINAL, 1)
    assert 2 == len(tail)
    assert "The seat was closed." == tail[1].decode().strip()


def test_join_to_a_closed_port_says_so_in_one_line(terminals: list[Terminal]) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    terminal = Terminal(url, "ABCD")
    terminals.append(terminal)
    assert 1 == terminal.finish(timeout=APP_START)
    assert [f"ttx join: cannot reach {url}: Connection refused"] == bytes(terminal.output).decode().splitlines()


def test_join_to_a_server_without_seats_there_says_so_in_one_line(server: str, terminals: list[Terminal]) -> None:
    terminal = Terminal(server + "nowhere/?code=abcd", "ABCD")
    terminals.append(terminal)
    assert 1 == terminal.finish(timeout=APP_START)
    lines = bytes(terminal.output).decode().splitlines()
    assert 1 == len(lines), lines
    assert lines[0].startswith(f"ttx join: cannot reach {server}nowhere/: it answered HTTP 404")


def test_join_without_a_terminal_says_it_needs_one() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from exercise.seats.join import join; sys.exit(join('http://127.0.0.1:1/'))"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=APP_START,
    )
    assert 2 == result.returncode
    assert 1 == len(result.stderr.splitlines()) and "needs a terminal" in result.stderr
    assert "Traceback" not in result.stderr
