"""A quiet turn (`resolve_turn(..., quiet=True)`, for a computer player's what-if play) reaches
the same state as the real turn: only its events are left out."""

from __future__ import annotations

import pytest

from conftest import MINI
from exercise.bots import RandomPlayer, bot_rng
from exercise.bundled import bundled_scenarios
from exercise.engine import load_scenario, resolve_turn, view
from exercise.engine.state import initial_state

UNCERTAINTY = MINI.parent / "uncertainty.toml"  # estimates, clocks, hidden draws, chances


def _same(loud, quiet) -> None:
    for name in ("turn", "flags", "history", "outcome", "awaiting", "due", "clocks"):
        assert getattr(loud, name) == getattr(quiet, name), name
    for name in ("meters", "values"):
        a, b = dict(getattr(loud, name)), dict(getattr(quiet, name))
        assert a == b, name
        assert {k: type(v) for k, v in a.items()} == {k: type(v) for k, v in b.items()}, name
    shape = [(r.turn, dict(r.meters_before), dict(r.meters_after), r.executed, r.outcome) for r in loud.records]
    assert shape == [(r.turn, dict(r.meters_before), dict(r.meters_after), r.executed, r.outcome)
                     for r in quiet.records]
    assert not quiet.pending and all(not r.events for r in quiet.records[len(loud.records) - 1:])


@pytest.mark.parametrize("path", [*bundled_scenarios(), MINI, UNCERTAINTY], ids=lambda p: p.stem)
def test_a_quiet_game_is_the_real_game_without_its_events(path):
    scenario = load_scenario(path)
    bot = RandomPlayer(scenario)
    turns = 0
    for seed in range(25):
        loud = quiet = initial_state(scenario, seed)
        while loud.outcome is None:
            orders = {t.id: bot.choose(view(loud, t.id, False), bot_rng(seed, t.id, loud.turn)) for t in scenario.teams}
            # one quiet turn from the real state, and a whole quiet game alongside the real one
            _same(resolve_turn(loud, orders)[0], resolve_turn(loud, orders, quiet=True)[0])
            loud, _ = resolve_turn(loud, orders)
            quiet, _ = resolve_turn(quiet, orders, quiet=True)
            _same(loud, quiet)
            turns += 1
    assert turns > 50
