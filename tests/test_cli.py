"""The `ttx` command run as a subprocess, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FLAGSHIP, MINI, ROOT, SCENARIOS, run_ttx
from exercise.bundled import bundled_scenarios
from exercise.engine import load_scenario
from exercise.session import Session


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


def test_list_shows_every_bundled_scenario_with_title_teams_and_turns():
    result = run_ttx("list")
    assert 0 == result.returncode
    paths = bundled_scenarios()
    assert paths, "no bundled scenarios found"
    for path in paths:
        scenario = load_scenario(path)
        assert path.stem in result.stdout
        assert scenario.title in result.stdout
        assert f"{scenario.turns} turns" in result.stdout
        for team in scenario.teams:
            assert team.name in result.stdout


def test_check_accepts_every_bundled_scenario():
    result = run_ttx("check", *[str(p) for p in bundled_scenarios()])
    assert 0 == result.returncode, result.stdout + result.stderr
    assert result.stdout.count(": ok") == len(bundled_scenarios())


def test_check_reports_every_problem_of_every_file_one_line_each(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(MINI.read_text().replace('label = "Declare"', 'label = "Declare"\ncolour = "red"')
                   .replace('when = "tension < 50"', 'when = "tensoin < 50"'))
    result = run_ttx("check", str(bad), str(MINI))
    assert 1 == result.returncode
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{bad}:") and "E202" in line and "colour" in line for line in lines)
    assert any("E402" in line and "did you mean 'tension'" in line for line in lines)
    assert any(line.startswith(f"{MINI}: ok") for line in lines)
    no_traceback(result)


def test_check_full_format_shows_the_source_line_a_caret_and_a_hint(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(MINI.read_text().replace("start = 50", 'start = "high"'))
    result = run_ttx("check", "--format", "full", str(bad))
    assert 1 == result.returncode
    assert 'start = "high"' in result.stdout
    assert "^" in result.stdout
    assert "hint:" in result.stdout


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "E103"),
        (b"\x00\x01\x02binary", "E102"),
        (b"format = 1\n[scenario\n", "E104"),
    ],
)
def test_check_gives_one_clear_line_for_unreadable_files(tmp_path, content, code):
    path = tmp_path / "broken.toml"
    path.write_bytes(content)
    result = run_ttx("check", str(path))
    assert 1 == result.returncode
    assert code in result.stdout
    assert 1 == len(result.stdout.strip().splitlines())
    no_traceback(result)


def test_check_refuses_a_50_mb_file_quickly_with_one_line(tmp_path):
    path = tmp_path / "huge.toml"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    result = run_ttx("check", str(path), timeout=30)
    assert 1 == result.returncode
    assert "E105" in result.stdout
    no_traceback(result)


def test_check_of_a_missing_file_says_so():
    result = run_ttx("check", "no/such/file.toml")
    assert 1 == result.returncode
    assert "no such file" in result.stdout


def test_run_prints_a_turn_by_turn_transcript_with_the_outcome():
    result = run_ttx("run", str(MINI), "--seed", "3")
    assert 0 == result.returncode, result.stderr
    scenario = load_scenario(MINI)
    for turn in range(1, scenario.turns + 1):
        assert f"== Turn {turn}" in result.stdout
    assert "== Outcome:" in result.stdout
    assert "Meters" in result.stdout


def test_run_is_deterministic_for_a_seed():
    first = run_ttx("run", str(MINI), "--seed", "11")
    second = run_ttx("run", str(MINI), "--seed", "11")
    assert first.stdout == second.stdout


def test_run_finds_a_bundled_scenario_by_name():
    name = bundled_scenarios()[0].stem
    result = run_ttx("run", name, "--seed", "1")
    assert 0 == result.returncode, result.stderr
    assert "== Outcome:" in result.stdout


def test_run_with_an_unknown_scenario_name_suggests_one():
    name = bundled_scenarios()[0].stem
    result = run_ttx("run", name[:-1] + "x", "--seed", "1")
    assert 1 == result.returncode
    assert f"did you mean '{name}'" in result.stderr
    assert 1 == len(result.stderr.strip().splitlines())


def test_run_of_a_broken_scenario_points_to_check(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(MINI.read_text().replace('team = "a"', 'team = "zulu"'))
    result = run_ttx("run", str(bad), "--seed", "1")
    assert 1 == result.returncode
    assert "ttx check" in result.stderr
    assert "unknown team 'zulu'" in result.stderr
    no_traceback(result)


def test_run_with_an_illegal_scripted_move_stops_with_one_line_and_keeps_the_journal(tmp_path):
    orders = tmp_path / "orders.toml"
    orders.write_text(
        '[[orders]]\nturn = 1\nteam = "a"\nmoves = ["declare"]\n'
        '[[orders]]\nturn = 1\nteam = "b"\nmoves = []\n'
        '[[orders]]\nturn = 2\nteam = "a"\nmoves = ["declare"]\n'
    )
    journal = tmp_path / "game.jsonl"
    result = run_ttx("run", str(MINI), "--seed", "1", "--orders", str(orders), "--journal", str(journal))
    assert 1 == result.returncode
    assert "turn 2, a: 'declare' is not available: already played (once only)" in result.stderr
    no_traceback(result)
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    assert "resolve" in [e["type"] for e in events]
    session = Session.resume(journal)
    assert 2 == session.state.turn
    assert ("declare",) == tuple(p.move for p in session.state.history.plays if p.team == "a")


def test_run_with_an_orders_file_naming_an_unknown_move_suggests_the_right_one(tmp_path):
    orders = tmp_path / "orders.toml"
    orders.write_text('[[orders]]\nturn = 1\nteam = "a"\nmoves = ["declar"]\n')
    result = run_ttx("run", str(MINI), "--seed", "1", "--orders", str(orders))
    assert 1 == result.returncode
    assert "unknown move 'declar': did you mean 'declare'?" in result.stderr


def test_run_with_contingent_scripted_orders_executes_them_together(tmp_path):
    orders = tmp_path / "orders.toml"
    orders.write_text(
        '[[orders]]\nturn = 1\nteam = "a"\nmoves = [{ move = "declare", if = ["peace"] }]\n'
        '[[orders]]\nturn = 1\nteam = "b"\nmoves = [{ move = "peace", if = "declare" }]\n'
    )
    result = run_ttx("run", str(MINI), "--seed", "1", "--orders", str(orders))
    assert 0 == result.returncode, result.stderr
    assert "carried out together with" in result.stdout
    assert "Synchronized!" in result.stdout


def test_run_journal_resumes_to_the_same_ending(tmp_path):
    journal = tmp_path / "game.jsonl"
    result = run_ttx("run", str(MINI), "--seed", "5", "--journal", str(journal))
    assert 0 == result.returncode
    session = Session.resume(journal)
    outcome = next(o for o in session.scenario.outcomes if o.id == session.state.outcome)
    assert f"== Outcome: {outcome.title}" in result.stdout


def test_run_refuses_to_overwrite_an_existing_journal(tmp_path):
    journal = tmp_path / "game.jsonl"
    journal.write_text("keep me\n")
    result = run_ttx("run", str(MINI), "--seed", "5", "--journal", str(journal))
    assert 1 == result.returncode
    assert "already exists" in result.stderr
    assert "keep me\n" == journal.read_text()


def test_python_dash_m_exercise_is_the_same_command():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "exercise", "--version"], capture_output=True, text=True)
    assert 0 == result.returncode
    assert "ttx" in result.stdout


def _ending_files() -> list[Path]:
    return sorted((SCENARIOS / "orders" / "sequencing_2018").glob("*.toml"))


@pytest.mark.parametrize("orders", _ending_files(), ids=lambda p: p.stem)
def test_each_flagship_ending_is_reached_by_its_scripted_orders(orders):
    scenario = load_scenario(FLAGSHIP)
    outcome = next(o for o in scenario.outcomes if o.id == orders.stem)
    result = run_ttx("run", str(FLAGSHIP), "--seed", "1", "--orders", str(orders))
    assert 0 == result.returncode, result.stderr
    assert f"== Outcome: {outcome.title}" in result.stdout


def test_the_flagship_has_a_scripted_orders_file_for_at_least_four_endings():
    scenario = load_scenario(FLAGSHIP)
    stems = {p.stem for p in _ending_files()}
    assert stems <= {o.id for o in scenario.outcomes}
    assert len(stems) >= 4


def test_replay_prints_the_same_turns_as_the_run_that_wrote_the_journal(tmp_path):
    journal = tmp_path / "game.jsonl"
    run = run_ttx("run", str(MINI), "--seed", "4", "--journal", str(journal))
    replay = run_ttx("replay", str(journal))
    assert 0 == replay.returncode, replay.stderr
    turns = lambda text: text[text.index("== Turn 1"):].replace(f"\nJournal: {journal}\n", "")  # noqa: E731
    assert turns(run.stdout) == turns(replay.stdout)


def test_replay_of_a_torn_journal_warns_and_keeps_the_intact_events(tmp_path):
    journal = tmp_path / "game.jsonl"
    run_ttx("run", str(MINI), "--seed", "4", "--journal", str(journal))
    data = journal.read_bytes()
    journal.write_bytes(data[:-15])
    result = run_ttx("replay", str(journal))
    assert 0 == result.returncode
    assert "cut short" in result.stderr
    assert "== Turn 1" in result.stdout
    no_traceback(result)


def test_replay_refuses_a_changed_scenario_unless_forced(tmp_path):
    journal = tmp_path / "game.jsonl"
    copy = tmp_path / "mini.toml"
    copy.write_text(MINI.read_text())
    run_ttx("run", str(copy), "--seed", "4", "--journal", str(journal))
    copy.write_text(MINI.read_text() + "\n# edited\n")
    refused = run_ttx("replay", str(journal))
    assert 1 == refused.returncode
    assert "has changed since this session started" in refused.stderr
    assert "--force" in refused.stderr
    forced = run_ttx("replay", str(journal), "--force")
    assert 0 == forced.returncode


def test_replay_refuses_a_journal_of_another_scenario(tmp_path):
    journal = tmp_path / "game.jsonl"
    run_ttx("run", str(MINI), "--seed", "4", "--journal", str(journal))
    other = tmp_path / "other.toml"
    other.write_text(MINI.read_text().replace('id = "mini"', 'id = "other"'))
    result = run_ttx("replay", str(journal), "--scenario", str(other))
    assert 1 == result.returncode
    assert "this journal is from scenario 'mini', not 'other'" in result.stderr


def test_replay_of_a_file_that_is_not_a_journal_says_so(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n")
    result = run_ttx("replay", str(path))
    assert 1 == result.returncode
    assert "not a ttx journal" in result.stderr
    no_traceback(result)


def test_the_wheel_carries_the_bundled_scenarios(tmp_path):
    import subprocess
    import sys
    import zipfile

    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert 0 == build.returncode, build.stderr
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for path in bundled_scenarios():
        assert f"exercise/scenarios/{path.name}" in names
    assert "exercise/scenarios/README.md" in names


def test_run_with_bot_levels_per_team_prints_their_reasons():
    result = run_ttx("run", "sequencing_2018", "--seed", "3", "--bot", "doctrine", "--bot", "seoul=lookahead")
    assert 0 == result.returncode, result.stderr
    assert "Washington (the computer (doctrine))" in result.stdout
    assert "Seoul (the computer (lookahead))" in result.stdout
    assert "why: looked ahead" in result.stdout
    assert "why: " in result.stdout.split("Washington (the computer (doctrine))")[2]


@pytest.mark.parametrize("value, words", [("clever", "unknown level 'clever'"),
                                          ("seol=doctrine", "unknown team 'seol': did you mean 'seoul'?")])
def test_run_with_a_bad_bot_option_says_what_is_wrong(value, words):
    result = run_ttx("run", "sequencing_2018", "--seed", "3", "--bot", value)
    assert 1 == result.returncode
    assert words in result.stderr
    no_traceback(result)


def test_run_as_the_room_hides_secret_moves_and_hidden_meters_that_the_facilitator_sees():
    args = ("run", "sequencing_2018", "--seed", "3", "--bot", "doctrine")
    facilitator = run_ttx(*args)
    room = run_ttx(*args, "--as", "room")
    seoul = run_ttx(*args, "--as", "seoul")
    assert 0 == facilitator.returncode == room.returncode == seoul.returncode
    assert "Quietly continue missile work" in facilitator.stdout and "DPRK ICBM progress" in facilitator.stdout
    for result in (room, seoul):
        assert "Quietly continue missile work" not in result.stdout
        assert "DPRK ICBM progress" not in result.stdout
    assert "as seen by the room" in room.stdout and "as seen by Seoul" in seoul.stdout


def test_replay_and_report_take_an_audience_and_refuse_an_unknown_one(tmp_path):
    journal = tmp_path / "game.jsonl"
    assert 0 == run_ttx("run", "sequencing_2018", "--seed", "3", "--bot", "doctrine", "--journal", str(journal)).returncode
    replay = run_ttx("replay", str(journal), "--as", "pyongyang")
    assert 0 == replay.returncode and "Quietly continue missile work" in replay.stdout
    assert "Quietly loosen enforcement" not in replay.stdout  # Beijing's secret
    bad = run_ttx("replay", str(journal), "--as", "pyongang")
    assert 1 == bad.returncode and "Traceback" not in bad.stderr
    assert "unknown audience 'pyongang': did you mean 'pyongyang'?" in bad.stderr
    report = run_ttx("report", str(journal), "--replays", "0")
    assert 0 == report.returncode and "The room's version" in report.stdout
    assert "Quietly continue missile work" not in report.stdout
    full = run_ttx("report", str(journal), "--replays", "0", "--audience", "facilitator")
    assert "The facilitator's version" in full.stdout and "Quietly continue missile work" in full.stdout


def test_journals_reports_and_the_sessions_folder_are_private(tmp_path):
    import os
    import stat

    home = tmp_path / "home"
    env_home = {"TTX_HOME": str(home)}
    from exercise.session import new_journal_path

    old = os.environ.get("TTX_HOME")
    os.environ.update(env_home)
    try:
        first, second = new_journal_path("x"), new_journal_path("x")
    finally:
        if old is None:
            del os.environ["TTX_HOME"]
        else:
            os.environ["TTX_HOME"] = old
    assert first != second  # claimed atomically: two sessions in one second never share a file
    assert 0o700 == stat.S_IMODE((home / "sessions").stat().st_mode)
    assert 0o600 == stat.S_IMODE(first.stat().st_mode)
    journal = tmp_path / "game.jsonl"
    run_ttx("run", "tutorial", "--seed", "1", "--journal", str(journal))
    assert 0o600 == stat.S_IMODE(journal.stat().st_mode)
    out = tmp_path / "report.html"
    assert 0 == run_ttx("report", str(journal), "--format", "html", "--replays", "0", "-o", str(out)).returncode
    assert 0o600 == stat.S_IMODE(out.stat().st_mode)


def test_an_injects_text_is_shown_with_its_title_to_its_audience():
    """Injects: `text` is said wherever the title is (issue: an inject's text was shown nowhere)."""
    room = run_ttx("run", "sequencing_2018", "--seed", "1", "--as", "room").stdout
    assert "President Trump committed to provide security guarantees" in room
    beijing = run_ttx("run", "sequencing_2018", "--seed", "1", "--as", "beijing").stdout
    assert "After years of distance, Kim and Xi consolidate their strategic relationship." in beijing
    assert "After years of distance" not in room  # a private inject's text stays with its audience


def test_a_variant_cuts_the_flagship_for_a_50_minute_class(tmp_path):
    """`[[variants]]`: fewer turns, their labels, and the injects rescheduled to fit."""
    journal = tmp_path / "class.jsonl"
    result = run_ttx("run", "sequencing_2018", "--seed", "1", "--variant", "class_50", "--journal", str(journal))
    assert 0 == result.returncode, result.stderr
    assert "== Turn 4 (October 2018) ==" in result.stdout and "Turn 5" not in result.stdout
    assert "Inject: Ri Yong-ho at the UN" in result.stdout  # September, moved from turn 4 to turn 3
    assert "The Kremlin invites Kim" in result.stdout
    from exercise.session import Session

    resumed = Session.resume(journal, write=False)
    assert ("class_50", 4) == (resumed.scenario.variant, resumed.scenario.turns)
    listing = run_ttx("list").stdout
    assert "--variant class_50: A 50-minute class" in listing
    bad = run_ttx("run", "sequencing_2018", "--seed", "1", "--variant", "class50")
    assert 1 == bad.returncode and "Traceback" not in bad.stderr
    assert "unknown variant 'class50': did you mean 'class_50'?" in bad.stderr


def test_a_variant_reaches_the_roadmap_in_its_last_turn_at_the_earliest():
    result = run_ttx("simulate", "sequencing_2018", "--variant", "class_50", "--runs", "100", "--bot", "doctrine",
                     "--json", "-q")
    import json

    report = json.loads(result.stdout)
    assert set(report["end_turn"]) <= {"4"}  # no doctrine game ends before October
    assert report["endings"]["verified_roadmap"]["count"] > 0


@pytest.mark.parametrize("seed", ["-1", "9223372036854775808", "123456789012345678901234567890123456789012", "x"])
def test_a_seed_out_of_range_or_not_a_number_is_one_line(seed) -> None:
    import subprocess
    import sys

    for args in (["run", "tutorial", "--seed", seed], ["simulate", "tutorial", "--seed", seed, "--runs", "1"]):
        result = subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True, text=True)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1 and "a seed is 0 to 9223372036854775807" in result.stderr


def test_the_largest_seed_plays_and_an_empty_scenario_name_is_one_line() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "exercise", "run", "tutorial", "--seed", str(2**63 - 1)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    result = subprocess.run([sys.executable, "-m", "exercise", "play", ""], capture_output=True, text=True)
    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0 and "no scenario named" in result.stderr
