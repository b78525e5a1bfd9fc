"""Same seed, same game: journals, the room's transcripts and `ttx simulate` figures match recorded files.

The guard for work on the engine's speed: a faster engine plays exactly the games it played
before. Every bundled scenario is played headless (`ttx run`) by random, doctrine and lookahead
computer players and by a mix of them, for a few fixed seeds; each game's journal and the room's
transcript are compared byte for byte with the files under tests/fixtures/golden/, and the
facilitator's transcript of the journal replayed (secret moves and their draws) by its digest. A journal is
compared with the fields that differ between runs of the same game left out (the time `at` of each
entry, the scenario's absolute path, the version of ttx); everything decided in the game (orders,
reasons, chance draws, resolutions, endings) is compared. `ttx simulate` is compared whole (its JSON
report and the text an author reads) for a fixed seed and a few runs at each level.

A change of behaviour that is meant (a scenario edited, a rule of the engine changed) is recorded
again with TTX_RECORD_GOLDEN=1 and the new files committed with it, so that the diff shows what
changed:  TTX_RECORD_GOLDEN=1 pytest tests/test_same_results.py
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import io
import json
import os
from pathlib import Path

import pytest
from conftest import FIXTURES

from exercise.bundled import bundled_scenarios
from exercise.cli import main as ttx

GOLDEN = FIXTURES / "golden"
RECORD = os.environ.get("TTX_RECORD_GOLDEN") == "1"

# Seeds per kind of player: the slower the player, the fewer games.
SEEDS = {"random": (1, 2, 3), "doctrine": (1, 2), "lookahead": (1,), "mixed": (4,)}
# `ttx simulate`: runs per level, one seed.
SIMULATE_RUNS = {"random": 60, "doctrine": 30, "lookahead": 4}
# Entry fields that differ between two plays of the same game.
VOLATILE = ("at", "scenario_path", "ttx")


def scenario_names() -> list[str]:
    return sorted(path.stem for path in bundled_scenarios())


def bots(scenario: str, kind: str) -> list[str]:
    """`--bot` arguments: one level for every team, or for `mixed` lookahead, doctrine and random side by side."""
    if kind != "mixed":
        return ["--bot", kind]
    from exercise.engine import load_scenario

    teams = [t.id for t in load_scenario(Path(bundled_path(scenario))).teams]
    levels = ("lookahead", "doctrine")
    return ["--bot", "random", *(arg for team, level in zip(teams, levels) for arg in ("--bot", f"{team}={level}"))]


def bundled_path(name: str) -> str:
    return str(next(p for p in bundled_scenarios() if p.stem == name))


def run(argv: list[str]) -> str:
    """`ttx` in this process (as a user would run it, without the start-up); its standard output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = ttx(argv)
    assert 0 == status, f"ttx {' '.join(argv)} exited {status}"
    return out.getvalue()


def stable_journal(path: Path) -> str:
    """The journal's entries, one a line as written, without the fields that differ between runs."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        for key in VOLATILE:
            entry.pop(key, None)
        lines.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"


def compare(recorded: Path, actual: str) -> None:
    if RECORD:
        recorded.parent.mkdir(parents=True, exist_ok=True)
        recorded.write_text(actual, encoding="utf-8")
        return
    assert recorded.exists(), f"{recorded} was never recorded (TTX_RECORD_GOLDEN=1 records it)"
    expected = recorded.read_text(encoding="utf-8")
    if expected != actual:
        diff = "".join(list(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                                 str(recorded), "now", n=1))[:60])
        pytest.fail(f"{recorded.relative_to(FIXTURES)} differs from the game played now:\n{diff}", pytrace=False)


def games() -> list[tuple[str, str, int]]:
    return [(name, kind, seed) for name in scenario_names() for kind, seeds in SEEDS.items() for seed in seeds]


@pytest.mark.parametrize(("scenario", "kind", "seed"), games(), ids=lambda v: str(v))
def test_a_headless_game_plays_the_recorded_journal_and_the_rooms_transcript(scenario, kind, seed, tmp_path):
    journal = tmp_path / "game.jsonl"
    transcript = run(["run", scenario, "--seed", str(seed), *bots(scenario, kind), "--as", "room",
                      "--journal", str(journal)])
    transcript = transcript.replace(str(journal), "JOURNAL")
    compare(GOLDEN / scenario / f"{kind}-{seed}.jsonl", stable_journal(journal))
    compare(GOLDEN / scenario / f"{kind}-{seed}.room.txt", transcript)
    # Everything the room may not see (secret moves, their draws) is in the facilitator's transcript of the
    # journal replayed; its digest keeps the recorded files small.
    everything = run(["replay", str(journal)]).replace(str(journal), "JOURNAL")
    compare(GOLDEN / scenario / f"{kind}-{seed}.facilitator.sha256",
            hashlib.sha256(everything.encode("utf-8")).hexdigest() + "\n")


@pytest.mark.parametrize("scenario", scenario_names())
@pytest.mark.parametrize("level", list(SIMULATE_RUNS))
def test_simulate_gives_the_recorded_figures_for_a_seed(scenario, level):
    common = ["simulate", scenario, "--runs", str(SIMULATE_RUNS[level]), "--seed", "7", "--bot", level, "-q"]
    compare(GOLDEN / scenario / f"simulate-{level}.json", run([*common, "--json", "--jobs", "1"]))
    compare(GOLDEN / scenario / f"simulate-{level}.txt", run([*common, "--jobs", "2"]))


def test_every_recorded_file_is_still_compared():
    """A golden file no test writes any more is a guard that silently stopped guarding."""
    expected = {GOLDEN / s / f"{k}-{seed}.{ext}" for s, k, seed in games() for ext in ("jsonl", "room.txt", "facilitator.sha256")}
    expected |= {GOLDEN / s / f"simulate-{level}.{ext}" for s in scenario_names() for level in SIMULATE_RUNS
                 for ext in ("json", "txt")}
    assert sorted(expected) == sorted(p for p in GOLDEN.rglob("*") if p.is_file())
