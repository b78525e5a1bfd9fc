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


def ttx_command() -> list[str]:
    """The command a user runs: the installed `ttx` script, else `python -m exercise`."""
    script = Path(sys.executable).parent / "ttx"
    return [str(script)] if script.exists() else [sys.executable, "-m", "exercise"]


def check_times(path: Path, runs: int = 21) -> tuple[float, float]:
    """Median seconds of `python -c 'import attrs, tomli'` and of `ttx check PATH`, interleaved."""
    ttx = ttx_command()
    base_times, check_times = [], []
    timed([*ttx, "check", str(path)])  # warm-up: compiled-module caches written
    for _ in range(runs):  # interleaved, so that a busy moment weighs on both alike
        base_times.append(timed([sys.executable, "-c", "import attrs, tomli"]))
        check_times.append(timed([*ttx, "check", str(path)]))
    return statistics.median(base_times), statistics.median(check_times)


def games_per_second(path: Path, seconds: float = 3.0) -> tuple[float, int, float]:
    """Random headless games a second on one core: the rate, the games played and the time taken."""
    scenario = load_scenario(path)
    bot = RandomPlayer(scenario)
    for seed in range(20):  # warm-up
        play(scenario, seed, bot)
    games = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        play(scenario, games, bot)
        games += 1
    elapsed = time.perf_counter() - start
    return games / elapsed, games, elapsed


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scenarios" / "sequencing_2018.toml"
    ttx = ttx_command()

    print(f"scenario: {path}")
    runs = 21
    baseline, check = check_times(path, runs)
    print(f"python -c 'import attrs, tomli' : {baseline * 1000:7.1f} ms (median of {runs}, interleaved)")
    print(f"{' '.join(Path(c).name for c in ttx)} check {path.name:<14}: {check * 1000:7.1f} ms (median of {runs}, interleaved)")
    print(f"  ratio check / bare import     : {check / baseline:7.2f}x   (goal: at most 1.5x)")

    rate, games, elapsed = games_per_second(path)
    print(f"random headless games           : {rate:7.0f} games/s on one core "
          f"({games} games in {elapsed:.1f} s; goal: at least 1,000)")


if __name__ == "__main__":
    main()
