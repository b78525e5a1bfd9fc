"""The `ttx` command line: list, check and run scenarios without the TUI."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exercise import __version__

# The engine loads inside each command, so that `ttx` alone opens the home screen quickly.
if TYPE_CHECKING:
    from exercise.engine.model import Scenario
    from exercise.engine.state import Order

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """Bad input from the person at the keyboard: printed as one line, exit status 1."""


def _err(message: str) -> None:
    print(f"ttx: {message}", file=sys.stderr)


SEED_MAX = 2**63 - 1


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments are one line (and where to look), not a usage block."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every argument added, and by default each one imports
        # shutil for the terminal's width (2 ms of a `ttx check`); the same width, read with os.
        return self.formatter_class(prog=self.prog, width=_columns() - 2)  # type: ignore[call-arg]


def _columns() -> int:
    """The terminal's width as `shutil.get_terminal_size().columns` gives it."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        if columns <= 0:
            columns = size.columns or 80
    return columns


def seed_arg(text: str) -> int:
    """A seed from the command line: a whole number from 0 to 2^63 - 1, or one clear line why not."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number (a seed is 0 to {SEED_MAX})") from None
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"{text} is out of range (a seed is 0 to {SEED_MAX})")
    return value


def resolve_scenario_path(name: str) -> Path:
    """A scenario by path, or a bundled one by name."""
    from exercise.engine.words import suggest

    if not name.strip():
        raise UserError("no scenario named: give a scenario file or a bundled scenario's name (`ttx list` shows them)")
    path = Path(name)
    if path.exists() or "/" in name or name.endswith(".toml"):
        return path
    from exercise.bundled import bundled_scenarios, find_bundled

    found = find_bundled(name)
    if found is None:
        names = [p.stem for p in bundled_scenarios()]
        raise UserError(
            f"no scenario file or bundled scenario named '{name}'{suggest(name, names)}"
            " (`ttx list` shows the bundled scenarios)"
        )
    return found


def open_scenario(name: str, variant: str | None = None) -> Scenario:
    from exercise.engine.loader import ScenarioError, load_scenario

    path = resolve_scenario_path(name)
    try:
        return load_scenario(path, variant)
    except ValueError as exc:  # an unknown variant
        raise UserError(f"--variant {variant}: {exc}") from None
    except ScenarioError as exc:
        count = len(exc.problems)
        raise UserError(
            f"{path} has {count} problem{'s' if count != 1 else ''}; run `ttx check {path}`:\n{exc.render()}"
        ) from None


# -- list ------------------------------------------------------------------------------
def cmd_list(args: argparse.Namespace) -> int:
    from exercise.bundled import bundled_scenarios
    from exercise.engine.loader import ScenarioError, load_scenario

    paths = bundled_scenarios()
    if not paths:
        _err("no bundled scenarios found")
        return EXIT_PROBLEMS
    for path in paths:
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            print(f"{path.stem}: cannot be loaded ({len(exc.problems)} problems)")
            continue
        teams = ", ".join(t.name for t in s.teams)
        print(f"{path.stem}\n  {s.title}\n  teams: {teams}\n  {s.turns} turns of {s.turn_length}")
        for v in s.variants:
            print(f"  --variant {v.id}: {v.title}")
    return EXIT_OK


# -- check -----------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace) -> int:
    from exercise.engine.loader import ScenarioError, load_scenario, read_source

    failed = 0
    warned = 0
    full = args.format == "full"
    for name in args.files:
        path = resolve_scenario_path(name) if not Path(name).exists() and "/" not in name and not name.endswith(".toml") else Path(name)
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            failed += 1
            print(exc.render(full=full))
            continue
        warnings = []
        if not args.no_warnings:
            from exercise.engine.lint import static_warnings

            text, _ = read_source(path)
            warnings = static_warnings(scenario, text)
            if args.simulate:
                from exercise.simulate import run_games, simulation_warnings

                # Random players find what any play can reach; doctrine players, what only a
                # deliberate sequence reaches (a verified roadmap): a warning needs both to miss it.
                games = []
                for level in ("random", "doctrine"):
                    games += run_games(str(path), args.simulate, 1, {t.id: level for t in scenario.teams})
                seen = {(w.code, w.path.split(".when")[0].split(".requires")[0]) for w in warnings}
                warnings += [w for w in simulation_warnings(scenario, games, text)
                             if (w.code, w.path.split(".when")[0]) not in seen]
        lines = text.splitlines() if warnings else []
        for problem in sorted(warnings, key=lambda p: (p.line is None, p.line or 0, p.code)):
            print(problem.format(str(path), lines, full))
        warned += bool(warnings)
        if not args.quiet:
            note = f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
            print(
                f"{path}: ok ({len(scenario.teams)} teams, {len(scenario.moves)} moves, "
                f"{len(scenario.rules)} rules, {len(scenario.injects)} injects, "
                f"{len(scenario.outcomes)} outcomes{note})"
            )
    if failed or (args.strict and warned):
        return EXIT_PROBLEMS
    return EXIT_OK


# -- run -------------------------------------------------------------------------------
def load_orders(path: str, scenario: Scenario) -> dict[int, dict[str, Order]]:
    """Read a scripted orders file; names are checked against the scenario up front."""
    from exercise.orders_file import OrdersFileError, read_orders

    try:
        return read_orders(path, scenario)
    except OrdersFileError as exc:
        raise UserError(str(exc)) from None


def parse_bots(values: Sequence[str] | None, scenario: Scenario) -> dict[str, str]:
    """`--bot LEVEL` for every team, `--bot TEAM=LEVEL` for one; later ones win."""
    from exercise.bots import LEVELS
    from exercise.engine.words import suggest

    levels = {t.id: "random" for t in scenario.teams}
    for value in values or ():
        team, _, level = value.rpartition("=")
        if level not in LEVELS:
            raise UserError(f"--bot {value}: unknown level '{level}'{suggest(level, LEVELS)} (levels: {', '.join(LEVELS)})")
        if not team:
            levels = {t: level for t in levels}
        elif team in levels:
            levels[team] = level
        else:
            raise UserError(f"--bot {value}: unknown team '{team}'{suggest(team, levels)}")
    return levels


def parse_audience_arg(value: str, scenario: Scenario, option: str) -> Any:
    from exercise.engine.audience import parse_audience

    try:
        return parse_audience(value, scenario)
    except ValueError as exc:
        raise UserError(f"{option} {value}: {exc}") from None


def cmd_run(args: argparse.Namespace) -> int:
    from exercise.engine import IllegalOrder
    from exercise.play import Scripted, choose, computers
    from exercise.session import JournalError, Session
    from exercise.transcript import render_ending, render_turn, who_plays

    scenario = open_scenario(args.scenario, args.variant)
    audience = parse_audience_arg(args.audience, scenario, "--as")
    script = load_orders(args.orders, scenario) if args.orders else {}
    levels = parse_bots(args.bot, scenario)
    scripted_teams = {team for orders in script.values() for team in orders}
    players = {t.id: ("scripted" if t.id in scripted_teams else f"computer:{levels[t.id]}") for t in scenario.teams}
    controllers = computers(scenario, levels)
    for team in scripted_teams:
        by_turn = {turn: orders[team] for turn, orders in script.items() if team in orders}
        controllers[team] = Scripted(by_turn, controllers[team])
    try:
        session = Session.start(scenario, args.seed, args.journal, players)
    except JournalError as exc:
        raise UserError(str(exc)) from None
    out = sys.stdout
    out.write(f"{scenario.title} — seed {args.seed}" + (f" — as seen by {_audience_words(scenario, audience)}"
                                                          if audience.kind != "facilitator" else "") + "\n")
    out.write(f"{scenario.turns} turns of {scenario.turn_length}; teams: "
              + ", ".join(f"{t.name} ({who_plays(players[t.id])})" for t in scenario.teams) + "\n\n")
    while session.state.outcome is None:
        turn = session.state.turn
        for team in scenario.teams:
            order = choose(session.state, team.id, controllers[team.id], args.seed)
            try:
                session.submit(order)
            except IllegalOrder as exc:
                where = f"{args.orders}: " if args.orders else ""
                kept = f"; the turns before it are in {args.journal}" if args.journal else ""
                raise UserError(f"{where}turn {turn}, {team.id}: {'; '.join(exc.problems)}{kept}") from None
            except JournalError as exc:  # the journal could not be written (a full disk): stop, keep what is in
                raise UserError(str(exc)) from None
        try:
            record = session.resolve()
        except JournalError as exc:
            raise UserError(str(exc)) from None
        out.write(render_turn(scenario, record, players, audience) + "\n\n")
    out.write(render_ending(session.state, audience) + "\n")
    if args.journal:
        from exercise.files import shown

        out.write(f"\nJournal: {shown(args.journal)}\n")
    return EXIT_OK


def _audience_words(scenario: Scenario, audience: Any) -> str:
    if audience.kind == "room":
        return "the room"
    if audience.kind == "facilitator":
        return "the facilitator"
    return scenario.team_index[audience.team].name


def cmd_new(args: argparse.Namespace) -> int:
    from exercise.files import FileProblem, shown, write_new
    from exercise.starter import StarterError, starter

    path = Path(args.path)
    if path.suffix != ".toml":
        raise UserError(f"{shown(path)}: a scenario file name ends in .toml")
    if os.path.lexists(path):
        raise UserError(f"{shown(path)} already exists; choose another name (nothing was written)")
    teams = [t.strip() for t in (args.teams or "").split(",") if t.strip()] or ["Blue", "Red"]
    try:
        text = starter(str(path), teams)
    except StarterError as exc:
        raise UserError(f"--teams: {exc} (nothing was written)") from None
    if path.parent and not path.parent.is_dir():
        raise UserError(f"{shown(path.parent)}: no such folder")
    try:
        write_new(path, text, what="scenario file")
    except FileProblem as exc:
        raise UserError(str(exc)) from None
    print(f"wrote {shown(path)}: {len(teams)} teams; next: `ttx check {shown(path)}`, then `ttx play {shown(path)}`")
    return EXIT_OK


def write_output(path: str, text: str, force: bool, what: str, private: bool = False,
                 keep: Sequence[str] = ()) -> None:
    """`-o FILE`: a new file, or with --force a replaced one; never a journal, nor the file read."""
    from exercise.files import FileProblem, write_new

    try:
        write_new(path, text, force=force, private=private, what=what, keep=keep)
    except FileProblem as exc:
        raise UserError(str(exc)) from None


def cmd_schema(args: argparse.Namespace) -> int:
    from exercise.files import shown
    from exercise.schema import schema_text

    text = schema_text()
    if args.output:
        write_output(args.output, text + "\n", args.force, "schema")
        print(f"wrote {shown(args.output)}")
    else:
        print(text)
    return EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    from exercise.simulate import render, run_games, summarize, write_json

    scenario = open_scenario(args.scenario, args.variant)
    if args.runs < 1:
        raise UserError("--runs must be at least 1")
    levels = parse_bots(args.bot, scenario)
    jobs = args.jobs or None  # every core, when the games are worth a pool (exercise.parallel decides)
    show = sys.stderr.isatty() and not args.quiet

    def progress(done: int, total: int) -> None:
        if show:
            width = 30
            filled = int(width * done / total)
            sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} games")
            sys.stderr.flush()

    games = run_games(str(resolve_scenario_path(args.scenario)), args.runs, args.seed, levels, jobs, progress,
                      variant=args.variant)
    if show:
        sys.stderr.write("\n")
    report = summarize(scenario, games, seed=args.seed, levels=levels)
    if args.json:
        print(write_json(report, None))
    else:
        print(render(report, scenario))
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    """Check every expectation of every scenario named; exit 1 when one fails."""
    import json

    from exercise.expectations import StrategyError, check_all, render

    failed = 0
    out: list[dict[str, Any]] = []
    show = sys.stderr.isatty() and not args.quiet
    jobs = args.jobs or None  # every core; the same results with any number
    for name in args.scenarios:
        scenario = open_scenario(name)
        path = str(resolve_scenario_path(name))
        if not scenario.expectations:
            print(f"{scenario.title}: no expectations ([[expect]] tables) to check")
            continue

        def progress(done: int, total: int, scenario: Any = scenario) -> None:
            if show:
                sys.stderr.write(f"\r  {scenario.id}: {len(scenario.expectations)} expectation(s), "
                                 f"{done}/{total} games   ")
                sys.stderr.flush()

        try:
            results = check_all(path, scenario, scenario.expectations, jobs, progress)
        except StrategyError as exc:  # an orders file named by a strategy that cannot be used, say
            raise UserError(f"{path}: {exc}") from None
        if show:
            sys.stderr.write("\r" + " " * 70 + "\r")
        failed += sum(1 for r in results if not r.passed)
        if args.json:
            out.append({"scenario": scenario.id, "results": [
                {"id": r.expectation.id, "check": r.expectation.check, "passed": r.passed, "measured": r.measured,
                 "figures": r.figures} for r in results]})
        else:
            print(render(scenario, results))
    if args.json:
        print(json.dumps(out, indent=2))
    return EXIT_PROBLEMS if failed else EXIT_OK


def read_session(args: argparse.Namespace) -> Any:
    """A journal read (never written) for `replay` and `report`, or one clear line why not.

    The journal may also be a store (`sqlite:///…`, a `.sqlite` file, `postgresql://…`) with
    `--session ID` (not needed when the store holds one session).
    """
    from exercise.engine.loader import ScenarioError
    from exercise.seats.store import looks_like_store
    from exercise.session import JournalError, Session

    try:
        if looks_like_store(args.journal):
            store, session_id = open_store_session(args.journal, getattr(args, "session", None))
            return Session.open_store(store, session_id, args.scenario, force=args.force)
        return Session.resume(args.journal, args.scenario, force=args.force, write=False)
    except JournalError as exc:
        raise UserError(str(exc)) from None
    except ScenarioError as exc:
        raise UserError(f"the journal's scenario has problems; run `ttx check {exc.path}`:\n{exc.render()}") from None


def cmd_report(args: argparse.Namespace) -> int:
    from exercise.files import shown

    session = read_session(args)
    audience = parse_audience_arg(args.audience, session.scenario, "--audience")
    text = write_report(session, args.format, args.replays, audience)
    if args.output:
        write_output(args.output, text, args.force, "report", private=True, keep=[args.journal])
        print(f"wrote {shown(args.output)} ({_audience_words(session.scenario, audience)}'s version)")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def write_report(session: Any, fmt: str, replays: int = 100, audience: Any = None) -> str:
    from exercise.engine.audience import ROOM
    from exercise.report import build, markdown, to_html

    data = build(session, replays, audience or ROOM)
    return to_html(data) if fmt == "html" else markdown(data)


def cmd_replay(args: argparse.Namespace) -> int:
    from exercise.transcript import render_ending, render_turn

    session = read_session(args)
    scenario = session.scenario
    audience = parse_audience_arg(args.audience, scenario, "--as")
    out = sys.stdout
    from exercise.files import shown

    if session.torn:
        _err(f"{shown(args.journal)}: the last line was cut short (the process stopped mid-write); it was ignored")
    seen = f" — as seen by {_audience_words(scenario, audience)}" if audience.kind != "facilitator" else ""
    out.write(f"{scenario.title} — seed {session.seed} — journal {shown(args.journal)}{seen}\n\n")
    for record in session.records:
        out.write(render_turn(scenario, record, session.players, audience) + "\n\n")
    if session.state.outcome:
        out.write(render_ending(session.state, audience) + "\n")
    else:
        waiting = session.waiting_for()
        submitted = [t for t in session.pending]
        status = f"waiting for {', '.join(waiting)}" if waiting else "every order is in; ready to resolve"
        out.write(f"In progress: {scenario.turn_label(session.state.turn)}; orders in from "
                  f"{', '.join(submitted) or 'nobody'}; {status}\n")
    return EXIT_OK


def open_store_session(url: str, session_id: str | None) -> tuple[Any, str]:
    """A store and the session named in it (the only one, when none is named), or one clear line why not."""
    from exercise.seats.store import StoreError, open_store

    try:
        store = open_store(url)
        sessions = store.sessions()
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if session_id:
        if not any(s.id == session_id for s in sessions):
            from exercise.engine.words import suggest

            raise UserError(f"{store.url}: no session named '{session_id}'"
                            f"{suggest(session_id, [s.id for s in sessions])}")
        return store, session_id
    if len(sessions) == 1:
        return store, sessions[0].id
    listing = ", ".join(s.id for s in sessions[:6]) or "none"
    raise UserError(f"{store.url} holds {len(sessions)} sessions; name one with --session (newest first: {listing})")


# -- seats -----------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> Any:
    import signal
    import time as _time

    from exercise.seats.serve import ServeInfo, WebProcess, binding_note, join_link, public_url, start_session
    from exercise.seats.store import StoreError, open_store
    from exercise.session import JournalError

    scenario = open_scenario(args.scenario, args.variant) if args.scenario else None
    try:
        store = open_store(args.store)
        if scenario is None and not (args.session and store.events(args.session)[:1]):
            raise UserError("name a scenario to start, or --session ID to serve a session already in the store"
                            if not args.session else f"{store.url}: no session named '{args.session}'")
        seed = args.seed if args.seed is not None else int(_time.time()) % 100000
        session = start_session(store, scenario, seed, session_id=args.session, timer=args.timer)
    except (StoreError, JournalError) as exc:
        raise UserError(str(exc)) from None
    session_id = session.journal.session_id
    url = public_url(args.host, args.port, args.public_url)
    note = binding_note(args.host)
    if not args.headless and not getattr(args, "build_only", False) and (
            not sys.stdin.isatty() or not sys.stdout.isatty()):
        raise UserError("the facilitator's screens need a terminal; add --headless to serve the seats only")
    web = WebProcess(store.url, args.host, args.port, url)
    if getattr(args, "build_only", False):
        from exercise.tui.app import TtxApp

        return TtxApp(start="serve", session=session, serve_info=ServeInfo(url, note, store))
    try:
        web.start()
    except StoreError as exc:
        raise UserError(str(exc)) from None
    codes = {c.audience: c.code for c in store.codes(session_id)}
    print(f"{session.scenario.title} — session {session_id} in {store.url}")
    print(f"Seats: {url}  ({note})")
    for team in session.scenario.teams:
        print(f"  {team.name:<20} {codes.get(team.id, '?')}   {join_link(url, codes.get(team.id, ''))}")
    print(f"  {'Projector (room)':<20} {codes.get('room', '?')}   {join_link(url, codes.get('room', ''))}")
    sys.stdout.flush()
    try:
        if args.headless:
            print("Serving until Ctrl+C; every accepted action is kept in the store.", flush=True)
            signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped like Ctrl+C: the web server with it
            while web.alive():
                _time.sleep(0.5)
            raise UserError("the seats' web server stopped")
        from exercise.tui.app import TtxApp

        TtxApp(start="serve", session=session, serve_info=ServeInfo(url, note, store),
               high_contrast=args.high_contrast).run()
    except KeyboardInterrupt:
        pass
    finally:
        web.stop()
    print(f"Stopped. Resume with: ttx serve --session {session_id}"
          + (f" --store {args.store}" if args.store else ""))
    return EXIT_OK


def cmd_join(args: argparse.Namespace) -> int:
    from exercise.seats.join import join

    return join(args.url, args.code)


def cmd_export(args: argparse.Namespace) -> int:
    """A session in a store written out as a journal (for `ttx resume`, `replay`, `report` or another store)."""
    import json as _json

    from exercise.files import shown

    store, session_id = open_store_session(args.store, args.session)
    events = store.events(session_id)
    out = args.output or f"{session_id}.jsonl"
    try:
        text = "".join(_json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
                       for event in events)
    except ValueError as exc:
        raise UserError(f"{store.url}: session '{session_id}' holds an event that cannot be written ({exc})") from None
    write_output(out, text, args.force, "journal", private=True, keep=[args.store])
    print(f"wrote {shown(out)}: session {session_id}, {len(events)} events")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """A journal put into a store, checked by replaying it first, so seats can continue it."""
    from exercise.engine.loader import ScenarioError
    from exercise.seats.store import StoreError, new_session_id, open_store
    from exercise.session import JournalError, Session, read_journal

    try:
        session = Session.resume(args.journal, args.scenario, force=args.force, write=False)
        events = list(read_journal(args.journal).events)
        store = open_store(args.store)
        session_id = args.session or new_session_id(session.scenario.id)
        store.create_session(session_id, events[0])
        for seq, event in enumerate(events[1:], start=2):
            store.append(session_id, seq, event)
    except (JournalError, StoreError) as exc:
        raise UserError(str(exc)) from None
    except ScenarioError as exc:
        raise UserError(f"the journal's scenario has problems; run `ttx check {exc.path}`") from None
    print(f"imported {len(events)} events as session {session_id} in {store.url}")
    print(f"serve it with: ttx serve --session {session_id}" + (f" --store {args.store}" if args.store else ""))
    return EXIT_OK


def _run_tui(args: argparse.Namespace, **kwargs: Any) -> Any:
    from exercise.tui.app import TtxApp

    app = TtxApp(**kwargs)
    if getattr(args, "build_only", False):
        return app
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UserError("the interactive screens need a terminal; for a headless game use `ttx run SCENARIO --seed N`")
    app.run()
    return EXIT_OK


def build_app(argv: Sequence[str]) -> Any:
    """The TUI app exactly as `ttx ARGV` would build it, without running it (for tests)."""
    args = parser_for(argv).parse_args(list(argv))
    args.build_only = True
    if args.func not in (cmd_home, cmd_play, cmd_resume, cmd_solo, cmd_author, cmd_serve):
        raise UserError(f"`ttx {' '.join(argv)}` does not open the interactive screens")
    return args.func(args)


def cmd_home(args: argparse.Namespace) -> Any:
    return _run_tui(args, high_contrast=getattr(args, "high_contrast", False))


def cmd_play(args: argparse.Namespace) -> Any:
    path = resolve_scenario_path(args.scenario)
    open_scenario(args.scenario, args.variant)  # problems are reported here, before the screen opens
    return _run_tui(args, start="play", scenario_path=path, seed=args.seed, high_contrast=args.high_contrast,
                    variant=args.variant)


def cmd_solo(args: argparse.Namespace) -> Any:
    from exercise.bots import LEVELS
    from exercise.engine.words import suggest

    scenario = open_scenario(args.scenario)
    playable = [t.id for t in scenario.teams if t.playable]
    if args.team not in playable:
        raise UserError(f"--as {args.team}: no team of that name to play{suggest(args.team, playable)}"
                        f" (teams: {', '.join(playable)})")
    if args.level not in LEVELS:
        raise UserError(f"--level {args.level}: unknown level{suggest(args.level, LEVELS)} (levels: {', '.join(LEVELS)})")
    return _run_tui(args, start="solo", scenario_path=resolve_scenario_path(args.scenario), seed=args.seed,
                    solo_team=args.team, level=args.level, high_contrast=args.high_contrast)


def cmd_author(args: argparse.Namespace) -> Any:
    path = resolve_scenario_path(args.scenario)
    if not path.is_file():
        raise UserError(f"{path}: no such file (`ttx new {path}` writes a starter)")
    return _run_tui(args, start="author", scenario_path=path, high_contrast=args.high_contrast)


def cmd_resume(args: argparse.Namespace) -> Any:
    from exercise.engine.loader import ScenarioError

    from exercise.session import JournalError, Session, list_sessions

    journal = args.journal
    if journal is None:
        unfinished = [s for s in list_sessions() if not s.over and not s.damaged]
        if not unfinished:
            raise UserError("no session to resume; start one with `ttx play SCENARIO`")
        journal = str(unfinished[0].path)
    try:
        Session.resume(journal, force=args.force, write=False)
        from exercise.journal import ensure_free

        ensure_free(journal)
    except JournalError as exc:
        raise UserError(str(exc)) from None
    except ScenarioError as exc:
        raise UserError(f"the journal's scenario has problems; run `ttx check {exc.path}`") from None
    return _run_tui(args, start="resume", journal=journal, force=args.force, high_contrast=args.high_contrast)


def build_parser(command_named: str | None = None) -> argparse.ArgumentParser:
    """The `ttx` parser, every sub-command's; or, with `command_named`, that sub-command's alone.

    A sub-command's parser costs about as much as a scenario check's own work, so a command line
    that names its command needs only that one ("": none, for `ttx` alone). A name that is no
    command gets them all, for argparse's message listing them.
    """
    parser = OneLineParser(
        prog="ttx",
        description="Tabletop exercises in the terminal: turn-based policy games from TOML scenario files.",
    )
    parser.add_argument("--version", action="version", version=f"ttx {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    parser.add_argument("--high-contrast", action="store_true", help="start in the high-contrast theme")
    parser.set_defaults(func=cmd_home)

    def command(name: str, help: str) -> argparse.ArgumentParser | None:
        return sub.add_parser(name, help=help) if command_named in (None, name) else None

    if p := command("play", "set up and play an exercise in the interactive screens"):
        p.add_argument("scenario", metavar="SCENARIO", help="a scenario file, or a bundled scenario's name")
        p.add_argument("--variant", metavar="V", help="a variant of the scenario (`ttx list` shows them)")
        p.add_argument("--seed", type=seed_arg, help="the seed (default: a random one, shown at setup)")
        p.add_argument("--high-contrast", action="store_true", help="start in the high-contrast theme")
        p.set_defaults(func=cmd_play)

    if p := command("solo", "practise alone: play one team, the computer plays the others"):
        p.add_argument("scenario", metavar="SCENARIO", help="a scenario file, or a bundled scenario's name")
        p.add_argument("--as", dest="team", required=True, metavar="TEAM", help="the team you play (its id)")
        p.add_argument("--level", default="doctrine", metavar="LEVEL",
                       help="the computer players: random, doctrine (default) or lookahead")
        p.add_argument("--seed", type=seed_arg, help="the seed (default: a random one)")
        p.add_argument("--high-contrast", action="store_true", help="start in the high-contrast theme")
        p.set_defaults(func=cmd_solo)

    if p := command("author", "a scenario's problems, live as you edit it, and play-testing from any turn"):
        p.add_argument("scenario", metavar="FILE", help="the scenario file")
        p.add_argument("--high-contrast", action="store_true", help="start in the high-contrast theme")
        p.set_defaults(func=cmd_author)

    if p := command("resume", "continue a session exactly where it stopped"):
        p.add_argument("journal", metavar="JOURNAL", nargs="?",
                       help="the journal (default: the latest unfinished session)")
        p.add_argument("--force", action="store_true", help="accept a scenario file that changed since the start")
        p.add_argument("--high-contrast", action="store_true", help="start in the high-contrast theme")
        p.set_defaults(func=cmd_resume)

    if p := command("serve", "every team on its own device: serve the seats, facilitate at this terminal"):
        p.add_argument("scenario", metavar="SCENARIO", nargs="?",
                       help="a scenario file, or a bundled scenario's name (not needed with --session)")
        p.add_argument("--seed", type=seed_arg, help="the seed (default: a random one)")
        p.add_argument("--variant", metavar="V", help="a variant of the scenario (`ttx list` shows them)")
        p.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: the network)")
        p.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
        p.add_argument("--public-url", metavar="URL", help="the address students type, if not this machine's "
                                                            "(behind a reverse proxy)")
        p.add_argument("--store", metavar="URL", help="where the session is kept: a SQLite file (default: "
                                                      "seats.sqlite in ttx's data folder) or postgresql://…")
        p.add_argument("--session", metavar="ID", help="serve this session of the store again (after a restart)")
        p.add_argument("--timer", type=int, default=0, metavar="MIN", help="minutes per turn (0: no timer)")
        p.add_argument("--headless", action="store_true", help="serve the seats without the facilitator's screens "
                                                              "(another host, or a facilitator elsewhere)")
        p.add_argument("--high-contrast", action="store_true", help="start in the high-contrast theme")
        p.set_defaults(func=cmd_serve)

    if p := command("join", "join a served exercise from this terminal, with your team's code"):
        p.add_argument("url", metavar="URL", help="the address the facilitator gave, e.g. http://192.168.1.20:8000")
        p.add_argument("code", metavar="CODE", help="your team's join code")
        p.set_defaults(func=cmd_join)

    if p := command("export", "write a session kept in a store out as a journal"):
        p.add_argument("store", metavar="STORE", help="the store: a SQLite file, sqlite:///path or postgresql://…")
        p.add_argument("--session", metavar="ID", help="the session (not needed when the store holds one)")
        p.add_argument("-o", "--output", metavar="FILE", help="the journal to write (default: SESSION.jsonl)")
        p.add_argument("--force", action="store_true", help="replace FILE if it exists (never a journal)")
        p.set_defaults(func=cmd_export)

    if p := command("import", "put a journal into a store, to serve it to seats"):
        p.add_argument("journal", metavar="JOURNAL")
        p.add_argument("--store", metavar="URL", help="the store (default: seats.sqlite in ttx's data folder)")
        p.add_argument("--session", metavar="ID", help="the id it gets (default: a new one)")
        p.add_argument("--scenario", metavar="FILE", help="the scenario file, if it has moved")
        p.add_argument("--force", action="store_true", help="accept a scenario file that changed since the start")
        p.set_defaults(func=cmd_import)

    if p := command("list", "list the bundled scenarios"):
        p.set_defaults(func=cmd_list)

    if p := command("check", "check scenario files and report every problem"):
        p.add_argument("files", nargs="+", metavar="FILE")
        p.add_argument("--format", choices=("concise", "full"), default="concise",
                       help="full: show the source line, a caret and a hint")
        p.add_argument("-q", "--quiet", action="store_true", help="print problems only")
        p.add_argument("--strict", action="store_true", help="warnings make the check fail too")
        p.add_argument("--simulate", type=int, default=0, metavar="GAMES",
                       help="also play GAMES random and GAMES doctrine games to find what never happens "
                            "(300 is a good number)")
        p.add_argument("--no-warnings", action="store_true", help="report errors only")
        p.set_defaults(func=cmd_check)

    if p := command("run", "play a whole exercise headless and print the transcript"):
        p.add_argument("scenario", metavar="SCENARIO", help="a scenario file, or a bundled scenario's name")
        p.add_argument("--seed", type=seed_arg, required=True, help="the seed: same seed, same game")
        p.add_argument("--orders", metavar="FILE", help="scripted orders (see scenarios/README.md)")
        p.add_argument("--variant", metavar="V", help="a variant of the scenario (`ttx list` shows them)")
        p.add_argument("--journal", metavar="PATH", help="write the session journal here")
        p.add_argument("--bot", action="append", metavar="[TEAM=]LEVEL",
                       help="computer players' level: random, doctrine or lookahead (repeatable; default random)")
        p.add_argument("--as", dest="audience", default="facilitator", metavar="WHO",
                       help="print what this audience may know: facilitator (default, everything), room, or a team id")
        p.set_defaults(func=cmd_run)

    if p := command("new", "write a commented starter scenario"):
        p.add_argument("path", metavar="PATH", help="the new file, ending in .toml")
        p.add_argument("--teams", metavar="NAMES", help="team names separated by commas (default: Blue,Red)")
        p.set_defaults(func=cmd_new)

    if p := command("schema", "print a JSON Schema of the scenario format, for editors"):
        p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE")
        p.add_argument("--force", action="store_true", help="replace FILE if it exists (never a journal)")
        p.set_defaults(func=cmd_schema)

    if p := command("simulate", "play a scenario many times with computer players; a balance report"):
        p.add_argument("scenario", metavar="SCENARIO", help="a scenario file, or a bundled scenario's name")
        p.add_argument("--runs", type=int, default=200, help="how many games (default 200)")
        p.add_argument("--variant", metavar="V", help="a variant of the scenario (`ttx list` shows them)")
        p.add_argument("--seed", type=seed_arg, default=1, help="the seed: same seed, same report (default 1)")
        p.add_argument("--bot", action="append", metavar="[TEAM=]LEVEL",
                       help="computer players' level: random (default), doctrine or lookahead")
        p.add_argument("--json", action="store_true", help="print the report as JSON (shape in scenarios/README.md)")
        p.add_argument("--jobs", type=int, default=0,
                       help="processes to use (default: every core, when there are games enough to share)")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
        p.set_defaults(func=cmd_simulate)

    if p := command("test", "check a scenario's expectations ([[expect]]) by simulation"):
        p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario files or bundled scenarios' names")
        p.add_argument("--jobs", type=int, default=0,
                       help="processes to use (default: every core, when there are games enough to share)")
        p.add_argument("--json", action="store_true", help="print the results as JSON")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress line")
        p.set_defaults(func=cmd_test)

    if p := command("report", "an after-action report of a journaled session (Markdown or HTML)"):
        p.add_argument("journal", metavar="JOURNAL", help="a journal, or a store (with --session)")
        p.add_argument("--session", metavar="ID", help="the session, when JOURNAL is a store holding several")
        p.add_argument("--format", choices=("md", "html"), default="md")
        p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE (a new file; never a journal)")
        p.add_argument("--replays", type=int, default=100, help="replays per turn for decisive moments (default 100)")
        p.add_argument("--audience", default="room", metavar="WHO",
                       help="whose version: room (default: safe to hand to students), facilitator (everything), "
                            "or a team id")
        p.add_argument("--scenario", metavar="FILE", help="the scenario file, if it has moved")
        p.add_argument("--force", action="store_true",
                       help="accept a scenario file that changed since the start, and replace FILE if it exists"
                            " (never a journal)")
        p.set_defaults(func=cmd_report)

    if p := command("replay", "print the transcript of a journaled session"):
        p.add_argument("journal", metavar="JOURNAL", help="a journal, or a store (with --session)")
        p.add_argument("--session", metavar="ID", help="the session, when JOURNAL is a store holding several")
        p.add_argument("--as", dest="audience", default="facilitator", metavar="WHO",
                       help="print what this audience may know: facilitator (default, everything), room, or a team id")
        p.add_argument("--scenario", metavar="FILE", help="the scenario file, if it has moved")
        p.add_argument("--force", action="store_true", help="accept a scenario file that changed since the start")
        p.set_defaults(func=cmd_replay)
    if command_named and command_named not in sub.choices:
        return build_parser()
    return parser


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser `argv` needs: its first word after any `--high-contrast` names the sub-command.

    Any other option before the command (`--help`, `--version`, an abbreviation) gets every
    sub-command's parser, so that what argparse does with it is unchanged.
    """
    words = list(argv)
    while words[:1] == ["--high-contrast"]:
        del words[0]
    return build_parser(words[0] if words else "")


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    args = parser_for(argv).parse_args(argv)
    try:
        return int(args.func(args))
    except UserError as exc:
        _err(str(exc))
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        _err("interrupted; everything accepted so far is in the journal")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file-system error no command foresaw: still one line, with the path
        from exercise.files import reason, shown

        where = f"{shown(exc.filename)}: " if exc.filename else ""
        _err(f"{where}{reason(exc)}")
        return EXIT_PROBLEMS


def run() -> None:
    """The `ttx` command: `main`, then an exit that does not first collect what the process is
    about to drop anyway (the interpreter's last collection walks every object: a few ms of a
    `ttx check`)."""
    code = main()
    import gc

    gc.freeze()
    raise SystemExit(code)


if __name__ == "__main__":
    run()
