"""`python -m exercise`: the same as the `ttx` command."""

from exercise.cli import run

run()
