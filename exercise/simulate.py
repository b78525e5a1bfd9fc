"""Balance reports: a scenario played many times by computer players, summarized.

Deterministic for a seed: game i is played with its own seed derived from (seed, i), and
results are merged in game order whether one process or two did the work.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

REPORT_VERSION = 1


def game_seed(seed: int, index: int) -> int:
    return seed * 1_000_003 + index


def play_one(path: str, seed: int, levels: Mapping[str, str],
             strategies: Mapping[str, str] | None = None, variant: str | None = None) -> dict[str, Any]:
    """One game; a small picklable summary of it.

    `strategies` replaces some teams' computer players: `pass` (never moves), or an orders
    file (the team's scripted orders, passing on the turns it does not name).
    """
    from exercise.engine import initial_state, resolve_turn, score
    from exercise.engine.state import legal_move_ids
    from exercise.play import choose, computers

    scenario = _scenario(path, variant)
    players = computers(scenario, levels)
    for team, strategy in (strategies or {}).items():
        players[team] = _strategy(path, scenario, team, strategy)
    state = initial_state(scenario, seed)
    ever_legal: set[str] = set()
    stuck: list[tuple[int, str]] = []
    chosen: Counter[str] = Counter()
    while state.outcome is None:
        for team in scenario.teams:
            legal = legal_move_ids(state, team.id)  # worked out once: the players' observations reuse it
            ever_legal |= legal
            if not legal and team.moves_per_turn:
                stuck.append((state.turn, team.id))
        orders = {t: choose(state, t, p, seed) for t, p in players.items()}
        for order in orders.values():
            for om in order.moves:
                chosen[om.move] += 1
        state, _ = resolve_turn(state, orders)
    return {
        "outcome": state.outcome,
        "turn": state.turn,
        "scores": {t.id: score(state, t.id).fraction for t in scenario.teams if t.objectives},
        "fired": sorted(state.history.fired),
        "executed": dict(Counter(p.move for p in state.history.plays)),
        "first_played": dict(state.history.first),
        "chosen": dict(chosen),
        "ever_legal": sorted(ever_legal),
        "stuck": stuck,
        "meters": dict(state.meters),
        "meter_ranges": _ranges(state),
    }


def _strategy(path: str, scenario, team: str, strategy: str):
    from exercise.play import Passer, Scripted, computers

    if strategy == "pass":
        return Passer()
    if strategy in ("random", "doctrine", "lookahead"):
        return computers(scenario, {team: strategy})[team]
    if ("orders", path, strategy) not in _CACHE:
        from exercise.orders_file import read_orders

        orders = read_orders(str(Path(path).parent / strategy), scenario)
        _CACHE[("orders", path, strategy)] = {turn: o[team] for turn, o in orders.items() if team in o}
    return Scripted(_CACHE[("orders", path, strategy)], Passer())


def _ranges(state) -> dict[str, list[float]]:
    values: dict[str, list[float]] = {m: [] for m in state.meters}
    for record in state.records:
        for m, v in record.meters_before.items():
            values[m].append(v)
        for m, v in record.meters_after.items():
            values[m].append(v)
    return {m: [min(v), max(v)] if v else [state.meters[m]] * 2 for m, v in values.items()}


_CACHE: dict[Any, Any] = {}


def _scenario(path: str, variant: str | None = None):
    if (path, variant) not in _CACHE:
        from exercise.engine import load_scenario

        _CACHE[(path, variant)] = load_scenario(path, variant)
    return _CACHE[(path, variant)]


def _play_chunk(args: tuple) -> list[dict[str, Any]]:
    path, seeds, levels, strategies, variant = args
    return [play_one(path, s, levels, strategies, variant) for s in seeds]


def run_games(path: str, runs: int, seed: int, levels: Mapping[str, str], jobs: int = 1,
              progress: Callable[[int, int], None] | None = None,
              strategies: Mapping[str, str] | None = None, variant: str | None = None) -> list[dict[str, Any]]:
    """Play `runs` games; with jobs > 1, in that many processes. Results in game order."""
    seeds = [game_seed(seed, i) for i in range(runs)]
    chunk = 25
    chunks = [seeds[i:i + chunk] for i in range(0, len(seeds), chunk)]
    results: list[dict[str, Any]] = []
    if jobs > 1 and len(chunks) > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for part in pool.imap(_play_chunk, [(path, c, dict(levels), dict(strategies or {}), variant) for c in chunks]):
                results.extend(part)
                if progress:
                    progress(len(results), runs)
    else:
        for c in chunks:
            results.extend(_play_chunk((path, c, dict(levels), dict(strategies or {}), variant)))
            if progress:
                progress(len(results), runs)
    return results


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion."""
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def summarize(scenario, games: list[dict[str, Any]], *, seed: int, levels: Mapping[str, str]) -> dict[str, Any]:
    """The balance report (its shape is documented in scenarios/README.md)."""
    n = len(games)
    outcomes = Counter(g["outcome"] for g in games)
    ids = [o.id for o in scenario.outcomes]
    endings = {}
    for oid in ids + sorted(set(outcomes) - set(ids)):
        low, high = wilson(outcomes[oid], n)
        endings[oid] = {"count": outcomes[oid], "share": outcomes[oid] / n if n else 0.0,
                        "ci95": [round(low, 4), round(high, 4)]}
    fired = Counter(f for g in games for f in g["fired"])
    teams = {}
    for team in scenario.teams:
        scores = [g["scores"][team.id] for g in games if team.id in g["scores"]]
        chosen = Counter()
        for g in games:
            chosen.update({m: c for m, c in g["chosen"].items() if scenario.move_index[m].team == team.id})
        teams[team.id] = {
            "level": levels[team.id],
            "mean_score": round(statistics.mean(scores), 4) if scores else None,
            "moves_chosen": {m.id: chosen[m.id] for m in scenario.moves_by_team[team.id]},
        }
    meters = {}
    for meter in scenario.meters:
        finals = sorted(g["meters"][meter.id] for g in games)
        meters[meter.id] = {
            "min": min(g["meter_ranges"][meter.id][0] for g in games) if n else None,
            "max": max(g["meter_ranges"][meter.id][1] for g in games) if n else None,
            "final": {
                "mean": round(statistics.mean(finals), 3) if finals else None,
                "quartiles": [round(q, 3) for q in statistics.quantiles(finals, n=4)] if n > 1 else finals,
            },
        }
    ever_legal = set().union(*(set(g["ever_legal"]) for g in games)) if games else set()
    return {
        "version": REPORT_VERSION,
        "scenario": scenario.id,
        "runs": n,
        "seed": seed,
        "endings": endings,
        "end_turn": dict(sorted(Counter(g["turn"] for g in games).items())),
        "teams": teams,
        "rules": {r.id: fired[r.id] for r in scenario.rules},
        "injects": {i.id: fired[i.id] for i in scenario.injects},
        "meters": meters,
        "never_legal": [m.id for m in scenario.moves if m.id not in ever_legal],
    }


def render(report: dict[str, Any], scenario) -> str:
    """The report for people, as plain text."""
    n = report["runs"]
    lines = [f"{scenario.title}: {n} games, seed {report['seed']}", "", "Endings (share, 95% interval)"]
    titles = {o.id: o.title for o in scenario.outcomes}
    for oid, e in report["endings"].items():
        low, high = e["ci95"]
        lines.append(f"  {titles.get(oid, oid):<45} {e['count']:>6}  {e['share']:6.1%}  [{low:.1%}, {high:.1%}]")
    lines += ["", "Games end on turn: " + ", ".join(f"{t}: {c}" for t, c in report["end_turn"].items()), ""]
    lines.append("Teams (computer level, mean objective score)")
    for team in scenario.teams:
        t = report["teams"][team.id]
        mean = "—" if t["mean_score"] is None else f"{t['mean_score']:.3f}"
        lines.append(f"  {team.name:<20} {t['level']:<10} {mean}")
        top = sorted(t["moves_chosen"].items(), key=lambda kv: -kv[1])
        lines.append("    moves chosen: " + ", ".join(f"{m} {c}" for m, c in top))
    lines += ["", "Rules fired (games)"]
    lines += [f"  {rid:<40} {c:>6}  {c / n:6.1%}" for rid, c in report["rules"].items()]
    lines += ["", "Injects fired (games)"]
    lines += [f"  {iid:<40} {c:>6}  {c / n:6.1%}" for iid, c in report["injects"].items()]
    lines += ["", "Meters (range over all games; final mean and quartiles)"]
    for meter in scenario.meters:
        m = report["meters"][meter.id]
        q = ", ".join(f"{v:g}" for v in m["final"]["quartiles"])
        lines.append(f"  {meter.label:<28} {m['min']:g}..{m['max']:g}   final mean {m['final']['mean']:g}  [{q}]")
    if report["never_legal"]:
        lines += ["", "Moves never legal in any game: " + ", ".join(report["never_legal"])]
    return "\n".join(lines)


def write_json(report: dict[str, Any], path: Path | None) -> str:
    import json

    text = json.dumps(report, indent=2, sort_keys=False)
    if path is not None:
        path.write_text(text + "\n", encoding="utf-8")
    return text


def simulation_warnings(scenario, games: list[dict[str, Any]], source: str) -> list:
    """Warnings that need play: never legal, never fired, never reached, nothing to do."""
    from exercise.engine.lint import allowed, warning
    from exercise.engine.locate import locate

    positions = locate(source)
    n = len(games)
    where = f"in {n} simulated games"
    problems = []
    ever_legal = set().union(*(set(g["ever_legal"]) for g in games)) if games else set()
    for i, move in enumerate(scenario.moves):
        if move.id not in ever_legal:
            problems.append(warning("W104", f"move '{move.id}' was never legal for {move.team} {where}",
                                    f"moves[{i}]", positions))
    fired = set().union(*(set(g["fired"]) for g in games)) if games else set()
    for i, rule in enumerate(scenario.rules):
        if rule.id not in fired:
            problems.append(warning("W105", f"rule '{rule.id}' never fired {where}: `{rule.when.source}`",
                                    f"rules[{i}].when", positions))
    for i, inject in enumerate(scenario.injects):
        if not inject.manual_only and inject.id not in fired:
            problems.append(warning("W105", f"inject '{inject.id}' never fired {where}", f"injects[{i}]", positions))
    reached = {g["outcome"] for g in games}
    for i, outcome in enumerate(scenario.outcomes):
        if outcome.id not in reached:
            problems.append(warning("W107", f"ending '{outcome.id}' was never reached {where}",
                                    f"outcomes[{i}]", positions))
    stuck = Counter((turn, team) for g in games for turn, team in set(map(tuple, g["stuck"])))
    reaching = Counter(t for g in games for t in range(1, g["turn"] + 1))
    for (turn, team), count in sorted(stuck.items()):
        if count == reaching[turn]:
            index = next(i for i, t in enumerate(scenario.teams) if t.id == team)
            problems.append(warning("W106", f"on turn {turn}, {team} had no legal move in every simulated game "
                                    "that reached it", f"teams[{index}]", positions))
    return [p for p in problems if not allowed(scenario, p)]
