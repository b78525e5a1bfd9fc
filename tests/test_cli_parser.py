"""`ttx` builds only the parser its command line needs: what argparse does with it is unchanged."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from exercise.cli import build_parser, parser_for


def commands() -> list[str]:
    (action,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return list(action.choices)


def parsed(parser: argparse.ArgumentParser, argv: list[str]) -> tuple:
    """What parsing `argv` gives: the namespace, or the exit status; and what was printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: object = sorted(vars(parser.parse_args(argv)).items())
        except SystemExit as exc:
            result = exc.code
    return result, out.getvalue(), err.getvalue()


LINES = [
    [], ["--high-contrast"], ["--help"], ["-h"], ["--version"], ["--high-contrast", "--help"], ["nonsense"],
    ["chec", "a.toml"], ["-1", "check", "a.toml"], ["--", "check", "a.toml"], ["--bogus", "check", "a.toml"],
    ["--high-contrast", "check", "a.toml"], ["check"], ["check", "a.toml", "--bogus"], ["check", "a.toml", "--version"],
    ["check", "a.toml", "b.toml", "--format", "full", "-q", "--strict", "--simulate", "3", "--no-warnings"],
    ["check", "--form", "full", "a.toml"], ["check", "--simulate", "many", "a.toml"],
    ["run", "x", "--seed", "-1"], ["report", "j", "--format", "pdf"], ["serve", "--port", "x"],
    ["--high-contrast", "play", "x", "--high-contrast"],
]


@pytest.mark.parametrize("argv", LINES + [[name, *rest] for name in commands()
                                          for rest in ([], ["--help"], ["x", "y", "z"], ["--high-contrast"])])
def test_a_command_line_parses_as_with_every_sub_command_built(argv):
    assert parsed(build_parser(), argv) == parsed(parser_for(argv), argv)


def test_only_the_named_sub_command_is_built():
    (action,) = [a for a in parser_for(["check", "a.toml"])._actions if isinstance(a, argparse._SubParsersAction)]
    assert ["check"] == list(action.choices)
    (action,) = [a for a in parser_for([])._actions if isinstance(a, argparse._SubParsersAction)]
    assert [] == list(action.choices)
