"""The floors of the engine's speed: the flagship's turn loop written as plainly as it can be.

Run: python benchmarks/bench_floors.py [SCENARIO]   (default: the flagship scenario)
Two games, played by random players with the scenario's own compiled conditions, each as small
as a turn loop can be: legal moves (requires, once, cooldown), up to `moves_per_turn` of them
drawn (between none and that many, as the random player does), their effects clamped to each
meter's range, fixed chances drawn, the history indexed by move and tag, rules tested on the
post-move state then applied, scheduled injects, endings tested. Left out: estimates read
anew each turn (read once), the chances of injects and rules, draws, clocks, contingencies, expected actions, estimates, each team's view
and the record of a turn (events, changes, reasons). No engine doing all of that can be this
fast; the gap between the engine and these loops is what its bookkeeping costs.

- `dicts`: one mutable state of dicts and sets, changed in place;
- `evolve`: a frozen attrs state, every change a new state made with attrs.evolve (the way an
  engine that is immutable all the way down pays for each change).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from types import MappingProxyType

import attrs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise.engine import initial_state, load_scenario  # noqa: E402

FLAGSHIP = ROOT / "scenarios" / "sequencing_2018.toml"


class _History:
    __slots__ = ("count", "first", "last", "turns", "succeeded", "fired")

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        self.turns: dict[str, set[int]] = {}
        self.succeeded: set[str] = set()
        self.fired: dict[str, int] = {}


class _DictState:
    __slots__ = ("scenario", "meters", "flags", "turn", "history", "values")

    def __init__(self, scenario, values) -> None:
        self.scenario = scenario
        self.values = values
        self.meters = {m.id: m.start for m in scenario.meters}
        self.flags = {f.id for f in scenario.flags if f.start}
        self.turn = 1
        self.history = _History()


@attrs.frozen
class _FrozenHistory:
    count: MappingProxyType = MappingProxyType({})
    first: MappingProxyType = MappingProxyType({})
    last: MappingProxyType = MappingProxyType({})
    turns: MappingProxyType = MappingProxyType({})
    succeeded: frozenset = frozenset()
    fired: MappingProxyType = MappingProxyType({})


@attrs.frozen
class _FrozenState:
    scenario: object = attrs.field(eq=False)
    meters: MappingProxyType
    flags: frozenset
    values: MappingProxyType
    turn: int = 1
    history: _FrozenHistory = _FrozenHistory()


class _Tables:
    """What both loops look up: per team its moves, per meter its range, per move the keys it counts under."""

    def __init__(self, scenario) -> None:
        self.teams = [(t.id, t.moves_per_turn, [m for m in scenario.moves if m.team == t.id]) for t in scenario.teams]
        self.bounds = {m.id: (m.min, m.max) for m in scenario.meters}
        self.keys = {m.id: (m.id, *m.tags) for m in scenario.moves}
        self.rules = scenario.rules
        self.outcomes = scenario.outcomes
        self.turns = scenario.turns
        self.injects = scenario.injects_by_turn
        self.values = initial_state(scenario, 1).values  # estimates, read once at the start


def _legal(state, moves) -> list:
    count, last, turn = state.history.count, state.history.last, state.turn
    return [m for m in moves
            if not (m.once and m.id in count)
            and not (m.cooldown and m.id in last and turn - last[m.id] <= m.cooldown)
            and (m.requires is None or m.requires.evaluate(state))]


def _ending(state, tables: _Tables) -> str | None:
    last = state.turn >= tables.turns
    for outcome in tables.outcomes:
        if outcome.at_end and not last:
            continue
        if outcome.when is None or outcome.when.evaluate(state):
            return outcome.id
    return "end" if last else None


def _injects(state, tables: _Tables, fired) -> list:
    """The scheduled injects of this turn whose condition holds (their chances left out)."""
    return [i for i in tables.injects.get(state.turn, ())
            if i.id not in fired and (i.when is None or i.when.evaluate(state))]


def _pick(rng: random.Random, legal: list, per_turn: int) -> list:
    """As the random player picks: between none and `moves_per_turn` of the legal moves."""
    return rng.sample(legal, rng.randint(0, min(per_turn, len(legal)))) if legal else []


def play_dicts(scenario, tables: _Tables, seed: int) -> str:
    """One game on a mutable state of dicts, read by the scenario's compiled conditions."""
    state = _DictState(scenario, tables.values)
    rng = random.Random(seed)
    bounds, keys = tables.bounds, tables.keys
    meters, flags, history = state.meters, state.flags, state.history

    def apply(effects) -> None:
        for meter, delta in effects.meters:
            low, high = bounds[meter]
            meters[meter] = min(high, max(low, meters[meter] + delta))
        flags.update(effects.set)
        flags.difference_update(effects.clear)

    while True:
        turn = state.turn
        for inject in _injects(state, tables, history.fired):
            apply(inject.effects)
            history.fired[inject.id] = turn
        chosen = []
        for _team, per_turn, moves in tables.teams:
            chosen += _pick(rng, _legal(state, moves), per_turn)
        for move in chosen:
            apply(move.effects)
            success = None
            if move.chance is not None:
                success = rng.random() < move.chance
                apply(move.success if success else move.failure)
            for key in keys[move.id]:
                history.count[key] = history.count.get(key, 0) + 1
                history.first.setdefault(key, turn)
                history.last[key] = turn
                history.turns.setdefault(key, set()).add(turn)
                if success:
                    history.succeeded.add(key)
        holding = [r for r in tables.rules if not (r.once and r.id in history.fired) and r.when.evaluate(state)]
        for rule in holding:
            apply(rule.effects)
            history.fired[rule.id] = turn
        ending = _ending(state, tables)
        if ending is not None:
            return ending
        state.turn += 1


def play_evolve(scenario, tables: _Tables, seed: int) -> str:
    """The same game on a frozen attrs state: every change a new state through attrs.evolve."""
    state = _FrozenState(scenario, MappingProxyType({m.id: m.start for m in scenario.meters}),
                         frozenset(f.id for f in scenario.flags if f.start), tables.values)
    rng = random.Random(seed)
    bounds, keys = tables.bounds, tables.keys

    def apply(state: _FrozenState, effects) -> _FrozenState:
        for meter, delta in effects.meters:
            low, high = bounds[meter]
            value = min(high, max(low, state.meters[meter] + delta))
            state = attrs.evolve(state, meters=MappingProxyType({**state.meters, meter: value}))
        if effects.set or effects.clear:
            state = attrs.evolve(state, flags=(state.flags | effects.set) - effects.clear)
        return state

    while True:
        turn = state.turn
        for inject in _injects(state, tables, state.history.fired):
            state = apply(state, inject.effects)
            state = attrs.evolve(state, history=attrs.evolve(
                state.history, fired=MappingProxyType({**state.history.fired, inject.id: turn})))
        chosen = []
        for _team, per_turn, moves in tables.teams:
            chosen += _pick(rng, _legal(state, moves), per_turn)
        for move in chosen:
            state = apply(state, move.effects)
            success = None
            if move.chance is not None:
                success = rng.random() < move.chance
                state = apply(state, move.success if success else move.failure)
            h = state.history
            ks = keys[move.id]
            h = attrs.evolve(
                h,
                count=MappingProxyType({**h.count, **{k: h.count.get(k, 0) + 1 for k in ks}}),
                first=MappingProxyType({**{k: turn for k in ks}, **h.first}),
                last=MappingProxyType({**h.last, **{k: turn for k in ks}}),
                turns=MappingProxyType({**h.turns, **{k: h.turns.get(k, frozenset()) | {turn} for k in ks}}),
                succeeded=h.succeeded | set(ks) if success else h.succeeded,
            )
            state = attrs.evolve(state, history=h)
        holding = [r for r in tables.rules
                   if not (r.once and r.id in state.history.fired) and r.when.evaluate(state)]
        for rule in holding:
            state = apply(state, rule.effects)
            state = attrs.evolve(state, history=attrs.evolve(
                state.history, fired=MappingProxyType({**state.history.fired, rule.id: turn})))
        ending = _ending(state, tables)
        if ending is not None:
            return ending
        state = attrs.evolve(state, turn=turn + 1)


def rate(play, scenario, seconds: float = 2.0) -> float:
    """Games a second on one core, over about `seconds` after a warm-up."""
    tables = _Tables(scenario)
    for seed in range(20):
        play(scenario, tables, seed)
    games, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        play(scenario, tables, games)
        games += 1
    return games / (time.perf_counter() - start)


def floors(path: Path = FLAGSHIP, seconds: float = 2.0) -> dict[str, float]:
    scenario = load_scenario(path)
    return {"dicts": rate(play_dicts, scenario, seconds), "evolve": rate(play_evolve, scenario, seconds)}


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else FLAGSHIP
    figures = floors(path)
    print(f"scenario: {path}")
    print(f"turn loop, closures over dicts : {figures['dicts']:8.0f} games/s on one core")
    print(f"turn loop, attrs.evolve        : {figures['evolve']:8.0f} games/s on one core")


if __name__ == "__main__":
    main()
