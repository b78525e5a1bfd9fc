"""Computer players: legal, repeatable, true to each team's doctrine, and better when looking ahead."""

from __future__ import annotations

import statistics

import pytest

from conftest import FIXTURES, FLAGSHIP, MINI
from exercise.bots import LEVELS, bot_rng, make_player
from exercise.bundled import bundled_scenarios
from exercise.engine import (
    Order,
    OrderedMove,
    initial_state,
    legal_moves,
    load_scenario,
    override,
    resolve_turn,
    score,
    view,
)


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(FLAGSHIP)


def play(scenario, seed: int, levels: dict[str, str], check=None):
    """A whole game; `check(state, orders)` sees every turn's state and orders before resolution."""
    players = {t.id: make_player(levels.get(t.id, "random"), scenario, t.id) for t in scenario.teams}
    state = initial_state(scenario, seed)
    records = []
    while state.outcome is None:
        orders = {t: p.choose(view(state, t), bot_rng(seed, t, state.turn)) for t, p in players.items()}
        if check is not None:
            check(state, orders)
        state, record = resolve_turn(state, orders)
        records.append(record)
    return state, records


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("path", [*bundled_scenarios(), MINI], ids=lambda p: getattr(p, "stem", p))
def test_every_level_only_ever_orders_legal_moves(path, level):
    scenario = load_scenario(path)
    games = 3 if level == "lookahead" else 12

    def check(state, orders):
        for team, order in orders.items():
            legal = {m.id for m in legal_moves(state, team)}
            assert {om.move for om in order.moves} <= legal
            assert len(order.moves) <= scenario.team_index[team].moves_per_turn
            assert order.reason, f"{team} gave no reason"

    for seed in range(games):
        play(scenario, seed, {t.id: level for t in scenario.teams}, check)


@pytest.mark.parametrize("level", ["doctrine", "lookahead"])
def test_the_same_seed_gives_the_same_choices(flagship, level):
    levels = {t.id: level for t in flagship.teams}
    first, _ = play(flagship, 5, levels)
    second, _ = play(flagship, 5, levels)
    assert first.records == second.records


def test_a_computer_player_sees_only_its_own_teams_view(flagship):
    """Seoul cannot see the ICBM estimate: changing it must not change Seoul's choice."""
    state = initial_state(flagship, 1)
    hidden = override(state, "icbm_progress", 95, "test")
    for level in ("doctrine", "lookahead"):
        player = make_player(level, flagship, "seoul")
        assert player.choose(view(state, "seoul"), bot_rng(1, "seoul", 1)) == \
            player.choose(view(hidden, "seoul"), bot_rng(1, "seoul", 1))


def doctrine_games(flagship, team: str, games: int = 25):
    """Games where `team` follows its doctrine and everyone else plays at random."""
    seen = []

    def check(state, orders):
        seen.append((state, orders[team]))

    for seed in range(games):
        play(flagship, seed, {team: "doctrine"}, check)
    return seen


def test_washington_never_eases_sanctions_before_a_verified_step_unless_in_step_with_one(flagship):
    """Doctrine: "no sanctions relief before any verified step" (red line); "sanctions relief only as
    inspectors go in" (sequencing): before a verified step, relief is offered only contingent on one."""
    relief = {m.id for m in flagship.moves if "relief" in m.tags and m.team == "washington"}
    offered = 0
    for state, order in doctrine_games(flagship, "washington"):
        if "verified_step" not in state.history.count:
            for om in order.moves:
                if om.move in relief:
                    offered += 1
                    assert om.contingent_on and all(
                        "verified_step" in flagship.move_index[c].tags for c in om.contingent_on), om
    assert offered, "Washington never offered relief for inspectors"


def test_washington_offers_corresponding_measures_only_in_step_with_a_step_by_pyongyang(flagship):
    """Doctrine: 'a corresponding measure only in step with a step by Pyongyang' (the declaration
    or a verified step)."""
    offered = 0
    for state, order in doctrine_games(flagship, "washington"):
        for om in order.moves:
            move = flagship.move_index[om.move]
            if "corresponding_measure" in move.tags and "declaration" not in state.history.count:
                offered += 1
                assert om.contingent_on, f"{om.move} offered with no condition"
                assert all({"verified_step", "declaration"} & set(flagship.move_index[c].tags)
                           for c in om.contingent_on)
    assert offered, "Washington never offered a corresponding measure"


def test_pyongyang_never_dismantles_before_peace_guarantees_and_relief(flagship):
    """Doctrine: 'it will in no way disarm first'."""
    for state, order in doctrine_games(flagship, "pyongyang"):
        if "dprk_begin_dismantlement" in {om.move for om in order.moves}:
            assert {"peace_declared", "security_guarantee_given", "sanctions_eased"} <= state.flags


def test_pyongyang_declares_its_inventory_only_with_or_after_the_peace_declaration(flagship):
    """Doctrine: 'the peace declaration must come first, or at the same time'."""
    declared = 0
    for state, order in doctrine_games(flagship, "pyongyang"):
        for om in order.moves:
            if om.move == "dprk_declare_inventory":
                declared += 1
                if "us_peace_declaration" not in state.history.count:
                    assert ("us_peace_declaration",) == om.contingent_on
    assert declared


def test_seoul_puts_inter_korean_steps_first(flagship):
    """Doctrine: 'Inter-Korean rapprochement first'."""
    first_turn = [order for state, order in doctrine_games(flagship, "seoul") if state.turn == 1]
    for order in first_turn:
        assert order.moves
        assert all("inter_korean" in flagship.move_index[om.move].tags for om in order.moves)


def test_beijing_backs_phased_steps_and_presses_pyongyang_only_in_a_crisis(flagship):
    """Doctrine: backs 'phased, synchronized steps'; presses Pyongyang only when a crisis threatens."""
    backed = False
    for state, order in doctrine_games(flagship, "beijing"):
        moves = {om.move for om in order.moves}
        backed |= "prc_back_phased" in moves
        if "prc_press_pyongyang" in moves:
            assert state.meters["tension"] >= 70
    assert backed


def test_two_doctrines_make_a_synchronized_exchange_by_mutual_contingencies(flagship):
    """Washington and Pyongyang each offer their step contingent on the other's: both execute."""
    _, records = play(flagship, 3, {"washington": "doctrine", "pyongyang": "doctrine"})
    first = records[0]
    assert {"us_peace_declaration", "dprk_declare_inventory"} <= set(first.executed)
    assert any(str(e.cause) == "rule:synchronized_exchange" for e in first.events)


def test_every_computer_choice_carries_a_reason_in_plain_words(flagship):
    _, records = play(flagship, 2, {t.id: "doctrine" for t in flagship.teams})
    for record in records:
        for order in record.orders.values():
            assert order.reason and "_" not in order.reason[0].text.split(":")[0]


def opening_games(games: int = 5):
    """The opening fixture played by doctrine players: what each team ordered, turn by turn."""
    scenario = load_scenario(FIXTURES / "opening.toml")
    return [play(scenario, seed, {t.id: "doctrine" for t in scenario.teams})[1] for seed in range(games)]


def test_a_doctrine_plays_the_move_that_opens_a_better_one_the_turn_before_it():
    """Reference, doctrine: "a move is also worth, at half weight, the best move the team would
    play next turn that it could not play before": talks opened on turn 1, reactors offered on 2."""
    for records in opening_games():
        west = [tuple(om.move for om in r.orders["west"].moves) for r in records]
        assert [("open_talks",), ("offer_reactors",), (), ()] == west
        assert "opens “Offer reactors” for next turn" in records[0].orders["west"].reason[0].text


def test_a_doctrine_plays_the_move_whose_rule_fires_a_turn_later():
    """Reference, doctrine: the next resolution, with every team passing, counts at half weight:
    a rule that fires a turn after the move (the traders arrive) makes the move worth playing."""
    for records in opening_games():
        east = [tuple(om.move for om in r.orders["east"].moves) for r in records]
        assert [("invite_traders",), (), (), ()] == east
        assert "next turn it raises Trade" in records[0].orders["east"].reason[0].text
        assert any(str(e.cause) == "rule:traders_arrive" for e in records[1].events)


def test_lookahead_scores_better_than_random_on_its_own_objectives_for_every_team(flagship):
    """The direction of bench_bots.py's table, on fewer games."""
    games = 12
    for team in flagship.teams:
        base = {t.id: "random" for t in flagship.teams}
        rand = statistics.mean(score(play(flagship, s, base)[0], team.id).fraction for s in range(games))
        look = statistics.mean(
            score(play(flagship, s, {**base, team.id: "lookahead"})[0], team.id).fraction for s in range(games)
        )
        assert look > rand, f"{team.name}: lookahead {look:.3f} vs random {rand:.3f}"


def test_an_unknown_level_is_refused(flagship):
    with pytest.raises(ValueError, match="unknown level 'clever'"):
        make_player("clever", flagship, "seoul")


def test_a_contingent_offer_from_a_bot_is_an_ordinary_order(flagship):
    player = make_player("doctrine", flagship, "pyongyang")
    order = player.choose(view(initial_state(flagship, 1), "pyongyang"), bot_rng(1, "pyongyang", 1))
    assert isinstance(order, Order)
    assert all(isinstance(om, OrderedMove) for om in order.moves)
