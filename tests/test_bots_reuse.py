"""Computer players reuse work within a decision, never across decisions: what a player works
out about the states it meets (resolutions, values, follow-ups, the others' likely orders) is
kept by the state's identity for one decision and dropped with it."""

from __future__ import annotations

import pytest

from conftest import FLAGSHIP
from exercise.bots import bot_rng, make_player, team_value
from exercise.engine import initial_state, load_scenario, override, score, view
from exercise.play import play_turn


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(FLAGSHIP)


def answer(order) -> tuple:
    return tuple(order.moves), tuple(part.text for part in order.reason)


@pytest.mark.parametrize("level", ["doctrine", "lookahead"])
def test_a_player_asked_on_two_observations_of_the_same_turn_answers_each_as_a_new_player_would(flagship, level):
    """The same turn seen two ways (with and without Washington's security guarantee): one player
    asked on each in turn, and back again, gives the answers of a new player asked on each."""
    team = "pyongyang"
    state = initial_state(flagship, 3)
    seen = [view(state, team), view(override(state, "security_guarantee_given", True, "test"), team)]

    def ask(player, observation):
        return answer(player.choose(observation, bot_rng(1, team, observation.turn)))

    fresh = [ask(make_player(level, flagship, team), observation) for observation in seen]
    assert fresh[0] != fresh[1], "the two observations should call for different orders"
    player = make_player(level, flagship, team)
    assert [fresh[0], fresh[1], fresh[0]] == [ask(player, seen[0]), ask(player, seen[1]), ask(player, seen[0])]


def test_a_lookahead_player_answers_a_later_turn_as_a_new_player_would(flagship):
    """A lookahead player keeps its picture of the other teams between decisions, and nothing
    else: on the next turn of a game it chooses as a player made for that turn does."""
    team = "washington"
    player = make_player("lookahead", flagship, team)
    state = initial_state(flagship, 5)
    computers = {t.id: make_player("doctrine", flagship, t.id) for t in flagship.teams}
    for _ in range(3):
        if state.outcome is not None:
            break
        observation = view(state, team)
        expected = answer(make_player("lookahead", flagship, team).choose(observation, bot_rng(5, team, state.turn)))
        assert expected == answer(player.choose(observation, bot_rng(5, team, state.turn)))
        state, _ = play_turn(state, computers, 5)


def test_a_doctrine_values_objectives_by_the_engines_score(flagship):
    """`team_value` counts the team's objectives as the engine scores them (it works the fraction
    out itself, for speed): the same value as with `score(state, team).fraction`, turn by turn."""
    state = initial_state(flagship, 7)
    computers = {t.id: make_player("random", flagship, t.id) for t in flagship.teams}
    while state.outcome is None:
        for team in flagship.teams:
            doctrine = team.doctrine
            expected = sum(weight * state.meters[m] for m, weight in doctrine.values)
            expected += sum(v for f, v in doctrine.flag_values if f in state.flags)
            if doctrine.objectives and team.objectives:
                expected += doctrine.objectives * score(state, team.id).fraction
            assert expected == team_value(state, team.id)
        state, _ = play_turn(state, computers, 7)
