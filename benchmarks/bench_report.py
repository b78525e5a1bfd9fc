"""The full after-action report, decisive moments included, for a finished flagship game.

Run: python benchmarks/bench_report.py   (goal: under 10 s)
Baseline measured in the same run: the report without decisive moments (0 replays).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise.cli import main as ttx  # noqa: E402
from exercise.engine import FACILITATOR, ROOM  # noqa: E402
from exercise.report import build, markdown, to_html  # noqa: E402
from exercise.session import Session  # noqa: E402


def report_times() -> dict[str, float]:
    """Seconds to build and render a finished flagship game's report: without decisive moments
    (`plain`), with them for the facilitator (`full`) and for the room (`room`); `turns` played."""
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "game.jsonl"
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            ttx(["run", "sequencing_2018", "--seed", "3", "--bot", "doctrine", "--journal", str(journal)])
        session = Session.resume(journal)
        start = time.perf_counter()
        data = build(session, replays=0)
        markdown(data), to_html(data)
        plain = time.perf_counter() - start
        start = time.perf_counter()
        data = build(session, audience=FACILITATOR)
        markdown(data), to_html(data)
        full = time.perf_counter() - start
        start = time.perf_counter()
        data = build(session, audience=ROOM)
        markdown(data), to_html(data)
        room = time.perf_counter() - start
    return {"plain": plain, "full": full, "room": room, "turns": len(session.records)}


def main() -> None:
    times = report_times()
    plain, full, room, turns = times["plain"], times["full"], times["room"], times["turns"]
    print(f"report without decisive moments : {plain:6.2f} s")
    print(f"full report (100 replays a turn): {full:6.2f} s over {turns} turns "
          f"({full / max(plain, 1e-9):.0f}x; goal: under 10 s)")
    print(f"the room's version (replays from what the room could know): {room:6.2f} s")


if __name__ == "__main__":
    main()
