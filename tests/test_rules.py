"""One test per documented resolution rule; each docstring quotes scenarios/README.md."""

from __future__ import annotations

import pytest

from exercise.render import event_detail, event_text
from exercise.engine import (
    IllegalOrder,
    Order,
    OrderedMove,
    check_order,
    end_exercise,
    fire_inject,
    initial_state,
    legal_moves,
    move_status,
    override,
    parse_scenario,
    resolve_turn,
    view,
)

HEAD = """
format = 1
[scenario]
id = "rules"
title = "Rules"
summary = "Test bed."
turns = {turns}

[[teams]]
id = "a"
name = "Alpha"
moves_per_turn = {per_turn}

[[teams]]
id = "b"
name = "Bravo"
moves_per_turn = {per_turn}

[[meters]]
id = "m"
label = "M"
start = 50

[[meters]]
id = "hidden"
label = "Hidden"
start = 0
visible_to = ["a"]

[[flags]]
id = "f"
label = "F"

[[outcomes]]
id = "end"
title = "End"
text = "Out of turns."
at_end = true
"""


def scenario(body: str, turns: int = 4, per_turn: int = 2):
    return parse_scenario(HEAD.format(turns=turns, per_turn=per_turn) + body)


def move(id_: str, team: str = "a", **fields: str) -> str:
    extra = "\n".join(f"{k} = {v}" for k, v in fields.items())
    return f'\n[[moves]]\nid = "{id_}"\nteam = "{team}"\nlabel = "{id_}"\n{extra}\n'


BASIC = move("up", effects="{ m = 10 }") + move("down", "b", effects="{ m = -10 }")


def orders(**by_team) -> dict[str, Order]:
    out = {}
    for team in ("a", "b"):
        items = by_team.get(team, [])
        out[team] = Order(team, tuple(OrderedMove(i[0], tuple(i[1:])) if isinstance(i, tuple) else OrderedMove(i)
                                      for i in items))
    return out


def play(sc, *turns, seed: int = 1):
    state = initial_state(sc, seed)
    records = []
    for t in turns:
        state, record = resolve_turn(state, t)
        records.append(record)
    return state, records


# -- step 2: orders ---------------------------------------------------------------------
def test_a_team_may_order_at_most_moves_per_turn():
    """'Each team submits up to `moves_per_turn` moves'."""
    sc = scenario(BASIC + move("side", effects="{ m = 1 }"), per_turn=1)
    with pytest.raises(IllegalOrder) as info:
        resolve_turn(initial_state(sc, 1), orders(a=["up", "side"]))
    assert "at most 1 move(s)" in str(info.value)


def test_a_team_that_submits_no_move_has_passed():
    """'A team that submits no move has passed.'"""
    sc = scenario(BASIC)
    state, (record,) = play(sc, orders())
    assert 50 == state.meters["m"]
    assert () == record.orders["a"].moves


def test_a_team_that_submitted_nothing_is_not_a_pass():
    """Not submitting is not passing: resolution needs an order from every team."""
    sc = scenario(BASIC)
    with pytest.raises(IllegalOrder) as info:
        resolve_turn(initial_state(sc, 1), {"a": Order("a")})
    assert "no order from b" in str(info.value)


def test_moves_must_belong_to_the_team_and_be_distinct():
    """'Every move must belong to the team, be distinct'."""
    state = initial_state(scenario(BASIC), 1)
    assert any("is a move of b" in p for p in check_order(state, Order.of("a", "down")))
    assert any("ordered twice" in p for p in check_order(state, Order.of("a", "up", "up")))
    assert any("unknown move" in p for p in check_order(state, Order.of("a", "sideways")))


def test_requires_is_checked_on_the_state_after_the_start_of_turn_injects():
    """'meet its `requires` on the state after step 1'."""
    body = move("needs_f", requires='"f"') + move("other", "b") + """
[[injects]]
id = "sets_f"
title = "F is set"
turn = 2
effects = { set = ["f"] }
"""
    sc = scenario(body)
    state = initial_state(sc, 1)
    assert ["needs_f"] != [m.id for m in legal_moves(state, "a")]
    state, _ = resolve_turn(state, orders())
    assert ["needs_f"] == [m.id for m in legal_moves(state, "a")]


def test_requires_text_says_why_a_move_is_unavailable():
    """'`requires_text` ... why the move is unavailable, in plain words'."""
    sc = scenario(move("needs_f", requires='"f"', requires_text='"F must hold first."') + move("x", "b"))
    status = dict((m.id, why) for m, why in move_status(initial_state(sc, 1), "a"))
    assert "F must hold first." == status["needs_f"]


def test_a_once_move_is_spent_after_it_is_played():
    """'`once` ... may be played only once in the exercise'."""
    sc = scenario(move("one", once="true") + move("x", "b"))
    state, _ = play(sc, orders(a=["one"]))
    assert "already played (once only)" == dict((m.id, w) for m, w in move_status(state, "a"))["one"]
    with pytest.raises(IllegalOrder):
        resolve_turn(state, orders(a=["one"]))


def test_cooldown_counts_the_turns_that_must_pass():
    """'`cooldown` ... turns that must pass before it may be played again (`1`: not on the next turn)'."""
    sc = scenario(move("cool", cooldown="1") + move("x", "b"))
    state, _ = play(sc, orders(a=["cool"]))
    assert "cool" not in [m.id for m in legal_moves(state, "a")]
    state, _ = resolve_turn(state, orders())
    assert "cool" in [m.id for m in legal_moves(state, "a")]


# -- step 3: contingencies ----------------------------------------------------------------
def test_a_contingent_move_executes_when_the_other_team_plays_the_named_move():
    """'A move may be submitted contingent on one or more moves of other teams in the same turn'."""
    sc = scenario(BASIC)
    state, (record,) = play(sc, orders(a=[("up", "down")], b=["down"]))
    assert ("up", "down") == record.executed


def test_a_move_whose_contingency_is_not_played_is_dropped_cleanly():
    """'a move whose contingency names a move not executed this turn is dropped'."""
    sc = scenario(BASIC)
    state, (record,) = play(sc, orders(a=[("up", "down")]))
    assert () == record.executed
    assert 50 == state.meters["m"]
    (event,) = [e for e in record.events if e.kind == "contingency"]
    text = event_text(sc, event)
    assert "not carried out" in text and "Bravo did not play" in text


def test_mutual_contingencies_execute_together():
    """'Mutual contingencies therefore execute together.'"""
    sc = scenario(BASIC)
    state, (record,) = play(sc, orders(a=[("up", "down")], b=[("down", "up")]))
    assert ("up", "down") == record.executed
    assert 2 == sum(1 for e in record.events if e.kind == "contingency" and "together" in event_text(sc, e))


def test_dropping_a_move_drops_the_moves_contingent_on_it_repeatedly():
    """'a move ... is dropped, repeatedly, until nothing changes.'"""
    sc = scenario(BASIC + move("third", "b", effects="{ m = 1 }") + move("missing", "a"))
    # down depends on up, up depends on 'missing', which Alpha does not order.
    state, (record,) = play(sc, orders(a=[("up", "third")], b=[("down", "up"), ("third", "missing")]))
    assert () == record.executed


def test_a_contingency_on_the_teams_own_move_is_refused():
    """A contingency names another team's move: a team's own move cannot be its condition."""
    sc = scenario(BASIC + move("side"))
    problems = check_order(initial_state(sc, 1), Order("a", (OrderedMove("up", ("side",)),)))
    assert any("a move of its own team" in p for p in problems)


# -- step 4: moves --------------------------------------------------------------------------
def test_moves_resolve_in_team_order_then_submission_order():
    """'The executing moves resolve in the order the teams are listed in the file, each team's
    moves in the order it submitted them.'"""
    sc = scenario(move("a1") + move("a2") + move("b1", "b"))
    _, (record,) = play(sc, {"b": Order.of("b", "b1"), "a": Order.of("a", "a2", "a1")})
    assert ("a2", "a1", "b1") == record.executed


def test_a_chance_draws_once_and_applies_success_or_failure():
    """'if it has a `chance`, one draw from the turn's random number generator decides between
    `success` and `failure`.'"""
    sc = scenario(move("gamble", chance="0.5", success="{ m = 20 }", failure="{ m = -20 }") + move("x", "b"))
    results = set()
    for seed in range(20):
        state, (record,) = play(sc, orders(a=["gamble"]), seed=seed)
        results.add(state.meters["m"])
        (chance,) = [e for e in record.events if e.kind == "chance"]
        assert "chance 50%" in event_detail(sc, chance)
    assert {30, 70} == results


def test_meters_are_clamped_and_the_recorded_change_is_the_real_one():
    """'Meters are clamped to their bounds after each change; the change recorded is the real one.'"""
    sc = scenario(move("big", effects="{ m = 80 }") + move("x", "b"))
    state, (record,) = play(sc, orders(a=["big"]))
    assert 100 == state.meters["m"]
    (change,) = [c for e in record.events for c in e.changes]
    assert (50, 100) == (change.before, change.after)


def test_a_secret_move_is_hidden_from_other_teams_but_public_meter_moves_are_not():
    """'`secret` ... other teams do not see that it was played (they still see public meters move)'."""
    sc = scenario(move("quiet", secret="true", effects="{ m = 5, hidden = 5 }") + move("x", "b"))
    state, _ = play(sc, orders(a=["quiet"]))
    bravo = view(state, "b")
    assert not any(p.move == "quiet" for p in bravo.plays)
    (hidden,) = bravo.events
    assert "hidden" == hidden.kind and ["m"] == [c.id for c in hidden.changes]
    assert any(p.move == "quiet" for p in view(state, "a").plays)
    assert "hidden" not in bravo.meters


# -- step 5: rules ----------------------------------------------------------------------------
def test_every_rule_is_tested_on_the_same_post_move_state():
    """'Every rule is tested on the state after step 4; then the effects of the rules that hold
    apply in file order.'"""
    body = BASIC + """
[[rules]]
id = "first"
when = "played(up)"
message = "first"
effects = { m = -40 }

[[rules]]
id = "second"
when = "m >= 60"
message = "second: still sees m at 60"
effects = { set = ["f"] }
"""
    state, (record,) = play(scenario(body), orders(a=["up"]))
    assert ["rule:first", "rule:second"] == [str(e.cause) for e in record.events if e.kind == "rule"]
    assert "f" in state.flags


def test_a_once_rule_fires_the_first_time_only_and_an_every_turn_rule_each_turn():
    """'`once` ... `true`: fires the first time only; `false`: every turn the condition holds'."""
    body = BASIC + """
[[rules]]
id = "once"
when = "true"
message = "once"

[[rules]]
id = "always"
when = "true"
message = "always"
once = false
"""
    _, records = play(scenario(body), orders(), orders(), orders())
    fired = [[str(e.cause) for e in r.events if e.kind == "rule"] for r in records]
    assert [["rule:once", "rule:always"], ["rule:always"], ["rule:always"]] == fired


def test_a_rule_message_goes_only_to_its_audience():
    """'`to` ... who is told'."""
    body = BASIC + '\n[[rules]]\nid = "secret_rule"\nwhen = "true"\nmessage = "for Alpha"\nto = ["a"]\n'
    sc = scenario(body)
    state, _ = play(sc, orders())
    assert any(event_text(sc, e) == "for Alpha" for e in view(state, "a").events)
    assert not any(event_text(sc, e) == "for Alpha" for e in view(state, "b").events)


# -- step 1: injects --------------------------------------------------------------------------
INJECTS = BASIC + """
[[injects]]
id = "scheduled"
title = "Scheduled"
turn = 2

[[injects]]
id = "triggered"
title = "Triggered"
when = "m >= 60"

[[injects]]
id = "both"
title = "Both"
turn = 3
when = "f"

[[injects]]
id = "by_hand"
title = "By hand"
effects = { m = 1 }
"""


def fired_injects(records, state):
    events = [e for r in records for e in r.events] + list(state.pending)
    return [(e.turn, str(e.cause)) for e in events if e.kind == "inject"]


def test_a_scheduled_inject_fires_at_the_start_of_its_turn():
    """'`turn` ... fires at the start of this turn'."""
    state, records = play(scenario(INJECTS), orders())
    assert [(2, "inject:scheduled")] == fired_injects(records, state)


def test_a_triggered_inject_fires_at_the_start_of_the_first_turn_on_which_it_holds():
    """'`when` ... fires at the start of the first turn on which it holds'."""
    state, records = play(scenario(INJECTS), orders(a=["up"]), orders(a=["up"]))
    assert (2, "inject:triggered") in fired_injects(records, state)
    assert 1 == sum(1 for _, c in fired_injects(records, state) if c == "inject:triggered")


def test_an_inject_with_turn_and_when_fires_on_that_turn_only_if_the_condition_holds():
    """'With `turn` and `when`, it fires on that turn only if the condition holds then.'"""
    state, records = play(scenario(INJECTS), orders(), orders(), orders())
    assert "inject:both" not in [c for _, c in fired_injects(records, state)]


def test_an_inject_with_neither_turn_nor_when_fires_only_by_hand_as_often_as_wanted():
    """'With neither, it fires only when the facilitator fires it by hand.' ... 'by hand, as often
    as the facilitator wants.'"""
    state, records = play(scenario(INJECTS), orders(), orders(), orders())
    assert "inject:by_hand" not in [c for _, c in fired_injects(records, state)]
    state = fire_inject(fire_inject(state, "by_hand"), "by_hand")
    assert 52 == state.meters["m"]
    assert 2 == sum(1 for e in state.pending if str(e.cause) == "inject:by_hand")


def test_an_ad_hoc_inject_reaches_only_the_teams_named():
    sc = scenario(BASIC)
    state = fire_inject(initial_state(sc, 1), title="Rumour", to=frozenset({"b"}))
    assert [event_text(sc, e) for e in view(state, "b").events] == ["Rumour"]
    assert [] == [event_text(sc, e) for e in view(state, "a").events]


# -- step 6: outcomes -------------------------------------------------------------------------
def test_outcomes_are_checked_in_file_order_and_the_first_that_holds_ends_the_exercise():
    """'Outcomes are checked after every turn in file order; the first whose condition holds ends
    the exercise.'"""
    body = BASIC + """
[[outcomes]]
id = "high"
title = "High"
text = "m is high"
when = "m >= 60"

[[outcomes]]
id = "very_high"
title = "Very high"
text = "m is very high"
when = "m >= 55"
"""
    state, (record,) = play(scenario(body), orders(a=["up"]))
    assert ("high", "high") == (state.outcome, record.outcome)
    with pytest.raises(IllegalOrder):
        resolve_turn(state, orders())


def test_at_end_outcomes_are_checked_only_after_the_last_turn():
    """'After the last turn, the `at_end` outcomes are checked too.'"""
    sc = scenario(BASIC, turns=2)
    state, _ = play(sc, orders())
    assert state.outcome is None
    state, _ = resolve_turn(state, orders())
    assert "end" == state.outcome


# -- causes, determinism, the facilitator -----------------------------------------------------
def test_every_change_carries_its_cause():
    """'Every change records its cause (a move, a rule, an inject, or the facilitator)'."""
    body = INJECTS + '\n[[rules]]\nid = "r"\nwhen = "played(up)"\nmessage = "r"\neffects = { m = 1 }\n'
    state, records = play(scenario(body), orders(a=["up"]), orders())
    state = override(state, "m", 10, "adjudication")
    for event in [e for r in records for e in r.events] + list(state.pending):
        if event.changes:
            assert event.cause.kind in ("move", "rule", "inject", "facilitator")
    assert "adjudication" == state.pending[-1].reason


def test_the_same_scenario_orders_and_seed_give_identical_records():
    """'the same scenario, orders and seed always give the same result.'"""
    sc = scenario(move("gamble", chance="0.5", success="{ m = 20 }", failure="{ m = -20 }") + move("x", "b"))
    turns = [orders(a=["gamble"]), orders(), orders(a=["gamble"])]
    first, _ = play(sc, *turns, seed=42)
    second, _ = play(sc, *turns, seed=42)
    assert first.records == second.records
    assert first.meters == second.meters


def test_an_override_clamps_and_refuses_the_wrong_kind_of_value():
    sc = scenario(BASIC)
    state = override(initial_state(sc, 1), "m", 500, "test")
    assert 100 == state.meters["m"]
    with pytest.raises(ValueError):
        override(state, "m", True, "not a number")
    with pytest.raises(ValueError):
        override(state, "f", 3, "not a truth")
    with pytest.raises(ValueError):
        override(state, "nothing", 3, "unknown")


def test_the_facilitator_can_end_the_exercise_with_an_outcome_or_none():
    sc = scenario(BASIC)
    state = end_exercise(initial_state(sc, 1), "out of time")
    assert "ended_by_facilitator" == state.outcome
    state = end_exercise(initial_state(sc, 1), "adjudicated", "end")
    assert "end" == state.outcome
    with pytest.raises(ValueError):
        end_exercise(state, "twice")
