"""Seat benchmarks: the memory of a classroom of seats, and how fast a submit reaches every other seat.

Run: python benchmarks/bench_seats.py [--seats N] [--rounds R] [--sample S]
     (defaults: 32 seats, 2 rounds per phase, 8 followed seats in the sampled phase)

`ttx serve`'s web server (exercise.seats.web) on loopback, N seats joined at once, spread over
the four teams of the flagship. Memory: the proportional set size (PSS) of the server and
every process it started, summed. Latency: one seat submits its team's orders (ctrl+s), and
the clock runs until each other seat's screen shows that team in; a round is one submit per
team, then the facilitator (this process, on the store) resolves and moves the room on. A
seat passes (no move ticked): ctrl+s asks first, and the clock starts at the `y` that submits.

Latency is measured twice. First with every seat's screen kept by this process (a pyte
terminal per seat): on two cores those 31 terminals compete with the seats for the CPU, which
a classroom's browsers, each on its own device, do not. Then with S seats followed (as many
from each team) while the others' output is only read and counted: closer to what students see.

The baseline, measured in the same run: bare textual-serve serving a minimal Textual app
(benchmarks/bare_seat_app.py) that polls one SQLite row as often as a seat polls its store;
ctrl+s at one of its seats writes the row. Same N connections, same client, same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# As on a user's machine: Python caches compiled modules (the servers inherit this environment).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

from exercise.bundled import find_bundled  # noqa: E402
from exercise.engine import load_scenario  # noqa: E402
from exercise.seats.client import SeatClient  # noqa: E402
from exercise.seats.seat_app import POLL_SECONDS  # noqa: E402
from exercise.seats.serve import ensure_codes, start_session  # noqa: E402
from exercise.seats.store import open_store  # noqa: E402
from tests.seat_server import free_port, python_command, serving, textual_serve_argv  # noqa: E402

BARE_APP = Path(__file__).resolve().parent / "bare_seat_app.py"
WIDTH, HEIGHT = 130, 40  # a laptop's browser window, in cells
JOIN_TIMEOUT = 180.0  # every seat is a new Python process importing Textual, all at once, on two cores
UPDATE_TIMEOUT = 10.0  # a seat that has not shown a submit after this long has missed it
SCREEN_TIMEOUT = 30.0  # the reveal, and the next turn's screen
SETTLE = 3.0  # after joining, before memory and idle CPU are read
IDLE_WINDOW = 5.0
QUIET_CORES = 0.25  # a submit starts once the server and its seats use no more than this above their idle CPU
QUIET_WINDOW = 0.5
QUIET_LONGEST = 30.0
GOAL_MIB_PER_32 = 2048.0
GOAL_P95_MS = 500.0
TICKS = os.sysconf("SC_CLK_TCK")
PHASES = ("all", "sample")


# -- the process tree ---------------------------------------------------------------------
def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name (which may hold spaces): fields 3 onwards."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def descendants(root: int) -> list[int]:
    """Every live process below `root` (not `root` itself), found through the parent ids in /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                children.setdefault(int(_stat_fields(int(entry.name))[1]), []).append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue  # gone while we looked
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pss_mib(pids: Sequence[int]) -> float:
    total_kib = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += int(line.split()[1])
                    break
        except OSError:
            continue
    return total_kib / 1024


def cpu_seconds(pids: Sequence[int], reaped: bool = False) -> float:
    """CPU seconds of these processes; with `reaped`, also of the children they have waited for."""
    total = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
            total += int(fields[11]) + int(fields[12])  # utime, stime
            if reaped:
                total += int(fields[13]) + int(fields[14])  # cutime, cstime
        except (OSError, ValueError, IndexError):
            continue
    return total / TICKS


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


# -- seats --------------------------------------------------------------------------------
class Seat:
    """A connected seat: its client, and whether this process still keeps its screen.

    Every frame is counted; an unfollowed seat's frames are read (the server never waits on
    it) but not turned into a screen, as if a browser elsewhere rendered them. A seat once
    unfollowed stays so: its screen is stale.
    """

    def __init__(self, client: SeatClient, index: int) -> None:
        self.client = client
        self.index = index
        self.received = 0
        self.followed = True
        stream = client._stream  # every binary frame of the seat passes through this feed
        feed = stream.feed

        def counted(data: bytes) -> None:
            self.received += len(data)
            if self.followed:
                feed(data)

        stream.feed = counted  # type: ignore[method-assign]

    @property
    def closed(self) -> bool:
        return self.client.closed

    async def follow(self) -> None:
        """Keep this seat's screen again: a resize makes the app paint all of it afresh."""
        self.followed = True
        self.client.screen.reset()
        await self.client.resize(WIDTH, HEIGHT - 1)
        await self.client.resize(WIDTH, HEIGHT)


async def join_all(count: int, join: Callable[[int], Awaitable[SeatClient]], figures: dict[str, Any]) -> list[Seat]:
    """Join `count` seats at once, as a class does when the facilitator says go; time it and the machine's load."""
    busy0, total0 = machine_busy()
    started = time.monotonic()
    results = await asyncio.gather(*(join(k) for k in range(count)), return_exceptions=True)
    figures["join_s"] = time.monotonic() - started
    busy1, total1 = machine_busy()
    figures["join_busy"] = (busy1 - busy0) / max(total1 - total0, 1e-9)
    clients = [r for r in results if isinstance(r, SeatClient)]
    failed = [r for r in results if not isinstance(r, SeatClient)]
    if failed:
        await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)
        raise RuntimeError(f"{len(failed)} of {count} seats did not join; the first: {failed[0]}")
    return [Seat(client, k) for k, client in enumerate(clients)]


async def close_all(seats: Sequence[Seat]) -> None:
    await asyncio.gather(*(seat.client.close() for seat in seats), return_exceptions=True)


async def measure_tree(figures: dict[str, Any], prefix: str = "") -> None:
    """PSS of the server and all its seats (this process's descendants), and their CPU while idle."""
    await asyncio.sleep(SETTLE)
    await quiet(QUIET_CORES)  # the last seats to join are still being drawn at the others' tables
    tree = descendants(os.getpid())
    figures[prefix + "processes"] = len(tree)
    figures[prefix + "pss_mib"] = pss_mib(tree)
    if not prefix:
        before = cpu_seconds(tree)
        await asyncio.sleep(IDLE_WINDOW)
        figures["idle_cores"] = (cpu_seconds(tree) - before) / IDLE_WINDOW


async def quiet(idle_cores: float) -> float:
    """Wait until the server and its seats use at most QUIET_CORES of a core more than when idle (or
    QUIET_LONGEST passed); the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < QUIET_LONGEST:
        tree = descendants(os.getpid())
        before = cpu_seconds(tree)
        await asyncio.sleep(QUIET_WINDOW)
        if (cpu_seconds(tree) - before) / QUIET_WINDOW <= idle_cores + QUIET_CORES:
            break
    return time.monotonic() - started


def follow_sample(seats: Sequence[Seat], teams: int, sample: int) -> None:
    """Keep the screens of `sample` seats, as many from each team (seat k is in team k % teams)."""
    keep: list[Seat] = []
    for t in range(teams):
        keep += [seat for seat in seats if seat.index % teams == t and not seat.closed][:max(1, sample // teams)]
    for seat in seats:
        seat.followed = seat in keep


# -- one latency phase --------------------------------------------------------------------
class Phase:
    """What one phase measured: arrivals at each followed seat, per submit; CPU and bytes per submit.

    A submit's CPU is counted from the key press until the server and its seats are quiet again
    (every seat, followed or not, has done its work), less what they use when idle.
    """

    def __init__(self, seats: Sequence[Seat], idle_cores: float, rng: random.Random) -> None:
        self.seats = seats
        self.idle_cores = idle_cores
        self.rng = rng
        self.per_seat: list[float] = []
        self.to_all: list[float] = []
        self.stored: list[float] = []
        self.missed = 0
        self.submits = 0
        self.followed = 0
        me = os.getpid()
        self.server = [pid for pid in descendants(me) if int(_stat_fields(pid)[1]) == me]  # one server at a time
        self.cpu = [0.0, 0.0, 0.0, 0.0]  # server, seats' apps, this process's clients, bytes received

    def _now(self) -> list[float]:
        server = cpu_seconds(self.server)  # a seat that exits is reaped: its CPU moves to its parent's count
        apps = cpu_seconds(descendants(os.getpid()), reaped=True) - server
        return [server, apps, time.process_time(), sum(seat.received for seat in self.seats)]

    async def submit(self, submitter: Seat, watchers: Mapping[Seat, re.Pattern[str]], key: str = "ctrl+s",
                     prepare: Callable[[], Awaitable[object]] | None = None,
                     committed: Callable[[], bool] | None = None) -> None:
        """After `prepare()`, press `key` at `submitter`; time each watcher until it shows its pattern, and
        the store until `committed()` holds, when given."""
        for seat, pattern in watchers.items():
            if pattern.search(seat.client.text()):
                raise RuntimeError(f"a seat showed {pattern.pattern!r} before the submit:\n{seat.client.text()}")
        await quiet(self.idle_cores)
        if prepare is not None:
            await prepare()
        await asyncio.sleep(self.rng.uniform(0.05, POLL_SECONDS))  # any phase of the seats' polls
        loop = asyncio.get_running_loop()
        before = self._now()
        start = loop.time()
        await submitter.client.press(key)

        async def arrival(seat: Seat, pattern: re.Pattern[str]) -> float | None:
            try:
                await seat.client.wait_for(pattern, timeout=UPDATE_TIMEOUT)
            except AssertionError:
                return None
            return loop.time() - start

        async def commit() -> float | None:
            while committed is not None and loop.time() - start < UPDATE_TIMEOUT:
                if committed():
                    return loop.time() - start
                await asyncio.sleep(0.005)
            return None

        *arrivals, stored = await asyncio.gather(*(arrival(s, p) for s, p in watchers.items()), commit())
        await quiet(self.idle_cores)
        used = [b - a for a, b in zip(before, self._now())]
        used[1] = max(0.0, used[1] - self.idle_cores * (loop.time() - start))
        self.cpu = [total + u for total, u in zip(self.cpu, used)]
        self.submits += 1
        self.followed = max(self.followed, len(watchers))
        if stored is not None:
            self.stored.append(stored)
        got = [a for a in arrivals if a is not None]
        if watchers and not got:
            raise RuntimeError(f"no seat showed the submit in {UPDATE_TIMEOUT:.0f} s; the submitting seat shows:\n"
                               f"{submitter.client.text()}")
        self.per_seat += got
        lost = [seat for seat, a in zip(watchers, arrivals) if a is None]
        self.missed += sum(1 for seat in lost if not seat.closed)
        if got and all(seat.closed for seat in lost):
            self.to_all.append(max(got))  # every followed seat still open shows it

    def figures(self) -> dict[str, float]:
        n = max(self.submits, 1)
        server, apps, client, received = (value / n for value in self.cpu)
        return {
            "open": sum(1 for seat in self.seats if not seat.closed),
            "followed": self.followed,
            "submits": self.submits,
            "seat_median": _ms(self.per_seat, statistics.median),
            "seat_p95": _ms(self.per_seat, p95),
            "all_median": _ms(self.to_all, statistics.median),
            "all_p95": _ms(self.to_all, p95),
            "stored": _ms(self.stored, statistics.median),
            "missed": self.missed,
            "cpu_apps": apps * 1000,
            "cpu_server": server * 1000,
            "cpu_client": client * 1000,
            "kib": received / 1024,
        }


def p95(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _ms(values: Sequence[float], how: Callable[[Sequence[float]], float]) -> float:
    return how(values) * 1000 if values else float("nan")


async def wait_all(seats: Sequence[Seat], needle: str) -> tuple[float, int]:
    """Seconds until every followed seat shows `needle`, and how many, still open, did not show it in time."""
    watched = [seat for seat in seats if seat.followed and not seat.closed]
    started = time.monotonic()
    results = await asyncio.gather(*(seat.client.wait_for(needle, timeout=SCREEN_TIMEOUT) for seat in watched),
                                   return_exceptions=True)
    stuck = sum(1 for seat, r in zip(watched, results) if isinstance(r, BaseException) and not seat.closed)
    return time.monotonic() - started, stuck


# -- ttx ----------------------------------------------------------------------------------
async def bench_ttx(count: int, rounds: int, sample: int, workdir: Path, rng: random.Random) -> dict[str, Any]:
    scenario = load_scenario(find_bundled("sequencing_2018"))
    teams = [t for t in scenario.teams if t.playable]
    store = open_store(workdir / "class.sqlite")
    facilitator = start_session(store, scenario, 11, session_id="bench", timer=0)
    codes = ensure_codes(store, facilitator)
    figures: dict[str, Any] = {"seats": count, "stuck": 0, "reveal_s": [], "board_s": [], "settle_s": [],
                               "closed_by_turn": []}
    port = free_port()
    argv = [sys.executable, "-m", "exercise.seats.web", "--store", store.url, "--host", "127.0.0.1",
            "--port", str(port)]

    async def join(k: int) -> SeatClient:
        client = await SeatClient.connect(url, code=codes[teams[k % len(teams)].id], width=WIDTH, height=HEIGHT)
        try:
            await client.wait_for("Your name", timeout=JOIN_TIMEOUT)
            await client.type(f"s{k}")
            await client.press("enter")
            await client.wait_for("Other teams:", timeout=JOIN_TIMEOUT)
        except BaseException:
            await client.close()
            raise
        return client

    async def next_turn(seats: Sequence[Seat]) -> None:
        """The facilitator reveals the turn, then moves the room on (as `ttx serve`'s console does)."""
        await asyncio.sleep(0.5)
        facilitator.refresh()
        facilitator.resolve()
        took, stuck = await wait_all(seats, "Reveal")
        figures["reveal_s"].append(took)
        figures["stuck"] += stuck
        facilitator.show("board")
        took, stuck = await wait_all(seats, "Your team's orders: not sent yet")
        figures["board_s"].append(took)
        figures["stuck"] += stuck
        await wait_all(seats, "Other teams:")
        figures["settle_s"].append(took + await quiet(figures["idle_cores"]))
        figures["closed_by_turn"].append(sum(1 for seat in seats if seat.closed))

    async def ask_to_pass(seat: Seat) -> None:
        """Ctrl+s with no move ticked: the seat asks first whether the team passes; `y` submits."""
        await seat.client.press("ctrl+s")
        await seat.client.wait_for("Pass this turn", timeout=UPDATE_TIMEOUT)

    async def phase(seats: Sequence[Seat], first_turn: int) -> Phase:
        measured = Phase(seats, figures["idle_cores"], rng)
        same = re.compile(r"Your team's orders: ✓ in")
        for turn in range(first_turn, first_turn + rounds):
            if turn > 0:
                await next_turn(seats)
            for t, team in enumerate(teams):
                mine = [seat for seat in seats if seat.index % len(teams) == t and not seat.closed]
                if not mine:
                    raise RuntimeError(f"every seat of {team.name} has closed")
                able = [seat for seat in mine if seat.followed]  # its screen is needed to answer the question
                if not able:  # the followed ones closed
                    await mine[0].follow()
                    await mine[0].client.wait_for("Other teams:", timeout=SCREEN_TIMEOUT)
                    able = [mine[0]]
                submitter = able[turn % len(able)]
                other = re.compile(rf"Other teams:.*\b{re.escape(team.name)} ✓ in")
                watchers = {seat: same if seat in mine else other for seat in seats
                            if seat.followed and not seat.closed and seat is not submitter}
                events = len(store.events("bench"))
                await measured.submit(submitter, watchers, key="y", prepare=partial(ask_to_pass, submitter),
                                      committed=lambda: len(store.events("bench", after=events)) > 0)
        return measured

    try:
        with serving(argv, port) as url:
            seats = await join_all(count, join, figures)
            try:
                await measure_tree(figures)
                figures["all"] = (await phase(seats, 0)).figures()
                follow_sample(seats, len(teams), sample)
                figures["sample"] = (await phase(seats, rounds)).figures()
                figures["closed"] = sum(1 for seat in seats if seat.closed)
                await measure_tree(figures, prefix="after_")
                figures["tree_cpu"] = cpu_seconds(descendants(os.getpid()), reaped=True)
            finally:
                await close_all(seats)
    finally:
        store.close()
    return figures


# -- the baseline -------------------------------------------------------------------------
async def bench_bare(count: int, submits: int, sample: int, workdir: Path, rng: random.Random) -> dict[str, Any]:
    figures: dict[str, Any] = {"seats": count, "stuck": None}
    port = free_port()
    argv = textual_serve_argv(python_command(BARE_APP, str(workdir / "bare.sqlite")), port)

    async def join(k: int) -> SeatClient:
        client = await SeatClient.connect(url, width=WIDTH, height=HEIGHT)
        try:
            await client.wait_for("bare seat: value 0", timeout=JOIN_TIMEOUT)
            await client.type("Ana")  # as a seat's name is typed: an app's first key repaints its whole screen
        except BaseException:
            await client.close()
            raise
        return client

    value = 0

    async def phase(seats: Sequence[Seat]) -> Phase:
        nonlocal value
        measured = Phase(seats, figures["idle_cores"], rng)
        open_seats = [seat for seat in seats if not seat.closed]
        for k in range(submits):
            value += 1
            submitter = open_seats[k % len(open_seats)]
            pattern = re.compile(rf"bare seat: value {value}\b")
            watchers = {seat: pattern for seat in open_seats if seat.followed and seat is not submitter}
            await measured.submit(submitter, watchers)
        return measured

    with serving(argv, port) as url:
        seats = await join_all(count, join, figures)
        try:
            await measure_tree(figures)
            figures["all"] = (await phase(seats)).figures()
            follow_sample(seats, 4, sample)
            figures["sample"] = (await phase(seats)).figures()
            figures["closed"] = sum(1 for seat in seats if seat.closed)
            await measure_tree(figures, prefix="after_")
            figures["tree_cpu"] = cpu_seconds(descendants(os.getpid()), reaped=True)
        finally:
            await close_all(seats)
    return figures


# -- the report ---------------------------------------------------------------------------
def report(ttx: dict[str, Any], bare: dict[str, Any]) -> None:
    Row = tuple[str, Any, Any, str, bool]  # label, ttx, bare, format, ratio?
    rows: list[Row] = [
        ("seats connected", ttx["seats"], bare["seats"], "{:.0f}", False),
        ("processes (server, shells, apps)", ttx["processes"], bare["processes"], "{:.0f}", False),
        ("join, all seats at once (s)", ttx["join_s"], bare["join_s"], "{:.1f}", True),
        ("machine CPU busy while joining (%)", ttx["join_busy"] * 100, bare["join_busy"] * 100, "{:.0f}", False),
        ("PSS total after join (MiB)", ttx["pss_mib"], bare["pss_mib"], "{:.0f}", True),
        ("PSS per seat (MiB)", ttx["pss_mib"] / ttx["seats"], bare["pss_mib"] / bare["seats"], "{:.1f}", True),
        ("PSS total at the end (MiB)", ttx["after_pss_mib"], bare["after_pss_mib"], "{:.0f}", True),
        ("CPU while idle (% of one core)", ttx["idle_cores"] * 100, bare["idle_cores"] * 100, "{:.0f}", True),
    ]
    for name in PHASES:
        mine, base = ttx[name], bare[name]
        title = ("every other seat followed (pyte here)" if name == "all"
                 else f"{mine['followed']} seats followed, the rest drained")
        rows += [
            (f"-- latency, {title}", None, None, "", False),
            ("submits", mine["submits"], base["submits"], "{:.0f}", False),
            ("seats still open at the end of the phase", mine["open"], base["open"], "{:.0f}", False),
            ("submit in the store, median (ms)", mine["stored"], None, "{:.0f}", False),
            ("to a seat, median (ms)", mine["seat_median"], base["seat_median"], "{:.0f}", True),
            ("to a seat, p95 (ms)", mine["seat_p95"], base["seat_p95"], "{:.0f}", True),
            ("to every followed seat, median (ms)", mine["all_median"], base["all_median"], "{:.0f}", True),
            ("to every followed seat, p95 (ms)", mine["all_p95"], base["all_p95"], "{:.0f}", True),
            ("updates missed (none in 10 s)", mine["missed"], base["missed"], "{:.0f}", False),
            ("CPU per submit: seats' apps (ms)", mine["cpu_apps"], base["cpu_apps"], "{:.0f}", True),
            ("CPU per submit: web server (ms)", mine["cpu_server"], base["cpu_server"], "{:.0f}", True),
            ("CPU per submit: this bench's clients (ms)", mine["cpu_client"], base["cpu_client"], "{:.0f}", True),
            ("output per submit, all seats (KiB)", mine["kib"], base["kib"], "{:.1f}", True),
        ]
    rows += [
        ("-- trouble", None, None, "", False),
        ("seats stuck on a screen change", ttx["stuck"], bare["stuck"], "{:.0f}", False),
        ("seats that closed by themselves", ttx["closed"], bare["closed"], "{:.0f}", False),
    ]
    print(f"{'':44} {'ttx seats':>10} {'bare app':>10} {'ttx/bare':>9}")
    for label, mine, base, fmt, ratio in rows:
        if mine is None:
            print(label)
            continue
        shown = "-" if base is None else fmt.format(base)
        times = f"{mine / base:8.2f}x" if ratio and base else ""
        print(f"{label:44} {fmt.format(mine):>10} {shown:>10} {times:>9}")
    if ttx["reveal_s"]:
        print(f"\nttx: resolve to every followed seat on the reveal : median "
              f"{statistics.median(ttx['reveal_s']) * 1000:6.0f} ms over {len(ttx['reveal_s'])} turns")
        print(f"ttx: 'board' to every followed seat's next turn   : median "
              f"{statistics.median(ttx['board_s']) * 1000:6.0f} ms over {len(ttx['board_s'])} turns")
        print(f"ttx: 'board' until the seats are quiet again      : median "
              f"{statistics.median(ttx['settle_s']) * 1000:6.0f} ms (within {QUIET_CORES:.0%} of a core of idle)")
    if ttx["closed"]:
        print(f"ttx: {ttx['closed']} seat process(es) exited on their own: that student's terminal goes dead"
              " (textual-serve does not keep a seat's stderr). Seats closed after each turn change: "
              + ", ".join(str(n) for n in ttx["closed_by_turn"]))

    goal_mib = ttx["seats"] * GOAL_MIB_PER_32 / 32
    print(f"\ngoal: {ttx['seats']} seats under {goal_mib:.0f} MiB PSS                : {ttx['pss_mib']:6.0f} MiB  "
          f"{'PASS' if ttx['pss_mib'] < goal_mib else 'MISS'}")
    trouble = ttx["stuck"] + ttx["closed"]
    for name in PHASES:
        mine = ttx[name]
        ok = mine["all_p95"] < GOAL_P95_MS and not mine["missed"] and not trouble
        print(f"goal: to every seat p95 < {GOAL_P95_MS:.0f} ms, none lost ({name:6}) : {mine['all_p95']:6.0f} ms   "
              f"{'PASS' if ok else 'MISS'}")


async def elsewhere(bench: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """Run one bench; note the share of the machine's CPU that other processes took meanwhile
    (the bench notes its server's and seats' CPU, `tree_cpu`, before it stops them)."""
    busy0, total0 = machine_busy()
    ours0 = time.process_time()
    figures = await bench
    busy1, total1 = machine_busy()
    ours = time.process_time() - ours0 + figures["tree_cpu"]
    figures["others"] = max(0.0, (busy1 - busy0) - ours) / max(total1 - total0, 1e-9)
    return figures


async def run(count: int, rounds: int, sample: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-seats-") as tmp:
        workdir = Path(tmp)
        ttx = await elsewhere(bench_ttx(count, rounds, sample, workdir, random.Random(1)))
        bare = await elsewhere(bench_bare(count, ttx["all"]["submits"], sample, workdir, random.Random(1)))
    print(f"{count} seats on {os.cpu_count()} cores, {WIDTH}x{HEIGHT} cells each; "
          f"{rounds} rounds of 4 submits per phase")
    print(f"other processes on this machine took {ttx['others']:.0%} of its CPU during the ttx run, "
          f"{bare['others']:.0%} during the bare run" + (": figures are disturbed" if max(ttx["others"], bare["others"]) > 0.1
                                                        else "") + "\n")
    report(ttx, bare)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through `serving`, which stops each server's process group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seats", type=int, default=32, help="seats to connect (default 32)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of four submits in each of the two phases (default 2; at most 4: "
                             "the flagship has 8 turns)")
    parser.add_argument("--sample", type=int, default=8,
                        help="seats followed in the second phase, as many from each team (default 8)")
    args = parser.parse_args()
    if args.seats < 8:
        parser.error("--seats: at least 8 (two seats of each team)")
    signal.signal(signal.SIGTERM, _terminated)
    asyncio.run(run(args.seats, max(1, min(args.rounds, 4)), max(4, min(args.sample, args.seats))))


if __name__ == "__main__":
    main()
