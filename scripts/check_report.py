"""Check the HTML after-action report with independent tools: the Nu HTML checker, axe-core in
headless Chromium at desktop and phone width, and Chromium's print to PDF on A4 and Letter.

Run:  .venv/bin/python scripts/check_report.py            (exit 0: every check passed)
      .venv/bin/python scripts/check_report.py --keep DIR  (keep the reports, PDFs and page texts)

Four reports are checked: the flagship's room report of a scripted game
(`ttx run sequencing_2018 --seed 1 --orders .../verified_roadmap.toml`, ending on turn 5), the
facilitator's and the room's reports of a game with every facilitator action (overrides, an inject
fired by hand, hand-overs, the timer, undo, and an ending chosen with a reason), and the room's
report of a scripted game that runs all eight turns (its meter table is the widest). Or name HTML
files to check those instead.

Checks, each of which must find nothing:
- Nu HTML checker (`vnu-jar`, Java): errors;
- axe-core (default rules) in Chromium at 1280 px and at 360 px (a phone): violations;
- horizontal overflow: at 360 px, anything wider than the screen outside a scroll container; in
  print (CSS print media at the printable width of A4 and of Letter), anything wider than the paper;
- print to PDF (A4 and Letter): a page whose text ends with a heading, caption or figure caption
  (a heading stranded at the bottom of a page, its content on the next), read with `pdftotext`.

Needs java, npm, Debian's chromium and pdftotext (poppler-utils). The npm packages are installed,
pinned, into a cache folder outside the work tree (`--tools`, default ~/.cache/ttx/report-check).
Exit status 2 means a tool is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PACKAGES = {"vnu-jar": "26.9.27", "axe-core": "4.14.1"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}  # millimetres
MARGIN_MM = 14.0  # left and right, as the report's @page rule sets them
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
FLAGSHIP_ORDERS = ROOT / "scenarios" / "orders" / "sequencing_2018" / "verified_roadmap.toml"


class Missing(Exception):
    """A tool the checks need is not installed."""


def default_tools() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(os.environ.get("TTX_REPORT_TOOLS") or cache / "ttx" / "report-check")


def ensure_tools(folder: Path) -> dict[str, Path]:
    """The pinned npm packages in `folder` (installed there if absent), and the programs needed."""
    missing = [name for name in ("java", "npm", "pdftotext") if shutil.which(name) is None]
    if not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    if missing:
        raise Missing("missing: " + ", ".join(missing))
    wanted = []
    for name, version in PACKAGES.items():
        manifest = folder / "node_modules" / name / "package.json"
        if not manifest.exists() or json.loads(manifest.read_text()).get("version") != version:
            wanted.append(f"{name}@{version}")
    if wanted:
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--silent",
                               *wanted], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise Missing(f"npm install {' '.join(wanted)} failed: {done.stderr.strip()[-500:]}")
    return {"vnu": folder / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar",
            "axe": folder / "node_modules" / "axe-core" / "axe.min.js"}


# -- the reports --------------------------------------------------------------------------------
def ttx(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"ttx {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def eventful_session(path: Path):
    """A flagship game with every facilitator action: overrides (one of a hidden meter), an inject
    fired by hand and a private one, Seoul handed to the computer and back, the timer paused,
    resumed and extended, a turn undone and played again, and an ending chosen with a reason."""
    from exercise.engine import Order, load_scenario
    from exercise.play import choose, computers
    from exercise.session import Session

    scenario = load_scenario(ROOT / "scenarios" / "sequencing_2018.toml")
    session = Session.start(scenario, 2, path, {t.id: "human" for t in scenario.teams}, {"timer": 10})
    bots = computers(scenario, {t.id: "doctrine" for t in scenario.teams})

    def play_turn() -> None:
        for team in scenario.teams:
            order = choose(session.state, team.id, bots[team.id], 2)
            if session.players[team.id] == "human":  # people give a rationale, never a computer's reason
                order = Order(team.id, order.moves, "We talked it over.")
            session.submit(order)
        session.resolve()

    session.override("tension", 60, "the class judged the summit oversold")
    session.override("icbm_progress", 70, "Pyongyang's engineers had a good month")
    play_turn()
    session.fire_inject("kremlin_invitation" if "kremlin_invitation" in scenario.inject_index
                        else scenario.injects[-1].id)
    session.fire_inject(title="A note for Pyongyang only", text="Beijing's envoy is on his way.", to=["pyongyang"])
    session.set_player("seoul", "computer:doctrine")
    session.timer_note("pause")
    session.timer_note("resume")
    session.timer_note("extend", 5)
    play_turn()
    play_turn()
    session.undo()
    session.resolve()
    session.set_player("seoul", "human")
    play_turn()
    session.end("out of class time", None)
    session.close()
    return session


def make_reports(folder: Path) -> dict[str, Path]:
    flagship = folder / "flagship.jsonl"
    ttx("run", "sequencing_2018", "--seed", "1", "--orders", str(FLAGSHIP_ORDERS), "--journal", str(flagship))
    eventful = folder / "eventful.jsonl"
    eventful_session(eventful)
    eight = folder / "eight_turns.jsonl"
    ttx("run", "sequencing_2018", "--seed", "1", "--orders", str(FLAGSHIP_ORDERS.with_name("frozen_stalemate.toml")),
        "--journal", str(eight))
    reports = {"flagship, room": (flagship, "room", "100"), "eventful, facilitator": (eventful, "facilitator", "0"),
               "eventful, room": (eventful, "room", "0"), "eight turns, room": (eight, "room", "10")}
    out = {}
    for name, (journal, audience, replays) in reports.items():
        path = folder / (name.replace(", ", "-").replace(" ", "_") + ".html")
        ttx("report", str(journal), "--format", "html", "--audience", audience, "--replays", replays, "-o", str(path))
        out[name] = path
    return out


# -- the checks ---------------------------------------------------------------------------------
def nu_errors(vnu: Path, files: list[Path]) -> dict[Path, list[str]]:
    done = subprocess.run(["java", "-jar", str(vnu), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    found: dict[Path, list[str]] = {f: [] for f in files}
    for message in json.loads(done.stderr or '{"messages": []}')["messages"]:
        where = Path(message.get("url", "").removeprefix("file:"))
        line = f"line {message.get('lastLine', '?')}: {message.get('message', '')}"
        found.setdefault(where if where in found else files[0], []).append(line)
    return found


OVERFLOW = """(limit) => {
  const wide = [];
  const inScroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && p.scrollWidth > p.clientWidth - 1) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > limit + 0.5 && !inScroller(el)) wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''} ends at ${Math.round(r.right)} px`);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > limit + 0.5) wide.unshift(`the page is ${doc.scrollWidth} px wide`);
  return wide.slice(0, 8);
}"""

HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, caption, figcaption')]
  .filter(e => e.getClientRects().length > 0).map(e => e.innerText.replace(/\\s+/g, ' ').trim())"""


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


FOOTER = re.compile(r"Page \d+ of \d+")


def stranded(pages: list[str], headings: list[str]) -> list[str]:
    """Pages whose last lines are a heading, whole: the heading is the last thing on the page.

    A heading is matched from the start of a line (one wrapped over up to three lines is joined),
    so a paragraph that merely ends with the same words as a heading is not taken for it.
    """
    known = {h for h in headings if h}
    found = []
    for number, text in enumerate(pages[:-1], 1):
        lines = [_squash(line) for line in text.splitlines() if line.strip()]
        while lines and FOOTER.fullmatch(lines[-1]):  # the page's margin box, not its content
            lines.pop()
        for k in (1, 2, 3):
            tail = " ".join(lines[-k:])
            if tail in known:
                found.append(f"page {number} ends with “{tail}”")
                break
    return found


def check_pages(browser, url: str, axe: Path, folder: Path, stem: str) -> dict[str, object]:
    result: dict[str, object] = {}
    for name, size, mobile in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
        context = browser.new_context(viewport=size, is_mobile=mobile, has_touch=mobile,
                                      device_scale_factor=2 if mobile else 1)
        page = context.new_page()
        page.goto(url)
        page.add_script_tag(path=str(axe))
        violations = page.evaluate("async () => (await axe.run(document)).violations"
                                   ".map(v => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s): `"
                                   " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))")
        result[f"axe {name}"] = violations
        if mobile:
            result["overflow 360 px"] = page.evaluate(OVERFLOW, size["width"])
        context.close()
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(url)
    page.emulate_media(media="print")
    headings = page.evaluate(HEADINGS)
    for paper, (width, height) in PAPERS.items():
        printable = round((width - 2 * MARGIN_MM) * 96 / 25.4)
        page.set_viewport_size({"width": printable, "height": 1000})
        result[f"print overflow {paper}"] = page.evaluate(OVERFLOW, printable)
        pdf = folder / f"{stem}.{paper}.pdf"
        page.pdf(path=str(pdf), format=paper, print_background=True)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        pages = text.split("\f")
        if pages and not pages[-1].strip():
            pages = pages[:-1]
        (folder / f"{stem}.{paper}.txt").write_text(text)
        result[f"{paper} pages"] = len(pages)
        result[f"stranded {paper}"] = stranded(pages, headings)
    context.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=default_tools(), help="where the npm packages are kept")
    parser.add_argument("--keep", type=Path, help="write the reports, PDFs and page texts here")
    parser.add_argument("html", nargs="*", type=Path, help="check these HTML files instead of making reports")
    args = parser.parse_args(argv)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    try:
        tools = ensure_tools(args.tools)
    except Missing as exc:
        print(f"check_report: {exc}", file=sys.stderr)
        return 2
    timings["tools"] = time.perf_counter() - clock
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.jsonl"):
            old.unlink()
        clock = time.perf_counter()
        reports = {p.name: p.resolve() for p in args.html} if args.html else make_reports(folder)
        timings["reports"] = time.perf_counter() - clock
        clock = time.perf_counter()
        nu = nu_errors(tools["vnu"], list(reports.values()))
        timings["Nu checker"] = time.perf_counter() - clock
        clock = time.perf_counter()
        from playwright.sync_api import sync_playwright

        results = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for name, path in reports.items():
                results[name] = {"Nu errors": nu.get(path, []),
                                 **check_pages(browser, path.as_uri(), tools["axe"], folder, path.stem)}
            browser.close()
        timings["Chromium (axe, overflow, PDF)"] = time.perf_counter() - clock
    failed = False
    for name, found in results.items():
        print(f"{name}:")
        for check, value in found.items():
            if isinstance(value, list):
                failed |= bool(value)
                print(f"  {check}: {len(value)}" + "".join(f"\n    - {v}" for v in value))
            else:
                print(f"  {check}: {value}")
    print("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    print("FAILED" if failed else "all checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
