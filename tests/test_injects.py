"""Injects with a sender and an expected action: done, or missed with a contingency inject."""

from __future__ import annotations

import pytest
from helpers import move, play, scenario

from exercise.engine import Audience, ScenarioError, fire_inject, initial_state, project_events
from exercise.render import event_line

EXPECTING = move("answer", "a", effects="{ m = 1 }") + move("hush", "b", secret="true") + '''
[[injects]]
id = "demand"
title = "The Council demands an answer"
from = "the UN Security Council"
turn = 1
expected_action = { text = "Alpha answers the Council", when = "played(answer)", within = 2, team = "a", if_missed = "sanction" }

[[injects]]
id = "sanction"
title = "The Council imposes sanctions"
effects = { m = -10 }
'''


def expectations(records):
    return [(r.turn, e.success) for r in records for e in r.events if e.kind == "expectation"]


def test_an_expected_action_done_in_time_is_met_and_nothing_follows():
    sc = scenario(EXPECTING)
    state, records = play(sc, {}, {"a": ["answer"]}, {})
    assert [(2, True)] == expectations(records)
    assert "sanction" not in state.history.fired


def test_an_expected_action_missed_at_its_deadline_brings_the_contingency_inject_next_turn():
    sc = scenario(EXPECTING)
    state, records = play(sc, {}, {})
    assert [(2, False)] == expectations(records)
    assert ["inject:sanction"] == [str(e.cause) for e in state.pending]
    assert 40 == state.meters["m"]
    line = event_line(sc, state.pending[0])
    assert "because Alpha did not act in time: Alpha answers the Council" in line
    first = event_line(sc, records[0].events[0])
    assert first.startswith("Inject from the UN Security Council: The Council demands an answer.")
    assert "Alpha is expected to act within 2 turns: Alpha answers the Council." in first


def test_an_expected_action_starts_when_the_facilitator_fires_the_inject_by_hand():
    sc = scenario(EXPECTING.replace("turn = 1\nexpected", "expected"))
    state = fire_inject(initial_state(sc, 1), "demand")
    assert (("demand", 2),) == state.awaiting


def test_whether_an_expected_secret_move_was_played_stays_with_its_team():
    sc = scenario(EXPECTING.replace('when = "played(answer)"', 'when = "played(hush)"'), teams="abc")
    _, records = play(sc, {}, {"b": ["hush"]})
    for team, seen in (("b", True), ("c", False)):
        events = [e for r in records for e in project_events(sc, Audience.of(team), r.events)]
        assert seen == any(e.kind == "expectation" for e in events), team


@pytest.mark.parametrize("change, code", [
    (('if_missed = "sanction"', 'if_missed = "sanctoin"'), "E301"),
    (('within = 2', 'within = 0'), "E204"),
    (('if_missed = "sanction"', 'if_missed = "demand"'), "E204"),
    (('team = "a"', 'team = "z"'), "E301"),
])
def test_a_mistake_in_an_expected_action_is_reported_with_its_code(change, code):
    with pytest.raises(ScenarioError) as info:
        scenario(EXPECTING.replace(*change))
    assert code in [p.code for p in info.value.problems], [p.message for p in info.value.problems]
