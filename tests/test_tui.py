"""The TUI driven through Textual's pilot, built the way the `ttx` command builds it."""

from __future__ import annotations

import json

import pytest

from conftest import MINI
from exercise.cli import build_app
from exercise.render import reason_words
from exercise.session import Session, list_sessions
from tui_helpers import screen_text, settle, tick_moves, submit_orders

SIZE = (100, 32)


@pytest.fixture(autouse=True)
def ttx_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def screen_name(app) -> str:
    return type(app.screen).__name__


async def start_mini(pilot, mode: str = "hotseat") -> None:
    """From setup through the briefing to the turn screen."""
    await settle(pilot)
    assert "SetupScreen" == screen_name(pilot.app)
    if mode != "hotseat":
        from textual.widgets import Select

        pilot.app.screen.query_one("#mode", Select).value = mode
    await submit_orders(pilot)
    await settle(pilot)
    assert "BriefingScreen" == screen_name(pilot.app)
    await pilot.press("enter")
    await settle(pilot)
    assert "TurnScreen" == screen_name(pilot.app)


async def hotseat_turn(pilot, orders: dict[str, list[str]], rationale: str = "") -> None:
    """Every human team in turn: curtain, team screen, tick, submit; then the reveal."""
    app = pilot.app
    await pilot.press("n")
    await settle(pilot)
    for team, moves in orders.items():
        assert "CurtainScreen" == screen_name(app)
        await pilot.press("o")
        await settle(pilot)
        assert "TeamScreen" == screen_name(app)
        assert app.screen.team_id == team
        await tick_moves(pilot, moves)
        if rationale:
            app.screen.query_one("#rationale").value = rationale
        await submit_orders(pilot)  # a pass with nothing ticked is confirmed first
    assert "CurtainScreen" == screen_name(app)  # hand back to the facilitator
    await pilot.press("enter")
    await settle(pilot)
    assert "TurnScreen" == screen_name(app)
    await pilot.press("r")
    await settle(pilot)
    assert "RevealScreen" == screen_name(app)


async def test_a_hot_seat_exercise_runs_from_setup_to_the_ending():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot)
        await hotseat_turn(pilot, {"a": ["declare"], "b": ["peace"]}, rationale="Together")
        text = screen_text(app)
        assert "Synchronized!" in text
        assert "Together" in text
        assert "Tension" in text
        for _ in range(2):
            await pilot.press("enter")
            await settle(pilot)
            await hotseat_turn(pilot, {"a": [], "b": []})
        await pilot.press("enter")
        await settle(pilot)
        assert "EndingScreen" == screen_name(app)
        text = screen_text(app)
        assert "Peace" in text or "Stalemate" in text
        assert "Keep calm" in text
        assert str(app.exercise.journal_path) in text


async def test_after_the_curtain_the_previous_team_is_not_on_screen():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("o")  # the curtain opens
        await settle(pilot)
        assert "Declare" in screen_text(app)  # Alpha's move list
        await tick_moves(pilot, ["declare"])
        app.screen.query_one("#rationale").value = "Alpha's secret reasoning"
        await submit_orders(pilot)
        await settle(pilot)
        assert "CurtainScreen" == screen_name(app)
        text = screen_text(app)
        assert "Pass to Bravo" in text
        assert "Declare" not in text and "Alpha's secret reasoning" not in text
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Bravo" in text
        assert "Declare" not in text
        assert "Alpha's secret reasoning" not in text


async def test_the_turn_screen_shows_who_is_in_but_never_what_they_ordered():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("o")  # the curtain opens
        await settle(pilot)
        await tick_moves(pilot, ["declare"])
        await submit_orders(pilot)
        await settle(pilot)
        await pilot.press("escape")  # back to the facilitator instead of Bravo
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        text = screen_text(app)
        assert "✓ in" in text
        assert "Declare" not in text


async def test_facilitator_entry_mode_types_every_teams_orders_without_curtains():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot, mode="facilitator")
        for team, moves in (("a", ["declare"]), ("b", [])):
            await pilot.press("n")
            await settle(pilot)
            assert "TeamScreen" == screen_name(app)
            assert team == app.screen.team_id
            assert "entered by the facilitator" in screen_text(app)
            await tick_moves(pilot, moves)
            await submit_orders(pilot)
            await settle(pilot)
            assert "TurnScreen" == screen_name(app)
        await pilot.press("r")
        await settle(pilot)
        assert "RevealScreen" == screen_name(app)
        assert "Alpha: Declare" in screen_text(app)


async def test_an_override_and_an_undo_are_journaled_and_shown():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot)
        await hotseat_turn(pilot, {"a": ["declare"], "b": []})
        await pilot.press("enter")
        await settle(pilot)
        assert 2 == app.state.turn
        # An override through the console.
        await pilot.press("f2")
        await settle(pilot)
        assert "ConsoleScreen" == screen_name(app)
        from textual.widgets import Select

        app.screen.query_one("#target", Select).value = "tension"
        app.screen.query_one("#value").value = "77"
        app.screen.query_one("#reason").value = "A border incident the class argued for"
        await pilot.click("#apply")
        await settle(pilot)
        assert 77 == app.state.meters["tension"]
        # Undo the last turn: back to turn 1 with its orders in, waiting for the reveal.
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#console-tabs").active = "tab-turn"
        await settle(pilot)
        await pilot.click("#undo")
        await settle(pilot)
        assert "ConfirmScreen" == screen_name(app)  # undo asks first
        await pilot.press("y")
        await settle(pilot)
        assert 1 == app.state.turn
        assert {"a", "b"} == set(app.exercise.session.pending)
        assert "declare" not in app.state.history.count
        events = [json.loads(line)["type"] for line in app.exercise.journal_path.read_text().splitlines()]
        # "screen": the facilitator opened the turn (its timer counts from there)
        assert ["start", "screen", "orders", "orders", "resolve", "screen", "override", "undo", "screen"] == events


async def test_resume_after_an_abrupt_stop_keeps_every_accepted_order(ttx_home):
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("o")  # the curtain opens
        await settle(pilot)
        await tick_moves(pilot, ["declare"])
        app.screen.query_one("#rationale").value = "first move"
        await submit_orders(pilot)
        await settle(pilot)
        journal = app.exercise.journal_path
    # The app is gone without any goodbye: only the journal remains.
    sessions = list_sessions()
    assert [journal] == [s.path for s in sessions]
    resumed = build_app(["resume"])
    async with resumed.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "TurnScreen" == screen_name(resumed)
        pending = resumed.exercise.session.pending
        assert ["a"] == list(pending)
        assert "first move" == pending["a"].rationale
        assert "✓ in" in screen_text(resumed)
        # Bravo continues where the class stopped.
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("o")  # the curtain opens
        await settle(pilot)
        assert "b" == resumed.screen.team_id


async def test_a_computer_team_hands_in_its_orders_by_itself():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from textual.widgets import Select

        app.screen.query_one("#player-b", Select).value = "computer:doctrine"
        await submit_orders(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert ["b"] == list(app.exercise.session.pending)
        assert "computer:doctrine" == Session.resume(app.exercise.journal_path).players["b"]


async def test_help_is_one_key_away_on_every_screen():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(3):
            await pilot.press("f1")
            await settle(pilot)
            assert "HelpScreen" == screen_name(app)
            assert "Help:" in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
            if screen_name(app) == "SetupScreen":
                await submit_orders(pilot)
            else:
                await pilot.press("enter")
            await settle(pilot)


async def test_the_home_screen_lists_the_bundled_scenarios():
    from exercise.bundled import bundled_scenarios
    from exercise.engine import load_scenario

    app = build_app([])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "HomeScreen" == screen_name(app)
        text = screen_text(app)
        for path in bundled_scenarios():
            assert load_scenario(path).title in text
        assert "No saved sessions yet" in text


async def test_a_four_team_hot_seat_exercise_from_home_to_a_verified_roadmap():
    """The flagship, chosen on the home screen, played by four teams at one keyboard."""
    from tui_helpers import make_contingent

    app = build_app([])
    script = [
        {"washington": (["us_peace_declaration", "us_pompeo_visit"], {"us_peace_declaration": ["dprk_declare_inventory"]}),
         "pyongyang": (["dprk_declare_inventory", "dprk_reaffirm_denuclearization"], {"dprk_declare_inventory": ["us_peace_declaration"]}),
         "seoul": (["rok_back_us"], {}), "beijing": (["prc_back_phased"], {})},
        {"washington": (["us_security_guarantee"], {"us_security_guarantee": ["dprk_admit_inspectors"]}),
         "pyongyang": (["dprk_admit_inspectors"], {"dprk_admit_inspectors": ["us_security_guarantee"]}),
         "seoul": (["rok_kaesong_water"], {}), "beijing": ([], {})},
        {"washington": (["us_pompeo_visit"], {}), "pyongyang": ([], {}),
         "seoul": (["rok_exchanges"], {}), "beijing": (["prc_back_phased"], {})},
        # With seed 1 the declaration is complete and September's verification mission succeeds.
        {"washington": (["us_verification_mission"], {}), "pyongyang": (["dprk_propose_phased"], {}),
         "seoul": (["rok_back_us"], {}), "beijing": ([], {})},
        {"washington": (["us_phased_roadmap"], {"us_phased_roadmap": ["dprk_agree_timetable"]}),
         "pyongyang": (["dprk_agree_timetable"], {"dprk_agree_timetable": ["us_phased_roadmap"]}),
         "seoul": (["rok_exchanges"], {}), "beijing": (["prc_back_phased"], {})},
    ]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "HomeScreen" == screen_name(app)
        await pilot.press("enter")  # the first bundled scenario: the flagship
        await settle(pilot)
        assert "SetupScreen" == screen_name(app)
        assert "The Sequencing Problem, 2018" in screen_text(app)
        app.screen.query_one("#seed").value = "1"  # the seed shown at setup, chosen by the facilitator
        await submit_orders(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for turn, orders in enumerate(script, start=1):
            assert turn == app.state.turn
            await pilot.press("n")
            await settle(pilot)
            for team, (moves, contingencies) in orders.items():
                assert "CurtainScreen" == screen_name(app)
                await pilot.press("o")
                await settle(pilot)
                assert team == app.screen.team_id
                await tick_moves(pilot, moves)
                for move, on in contingencies.items():
                    await make_contingent(pilot, move, on)
                    assert "only if" in screen_text(app)
                await submit_orders(pilot)
                await settle(pilot)
            await pilot.press("enter")  # hand back to the facilitator
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert "RevealScreen" == screen_name(app)
            if any(contingencies for _, contingencies in orders.values()):
                assert "carried out together with" in screen_text(app)
            await pilot.press("enter")
            await settle(pilot)
        assert "EndingScreen" == screen_name(app)
        text = screen_text(app)
        assert "A verified denuclearization roadmap" in text
        assert "Who moved first" in text  # the debrief questions


async def test_h_hands_a_team_to_the_computer_and_back_and_it_is_journaled():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot)
        await pilot.press("down")  # Bravo
        await pilot.press("h")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert not app.exercise.is_human("b")
        assert "b" in app.exercise.session.pending
        await pilot.press("h")
        await settle(pilot)
        assert app.exercise.is_human("b")
        players = [json.loads(line) for line in app.exercise.journal_path.read_text().splitlines()]
        assert [("b", "computer:doctrine"), ("b", "human")] == [(e["team"], e["player"]) for e in players if e["type"] == "player"]


async def test_f4_switches_to_the_high_contrast_theme_and_back():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        calm = app.theme
        await pilot.press("f4")
        assert "ttx-high-contrast" == app.theme
        await pilot.press("f4")
        assert calm == app.theme
    contrast = build_app(["--high-contrast"])
    async with contrast.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "ttx-high-contrast" == contrast.theme


async def test_the_turn_timer_counts_down_in_the_header_and_pausing_is_journaled():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from textual.widgets import Select

        app.screen.query_one("#timer", Select).value = 5
        await submit_orders(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "⏱ 04:" in app.sub_title or "⏱ 05:00" in app.sub_title
        app.timer_pause()
        assert "(paused)" in app.sub_title
        timers = [json.loads(line) for line in app.exercise.journal_path.read_text().splitlines()]
        assert ["pause"] == [e["action"] for e in timers if e["type"] == "timer"]


async def test_the_command_palette_offers_the_facilitator_actions():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Facilitator console", "Dashboard", "Help", "High contrast"} <= set(titles)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Dashboard")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "DashboardScreen" == screen_name(app)


async def test_solo_practice_against_the_doctrines_ends_with_the_turns_that_decided_it():
    app = build_app(["solo", "sequencing_2018", "--as", "pyongyang", "--seed", "4", "--level", "doctrine"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # past the briefing
        await settle(pilot)
        first = True
        while app.state.outcome is None:
            assert "TurnScreen" == screen_name(app)
            await pilot.press("n")
            await settle(pilot)
            assert "TeamScreen" == screen_name(app)  # no curtain in solo practice
            assert "pyongyang" == app.screen.team_id
            await tick_moves(pilot, ["dprk_reaffirm_denuclearization"] if first else [])
            await submit_orders(pilot)
            await settle(pilot)
            await app.workers.wait_for_complete()
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert "RevealScreen" == screen_name(app)
            if first:
                assert "Why (computer)" in screen_text(app)
                first = False
            await pilot.press("enter")
            await settle(pilot)
        assert "EndingScreen" == screen_name(app)
        text = screen_text(app)
        assert "The turns that decided your score (Pyongyang)" in text
        assert "What the computer teams were thinking" in text
        assert "Washington:" in text


def test_solo_refuses_an_unknown_team_or_level_in_one_line():
    from conftest import run_ttx

    result = run_ttx("solo", "sequencing_2018", "--as", "pyonyang")
    assert 1 == result.returncode
    assert "did you mean 'pyongyang'?" in result.stderr
    result = run_ttx("solo", "sequencing_2018", "--as", "seoul", "--level", "genius")
    assert 1 == result.returncode
    assert "unknown level" in result.stderr


async def test_a_computer_player_thinking_never_freezes_the_screen(monkeypatch):
    import threading

    import exercise.play as play_module
    from exercise.engine import Order

    release = threading.Event()

    class SlowPlayer:
        def choose(self, team_view, rng):
            release.wait(5)
            return Order(team_view.team, reason="thought slowly")

    monkeypatch.setattr(play_module, "make_player", lambda level, scenario, team: SlowPlayer())
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from textual.widgets import Select

        app.screen.query_one("#player-b", Select).value = "computer:lookahead"
        await submit_orders(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "b" not in app.exercise.session.pending  # still thinking
        await pilot.press("f1")  # the screen answers meanwhile
        await settle(pilot)
        assert "HelpScreen" == screen_name(app)
        await pilot.press("escape")
        release.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "thought slowly" == reason_words(app.exercise.session.pending["b"].reason)


async def test_the_contingency_dialog_is_keyboard_first():
    app = build_app(["play", "sequencing_2018", "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit_orders(pilot)
        await settle(pilot)
        await pilot.press("enter", "n")
        await settle(pilot)
        await pilot.press("o")  # the curtain opens
        await settle(pilot)
        await pilot.press("down", "down", "down", "space", "c")
        await settle(pilot)
        assert "ContingencyScreen" == screen_name(app)
        await pilot.press("space", "ctrl+s")  # the first of the other teams' moves: Pyongyang's declaration
        await settle(pilot)
        assert {"us_peace_declaration": ("dprk_declare_inventory",)} == app.screen.contingencies
        assert "only if Pyongyang plays “Declare the nuclear inventory”" in screen_text(app)


# -- secrecy: every screen shows a projection, and the facilitator's tools stay the facilitator's ----
async def to_flagship_turn(pilot, mode: str = "hotseat") -> None:
    await settle(pilot)
    if mode != "hotseat":
        from textual.widgets import Select

        pilot.app.screen.query_one("#mode", Select).value = mode
    await submit_orders(pilot)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert "TurnScreen" == screen_name(pilot.app)


def palette_titles(app) -> set[str]:
    return {c.title for c in app.get_system_commands(app.screen)}


async def test_in_hot_seat_neither_the_console_nor_the_full_view_opens_from_the_curtain_or_a_team_screen():
    app = build_app(["play", "sequencing_2018", "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await to_flagship_turn(pilot)
        await pilot.press("down", "down", "enter")  # Seoul's row
        await settle(pilot)
        assert "CurtainScreen" == screen_name(app)
        for key in ("f2", "f3"):
            await pilot.press(key)
            await settle(pilot)
            assert "CurtainScreen" == screen_name(app)
        assert not {"Facilitator console", "Dashboard"} & palette_titles(app)
        await pilot.press("o")
        await settle(pilot)
        assert "TeamScreen" == screen_name(app) and "seoul" == app.screen.team_id
        assert "DPRK ICBM progress" not in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert "TeamScreen" == screen_name(app)
        assert "Facilitator console" not in palette_titles(app)
        # F3 from a team's screen: the dashboard as Seoul may see it, and v does not widen it.
        await pilot.press("f3")
        await settle(pilot)
        assert "DashboardScreen" == screen_name(app)
        assert "what Seoul can see" in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        text = screen_text(app)
        assert "what Seoul can see" in text
        assert "DPRK ICBM progress" not in text and "everything (facilitator view)" not in text
        await pilot.press("f2")
        await settle(pilot)
        assert "DashboardScreen" == screen_name(app)
        await pilot.press("escape")
        await settle(pilot)
        # Nor from a dialog opened from the team's screen.
        await pilot.press("space", "c")
        await settle(pilot)
        assert "ContingencyScreen" == screen_name(app)
        await pilot.press("f2")
        await settle(pilot)
        assert "ContingencyScreen" == screen_name(app)
        assert "Facilitator console" not in palette_titles(app)
        # The palette's dashboard, from the dialog, is Seoul's too.
        dashboard = next(c for c in app.get_system_commands(app.screen) if c.title == "Dashboard")
        dashboard.callback()
        await settle(pilot)
        assert "DashboardScreen" == screen_name(app)
        await pilot.press("v")
        await settle(pilot)
        assert "what Seoul can see" in screen_text(app)
        assert "DPRK ICBM progress" not in screen_text(app)


async def test_the_reveal_shows_nothing_of_a_secret_move():
    app = build_app(["play", "sequencing_2018", "--seed", "3"])
    orders = {"washington": ["us_pompeo_visit"], "pyongyang": ["dprk_quiet_missile_work"],
              "seoul": ["rok_exchanges"], "beijing": ["prc_back_phased"]}
    async with app.run_test(size=(120, 40)) as pilot:
        await to_flagship_turn(pilot, mode="facilitator")
        for moves in orders.values():
            await pilot.press("n")
            await settle(pilot)
            await tick_moves(pilot, moves)
            app.screen.query_one("#rationale").value = "Keep the deterrent"
            await submit_orders(pilot)
            await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "RevealScreen" == screen_name(app)
        assert "dprk_quiet_missile_work" in app.state.records[-1].executed
        text = screen_text(app)
        assert "Pyongyang: no public move" in text
        for hidden in ("Quietly continue missile work", "secret move", "DPRK ICBM progress"):
            assert hidden not in text, hidden
        assert text.count("Keep the deterrent") == 3  # Pyongyang's rationale came with no public move
        # The dashboard opened from the reveal is the room's; v shows everything, for the facilitator.
        await pilot.press("f3")
        await settle(pilot)
        assert "DPRK ICBM progress" not in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert "DPRK ICBM progress" in screen_text(app)
        assert "Quietly continue missile work" in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert "DPRK ICBM progress" not in screen_text(app)


async def test_an_ending_chosen_in_the_console_says_the_facilitator_ended_it_and_why():
    from textual.widgets import Select

    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await start_mini(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "ConsoleScreen" == screen_name(app)
        app.screen.query_one("#console-tabs").active = "tab-turn"
        await settle(pilot)
        app.screen.query_one("#end-outcome", Select).value = "peace_out"
        app.screen.query_one("#end-reason").value = "Out of time for today"
        await pilot.click("#end")
        await settle(pilot)
        assert "EndingScreen" == screen_name(app)
        text = screen_text(app)
        assert "Peace" in text
        assert "Ended by the facilitator" in text
        assert "Out of time for today" in text
        assert "because" not in text  # the chosen ending's condition never held


async def test_the_contingency_dialog_lists_no_secret_move_of_another_team():
    from exercise.engine import contingency_options

    app = build_app(["play", "sequencing_2018", "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await to_flagship_turn(pilot, mode="facilitator")
        await pilot.press("n")  # Washington
        await settle(pilot)
        await pilot.press("space", "c")
        await settle(pilot)
        assert "ContingencyScreen" == screen_name(app)
        listed = app.screen.query_one("#contingent-on")
        values = {listed.get_option_at_index(i).value for i in range(listed.option_count)}
        scenario = app.state.scenario
        assert {m.id for m in contingency_options(app.state, "washington")} == values
        assert not {m.id for m in scenario.moves if m.secret} & values
        text = screen_text(app)
        assert "Quietly continue missile work" not in text
        assert "Quietly loosen enforcement at the border" not in text


async def test_solo_practice_shows_the_students_own_projection_and_no_facilitator_tools():
    app = build_app(["solo", "sequencing_2018", "--as", "seoul", "--seed", "4", "--level", "random"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # past the briefing
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        await pilot.press("f2")
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        assert "Facilitator console" not in palette_titles(app)
        await pilot.press("f3")
        await settle(pilot)
        assert "DashboardScreen" == screen_name(app)
        await pilot.press("v")
        await settle(pilot)
        text = screen_text(app)
        assert "what Seoul can see" in text
        assert "DPRK ICBM progress" not in text


# -- the facilitator PIN: the console and the full view stay the facilitator's in hot-seat ----------
PIN = "kiwi7319"  # letters no hash or hex digest can contain


async def start_mini_with_pin(pilot, pin: str = PIN) -> None:
    await settle(pilot)
    setup = pilot.app.screen
    setup.query_one("#pin").value = pin
    setup.query_one("#pin-again").value = pin
    await submit_orders(pilot)
    await settle(pilot)
    assert "BriefingScreen" == screen_name(pilot.app)
    await pilot.press("enter")
    await settle(pilot)
    assert "TurnScreen" == screen_name(pilot.app)


async def type_pin(pilot, pin: str) -> None:
    assert "PinScreen" == screen_name(pilot.app)
    await pilot.press(*pin, "enter")
    await settle(pilot)


async def test_with_a_pin_the_console_asks_for_it_once_the_curtain_has_been_shown():
    from tui_helpers import notices

    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini_with_pin(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert "CurtainScreen" == screen_name(app)
        await pilot.press("escape")  # a student leaves the curtain for the turn screen
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        await pilot.press("f2")
        await settle(pilot)
        await type_pin(pilot, "1357")
        assert "TurnScreen" == screen_name(app)
        assert any("Wrong PIN" in n for n in notices(app))
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("escape")  # Escape cancels: nothing opens
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        console = next(c for c in app.get_system_commands(app.screen) if c.title == "Facilitator console")
        console.callback()  # the command palette's way in asks too
        await settle(pilot)
        assert "PinScreen" == screen_name(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await type_pin(pilot, PIN)
        assert "ConsoleScreen" == screen_name(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")  # typed since the curtain: not asked again
        await settle(pilot)
        assert "ConsoleScreen" == screen_name(app)


async def test_with_a_pin_the_full_view_asks_for_it_again_after_a_teams_screen():
    from exercise.engine import FACILITATOR, ROOM

    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini_with_pin(pilot)
        await pilot.press("f3")  # the facilitator has just chosen the PIN at setup: not asked
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert FACILITATOR == app.screen.audience
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("o")  # the curtain opens
        await settle(pilot)
        assert "TeamScreen" == screen_name(app)
        await pilot.press("escape")  # back to the curtain, then to the turn screen
        await settle(pilot)
        if "CurtainScreen" == screen_name(app):
            await pilot.press("escape")
            await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await type_pin(pilot, "0000")
        assert "DashboardScreen" == screen_name(app)
        assert ROOM == app.screen.audience
        await pilot.press("v")
        await settle(pilot)
        await type_pin(pilot, PIN)
        assert FACILITATOR == app.screen.audience
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "ConsoleScreen" == screen_name(app)


def test_a_pin_matches_only_its_own_salted_hash():
    from exercise.tui.pin import hash_pin, pin_matches

    first, second = hash_pin(PIN), hash_pin(PIN)
    assert first != second  # a new salt each time
    assert pin_matches(PIN, first) and pin_matches(PIN, second)
    assert not pin_matches("2469", first)
    assert not pin_matches(PIN, "damaged") and not pin_matches(PIN, first.replace("$", "$zz", 1))


async def test_the_pin_is_journaled_only_as_a_salted_hash_and_resume_keeps_the_gate(ttx_home):
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini_with_pin(pilot)
        journal = app.exercise.journal_path
    start = json.loads(journal.read_text().splitlines()[0])
    assert PIN not in json.dumps(start)
    assert start["pin"].startswith("pbkdf2-sha256$")
    assert start["pin"] == Session.resume(journal, write=False).pin
    resumed = build_app(["resume"])
    async with resumed.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "TurnScreen" == screen_name(resumed)
        await pilot.press("f2")  # anyone may have typed `ttx resume`
        await settle(pilot)
        await type_pin(pilot, "9999")
        assert "TurnScreen" == screen_name(resumed)
        await pilot.press("f2")
        await settle(pilot)
        await type_pin(pilot, PIN)
        assert "ConsoleScreen" == screen_name(resumed)


async def test_a_journal_without_a_pin_writes_no_pin_field_and_opens_the_console_at_once():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot)
        assert "pin" not in json.loads(app.exercise.journal_path.read_text().splitlines()[0])
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "ConsoleScreen" == screen_name(app)


async def test_with_a_pin_quitting_after_the_curtain_asks_for_it():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini_with_pin(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+q")  # a student would reach the terminal, and the journal
        await settle(pilot)
        await type_pin(pilot, "1111")
        assert "CurtainScreen" == screen_name(app)
        assert app.is_running


async def test_the_setup_screen_says_what_no_pin_means_in_hot_seat_and_checks_a_pin_typed_twice():
    from textual.widgets import Select

    from tui_helpers import notices

    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "any player at the keyboard can open the facilitator console" in screen_text(app)
        setup = app.screen
        setup.query_one("#pin").value = "2468"
        setup.query_one("#pin-again").value = "2486"
        await settle(pilot)
        assert "any player at the keyboard" not in screen_text(app)
        await submit_orders(pilot)
        await settle(pilot)
        assert "SetupScreen" == screen_name(app)
        assert any("The two PINs differ" in n for n in notices(app))
        setup.query_one("#mode", Select).value = "solo"
        await settle(pilot)
        assert not setup.query_one("#pin-row").display  # no facilitator in solo practice


# -- solo practice: the student plays one team, and only that one --------------------------------
async def test_in_solo_practice_h_is_refused_and_no_other_teams_screen_opens():
    from tui_helpers import footer_keys, notices

    app = build_app(["solo", "sequencing_2018", "--as", "seoul", "--seed", "4", "--level", "random"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # past the briefing
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        assert "h" not in footer_keys(app)
        await pilot.press("h")  # the cursor is on Washington, a computer team
        await settle(pilot)
        assert not app.exercise.is_human("washington")
        assert any("In solo practice you play Seoul" in n for n in notices(app))
        await pilot.press("enter")
        await settle(pilot)
        assert "TurnScreen" == screen_name(app)
        players = [json.loads(line)["type"] for line in app.exercise.journal_path.read_text().splitlines()]
        assert "player" not in players


async def test_in_solo_practice_the_dashboard_from_the_briefing_is_the_students_teams_and_says_so():
    app = build_app(["solo", "sequencing_2018", "--as", "pyongyang", "--seed", "4", "--level", "random"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "BriefingScreen" == screen_name(app)
        await pilot.press("f3")
        await settle(pilot)
        text = screen_text(app)
        assert "what Pyongyang can see" in text
        assert "what every team can see" not in text
        assert "DPRK ICBM progress" in text  # a meter Pyongyang sees and the room does not


# -- footers offer only what works -----------------------------------------------------------------
async def test_the_curtain_and_a_teams_dashboard_offer_no_facilitator_key():
    from tui_helpers import footer_keys, notices

    app = build_app(["play", "sequencing_2018", "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await to_flagship_turn(pilot)
        assert {"f2", "f3"} <= footer_keys(app)
        await pilot.press("n")
        await settle(pilot)
        assert "CurtainScreen" == screen_name(app)
        assert not {"f2", "f3"} & footer_keys(app)
        await pilot.press("f2")  # pressed anyway: it says why, and opens nothing
        await settle(pilot)
        assert "CurtainScreen" == screen_name(app)
        assert any("opens from the turn screen" in n for n in notices(app))
        await pilot.press("o")
        await settle(pilot)
        assert "f2" not in footer_keys(app)
        await pilot.press("f3")
        await settle(pilot)
        assert "DashboardScreen" == screen_name(app)
        assert "v" not in footer_keys(app)


async def test_the_facilitators_dashboard_offers_the_view_v_switches_to():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=SIZE) as pilot:
        await start_mini(pilot)
        await pilot.press("f3")
        await settle(pilot)
        bindings = app.screen.active_bindings
        assert "Full view" == bindings["v"].binding.description
        await pilot.press("v")
        await settle(pilot)
        assert "Room's view" == app.screen.active_bindings["v"].binding.description


# -- the console says what is true --------------------------------------------------------------------
async def test_the_console_says_who_will_read_the_reason_for_an_adjustment():
    from textual.widgets import Select

    app = build_app(["play", "sequencing_2018", "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await to_flagship_turn(pilot, mode="facilitator")
        await pilot.press("f2")
        await settle(pilot)
        reason = app.screen.query_one("#reason")
        app.screen.query_one("#target", Select).value = "icbm_progress"
        await settle(pilot)
        assert "Reason (only Pyongyang will see it)" == reason.placeholder
        app.screen.query_one("#target", Select).value = "tension"
        await settle(pilot)
        assert "Reason (every team and the room will see it)" == reason.placeholder


async def test_once_the_exercise_is_over_the_console_refuses_adjustments_with_a_notice():
    from textual.widgets import Select

    from tui_helpers import notices

    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await start_mini(pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#console-tabs").active = "tab-turn"
        await settle(pilot)
        app.screen.query_one("#end-reason").value = "Out of time"
        await pilot.click("#end")
        await settle(pilot)
        assert "EndingScreen" == screen_name(app)
        await pilot.press("f2")
        await settle(pilot)
        console = app.screen
        assert "ConsoleScreen" == screen_name(app)
        assert "tab-turn" == console.query_one("#console-tabs").active
        assert console.query_one("#end").disabled
        assert "The exercise is over" in screen_text(app)
        # Even reached another way, an adjustment is refused in words, not with a traceback.
        console.query_one("#target", Select).value = "tension"
        console.query_one("#value").value = "10"
        console.query_one("#reason").value = "Too late"
        console._apply()
        console.query_one("#adhoc-title").value = "Too late"
        console._send()
        await settle(pilot)
        assert "ConsoleScreen" == screen_name(app)
        assert 2 <= sum("over" in n for n in notices(app))


async def test_leaving_the_ending_for_home_puts_the_exercise_away_and_the_header_says_so():
    app = build_app(["play", str(MINI), "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await start_mini(pilot)
        app.end("Out of time")
        app.show_turn()
        await settle(pilot)
        assert "EndingScreen" == screen_name(app)
        assert app.sub_title.endswith("ended")
        await pilot.press("escape")
        await settle(pilot)
        assert "HomeScreen" == screen_name(app)
        assert "tabletop exercises" == app.sub_title
        assert "finished" in screen_text(app)  # it can be opened again from the sessions list


# -- 80x24 ---------------------------------------------------------------------------------------
async def test_at_80x24_the_contingency_dialog_keeps_its_title_and_buttons_and_no_marker_is_cut():
    app = build_app(["play", "sequencing_2018", "--seed", "3"])
    async with app.run_test(size=(80, 24)) as pilot:
        await to_flagship_turn(pilot, mode="facilitator")
        await pilot.press("down", "enter")  # Pyongyang: a secret move, and a chance
        await settle(pilot)
        moves = app.screen.query_one("#moves")
        width = moves.scrollable_content_region.width - 4
        prompts = {moves.get_option_at_index(i).value: moves.get_option_at_index(i).prompt
                   for i in range(moves.option_count)}
        assert prompts["dprk_quiet_missile_work"].plain.endswith("(secret)")
        assert all(p.cell_length <= width for p in prompts.values() if p.plain.endswith(")"))
        await pilot.press("space", "c")
        await settle(pilot)
        assert "ContingencyScreen" == screen_name(app)
        screen = app.screen.region
        for part in ("#contingency-title", "#confirm", "#clear", "#cancel"):
            region = app.screen.query_one(part).region
            assert region.height and screen.contains_region(region), part


async def test_the_console_lists_open_expected_actions_and_the_estimate_against_the_truth():
    app = build_app(["play", "sequencing_2018", "--seed", "3"])
    async with app.run_test(size=(120, 40)) as pilot:
        await to_flagship_turn(pilot, mode="facilitator")
        await pilot.press("f2")
        await settle(pilot)
        text = str(app.screen.query_one("#open-items").render())
        # the Singapore statement expects concrete guarantees from Washington within three months
        assert "Expected of Washington: " in text and "August 2018" in text
        state = app.state
        assert (f"reads {state.values['icbm_estimate']:g}; the true value is "
                f"{state.meters['icbm_progress']:g}") in text
