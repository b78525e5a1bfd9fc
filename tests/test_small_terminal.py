"""At 80×24, the smallest terminal a class is likely to have, nothing essential is cut.

Every key the footer offers is whole (F1, F2 and F3 where they work), a move's markers are
never cut, a dialog's title and buttons stay in view while its body scrolls, and a ticked
option carries a ✓ (and, where it matters, words), not only a colour.
"""

from __future__ import annotations

import re

import pytest
from textual.widget import Widget
from textual.widgets import Button, DataTable, SelectionList, TabbedContent

from exercise.cli import build_app
from tui_helpers import settle, submit_orders, tick_moves

SMALL = (80, 24)


@pytest.fixture(autouse=True)
def ttx_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))


def flagship():
    return build_app(["play", "sequencing_2018", "--seed", "7"])


def screen_name(app) -> str:
    return type(app.screen).__name__


def wholly_visible(widget: Widget) -> bool:
    """Whether all of the widget is on screen: inside the screen and inside every container around it."""
    region = widget.region
    if not region.area:
        return False
    node = widget.parent
    while isinstance(node, Widget):
        if not node.region.contains_region(region):
            return False
        node = node.parent
    return True


def footer_labels(app) -> list[str]:
    """The keys the footer shows whole, as 'KEY description', left to right."""
    keys = list(app.screen.query("FooterKey"))
    palette = [k for k in keys if k.has_class("-command-palette")]
    labels = []
    for key in keys:
        covered = any(key is not p and key.region.overlaps(p.region) for p in palette)
        if wholly_visible(key) and not covered:
            labels.append(f"{key.key_display} {key.description}".strip())
    return labels


async def start(pilot, mode: str = "hotseat") -> None:
    """From setup through the briefing to the turn screen."""
    await settle(pilot)
    if mode != "hotseat":
        from textual.widgets import Select

        pilot.app.screen.query_one("#mode", Select).value = mode
    await submit_orders(pilot)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert "TurnScreen" == screen_name(pilot.app)


def marks(move) -> list[str]:
    """The words a move's markers must show: whether it is secret, a gamble, once only."""
    words = []
    if move.secret:
        words.append("secret")
    if move.chance is not None or move.gamble:
        words.append("chance")
    if move.once:
        words.append("once")
    return words


async def test_at_80x24_every_move_on_every_team_screen_shows_its_markers_whole():
    app = flagship()
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot, "facilitator")
        for row, team in enumerate(t.id for t in app.state.scenario.teams):
            app.screen.query_one("#teams", DataTable).move_cursor(row=row)
            await pilot.press("enter")
            await settle(pilot)
            assert "TeamScreen" == screen_name(app)
            moves = app.screen.query_one("#moves", SelectionList)
            first = moves.get_option_at_index(0).value
            await tick_moves(pilot, [first])
            await settle(pilot)
            assert wholly_visible(moves)
            for index in range(moves.option_count):
                move = moves.moves[moves.get_option_at_index(index).value]
                line = moves.render_line(index).text.rstrip()
                for word in marks(move):
                    assert word in line, f"{team}: “{line}” has lost “{word}”"
                if marks(move):
                    assert line.endswith(")"), f"{team}: “{line}” is cut"
                assert ("✓" in line) == (move.id == first), f"{team}: “{line}”"
            await pilot.press("escape", "y")  # leave without submitting (a change is asked about)
            await settle(pilot)
            assert "TurnScreen" == screen_name(app)


async def test_at_80x24_the_footer_labels_f1_f2_and_f3_wherever_they_work():
    app = flagship()
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot)
        shown = footer_labels(app)
        for label in ("n Next team", "r Reveal", "h Hand over", "F1 Help", "F2 Console", "F3 Dashboard"):
            assert label in shown
        await pilot.press("n", "o")  # the curtain, then Washington's screen
        await settle(pilot)
        assert "TeamScreen" == screen_name(app)
        shown = footer_labels(app)
        for label in ("^s Submit", "c Contingent", "esc Cancel", "F1 Help", "F3 Dashboard"):
            assert label in shown
        assert not any(label.startswith("F2") for label in shown)  # never the console from a team's screen


async def test_at_80x24_the_footer_of_a_served_turn_screen_labels_f5(tmp_path):
    from exercise.seats.serve import start_session
    from exercise.seats.store import open_store
    from exercise.engine import load_scenario
    from exercise.bundled import find_bundled

    store = open_store(tmp_path / "class.sqlite")
    start_session(store, load_scenario(find_bundled("sequencing_2018")), 4, session_id="class-1")
    app = build_app(["serve", "--store", store.url, "--session", "class-1"])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        shown = footer_labels(app)
        for label in ("F1 Help", "F2 Console", "F3 Dashboard", "F5 Seats"):
            assert label in shown
        await pilot.press("f5")
        await settle(pilot)
        codes = app.screen.query_one("#seat-codes", DataTable)
        assert 0 == codes.max_scroll_x  # every column of the join codes in view
        assert wholly_visible(app.screen.query_one("#seat-link"))


async def test_at_80x24_the_contingency_dialog_shows_its_title_and_buttons_and_ticks_with_a_check_mark():
    app = flagship()
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot)
        await pilot.press("n", "o")  # the curtain opens
        await settle(pilot)
        moves = app.screen.query_one("#moves", SelectionList)
        moves.highlighted = next(i for i in range(moves.option_count)
                                 if moves.get_option_at_index(i).value == "us_peace_declaration")
        await pilot.press("c")
        await settle(pilot)
        assert "ContingencyScreen" == screen_name(app)
        dialog = app.screen
        for part in ("#contingency-title", "#contingency-hint", "#contingent-on", "#confirm", "#clear", "#cancel"):
            assert wholly_visible(dialog.query_one(part)), f"{part} is not wholly in view"
        others = dialog.query_one("#contingent-on", SelectionList)
        others.select("dprk_declare_inventory")
        await settle(pilot)
        for index in range(others.option_count):
            option = others.get_option_at_index(index)
            ticked = str(option.prompt).startswith("✓")
            assert ticked == (option.value == "dprk_declare_inventory")
        assert "Pyongyang: Declare the nuclear inventory" in others.render_line(0).text


async def test_at_80x24_the_console_keeps_its_title_tabs_and_close_in_view_and_scrolls_only_a_tab():
    app = flagship()
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "ConsoleScreen" == screen_name(app)
        console = app.screen
        tabs = console.query_one(TabbedContent)
        actions = {"tab-adjust": ["#target", "#value", "#reason", "#apply"],
                   "tab-injects": ["#inject", "#fire", "#adhoc-title", "#adhoc-text", "#adhoc-to", "#send"],
                   "tab-turn": ["#pause", "#extend1", "#extend5", "#undo", "#redo", "#end-outcome",
                                "#end-reason", "#end"]}
        for tab, parts in actions.items():
            tabs.active = tab
            await settle(pilot)
            for part in parts:  # each one reachable by scrolling the tab, the rest staying put
                console.query_one(part).scroll_visible(animate=False)
                await settle(pilot)
                assert wholly_visible(console.query_one(part)), f"{tab}: {part} cannot be brought into view"
                for fixed in ("#console > .section-title", "ContentTabs", "#close"):
                    assert wholly_visible(console.query_one(fixed)), f"{tab}: {fixed} went out of view"
        tabs.active = "tab-injects"
        to = console.query_one("#adhoc-to", SelectionList)
        to.select("seoul")
        await settle(pilot)
        prompts = {to.get_option_at_index(i).value: str(to.get_option_at_index(i).prompt) for i in range(4)}
        assert prompts["seoul"].startswith("✓") and not prompts["washington"].startswith("✓")
        assert "To: Seoul only" == str(console.query_one("#adhoc-to-words").render())


async def test_at_80x24_the_time_up_dialog_shows_each_of_its_four_choices_whole():
    from exercise.tui.screens.time_up import TimeUpScreen

    app = flagship()
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot)
        app.push_screen(TimeUpScreen(["Washington", "Pyongyang"]))
        await settle(pilot)
        buttons = list(app.screen.query(Button))
        assert 4 == len(buttons)
        for button in buttons:
            assert wholly_visible(button), f"“{button.label}” is cut"
            assert button.size.width >= len(str(button.label)) + 2


async def test_at_80x24_the_home_screen_shows_the_scenarios_whole_what_enter_does_and_the_file_box():
    app = build_app([])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#scenarios", DataTable)
        assert 0 == table.max_scroll_x
        summary = app.screen.query_one("#summary-box")
        assert "Enter sets up this exercise" in str(app.screen.query_one("#summary").render()).split("\n")[0]
        assert 0 == summary.scroll_y and summary.region.height >= 3
        assert wholly_visible(app.screen.query_one("#path"))


def header_line(app) -> str:
    """The header's title line as drawn: a cut one ends in “…”."""
    from textual.widgets._header import HeaderTitle

    return app.screen.query_one(HeaderTitle).render_line(0).text.strip()


def served_session(tmp_path, timer: int = 10):
    """The flagship served from a store, with a timer (its clock is in every header)."""
    from exercise.bundled import find_bundled
    from exercise.engine import load_scenario
    from exercise.seats.serve import ensure_codes, start_session
    from exercise.seats.store import open_store

    store = open_store(tmp_path / "class.sqlite")
    session = start_session(store, load_scenario(find_bundled("sequencing_2018")), 4, session_id="class-1",
                            timer=timer)
    return store, ensure_codes(store, session)


async def test_at_80x24_the_header_of_the_turn_and_the_reveal_is_never_cut():
    app = flagship()
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot, "facilitator")
        assert "ttx — The Sequencing Problem, 2018 — Turn 1 (June 2018) of 8" == header_line(app)
        for _ in app.state.scenario.teams:
            await pilot.press("n")
            await settle(pilot)
            await submit_orders(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "RevealScreen" == screen_name(app)
        # the scenario's title gives way to the turn revealed
        assert "ttx — reveal of Turn 1 (June 2018)" == header_line(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "ttx — The Sequencing Problem, 2018 — Turn 2 (July 2018) of 8" == header_line(app)


async def test_at_80x24_a_served_turn_screen_shows_its_clock_in_the_header_and_its_hint_in_view(tmp_path):
    store, _ = served_session(tmp_path)
    app = build_app(["serve", "--store", store.url, "--session", "class-1"])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        assert re.fullmatch(r"ttx — Turn 1 \(June 2018\) of 8 — ⏱ (10:00|09:5\d)", header_line(app))
        hint = app.screen.query_one("#turn-hint")
        assert wholly_visible(hint)
        words = str(hint.render())
        assert "Waiting for: Washington, Pyongyang, Seoul, Beijing." in words and "F5 shows the codes." in words
        await pilot.press("f5")
        await settle(pilot)
        assert "SeatsScreen" == screen_name(app)
        assert "…" not in header_line(app) and re.search(r"⏱ (10:00|09:5\d)$", header_line(app))


async def test_at_80x24_a_seats_header_names_its_team_the_turn_and_the_clock_whole(tmp_path):
    from exercise.seats.seat_app import SeatApp

    store, codes = served_session(tmp_path)
    headers = {"room": "ttx seat — the room's view — T1 of 8 — ⏱ 10:00 (not started)",
               "pyongyang": "ttx seat — Pyongyang — Turn 1 of 8 — ⏱ 10:00 (not started)"}
    for seat, header in headers.items():
        app = SeatApp(store.url, codes[seat])
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # the code is typed; no name
            await settle(pilot)
            await pilot.pause(1.1)  # the seat's clock is read once a second
            assert header == header_line(app)
