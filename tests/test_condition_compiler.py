"""The compiled closures of a condition give what its tree means, however the compiler joins them.

The compiler joins conjunctions, runs of facts and `not played(...)` into fewer closures for
speed. Here an independent walk over the tree is the reference: every condition of every
bundled scenario on the states of random games, and many generated conditions of facts,
history and meters on generated states.
"""

from __future__ import annotations

import operator
import random
from types import SimpleNamespace

import pytest

from conftest import MINI
from exercise.bots import RandomPlayer, bot_rng
from exercise.bundled import bundled_scenarios
from exercise.engine import load_scenario, resolve_turn, view
from exercise.engine.conditions import (
    _HISTORY,
    And,
    Arithmetic,
    Call,
    Comparison,
    Condition,
    FlagName,
    MeterName,
    Names,
    Negate,
    Not,
    Number,
    Or,
    Truth,
    Turn,
    Turns,
    ValueName,
    compile_condition,
)
from exercise.engine.lint import conditions_of
from exercise.engine.state import initial_state

COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
           "!=": operator.ne}


def meaning(node, s):
    """What the tree says on state `s`, walked node by node."""
    kind = type(node)
    if kind in (Number, Truth):
        return node.value
    if kind is Turn:
        return s.turn
    if kind is Turns:
        return s.scenario.turns
    if kind is MeterName:
        return s.meters[node.id]
    if kind is FlagName:
        return node.id in s.flags
    if kind is ValueName:
        return s.values[node.id]
    if kind is Call:  # each history function alone is a leaf, compiled as it always was
        args = [a if isinstance(a, str) else (lambda n: lambda st: meaning(n, st))(a) for a in node.args]
        return _HISTORY[node.function](*args)(s)
    if kind is Negate:
        return -meaning(node.operand, s)
    if kind is Arithmetic:
        a, b = meaning(node.left, s), meaning(node.right, s)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return float(a) * b
        return a / b if b else 0
    if kind is Comparison:
        return COMPARE[node.op](meaning(node.left, s), meaning(node.right, s))
    if kind is And:
        return all(meaning(p, s) for p in node.parts)
    if kind is Or:
        return any(meaning(p, s) for p in node.parts)
    if kind is Not:
        return not meaning(node.operand, s)
    raise AssertionError(f"unknown node {kind.__name__}")


@pytest.mark.parametrize("path", [*bundled_scenarios(), MINI, MINI.parent / "uncertainty.toml"], ids=lambda p: p.stem)
def test_every_condition_of_a_bundled_scenario_means_what_its_tree_says(path):
    scenario = load_scenario(path)
    conditions = [c for c in conditions_of(scenario) if c.tree is not None]
    assert conditions
    bot = RandomPlayer(scenario)
    checked = 0
    for seed in range(12):
        state = initial_state(scenario, seed)
        while True:
            for condition in conditions:
                got, meant = condition.evaluate(state), meaning(condition.tree, state)
                assert (bool(got) == bool(meant)) if isinstance(condition, Condition) else got == meant, condition.source
                checked += 1
            if state.outcome is not None:
                break
            orders = {t.id: bot.choose(view(state, t.id, False), bot_rng(seed, t.id, state.turn))
                      for t in scenario.teams}
            state, _ = resolve_turn(state, orders)
    assert checked > 100


FLAGS = ("f1", "f2", "f3", "f4")
MOVES = ("m1", "m2")
NAMES = Names(meters=frozenset({"tension"}), flags=frozenset(FLAGS), moves=frozenset(MOVES),
              fireables=frozenset({"r1"}))


def _leaf(rng: random.Random) -> str:
    choice = rng.randrange(7)
    if choice < 3:
        return rng.choice(FLAGS)
    if choice == 3:
        return f"{rng.choice(('played', 'succeeded'))}({rng.choice(MOVES)})"
    if choice == 4:
        return "fired(r1)"
    if choice == 5:
        return f"count({rng.choice(MOVES)}) {rng.choice(list(COMPARE))} {rng.randrange(3)}"
    return f"tension {rng.choice(list(COMPARE))} {rng.randrange(0, 101, 25)}"


def _condition(rng: random.Random, depth: int = 0) -> str:
    if depth >= 3 or rng.random() < 0.3:
        text = _leaf(rng)
    else:
        joiner = rng.choice((" and ", " or "))
        text = joiner.join(_condition(rng, depth + 1) for _ in range(rng.randint(2, 5)))
        text = f"({text})"
    return f"not {text}" if rng.random() < 0.3 else text


def _state(rng: random.Random):
    count = {m: rng.randint(1, 3) for m in MOVES if rng.random() < 0.5}
    history = SimpleNamespace(count=count, succeeded={m for m in count if rng.random() < 0.5},
                              fired={"r1": 1} if rng.random() < 0.5 else {}, first={}, last={}, turns={})
    flags = {f for f in FLAGS if rng.random() < 0.5}
    return SimpleNamespace(flags=frozenset(flags) if rng.random() < 0.5 else flags, history=history,
                           meters={"tension": rng.randrange(0, 101, 5)}, values={}, turn=3,
                           scenario=SimpleNamespace(turns=8))


def test_generated_conditions_of_facts_history_and_meters_mean_what_their_trees_say():
    rng = random.Random(2026)
    states = [_state(rng) for _ in range(40)]
    for _ in range(600):
        text = _condition(rng)
        while len(text) > 1000:  # within the length a condition may have
            text = _condition(rng)
        condition = compile_condition(text, NAMES)
        for state in states:
            assert bool(condition.evaluate(state)) == bool(meaning(condition.tree, state)), condition.source
