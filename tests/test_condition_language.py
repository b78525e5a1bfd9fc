"""The condition language, function by function, as scenarios/README.md documents it."""

from __future__ import annotations

import pytest

from exercise.engine import (
    ConditionError,
    Names,
    Order,
    OrderedMove,
    compile_condition,
    fire_inject,
    initial_state,
    parse_scenario,
    resolve_turn,
)

SCENARIO = """
format = 1
[scenario]
id = "lang"
title = "Language"
summary = "Conditions."
turns = 6

[[teams]]
id = "a"
name = "Alpha"
moves_per_turn = 2

[[teams]]
id = "b"
name = "Bravo"

[[meters]]
id = "m"
label = "M"
start = 10

[[flags]]
id = "f"
label = "F"
start = true

[[moves]]
id = "x"
team = "a"
label = "X"
tags = ["step"]

[[moves]]
id = "y"
team = "b"
label = "Y"
tags = ["step"]

[[moves]]
id = "z"
team = "a"
label = "Z"
chance = 1.0

[[rules]]
id = "r"
when = "played(x)"
message = "r"

[[injects]]
id = "i"
title = "I"

[[outcomes]]
id = "end"
title = "End"
text = "End."
at_end = true
"""


@pytest.fixture(scope="module")
def scenario():
    return parse_scenario(SCENARIO)


def names(sc) -> Names:
    return Names(meters=frozenset({"m"}), flags=frozenset({"f"}), moves=frozenset({"x", "y", "z"}),
                 tags=frozenset({"step"}), fireables=frozenset({"r", "i"}))


def after(sc, *turns: dict[str, list[str]]):
    """The state after these turns (a missing team passes)."""
    state = initial_state(sc, 1)
    for turn in turns:
        orders = {t: Order(t, tuple(OrderedMove(m) for m in turn.get(t, []))) for t in ("a", "b")}
        state, _ = resolve_turn(state, orders)
    return state


def holds(sc, text: str, state) -> bool:
    return compile_condition(text, names(sc))(state)


def test_history_functions_of_a_move(scenario):
    state = after(scenario, {"a": ["x"]}, {}, {"a": ["x"]})  # x on turns 1 and 3; now turn 4
    assert holds(scenario, "played(x)", state)
    assert not holds(scenario, "played(y)", state)
    assert holds(scenario, "count(x) == 2", state)
    assert holds(scenario, "first_turn(x) == 1 and last_turn(x) == 3", state)
    assert holds(scenario, "first_turn(y) == 0 and last_turn(y) == 0", state)
    assert holds(scenario, "turns_since(x) == 1", state)
    assert holds(scenario, "turns_since(y) == turn", state)


def test_this_turn_is_true_for_moves_of_the_turn_being_resolved(scenario):
    sc = parse_scenario(SCENARIO.replace('when = "played(x)"', 'when = "this_turn(x)"').replace(
        '[[rules]]\nid = "r"', '[[rules]]\nonce = false\nid = "r"'))
    state = initial_state(sc, 1)
    fired = []
    for moves in (["x"], [], ["x"]):
        state, record = resolve_turn(state, {"a": Order("a", tuple(OrderedMove(m) for m in moves)), "b": Order("b")})
        fired.append(any(e.kind == "rule" for e in record.events))
    assert [True, False, True] == fired


def test_a_tag_stands_for_any_move_with_that_tag(scenario):
    state = after(scenario, {"b": ["y"]}, {"a": ["x"]})
    assert holds(scenario, "count(step) == 2", state)
    assert holds(scenario, "first_turn(step) == 1 and last_turn(step) == 2", state)


def test_before_after_same_turn_and_within(scenario):
    state = after(scenario, {"a": ["x"]}, {}, {"b": ["y"]})
    assert holds(scenario, "before(x, y)", state)
    assert not holds(scenario, "before(y, x)", state)
    assert holds(scenario, "after(y, x)", state)
    assert not holds(scenario, "same_turn(x, y)", state)
    assert holds(scenario, "within(x, y, 2)", state)
    assert not holds(scenario, "within(x, y, 1)", state)
    together = after(scenario, {"a": ["x"], "b": ["y"]})
    assert holds(scenario, "same_turn(x, y)", together)
    assert not holds(scenario, "before(x, y) or before(y, x)", together)


def test_before_holds_while_the_second_move_has_not_happened_yet(scenario):
    """'a was played, and b was first played in a later turn than a, or not yet'."""
    state = after(scenario, {"a": ["x"]})
    assert holds(scenario, "before(x, y)", state)
    assert not holds(scenario, "after(y, x)", state)


def test_succeeded_and_fired(scenario):
    state = after(scenario, {"a": ["x", "z"]})
    assert holds(scenario, "succeeded(z)", state)
    assert not holds(scenario, "succeeded(x)", state)
    assert holds(scenario, "fired(r)", state)
    assert not holds(scenario, "fired(i)", state)
    assert holds(scenario, "fired(i)", fire_inject(state, "i"))


def test_arithmetic_comparison_and_precedence(scenario):
    state = initial_state(scenario, 1)
    assert holds(scenario, "m * 2 - 5 == 15", state)
    assert holds(scenario, "-m < 0", state)
    assert holds(scenario, "turn == 1 and turns == 6", state)
    # not binds tightest, then and, then or
    assert holds(scenario, "not false and false or true", state)
    assert not holds(scenario, "not (false and false or true)", state)
    assert holds(scenario, "f == true and f != false", state)


@pytest.mark.parametrize(
    "text, code, col, words",
    [
        ("m >", "E401", 3, "ends where a value was expected"),
        ("m = 3", "E401", 2, "use '==' to compare"),
        ("(m > 3", "E401", 6, "expected ')'"),
        ("mm > 3", "E402", 0, "did you mean 'm'?"),
        ("playd(x)", "E402", 0, "did you mean 'played'?"),
        ("played(q)", "E402", 7, "unknown 'q'"),
        ("m and f", "E403", 0, "needs true/false"),
        ("f + 1 > 0", "E403", 0, "needs a number"),
        ("m", "E403", 0, "must be true or false"),
        ("x > 0", "E403", 0, "use played(x)"),
        ("played(x, y)", "E403", 8, "found more"),
        ("fired(x)", "E402", 6, "needs a rule or inject"),
    ],
)
def test_mistakes_are_load_errors_with_a_code_and_a_column(scenario, text, code, col, words):
    with pytest.raises(ConditionError) as info:
        compile_condition(text, names(scenario))
    assert (code, col) == (info.value.code, info.value.col)
    assert words in info.value.message


@pytest.mark.parametrize("text", ["__import__('os')", "m.real > 0", "f.__class__", "m[0] > 1",
                                  "'a' == 'a'", "lambda: 1", "exec(1)", "x.y.z"])
def test_nothing_in_a_condition_reaches_python(scenario, text):
    with pytest.raises(ConditionError):
        compile_condition(text, names(scenario))
