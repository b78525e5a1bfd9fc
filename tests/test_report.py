"""After-action reports: complete, self-contained, projected to their audience, and fit to hand out."""

from __future__ import annotations

import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FLAGSHIP, ROOT, run_ttx
from exercise.engine import FACILITATOR, ROOM, Audience, Order, load_scenario, parse_scenario
from exercise.render import event_text
from exercise.report import build, markdown, players_by_turn, thresholds, to_html
from exercise.session import Session

sys.path.insert(0, str(ROOT / "scripts"))
import check_report  # noqa: E402  (the checker's game with every facilitator action)

ORDERS = ROOT / "scenarios" / "orders" / "sequencing_2018"


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "game.jsonl"
    result = run_ttx("run", "sequencing_2018", "--seed", "3", "--bot", "doctrine", "--journal", str(path))
    assert 0 == result.returncode
    return path


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """The flagship's scripted verified-roadmap game: Seoul and Beijing have no orders in the file for
    turn 5, so a computer player chooses theirs."""
    path = tmp_path_factory.mktemp("scripted") / "game.jsonl"
    result = run_ttx("run", "sequencing_2018", "--seed", "1", "--orders", str(ORDERS / "verified_roadmap.toml"),
                     "--journal", str(path))
    assert 0 == result.returncode, result.stderr
    return Session.resume(path, write=False)


@pytest.fixture(scope="module")
def eventful(tmp_path_factory):
    """A game with every facilitator action (scripts/check_report.py's): overrides of Tension and of
    the hidden DPRK ICBM progress, an inject fired by hand and one for Pyongyang only, Seoul handed to
    the computer on turn 2 and back on turn 4, the timer, turn 3 undone and resolved again, and an
    ending chosen "out of class time" during turn 5."""
    path = tmp_path_factory.mktemp("eventful") / "game.jsonl"
    check_report.eventful_session(path)
    return Session.resume(path, write=False)


def report(journal, fmt: str, audience: str = "facilitator") -> str:
    result = run_ttx("report", str(journal), "--format", fmt, "--replays", "30", "--audience", audience)
    assert 0 == result.returncode, result.stderr
    return result.stdout


def section(text: str, heading: str) -> str:
    """A Markdown report's section, from its `## heading` to the next one."""
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def both(session: Session, audience: Audience, replays: int = 0) -> tuple[str, str]:
    data = build(session, replays, audience)
    return markdown(data), to_html(data)


def test_the_report_names_every_turn_inject_team_and_the_outcome(journal):
    scenario = load_scenario(FLAGSHIP)
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    turns = sum(1 for e in events if e["type"] == "resolve")
    session = Session.resume(journal)
    fired = {event_text(scenario, e) for r in session.records for e in r.events if e.kind == "inject"}
    outcome = next(o for o in scenario.outcomes if o.id == session.state.outcome)
    for fmt in ("md", "html"):
        text = html.unescape(report(journal, fmt))
        for turn in range(1, turns + 1):
            assert scenario.turn_label(turn) in text
        for title in fired:
            assert title in text
        for team in scenario.teams:
            assert team.name in text
        assert outcome.title in text
        assert "Decisive moments" in text and "Hot wash" in text and "Sources" in text


class Page(html.parser.HTMLParser):
    """The tags of a page, its references, and what stands outside its landmarks."""

    LANDMARKS = {"header", "nav", "main", "footer", "aside"}
    VOID = {"meta", "br", "hr", "img", "input", "link", "line", "circle", "polyline", "path"}

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []
        self.stack: list[str] = []
        self.outside: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.refs += [v for k, v in attrs if k in ("src", "href", "xlink:href", "action") and v]
        if self.stack[-1:] == ["body"] and tag not in self.LANDMARKS:
            self.outside.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]

    def handle_data(self, data):
        if self.stack[-1:] == ["body"] and data.strip():
            self.outside.append(data.strip())


def test_the_html_is_self_contained_and_every_content_is_in_a_landmark(journal):
    page = report(journal, "html")
    parser = Page()
    parser.feed(page)
    assert [] == [r for r in parser.refs if not r.startswith("#")]  # links within the page only
    assert "script" not in parser.tags and "link" not in parser.tags
    assert "http" not in page
    assert {"header", "nav", "main", "h1", "h2", "table", "th", "svg", "title", "desc", "figure"} <= set(parser.tags)
    assert [] == parser.outside
    assert 1 == parser.tags.count("main")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


def test_print_styles_keep_headings_with_what_follows_and_repeat_table_headers(journal):
    page = report(journal, "html")
    css = page[page.index("<style>"):page.index("</style>")]
    assert re.search(r"h1, h2, h3, h4 \{[^}]*break-after: avoid", css)
    assert re.search(r"tr, li, figure, \.keep, table\.small \{ break-inside: avoid", css)
    assert "thead { display: table-header-group; }" in css
    assert "@page" in css and "@media print" in css
    # wide tables scroll within a labelled, focusable region on a phone, never the page
    assert re.search(r'<div class="scroll" role="region" aria-labelledby="meter-table" tabindex="0">', page)
    assert '<caption id="meter-table">' in page


def test_the_html_escapes_what_people_typed(tmp_path):
    scenario = load_scenario(FLAGSHIP)
    session = Session.start(scenario, 1, None)
    for team in scenario.teams:
        session.submit(Order(team.id, (), rationale="<script>alert('x')</script> & more"))
    session.resolve()
    page = to_html(build(session, 0, FACILITATOR))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page


def test_decisive_moment_figures_are_the_same_for_the_same_journal(journal):
    first = report(journal, "md")
    second = report(journal, "md")
    assert section(first, "Decisive moments") == section(second, "Decisive moments")
    assert "%" in section(first, "Decisive moments")


def test_changes_in_chance_are_percentage_points_and_chances_are_percentages(scripted):
    """A change between two shares is in percentage points: 27% to 100% is +73 pp, never +73%."""
    for text in both(scripted, ROOM, replays=20):
        text = html.unescape(text)
        decisive = text[text.rindex("Decisive moments"):text.rindex("Hot wash")]  # the sections, not the contents
        assert re.search(r"\b\d+% with it, \d+% without \([+-]?\d+ pp\)", decisive)
        assert re.search(r"[+-]\d+ pp", decisive)
        assert not re.search(r"[+-]\d+%", decisive)
        assert "percentage points (pp)" in decisive


def test_the_start_is_the_scenarios_start_before_turn_1s_injects(scripted):
    """The Singapore statement on turn 1 lowers Tension from its start, 45, to 40 before any move:
    the report's start is 45, and the inject's -5 is in turn 1 of the timeline."""
    scenario = scripted.scenario
    assert 40 == scripted.records[0].meters_before["tension"]  # what the old report called the start
    data = build(scripted, 0, ROOM)
    tension = next(m for m in data.meters if m.id == "tension")
    assert 45 == scenario.meter_index["tension"].start == tension.values[0]
    assert ("Start", "the scenario's start, before any inject") == (data.columns[0].short, data.columns[0].full)
    md, page = both(scripted, ROOM)
    assert "| Tension | 45 | 19 |" in md
    assert re.search(r'<th scope="row">Tension</th><td class="num">45</td><td class="num">19</td>', page)
    assert tension.summary.startswith("Tension, from 0 to 100: 45, 19, ")


@pytest.mark.parametrize("audience", [ROOM, FACILITATOR, Audience.of("pyongyang")], ids=str)
def test_every_change_is_in_the_timeline_so_the_numbers_add_up(scripted, eventful, audience):
    """Injects, moves, chances, consequences, overrides and undisclosed developments: the start plus
    every change the timeline shows is where each meter ended, turn by turn."""
    for session in (scripted, eventful):
        data = build(session, 0, audience)
        for meter in data.meters:
            value = meter.values[0]
            for turn in data.timeline:
                for event in turn.events:
                    value += sum(c.amount for c in event.changes if c.kind == "meter" and c.id == meter.id)
            assert meter.values[-1] == value, (meter.label, str(audience))


def test_moves_are_in_the_timeline_with_their_effects(scripted):
    md, page = both(scripted, ROOM)
    turn_1 = section(md, "Timeline").split("### Turn 2")[0]
    assert "- Moves:\n" in turn_1
    assert "  - Washington: Agree to a peace declaration → U.S.–DPRK trust +12; Tension -8" in turn_1
    assert "Meters after this turn: Tension 19 (-21)" in turn_1
    assert "<h4>Moves</h4>" in page and "Washington: Agree to a peace declaration → U.S.–DPRK trust +12" in page


def test_the_hot_wash_asks_once_per_cause_naming_every_turn_it_happened(scripted, journal):
    """The synchronized-exchange rule fired on turns 1 and 2: one question, naming both turns."""
    scenario = scripted.scenario
    for text in both(scripted, ROOM):
        text = html.unescape(text)
        wash = text[text.rindex("Hot wash"):text.rindex("Sources")]
        message = scenario.rule_index["synchronized_exchange"].message
        assert 1 == wash.count(message)
        assert f"Turns 1 and 2: “{message}” Whose choices made this happen" in wash
    text = report(journal, "md")
    assert "Who moved first" in text  # the scenario's own question
    assert "Whose choices made this happen" in text  # drawn from a consequence that fired
    questions = [line.split(". ", 1)[1] for line in section(text, "Hot wash").splitlines()[2:] if line]
    assert len(questions) == len(set(questions))


def test_objectives_show_their_points(scripted):
    md, page = both(scripted, ROOM)
    objectives = section(md, "Objectives")
    assert "### Seoul: 8 of 8 points" in objectives
    assert "- Met (3 points): Inter-Korean ties at 70 or more" in objectives
    assert "- Not met (1 point): Sanctions pressure at 55 or less" in objectives
    assert '<th scope="col" class="num">Points</th>' in page
    assert '<tr><td>Inter-Korean ties at 70 or more</td><td class="num">3</td><td class="met-yes">Met</td></tr>' in page


def test_endings_thresholds_come_from_the_conditions_syntax_trees():
    """A comparison of a meter with a number is a threshold, however written (`20 < m` under a `not`
    is m ≤ 20); an ending that reads a hidden meter gives the room none."""
    scenario = parse_scenario(LINES, "lines.toml")
    room = {m: [(t.op, t.value, t.outcome, t.alone) for t in ts] for m, ts in thresholds(scenario, ROOM).items()}
    assert {"m": [(">=", 80, "Boil over", True), ("<=", 20, "Calm", False)]} == room
    full = thresholds(scenario, FACILITATOR)
    assert [(">=", 60, "Secretly")] == [(t.op, t.value, t.outcome) for t in full["m"][2:]]
    assert [(">=", 5, "Secretly")] == [(t.op, t.value, t.outcome) for t in full["h"]]
    assert "Calm: 20 or less, with other conditions" == full["m"][1].words


LINES = """\
format = 1
[scenario]
id = "lines"
title = "Lines"
summary = "Endings that compare meters with numbers."
turns = 2
[[teams]]
id = "a"
name = "Alpha"
[[meters]]
id = "m"
label = "Mood"
start = 50
[[meters]]
id = "h"
label = "Hoard"
start = 0
visible_to = ["a"]
[[moves]]
id = "wait"
team = "a"
label = "Wait"
[[outcomes]]
id = "boil"
title = "Boil over"
text = "Too hot."
when = "m >= 80"
[[outcomes]]
id = "calm"
title = "Calm"
text = "Too cold."
when = "not (20 < m) and turn >= 2"
[[outcomes]]
id = "secretly"
title = "Secretly"
text = "Hidden."
when = "m >= 60 and h >= 5"
[[outcomes]]
id = "done"
title = "Done"
text = "Over."
at_end = true
"""


def test_charts_have_turn_labels_gridlines_thresholds_and_a_legend(scripted):
    page = to_html(build(scripted, 0, ROOM))
    chart = page[page.index('<figure class="chart" aria-labelledby="chart-tension">'):]
    chart = chart[:chart.index("</figure>")]
    for label in ("Start", "T1", "T5"):
        assert f'text-anchor="middle">{label}</text>' in chart
    assert len(re.findall(r'<line class="grid"', chart)) >= 10  # 0, 20, … 100 across; a line per turn
    assert 'text-anchor="end">100</text>' in chart
    assert re.search(r'<line class="threshold" [^>]*y1="(\d+(\.\d+)?)"', chart)
    assert "<strong>A</strong>: Diplomacy collapses: 85 or more, with other conditions</li>" in chart
    assert '<ul class="legend">' in chart and "Line A: Diplomacy collapses" in chart
    md = markdown(build(scripted, 0, ROOM))
    assert "- Tension: Diplomacy collapses: 85 or more, with other conditions" in md


def test_an_eight_turn_game_has_short_column_names_and_every_turn_in_the_key(tmp_path):
    path = tmp_path / "game.jsonl"
    assert 0 == run_ttx("run", "sequencing_2018", "--seed", "1", "--orders", str(ORDERS / "frozen_stalemate.toml"),
                        "--journal", str(path)).returncode
    data = build(Session.resume(path, write=False), 0, ROOM)
    assert ["Start"] + [f"T{t}" for t in range(1, 9)] == [c.short for c in data.columns]
    page = to_html(data)
    assert '<th scope="col" class="num">T8<span class="vh">: end of Turn 8 (January 2019)</span></th>' in page
    assert "<strong>T8</strong> end of Turn 8 (January 2019)." in page


def test_every_facilitator_action_is_listed_with_its_turn_and_reason(eventful):
    md, page = both(eventful, FACILITATOR)
    actions = section(md, "Facilitator actions")
    for line in (
        "- Turn 1 (June 2018), override: Facilitator: Tension set to 60 (reason: the class judged the summit oversold)",
        "- Turn 1 (June 2018), override: Facilitator: DPRK ICBM progress set to 70 (reason: Pyongyang's engineers",
        "- Turn 2 (July 2018), inject fired by hand: Inject: "
        + eventful.scenario.inject_index["kremlin_invitation"].title,
        "- Turn 2 (July 2018), inject fired by hand: Inject: A note for Pyongyang only — Beijing's envoy",
        "- Turn 2 (July 2018), hand-over: Seoul: handed from people to the computer (doctrine)",
        "- Turn 2 (July 2018), timer: Paused the turn timer",
        "- Turn 2 (July 2018), timer: Gave the turn 5 minutes more",
        "- Turn 4 (September 2018), undo: Undid the resolution of Turn 3 (August 2018)",
        "- Turn 4 (September 2018), hand-over: Seoul: handed from the computer (doctrine) to people",
        "- Turn 5 (October 2018), end: Ending: Ended by the facilitator (reason: out of class time)",
    ):
        assert line in actions
    assert html.escape("Undid the resolution of Turn 3 (August 2018)") in page
    assert '<h2 id="actions">Facilitator actions</h2>' in page
    outcome = section(md, "Outcome")
    assert "Ended by the facilitator on Turn 5 (October 2018): out of class time." in outcome


def test_who_played_each_team_turn_by_turn(eventful, scripted):
    """Seoul was handed to the computer for turns 2 and 3 (3 undone and resolved again with the
    computer's orders) and back to people for turn 4; in the scripted game, the orders file names no
    order for Seoul and Beijing on turn 5, so a computer player chose theirs."""
    assert {1: "human", 2: "computer:doctrine", 3: "computer:doctrine", 4: "human"} == players_by_turn(eventful)["seoul"]
    md, page = both(eventful, ROOM)
    assert "  - Seoul: people (turns 1 and 4); the computer (doctrine) (turns 2–3)" in md
    assert "<tr><td>Seoul</td><td>people (turns 1 and 4); the computer (doctrine) (turns 2–3)</td></tr>" in page
    timeline = section(md, "Timeline")
    turn_2 = timeline[timeline.index("### Turn 2"):timeline.index("### Turn 3")]
    assert "- **Seoul** (played by the computer (doctrine)):" in turn_2
    assert "- **Washington**: " in turn_2  # played by people throughout: said once, in the overview
    md, _ = both(scripted, ROOM)
    assert "  - Seoul: a scripted orders file (turns 1–4); the computer (turn 5)" in md
    assert "  - Washington: a scripted orders file\n" in md


def test_the_rooms_version_hides_the_facilitators_secret_actions(eventful):
    """The override of a hidden meter and the inject sent to Pyongyang alone stay out of the room's
    version, with their reasons and words; the hand-overs, the timer, the undo and the ending, which
    the room saw happen and which name no secret, are in it. Pyongyang's version has its own inject."""
    secret = ["DPRK ICBM progress", "engineers had a good month", "A note for Pyongyang only", "envoy is on his way"]
    room = "\n".join(html.unescape(t) for t in both(eventful, ROOM))
    assert [] == [w for w in secret if w in room]
    for shown in ("Tension adjusted (reason: the class judged the summit oversold) → Tension +20",
                  "Seoul: handed from people to the computer (doctrine)", "Undid the resolution of Turn 3",
                  "Paused the turn timer", "Ended by the facilitator (reason: out of class time)"):
        assert shown in room
    assert "set to None" not in room
    full = "\n".join(html.unescape(t) for t in both(eventful, FACILITATOR))
    assert [] == [w for w in secret if w not in full]
    pyongyang = "\n".join(html.unescape(t) for t in both(eventful, Audience.of("pyongyang")))
    assert "A note for Pyongyang only" in pyongyang and "DPRK ICBM progress" in pyongyang
    washington = "\n".join(html.unescape(t) for t in both(eventful, Audience.of("washington")))
    assert "A note for Pyongyang only" not in washington and "engineers had a good month" not in washington


@pytest.mark.parametrize("seed", range(6))
def test_facilitator_actions_never_show_an_audience_what_it_may_not_know(seed):
    """The secrecy property of tests/test_secrecy.py on games with every facilitator action: overrides
    of the hidden stockpile and of Bravo's hidden alarm (their reasons are words only those who see
    them may read), Alpha's private briefing fired by hand, an ad-hoc inject for Alpha, Alpha handed
    to the computer and back, a turn undone, and an ending chosen with a reason."""
    from test_secrecy import LEAKY, audiences, forbidden

    from exercise.play import computers, session_turn

    scenario = load_scenario(LEAKY)
    session = Session.start(scenario, seed, None)
    bots = computers(scenario, {t.id: "random" for t in scenario.teams})
    session.override("zebra_stockpile", 40, "Zanzibar tallies")
    session.override("xylo_alarm", True, "Wombat sighting")
    session_turn(session, bots)
    session.fire_inject("briefing_alpha")
    session.fire_inject(title="Quokka memo", text="Numbat details.", to=["alpha"])
    session.set_player("alpha", "computer:random")
    session_turn(session, bots)
    session.undo()
    session.resolve()
    session.set_player("alpha", "human")
    if session.state.outcome is None:
        session.end("Out of time", None)
    private = {"alpha": {"Zanzibar tallies", "Quokka memo", "Numbat details"}, "bravo": {"Wombat sighting"}}
    for audience in audiences(scenario):
        banned = forbidden(scenario, audience) | {w for team, words in private.items() if audience.team != team
                                                  for w in words}
        for text in both(session, audience):
            text = html.unescape(text)
            assert [] == sorted(w for w in banned if w in text), str(audience)
            assert all(w in text for w in private.get(audience.team or "", ())), str(audience)  # its own, it sees
        assert "Alpha: handed from people to the computer (random)" in markdown(build(session, 0, audience))
    full = "\n".join(both(session, FACILITATOR))
    assert all(w in html.unescape(full) for words in private.values() for w in words)


def test_a_report_of_a_session_not_yet_played_shows_the_start_and_now():
    scenario = load_scenario(FLAGSHIP)
    session = Session.start(scenario, 1, None)
    data = build(session, 0, ROOM)
    assert ["Start", "Now"] == [c.short for c in data.columns]
    tension = next(m for m in data.meters if m.id == "tension")
    assert (45, 40) == tension.values  # Singapore's statement is in, at the start of turn 1
    md, page = both(session, ROOM)
    assert "Turn 1 (June 2018), not played" in md and "- Meters now: Tension 40 (-5)" in md
    assert "Not finished" in md and "</html>" in page


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
    from exercise.play import computers, session_turn
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
        outcome = section(text, "Outcome")
        assert "Ended by the facilitator" in outcome and "out of class time" in outcome
        assert "because" not in outcome
        assert "The facilitator chose the ending" in text
        assert [] == data.decisive.figures["moves"]
        assert "the facilitator ended the exercise (out of class time)" in text
    ending = render_ending(session.state)
    assert "Ended by the facilitator" in ending and "out of class time" in ending and "because" not in ending


# -- the independent checkers ----------------------------------------------------------------------
def _tools_missing() -> list[str]:
    missing = [name for name in ("java", "npm", "pdftotext") if shutil.which(name) is None]
    return missing + ([] if Path(check_report.CHROMIUM).exists() else [check_report.CHROMIUM])


def test_the_print_check_finds_a_heading_left_at_the_bottom_of_a_page():
    pages = ["Timeline\n  Turn 3 (August\n  2018)\n\n       Page 1 of 3\n", "Orders\n - Washington: …\n  raises Alliance rift\n",
             "Sources"]
    headings = ["Timeline", "Turn 3 (August 2018)", "Alliance rift", "Sources"]
    assert ["page 1 ends with “Turn 3 (August 2018)”"] == check_report.stranded(pages, headings)
    assert [] == check_report.stranded(pages[1:], headings)  # words that end a paragraph are not a heading


def test_the_html_report_passes_the_nu_checker_axe_and_the_print_checks():
    """scripts/check_report.py: 0 Nu errors, 0 axe violations at 1280 and 360 px, no horizontal
    overflow on a phone or on A4 or Letter paper, and no heading left at the bottom of a printed page.

    Skipped where java, npm, chromium or pdftotext are missing, except on CI (`CI` set), where it fails."""
    missing = _tools_missing()
    if missing:
        on_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
        (pytest.fail if on_ci else pytest.skip)(f"the report checkers need {', '.join(missing)}")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_report.py")], capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    assert 0 == done.returncode, done.stdout + done.stderr
    assert "all checks passed" in done.stdout
