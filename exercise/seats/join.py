"""`ttx join`: a seat in the student's own terminal, relayed over the seat server's websocket."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
import os
import signal
import sys
from typing import IO, Any
from urllib.parse import urlsplit

import aiohttp

from exercise.seats.client import websocket_url

CONNECT_TIMEOUT = 20.0

# Textual's web driver never undoes its terminal modes on exit (a browser page has no
# terminal to give back), so the relay does it: end any synchronized update, plain
# colours, mouse and bracketed paste off, cursor shown, back from the alternate screen.
RESTORE_TERMINAL = (
    b"\x1b[?2026l\x1b[0m"
    b"\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"
    b"\x1b[?2004l\x1b[?25h\x1b[?1049l"
)


class _Unreachable(Exception):
    """The seat server could not be reached; the message says why, in a few words."""


def join(url: str, code: str | None = None) -> int:
    """Sit at a seat of the server at `url` in this terminal until the seat closes.

    Returns 0 once the seat is closed (the app exited, or the server closed the socket),
    1 if the server cannot be reached or the connection is lost, 2 if this is not a
    terminal. `code` may also come in the URL's `?code=`; it is sent uppercased, and
    dashes are the server's to ignore.
    """
    if not (_is_tty(sys.stdin) and _is_tty(sys.stdout)):
        print(
            "ttx join: needs a terminal: run it in a terminal window, input and output not redirected",
            file=sys.stderr,
        )
        return 2
    try:
        import termios  # noqa: F401  (Unix only)
    except ImportError:
        print("ttx join: needs a Unix terminal (Linux, macOS); open the seat in a browser instead", file=sys.stderr)
        return 2
    try:
        lost = asyncio.run(_join(url, code))
    except _Unreachable as error:
        print(f"ttx join: cannot reach {_shown(url)}: {error}", file=sys.stderr)
        return 1
    if lost:
        print("The connection to the seat was lost: the server stopped or the network failed.")
        return 1
    print("The seat was closed.")
    return 0


def _is_tty(stream: IO[Any] | None) -> bool:
    try:
        return stream is not None and os.isatty(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return False


def _shown(url: str) -> str:
    """The address as a person gave it, without its query (which may hold the code)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else url


def _reason(error: BaseException) -> str:
    if isinstance(error, aiohttp.WSServerHandshakeError):
        return f"it answered HTTP {error.status} where a seat server opens a seat (is this the right address?)"
    if isinstance(error, aiohttp.ClientConnectorError):
        number = error.os_error.errno
        return os.strerror(number) if number and number > 0 else (error.os_error.strerror or str(error.os_error))
    if isinstance(error, aiohttp.InvalidURL):
        return "not a valid address"
    if isinstance(error, asyncio.TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT:.0f} s"
    return str(error) or type(error).__name__


async def _join(url: str, code: str | None) -> bool:
    """Connect, relay in raw mode, restore the terminal; whether the connection was lost."""
    import termios
    import tty

    stdin_fd = sys.stdin.fileno()
    out = sys.stdout.buffer
    columns, lines = os.get_terminal_size(sys.stdout.fileno())
    try:
        address = websocket_url(url, width=columns, height=lines, code=code)
    except ValueError as error:
        raise _Unreachable(str(error)) from None
    async with aiohttp.ClientSession() as session:
        try:
            websocket = await asyncio.wait_for(session.ws_connect(address, heartbeat=20.0), CONNECT_TIMEOUT)
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
            raise _Unreachable(_reason(error)) from None
        saved = termios.tcgetattr(stdin_fd)
        try:
            tty.setraw(stdin_fd)
            await _relay(websocket, stdin_fd, out)
        finally:
            # Each step on its own: the terminal may be gone (SIGHUP) and refuse either.
            with contextlib.suppress(OSError):
                out.write(RESTORE_TERMINAL)
                out.flush()
            with contextlib.suppress(OSError, termios.error):
                termios.tcsetattr(stdin_fd, termios.TCSADRAIN, saved)
    # The server closes with 1000 when the app exits; a dead server or network gives 1006.
    return websocket.close_code != aiohttp.WSCloseCode.OK


async def _relay(websocket: aiohttp.ClientWebSocketResponse, stdin_fd: int, out: IO[bytes]) -> None:
    """Keys and resizes to the server, the app's output to the terminal, until the socket closes."""
    loop = asyncio.get_running_loop()
    # One queue keeps keys and resizes in the order they happened; None means "hang up".
    outbox: asyncio.Queue[list[Any] | None] = asyncio.Queue()
    decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode

    def on_input() -> None:
        try:
            data = os.read(stdin_fd, 4096)
        except OSError:
            data = b""
        if not data:  # end of input: the terminal went away
            loop.remove_reader(stdin_fd)
            outbox.put_nowait(None)
        elif text := decode(data):
            outbox.put_nowait(["stdin", text])

    def on_resize() -> None:
        columns, lines = os.get_terminal_size(out.fileno())
        outbox.put_nowait(["resize", {"width": columns, "height": lines}])

    async def send() -> None:
        try:
            while (envelope := await outbox.get()) is not None:
                await websocket.send_str(json.dumps(envelope))
        except (aiohttp.ClientError, ConnectionError):
            pass  # the socket is closing; the receiving loop ends with it
        await websocket.close()

    loop.add_reader(stdin_fd, on_input)
    loop.add_signal_handler(signal.SIGWINCH, on_resize)
    for hangup in (signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(hangup, outbox.put_nowait, None)
    sender = asyncio.create_task(send())
    try:
        async for message in websocket:
            # Text frames (open_url, deliver_file_start, pong) mean nothing in a terminal.
            if message.type == aiohttp.WSMsgType.BINARY:
                out.write(message.data)
                out.flush()
    finally:
        loop.remove_reader(stdin_fd)
        for handled in (signal.SIGWINCH, signal.SIGTERM, signal.SIGHUP):
            loop.remove_signal_handler(handled)
        sender.cancel()
        await asyncio.gather(sender, return_exceptions=True)
