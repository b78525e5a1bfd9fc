"""Properties where an adversary would look: scenario files, conditions and orders files.

Whatever the input, loading gives a Scenario or ScenarioError (orders files: OrdersFileError),
never another exception, and within a bounded time (hypothesis's deadline); whatever loads plays
to an ending and makes its report. The runs are bounded (examples, deadline) and derandomized
so that each test takes a few seconds and CI always tries the same inputs.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from exercise.engine import ScenarioError, initial_state, parse_scenario
from exercise.engine.conditions import ConditionError, Names, compile_condition, compile_number
from exercise.engine.limits import MAX_NUMBER

BOUNDED = settings(
    max_examples=120,
    deadline=timedelta(seconds=3),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

GOOD = (FIXTURES / "good_small.toml").read_text()
RICH = (FIXTURES / "uncertainty.toml").read_text()  # estimates, clocks, draws: more ways to break

# Pieces an adversary would paste into a file: numbers beyond a float or not numbers at all,
# deep nesting, unclosed strings, long runs, digits of other scripts, half-written tables.
NASTY = [
    "nan", "inf", "-inf", "+inf", "1e999", "-1e400", "1" * 5000, "0x" + "f" * 300, "9" * 20, "1_000", "-0.0",
    "[" * 40, "]" * 40, "[" * 500, "{ a = " * 30, "}", '"', "'", "'''", '"""', "\n", " = ", ",", ".", "#",
    "a." * 30, "a." * 1200, "x" * 21000, "[[moves]]\n", '[[teams]]\nid = "z"\nname = "Z"\n', "[scenario]\n",
    "(" * 50, ")" * 50, "not " * 40, "- " * 40, " + tension" * 60, " * 999999999999999" * 20, "٣", "३",
    "\u00a0", "\t", "true", "[]", "{}", "turn", "played(", "count(declare) * ", "turns = 1000000000",
    "turns = 100", "moves_per_turn = 999999999999999", "chance = 1e-320", "start = 1e308",
]


# Values that are valid TOML but test the limits, for `key = value` lines.
VALUES = [
    "nan", "inf", "-inf", "1e999", "1e300", "-1e300", "1" * 5000, "0x" + "f" * 300, "9" * 20, "1000000000000000",
    "999999999999999", "-999999999999999", "0.5", "5e-324", "-0.0", "0", "-1", "1", "2", "100", "101", "true",
    "[]", "{}", "[" * 20 + "]" * 20, "[" * 16 + "]" * 16, '""', '"' + "x" * 20001 + '"', '"' + "a" * 65 + '"',
    '"' + "(" * 40 + "tension > 1" + ")" * 40 + '"', '"' + "(" * 29 + "tension > 1" + ")" * 29 + '"',
    '"tension > ٣"', '"' + " + ".join(["tension"] * 40) + ' > 0"', '"' + " + ".join(["tension"] * 20) + ' > 0"',
    '"' + "not " * 40 + 'declared"', '"' + " * ".join(["999999999999999"] * 20) + ' > tension"',
    '"tension / 0 > count(declare)"', '"0.5 + tension / 200"', '"within(declare, gamble, 1e3)"',
    '["declared"]', '{ tension = nan }', '{ tension = 1e300 }', '{ tension = 999999999999999 }',
]


def mutated(base: str) -> st.SearchStrategy[str]:
    """`base` with a few insertions, deletions and replacements, of nasty pieces or of its own
    text; or with the values of a few of its `key = value` lines replaced by values at the limits."""
    lines = base.splitlines()
    valued = [i for i, line in enumerate(lines) if " = " in line and not line.startswith("#")]

    @st.composite
    def revalue(draw: st.DrawFn) -> str:
        out = list(lines)
        for _ in range(draw(st.integers(1, 3))):
            i = draw(st.sampled_from(valued))
            out[i] = out[i].split(" = ", 1)[0] + " = " + draw(st.sampled_from(VALUES))
        return "\n".join(out) + "\n"

    @st.composite
    def build(draw: st.DrawFn) -> str:
        text = draw(st.one_of(st.just(base), revalue()))
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2] if text != base else [1, 2, 3, 4]))):
            at = draw(st.integers(0, len(text)))
            piece = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=20),
                                   st.integers(0, len(text)).map(lambda i: text[i:i + 40])))
            kind = draw(st.sampled_from(["insert", "replace", "delete"]))
            end = min(len(text), at + draw(st.integers(0, 30)))
            if kind == "insert":
                text = text[:at] + piece + text[at:]
            elif kind == "replace":
                text = text[:at] + piece + text[end:]
            else:
                text = text[:at] + text[end:]
        return text

    return build()


def play_to_the_end(scenario, seed: int = 1, level: str = "random", report: bool = False) -> None:
    """Play with computer players at `level` to the ending, journaled in memory; then the report."""
    from exercise.bots import make_player
    from exercise.engine.lint import static_warnings
    from exercise.play import session_turn
    from exercise.session import Session
    from exercise.transcript import render_turn

    session = Session.start(scenario, seed, None)
    players = {t.id: make_player(level, scenario, t.id) for t in scenario.teams}
    while session.state.outcome is None:
        record = session_turn(session, players)
        render_turn(scenario, record, {t.id: f"computer:{level}" for t in scenario.teams})
    assert all(math.isfinite(value) for value in session.state.meters.values())
    if report:
        from exercise.report import build, markdown, to_html

        data = build(session, 0)
        markdown(data)
        to_html(data)
    static_warnings(scenario, "")


# -- the loader ---------------------------------------------------------------------------


@settings(BOUNDED, max_examples=400)
@given(mutated(GOOD))
def test_a_mutated_scenario_loads_or_is_refused_with_problems_and_what_loads_plays(text):
    try:
        scenario = parse_scenario(text, "fuzz.toml")
    except ScenarioError as exc:
        assert exc.problems
        for line in exc.render(full=True).splitlines():
            assert "Traceback" not in line
        return
    play_to_the_end(scenario)


@settings(BOUNDED, max_examples=200)
@given(mutated(RICH))
def test_a_mutated_scenario_with_estimates_clocks_and_draws_loads_or_is_refused(text):
    try:
        scenario = parse_scenario(text, "fuzz.toml")
    except ScenarioError as exc:
        assert exc.problems
        return
    play_to_the_end(scenario)


# Numbers as the format takes them: the largest, the smallest, fractions; and beyond, sometimes.
WITHIN = st.one_of(
    st.integers(-(MAX_NUMBER - 1), MAX_NUMBER - 1),
    st.floats(-(MAX_NUMBER - 1), MAX_NUMBER - 1, allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, -1, 0.5, MAX_NUMBER - 1, -(MAX_NUMBER - 1), 5e-324]),
)
ANY_NUMBER = st.one_of(WITHIN, WITHIN, WITHIN, st.sampled_from([math.nan, math.inf, -math.inf, MAX_NUMBER,
                                                                10**400, -(10**30), 1e300]))


def number_expressions(names: list[str], items: list[str]) -> st.SearchStrategy[str]:
    atoms = st.one_of(
        st.integers(0, MAX_NUMBER - 1).map(str),
        st.floats(0, 10**6, allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.4f}"),
        st.sampled_from(names + ["turn", "turns"]),
        st.sampled_from(items).map(lambda m: f"count({m})"),
        st.sampled_from(items).map(lambda m: f"turns_since({m})"),
    )
    return st.recursive(atoms, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda x: f"-{x}"),
    ), max_leaves=12)


def conditions(meters: list[str], flags: list[str], items: list[str], fired: list[str]) -> st.SearchStrategy[str]:
    numbers = number_expressions(meters, items)
    atoms = st.one_of(
        st.sampled_from(flags + ["true", "false"]),
        st.tuples(numbers, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), numbers).map(" ".join),
        st.sampled_from(items).map(lambda m: f"played({m})"),
        st.tuples(st.sampled_from(["before", "after", "same_turn"]), st.sampled_from(items),
                  st.sampled_from(items)).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(st.sampled_from(items), st.sampled_from(items), numbers).map(lambda t: f"within({t[0]}, {t[1]}, {t[2]})"),
        st.sampled_from(fired).map(lambda r: f"fired({r})") if fired else st.just("true"),
    )
    return st.recursive(atoms, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda x: f"not {x}"),
    ), max_leaves=10)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"


def toml(doc: dict) -> str:
    return "".join(f"{key} = {toml_value(value)}\n" for key, value in doc.items())


@st.composite
def scenarios(draw: st.DrawFn) -> str:
    """A whole scenario, numbers at and now and then beyond the limits, as a TOML text."""
    number = ANY_NUMBER if draw(st.integers(0, 4)) == 0 else WITHIN
    teams = [f"t{i}" for i in range(draw(st.integers(1, 3)))]
    meters = [f"m{i}" for i in range(draw(st.integers(1, 3)))]
    flags = [f"f{i}" for i in range(draw(st.integers(1, 3)))]
    moves = [(f"v{i}", draw(st.sampled_from(teams))) for i in range(draw(st.integers(1, 6)))]
    moves += [(f"w_{team}", team) for team in teams]  # every team has a move
    items = [m for m, _ in moves]
    rules = [f"r{i}" for i in range(draw(st.integers(0, 3)))]
    condition = conditions(meters, flags, items, rules)

    def effects() -> dict:
        out = {m: draw(number) for m in draw(st.lists(st.sampled_from(meters), max_size=2, unique=True))}
        if draw(st.booleans()):
            out["set"] = draw(st.lists(st.sampled_from(flags), max_size=2, unique=True))
        return out

    def chance():
        return draw(st.one_of(st.floats(0, 1), number_expressions(meters, items), number))

    meter_tables = []
    for m in meters:
        low, high = sorted(draw(st.lists(number, min_size=2, max_size=2)), key=lambda x: (x != x, x))
        if not low < high:
            low, high = -1, 1
        start = draw(st.sampled_from([low, high, 0 if low <= 0 <= high else low]))
        meter_tables.append({"id": m, "label": m.upper(), "min": low, "max": high, "start": start})
    doc = {
        "format": 1,
        "scenario": {"id": "fuzz", "title": "Fuzz", "summary": "Generated.", "turns": draw(st.integers(1, 5))},
        "teams": [{"id": t, "name": t.upper(), "moves_per_turn": draw(st.sampled_from([0, 1, 2, MAX_NUMBER - 1])),
                   "objectives": [{"id": f"o_{t}", "text": "O", "when": draw(condition),
                                   "points": draw(st.integers(1, MAX_NUMBER - 1))}],
                   "doctrine": {"values": {m: draw(number) for m in meters},
                                "flag_values": {f: draw(number) for f in flags},
                                "objectives": draw(number), "risk": draw(st.floats(0, 1)),
                                "patience": draw(st.floats(0, 1)),
                                "red_lines": [{"moves": [items[0]], "unless": draw(condition), "reason": "R"}]}}
                  for t in teams],
        "meters": meter_tables,
        "flags": [{"id": f, "label": f.upper(), "start": draw(st.booleans())} for f in flags],
        "moves": [dict({"id": m, "team": team, "label": m.upper(), "effects": effects(),
                        "secret": draw(st.booleans()), "once": draw(st.booleans()),
                        "cooldown": draw(st.sampled_from([0, 1, MAX_NUMBER - 1]))},
                       **({"requires": draw(condition)} if draw(st.booleans()) else {}),
                       **({"chance": chance(), "success": effects(), "failure": effects()}
                          if draw(st.booleans()) else {}))
                  for m, team in moves],
        "rules": [dict({"id": r, "when": draw(condition), "message": "M", "effects": effects(),
                        "once": draw(st.booleans())}, **({"chance": chance()} if draw(st.booleans()) else {}))
                  for r in rules],
        "injects": [{"id": "i0", "title": "I", "when": draw(condition), "effects": effects()},
                    {"id": "i1", "title": "J", "turn": 1, "effects": effects()}],
        "estimates": [{"id": "e0", "of": meters[0], "label": "E", "visible_to": teams[:1],
                       "noise": abs(draw(number)) if draw(st.booleans()) else 0, "bias": draw(number),
                       "lag": draw(st.sampled_from([0, 1, MAX_NUMBER - 1]))}],
        "clocks": [{"id": "c0", "label": "C", "starts_when": draw(condition),
                    "turns": draw(st.sampled_from([1, 2, MAX_NUMBER - 1]))}],
        "outcomes": [{"id": "early", "title": "Early", "text": "T", "when": draw(condition)},
                     {"id": "end", "title": "End", "text": "T", "at_end": True}],
    }
    return toml(doc)


@settings(BOUNDED, max_examples=80)
@given(scenarios(), st.integers(0, 2**32))
def test_a_generated_scenario_that_checks_plays_to_an_ending_and_reports(text, seed):
    """Everything `ttx check` accepts plays without an exception: random and doctrine players,
    the transcript of every turn, the after-action report."""
    try:
        scenario = parse_scenario(text, "fuzz.toml")
    except ScenarioError as exc:
        assert exc.problems
        assert all(p.code in ("E108", "E204", "E404") for p in exc.problems), exc.render()
        return
    play_to_the_end(scenario, seed, "random", report=True)
    play_to_the_end(scenario, seed, "doctrine")


# -- the condition language ---------------------------------------------------------------

SMALL = parse_scenario(GOOD, "small.toml")
NAMES = Names(meters=frozenset(SMALL.meter_index), flags=frozenset(SMALL.flag_index),
              moves=frozenset(SMALL.move_index), fireables=frozenset(SMALL.rule_index))


def _states():
    from exercise.bots import RandomPlayer
    from exercise.play import play_turn

    out = []
    for seed in range(3):
        state = initial_state(SMALL, seed)
        out.append(state)
        while state.outcome is None:
            state, _ = play_turn(state, {t.id: RandomPlayer(SMALL) for t in SMALL.teams}, seed)
            out.append(state)
    return out


STATES = _states()
TOKENS = ["tension", "declared", "declare", "gamble", "relief", "turn", "turns", "and", "or", "not", "true",
          "false", "played(", "count(", "within(", "fired(", "(", ")", ",", "+", "-", "*", "/", "<", "<=", "==",
          "!=", ">", " ", "0", "7", "2.5", "999999999999999", "1000000000000000", "٣", "&&", "=", "x", "é", "\n"]


@settings(BOUNDED, max_examples=500)
@given(st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(TOKENS), max_size=120).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=400).map("".join),
    conditions(["tension"], ["declared"], ["declare", "gamble"], ["relief"]),
    number_expressions(["tension"], ["declare", "gamble"]),
    st.integers(1, 3000).map(lambda n: "(" * n + "tension > 1" + ")" * n),
    st.integers(1, 3000).map(lambda n: "not " * n + "declared"),
    st.integers(1, 3000).map(lambda n: " + ".join(["tension"] * n) + " > 0"),
    st.integers(1, 200).map(lambda n: " * ".join(["999999999999999"] * n) + " > tension"),
))
def test_a_condition_compiles_or_is_refused_with_a_code_and_evaluates_on_any_state(text):
    from exercise.engine.explain import explain
    from exercise.engine.lint import never_holds

    for compile_, kind in ((compile_condition, bool), (compile_number, (int, float))):
        try:
            compiled = compile_(text, NAMES)
        except ConditionError as exc:
            assert exc.code in ("E108", "E401", "E402", "E403", "E404")
            assert 0 <= exc.col <= len(text)
            continue
        for state in STATES:
            value = compiled.evaluate(state) if kind is not bool else compiled(state)
            assert isinstance(value, kind)
        explain(compiled, SMALL)
        never_holds(SMALL, compiled)


# -- orders files ----------------------------------------------------------------------------

ORDERS = """[[orders]]
turn = 1
team = "alpha"
moves = ["declare"]
rationale = "First."

[[orders]]
turn = 1
team = "bravo"
moves = [{ move = "gamble", if = ["declare"] }]

[[orders]]
turn = 2
team = "bravo"
moves = []
"""


@settings(BOUNDED, max_examples=300)
@given(mutated(ORDERS))
def test_a_mutated_orders_file_is_read_or_refused_in_one_message_and_what_is_read_plays(text):
    from exercise.engine import IllegalOrder
    from exercise.orders_file import OrdersFileError, read_orders
    from exercise.play import Passer, Scripted, choose
    from exercise.session import Session

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "orders.toml")
        with open(path, "w", encoding="utf-8", errors="surrogatepass") as fh:
            fh.write(text)
        try:
            script = read_orders(path, SMALL)
        except OrdersFileError as exc:
            assert str(exc).strip()
            return
    session = Session.start(SMALL, 1, None)
    controllers = {t.id: Scripted({turn: o[t.id] for turn, o in script.items() if t.id in o}, Passer())
                   for t in SMALL.teams}
    while session.state.outcome is None:
        for team in SMALL.teams:
            try:
                session.submit(choose(session.state, team.id, controllers[team.id], 1))
            except IllegalOrder:  # `ttx run` says which and stops: a scripted order may be illegal
                return
        session.resolve()
