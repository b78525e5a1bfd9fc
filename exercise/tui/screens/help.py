"""Help for the screen underneath: what it is for and its keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown


class HelpScreen(ModalScreen[None]):
    HELP = "Escape closes the help."
    BINDINGS = [Binding("escape,q,f1,question_mark", "close", "Close", show=False)]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        text = getattr(self.under, "HELP", "")
        keys = []
        for binding in [*getattr(self.under, "BINDINGS", []), *self.app.BINDINGS]:
            if isinstance(binding, Binding) and binding.show:
                keys.append(f"| `{binding.key}` | {binding.description} |")
        lines = [f"# Help: {type(self.under).__name__.removesuffix('Screen')}", "", text, "",
                 "| key | does |", "|---|---|", *keys, "",
                 "Ctrl+P opens the command palette. The mouse works too. Escape closes this help."]
        with VerticalScroll(id="help", classes="dialog"):
            yield Markdown("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(None)
