"""Choose the moves of other teams that one of your moves depends on this turn."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList

from exercise.engine import Move, Scenario
from exercise.tui.widgets.tick_list import TickList


class ContingencyScreen(ModalScreen["tuple[str, ...] | None"]):
    """A move carried out only if every chosen move of another team is played this turn.

    It lists only the moves the team may name: other teams' public moves that it cannot tell
    are unavailable. A secret move is never listed: whether it was played is never learnt.
    """

    HELP = (
        "Tick the moves of other teams your move depends on: it is carried out only if all of "
        "them are played this turn. If the other team makes its move depend on yours too, both "
        "are carried out together (a synchronized exchange). Space ticks, Enter confirms."
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "confirm", "Confirm"),
    ]

    def __init__(self, scenario: Scenario, move: Move, options: Sequence[Move], current: tuple[str, ...]) -> None:
        """`options`: the other teams' moves this team may name (`exercise.engine.contingency_options`)."""
        super().__init__()
        self.scenario = scenario
        self.move = move
        self.options = tuple(options)
        self.current = current

    def compose(self) -> ComposeResult:
        options = [(f"{self.scenario.team_index[other.team].name}: {other.label}", other.id, other.id in self.current)
                   for other in self.options if other.team != self.move.team]
        # The title and the buttons stay in view however small the terminal: only the list scrolls.
        with Vertical(id="contingency", classes="dialog"):
            yield Label(f"Carry out “{self.move.label}” only if these are played this turn:",
                        classes="section-title", id="contingency-title")
            yield Label("Space ticks a move; Ctrl+S confirms; Escape cancels." if options else
                        "No other team's move can be named this turn.", classes="hint", id="contingency-hint")
            yield TickList(*options, id="contingent-on")
            with Horizontal(classes="buttons", id="contingency-buttons"):
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
