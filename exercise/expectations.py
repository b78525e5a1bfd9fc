"""`ttx test`: a scenario's expectations (`[[expect]]`), each checked by simulation with a fixed seed.

An expectation is the author's design intent written down as a claim about many games: the
share of an ending, how widely the endings spread, an ending never reached too early, no
single move deciding the ending, a strategy (passing, a script) never beating a team's
doctrine. Each result carries the figure it was judged on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from statistics import mean
from typing import Any

import attrs

from exercise.engine.model import Expectation, Scenario
from exercise.simulate import Games, play_many, prepare, wilson


class StrategyError(Exception):
    """An expectation's strategy names an orders file that cannot be used."""

    def __init__(self, expectation: Expectation, error: Exception) -> None:
        super().__init__(f"expect '{expectation.id}': {error}")
        self.expectation = expectation
        self.error = error


@attrs.frozen
class Result:
    expectation: Expectation
    passed: bool
    measured: str  # the figure, in words
    figures: dict[str, Any] = attrs.field(factory=dict)  # the same, as data (for --json)


def _pct(share: float) -> str:
    return f"{share:.1%}"


def _endings(scenario: Scenario, games: list[dict[str, Any]]) -> dict[str, float]:
    counts = Counter(g["outcome"] for g in games)
    return {o.id: counts[o.id] / len(games) for o in scenario.outcomes}


def wanted(path: str, exp: Expectation) -> list[Games]:
    """The games an expectation is judged on: its own, and for `strategy_below_doctrine` the
    team's doctrine games and the games with its strategy (same seeds, same other players)."""
    levels = dict(exp.players)
    games = [Games(path, exp.runs, exp.seed, levels)]
    if exp.check == "strategy_below_doctrine":
        team = exp.team or ""
        games.append(Games(path, exp.runs, exp.seed, {**levels, team: "doctrine"}))
        games.append(Games(path, exp.runs, exp.seed, levels, {team: exp.strategy or "pass"}))
    return games


def check_all(path: str, scenario: Scenario, expectations: Sequence[Expectation], jobs: int | None = 1,
              progress: Callable[[int, int], None] | None = None) -> list[Result]:
    """Play every game the expectations need, each once and across up to `jobs` processes (None:
    every core), then judge each expectation. The same results from one process or many."""
    from exercise.orders_file import OrdersFileError

    requests = [wanted(path, exp) for exp in expectations]
    for exp, games in zip(expectations, requests):
        try:
            for g in games:
                prepare(g)  # an orders file is read here, once, and said with its expectation
        except OrdersFileError as exc:
            raise StrategyError(exp, exc) from None
    played = iter(play_many([g for games in requests for g in games], jobs, progress))
    return [judge(scenario, exp, [next(played) for _ in games]) for exp, games in zip(expectations, requests)]


def check(path: str, scenario: Scenario, exp: Expectation, jobs: int | None = 1,
          progress: Callable[[int, int], None] | None = None) -> Result:
    """Play the games the expectation needs and judge it."""
    return check_all(path, scenario, [exp], jobs, progress)[0]


def judge(scenario: Scenario, exp: Expectation, played: list[list[dict[str, Any]]]) -> Result:
    """The expectation judged on its games (in the order `wanted` asks for them)."""
    games = played[0]
    levels = dict(exp.players)
    n = len(games)
    kind = exp.check
    if kind == "ending_share":
        hits = sum(1 for g in games if g["outcome"] == exp.ending)
        share = hits / n
        low, high = wilson(hits, n)
        ok = (exp.min is None or share >= exp.min) and (exp.max is None or share <= exp.max)
        return Result(exp, ok, f"{exp.ending}: {_pct(share)} of {n} games (95% interval {_pct(low)}–{_pct(high)})",
                      {"share": share, "games": n})
    if kind == "endings_spread":
        shares = _endings(scenario, games)
        top_id = max(shares, key=shares.get)
        floor = exp.min if exp.min is not None else 0.05
        above = sorted(o for o, s in shares.items() if s >= floor)
        ok = (exp.max is None or shares[top_id] <= exp.max) and (exp.count is None or len(above) >= exp.count)
        return Result(exp, ok, f"largest ending {top_id} at {_pct(shares[top_id])}; {len(above)} ending(s) at "
                      f"{_pct(floor)} or more ({', '.join(above) or 'none'}) in {n} games",
                      {"shares": shares, "above": above})
    if kind == "ending_not_before":
        turns = sorted(g["turn"] for g in games if g["outcome"] == exp.ending)
        earliest = turns[0] if turns else None
        ok = earliest is None or earliest >= (exp.turn or 1)
        if exp.min is not None:
            ok = ok and len(turns) / n >= exp.min
        words = (f"{exp.ending} first reached on turn {earliest}, in {len(turns)} of {n} games ({_pct(len(turns) / n)})"
                 if turns else f"{exp.ending} never reached in {n} games")
        return Result(exp, ok, words, {"earliest": earliest, "share": len(turns) / n})
    if kind == "no_decisive_move":
        ceiling = exp.max if exp.max is not None else 0.9
        least = exp.count or 20
        worst: tuple[float, str, str] = (0.0, "", "")
        for move in scenario.moves:
            # Played at least two turns before the end: the last step of an ending completes it,
            # a move that decides it does so early.
            played = [g["outcome"] for g in games
                      if move.id in g["first_played"] and g["first_played"][move.id] <= g["turn"] - 2]
            if len(played) < least:
                continue
            ending, count = Counter(played).most_common(1)[0]
            share = count / len(played)
            if share > worst[0]:
                worst = (share, move.id, ending)
        ok = worst[0] <= ceiling
        words = (f"most decisive: {worst[1]} → {worst[2]} in {_pct(worst[0])} of the games it was played two or more "
                 f"turns before the end ({n} games)"
                 if worst[1] else f"no move was played in {least} of {n} games")
        return Result(exp, ok, words, {"share": worst[0], "move": worst[1], "ending": worst[2]})
    if kind == "strategy_below_doctrine":
        team = exp.team or ""
        doctrine_games = games if levels.get(team) == "doctrine" else played[1]
        doctrine = mean(g["scores"].get(team, 0.0) for g in doctrine_games)
        tried = played[2]
        strategy = mean(g["scores"].get(team, 0.0) for g in tried)
        ok = strategy <= doctrine
        return Result(exp, ok, f"{team} scores {strategy:.3f} with '{exp.strategy}', {doctrine:.3f} with its doctrine "
                      f"(mean objective score, {n} games each)", {"strategy": strategy, "doctrine": doctrine})
    raise ValueError(f"unknown expectation check '{kind}'")


def render(scenario: Scenario, results: list[Result]) -> str:
    lines = [f"{scenario.title}: {len(results)} expectation(s)"]
    for r in results:
        mark = "ok  " if r.passed else "FAIL"
        lines.append(f"  {mark} {r.expectation.id}: {r.expectation.text}")
        lines.append(f"       {r.measured}")
    failed = sum(1 for r in results if not r.passed)
    lines.append(f"  {len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)
