"""Engine benchmarks: `ttx check` start-up against a bare import, and random games per second.

Run: python benchmarks/bench_engine.py [SCENARIO]   (default: the flagship scenario)
Every figure is measured in this run; ratios compare against a baseline measured alongside.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise.bots import RandomPlayer, bot_rng  # noqa: E402
from exercise.engine import initial_state, load_scenario, resolve_turn, view  # noqa: E402


def median_seconds(command: list[str], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def play(scenario, seed: int, bot: RandomPlayer) -> str:
    state = initial_state(scenario, seed)
    while state.outcome is None:
        orders = {
            t.id: bot.choose(view(state, t.id), bot_rng(seed, t.id, state.turn))
            for t in scenario.teams
        }
        state, _ = resolve_turn(state, orders)
    return state.outcome


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scenarios" / "sequencing_2018.toml"
    python = sys.executable
    ttx = [python, "-m", "exercise"]

    print(f"scenario: {path}")
    baseline = median_seconds([python, "-c", "import attrs, tomli"])
    check = median_seconds([*ttx, "check", str(path)])
    print(f"python -c 'import attrs, tomli' : {baseline * 1000:7.1f} ms (median of 15)")
    print(f"ttx check {path.name:<20}: {check * 1000:7.1f} ms (median of 15)")
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
