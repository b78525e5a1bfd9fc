"""The seats' web server: textual-serve, one seat process per browser connection.

textual-serve runs a command for each websocket and relays its terminal to the browser.
Here the command is the seat app (`exercise.seats.seat_app`), told through its
environment which store to read, the join code the page was opened with (`/join/CODE`,
so a QR code can carry it) and the address it came from (to rate-limit wrong codes).

What is served is only ever the seat app: the facilitator's console stays in the
facilitator's terminal. Run as `python -m exercise.seats.web --store URL --host H --port P`
(`ttx serve` starts it and stops it).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import shlex
import sys
import time
from collections import defaultdict, deque
from typing import Any

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from exercise.seats.store import normalize_code

log = logging.getLogger("ttx.seats")

CONNECTIONS_PER_MINUTE = 120  # per address (a reverse proxy is one address for the whole class)
MAX_SEATS = 200  # seat processes this server runs at once


FOCUS_SCRIPT = """<script>
(function focusSeat(tries) {
  var box = document.querySelector(".-connected .xterm-helper-textarea");  // once its websocket is open
  if (box) { box.focus(); } else if (tries > 0) { setTimeout(function () { focusSeat(tries - 1); }, 200); }
})(100);
</script>
"""


class SeatService(AppService):
    """One seat process, started with the connection's join code and address in its environment."""

    def __init__(self, command: str, *, extra_env: dict[str, str], **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.extra_env = extra_env

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment.update(self.extra_env)
        return environment


class SeatServer(Server):
    """textual-serve's server, with join links, per-address limits, and seat processes for one store."""

    def __init__(self, store_url: str, host: str, port: int, public_url: str | None = None,
                 title: str = "ttx seat") -> None:
        command = f"{shlex.quote(sys.executable)} -m exercise.seats.seat_app"
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self.store_url = store_url
        self.recent: dict[str, deque[float]] = defaultdict(deque)
        self.running = 0

    def initialize_logging(self) -> None:  # one line per event on stderr, no banner
        logging.basicConfig(level="INFO", format="%(message)s", stream=sys.stderr)
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # URLs may carry join codes

    async def on_startup(self, app: web.Application) -> None:
        print(f"serving seats on {self.public_url}", flush=True)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_get("/join/{code}", self.handle_index)
        app.router.add_get("/ws/{code}", self.handle_websocket)
        app.router.add_get("/health", self.handle_health)
        app.router.add_get("/favicon.ico", lambda request: web.Response(status=204))
        return app

    async def handle_health(self, request: web.Request) -> web.Response:
        return web.Response(text=f"ok {self.running} seats\n")

    async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
        """The page; opened as /join/CODE, its websocket carries the code to the seat."""
        response = await super().handle_index(request)
        code = normalize_code(request.match_info.get("code", ""))
        if isinstance(response, web.Response) and response.text:
            text = response.text
            marker = 'data-session-websocket-url="'
            start = text.find(marker)
            if code and start >= 0:
                end = text.find('"', start + len(marker))
                url = text[start + len(marker):end]
                if url.endswith("/ws"):
                    text = text[:end] + "/" + code + text[end:]
            # A classroom may have no internet: no font from elsewhere holds up the page.
            text = re.sub(r'<link[^>]*fonts\.googleapis\.com[^>]*>', "", text)
            # Keys typed as the page opens reach the seat: focus the terminal once it is drawn.
            text = text.replace("</body>", FOCUS_SCRIPT + "</body>", 1)
            response.text = text
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def _allowed(self, peer: str) -> bool:
        now = time.monotonic()
        times = self.recent[peer]
        while times and now - times[0] > 60:
            times.popleft()
        if len(times) >= CONNECTIONS_PER_MINUTE or self.running >= MAX_SEATS:
            return False
        times.append(now)
        return True

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """A browser (or `ttx join`) connects: run one seat process for it until either side closes."""
        websocket = web.WebSocketResponse(heartbeat=15)
        peer = request.remote or "?"
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        code = normalize_code(request.match_info.get("code") or request.query.get("code", ""))
        await websocket.prepare(request)
        if not self._allowed(peer):
            await websocket.send_bytes(b"\r\nToo many connections from this address; wait a minute.\r\n")
            await websocket.close()
            return websocket
        service = SeatService(
            self.command,
            extra_env={"TTX_STORE": self.store_url, "TTX_SEAT_CODE": code, "TTX_SEAT_PEER": peer},
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        self.running += 1
        try:
            await service.start(width, height)
            try:
                await self._relay(websocket, service)
            finally:
                await service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one connection's failure never stops the server
            log.warning("a seat failed: %s", error)
        finally:
            self.running -= 1
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, service: AppService) -> None:
        """The browser's keys and size to the seat process (textual-serve's envelope: [type, data])."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind = envelope[0]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and len(envelope) > 1 and isinstance(envelope[1], str) and envelope[1]:
                await service.send_bytes(envelope[1][:4096].encode("utf-8"))
            elif kind == "resize" and len(envelope) > 1 and isinstance(envelope[1], dict):
                width = _int(envelope[1].get("width"), 80)
                height = _int(envelope[1].get("height"), 24)
                await service.set_terminal_size(width, height)
            elif kind == "ping" and len(envelope) > 1:
                await websocket.send_json(["pong", envelope[1]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()


def _int(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(20, min(400, number))


def _follow_parent(pid: int) -> None:
    """When `ttx serve` is gone (killed, closed), stop this server and its seats: the store keeps the session."""
    import signal
    import threading

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
            if os.getppid() != pid:
                break
        try:
            os.killpg(os.getpgid(0), signal.SIGTERM)
        finally:
            os._exit(0)

    threading.Thread(target=watch, daemon=True, name="ttx-parent").start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exercise.seats.web")
    parser.add_argument("--store", default=os.environ.get("TTX_STORE", ""),
                        help="the store (default: $TTX_STORE, which keeps a password off the command line)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--public-url", default=None)
    parser.add_argument("--parent", type=int, default=0,
                        help="stop (with every seat) when this process is gone: ttx serve's own pid")
    args = parser.parse_args(argv)
    os.environ.pop("TEXTUAL", None)  # never devtools in a seat
    if not args.store:
        print("the seats' web server needs a store (--store or $TTX_STORE)", file=sys.stderr)
        return 2
    server = SeatServer(args.store, args.host, args.port, args.public_url)
    if args.parent:
        _follow_parent(args.parent)
    try:
        server.serve()
    except OSError as exc:
        print(f"ttx serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
