"""Authoring: a scenario file's problems, live as the file changes, and play-testing from any turn."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Label, Select, Static

from exercise.engine import Problem, Scenario, ScenarioError, load_scenario
from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.header import Header


def check_file(path: Path) -> tuple[Scenario | None, list[Problem], list[str]]:
    """Errors, or the scenario and its static warnings; with the file's lines."""
    from exercise.engine.lint import static_warnings
    from exercise.engine.loader import read_source

    try:
        text, _ = read_source(path)
    except ScenarioError as exc:
        return None, exc.problems, []
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        return None, exc.problems, text.splitlines()
    return scenario, static_warnings(scenario, text), text.splitlines()


class AuthorScreen(Screen):
    """Problems update by themselves when the file is saved; Enter on one shows its line."""

    HELP = (
        "Keep this screen open beside your editor: the list of problems updates each time the "
        "file is saved. Enter on a problem shows the lines around it. When the file has no "
        "errors, choose a turn and a team and press p to play-test: the computer plays every "
        "team up to that turn, then you see exactly what that team sees."
    )
    BINDINGS = [
        Binding("p", "playtest", "Play-test from turn"),
        Binding("r", "recheck", "Check again"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.mtime: float | None = None
        self.scenario: Scenario | None = None
        self.problems: list[Problem] = []
        self.lines: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="author"):
            yield Static("", id="author-title", classes="screen-title")
            yield DataTable(id="problems", cursor_type="row", zebra_stripes=True)
            yield Static("", id="source", classes="summary")
            yield Label("Play-test from here", classes="section-title")
            with Horizontal(id="playtest-row"):
                yield Select([], prompt="Turn", id="pt-turn")
                yield Select([], prompt="Team", id="pt-team")
                yield Button("Play-test", id="playtest", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#problems", DataTable)
        table.add_columns("Line", "Code", "Problem")
        self.recheck()
        self.set_interval(1.0, self.poll)
        table.focus()

    def poll(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            mtime = None
        if mtime != self.mtime:
            self.recheck()

    def action_recheck(self) -> None:
        self.recheck()

    def recheck(self) -> None:
        try:
            self.mtime = self.path.stat().st_mtime
        except OSError:
            self.mtime = None
        self.scenario, self.problems, self.lines = check_file(self.path)
        errors = sum(1 for p in self.problems if p.severity == "error")
        warnings = len(self.problems) - errors
        state = "cannot be played yet" if self.scenario is None else "plays"
        self.query_one("#author-title", Static).update(
            f"[b]{self.path}[/b]: {errors} error(s), {warnings} warning(s) — {state}. "
            "Updates when the file is saved."
        )
        table = self.query_one("#problems", DataTable)
        table.clear()
        for index, problem in enumerate(self.problems):
            where = f"{problem.line}:{problem.col}" if problem.line else problem.path
            table.add_row(where, problem.code, problem.message, key=str(index))
        if not self.problems:
            table.add_row("", "", "No problems.", key="none")
        self.query_one("#source", Static).update("")
        turns = self.query_one("#pt-turn", Select)
        teams = self.query_one("#pt-team", Select)
        if self.scenario is not None:
            turns.set_options([(self.scenario.turn_label(t), t) for t in range(1, self.scenario.turns + 1)])
            teams.set_options([(t.name, t.id) for t in self.scenario.teams if t.playable])
        else:
            turns.set_options([])
            teams.set_options([])

    @on(DataTable.RowSelected, "#problems")
    def _jump(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value in (None, "none"):
            return
        problem = self.problems[int(str(event.row_key.value))]
        source = self.query_one("#source", Static)
        if problem.line is None or not self.lines:
            source.update(f"{problem.code} at {problem.path}: {problem.message} (no exact line)")
            return
        start = max(1, problem.line - 3)
        shown = []
        for number in range(start, min(len(self.lines), problem.line + 3) + 1):
            mark = "▶" if number == problem.line else " "
            shown.append(f"{mark}{number:>5} │ {self.lines[number - 1]}")
            if number == problem.line:
                shown.append(" " * 8 + "│ " + " " * ((problem.col or 1) - 1) + "^ " + problem.code)
        source.update("\n".join(shown).replace("[", r"\["))

    @on(Button.Pressed, "#playtest")
    def action_playtest(self) -> None:
        if self.scenario is None:
            self.notify("Fix the errors first: a file with errors cannot be played.", severity="error")
            return
        turn = self.query_one("#pt-turn", Select).value
        team = self.query_one("#pt-team", Select).value
        if turn is Select.NULL or team is Select.NULL:
            self.notify("Choose a turn and a team.", severity="warning")
            return
        self.fast_forward(self.scenario, int(turn), str(team))  # type: ignore[arg-type]

    @work(thread=True, exclusive=True)
    def fast_forward(self, scenario: Scenario, turn: int, team: str) -> None:
        """The computer plays every team up to the chosen turn (in a worker: it may take a moment)."""
        from exercise.files import reason, shown
        from exercise.play import controllers_for, session_turn
        from exercise.session import JournalError, Session, new_journal_path, sessions_dir

        players = {t.id: "computer:doctrine" for t in scenario.teams}
        session = None
        try:
            session = Session.start(scenario, 1, new_journal_path(scenario.id), players,
                                    {"mode": "facilitator", "timer": 0})
            controllers = controllers_for(scenario, players)
            while session.state.outcome is None and session.state.turn < turn:
                session_turn(session, controllers)
            if session.state.outcome is None:
                session.set_player(team, "human")
        except (JournalError, OSError) as exc:  # the sessions folder cannot be written, a full disk
            if session is not None:
                session.close()
            words = str(exc) if isinstance(exc, JournalError) else (
                f"{shown(exc.filename or sessions_dir())}: cannot create the journal there: {reason(exc)}")
            self.app.call_from_thread(self.notify, words, title="The play-test could not start", severity="error",
                                      timeout=15)
            return
        self.app.call_from_thread(self._preview, session, team)

    def _preview(self, session, team: str) -> None:
        from exercise.tui.exercise import Exercise
        from exercise.tui.screens.team import TeamScreen

        if session.state.outcome is not None:
            self.notify(f"The exercise ended before that turn ({session.state.outcome}).", severity="warning")
        app = self.app
        app.exercise = Exercise(session)  # type: ignore[attr-defined]
        app.state = session.state  # type: ignore[attr-defined]
        app.show_turn()  # type: ignore[attr-defined]
        if session.state.outcome is None:
            app.push_screen(TeamScreen(team))

    def action_back(self) -> None:
        self.app.pop_screen()
