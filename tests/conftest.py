"""Shared fixtures: where the bundled scenarios are, and how to run the `ttx` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
FLAGSHIP = SCENARIOS / "sequencing_2018.toml"
FIXTURES = ROOT / "tests" / "fixtures"
MINI = FIXTURES / "mini.toml"


def run_ttx(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `ttx` as a user would: a subprocess, its exit status and its output."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    script = Path(sys.executable).parent / "ttx"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "exercise"]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=timeout,
    )


@pytest.fixture
def ttx():
    return run_ttx


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server for this test run (tests/pg_server.py); its URL, user postgres.

    Without the server's programs the tests that need it are skipped, except on CI (`CI` set),
    where they fail: CI must never pass by silently skipping them.
    """
    from contextlib import ExitStack

    from pg_server import PostgresUnavailable, postgres_server

    with ExitStack() as stack:
        try:
            url = stack.enter_context(postgres_server())
        except PostgresUnavailable as exc:
            on_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
            (pytest.fail if on_ci else pytest.skip)(f"no PostgreSQL server for these tests: {exc}")
        yield url
