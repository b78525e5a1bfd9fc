"""Every bundled scenario played to the end by seeded random players, invariants checked each turn."""

from __future__ import annotations

import random

import pytest

from conftest import MINI
from exercise.bots import RandomPlayer, bot_rng
from exercise.bundled import bundled_scenarios
from exercise.engine import IllegalOrder, Order, OrderedMove, legal_moves, load_scenario, view
from exercise.session import Session

GAMES = 40


def scenario_paths():
    return [*bundled_scenarios(), MINI]


def assert_invariants(scenario, state) -> None:
    for meter in scenario.meters:
        value = state.meters[meter.id]
        assert meter.min <= value <= meter.max, f"{meter.id}={value} outside {meter.min}..{meter.max}"
    assert set(state.meters) == {m.id for m in scenario.meters}
    assert state.flags <= {f.id for f in scenario.flags}
    assert 1 <= state.turn <= scenario.turns


@pytest.mark.parametrize("path", scenario_paths(), ids=lambda p: p.stem)
def test_random_players_play_every_scenario_to_an_ending_within_the_rules(path, tmp_path):
    scenario = load_scenario(path)
    outcomes = set()
    for seed in range(GAMES):
        journal = tmp_path / f"{seed}.jsonl"
        session = Session.start(scenario, seed, journal)
        bot = RandomPlayer(scenario)
        probe = random.Random(seed)
        while session.state.outcome is None:
            state = session.state
            assert_invariants(scenario, state)
            legal_now = {t.id: {m.id for m in legal_moves(state, t.id)} for t in scenario.teams}
            # No illegal move is ever accepted.
            illegal = [m for m in scenario.moves if m.id not in legal_now[m.team]]
            if illegal:
                move = probe.choice(illegal)
                with pytest.raises(IllegalOrder):
                    session.submit(Order(move.team, (OrderedMove(move.id),)))
            for team in scenario.teams:
                order = bot.choose(view(state, team.id), bot_rng(seed, team.id, state.turn))
                session.submit(order)
            record = session.resolve()
            for move_id in record.executed:
                assert move_id in legal_now[scenario.move_index[move_id].team]
            assert record.turn <= scenario.turns
        assert_invariants(scenario, session.state)
        outcomes.add(session.state.outcome)
        # The journal replays to the same state.
        replayed = Session.resume(journal)
        assert session.state.meters == replayed.state.meters
        assert session.state.flags == replayed.state.flags
        assert session.state.outcome == replayed.state.outcome
        assert session.state.records == replayed.state.records
    assert outcomes <= {o.id for o in scenario.outcomes}
