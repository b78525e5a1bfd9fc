"""The one headless loop: a turn played by any mix of controllers (computer players, scripts, people).

A controller chooses an order from its team's observation and its own random stream;
`ttx run`, `ttx simulate`, reports, the authoring screen and the turn screen all play
computer turns through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from exercise.bots import bot_rng, make_player
from exercise.engine.audience import Observation, legal_view, view
from exercise.engine.model import Scenario
from exercise.engine.state import Order, State, TurnRecord, resolve_turn
from exercise.entries import is_computer, level_of


class Controller(Protocol):
    def choose(self, observation: Observation, rng) -> Order: ...


class Scripted:
    """Orders from a script for the turns it names; another controller for the rest."""

    name = "scripted"

    def __init__(self, script: Mapping[int, Order], fallback: Controller) -> None:
        self.script = script
        self.fallback = fallback

    def choose(self, observation: Observation, rng) -> Order:
        order = self.script.get(observation.turn)
        return order if order is not None else self.fallback.choose(observation, rng)


class Passer:
    """Passes every turn: the strategy of doing nothing."""

    name = "pass"

    def choose(self, observation: Observation, rng) -> Order:
        return Order(observation.team or "")


def computers(scenario: Scenario, levels: Mapping[str, str]) -> dict[str, Controller]:
    """A computer player for each team named, at its level (`doctrine`, or `computer:doctrine`)."""
    return {team: make_player(level_of(level) if ":" in level else level, scenario, team)
            for team, level in levels.items()}


def controllers_for(scenario: Scenario, players: Mapping[str, str]) -> dict[str, Controller]:
    """The computer controllers of a session's teams; teams of people have none."""
    return {team: make_player(level_of(player), scenario, team)
            for team, player in players.items() if is_computer(player)}


def choose(state: State, team: str, controller: Controller, seed: int) -> Order:
    """A controller's order for one team: its observation and its own stream, never the state or seed."""
    if getattr(controller, "observes_legal_only", False):  # a random player picks among the legal moves
        observation = legal_view(state, team)
    else:
        observation = view(state, team, getattr(controller, "observes_history", True),
                           getattr(controller, "observes_records", True))
    return controller.choose(observation, bot_rng(seed, team, state.turn))


def play_turn(state: State, controllers: Mapping[str, Controller], seed: int,
              orders: Mapping[str, Order] | None = None, *, quiet: bool = False) -> tuple[State, TurnRecord]:
    """Resolve the current turn: given orders first, each remaining team's from its controller
    (`quiet`: resolved without events, for a game only counted, see `resolve_turn`)."""
    chosen = dict(orders or {})
    for team, controller in controllers.items():
        if team not in chosen:
            chosen[team] = choose(state, team, controller, seed)
    return resolve_turn(state, chosen, quiet=quiet)


def play_out(state: State, controllers: Mapping[str, Controller], seed: int, *, quiet: bool = False) -> State:
    """Play every remaining turn with these controllers (one for every team); `quiet`, as in `play_turn`."""
    while state.outcome is None:
        state, _ = play_turn(state, controllers, seed, quiet=quiet)
    return state


def session_turn(session, controllers: Mapping[str, Controller]) -> TurnRecord:
    """Submit each waiting team's order from its controller, journaled, then resolve the turn."""
    for team in session.waiting_for():
        controller = controllers.get(team)
        if controller is not None:
            session.submit(choose(session.state, team, controller, session.seed))
    return session.resolve()
