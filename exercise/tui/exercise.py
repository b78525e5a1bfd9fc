"""The running exercise as the shell sees it: the session, and who may look at its shared screens."""

from __future__ import annotations

from pathlib import Path

import attrs

from exercise.engine import ROOM, Audience, Scenario
from exercise.entries import is_computer, level_of
from exercise.session import Session


@attrs.define
class Exercise:
    """The running exercise: the session, read through its fold (players, mode, timer, PIN)."""

    session: Session

    @property
    def scenario(self) -> Scenario:
        return self.session.scenario

    @property
    def mode(self) -> str:
        """`hotseat` (teams at the keyboard in turn), `facilitator` (one person enters all), or `solo`."""
        return self.session.mode

    @property
    def players(self) -> dict[str, str]:
        """Who plays each team now, as the journal says: `human`, `scripted` or `computer:LEVEL`."""
        return self.session.players

    @property
    def timer_minutes(self) -> int:
        return self.session.timer_minutes

    @property
    def pin(self) -> str:
        """The facilitator PIN's salted hash (`exercise.tui.pin`), or "" when none was set."""
        return self.session.pin

    @property
    def journal_path(self) -> Path | None:
        return self.session.journal.path if self.session.journal else None

    def is_human(self, team: str) -> bool:
        # "scripted" teams of a `ttx run` journal are handed to people when resumed here
        return not is_computer(self.players.get(team, "human"))

    def level(self, team: str) -> str:
        """The computer player's level for a team: `computer:doctrine` -> `doctrine`."""
        return level_of(self.players.get(team, "human"))

    def who(self, team: str) -> str:
        """Who plays a team, in the words transcripts and reports use (scripted teams are people here)."""
        from exercise.transcript import who_plays

        return "people" if self.is_human(team) else who_plays(self.players[team])

    @property
    def solo_team(self) -> str | None:
        """In solo practice, the one team played by a person."""
        if self.mode != "solo":
            return None
        return next((t.id for t in self.scenario.teams if self.is_human(t.id)), None)

    @property
    def room(self) -> Audience:
        """Who sees the shared screens (turn, reveal, ending): the room, or in solo practice the student's team."""
        team = self.solo_team
        return Audience.of(team) if team is not None else ROOM
