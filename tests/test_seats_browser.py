"""A seat in a real browser: headless Chromium opens a join link, a student joins and submits.

The page is textual-serve's: xterm.js draws the seat on canvases, so there is no text in the
DOM to read. Before the page's script runs, a setter on `Object.prototype.terminal` catches
the xterm.js Terminal the page makes (`this.terminal = new Terminal(…)`), and the test reads
the terminal's own buffer, the text the student sees. Keys go in as the student's would:
the terminal has the focus and Playwright types. What arrives is checked in the store too.

Needs Debian's chromium (`/usr/bin/chromium`) and Playwright for Python (never
`playwright install`: it drives the system's browser). Without them the test is skipped,
except on CI (`CI` set), where it fails: CI must never pass by silently skipping it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from exercise.seats.serve import ensure_codes, start_session
from exercise.seats.store import open_store
from tests.seat_server import free_port, serving
from tests.test_seats import SCENARIO, web_argv

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOT = Path("/tmp/seat_browser.png")
WAIT_MS = 30_000  # a seat is a new Python process importing Textual: slow on a loaded machine

# Runs in the page before its own script: keep every xterm.js Terminal made, and give the
# text of the first one's screen, row by row, as xterm.js holds it.
READ_TERMINAL = """
window.__ttxTerminals = [];
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && typeof value.write === "function") window.__ttxTerminals.push(value);
  },
});
window.__ttxScreen = () => {
  const terminal = window.__ttxTerminals[0];
  if (!terminal) return "";
  const buffer = terminal.buffer.active;
  const rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
};
"""


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture
def playwright():
    """Playwright, driving the system's chromium; skipped without them, failed on CI."""
    missing = []
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("Playwright for Python (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:
        reason = "a seat in a browser needs " + " and ".join(missing)
        (pytest.fail if _on_ci() else pytest.skip)(reason)
    with sync_playwright() as driver:
        yield driver


def test_a_student_joins_from_a_link_in_a_browser_and_her_order_reaches_the_store(
    tmp_path: Path, playwright
) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    store = open_store(tmp_path / "class.sqlite")
    facilitator = start_session(store, SCENARIO, 11, session_id="class-1", timer=20)
    code = ensure_codes(store, facilitator)["washington"]
    port = free_port()
    try:
        with serving(web_argv(store.url, port), port) as url:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                # Nothing leaves the machine: the page's one outside request, Google's font
                # stylesheet, is refused at once (xterm.js falls back to a local monospace).
                page.route(
                    lambda address: urlsplit(address).hostname != "127.0.0.1",
                    lambda route: route.abort(),
                )
                page.add_init_script(READ_TERMINAL)

                def shows(*texts: str, without: str = "\0") -> str:
                    """Wait until the terminal shows every one of `texts` (and not `without`); its text."""
                    try:
                        page.wait_for_function(
                            "([texts, without]) => { const s = window.__ttxScreen();"
                            " return texts.every(t => s.includes(t)) && !s.includes(without); }",
                            arg=[list(texts), without], timeout=WAIT_MS,
                        )
                    except PlaywrightTimeout:
                        screen = page.evaluate("window.__ttxScreen()")
                        pytest.fail(f"the page never showed {texts!r}; its terminal shows:\n{screen}")
                    return page.evaluate("window.__ttxScreen()")

                page.goto(f"{url}join/{code}")
                try:
                    page.wait_for_function("window.__ttxTerminals.length > 0", timeout=WAIT_MS)
                except PlaywrightTimeout:
                    pytest.fail("no xterm.js terminal caught: does textual-serve's page still "
                                "assign `this.terminal = new Terminal(…)`?")
                shows("Join the exercise", "Your name", code)  # the link filled in the code

                # No click: the page focuses the terminal itself, so a student can type at once.
                page.wait_for_function("document.activeElement && document.activeElement.classList"
                                       ".contains('xterm-helper-textarea')", timeout=WAIT_MS)
                page.keyboard.type("Ana")
                shows("Ana", without="e.g. Ana")  # typed into the name (its placeholder gone), not the code
                page.keyboard.press("Enter")
                shows("Your moves", "Your team's orders: not sent yet.")

                page.keyboard.press("Space")  # tick the first move: a pass would be asked about first
                shows("Your orders (1 of")  # as a student does: sees the tick, then sends
                page.keyboard.press("Control+s")
                text = shows("Your team's orders: ✓ in, sent by Ana")
                page.screenshot(path=str(SCREENSHOT))
                assert [] == errors
                assert "Washington" in text
            finally:
                browser.close()

        facilitator.refresh()
        order = facilitator.submitted("washington")
        assert order is not None, "the order sent from the browser is not in the store"
        assert "Ana" == order.by
        assert [t.id for t in SCENARIO.teams if t.id != "washington"] == facilitator.waiting_for()
    finally:
        store.close()
