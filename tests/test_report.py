"""After-action reports: complete, self-contained, and the same for the same journal."""

from __future__ import annotations

import html.parser
import json

import pytest

from conftest import FLAGSHIP, run_ttx
from exercise.engine import load_scenario
from exercise.render import event_text
from exercise.report import markdown
from exercise.session import Session


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "game.jsonl"
    result = run_ttx("run", "sequencing_2018", "--seed", "3", "--bot", "doctrine", "--journal", str(path))
    assert 0 == result.returncode
    return path


def report(journal, fmt: str) -> str:
    result = run_ttx("report", str(journal), "--format", fmt, "--replays", "30", "--audience", "facilitator")
    assert 0 == result.returncode, result.stderr
    return result.stdout


def test_the_report_names_every_turn_inject_team_and_the_outcome(journal):
    scenario = load_scenario(FLAGSHIP)
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    turns = sum(1 for e in events if e["type"] == "resolve")
    from exercise.session import Session

    session = Session.resume(journal)
    fired = {event_text(scenario, e) for r in session.records for e in r.events if e.kind == "inject"}
    outcome = next(o for o in scenario.outcomes if o.id == session.state.outcome)
    for fmt in ("md", "html"):
        text = report(journal, fmt)
        for turn in range(1, turns + 1):
            assert scenario.turn_label(turn) in text
        for title in fired:
            assert title in text or title.replace("'", "&#x27;") in text
        for team in scenario.teams:
            assert team.name in text
        assert outcome.title in text
        assert "Decisive moments" in text and "Hot wash" in text and "Sources" in text


class Refs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.refs += [v for k, v in attrs if k in ("src", "href", "xlink:href", "action") and v]


def test_the_html_parses_and_references_nothing_outside_itself(journal):
    page = report(journal, "html")
    parser = Refs()
    parser.feed(page)
    assert [] == parser.refs
    assert "script" not in parser.tags and "link" not in parser.tags
    assert "http" not in page
    assert {"h1", "h2", "table", "th", "svg", "title", "desc"} <= set(parser.tags)
    assert "@media print" in page


def test_decisive_moment_figures_are_the_same_for_the_same_journal(journal):
    first = report(journal, "md")
    second = report(journal, "md")
    section = lambda t: t[t.index("## Decisive moments"):t.index("## Hot wash")]  # noqa: E731
    assert section(first) == section(second)
    assert "%" in section(first)


def test_hot_wash_prompts_come_from_what_happened(journal):
    text = report(journal, "md")
    assert "Who moved first" in text  # the scenario's own question
    assert "Whose choices made this happen" in text  # drawn from a consequence that fired


def test_report_of_a_missing_journal_is_one_line():
    result = run_ttx("report", "no/such.jsonl")
    assert 1 == result.returncode
    assert "no such journal" in result.stderr


async def test_the_ending_screen_writes_the_report_beside_the_journal(tmp_path, monkeypatch):
    from exercise.cli import build_app
    from tui_helpers import settle

    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    app = build_app(["play", "tutorial", "--seed", "2"])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.end("end of class")
        app.show_turn()
        await settle(pilot)
        assert "EndingScreen" == type(app.screen).__name__
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await settle(pilot)
        import stat

        paths = app.screen.report_paths
        names = sorted(p.name.split(".", 1)[1] for p in paths)
        assert ["facilitator.report.html", "facilitator.report.md", "room.report.html", "room.report.md"] == names
        room = next(p for p in paths if p.name.endswith(".room.report.md"))
        assert "Ended by the facilitator" in room.read_text() and "The room's version" in room.read_text()
        assert all(0o600 == stat.S_IMODE(p.stat().st_mode) for p in paths)


def test_a_forced_ending_says_who_ended_it_and_why_and_credits_no_move(tmp_path):
    from exercise.engine import FACILITATOR, ROOM
    from exercise.play import computers, session_turn
    from exercise.report import build
    from exercise.transcript import render_ending

    scenario = load_scenario(FLAGSHIP)
    session = Session.start(scenario, 5, tmp_path / "s.jsonl")
    controllers = computers(scenario, {t.id: "random" for t in scenario.teams})
    session_turn(session, controllers)
    session_turn(session, controllers)
    session.end("out of class time", "verified_roadmap")
    for audience in (ROOM, FACILITATOR):
        data = build(session, 20, audience)
        text = markdown(data)
        outcome = text[text.index("## Outcome"):text.index("## Timeline")]
        assert "Ended by the facilitator" in outcome and "out of class time" in outcome
        assert "because" not in outcome
        assert "The facilitator chose the ending" in text
        assert [] == data["decisive"]["moves"]
        assert "the facilitator ended the exercise (out of class time)" in text
    ending = render_ending(session.state)
    assert "Ended by the facilitator" in ending and "out of class time" in ending and "because" not in ending
