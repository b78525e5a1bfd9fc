"""The full after-action report, decisive moments included, for a finished flagship game.

Run: python benchmarks/bench_report.py   (goal: ≤ 0.5 s for the six-turn game; run_all.py prints its row)
Two games of the doctrine players: seed 1 ends in six turns (issue 14's figure), seed 3 in eight.
Baselines measured in the same run: the report without decisive moments (0 replays), and the
room's report with its replays in one process (the figures are the same with any number).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise.cli import main as ttx  # noqa: E402
from exercise.engine import FACILITATOR, ROOM  # noqa: E402
from exercise.report import build, markdown, to_html  # noqa: E402
from exercise.session import Session  # noqa: E402

SEEDS = {6: 1, 8: 3}  # turns -> the seed whose doctrine game lasts that long


def _median(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report_times(turns: int = 6, repeats: int = 3) -> dict[str, float]:
    """Seconds (medians of `repeats`) to build and render a finished flagship game's report: without
    decisive moments (`plain`), with them for the facilitator (`full`) and for the room (`room`), the
    room's with its replays in one process (`room_one`); `turns` played."""
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "game.jsonl"
        with contextlib.redirect_stdout(io.StringIO()):
            ttx(["run", "sequencing_2018", "--seed", str(SEEDS[turns]), "--bot", "doctrine", "--journal", str(journal)])
        session = Session.resume(journal)

        def report(replays: int | None = None, audience=ROOM, jobs: int | None = None) -> None:
            data = build(session, 100 if replays is None else replays, audience, jobs)
            markdown(data), to_html(data)

        times = {"plain": _median(lambda: report(0), repeats),
                 "full": _median(lambda: report(audience=FACILITATOR), repeats),
                 "room": _median(report, repeats),
                 "room_one": _median(lambda: report(jobs=1), repeats)}
    assert len(session.records) == turns, f"seed {SEEDS[turns]} no longer ends in {turns} turns"
    return {**times, "turns": len(session.records)}


def main() -> None:
    for turns in SEEDS:
        t = report_times(turns)
        print(f"{turns} turns: report without decisive moments {t['plain']:5.2f} s; with them (100 replays a turn), "
              f"the room's {t['room']:5.2f} s (one process: {t['room_one']:.2f} s), "
              f"the facilitator's {t['full']:5.2f} s")


if __name__ == "__main__":
    main()
