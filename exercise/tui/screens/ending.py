"""The ending: the outcome and why, each team's objectives, the debrief, where the journal is."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from exercise.engine import ENDED_BY_FACILITATOR, score


def ending_markdown(app) -> str:
    state = app.state
    scenario = state.scenario
    exercise = app.exercise
    lines = [f"# {scenario.title}: the ending", ""]
    if state.outcome == ENDED_BY_FACILITATOR:
        reason = next((e.detail for e in reversed(state.pending) if e.kind == "outcome"), "")
        lines += ["## Ended by the facilitator", "", reason, ""]
    else:
        outcome = next(o for o in scenario.outcomes if o.id == state.outcome)
        lines += [f"## {outcome.title}", "", outcome.text.strip(), ""]
        if outcome.when is not None:
            lines += [f"Reached on {scenario.turn_label(state.turn)}, because `{outcome.when.source}`.", ""]
        else:
            lines += [f"Reached at the end of {scenario.turn_label(state.turn)}.", ""]
    lines += ["## Objectives", ""]
    for team in scenario.teams:
        if not team.objectives:
            continue
        result = score(state, team.id)
        lines += [f"### {team.name}: {result.points} of {result.total} points", ""]
        for objective, (_, met) in zip(team.objectives, result.met):
            lines.append(f"- **{'Met' if met else 'Not met'}**: {objective.text} ({objective.points} pt)")
        lines.append("")
    if scenario.debrief:
        lines += ["## Debrief", ""]
        lines += [f"{i}. {q}" for i, q in enumerate(scenario.debrief, start=1)]
        lines.append("")
    if exercise.journal_path:
        lines += ["## Journal", "", f"Everything that happened is in `{exercise.journal_path}`.",
                  f"Replay it with `ttx replay {exercise.journal_path}`.", ""]
    return "\n".join(lines)


class EndingScreen(Screen):
    """Shown to the whole room for the debrief."""

    HELP = (
        "The outcome and why it was reached, each team's objectives met or not, and the "
        "scenario's debrief questions. F3 opens the dashboard with the full timeline; "
        "the facilitator console (F2) can still undo the last turn."
    )
    BINDINGS = [Binding("q", "app.quit", "Quit"), Binding("escape", "home", "Home")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ending"):
            yield Markdown(ending_markdown(self.app))
        yield Footer()

    def action_home(self) -> None:
        self.app._reset_to_home()  # type: ignore[attr-defined]
