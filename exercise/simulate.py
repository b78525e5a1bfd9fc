"""Balance reports: a scenario played many times by computer players, summarized.

Deterministic for a seed: game i is played with its own seed derived from (seed, i), and
results are merged in game order however many processes did the work (exercise/parallel.py).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

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


# What a game costs, roughly, a turn, by the level of each team's player: only to hand the
# costliest work out first, to cut it into tasks of about the same cost, and to keep work too
# small to be worth a pool in one process. A flagship game by random players costs about 24.
_LEVEL_COST = {"random": 0.5, "doctrine": 20.0, "lookahead": 150.0}
TASK_LEAST = 300.0  # the least cost of a task: about a dozen flagship random games, 2 doctrine ones
POOL_FROM = 2400.0  # less work than this (a hundred flagship random games) stays in one process


def game_cost(turns: int, levels: Mapping[str, str], strategies: Mapping[str, str] | None = None) -> float:
    """A rough relative cost of a game of `turns` turns with these players (a scripted or passing team costs little)."""
    strategies = strategies or {}
    return turns * (1.0 + sum(0.1 if team in strategies and strategies[team] not in _LEVEL_COST
                              else _LEVEL_COST.get(strategies.get(team, level), 20.0)
                              for team, level in levels.items()))


@attrs.frozen
class Games:
    """`runs` games of a scenario with these players: game i has the seed `game_seed(seed, i)`."""

    path: str
    runs: int
    seed: int
    levels: tuple[tuple[str, str], ...] = attrs.field(converter=lambda v: tuple(dict(v).items()))
    strategies: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=lambda v: tuple(dict(v or {}).items()))
    variant: str | None = None

    def key(self) -> tuple:
        """Games with the same key and index are the same game (a strategy that is the team's level is none)."""
        levels = dict(self.levels)
        strategies = tuple((team, s) for team, s in self.strategies if levels.get(team) != s)
        return (self.path, self.levels, strategies, self.variant, self.seed)


@attrs.frozen
class Plan:
    """The games to play, each once, cut into tasks: `(path, seeds, levels, strategies, variant)`."""

    processes: int
    tasks: tuple[tuple, ...]
    costs: tuple[float, ...]
    games: tuple[tuple[tuple, tuple[int, ...]], ...]  # each task's (key, game indexes)


def _play_chunk(_shared: Any, task: tuple) -> list[dict[str, Any]]:
    path, seeds, levels, strategies, variant = task
    return [play_one(path, s, dict(levels), dict(strategies), variant) for s in seeds]


def prepare(games: Games) -> None:
    """Load the scenario and any orders file in this process, before any fork: a child inherits them,
    and a file that cannot be read is said once, here."""
    scenario = _scenario(games.path, games.variant)
    for team, strategy in games.strategies:
        _strategy(games.path, scenario, team, strategy)


def plan(wanted: list[Games], jobs: int | None = 1) -> Plan:
    """How `play_many` plays these games: each game once, in up to `jobs` processes (None: every core).

    Work too small to be worth a pool stays in one process; otherwise about forty tasks a process,
    small enough that the cores finish together, each worth handing out, and at most 25 games.
    """
    from exercise.parallel import processes_for

    unique: dict[tuple, dict[int, None]] = {}
    costs: dict[tuple, float] = {}
    for games in wanted:
        prepare(games)
        unique.setdefault(games.key(), {}).update(dict.fromkeys(range(games.runs)))
        turns = _scenario(games.path, games.variant).turns
        costs[games.key()] = game_cost(turns, dict(games.levels), dict(games.key()[2]))
    total = sum(costs[key] * len(indexes) for key, indexes in unique.items())
    processes = processes_for(jobs, sum(len(indexes) for indexes in unique.values())) if total >= POOL_FROM else 1
    tasks, task_costs, where = [], [], []
    for key, indexes in unique.items():
        path, levels, strategies, variant, seed = key
        size = 25
        if processes > 1:
            least = math.ceil(TASK_LEAST / costs[key])
            size = max(1, min(25, max(least, round(total / (processes * 40) / costs[key]))))
        ordered = sorted(indexes)
        for start in range(0, len(ordered), size):
            part = tuple(ordered[start:start + size])
            tasks.append((path, [game_seed(seed, i) for i in part], levels, strategies, variant))
            task_costs.append(costs[key] * len(part))
            where.append((key, part))
    return Plan(processes, tuple(tasks), tuple(task_costs), tuple(where))


def play_many(wanted: list[Games], jobs: int | None = 1,
              progress: Callable[[int, int], None] | None = None) -> list[list[dict[str, Any]]]:
    """Every game of every request, across up to `jobs` processes (None: every core); each request's
    games in game order, the same from one process or many.

    Requests with the same players and seed share their games (150 runs are the first 150 of
    300), and the costliest tasks are handed out first (see `plan`).
    """
    from exercise.parallel import Processes

    work = plan(wanted, jobs)
    with Processes(work.processes, tasks=len(work.tasks)) as pool:
        results = pool.map(_play_chunk, work.tasks, costs=work.costs, sizes=[len(t[1]) for t in work.tasks],
                           progress=progress)
    played: dict[tuple, dict[int, dict[str, Any]]] = {}
    for (key, part), chunk in zip(work.games, results):
        played.setdefault(key, {}).update(zip(part, chunk))
    return [[played[games.key()][i] for i in range(games.runs)] for games in wanted]


def run_games(path: str, runs: int, seed: int, levels: Mapping[str, str], jobs: int | None = 1,
              progress: Callable[[int, int], None] | None = None,
              strategies: Mapping[str, str] | None = None, variant: str | None = None) -> list[dict[str, Any]]:
    """Play `runs` games; with jobs > 1 (or None: every core), in that many processes. Results in game order."""
    return play_many([Games(path, runs, seed, levels, strategies, variant)], jobs, progress)[0]


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
