"""The legal-random computer player: any legal order, sometimes with a contingency."""

from __future__ import annotations

import random
import zlib

from exercise.engine.model import Scenario
from exercise.engine.audience import Observation
from exercise.engine.state import Order, OrderedMove, ReasonPart


def bot_rng(seed: int, team: str, turn: int) -> random.Random:
    """A player's generator for one turn, independent of every other player's."""
    # An integer seed from a stable checksum: seeding from a string hashes it with SHA-512,
    # which costs more than a whole computer decision.
    return random.Random(zlib.crc32(f"ttx-bot/{seed}/{team}/{turn}".encode()) ^ (seed << 32))


class RandomPlayer:
    """Picks between zero and `moves_per_turn` legal moves at random.

    One move in five is made contingent on a random public move of another team, so that
    random play also exercises synchronized and failed contingencies.
    """

    name = "random"
    observes_history = False  # it picks among the legal moves: the past tells it nothing
    observes_legal_only = True  # nor do the meters and facts: it is handed the legal moves alone

    def __init__(self, scenario: Scenario, contingency_rate: float = 0.2) -> None:
        self.scenario = scenario
        self.contingency_rate = contingency_rate
        # Each team's list is made when the team first plays: a player made for one team of many
        # would otherwise build every team's list, teams × moves of them before the first turn.
        self._others: dict[str, list[str]] = {}
        self._reasons: dict[str, ReasonPart] = {}  # the same words for a move every time it is picked

    def others(self, team: str) -> list[str]:
        """The public moves of the other teams, which a move of `team` may be contingent on."""
        found = self._others.get(team)
        if found is None:
            found = self._others[team] = [m.id for m in self.scenario.moves if m.team != team and not m.secret]
        return found

    def choose(self, view: Observation, rng: random.Random) -> Order:
        team_id = view.team
        legal = view.legal
        k = rng.randint(0, min(self.scenario.team_index[team_id].moves_per_turn, len(legal))) if legal else 0
        picked = rng.sample(legal, k)
        if not picked:
            return Order(team_id, (), reason=(self._reason(team_id, None),))
        moves = []
        others = self.others(team_id)
        for move in picked:
            contingent: tuple[str, ...] = ()
            if others and rng.random() < self.contingency_rate:
                contingent = (rng.choice(others),)
            moves.append(OrderedMove(move.id, contingent))
        return Order(team_id, tuple(moves), reason=tuple([self._reason(team_id, m) for m in picked]))

    def _reason(self, team: str, move) -> ReasonPart:
        """Why it picked `move` (None: nothing), made once: a reason is immutable."""
        key = move.id if move is not None else f"{team}/"
        found = self._reasons.get(key)
        if found is None:
            if move is None:
                secrets = {m.id for m in self.scenario.moves_by_team.get(team, ()) if m.secret}
                found = ReasonPart("random legal choice: nothing", moves=secrets)
            else:
                found = ReasonPart(f"random legal choice: “{move.label}”", moves={move.id})
            self._reasons[key] = found
        return found
