"""The curtain between team screens: nothing of any team is on it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

from exercise.tui.widgets.footer import KeyFooter


class CurtainScreen(Screen[bool]):
    """Hides everything until the right people are at the keyboard."""

    HELP = (
        "The curtain keeps each team's choices private. Hand the keyboard over; the named team "
        "presses O (open) when it alone is looking: a letter nobody presses by chance, so an "
        "Enter pressed once too often never opens a team's screen. Escape goes back to the "
        "facilitator's turn screen; if a facilitator PIN was set, the console and the full view "
        "ask for it again."
    )
    BINDINGS = [
        Binding("o", "open", "Open", priority=True),
        Binding("enter", "enter", "Open", show=False, priority=True),
        Binding("escape", "back", "Back to the facilitator"),
    ]

    def __init__(self, title: str, prompt: str, *, deliberate: bool = True) -> None:
        """`deliberate`: a team's curtain opens with O only; the hand-back to the facilitator with Enter too."""
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.deliberate = deliberate

    def compose(self) -> ComposeResult:
        with Middle(id="curtain"):
            with Center():
                yield Static(self.title_text, id="curtain-title")
            with Center():
                yield Static(self.prompt, id="curtain-prompt")
        yield KeyFooter()

    def on_mount(self) -> None:
        # A team may be at the keyboard from now on: the facilitator's tools ask for the PIN again.
        self.app.lock()  # type: ignore[attr-defined]

    def action_open(self) -> None:
        self.dismiss(True)

    def action_enter(self) -> None:
        if self.deliberate:
            self.notify("Press O to open, when only the team named here is looking.")
        else:
            self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)
