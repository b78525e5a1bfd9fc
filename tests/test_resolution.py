"""How a turn resolves: one test per rule of scenarios/README.md, its docstring quoting the rule."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from exercise.render import event_detail, event_text
from helpers import kinds, move, order, orders, play, scenario, table

from exercise.engine import (
    Order,
    OrderedMove,
    Audience,
    project_events,
    ENDED_BY_FACILITATOR,
    IllegalOrder,
    check_order,
    end_exercise,
    fire_inject,
    initial_state,
    legal_moves,
    move_status,
    override,
    resolve_turn,
    score,
    view,
)

UP = move("up", "a", effects="{ m = 10 }")
DOWN = move("down", "b", effects="{ m = -10 }")


def executed(record) -> list[str]:
    return list(record.executed)


# -- moves ----------------------------------------------------------------------------
def test_a_once_move_cannot_be_played_a_second_time():
    """`once`: "may be played only once in the exercise"."""
    sc = scenario(move("declare", once="true"))
    state, _ = play(sc, {"a": ["declare"]})
    assert ["a_wait"] == [m.id for m in legal_moves(state, "a")]
    assert ["'declare' is not available: already played (once only)"] == check_order(state, order("a", "declare"))


def test_a_move_without_once_can_be_played_every_turn():
    """`once` defaults to `false`: "may be played only once in the exercise" applies only when set."""
    sc = scenario(UP)
    state, records = play(sc, {"a": ["up"]}, {"a": ["up"]}, {"a": ["up"]})
    assert [["up"], ["up"], ["up"]] == [executed(r) for r in records]
    assert 80 == state.meters["m"]


@pytest.mark.parametrize(
    "cooldown, available_on",
    [(1, [1, 3, 4]), (2, [1, 4])],
)
def test_cooldown_counts_the_turns_that_must_pass_before_a_move_is_available_again(cooldown, available_on):
    """`cooldown`: "turns that must pass before it may be played again (`1`: not on the next turn)"."""
    sc = scenario(move("strike", cooldown=str(cooldown)), turns=5)
    state = initial_state(sc, 1)
    available = []
    for turn in range(1, 5):
        if "strike" in [m.id for m in legal_moves(state, "a")]:
            available.append(turn)
            state, _ = resolve_turn(state, orders(sc, a=["strike"]) if turn == 1 else orders(sc))
        else:
            state, _ = resolve_turn(state, orders(sc))
    assert available_on == available


def test_a_cooling_down_move_says_when_it_is_available_again():
    """`cooldown`: "turns that must pass before it may be played again"; move_status says why not."""
    sc = scenario(move("strike", cooldown="2"), turns=5)
    state, _ = play(sc, {"a": ["strike"]})
    status = {m.id: why for m, why in move_status(state, "a")}
    assert "cooling down: available again in 2 turns" == status["strike"]
    assert status["a_wait"] is None


def test_a_secret_move_is_hidden_from_other_teams_but_its_public_meter_changes_are_seen():
    """`secret`: "other teams do not see that it was played (they still see public meters move)"."""
    sc = scenario(move("bribe", secret="true", effects="{ m = 5, hidden = 3 }"))
    state, (record,) = play(sc, {"a": ["bribe"]})
    own = [e for e in project_events(sc, Audience.of("a"), record.events) if e.kind == "move"]
    assert ["move:bribe"] == [str(e.cause) for e in own]
    other = project_events(sc, Audience.of("b"), record.events)
    assert ["hidden"] == [e.kind for e in other]
    assert "bribe" not in json.dumps([(event_text(sc, e), str(e.cause), event_detail(sc, e), e.move) for e in other])
    assert [("m", 5)] == [(c.id, c.amount) for c in other[0].changes]
    assert [] == list(view(state, "b").plays)


def test_a_contingency_may_not_name_another_teams_secret_move():
    """Who sees what: "A team may make a move contingent only on moves it can know about": whether
    the contingency held would tell every team whether the secret move was played."""
    sc = scenario(
        move("deal", "a") + move("payment", "b", secret="true", label='"Secret payment"'),
        teams="abc",
    )
    problems = check_order(initial_state(sc, 1), Order("a", (OrderedMove("deal", ("payment",)),)))
    assert ["'deal' is contingent on 'payment', a secret move of b: a contingency may name only moves"
            " whose play you would learn"] == problems


def test_a_move_with_chance_applies_its_effects_then_success_or_failure():
    """Step 4: "A move's `effects` apply; then, if it has a `chance`, one draw decides between
    `success` and `failure`."
    """
    body = (
        move("sure", "a", effects="{ m = 1 }", chance="1.0", success="{ m = 10 }", failure="{ m = -10 }",
             success_text='"It worked."')
        + move("hopeless", "b", effects="{ hidden = 1 }", chance="0.0", success="{ set = [\"f\"] }",
               failure="{ set = [\"g\"] }")
    )
    sc = scenario(body)
    state, (record,) = play(sc, {"a": ["sure"], "b": ["hopeless"]})
    assert 61 == state.meters["m"]
    assert 1 == state.meters["hidden"]
    assert frozenset({"g"}) == state.flags
    chances = [e for e in record.events if e.kind == "chance"]
    assert ["It worked.", "Hopeless: failed"] == [event_text(sc, e) for e in chances]
    assert [True, False] == [p.success for p in state.history.plays]


def test_a_chance_is_drawn_from_the_seeded_generator_so_seeds_give_both_results():
    """`chance`: "probability of success, drawn from the seeded random number generator"."""
    sc = scenario(move("gamble", chance="0.5", success='{ set = ["f"] }'))
    results = set()
    for seed in range(40):
        state, _ = play(sc, {"a": ["gamble"]}, seed=seed)
        again, _ = play(sc, {"a": ["gamble"]}, seed=seed)
        assert ("f" in state.flags) == ("f" in again.flags)
        results.add("f" in state.flags)
    assert {True, False} == results


def test_the_draw_of_a_chance_move_depends_only_on_the_seed_the_turn_and_the_move():
    """Step 4: "Each chance move has its own draw, derived from the exercise's seed, the turn and the move:
    whether another move with a chance (a secret one, say) was played never changes it"."""
    body = move("other_gamble", "a", chance="0.5", secret="true") + move("gamble", "b", chance="0.5",
                                                                           success="{ m = 1 }")
    sc = scenario(body)
    for seed in range(40):  # Alpha's secret gamble resolves first: Bravo's draw must not move with it
        busy, _ = play(sc, {"a": ["other_gamble"], "b": ["gamble"]}, seed=seed)
        quiet, _ = play(sc, {"b": ["gamble"]}, seed=seed)
        assert ("b", "gamble") == (busy.history.plays[-1].team, busy.history.plays[-1].move)
        assert busy.history.plays[-1].success == quiet.history.plays[-1].success


def test_requires_is_checked_on_the_state_after_the_start_of_turn_injects():
    """Step 2: a move must "meet its `requires` on the state after step 1"."""
    body = move("act_on_f", requires='"f"') + table("injects", "news", title='"F happens"', turn="2",
                                                    effects='{ set = ["f"] }')
    sc = scenario(body)
    state = initial_state(sc, 1)
    assert "act_on_f" not in [m.id for m in legal_moves(state, "a")]
    state, _ = resolve_turn(state, orders(sc))
    assert "act_on_f" in [m.id for m in legal_moves(state, "a")]
    state, record = resolve_turn(state, orders(sc, a=["act_on_f"]))
    assert ["act_on_f"] == executed(record)


def test_requires_is_not_checked_again_when_the_move_executes():
    """`requires`: "precondition, checked on the state at the start of the turn"."""
    body = move("set_f", "b", effects='{ set = ["f"] }') + move("before_f", "a", requires='"not f"',
                                                                  effects="{ m = 5 }")
    sc = scenario(body)
    state, (record,) = play(sc, {"b": ["set_f"], "a": ["before_f"]})
    assert ["before_f", "set_f"] == executed(record)
    assert 55 == state.meters["m"]


def test_requires_text_says_in_plain_words_why_a_move_is_unavailable():
    """`requires_text`: "why the move is unavailable, in plain words"; by default the condition in words."""
    sc = scenario(move("worded", requires='"f"', requires_text='"F must hold first."') + move("bare", requires='"g"'))
    status = {m.id: why for m, why in move_status(initial_state(sc, 1), "a")}
    assert "F must hold first." == status["worded"]
    assert "requires: G" == status["bare"]  # the fact's label, not the condition's code


# -- effects --------------------------------------------------------------------------
def test_effects_add_to_meters_and_set_and_clear_flags():
    """Effects: "a meter id with a number adds that number to the meter (negative to lower it);
    `set` and `clear` take arrays of flag ids."
    """
    body = move("shift", effects='{ m = -15, hidden = 4, set = ["f"] }') + move("undo_f", "b", effects='{ clear = ["f"] }')
    sc = scenario(body)
    state, _ = play(sc, {"a": ["shift"]})
    assert (35, 4, frozenset({"f"})) == (state.meters["m"], state.meters["hidden"], state.flags)
    state, _ = resolve_turn(state, orders(sc, b=["undo_f"]))
    assert frozenset() == state.flags


def test_meters_are_clamped_after_each_change_and_the_recorded_change_is_the_real_one():
    """"Meters are clamped to their bounds after each change; the change recorded is the real one.\""""
    body = move("surge", effects="{ m = 30 }") + move("calm", "b", effects="{ m = -10 }")
    sc = scenario(body, start=90)
    state, (record,) = play(sc, {"a": ["surge"], "b": ["calm"]})
    changes = [(c.id, c.before, c.after) for e in record.events for c in e.changes]
    assert [("m", 90, 100), ("m", 100, 90)] == changes
    assert 90 == state.meters["m"]


def test_an_effect_that_changes_nothing_records_no_change():
    """"the change recorded is the real one": a meter already at its bound records no change."""
    sc = scenario(move("surge", effects="{ m = 30 }"), start=100)
    _, (record,) = play(sc, {"a": ["surge"]})
    assert [] == [c for e in record.events for c in e.changes]


# -- step 2: orders -------------------------------------------------------------------
def test_an_order_with_more_moves_than_moves_per_turn_is_refused():
    """Step 2: "Each team submits up to `moves_per_turn` moves"; "Illegal orders are refused"."""
    sc = scenario(UP, per_turn=1)
    with pytest.raises(IllegalOrder) as info:
        resolve_turn(initial_state(sc, 1), orders(sc, a=["up", "a_wait"]))
    assert ["Alpha may order at most 1 move(s) a turn, not 2"] == info.value.problems


def test_a_move_of_another_team_is_refused():
    """Step 2: "Every move must belong to the team"."""
    sc = scenario(DOWN)
    assert ["'down' is a move of b, not of a"] == check_order(initial_state(sc, 1), order("a", "down"))


def test_the_same_move_twice_in_one_order_is_refused():
    """Step 2: "Every move must ... be distinct"."""
    sc = scenario(UP)
    assert ["'up' is ordered twice"] == check_order(initial_state(sc, 1), order("a", "up", "up"))


def test_an_unavailable_move_is_refused():
    """Step 2: a move must "meet its `requires` on the state after step 1, and not be spent (`once`)
    or cooling down."
    """
    sc = scenario(move("needs_f", requires='"f"', requires_text='"F first."'))
    assert ["'needs_f' is not available: F first."] == check_order(initial_state(sc, 1), order("a", "needs_f"))


def test_an_unknown_move_is_refused():
    """Step 2: "Every move must belong to the team" (a move the scenario does not have belongs to none)."""
    sc = scenario()
    assert ["unknown move 'fly'"] == check_order(initial_state(sc, 1), order("a", "fly"))


def test_every_reason_an_order_is_illegal_is_given_at_once():
    """Step 2: "Illegal orders are refused"; IllegalOrder.problems lists every reason."""
    sc = scenario(UP + DOWN, per_turn=2)
    with pytest.raises(IllegalOrder) as info:
        resolve_turn(initial_state(sc, 1), {"a": order("a", "up", "up", "down")})
    assert [
        "no order from b",
        "Alpha may order at most 2 move(s) a turn, not 3",
        "'up' is ordered twice",
        "'down' is a move of b, not of a",
    ] == info.value.problems


def test_a_refused_order_records_nothing():
    """Step 2: "Illegal orders are refused; nothing of them is recorded.\""""
    sc = scenario(UP)
    state = initial_state(sc, 1)
    with pytest.raises(IllegalOrder):
        resolve_turn(state, {"a": order("a", "up"), "b": order("b", "up")})
    assert (1, (), (), {"m": 50, "hidden": 0}) == (
        state.turn, state.records, state.history.plays, dict(state.meters)
    )
    _, record = resolve_turn(state, orders(sc))  # the turn is still there to be played
    assert (1, []) == (record.turn, executed(record))


def test_resolution_needs_an_order_from_every_team():
    """Step 2: "A team that submits no move has passed." — a team that has submitted nothing has not:
    the turn waits for an order from every team.
    """
    sc = scenario(UP)
    with pytest.raises(IllegalOrder) as info:
        resolve_turn(initial_state(sc, 1), {"a": order("a", "up")})
    assert ["no order from b"] == info.value.problems


def test_a_team_that_submits_no_move_has_passed():
    """Step 2: "A team that submits no move has passed.\""""
    sc = scenario(UP + DOWN)
    state, (record,) = play(sc, {"a": ["up"]})
    assert () == record.orders["b"].moves
    assert ["up"] == executed(record)
    assert (2, 60) == (state.turn, state.meters["m"])


def test_an_order_filed_under_another_teams_key_is_refused():
    """Step 2: "Every move must belong to the team"; the orders are one per team."""
    sc = scenario(DOWN)
    with pytest.raises(IllegalOrder):
        resolve_turn(initial_state(sc, 1), {"a": order("b", "down"), "b": order("b", "down")})


# -- step 3: contingencies ------------------------------------------------------------
def test_a_contingent_move_executes_when_the_other_team_plays_the_named_move():
    """Step 3: "A move may be submitted contingent on one or more public moves of other teams in the same turn"."""
    sc = scenario(UP + DOWN)
    _state, (record,) = play(sc, {"a": [("up", "down")], "b": ["down"]})
    assert ["up", "down"] == executed(record)
    together = [event_text(sc, e) for e in record.events if e.kind == "contingency"]
    assert ["Up: carried out together with Down"] == together


def test_a_contingent_move_is_dropped_when_the_named_move_is_not_played():
    """Step 3: "a move whose contingency names a move not executed this turn is dropped"."""
    sc = scenario(UP + DOWN)
    state, (record,) = play(sc, {"a": [("up", "down")]})
    assert [] == executed(record)
    assert 50 == state.meters["m"]
    dropped = [event_text(sc, e) for e in record.events if e.kind == "contingency"]
    assert ["Up: not carried out, because Bravo did not play “Down” this turn"] == dropped


def test_a_dropped_move_was_not_played():
    """Conditions: "A move counts as played when it executed (a move whose contingency failed was not played)."."""
    sc = scenario(move("up", once="true") + DOWN)
    state, _ = play(sc, {"a": [("up", "down")]})
    assert () == state.history.plays
    assert "up" in [m.id for m in legal_moves(state, "a")]


def test_a_move_contingent_on_several_moves_needs_all_of_them():
    """Step 3: "contingent on one or more public moves of other teams"; the largest set "whose contingencies all hold"."""
    sc = scenario(UP + DOWN + move("c_act", "c"), teams="abc")
    _, (record,) = play(sc, {"a": [("up", "down", "c_act")], "b": ["down"]})
    assert ["down"] == executed(record)
    _, (record,) = play(sc, {"a": [("up", "down", "c_act")], "b": ["down"], "c": ["c_act"]})
    assert ["up", "down", "c_act"] == executed(record)


def test_mutual_contingencies_execute_together():
    """Step 3: "Mutual contingencies therefore execute together: a cycle of contingencies across teams is
    how a synchronized exchange is written, and it executes when every move in it is ordered."
    """
    sc = scenario(UP + DOWN + move("c_act", "c", effects='{ set = ["f"] }'), teams="abc")
    state, (record,) = play(sc, {"a": [("up", "down")], "b": [("down", "c_act")], "c": [("c_act", "up")]})
    assert ["up", "down", "c_act"] == executed(record)
    assert (50, frozenset({"f"})) == (state.meters["m"], state.flags)


def test_a_cycle_with_one_move_not_ordered_executes_none_of_it():
    """Step 3: a cycle "executes when every move in it is ordered"; otherwise "is dropped, repeatedly"."""
    sc = scenario(UP + DOWN + move("c_act", "c"), teams="abc")
    _, (record,) = play(sc, {"a": [("up", "down")], "b": [("down", "c_act")], "c": ["c_wait"]})
    assert ["c_wait"] == executed(record)


def test_dropping_one_move_drops_the_moves_contingent_on_it_in_a_chain():
    """Step 3: "a move whose contingency names a move not executed this turn is dropped, repeatedly,
    until nothing changes."
    """
    sc = scenario(UP + DOWN + move("c_act", "c"), teams="abc")
    # c_act waits for b's "b_wait", which b does not order; down waits for c_act; up waits for down.
    _, (record,) = play(
        sc, {"a": [("up", "down"), "a_wait"], "b": [("down", "c_act")], "c": [("c_act", "b_wait")]}
    )
    assert ["a_wait"] == executed(record)
    assert {"move:up", "move:down", "move:c_act"} == {
        str(e.cause) for e in record.events if e.kind == "contingency"
    }


def test_a_contingency_on_a_move_of_the_teams_own_is_refused():
    """Step 3: "A contingency on a move of the team's own is refused.\""""
    sc = scenario(UP)
    problems = check_order(initial_state(sc, 1), order("a", ("up", "a_wait"), "a_wait"))
    assert [
        "'up' is contingent on 'a_wait', a move of its own team: a contingency names another team's move"
    ] == problems


def test_a_contingency_on_an_unknown_move_is_refused():
    """Step 3: a contingency names "moves of other teams"; a name that is no move is refused."""
    sc = scenario(UP)
    assert ["'up' is contingent on unknown move 'dwon'"] == check_order(initial_state(sc, 1), order("a", ("up", "dwon")))


# -- step 4: moves --------------------------------------------------------------------
def test_moves_resolve_in_the_order_of_the_teams_in_the_file_then_the_order_submitted():
    """Step 4: "The executing moves resolve in the order the teams are listed in the file, each team's
    moves in the order it submitted them."
    """
    sc = scenario(UP + DOWN + move("b_second", "b"), teams="ab")
    state = initial_state(sc, 1)
    by_team = {"b": order("b", "b_second", "down"), "a": order("a", "up")}
    _, record = resolve_turn(state, by_team)
    assert ["up", "b_second", "down"] == executed(record)
    assert ["move:up", "move:b_second", "move:down"] == [c for k, c in kinds(record) if k == "move"]


# -- step 5: rules --------------------------------------------------------------------
def test_every_rule_is_tested_on_the_state_after_the_moves_then_applied_in_file_order():
    """Step 5: "Every rule is tested on the state after step 4; then the effects of the rules that hold
    apply in file order."
    """
    body = (
        UP
        + table("rules", "cool_down", when='"m >= 60"', message='"Too hot: cooled."', effects="{ m = -30 }")
        + table("rules", "alarm", when='"m >= 60"', message='"Alarm."', effects='{ set = ["f"] }')
        + table("rules", "late", when='"f"', message='"Too late to see f this turn."')
    )
    sc = scenario(body)
    state, (record,) = play(sc, {"a": ["up"]})
    assert ["rule:cool_down", "rule:alarm"] == [c for k, c in kinds(record) if k == "rule"]
    assert (30, frozenset({"f"})) == (state.meters["m"], state.flags)
    state, record = resolve_turn(state, orders(sc))
    assert ["rule:late"] == [str(e.cause) for e in record.events if e.kind == "rule"]


def test_a_rule_fires_the_first_time_only_by_default():
    """Rules, `once`: "`true`: fires the first time only" (the default is `true`)."""
    sc = scenario(UP + table("rules", "warm", when='"m > 50"', message='"Warm."', effects="{ hidden = 1 }"))
    state, records = play(sc, {"a": ["up"]}, {"a": ["up"]}, {})
    assert [1, 0, 0] == [sum(e.kind == "rule" for e in r.events) for r in records]
    assert 1 == state.meters["hidden"]


def test_a_rule_with_once_false_fires_every_turn_its_condition_holds():
    """Rules, `once`: "`false`: every turn the condition holds"."""
    sc = scenario(UP + DOWN + table("rules", "warm", when='"m > 50"', message='"Warm."', once="false",
                                    effects="{ hidden = 1 }"))
    state, records = play(sc, {"a": ["up"]}, {}, {"b": ["down"]}, {"a": ["up"]})
    assert [1, 1, 0, 1] == [sum(e.kind == "rule" for e in r.events) for r in records]
    assert 3 == state.meters["hidden"]


def test_a_rule_tells_only_the_teams_named_in_to():
    """Rules, `to`: "who is told" (default: every team)."""
    body = UP + table("rules", "whisper", when='"played(up)"', message='"Only Bravo hears."', to='["b"]')
    sc = scenario(body + table("rules", "shout", when='"played(up)"', message='"All hear."'))
    _, (record,) = play(sc, {"a": ["up"]})
    told_a = [event_text(sc, e) for e in project_events(sc, Audience.of("a"), record.events) if e.kind == "rule"]
    told_b = [event_text(sc, e) for e in project_events(sc, Audience.of("b"), record.events) if e.kind == "rule"]
    assert (["All hear."], ["Only Bravo hears.", "All hear."]) == (told_a, told_b)


# -- step 1: injects ------------------------------------------------------------------
def test_a_scheduled_inject_fires_at_the_start_of_its_turn_and_its_effects_apply():
    """Injects, `turn`: "fires at the start of this turn"; step 1: "their effects apply"."""
    sc = scenario(table("injects", "news", title='"News"', turn="2", effects="{ m = 7 }"))
    state = initial_state(sc, 1)
    assert () == state.pending
    state, _ = resolve_turn(state, orders(sc))
    assert ["inject:news"] == [str(e.cause) for e in state.pending]
    assert 57 == state.meters["m"]
    state, record = resolve_turn(state, orders(sc))
    assert [("inject", "inject:news")] == kinds(record)[:1]
    assert [] == [e for e in state.pending]


def test_a_triggered_inject_fires_at_the_start_of_the_first_turn_on_which_it_holds():
    """Injects, `when`: "fires at the start of the first turn on which it holds"."""
    sc = scenario(UP + table("injects", "alert", title='"Alert"', when='"m >= 60"', effects="{ hidden = 1 }"))
    state, records = play(sc, {}, {"a": ["up"]}, {"a": ["up"]})
    fired_on = [r.turn for r in records if any(str(e.cause) == "inject:alert" for e in r.events)]
    assert [3] == fired_on
    assert 1 == state.meters["hidden"]  # at most once on its own, though it still holds


def test_an_inject_that_holds_at_the_start_fires_on_turn_one():
    """Injects, `when`: "fires at the start of the first turn on which it holds" — turn 1 included."""
    sc = scenario(table("injects", "opening", title='"Opening"', when='"m == 50"'))
    assert ["inject:opening"] == [str(e.cause) for e in initial_state(sc, 1).pending]


@pytest.mark.parametrize("raise_m, fires", [(True, True), (False, False)])
def test_an_inject_with_turn_and_when_fires_on_that_turn_only_if_the_condition_holds(raise_m, fires):
    """Injects: "With `turn` and `when`, it fires on that turn only if the condition holds then.\""""
    sc = scenario(UP + table("injects", "crisis", title='"Crisis"', turn="2", when='"m >= 60"'))
    first = {"a": ["up"]} if raise_m else {}
    later = {"a": ["up"]}
    _, records = play(sc, first, later, later, {})
    fired_on = [r.turn for r in records if any(str(e.cause) == "inject:crisis" for e in r.events)]
    assert ([2] if fires else []) == fired_on


def test_an_inject_with_neither_turn_nor_when_fires_only_by_hand():
    """Injects: "With neither, it fires only when the facilitator fires it by hand.\""""
    sc = scenario(table("injects", "leak", title='"A leak"', effects="{ m = 1 }"))
    state, records = play(sc, {}, {}, {})
    assert not any(e.kind == "inject" for r in records for e in r.events)
    state = fire_inject(state, "leak")
    assert (["inject:leak"], 51) == ([str(e.cause) for e in state.pending], state.meters["m"])
    assert "fired by the facilitator" == event_detail(sc, state.pending[0])


def test_any_inject_may_be_fired_by_hand_as_often_as_the_facilitator_wants():
    """Injects: "Any inject may be fired by hand. An inject fires at most once on its own; by hand, as
    often as the facilitator wants."
    """
    sc = scenario(table("injects", "news", title='"News"', turn="3", effects="{ m = 2 }"))
    state = initial_state(sc, 1)
    for _ in range(3):
        state = fire_inject(state, "news")
    assert 56 == state.meters["m"]
    assert 3 == state.history.fired["news"]


def test_an_inject_fired_by_hand_before_its_turn_does_not_fire_again_on_its_own():
    """Injects: "An inject fired by hand before its turn or condition comes does not fire again on its own.\""""
    body = UP + table("injects", "news", title='"News"', turn="2", effects="{ m = 2 }")
    body += table("injects", "alarm", title='"Alarm"', when='"m >= 60"', effects="{ hidden = 1 }")
    sc = scenario(body)
    state = fire_inject(fire_inject(initial_state(sc, 1), "news"), "alarm")
    for _ in range(3):
        state, _record = resolve_turn(state, orders(sc, a=["up"]))
    assert (1, 82) == (state.meters["hidden"], state.meters["m"])
    assert 2 == sum(e.kind == "inject" for r in state.records for e in r.events)


def test_an_inject_reaches_only_the_teams_in_to():
    """Injects, `to`: "who receives it"."""
    sc = scenario(table("injects", "memo", title='"Memo for Alpha"', turn="1", to='["a"]'))
    state = fire_inject(initial_state(sc, 1), title="Ad hoc for Bravo", to=frozenset({"b"}))
    events = list(state.pending)
    assert ["Memo for Alpha"] == [event_text(sc, e) for e in project_events(sc, Audience.of("a"), events)]
    assert ["Ad hoc for Bravo"] == [event_text(sc, e) for e in project_events(sc, Audience.of("b"), events)]


def test_scheduled_and_triggered_injects_of_a_turn_fire_in_file_order():
    """Step 1: "scheduled injects for this turn and triggered injects whose condition now holds fire in file order"."""
    body = table("injects", "first", title='"First"', when='"turn == 2"', effects="{ m = 10 }")
    body += table("injects", "second", title='"Second"', turn="2", effects='{ set = ["f"] }')
    body += table("injects", "third", title='"Third"', when='"m >= 60"')
    sc = scenario(body)
    state, _ = play(sc, {})
    assert ["inject:first", "inject:second", "inject:third"] == [str(e.cause) for e in state.pending]


# -- step 6: outcomes -----------------------------------------------------------------
def test_outcomes_are_checked_in_file_order_and_the_first_that_holds_ends_the_exercise():
    """Outcomes: "Outcomes are checked after every turn in file order; the first whose condition holds
    ends the exercise."
    """
    body = UP + table("outcomes", "boil", title='"Boil"', text='"Hot."', when='"m >= 60"')
    body += table("outcomes", "warm", title='"Warm"', text='"Warm."', when='"m >= 55"')
    sc = scenario(body)
    state, (record,) = play(sc, {"a": ["up"]})
    assert ("boil", "boil", 1) == (state.outcome, record.outcome, state.turn)
    assert ("outcome", "outcome:boil") == kinds(record)[-1]
    assert [] == list(legal_moves(state, "a"))
    with pytest.raises(IllegalOrder):
        resolve_turn(state, orders(sc))


def test_at_end_outcomes_are_checked_only_after_the_last_turn():
    """Outcomes: "After the last turn, the `at_end` outcomes are checked too." (`at_end`: "checked only
    after the last turn").
    """
    sc = scenario(turns=3)
    state, records = play(sc, {}, {})
    assert (None, [None, None]) == (state.outcome, [r.outcome for r in records])
    state, _record = resolve_turn(state, orders(sc))
    assert ("time_up", 3) == (state.outcome, state.turn)


def test_after_the_last_turn_at_end_and_other_outcomes_are_checked_together_in_file_order():
    """Step 6: "Outcomes are checked in file order (after the last turn, `at_end` ones too); the first
    that holds ends the exercise."
    """
    body = table("outcomes", "quiet", title='"Quiet"', text='"Quiet."', when='"m == 50"')
    sc = scenario(body, turns=1)
    state, _ = play(sc, {})
    assert "time_up" == state.outcome  # time_up comes first in the file


# -- causes, determinism ----------------------------------------------------------------
def test_every_change_carries_its_cause():
    """"Every change records its cause (a move, a rule, an inject, or the facilitator)"."""
    body = UP + table("rules", "warm", when='"m > 50"', message='"Warm."', effects="{ hidden = 1 }")
    body += table("injects", "news", title='"News"', turn="2", effects='{ set = ["f"] }')
    sc = scenario(body)
    state, _ = play(sc, {"a": ["up"]})
    state = override(state, "m", 20, "adjudicated")
    state, _ = resolve_turn(state, orders(sc))
    causes = [(str(e.cause), [c.id for c in e.changes]) for r in state.records for e in r.events if e.changes]
    assert [
        ("move:up", ["m"]),
        ("rule:warm", ["hidden"]),
        ("inject:news", ["f"]),
        ("facilitator", ["m"]),
    ] == causes


def test_the_same_scenario_orders_and_seed_give_identical_records():
    """"the same scenario, orders and seed always give the same result"."""
    body = move("gamble", chance="0.5", success="{ m = 5 }", failure="{ m = -5 }")
    body += move("gamble_b", "b", chance="0.3", success='{ set = ["f", "g"] }')
    body += table("rules", "r", when='"m > 50"', message='"Up."', once="false", effects="{ hidden = 1 }")
    sc = scenario(body)
    turns = [{"a": ["gamble"], "b": ["gamble_b"]}] * 4
    first, first_records = play(sc, *turns, seed=11)
    second, second_records = play(sc, *turns, seed=11)
    assert first_records == second_records
    assert (dict(first.meters), first.flags) == (dict(second.meters), second.flags)


_RECORD_IN_A_FRESH_PROCESS = """
import json, sys
sys.path.insert(0, {tests!r})
from helpers import move, play, scenario
sc = scenario(move("sweep", effects='{{ set = ["f", "g"], m = 1 }}')
              + move("unsweep", "b", effects='{{ clear = ["f", "g"] }}'))
_, records = play(sc, {{"a": ["sweep"]}}, {{"b": ["unsweep"]}}, seed=3)
print(json.dumps([[str(e.cause), [[c.id, c.before, c.after] for c in e.changes]] for r in records for e in r.events]))
"""


def test_the_same_scenario_orders_and_seed_give_identical_records_in_another_process():
    """"the same scenario, orders and seed always give the same result" — across processes too."""
    code = _RECORD_IN_A_FRESH_PROCESS.format(tests=str(ROOT / "tests"))
    outputs = set()
    for hash_seed in ("1", "2", "3", "4", "5", "6"):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
            env={"PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin"},
        )
        outputs.add(result.stdout)
    assert 1 == len(outputs)


# -- the facilitator ----------------------------------------------------------------------
def test_the_facilitator_ends_the_exercise_with_one_of_its_outcomes():
    """Journals, `end`: "the facilitator ends the exercise" with "`reason`, `outcome` (or null)"; nothing
    more is played after it.
    """
    sc = scenario(UP)
    state = end_exercise(initial_state(sc, 1), "out of time", "time_up")
    assert "time_up" == state.outcome
    assert [("outcome", "facilitator", "out of time")] == [(e.kind, str(e.cause), e.reason) for e in state.pending]
    assert ["the exercise is over"] == check_order(state, order("a", "up"))
    with pytest.raises(IllegalOrder):
        resolve_turn(state, orders(sc))


def test_the_facilitator_may_end_the_exercise_without_an_outcome_but_not_twice():
    """Journals, `end`: "the facilitator ends the exercise" with "`reason`, `outcome` (or null)"."""
    sc = scenario()
    state = end_exercise(initial_state(sc, 1), "fire alarm")
    assert ENDED_BY_FACILITATOR == state.outcome
    with pytest.raises(ValueError, match="already over"):
        end_exercise(state, "again")
    with pytest.raises(ValueError, match="no outcome named 'victory'"):
        end_exercise(initial_state(sc, 1), "why", "victory")


def test_a_facilitator_override_is_clamped_and_caused_by_the_facilitator():
    """"Every change records its cause (... or the facilitator)"; meters "never leave" their bounds."""
    sc = scenario()
    state = override(initial_state(sc, 1), "m", 250, "adjudication")
    state = override(state, "f", True, "ruled so")
    assert (100, frozenset({"f"})) == (state.meters["m"], state.flags)
    assert [("facilitator", "adjudication"), ("facilitator", "ruled so")] == [(str(e.cause), e.reason) for e in state.pending]
    with pytest.raises(ValueError):
        override(state, "m", "high", "wrong kind")
    with pytest.raises(ValueError):
        override(state, "f", 1, "wrong kind")


# -- what teams see, and the score --------------------------------------------------------
def test_a_meter_with_visible_to_is_seen_only_by_those_teams():
    """Meters, `visible_to`: "who sees the meter"."""
    sc = scenario()
    state = initial_state(sc, 1)
    assert ({"m", "hidden"}, {"m"}) == (set(view(state, "a").meters), set(view(state, "b").meters))



def test_undisclosed_changes_of_a_turn_come_as_one_development_after_the_others_in_deltas_only():
    """Who sees what: "Something an audience may not see, but which moved a meter or fact it can see, is
    shown to it as "an undisclosed development" with only those changes"; one per turn, placed after
    the turn's other events, so that its place cannot tell whose it was."""
    sc = scenario(move("bribe", secret="true", effects="{ m = 5 }") + move("tip", "b", secret="true",
                                                                          effects="{ m = 2 }")
                  + move("shout", "c", effects="{ m = 1 }"), teams="abc")
    _, (record,) = play(sc, {"a": ["bribe"], "b": ["tip"], "c": ["shout"]})
    seen = project_events(sc, Audience.of("c"), record.events)
    assert ["move", "hidden"] == [e.kind for e in seen]
    assert [("m", None, 1)] == [(c.id, c.before, c.amount) for c in seen[0].changes]
    assert [("m", 7)] == [(c.id, c.amount) for c in seen[1].changes]


def test_a_change_to_a_meter_a_team_cannot_see_is_not_shown_to_it():
    """Meters, `visible_to`: "who sees the meter"."""
    sc = scenario(move("poke", "b", effects="{ hidden = 3, m = 1 }"))
    state, (record,) = play(sc, {"b": ["poke"]})
    state = override(state, "hidden", 9, "adjudicated")
    seen_by_b = project_events(sc, Audience.of("b"), list(record.events) + list(state.pending))
    assert ["m"] == [c.id for e in seen_by_b for c in e.changes]


def test_an_override_cannot_put_a_meter_outside_its_bounds_even_with_nan():
    """Meters: "a meter never leaves them (changes are clamped)"."""
    sc = scenario()
    try:
        state = override(initial_state(sc, 1), "m", float("nan"), "typed nan")
    except ValueError:
        return
    assert 0 <= state.meters["m"] <= 100

def test_a_teams_score_is_the_points_of_its_met_objectives_over_all_its_points():
    """"A team's score is the points of its met objectives over the points of all its objectives.\""""
    text = """
[[teams]]
id = "scored"
name = "Scored"
moves_per_turn = 0

[[teams.objectives]]
id = "hot"
text = "Make it hot"
when = "m >= 60"
points = 3

[[teams.objectives]]
id = "flagged"
text = "Set f"
when = "f"
"""
    sc = scenario(UP + text)
    state, _ = play(sc, {"a": ["up"]})
    result = score(state, "scored")
    assert (3, 4, (("hot", True), ("flagged", False))) == (result.points, result.total, result.met)
    assert 0.75 == result.fraction


def test_every_test_here_quotes_the_format_reference():
    """STYLE.md: "one test per rule case, its docstring quoting the documented rule"."""
    import ast
    import re

    reference = " ".join((ROOT / "scenarios" / "README.md").read_text().split())
    missing = []
    for node in ast.parse(Path(__file__).read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and node.name != "test_every_test_here_quotes_the_format_reference":
            doc = " ".join((ast.get_docstring(node) or "").split())
            quotes = re.findall(r'"([^"]{8,}?)"', doc)
            parts = [p.strip() for q in quotes for p in re.split(r"\.\.\.|…", q) if p.strip()]
            if not parts or any(p not in reference for p in parts):
                missing.append(node.name)
    assert [] == missing
