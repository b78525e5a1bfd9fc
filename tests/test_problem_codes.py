"""One small bad file per problem code: the code, the exact position, and the words a person needs.

Each fixture in tests/fixtures/problems/ is the good file tests/fixtures/good_tiny.toml with
one mistake; its name starts with the code it must produce.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, run_ttx
from exercise.engine import ScenarioError, load_scenario

PROBLEMS = FIXTURES / "problems"
GOOD = FIXTURES / "good_tiny.toml"


def problems_of(path: Path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def test_the_good_file_loads():
    scenario = load_scenario(GOOD)
    assert "tiny" == scenario.id


@pytest.mark.parametrize("path", sorted(PROBLEMS.glob("*.toml")), ids=lambda p: p.stem)
def test_each_fixture_fails_with_the_code_in_its_name_and_nothing_else(path):
    code = path.stem.split("_")[0]
    assert [code] == [p.code for p in problems_of(path)]


# (fixture, line, col, words the message must contain)
EXPECTED = [
    ("E104_toml_syntax", 25, 17, ["TOML syntax"]),
    ("E106_format_missing", None, None, ["missing 'format' key"]),
    ("E106_format_unsupported", 1, 10, ["format 7 is not supported", "format 1"]),
    ("E201_wrong_type", 16, 9, ["'start' must be a number", 'the string "fifty"']),
    ("E202_unknown_key", 26, 1, ["unknown key 'descripton'", "did you mean 'description'?"]),
    ("E203_duplicate_id", 30, 6, ["duplicate id 'declare'", "first declared at line 23"]),
    ("E204_out_of_range", 16, 9, ["'start' (150) is outside the bounds 0..100"]),
    ("E205_missing_key", 29, 1, ["missing required key 'title'"]),
    ("E206_invalid_id", 23, 6, ["'Declare Now' is not a valid id"]),
    ("E301_unknown_reference", 24, 8, ["unknown team 'alpah'", "did you mean 'alpha'?"]),
    ("E401_condition_syntax", 33, 23, ["unexpected character '&'", "use 'and', 'or', 'not'"]),
    ("E402_unknown_name", 33, 9, ["unknown name 'tensoin'", "did you mean 'tension'?"]),
    ("E403_condition_type", 26, 13, ["must be true or false, not a number"]),
    ("E501_no_fallback_outcome", None, None, ["no outcome for the end of the last turn", "at_end = true"]),
    ("E502_turn_labels", 8, 15, ["1 turn labels for 2 turns"]),
]


@pytest.mark.parametrize("name, line, col, words", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_problem_has_its_exact_position_and_the_words_a_person_needs(name, line, col, words):
    path = PROBLEMS / f"{name}.toml"
    (problem,) = problems_of(path)
    assert (line, col) == (problem.line, problem.col)
    for word in words:
        assert word in problem.message
    if line is not None:
        # The position points at what is wrong, not at a guessed line.
        source = path.read_text().splitlines()[line - 1]
        assert source.strip(), "the reported line is blank"


def test_positions_point_at_the_offending_text():
    (problem,) = problems_of(PROBLEMS / "E402_unknown_name.toml")
    source = (PROBLEMS / "E402_unknown_name.toml").read_text().splitlines()[problem.line - 1]
    assert source[problem.col - 1:].startswith("tensoin")
    (problem,) = problems_of(PROBLEMS / "E401_condition_syntax.toml")
    source = (PROBLEMS / "E401_condition_syntax.toml").read_text().splitlines()[problem.line - 1]
    assert "&" == source[problem.col - 1]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    text = GOOD.read_text()
    text = text.replace("start = 50", 'start = "fifty"').replace('team = "alpha"', 'team = "alpah"')
    text = text.replace('when = "tension <= 20"', 'when = "tensoin <= 20"')
    path = tmp_path / "three.toml"
    path.write_text(text)
    assert ["E201", "E301", "E402"] == [p.code for p in problems_of(path)]


@pytest.mark.parametrize("content, code", [(b"", "E103"), (b"  \n\n", "E103"), (b"\x89PNG\x00\x00", "E102"),
                                           ("tension = 'é'".encode("latin-1"), "E102")])
def test_unreadable_files_get_one_problem(tmp_path, content, code):
    path = tmp_path / "x.toml"
    path.write_bytes(content)
    assert [code] == [p.code for p in problems_of(path)]


def test_a_missing_file_and_a_directory_are_E101(tmp_path):
    assert ["E101"] == [p.code for p in problems_of(tmp_path / "nope.toml")]
    assert ["E101"] == [p.code for p in problems_of(tmp_path)]


def test_a_file_over_8_mib_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.toml"
    with open(path, "wb") as fh:
        fh.truncate(9 * 1024 * 1024)
    (problem,) = problems_of(path)
    assert "E105" == problem.code
    assert "9.0 MiB" in problem.message


def test_a_condition_cannot_reach_python(tmp_path):
    """A scenario file is data: conditions name only what the scenario declares."""
    attempts = ["__import__('os')", "tension.real > 0", "declared.__class__", "exec('x')",
                "tension[0] > 1", "(lambda: 1)()", "open('f')"]
    for attempt in attempts:
        path = tmp_path / "evil.toml"
        path.write_text(GOOD.read_text().replace('when = "tension <= 20"', f'when = "{attempt}"'))
        codes = [p.code for p in problems_of(path)]
        assert codes and set(codes) <= {"E401", "E402", "E403"}, (attempt, codes)


def test_check_full_format_shows_the_line_and_a_caret_under_the_mistake():
    result = run_ttx("check", "--format", "full", str(PROBLEMS / "E402_unknown_name.toml"))
    lines = result.stdout.splitlines()
    source = next(i for i, line in enumerate(lines) if 'when = "tensoin <= 20"' in line)
    caret = lines[source + 1]
    assert lines[source].index("tensoin") == caret.index("^")
    assert any(line.strip().startswith("hint:") for line in lines)
