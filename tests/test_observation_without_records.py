"""A team's observation without its projected records (what a doctrine player is given) says
exactly what the whole observation says of the present and of what the team was told.

The set of rules and injects a team was told of is worked out without projecting the records;
it must be the set the projection gives, or a computer player would know what its team may not.
"""

from __future__ import annotations

import pytest

from conftest import MINI
from exercise.bundled import bundled_scenarios
from exercise.engine import load_scenario
from exercise.engine.audience import view
from exercise.engine.state import initial_state
from exercise.play import computers, play_turn

FIXTURES = MINI.parent
PATHS = [*bundled_scenarios(), MINI, FIXTURES / "uncertainty.toml", FIXTURES / "leaky.toml"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_a_team_is_told_the_same_with_or_without_its_projected_records(path):
    scenario = load_scenario(path)
    compared = told = 0
    for seed in range(15):
        level = "doctrine" if seed % 5 == 0 else "random"
        players = computers(scenario, {t.id: level for t in scenario.teams})
        state = initial_state(scenario, seed)
        while True:
            for team in scenario.teams:
                whole, lean = view(state, team.id), view(state, team.id, records=False)
                assert lean.told == whole.told
                assert (lean.plays, lean.meters, lean.flags, lean.values, lean.legal, lean.turn, lean.outcome) == (
                    whole.plays, whole.meters, whole.flags, whole.values, whole.legal, whole.turn, whole.outcome)
                assert lean.records == () and lean.pending == ()
                compared += 1
                told += len(whole.told)
            if state.outcome is not None:
                break
            state, _ = play_turn(state, players, seed)
    assert compared > 100 and told > 0
