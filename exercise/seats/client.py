"""A client for textual-serve's websocket protocol that keeps a virtual screen of the seat."""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp

if TYPE_CHECKING:
    import pyte

# The bytes an xterm sends for each key (normal cursor-key mode, which is what Textual's
# parser expects); `ctrl+<letter>` and single characters are worked out in `key_bytes`.
KEYS: dict[str, str] = {
    "enter": "\r",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "escape": "\x1b",
    "space": " ",
    "backspace": "\x7f",
    "delete": "\x1b[3~",
    "insert": "\x1b[2~",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    "f5": "\x1b[15~",
    "f6": "\x1b[17~",
    "f7": "\x1b[18~",
    "f8": "\x1b[19~",
    "f9": "\x1b[20~",
    "f10": "\x1b[21~",
    "f11": "\x1b[23~",
    "f12": "\x1b[24~",
}

# Textual reads a lone ESC as the escape key only if nothing follows within ESCDELAY
# (100 ms); anything sooner turns it into alt+<key> or a broken sequence.
_ESCAPE_QUIET = 0.25


def key_bytes(key: str) -> str:
    """The text a terminal sends when `key` is pressed ("enter", "ctrl+s", "x", ...)."""
    if len(key) == 1:
        return key
    name = key.lower()
    if name in KEYS:
        return KEYS[name]
    if name.startswith("ctrl+") and len(name) == 6 and "a" <= name[5] <= "z":
        return chr(ord(name[5]) - ord("a") + 1)
    raise ValueError(f"unknown key {key!r}; known: {', '.join(KEYS)}, ctrl+a..ctrl+z or one character")


def websocket_url(url: str, *, width: int, height: int, code: str | None = None) -> str:
    """The websocket address of a seat server given its page address.

    `http://host:8123/` becomes `ws://host:8123/ws?width=W&height=H&code=CODE`; https gives
    wss, a missing scheme means http, a query already in `url` (a `code` from a QR code)
    is kept unless `code` is given, and an address already ending in `/ws` is left there.
    Raises ValueError for an address that is not http(s) or ws(s).
    """
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    schemes = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
    if parts.scheme.lower() not in schemes:
        raise ValueError("not a web address: it should start with http:// or https://")
    if not parts.hostname:
        raise ValueError("the address names no host")
    path = parts.path
    if not path.endswith("/ws"):
        path = path.rstrip("/") + "/ws"
    query = {key: value for key, value in parse_qsl(parts.query) if key not in ("width", "height")}
    query["width"] = str(width)
    query["height"] = str(height)
    if code is not None:
        query["code"] = code
    if "code" in query:
        query["code"] = query["code"].strip().upper()
    return urlunsplit((schemes[parts.scheme.lower()], parts.netloc, path, urlencode(query), ""))


class SeatClient:
    """One seat driven over the websocket, its screen kept by pyte.

    A background task feeds every binary frame (the app's terminal output) to a
    `pyte.Screen` and sets an event, so `wait_for` wakes on each update instead of polling.
    Text frames (JSON such as `["open_url", {...}]`) are kept in `messages`.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        websocket: aiohttp.ClientWebSocketResponse,
        width: int,
        height: int,
    ) -> None:
        import pyte  # only the tests and the benchmark need a virtual screen, not `ttx join`

        self._session = session
        self._websocket = websocket
        self.screen: pyte.Screen = pyte.Screen(width, height)
        self._stream = pyte.ByteStream(self.screen)
        self.messages: list[Any] = []
        self._updated = asyncio.Event()
        self._closed = asyncio.Event()
        self._quiet_until = 0.0
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, url: str, code: str | None = None, width: int = 100, height: int = 32) -> SeatClient:
        """Open a seat at the server whose page is at `url` (http or https)."""
        session = aiohttp.ClientSession()
        try:
            websocket = await session.ws_connect(websocket_url(url, width=width, height=height, code=code))
        except BaseException:
            await session.close()
            raise
        return cls(session, websocket, width, height)

    async def __aenter__(self) -> SeatClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _read(self) -> None:
        try:
            async for message in self._websocket:
                if message.type == aiohttp.WSMsgType.BINARY:
                    self._stream.feed(message.data)
                elif message.type == aiohttp.WSMsgType.TEXT:
                    self.messages.append(json.loads(message.data))
                self._updated.set()
        finally:
            self._closed.set()
            self._updated.set()

    async def _send(self, envelope: list[Any]) -> None:
        await self._websocket.send_str(json.dumps(envelope))

    async def _stdin(self, text: str) -> None:
        loop = asyncio.get_running_loop()
        if (wait := self._quiet_until - loop.time()) > 0:
            await asyncio.sleep(wait)
        await self._send(["stdin", text])

    async def press(self, *keys: str) -> None:
        """Press keys one after another, by name (see `KEYS`) or as single characters."""
        for key in keys:
            await self._stdin(key_bytes(key))
            if key.lower() == "escape":
                self._quiet_until = asyncio.get_running_loop().time() + _ESCAPE_QUIET

    async def type(self, text: str) -> None:
        """Type `text` as the keyboard would (one frame; Textual splits it into keys)."""
        await self._stdin(text)

    async def resize(self, width: int, height: int) -> None:
        """Resize the seat's terminal, as a browser window would."""
        self.screen.resize(lines=height, columns=width)
        await self._send(["resize", {"width": width, "height": height}])

    def text(self) -> str:
        """The screen as it is now: its lines, right-trimmed, joined with newlines."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    async def wait_for(self, needle: str | re.Pattern[str], timeout: float = 10.0) -> float:
        """Wait until the screen shows `needle`; return the seconds waited.

        Raises AssertionError, quoting the screen, on timeout or if the seat closes first.
        """
        loop = asyncio.get_running_loop()
        start = loop.time()
        found = needle.search if isinstance(needle, re.Pattern) else lambda text: needle in text
        while True:
            self._updated.clear()
            if found(self.text()):
                return loop.time() - start
            remaining = start + timeout - loop.time()
            if self.closed or remaining <= 0:
                why = "the seat closed" if self.closed else f"{timeout:.1f} s passed"
                raise AssertionError(f"{why} before the screen showed {needle!r}; it shows:\n{self.text()}")
            try:
                await asyncio.wait_for(self._updated.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    @property
    def closed(self) -> bool:
        """Whether the server has closed the seat (the app exited) or we did."""
        return self._closed.is_set()

    async def wait_closed(self, timeout: float = 10.0) -> float:
        """Wait until the seat closes; return the seconds waited, AssertionError on timeout."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            await asyncio.wait_for(self._closed.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"the seat was still open after {timeout:.1f} s; it shows:\n{self.text()}") from None
        return loop.time() - start

    async def close(self) -> None:
        """Close the websocket (the server then stops the app) and the HTTP session."""
        await self._websocket.close()
        await self._reader
        await self._session.close()
