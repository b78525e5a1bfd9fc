"""Home: the bundled scenarios, sessions to resume, and a scenario file opened by path."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from exercise.bundled import ScenarioCard, bundled_scenarios, scenario_card
from exercise.files import shown
from exercise.journal import list_sessions
from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.header import Header


class HomeScreen(Screen):
    """Choose a scenario to play or a session to resume."""

    HELP = (
        "Pick a bundled scenario and press Enter to set up an exercise, or pick a session "
        "to resume it exactly where it stopped. To play your own scenario file, type its path "
        "in the box at the bottom and press Enter. The a key opens the typed file (or the "
        "highlighted scenario) for authoring: its problems, live, and play-testing from any turn."
    )
    BINDINGS = [
        Binding("o", "focus_path", "Open file"),
        Binding("s", "focus_scenarios", "Scenarios"),
        Binding("r", "focus_sessions", "Sessions"),
        Binding("a", "author", "Author"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scenarios: dict[str, ScenarioCard] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Label("Scenarios", classes="section-title")
            yield DataTable(id="scenarios", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="summary-box"):  # a long summary scrolls; the rows below stay in view
                yield Static("", id="summary", classes="summary")
            yield Label("Sessions: Enter resumes one in progress, or shows a finished one's ending",
                        classes="section-title")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            yield Static("No saved sessions yet: they appear here as soon as an exercise starts.",
                         id="no-sessions", classes="hint")
            with Horizontal(id="open-row"):
                yield Label("Open a file: ", classes="field-label")
                yield Input(placeholder="path/to/scenario.toml, then Enter", id="path")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#scenarios", DataTable)
        # Cells as Text, not markup: reading markup loads Rich's table of emoji codes (a few ms).
        table.add_columns(Text("Scenario"), Text("Turns"), Text("Length"))  # the summary below names the teams
        for path in bundled_scenarios():
            card = scenario_card(path)
            if card is None:
                continue
            self.scenarios[str(path)] = card
            table.add_row(Text(card.title), Text(str(card.turns)), Text(card.turn_length), key=str(path))
        self.refresh_sessions()
        table.focus()
        self._show_summary()

    def on_screen_resume(self) -> None:
        self.refresh_sessions()

    def refresh_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear(columns=True)
        table.add_columns(*map(Text, ("Scenario", "Turn", "Status", "Last played", "Journal")))
        sessions = list_sessions()[:50]
        if any(not i.over and not i.damaged for i in sessions):
            from exercise.session import replaying  # the engine, only when a session in progress must replay

            sessions = replaying(sessions)
        # In progress first, then finished, then damaged (Enter on one says why it cannot be resumed); newest first.
        for info in sorted(sessions, key=lambda i: (bool(i.damaged), i.over)):
            status = "damaged" if info.damaged else "finished" if info.over else "in progress"
            turn = str(info.turn) if not info.damaged else "?"
            table.add_row(Text(info.scenario), Text(turn), Text(status), Text(info.last_played.replace("T", " ")[:16]),
                          Text(shown(info.path.name)), key=str(info.path))  # as written, not markup
        table.display = bool(table.row_count)
        self.query_one("#no-sessions", Static).display = not table.row_count

    def _show_summary(self) -> None:
        table = self.query_one("#scenarios", DataTable)
        summary = self.query_one("#summary", Static)
        if not table.row_count:
            summary.update("No bundled scenarios were found.")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        card = self.scenarios[str(key)]
        summary.update(f"Teams: {', '.join(card.teams)}. [b]Enter[/b] sets up this exercise.\n{card.summary.strip()}")

    @on(DataTable.RowHighlighted, "#scenarios")
    def _highlighted(self) -> None:
        self._show_summary()

    @on(DataTable.RowSelected, "#scenarios")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.app.open_setup(self.scenarios[str(event.row_key.value)].path)  # type: ignore[attr-defined]

    @on(DataTable.RowSelected, "#sessions")
    def _resume(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.resume(Path(str(event.row_key.value)))  # type: ignore[attr-defined]

    @on(Input.Submitted, "#path")
    def _open(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.notify("Type the path of a scenario file first.", severity="warning")
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self.notify(f"No scenario file at {path}.", severity="error")
            return
        self.app.open_setup(path)  # type: ignore[attr-defined]

    def action_author(self) -> None:
        """Open the typed file, or the highlighted scenario, in the authoring screen."""
        text = self.query_one("#path", Input).value.strip()
        if text:
            self.app.open_author(Path(text).expanduser())  # type: ignore[attr-defined]
            return
        table = self.query_one("#scenarios", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.open_author(self.scenarios[str(key)].path)  # type: ignore[attr-defined]

    def action_focus_path(self) -> None:
        self.query_one("#path", Input).focus()

    def action_focus_scenarios(self) -> None:
        self.query_one("#scenarios", DataTable).focus()

    def action_focus_sessions(self) -> None:
        self.query_one("#sessions", DataTable).focus()
