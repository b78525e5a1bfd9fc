"""Asks for the facilitator PIN before a facilitator's tool opens."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from exercise.tui.pin import pin_matches


class PinScreen(ModalScreen[bool]):
    """Dismissed with True only for the right PIN; a wrong one is said, and nothing opens."""

    HELP = (
        "The facilitator chose a PIN at setup: the console, the dashboard's full view and quitting "
        "ask for it once a team has had the keyboard. Type it and press Enter; Escape cancels."
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, stored: str, doing: str) -> None:
        """`stored`: the PIN's salted hash; `doing`: what the PIN is for, e.g. "open the console"."""
        super().__init__()
        self.stored = stored
        self.doing = doing

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-dialog", classes="dialog"):
            yield Label(f"Facilitator PIN, to {self.doing}", classes="section-title")
            yield Input(password=True, placeholder="PIN, then Enter", id="pin-entry")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="pin-ok", variant="primary")
                yield Button("Cancel", id="pin-cancel")

    def on_mount(self) -> None:
        self.query_one("#pin-entry", Input).focus()

    @on(Input.Submitted, "#pin-entry")
    @on(Button.Pressed, "#pin-ok")
    def check(self) -> None:
        if pin_matches(self.query_one("#pin-entry", Input).value, self.stored):
            self.dismiss(True)
            return
        self.notify(f"Wrong PIN: cannot {self.doing}.", title="Facilitator PIN", severity="error")
        self.dismiss(False)

    @on(Button.Pressed, "#pin-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
