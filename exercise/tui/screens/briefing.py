"""Briefing: the summary, the readings and every team's public brief."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown

from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.header import Header


def briefing_markdown(app) -> str:
    exercise = app.exercise
    scenario = exercise.scenario
    lines = [f"# {scenario.title}", "", scenario.summary.strip(), "",
             f"*{scenario.turns} turns, each {scenario.turn_length}. Seed {exercise.session.seed}.*", ""]
    lines += ["## Teams", ""]
    for team in scenario.teams:
        who = exercise.who(team.id)
        lines += [f"### {team.name} ({who})", "", team.public_brief.strip() or "—", ""]
    if scenario.sources:
        lines += ["## Readings", ""]
        for source in scenario.sources:
            parts = [p for p in (source.author, f"*{source.title}*", source.publisher, source.date) if p]
            line = "- " + ", ".join(parts)
            if source.url:
                line += f" — {source.url}"
            lines.append(line)
        lines.append("")
    lines += ["Press **Enter** to begin turn 1."]
    return "\n".join(lines)


class BriefingScreen(Screen):
    """Read to the whole room before turn 1: nothing private is on this screen."""

    HELP = "The public briefing for the whole room. Private briefs appear on each team's own screen."
    BINDINGS = [Binding("enter", "begin", "Begin turn 1", priority=True)]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="briefing"):
            yield Markdown(briefing_markdown(self.app))
        yield KeyFooter()

    def action_begin(self) -> None:
        self.app.show_turn()  # type: ignore[attr-defined]
