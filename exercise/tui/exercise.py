"""The running exercise as the shell sees it: the session and how the room plays it."""

from __future__ import annotations

from pathlib import Path

import attrs

from exercise.engine import Scenario
from exercise.session import Session


@attrs.define
class Exercise:
    """The running exercise as the shell sees it: the session and how it is being played."""

    session: Session
    mode: str = "hotseat"  # "hotseat": teams at the keyboard in turn; "facilitator": one person enters all
    players: dict[str, str] = attrs.Factory(dict)  # team id -> "human" or "computer"
    timer_minutes: int = 0

    @property
    def scenario(self) -> Scenario:
        return self.session.scenario

    @property
    def journal_path(self) -> Path | None:
        return self.session.journal.path if self.session.journal else None

    def is_human(self, team: str) -> bool:
        # "scripted" teams of a `ttx run` journal are handed to people when resumed here
        return not self.players.get(team, "human").startswith("computer")

    def level(self, team: str) -> str:
        """The computer player's level for a team: `computer:doctrine` -> `doctrine`."""
        player = self.players.get(team, "human")
        return player.split(":", 1)[1].strip() if ":" in player else "random"

    def who(self, team: str) -> str:
        return "people" if self.is_human(team) else f"computer ({self.level(team)})"

    @classmethod
    def from_session(cls, session: Session) -> Exercise:
        start = session.events[0]
        players = {t: str(p) for t, p in start.get("players", {}).items()}
        for event in session.events:  # a team handed over later keeps its latest player
            if event.get("type") == "player":
                players[event["team"]] = event["player"]
        return cls(session, start.get("mode", "hotseat"), players, int(start.get("timer", 0)))
