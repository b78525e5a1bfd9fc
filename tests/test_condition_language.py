"""The condition language, function by function, as scenarios/README.md documents it."""

from __future__ import annotations

import attrs
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


# -- the syntax tree, compiled once --------------------------------------------------------

from exercise.engine.conditions import (  # noqa: E402
    And,
    Arithmetic,
    Call,
    Comparison,
    FlagName,
    MeterName,
    Negate,
    Not,
    Number,
    Or,
    Truth,
    Turn,
    Turns,
    ValueName,
    compile_number,
)


@pytest.mark.parametrize("text, tree", [
    ("m >= 5", Comparison(">=", MeterName("m"), Number(5))),
    ("not f and turn < turns", And((Not(FlagName("f")), Comparison("<", Turn(), Turns())))),
    # not binds tightest, then and, then or; a chain of the same operator is one node
    ("f or f and not f or true", Or((FlagName("f"), And((FlagName("f"), Not(FlagName("f")))), Truth(True)))),
    # * and / bind tighter than + and -, which group to the left; parentheses leave no node
    ("m - 2 * -m / 4 + 1 == (m)", Comparison("==", Arithmetic("+", Arithmetic("-", MeterName("m"), Arithmetic(
        "/", Arithmetic("*", Number(2), Negate(MeterName("m"))), Number(4))), Number(1)), MeterName("m"))),
    ("within(x, step, m + 1)", Call("within", ("x", "step", Arithmetic("+", MeterName("m"), Number(1))))),
    ("count(step) > 2.5", Comparison(">", Call("count", ("step",)), Number(2.5))),
])
def test_a_condition_is_parsed_to_a_typed_tree(scenario, text, tree):
    assert tree == compile_condition(text, names(scenario)).tree


def test_the_tree_keeps_the_source_names_and_types(scenario):
    condition = compile_condition("played(x) and m > 1 or fired(r)", names(scenario))
    assert "played(x) and m > 1 or fired(r)" == condition.source
    assert frozenset({"x", "m", "r"}) == condition.names
    assert "truth" == condition.tree.type
    assert "number" == condition.tree.parts[0].parts[1].left.type
    assert ("x",) == condition.tree.parts[0].parts[0].ids


def test_division_divides_and_a_division_by_zero_gives_zero(scenario):
    """'`a / b` … dividing by zero gives `0`'."""
    state = initial_state(scenario, 1)  # m is 10
    assert holds(scenario, "m / 4 == 2.5", state)
    assert holds(scenario, "m / (m - 10) == 0", state)
    assert holds(scenario, "1 + m / 5 * 2 == 5", state)  # / and * bind tighter than +, left to right
    with pytest.raises(ConditionError) as info:
        compile_condition("f / 2 > 0", names(scenario))
    assert ("E403", 0) == (info.value.code, info.value.col)
    assert "'/' needs a number" in info.value.message


def test_a_number_expression_compiles_to_a_number(scenario):
    """A chance may be written as a number expression: `0.2 + tension / 200`."""
    state = initial_state(scenario, 1)
    expression = compile_number("0.2 + m / 200", names(scenario))
    assert 0.25 == expression(state) == expression.evaluate(state)
    assert "0.2 + m / 200" == expression.source
    assert frozenset({"m"}) == expression.names
    assert Arithmetic("+", Number(0.2), Arithmetic("/", MeterName("m"), Number(200))) == expression.tree
    assert 6 == compile_number("count(x) + turns", names(scenario))(state)


@pytest.mark.parametrize("text, code, col, words", [
    ("m > 1", "E403", 0, "must give a number, not true/false"),
    ("", "E401", 0, "the expression is empty"),
    ("m +", "E401", 3, "the expression ends where a value was expected"),
    ("m / mm", "E402", 4, "did you mean 'm'?"),
])
def test_a_number_expression_that_is_not_one_is_a_coded_error(scenario, text, code, col, words):
    with pytest.raises(ConditionError) as info:
        compile_number(text, names(scenario))
    assert (code, col) == (info.value.code, info.value.col)
    assert words in info.value.message


def test_a_numeric_name_is_read_from_the_states_values(scenario):
    """Estimates and clocks are `Names.numbers`: a leaf of their own, read from `state.values`."""
    extended = attrs.evolve(names(scenario), numbers=frozenset({"estimate"}))
    condition = compile_condition("estimate * 2 > m", extended)
    assert Comparison(">", Arithmetic("*", ValueName("estimate"), Number(2)), MeterName("m")) == condition.tree
    assert frozenset({"estimate", "m"}) == condition.names

    class Seen:
        meters = {"m": 10}
        values = {"estimate": 6}

    assert condition(Seen())
    with pytest.raises(ConditionError) as info:
        compile_condition("estimat > 1", extended)
    assert "did you mean 'estimate'?" in info.value.message


def test_evaluating_a_compiled_condition_never_walks_its_tree(scenario):
    """"Conditions compile once": the closures hold names and numbers, never a node of the tree."""
    from exercise.engine import conditions

    node_classes = tuple(c for c in vars(conditions).values() if isinstance(c, type) and issubclass(
        c, conditions._Node))

    def held(value, seen):
        if id(value) in seen:
            return
        seen.add(id(value))
        yield value
        for cell in getattr(value, "__closure__", None) or ():
            yield from held(cell.cell_contents, seen)
        if isinstance(value, (list, tuple)):
            for item in value:
                yield from held(item, seen)

    condition = compile_condition("m >= 5 and not f or within(x, y, m / 2) and count(step) > -m", names(scenario))
    found = list(held(condition.evaluate, set()))
    assert len(found) > 10  # the closures were followed
    assert [] == [v for v in found if isinstance(v, node_classes)]
