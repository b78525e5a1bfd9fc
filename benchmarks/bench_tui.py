"""TUI benchmarks: time to the home screen's first frame, and peak memory through a full game.

Run: python benchmarks/bench_tui.py
The baseline is a minimal Textual app (a header, a label, a footer) measured in the same run,
started the same way: a fresh interpreter, headless, exiting as soon as the first frame is up.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# As on a user's machine: Python caches compiled modules. (Some shells here set
# PYTHONDONTWRITEBYTECODE, which would charge every run with compiling every module.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

MINIMAL = """
from textual.app import App
from textual.widgets import Footer, Header, Label

class Minimal(App):
    def compose(self):
        yield Header()
        yield Label("hello")
        yield Footer()

async def first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()

Minimal().run(headless=True, size=(120, 40), auto_pilot=first_frame)
"""

HOME = """
import os, tempfile
os.environ["TTX_HOME"] = tempfile.mkdtemp()
from exercise.cli import build_app  # exactly what `ttx` with no arguments builds

async def first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()

build_app([]).run(headless=True, size=(120, 40), auto_pilot=first_frame)
"""

FULL_GAME = """
import os, resource, tempfile
os.environ["TTX_HOME"] = tempfile.mkdtemp()
from exercise.tui.app import TtxApp
from exercise.bundled import find_bundled

async def play(pilot):
    app = pilot.app
    await pilot.pause()
    from textual.widgets import Select
    for team in app.screen.scenario.teams:
        if team.playable:
            app.screen.query_one(f"#player-{team.id}", Select).value = "computer:random"
    await pilot.press("ctrl+s")
    await pilot.pause()
    await pilot.press("enter")
    turns = 0
    while app.state.outcome is None:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.exercise.session.waiting_for():
            await pilot.press("r")
            await pilot.pause()
            await pilot.press("f3")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.press("enter")
            turns += 1
    await pilot.pause()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{turns} {peak:.1f}")
    app.exit()

TtxApp(start="play", scenario_path=find_bundled("sequencing_2018"), seed=7).run(
    headless=True, size=(120, 40), auto_pilot=play)
"""


def timed(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT, env=ENV)
    return time.perf_counter() - start


def first_frames(runs: int = 15) -> tuple[float, float]:
    """Median seconds to the first frame of a minimal Textual app and of ttx's home screen, interleaved."""
    minimal_times, home_times = [], []
    timed(MINIMAL), timed(HOME)  # warm-up: compiled-module caches written
    for _ in range(runs):  # interleaved, so that a busy moment weighs on both alike
        minimal_times.append(timed(MINIMAL))
        home_times.append(timed(HOME))
    return statistics.median(minimal_times), statistics.median(home_times)


def main() -> None:
    runs = 15
    minimal, home = first_frames(runs)
    print(f"minimal Textual app, first frame : {minimal * 1000:7.0f} ms (median of {runs}, interleaved)")
    print(f"ttx home screen, first frame     : {home * 1000:7.0f} ms (median of {runs}, interleaved)")
    print(f"  ratio home / minimal           : {home / minimal:7.2f}x   (goal: at most 1.25x)")
    result = subprocess.run([sys.executable, "-c", FULL_GAME], check=True, capture_output=True, text=True, cwd=ROOT)
    turns, peak = result.stdout.split()
    print(f"peak memory through a full game  : {float(peak):7.1f} MiB over {turns} turns (goal: under 80 MiB)")


if __name__ == "__main__":
    main()
