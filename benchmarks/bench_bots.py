"""Computer players: the time of one decision at each level, and whether lookahead plays better.

Run: python benchmarks/bench_bots.py [GAMES]   (default 200)
For each team of the flagship scenario, the same seeds are played twice with random players
for the other teams: once with the team played by `random`, once by `lookahead`. The table
prints the team's mean objective score (0 to 1) both ways; lookahead should be higher.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise.bots import make_player  # noqa: E402
from exercise.engine import initial_state, load_scenario, score  # noqa: E402
from exercise.play import choose, computers, play_out  # noqa: E402


def play(scenario, seed: int, levels: dict[str, str]):
    return play_out(initial_state(scenario, seed), computers(scenario, levels), seed)


def compare(scenario, team: str, games: int) -> tuple[float, float]:
    base = {t.id: "random" for t in scenario.teams}
    random_scores, lookahead_scores = [], []
    for seed in range(games):
        random_scores.append(score(play(scenario, seed, base), team).fraction)
        lookahead_scores.append(score(play(scenario, seed, {**base, team: "lookahead"}), team).fraction)
    return statistics.mean(random_scores), statistics.mean(lookahead_scores)


def main() -> None:
    games = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    scenario = load_scenario(ROOT / "scenarios" / "sequencing_2018.toml")
    state = initial_state(scenario, 1)
    for level in ("doctrine", "lookahead"):
        print(f"one {level} decision, turn 1 (median of 20):")
        for team in scenario.teams:
            player = make_player(level, scenario, team.id)
            times = []
            for i in range(20):
                start = time.perf_counter()
                choose(state, team.id, player, i)
                times.append(time.perf_counter() - start)
            print(f"  {team.name:<11} {statistics.median(times) * 1000:6.1f} ms   (goal: under 200 ms)")
    print(f"\nmean objective score over {games} seeded games (others random):")
    print(f"  {'team':<11} {'random':>7} {'lookahead':>10} {'ratio':>7}")
    for team in scenario.teams:
        rand, look = compare(scenario, team.id, games)
        ratio = look / rand if rand else float("inf")
        print(f"  {team.name:<11} {rand:7.3f} {look:10.3f} {ratio:6.2f}x")


if __name__ == "__main__":
    main()
