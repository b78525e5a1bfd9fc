"""Same scenario, orders and seed, same transcript and report, byte for byte, whatever Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FLAGSHIP, ROOT

HASH_SEEDS = ("0", "1", "2", "3", "4")

FLAGS = "".join(f'\n[[flags]]\nid = "f{i}"\nlabel = "Flag {i}"\n' + ('visible_to = ["a"]\n' if i % 3 == 0 else "")
                for i in range(12))


def _ids(numbers) -> str:
    return "[" + ", ".join(f'"f{i}"' for i in numbers) + "]"


# Effects that set and clear many flags at once, some hidden, by public and secret moves, chances, rules and
# injects: wherever a set of flags could be written out in the order of a hash.
MANY_FLAGS = f"""format = 1
[scenario]
id = "many_flags"
title = "Many flags"
summary = "Every effect sets or clears several flags at once."
turns = 5

[[teams]]
id = "a"
name = "Alpha"
moves_per_turn = 2
[[teams.objectives]]
id = "a1"
text = "Flags up"
when = "f1 and f2 and f3 and not f4"

[[teams]]
id = "b"
name = "Bravo"
moves_per_turn = 2

[[meters]]
id = "tension"
label = "Tension"
start = 50
{FLAGS}
[[moves]]
id = "sweep"
team = "a"
label = "Sweep"
effects = {{ tension = 5, set = {_ids(range(12))} }}

[[moves]]
id = "quiet"
team = "a"
label = "Quiet"
secret = true
effects = {{ tension = 1, set = {_ids([3, 6, 9, 1, 2])}, clear = {_ids([0, 4, 5])} }}

[[moves]]
id = "unsweep"
team = "b"
label = "Unsweep"
chance = 0.5
success = {{ clear = {_ids([1, 2, 3, 7, 8, 9, 10, 11])} }}
failure = {{ set = {_ids([5, 4, 7])} }}

[[moves]]
id = "poke"
team = "b"
label = "Poke"
secret = true
effects = {{ set = {_ids([10, 11, 0, 6])}, tension = 2 }}

[[rules]]
id = "r1"
when = "f1 and f2 and f7"
message = "Many."
effects = {{ set = {_ids([8, 9, 10, 11, 0, 1])}, clear = {_ids([2, 3, 4])} }}

[[injects]]
id = "news"
title = "News"
turn = 2
effects = {{ set = {_ids([11, 10, 9, 8, 7, 6])} }}

[[outcomes]]
id = "stale"
title = "Stalemate"
text = "Time ran out."
at_end = true
"""


def ttx_with_hash_seed(hash_seed: str, *args: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    script = Path(sys.executable).parent / "ttx"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "exercise"]
    result = subprocess.run([*command, *args], capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert 0 == result.returncode, result.stderr.decode()
    return result.stdout


@pytest.fixture(scope="module")
def many_flags(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "many_flags.toml"
    path.write_text(MANY_FLAGS, encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [
    pytest.param(["{many}", "--seed", "2"], id="many flags, facilitator"),
    pytest.param(["{many}", "--seed", "2", "--as", "b"], id="many flags, a team"),
    pytest.param([str(FLAGSHIP), "--seed", "3", "--bot", "doctrine", "--as", "room"], id="flagship, room"),
])
def test_a_transcript_is_the_same_bytes_under_every_hash_seed(many_flags, args):
    args = [a.format(many=many_flags) for a in args]
    transcripts = {ttx_with_hash_seed(seed, "run", *args) for seed in HASH_SEEDS}
    assert 1 == len(transcripts)
    assert b"== Outcome:" in next(iter(transcripts))


def test_a_replay_and_a_report_are_the_same_bytes_under_every_hash_seed(many_flags, tmp_path):
    journal = tmp_path / "game.jsonl"
    ttx_with_hash_seed("0", "run", str(many_flags), "--seed", "5", "--bot", "doctrine", "--journal", str(journal))
    replays = {ttx_with_hash_seed(seed, "replay", str(journal), "--as", "a") for seed in HASH_SEEDS}
    reports = {ttx_with_hash_seed(seed, "report", str(journal), "--replays", "3", "--audience", "facilitator")
               for seed in HASH_SEEDS[:3]}
    assert 1 == len(replays)
    assert 1 == len(reports)
