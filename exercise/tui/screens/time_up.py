"""Time is up: the facilitator chooses more time, or closing orders with what is in."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class TimeUpScreen(ModalScreen[str]):
    """Asked on the facilitator's turn screen when the turn timer reaches zero."""

    HELP = ("The turn's time is up. +1 or +5 minutes gives the teams more time; Close orders reveals "
            "with what is in (teams that have not handed in pass this turn); Escape keeps waiting.")
    BINDINGS = [Binding("escape", "wait", "Keep waiting"), Binding("1", "choose('extend1')", "+1 min"),
                Binding("5", "choose('extend5')", "+5 min")]

    def __init__(self, waiting: list[str]) -> None:
        super().__init__()
        self.waiting = waiting

    def compose(self) -> ComposeResult:
        if self.waiting:
            who = ", ".join(self.waiting)
            line = f"Still out: {who}. Closing orders now means {'they pass' if len(self.waiting) > 1 else 'it passes'}."
        else:
            line = "Every team's orders are in."
        with Vertical(id="time-up-box"):
            yield Static("[b]Time is up for this turn[/b]", classes="screen-title")
            yield Static(line, id="time-up-who", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("+1 minute", id="extend1")
                yield Button("+5 minutes", id="extend5")
                yield Button("Close orders and reveal", id="close", variant="warning")
                yield Button("Keep waiting", id="wait")

    def on_mount(self) -> None:
        self.query_one("#extend1", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_wait(self) -> None:
        self.dismiss("wait")
