"""Engine benchmarks: `ttx check` start-up against a bare import, and random games per second.

Run: python benchmarks/bench_engine.py [SCENARIO]   (default: the flagship scenario)
Every figure is measured in this run; ratios compare against a baseline measured alongside.
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
sys.path.insert(0, str(ROOT))

from exercise.bots import RandomPlayer  # noqa: E402
from exercise.engine import initial_state, load_scenario  # noqa: E402
from exercise.play import play_out  # noqa: E402


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=ENV)
    return time.perf_counter() - start


def play(scenario, seed: int, bot: RandomPlayer) -> str:
    return play_out(initial_state(scenario, seed), {t.id: bot for t in scenario.teams}, seed).outcome


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scenarios" / "sequencing_2018.toml"
    python = sys.executable
    script = Path(python).parent / "ttx"  # the command a user runs, when installed
    ttx = [str(script)] if script.exists() else [python, "-m", "exercise"]

    print(f"scenario: {path}")
    runs = 21
    base_times, check_times = [], []
    timed([*ttx, "check", str(path)])  # warm-up: compiled-module caches written
    for _ in range(runs):  # interleaved, so that a busy moment weighs on both alike
        base_times.append(timed([python, "-c", "import attrs, tomli"]))
        check_times.append(timed([*ttx, "check", str(path)]))
    baseline, check = statistics.median(base_times), statistics.median(check_times)
    print(f"python -c 'import attrs, tomli' : {baseline * 1000:7.1f} ms (median of {runs}, interleaved)")
    print(f"{' '.join(Path(c).name for c in ttx)} check {path.name:<14}: {check * 1000:7.1f} ms (median of {runs}, interleaved)")
    print(f"  ratio check / bare import     : {check / baseline:7.2f}x   (goal: at most 2x)")

    scenario = load_scenario(path)
    bot = RandomPlayer(scenario)
    for seed in range(20):  # warm-up
        play(scenario, seed, bot)
    games = 0
    turns = 0
    start = time.perf_counter()
    while time.perf_counter() - start < 3.0:
        state_outcome = play(scenario, games, bot)
        games += 1
    elapsed = time.perf_counter() - start
    print(f"random headless games           : {games / elapsed:7.0f} games/s on one core "
          f"({games} games in {elapsed:.1f} s; goal: at least 1,000)")
    del state_outcome, turns


if __name__ == "__main__":
    main()
