"""Authoring benchmarks: `ttx check` of a large generated scenario, and `ttx simulate --runs 1000`.

Run: python benchmarks/bench_authoring.py
The generated scenario has 2,000 moves and 500 rules over 8 teams and 40 meters. Baselines
measured in the same run: `ttx check` of the small tutorial scenario, and a bare interpreter.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def generate(moves: int = 2000, rules: int = 500, teams: int = 8, meters: int = 40) -> str:
    out = ['format = 1', '[scenario]', 'id = "big"', 'title = "Big"', 'summary = "Generated."', "turns = 10", ""]
    for t in range(teams):
        out += ["[[teams]]", f'id = "t{t}"', f'name = "Team {t}"', "moves_per_turn = 2", ""]
    for m in range(meters):
        out += ["[[meters]]", f'id = "m{m}"', f'label = "Meter {m}"', "start = 50", ""]
    for f in range(20):
        out += ["[[flags]]", f'id = "f{f}"', f'label = "Flag {f}"', ""]
    for i in range(moves):
        out += ["[[moves]]", f'id = "move{i}"', f'team = "t{i % teams}"', f'label = "Move {i}"',
                f'tags = ["tag{i % 50}"]', f'requires = "m{i % meters} < 90 or f{i % 20}"',
                f"effects = {{ m{i % meters} = {i % 7 - 3}, m{(i + 1) % meters} = 1 }}", ""]
    for r in range(rules):
        out += ["[[rules]]", f'id = "rule{r}"', f'when = "before(tag{r % 50}, tag{(r + 1) % 50}) and m{r % meters} > 40"',
                f'message = "Rule {r}"', f"effects = {{ m{r % meters} = -1, set = [\"f{r % 20}\"] }}", ""]
    out += ["[[outcomes]]", 'id = "end"', 'title = "End"', 'text = "End."', "at_end = true", ""]
    return "\n".join(out)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    script = Path(sys.executable).parent / "ttx"
    ttx = [str(script)] if script.exists() else [sys.executable, "-m", "exercise"]
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.toml"
        big.write_text(generate())
        size = big.stat().st_size / 1024
        timed([*ttx, "check", str(big)])  # warm-up
        runs = 7
        big_t, small_t, bare_t = [], [], []
        for _ in range(runs):
            big_t.append(timed([*ttx, "check", str(big)]))
            small_t.append(timed([*ttx, "check", str(ROOT / "scenarios" / "tutorial.toml")]))
            bare_t.append(timed([sys.executable, "-c", "pass"]))
        b, s, p = (statistics.median(x) for x in (big_t, small_t, bare_t))
        print(f"bare interpreter                       : {p * 1000:7.0f} ms")
        print(f"ttx check tutorial.toml                : {s * 1000:7.0f} ms")
        print(f"ttx check generated ({size:.0f} KiB, 2,000 moves, 500 rules): {b * 1000:7.0f} ms "
              f"({b / s:.1f}x the tutorial; goal: under 1 s)")
    sim = statistics.median(timed([*ttx, "simulate", "sequencing_2018", "--runs", "1000", "--seed", "1", "-q"])
                            for _ in range(3))
    one = timed([*ttx, "simulate", "sequencing_2018", "--runs", "1000", "--seed", "1", "-q", "--jobs", "1"])
    print(f"ttx simulate sequencing_2018 --runs 1000: {sim:7.2f} s with 2 processes, {one:.2f} s with one "
          f"(goal: under 5 s)")


if __name__ == "__main__":
    main()
