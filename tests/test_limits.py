"""The format's limits (scenarios/README.md, "Limits"): each refused with its code, at its position.

One test per way a file could once crash, hang or exhaust `ttx check`, `ttx run` or `ttx author`:
deep nesting, long conditions, huge or non-finite numbers, huge counts, devices as files.
"""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, FLAGSHIP, MINI, ROOT, run_ttx
from exercise.engine import ScenarioError, initial_state, load_scenario, parse_scenario
from exercise.engine.limits import LIMITS, MAX_CONDITION_DEPTH, MAX_NUMBER, MAX_TEAMS, MAX_TURNS

GOOD = (FIXTURES / "good_small.toml").read_text()
README = ROOT / "scenarios" / "README.md"


def problems(text: str):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "x.toml")
    return info.value.problems


def codes(text: str) -> list[str]:
    return [p.code for p in problems(text)]


def with_rule(condition: str) -> str:
    return GOOD.replace('when = "played(declare) and tension < 45"', f'when = "{condition}"')


def plays_to_an_end(text: str, seed: int = 1) -> str:
    """Load the text and play it with random players to its ending; the ending."""
    from exercise.bots import RandomPlayer
    from exercise.play import play_out

    scenario = parse_scenario(text, "x.toml")
    bot = RandomPlayer(scenario)
    return play_out(initial_state(scenario, seed), {t.id: bot for t in scenario.teams}, seed).outcome


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr


# -- conditions ---------------------------------------------------------------------------


def test_123_nested_parentheses_are_E404_at_the_parenthesis_too_many():
    """Once a RecursionError in `ttx check`."""
    (problem,) = problems(with_rule("(" * 123 + "tension < 45" + ")" * 123))
    assert "E404" == problem.code
    assert f"nested more than {MAX_CONDITION_DEPTH} levels deep" in problem.message
    source = GOOD.splitlines()[problem.line - 1]
    assert 'when = "' in source and problem.col == source.index('"') + 2 + MAX_CONDITION_DEPTH


@pytest.mark.parametrize("prefix", ["not ", "-"])
def test_981_nots_or_minus_signs_are_E404(prefix):
    """Once a RecursionError in `ttx check` (981 of them are also past the length limit)."""
    operand = "declared" if prefix == "not " else "tension < 45"
    assert ["E404"] == codes(with_rule(prefix * 981 + operand))
    operand = "declared" if prefix == "not " else "tension"
    deep = prefix * 40 + operand + ("" if prefix == "not " else " < 45")
    (problem,) = problems(with_rule(deep))
    assert "E404" == problem.code and "levels deep" in problem.message


def test_a_sum_of_993_terms_is_E404_and_a_sum_of_30_plays():
    """A sum of 993 terms once passed `ttx check` and then crashed `ttx run` (RecursionError)."""
    assert ["E404"] == codes(with_rule(" + ".join(["tension"] * 993) + " > 0"))
    (problem,) = problems(with_rule(" + ".join(["tension"] * 40) + " > 0"))
    assert "levels deep" in problem.message
    assert plays_to_an_end(with_rule(" + ".join(["tension"] * 30) + " > 0"))


def test_nesting_counts_every_level_up_to_the_limit():
    """`a + b + c > 2` is four levels deep; a condition of exactly the limit loads."""
    at_limit = "(" * (MAX_CONDITION_DEPTH - 2) + "tension < 45" + ")" * (MAX_CONDITION_DEPTH - 2)
    assert plays_to_an_end(with_rule(at_limit))
    one_more = "(" + at_limit + ")"
    assert ["E404"] == codes(with_rule(one_more))


def test_a_condition_over_1000_characters_is_E404_quoted_short():
    text = with_rule("tension < 45 or " * 70 + "declared")
    (problem,) = problems(text)
    assert "E404" == problem.code
    assert "characters long: at most 1,000" in problem.message
    assert len(problem.message) < 200


def test_the_conditions_of_a_file_add_up_to_at_most_50000_characters():
    condition = " or ".join(["tension < 45"] * 60)  # 900 characters
    rules = "".join(f'\n[[rules]]\nid = "r{i}"\nwhen = "{condition}"\nmessage = "R."\n' for i in range(60))
    found = problems(GOOD + rules)
    assert ["E404"] == [p.code for p in found]
    assert "add up to" in found[0].message and "at most 50,000 in all" in found[0].message


def test_a_big_integer_in_a_condition_is_E108_and_the_products_of_big_numbers_cannot_run_away(tmp_path):
    """A 1.6 MB condition of big-integer products once passed check and took 13 s a game: a
    condition is now at most 1,000 characters, its numbers are below 10^15, and a product is a
    float, which saturates at infinity instead of growing digits."""
    (problem,) = problems(with_rule("tension < " + "9" * 5000))
    assert "E404" == problem.code  # the length, before any digit is read
    (problem,) = problems(with_rule("tension < 1000000000000000"))
    assert ("E108", "numbers are smaller than 10^15") == (problem.code, problem.message.split(": ")[1][:30])
    big = with_rule("tension < 45 or " + " or ".join(["99999999999 * 99999999999 * 99999999999 > tension"] * 32000))
    assert len(big) > 1_600_000
    (tmp_path / "big.toml").write_text(big)
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "big.toml")
    assert ["E105"] == [p.code for p in info.value.problems]
    product = " * ".join(["999999999999999"] * 15)  # 10^225, as an integer; squared below
    text = with_rule(f"tension * {product} > 0 and tension * {product} - {product} * tension < 1")
    assert plays_to_an_end(text)
    assert len(text) < 2 * len(GOOD)


@pytest.mark.parametrize("digit", ["٣", "३", "３", "𝟑"])
def test_non_ascii_digits_are_refused_with_the_reason(digit):
    """Decided: numbers are written with the ASCII digits 0 to 9 (scenarios/README.md, conditions)."""
    (problem,) = problems(with_rule(f"tension > {digit}"))
    assert "E401" == problem.code
    assert f"unexpected character '{digit}': numbers are written with the digits 0 to 9" in problem.message


# -- TOML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["[" * 500 + "]" * 500, "{a = " * 500 + "1" + "}" * 500, "[" * 17 + "]" * 17])
def test_toml_nested_too_deep_is_E107_alone_at_its_position(value):
    """Past about 400 levels tomli raised RecursionError; past 16 levels it is now E107."""
    (problem,) = problems(GOOD + f"\nextra = {value}\n")
    assert "E107" == problem.code
    assert problem.line == GOOD.count("\n") + 2


def test_a_dotted_key_of_thousands_of_parts_is_E107():
    (problem,) = problems(GOOD + "\n" + "a." * 2000 + "b = 1\n")
    assert "E107" == problem.code
    (problem,) = problems(GOOD + "\n" + "a." * 20 + "b = 1\n")
    assert ("E107", GOOD.count("\n") + 2) == (problem.code, problem.line)


def test_an_integer_of_thousands_of_digits_is_E108_at_its_position():
    """Over 4,300 digits, Python's int() once raised ValueError with a traceback."""
    text = GOOD.replace("start = 50", "start = " + "1" * 5000)
    (problem,) = problems(text)
    assert ("E108", 22, 9) == (problem.code, problem.line, problem.col)
    assert "numbers are smaller than 10^15" in problem.message


@pytest.mark.parametrize("where, old, new", [
    ("meters[0].start", "start = 50", "start = 1" + "0" * 400),
    ("meters[0].max", "start = 50", "start = 50\nmax = 1e300"),
    ("teams[0].doctrine.objectives", 'name = "Alpha"', 'name = "Alpha"\ndoctrine = { objectives = 1' + "0" * 400 + " }"),
    ("teams[0].doctrine.risk", 'name = "Alpha"', 'name = "Alpha"\ndoctrine = { risk = 1' + "0" * 400 + " }"),
    ("teams[0].doctrine.values.tension", 'name = "Alpha"', 'name = "Alpha"\ndoctrine = { values = { tension = 1' + "0" * 400 + " } }"),
    ("moves[1].chance", "chance = 0.5", "chance = 0x" + "f" * 1000),
])
def test_numbers_beyond_a_float_are_E108_not_an_overflow(where, old, new):
    """Integers beyond a float in a doctrine weight, `objectives`, `risk` or a meter's start once
    raised OverflowError."""
    (problem,) = problems(GOOD.replace(old, new, 1))
    assert ("E108", where) == (problem.code, problem.path)
    assert problem.line is not None


@pytest.mark.parametrize("old, new, paths", [
    ("tension = -10", "tension = nan", ["moves[0].effects.tension"]),
    ("start = 50", "start = 50\nmin = -inf\nmax = inf", ["meters[0].min", "meters[0].max"]),
    ("start = 50", "start = +inf", ["meters[0].start"]),
    ("chance = 0.5", "chance = nan", ["moves[1].chance"]),
])
def test_nan_and_infinities_are_E108_wherever_a_number_enters(old, new, paths):
    """`effects = { tension = nan }` and `min = -inf, max = inf` once passed check; the meter became
    NaN and the Markdown report crashed."""
    found = problems(GOOD.replace(old, new, 1))
    assert [("E108", path) for path in paths] == [(p.code, p.path) for p in found]
    assert all("numbers must be finite" in p.message for p in found)


def test_a_number_just_below_the_limit_loads_and_plays_and_reports():
    """The largest numbers the format takes, in every place a number enters, play to an ending and
    make a Markdown report."""
    from exercise.bots import make_player
    from exercise.play import session_turn
    from exercise.report import build, markdown
    from exercise.session import Session

    big = MAX_NUMBER - 1
    text = (GOOD.replace("start = 50", f"start = {big}\nmin = -{big}\nmax = {big}")
                .replace("tension = -10", f"tension = -{big}")
                .replace("success = { tension = -20 }", f"success = {{ tension = {big} }}")
                .replace('name = "Alpha"', f'name = "Alpha"\ndoctrine = {{ objectives = {big}, values = {{ tension = -{big} }},'
                                          f' flag_values = {{ declared = {big} }} }}')
                .replace('when = "played(declare) and tension < 45"',
                         f'when = "tension * {big} * {big} * {big} > {big} / 3"\neffects = {{ tension = {big} }}'))
    scenario = parse_scenario(text, "big.toml")
    for level in ("random", "doctrine"):
        session = Session.start(scenario, 3, None)
        players = {t.id: make_player(level, scenario, t.id) for t in scenario.teams}
        while session.state.outcome is None:
            session_turn(session, players)
        assert all(math.isfinite(v) for v in session.state.meters.values())
        assert "Tension" in markdown(build(session, 0))


def test_turns_beyond_100_are_E204_and_10_to_the_30_is_E108():
    """`turns = 10**30` once hung `ttx check`; `turns = 10**9` ran out of memory after 38 s."""
    assert ["E108"] == codes(GOOD.replace("turns = 2\nturn_labels = [\"Spring\", \"Summer\"]", f"turns = {10**30}"))
    for turns in (10**9, MAX_TURNS + 1):
        (problem,) = problems(GOOD.replace("turns = 2\nturn_labels = [\"Spring\", \"Summer\"]", f"turns = {turns}"))
        assert ("E204", f"'turns' must be from 1 to {MAX_TURNS}, not {turns}") == (problem.code, problem.message)
    parse_scenario(GOOD.replace("turns = 2\nturn_labels = [\"Spring\", \"Summer\"]", f"turns = {MAX_TURNS}"))


def test_more_than_32_teams_or_1000_moves_is_E208_at_the_first_table_too_many():
    """200 teams × 10,000 moves once took 3.3 GB and 84 s before turn 1."""
    teams = "".join(f'\n[[teams]]\nid = "t{i}"\nname = "T{i}"\nmoves_per_turn = 0\n' for i in range(MAX_TEAMS - 1))
    (problem,) = problems(GOOD + teams)
    assert ("E208", f"teams[{MAX_TEAMS}]") == (problem.code, problem.path)
    assert problem.line is not None
    moves = "".join(f'\n[[moves]]\nid = "m{i}"\nteam = "alpha"\nlabel = "M"\n' for i in range(999))
    (problem,) = problems(GOOD + moves)
    assert ("E208", "moves[1000]", "1,001 [[moves]] tables: a scenario has at most 1,000") == (
        problem.code, problem.path, problem.message)


def test_strings_ids_and_keys_have_their_lengths():
    (problem,) = problems(GOOD.replace('summary = "Two teams, three moves."', f'summary = "{"x" * 20001}"'))
    assert ("E207", "scenario.summary", 7) == (problem.code, problem.path, problem.line)
    (problem,) = problems(GOOD.replace('id = "small"', f'id = "{"s" * 65}"'))
    assert ("E206", "an id of 65 characters: ids are at most 64") == (problem.code, problem.message)
    (problem,) = problems(GOOD.replace("once = true", f"{'k' * 100} = true"))
    assert ("E207", 33, 1) == (problem.code, problem.line, problem.col)


# -- files ---------------------------------------------------------------------------------


def test_a_file_over_256_kib_is_E105_read_no_further(tmp_path):
    path = tmp_path / "huge.toml"
    with open(path, "wb") as fh:
        fh.truncate(300 * 1024)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert ["E105: the file is 300 KiB; a scenario is at most 256 KiB"] == [
        f"{p.code}: {p.message}" for p in info.value.problems]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_and_a_pipe_are_refused_before_reading(tmp_path):
    """`/dev/zero` to `ttx check` was once read without bound (MemoryError)."""
    result = run_ttx("check", "/dev/zero", timeout=20)
    assert 1 == result.returncode
    assert "/dev/zero: E101 is not a regular file (a device, a pipe or a socket): a scenario is a text file" \
        == result.stdout.strip()
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.toml"
        os.mkfifo(fifo)  # nobody writes to it: opening it to read would wait forever
        result = run_ttx("check", str(fifo), timeout=20)
        assert 1 == result.returncode and "E101 is not a regular file" in result.stdout


# -- the command line, as a user meets the limits -------------------------------------------------


def test_check_reports_each_limit_in_one_line_without_a_traceback(tmp_path):
    cases = {
        "parens.toml": with_rule("(" * 123 + "tension < 45" + ")" * 123),
        "nested.toml": GOOD + "\nx = " + "[" * 500 + "]" * 500 + "\n",
        "digits.toml": GOOD.replace("start = 50", "start = " + "1" * 5000),
        "nan.toml": GOOD.replace("tension = -10", "tension = nan"),
        "turns.toml": GOOD.replace("turns = 2\nturn_labels = [\"Spring\", \"Summer\"]", f"turns = {10**30}"),
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
    result = run_ttx("check", *sorted(str(tmp_path / name) for name in cases), timeout=60)
    assert 1 == result.returncode
    no_traceback(result)
    lines = result.stdout.splitlines()
    assert ["E108", "E108", "E107", "E404", "E108"] == [re.search(r" (E\d{3}) ", line).group(1) for line in lines]
    assert all(len(line) < 600 for line in lines)  # a condition is quoted whole only up to 1,000 characters


def test_an_orders_file_within_nesting_and_number_limits_or_a_coded_line(tmp_path):
    """Nesting past 400 levels and integers of 5,000 digits in an orders file once gave tracebacks."""
    orders = tmp_path / "orders.toml"
    for text, code in [
        ('[[orders]]\nturn = 1\nteam = "a"\nmoves = ' + "[" * 500 + "]" * 500 + "\n", "E107"),
        ("[[orders]]\nturn = " + "1" * 5000 + '\nteam = "a"\nmoves = []\n', "E108"),
        ('[[orders]]\nturn = 1e999\nteam = "a"\nmoves = []\n', "E108"),
        ('[[orders]]\nturn = nan\nteam = "a"\nmoves = []\n', "E108"),
    ]:
        orders.write_text(text)
        result = run_ttx("run", str(MINI), "--seed", "1", "--orders", str(orders), timeout=60)
        assert 2 <= result.returncode or 1 == result.returncode
        no_traceback(result)
        (line,) = (result.stdout + result.stderr).strip().splitlines()
        assert f" {code} " in line and str(orders) in line
    orders.write_text(f'[[orders]]\nturn = 1\nteam = "a"\nmoves = []\nrationale = "{"r" * 501}"\n')
    result = run_ttx("run", str(MINI), "--seed", "1", "--orders", str(orders))
    assert "the rationale is 501 characters long: at most 500" in result.stderr
    no_traceback(result)


def test_ttx_run_plays_whatever_ttx_check_accepts_at_the_limits(tmp_path):
    """Everything `ttx check` accepts plays without an exception: here a condition of exactly the
    nesting limit, numbers just below 10^15, and 100 turns."""
    big = MAX_NUMBER - 1
    at_limit = "(" * (MAX_CONDITION_DEPTH - 2) + "tension < 45" + ")" * (MAX_CONDITION_DEPTH - 2)
    text = (with_rule(at_limit).replace("turns = 2\nturn_labels = [\"Spring\", \"Summer\"]", "turns = 100")
            .replace("start = 50", f"start = 50\nmax = {big}").replace("tension = -10", f"tension = {big}"))
    path = tmp_path / "edge.toml"
    path.write_text(text)
    assert 0 == run_ttx("check", str(path)).returncode
    result = run_ttx("run", str(path), "--seed", "4", "--journal", str(tmp_path / "j.jsonl"), timeout=120)
    assert 0 == result.returncode, result.stderr
    no_traceback(result)


# -- computer players, the facilitator, the authoring screen -------------------------------------


def test_a_random_player_builds_only_the_lists_of_the_teams_it_plays():
    """Every random player once built every team's list of moves: teams × moves before turn 1."""
    from exercise.bots import RandomPlayer
    from exercise.engine.audience import view

    scenario = load_scenario(FLAGSHIP)
    player = RandomPlayer(scenario)
    assert {} == player._others
    state = initial_state(scenario, 1)
    import random

    player.choose(view(state, "washington", False), random.Random(1))
    assert set(player._others) <= {"washington"}
    assert [m.id for m in scenario.moves if m.team != "washington" and not m.secret] == player.others("washington")


def test_an_override_of_a_huge_integer_clamps_and_nan_is_refused():
    """An override went through `math.isfinite`, which raises OverflowError on an int beyond a float."""
    from exercise.engine.state import override

    scenario = load_scenario(MINI)
    meter = scenario.meters[0]
    state = initial_state(scenario, 1)
    assert meter.max == override(state, meter.id, 10**400, "test").meters[meter.id]
    assert meter.min == override(state, meter.id, -10**400, "test").meters[meter.id]
    for value in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="takes a number"):
            override(state, meter.id, value, "test")


async def test_the_author_screen_shows_a_limit_it_hits_and_stays_up(tmp_path, monkeypatch):
    """Saving a condition of 123 nested parentheses with `ttx author` open once killed the screen."""
    from exercise.cli import build_app
    from tui_helpers import screen_text, settle

    monkeypatch.setenv("TTX_HOME", str(tmp_path / "home"))
    path = tmp_path / "draft.toml"
    path.write_text(GOOD)
    app = build_app(["author", str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "0 error(s)" in screen_text(app)
        for text, code in [(with_rule("(" * 123 + "tension < 45" + ")" * 123), "E404"),
                           (GOOD + "\nx = " + "[" * 500 + "]" * 500 + "\n", "E107"),
                           (GOOD.replace("start = 50", "start = " + "1" * 5000), "E108"),
                           (GOOD.replace("tension = -10", "tension = nan"), "E108")]:
            path.write_text(text)
            app.screen.recheck()
            await settle(pilot)
            shown = screen_text(app)
            assert "AuthorScreen" == type(app.screen).__name__
            assert code in shown and "cannot be played yet" in shown


# -- the format reference ------------------------------------------------------------------


def test_the_format_reference_has_a_line_for_each_limit():
    """scenarios/README.md, "Limits": each limit with its figure and its code."""
    section = README.read_text(encoding="utf-8").split("\n## Limits\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| what")]
    for code, what, figure in LIMITS:
        row = next((r for r in rows if r.startswith(f"| {what} |")), None)
        assert row is not None, f"no line for {what}"
        assert figure in row and code in row, row


def test_a_limit_at_the_bottom_of_the_stack_is_still_a_problem_not_a_crash():
    """The limits keep every recursion shallow: a check made with little stack left (as from deep
    inside a screen) reports the nesting, it does not raise RecursionError."""
    depth = len(__import__("inspect").stack())
    limit = sys.getrecursionlimit()
    text = with_rule("(" * (MAX_CONDITION_DEPTH - 2) + "tension < 45" + ")" * (MAX_CONDITION_DEPTH - 2))

    def nested(n: int):
        return nested(n - 1) if n else parse_scenario(text)

    assert nested(max(0, limit - depth - 400)).rules[0].id == "relief"


# -- what the fuzz tests found -------------------------------------------------------------


def test_the_chart_of_a_meter_with_a_narrow_range_near_10_15_has_a_few_gridlines():
    """Found by tests/test_fuzz_scenarios.py: gridlines were added up step by step, and at 10^14 a
    step of 0.002 does not move the sum; the report filled memory. A span of a few denormals took
    the logarithm of 0."""
    from exercise.report import chart

    for low, high in [(1e14, 1e14 + 0.01), (0, 5e-324), (-(MAX_NUMBER - 1), MAX_NUMBER - 1)]:
        assert 1 <= len(chart([low, high], low, high, [], []).y_ticks) <= 11


@pytest.mark.parametrize("level", ["doctrine", "lookahead"])
def test_a_computer_player_of_a_team_that_may_order_no_move_passes(level):
    """Found by the fuzz tests: with `moves_per_turn = 0` and moves of its own, a doctrine player
    tried its moves and the turn raised IllegalOrder."""
    from exercise.bots import make_player
    from exercise.play import play_out

    scenario = parse_scenario(GOOD.replace('name = "Alpha"', 'name = "Alpha"\nmoves_per_turn = 0'), "x.toml")
    players = {t.id: make_player(level, scenario, t.id) for t in scenario.teams}
    assert play_out(initial_state(scenario, 1), players, 1).outcome


def test_an_orders_file_naming_a_table_as_its_team_is_one_line(tmp_path):
    """Found by the fuzz tests: `team = { … }` raised TypeError (a table cannot be looked up)."""
    from exercise.orders_file import OrdersFileError, read_orders

    path = tmp_path / "orders.toml"
    path.write_text('[[orders]]\nturn = 1\nteam = { a = 1 }\nmoves = []\n')
    with pytest.raises(OrdersFileError, match=r"orders\[0\]: unknown team \{'a': 1\}"):
        read_orders(str(path), load_scenario(MINI))


def test_a_rule_reading_a_flag_a_thousand_rules_set_names_a_few_of_them():
    """W109 compared every rule with every other (a thousand rules: a second of `ttx check`);
    now each flag's rules are gathered once, and the message names four and counts the rest."""
    from exercise.engine.lint import static_warnings

    rules = "".join(f'\n[[rules]]\nid = "r{i}"\nwhen = "declared"\nmessage = "M."\neffects = {{ set = ["declared"] }}\n'
                    for i in range(7))
    text = GOOD + rules
    warnings = [w for w in static_warnings(parse_scenario(text, "x.toml"), text) if w.code == "W109"]
    assert 7 == len(warnings)
    assert "which rules 'r1', 'r2', 'r3', 'r4' and 2 more set" in warnings[0].message
