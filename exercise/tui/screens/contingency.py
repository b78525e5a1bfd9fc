"""Choose the moves of other teams that one of your moves depends on this turn."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList

from exercise.engine import Move, Scenario


class ContingencyScreen(ModalScreen["tuple[str, ...] | None"]):
    """A move carried out only if every chosen move of another team is played this turn."""

    HELP = (
        "Tick the moves of other teams your move depends on: it is carried out only if all of "
        "them are played this turn. If the other team makes its move depend on yours too, both "
        "are carried out together (a synchronized exchange). Space ticks, Enter confirms."
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "confirm", "Confirm"),
    ]

    def __init__(self, scenario: Scenario, move: Move, current: tuple[str, ...]) -> None:
        super().__init__()
        self.scenario = scenario
        self.move = move
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for team in self.scenario.teams:
            if team.id == self.move.team:
                continue
            for other in self.scenario.moves_by_team.get(team.id, ()):
                options.append((f"{team.name}: {other.label}", other.id, other.id in self.current))
        with VerticalScroll(id="contingency", classes="dialog"):
            yield Label(f"Carry out “{self.move.label}” only if these are played this turn:",
                        classes="section-title")
            yield Label("Space ticks a move; Ctrl+S confirms; Escape cancels.", classes="hint")
            yield SelectionList[str](*options, id="contingent-on")
            with Horizontal(classes="buttons"):
                yield Button("Confirm", id="confirm", variant="primary")
                yield Button("No contingency", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        self.dismiss(tuple(self.query_one(SelectionList).selected))

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss(())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
