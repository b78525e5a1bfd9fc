"""Every figure of the performance table, each with its baseline measured in the same run, its goal, PASS or MISS.

Run: python benchmarks/run_all.py [--quick]
--quick plays `ttx simulate --bot lookahead` 100 times instead of 1,000 and scales the time by ten,
and takes medians of fewer start-ups; every other figure is measured in full. The table is
Markdown, for the README and docs/performance.md; progress goes to standard error. Run it on a
quiet machine: every figure but the games a second uses both cores or a fresh interpreter.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_engine  # noqa: E402
import bench_floors  # noqa: E402
import bench_report  # noqa: E402
import bench_tui  # noqa: E402

FLAGSHIP = ROOT / "scenarios" / "sequencing_2018.toml"


def run_timed(arguments: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (its processes' user and system time) of one `ttx` command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = bench_engine.timed([*bench_engine.ttx_command(), *arguments])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def simulate(level: str, runs: int) -> tuple[float, float]:
    return run_timed(["simulate", "sequencing_2018", "--runs", str(runs), "--seed", "1", "--bot", level, "-q"])


class Row:
    def __init__(self, figure: str, now: str, baseline: str, goal: str, passed: bool) -> None:
        self.figure, self.now, self.baseline, self.goal, self.passed = figure, now, baseline, goal, passed


def games_row(seconds: float) -> Row:
    rate, games, elapsed = bench_engine.games_per_second(FLAGSHIP, seconds)
    floors = bench_floors.floors(FLAGSHIP, seconds)
    return Row("random headless games, one core (flagship)", f"{rate:,.0f} games/s ({games:,} in {elapsed:.1f} s)",
               f"the same turn loop with closures over dicts: {floors['dicts']:,.0f}/s; "
               f"with attrs.evolve: {floors['evolve']:,.0f}/s", "≥ 5,000/s", rate >= 5000)


def doctrine_row() -> Row:
    wall, cpu = simulate("doctrine", 1000)
    base, _ = simulate("random", 1000)
    return Row("`ttx simulate --runs 1000 --bot doctrine`", f"{wall:.1f} s wall ({cpu:.1f} s CPU)",
               f"random players: {base:.1f} s", "≤ 2 s", wall <= 2)


def lookahead_row(quick: bool) -> Row:
    runs = 100 if quick else 1000
    wall, cpu = simulate("lookahead", runs)
    scale = 1000 / runs
    how = f" (100 runs: {wall:.1f} s, × 10)" if quick else f" ({cpu:.0f} s CPU)"
    return Row("`ttx simulate --runs 1000 --bot lookahead`", f"{wall * scale:.0f} s wall{how}", "",
               "≤ 30 s", wall * scale <= 30)


def test_row() -> Row:
    wall, cpu = run_timed(["test", "sequencing_2018", "-q"])
    return Row("`ttx test` of the flagship's expectations", f"{wall:.1f} s wall ({cpu:.1f} s CPU)", "", "≤ 20 s",
               wall <= 20)


def check_row(runs: int) -> Row:
    base, check = bench_engine.check_times(FLAGSHIP, runs)
    ratio = check / base
    return Row("`ttx check` of the flagship", f"{ratio:.2f}× ({check * 1000:.0f} ms, median of {runs})",
               f'`python -c "import attrs, tomli"`: {base * 1000:.0f} ms', "≤ 1.5×", ratio <= 1.5)


def frame_row(runs: int) -> Row:
    minimal, home = bench_tui.first_frames(runs)
    ratio = home / minimal
    return Row("home screen's first frame", f"{ratio:.2f}× ({home * 1000:.0f} ms, median of {runs})",
               f"a bare Textual app: {minimal * 1000:.0f} ms", "≤ 1.25×", ratio <= 1.25)


def report_row() -> Row:
    times = bench_report.report_times(6)
    return Row(f"report with decisive moments, {times['turns']} turns (the room's, as `ttx report` makes it)",
               f"{times['room']:.2f} s (one process: {times['room_one']:.2f} s; "
               f"the facilitator's: {times['full']:.2f} s)",
               f"without decisive moments: {times['plain']:.2f} s", "≤ 0.5 s", times["room"] <= 0.5)


def table(rows: list[Row]) -> str:
    lines = ["| figure | now | floor or baseline (same run) | goal | |", "|---|---|---|---|---|"]
    lines += [f"| {r.figure} | {r.now} | {r.baseline} | {r.goal} | {'PASS' if r.passed else 'MISS'} |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 lookahead games scaled by ten; fewer start-ups")
    args = parser.parse_args()
    starts = 7 if args.quick else 21
    steps: list[tuple[str, Callable[[], Row]]] = [
        ("random headless games and their floors", lambda: games_row(3.0)),
        ("ttx simulate, doctrine and random", doctrine_row),
        ("ttx simulate, lookahead", lambda: lookahead_row(args.quick)),
        ("ttx test", test_row),
        ("ttx check against a bare import", lambda: check_row(starts)),
        ("the home screen's first frame against a bare Textual app", lambda: frame_row(max(5, starts * 5 // 7))),
        ("the report with decisive moments", report_row),
    ]
    rows = []
    load_before = os.getloadavg()[0]
    begun = time.perf_counter()
    for what, step in steps:
        sys.stderr.write(f"measuring {what} …\n")
        rows.append(step())
    # A busy machine shows here: a load above about 0.3 before the run means another program shared the cores.
    print(f"ttx benchmarks: Python {platform.python_version()}, {os.cpu_count()} cores"
          f"{', --quick' if args.quick else ''}; {time.perf_counter() - begun:.0f} s in all; "
          f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after\n")
    print(table(rows))


if __name__ == "__main__":
    main()
