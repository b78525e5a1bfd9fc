"""Files the commands write: one line for every file-system error, no file replaced unasked, no link followed."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import MINI, run_ttx

from exercise.engine import load_scenario


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The error of a `ttx` run that failed as it should: status 1, one line, no traceback."""
    assert 1 == result.returncode, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert 1 == len(lines), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def journal(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("game") / "game.jsonl"
    assert 0 == run_ttx("run", str(MINI), "--seed", "5", "--journal", str(path)).returncode
    return path


@pytest.fixture
def unwritable(tmp_path) -> Path:
    """A folder no file can be created in: a read-only one, or, for root, sysfs (which refuses even root)."""
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    folder = Path("/sys/kernel")
    try:
        os.close(os.open(folder / "ttx-probe", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except PermissionError:
        yield folder
        return
    except OSError:
        pass
    pytest.skip("no folder here refuses to create a file")


# -- ttx new -------------------------------------------------------------------------------------
def test_new_escapes_team_names_so_the_starter_checks_clean(tmp_path):
    path = tmp_path / "quotes.toml"
    names = ['A"B', "C\\D", "Tab\there", "Del\x7fete"]
    result = run_ttx("new", str(path), "--teams", ",".join(names))
    assert 0 == result.returncode, result.stderr
    assert names == [t.name for t in load_scenario(path).teams]
    assert 0 == run_ttx("check", str(path)).returncode


@pytest.mark.parametrize("teams, words", [
    ("turn,Blue", "the team 'turn' (id 'turn'): 'turn' is a reserved word"),
    ("and,or", "the team 'and' (id 'and')"),
    ("Red Team, red-team", "two team names give the same id"),
    ("x" * 500 + ",y", "ids are at most"),
])
def test_new_refuses_team_names_that_would_not_check_in_one_line(tmp_path, teams, words):
    path = tmp_path / "s.toml"
    error = one_line_error(run_ttx("new", str(path), "--teams", teams))
    assert words in error and "nothing was written" in error
    assert len(error) < 400
    assert not path.exists()


def test_a_newline_in_the_path_never_becomes_a_line_of_the_file(tmp_path):
    path = tmp_path / "two\nlines = 1\n.toml"
    result = run_ttx("new", str(path))
    assert 0 == result.returncode, result.stderr
    assert "lines = 1" not in [line.strip() for line in path.read_text().splitlines()]
    assert "two\\nlines = 1\\n.toml" in path.read_text()
    assert 1 == len(result.stdout.strip().splitlines())
    assert 0 == run_ttx("check", str(path)).returncode


def test_new_never_follows_a_dangling_symbolic_link(tmp_path):
    link = tmp_path / "s.toml"
    link.symlink_to(tmp_path / "target.toml")
    error = one_line_error(run_ttx("new", str(link)))
    assert "already exists" in error
    assert not (tmp_path / "target.toml").exists()


def test_new_file_system_errors_are_one_line_with_the_path_and_the_reason(tmp_path, unwritable):
    (tmp_path / "folder.toml").mkdir()
    cases = [
        (tmp_path / "missing" / "s.toml", "no such folder"),
        (tmp_path / "folder.toml", "already exists"),
        (unwritable / "s.toml", "permission denied"),
    ]
    for path, words in cases:
        error = one_line_error(run_ttx("new", str(path)))
        assert str(path.parent if words == "no such folder" else path) in error and words in error, error


# -- -o: reports, schemas, exports ---------------------------------------------------------------
def test_report_o_refuses_an_existing_file_unless_forced(journal, tmp_path):
    out = tmp_path / "report.md"
    out.write_text("my notes\n")
    error = one_line_error(run_ttx("report", str(journal), "-o", str(out)))
    assert str(out) in error and "already exists" in error and "--force" in error
    assert "my notes\n" == out.read_text()
    assert 0 == run_ttx("report", str(journal), "-o", str(out), "--force").returncode
    assert out.read_text().startswith("#")
    assert 0o600 == stat.S_IMODE(out.stat().st_mode)


def test_report_o_never_writes_over_a_journal_forced_or_not(journal, tmp_path):
    before = journal.read_bytes()
    for extra in ([], ["--force"]):
        error = one_line_error(run_ttx("report", str(journal), "-o", str(journal), *extra))
        assert "is the file being read" in error
    other = tmp_path / "other.jsonl"
    other.write_bytes(before)
    error = one_line_error(run_ttx("report", str(journal), "-o", str(other), "--force"))
    assert "is a session journal, which is never written over" in error
    assert before == journal.read_bytes() == other.read_bytes()


def test_o_with_force_replaces_a_link_never_its_target(journal, tmp_path):
    target = tmp_path / "target.md"
    target.write_text("keep\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    assert 0 == run_ttx("schema", "-o", str(link), "--force").returncode
    assert "keep\n" == target.read_text()
    assert not link.is_symlink() and json.loads(link.read_text())
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    error = one_line_error(run_ttx("report", str(journal), "-o", str(dangling)))
    assert "already exists" in error
    assert not (tmp_path / "nowhere.md").exists()


@pytest.mark.parametrize("command", [["schema"], ["report", "{journal}"], ["export", "{store}"]])
def test_o_file_system_errors_are_one_line_with_the_path_and_the_reason(command, journal, tmp_path, unwritable):
    from exercise.seats.store import open_store
    from exercise.session import Session

    store = tmp_path / "s.sqlite"
    Session.resume(journal, write=False)
    args = [a.format(journal=journal, store=store) for a in command]
    if command[0] == "export":
        from exercise.cli import main

        assert 0 == main(["import", str(journal), "--store", str(store), "--session", "one"])
        open_store(str(store))
    (tmp_path / "folder").mkdir()
    cases = [
        (str(tmp_path / "missing" / "out"), "no such file or directory"),
        (str(tmp_path / "folder"), "is a folder"),
        ("/dev/full", "already exists"),
        (str(unwritable / "out"), "permission denied"),
    ]
    for path, words in cases:
        error = one_line_error(run_ttx(*args, "-o", path))
        assert path in error and words in error, error
    error = one_line_error(run_ttx(*args, "-o", "/dev/null", "--force"))
    assert "/dev/null: is not a regular file" in error


def test_a_full_disk_while_writing_leaves_no_half_file(tmp_path, monkeypatch):
    from exercise.files import FileProblem, write_new

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(FileProblem, match="new.md: cannot write the report: no space left on device"):
        write_new(tmp_path / "new.md", "text", what="report")
    old = tmp_path / "old.md"
    old.write_text("old\n")
    with pytest.raises(FileProblem, match="left as it was"):
        write_new(old, "text", force=True, what="report")
    assert ["old.md"] == [p.name for p in tmp_path.iterdir()]
    assert "old\n" == old.read_text()


def test_export_refuses_an_existing_file_and_never_writes_over_a_journal(journal, tmp_path):
    from exercise.cli import main

    store = tmp_path / "s.sqlite"
    assert 0 == main(["import", str(journal), "--store", str(store), "--session", "one"])
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(journal.read_bytes())
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n")
    error = one_line_error(run_ttx("export", str(store), "-o", str(notes)))
    assert "already exists" in error and "mine\n" == notes.read_text()
    for extra in ([], ["--force"]):
        error = one_line_error(run_ttx("export", str(store), "-o", str(copy), *extra))
        assert "is a session journal, which is never written over" in error
    assert journal.read_bytes() == copy.read_bytes()
    fresh = tmp_path / "fresh.jsonl"
    assert 0 == run_ttx("export", str(store), "-o", str(fresh)).returncode
    assert journal.read_bytes() == fresh.read_bytes()


# -- run --journal -------------------------------------------------------------------------------
def test_run_journal_file_system_errors_are_one_line_with_the_path_and_the_reason(tmp_path, unwritable):
    (tmp_path / "folder").mkdir()
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "nowhere.jsonl")
    cases = [
        ("/dev/full", "not a regular file"),
        ("/dev/null", "not a regular file"),
        (str(tmp_path / "folder"), "is a folder"),
        (str(dangling), "is a symbolic link"),
        (str(unwritable / "j.jsonl"), "permission denied"),
    ]
    for path, words in cases:
        result = run_ttx("run", str(MINI), "--seed", "1", "--journal", path)
        error = one_line_error(result)
        assert path in error and words in error, error
        assert "" == result.stdout
    assert not (tmp_path / "nowhere.jsonl").exists()
