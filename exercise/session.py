"""Sessions: an append-only JSON Lines journal of accepted actions, folded into the current state.

Every accepted action is written, flushed and fsync'd before it counts. The state is
never stored: it is recomputed from the journal, so resume, undo and replay are one fold.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs

from exercise import __version__
from exercise.seats.store import Conflict, Store, StoreError
from exercise.journal import (  # noqa: F401  (re-exported: the session API)
    JOURNAL_VERSION,
    Journal,
    JournalError,
    JournalRead,
    SessionInfo,
    _now,
    _why,
    new_journal_path,
    private_dir,
    write_private,
    read_journal,
    sessions_dir,
)
from exercise.journal import list_sessions as _listed
from exercise.files import reason, shown
from exercise.entries import (  # noqa: F401  (order_to_json/from_json re-exported)
    End,
    Entry,
    EntryError,
    InjectFired,
    Orders,
    Override,
    PlayerSet,
    Resolve,
    Screen,
    Start,
    Timer,
    Undo,
    entry_from_json,
    is_computer,
    level_of,
    normalize_player,
    order_from_json,
    order_to_json,
)
from exercise.engine import (
    IllegalOrder,
    Order,
    Scenario,
    ScenarioError,
    State,
    TurnRecord,
    check_order,
    end_exercise,
    fire_inject,
    initial_state,
    load_scenario,
    override,
    resolve_turn,
)

class TurnTimer(NamedTuple):
    """Where the turn timer stands: the phase of the turn, seconds left (None: no timer), paused."""

    phase: str  # briefing, deliberation, reveal, ended
    left: float | None
    paused: bool

    @property
    def running(self) -> bool:
        return self.phase == "deliberation" and self.left is not None and not self.paused

    @property
    def up(self) -> bool:
        return self.phase == "deliberation" and self.left is not None and self.left <= 0


CLOSED_BY = "nobody: orders closed"  # who "sent" the pass of a team whose orders were closed


class OutOfTurn(JournalError):
    """An entry for a turn the session has left (another seat or host moved it on first)."""


class NotRecorded(JournalError):
    """An action the journal (a full disk, a file made read-only) or the shared store could not
    write: it is not taken, and everything accepted before it is kept."""


class StoreLog:
    """A session's events in a store that other processes share; each append names its number."""

    path = None  # not a file: `ttx export` writes one

    def __init__(self, store: Store, session_id: str) -> None:
        self.store = store
        self.session_id = session_id

    def append(self, event: Mapping[str, Any], seq: int | None = None) -> None:
        assert seq is not None
        self.store.append(self.session_id, seq, event)

    def close(self) -> None:
        pass


@attrs.frozen
class Fold:
    """Everything the journal says so far: the engine's state and how the room plays it.

    Applying an entry returns the next fold; the session computes it once, journals the entry,
    then keeps the fold.
    """

    state: State
    seed: int
    pending: Mapping[str, Order] = MappingProxyType({})
    before: tuple[tuple[State, Mapping[str, Order]], ...] = ()  # before each resolve: undo and reports
    players: Mapping[str, str] = MappingProxyType({})  # team -> human, scripted or computer:LEVEL
    mode: str = "hotseat"
    timer: int = 0
    pin: str = ""  # the facilitator PIN's salted hash, or "" when none was set
    started_at: str = ""
    version: int = JOURNAL_VERSION  # the journal format it was started with (older ones replay as they were)


def apply(scenario: Scenario, fold: Fold | None, entry: Entry) -> Fold:
    """The fold after one more entry; raises IllegalOrder, ValueError or JournalError if refused."""
    if isinstance(entry, Start):
        if fold is not None:
            raise JournalError("a second start event: a journal holds one session")
        for team, player in entry.players.items():
            _check_player(scenario, team, player)
        players = {t.id: "human" for t in scenario.teams}
        players.update({t: normalize_player(p) for t, p in entry.players.items()})
        draws = 1 if entry.version < 2 else 2  # a journal replays with the draws it was played with
        return Fold(initial_state(scenario, entry.seed, draws), entry.seed, players=MappingProxyType(players),
                    mode=entry.mode, timer=entry.timer, pin=entry.pin, started_at=entry.at, version=entry.version)
    if fold is None:
        raise JournalError("the journal does not begin with a start event")
    state = fold.state
    if isinstance(entry, (Orders, Resolve, Undo)) and entry.turn and entry.turn != state.turn:
        raise OutOfTurn(f"this was meant for turn {entry.turn}, and the exercise is at turn {state.turn}")
    if isinstance(entry, Orders):
        problems = check_order(state, entry.order)
        if problems:
            raise IllegalOrder(problems)
        _check_reason(scenario, entry.order)
        return attrs.evolve(fold, pending=MappingProxyType({**fold.pending, entry.order.team: entry.order}))
    if isinstance(entry, Resolve):
        missing = [t.id for t in scenario.teams if t.id not in fold.pending]
        if missing:
            raise IllegalOrder([f"no order yet from {', '.join(missing)}"])
        after, _ = resolve_turn(state, fold.pending)
        return attrs.evolve(fold, state=after, pending=MappingProxyType({}),
                            before=fold.before + ((state, fold.pending),))
    if isinstance(entry, Override):
        return attrs.evolve(fold, state=override(state, entry.target, entry.value, entry.reason))
    if isinstance(entry, InjectFired):
        for team in entry.to:
            if team not in scenario.team_index:
                raise ValueError(f"an inject for a team that is not in the scenario ('{team}')")
        return attrs.evolve(fold, state=fire_inject(state, entry.inject, title=entry.title, text=entry.text,
                                                    to=frozenset(entry.to) if entry.to else None))
    if isinstance(entry, End):
        return attrs.evolve(fold, state=end_exercise(state, entry.reason, entry.outcome))
    if isinstance(entry, Undo):
        if not fold.before:
            raise JournalError("there is no resolved turn to undo")
        previous, pending = fold.before[-1]
        return attrs.evolve(fold, state=previous, pending=pending, before=fold.before[:-1])
    if isinstance(entry, PlayerSet):
        _check_player(scenario, entry.team, entry.player)
        player = normalize_player(entry.player)
        pending = fold.pending
        if (fold.version >= 3 and not is_computer(player) and is_computer(fold.players.get(entry.team, "human"))
                and entry.team in pending):
            # Handed back to people: the computer's order for this turn is withdrawn, theirs to choose.
            pending = MappingProxyType({t: o for t, o in pending.items() if t != entry.team})
        return attrs.evolve(fold, players=MappingProxyType({**fold.players, entry.team: player}), pending=pending)
    return fold  # the timer, and entries of a newer version: kept, and ignored


def _check_reason(scenario: Scenario, order: Order) -> None:
    """A computer player's reason names moves, meters and flags of the scenario (screens look them up)."""
    for part in order.reason:
        for kind, names, known in (("move", part.moves, scenario.move_index), ("meter", part.meters,
                                   scenario.meter_index), ("flag", part.flags, scenario.flag_index)):
            unknown = next((n for n in names if n not in known), None)
            if unknown is not None:
                raise ValueError(f"a reason names a {kind} that is not in the scenario ('{unknown}')")


def _check_player(scenario: Scenario, team: str, player: str) -> None:
    """A team of the scenario, played by people, a scripted orders file or the computer at a known level."""
    from exercise.bots import LEVELS

    if team not in scenario.team_index:
        raise ValueError(f"no team named '{team}'")
    player = normalize_player(player)
    if player not in ("human", "scripted") and not (is_computer(player) and level_of(player) in LEVELS):
        raise ValueError(f"'{player}' is not who may play a team (human, scripted, or computer: "
                         f"{', '.join(LEVELS)})")


class Session:
    """A scenario, its journal, and the state folded from it; the API every shell uses."""

    def __init__(self, scenario: Scenario, journal: Journal | None, entries: Iterable[Entry]) -> None:
        self.scenario = scenario
        self.journal = journal
        self.entries: list[Entry] = []
        self._fold: Fold | None = None
        for entry in entries:
            self._fold = apply(scenario, self._fold, entry)
            self.entries.append(entry)

    # -- construction ------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        scenario: Scenario,
        seed: int,
        journal_path: str | os.PathLike[str] | None = None,
        players: Mapping[str, str] | None = None,
        settings: Mapping[str, Any] | None = None,
        *,
        store: Store | None = None,
        session_id: str | None = None,
    ) -> Session:
        """A new session; with a path, the journal is created there (never overwritten).

        With a `store`, the session is kept there under `session_id` instead, for every
        process of a classroom session to share.

        `settings` are how the room plays (hot-seat or facilitator entry, the timer, the
        facilitator PIN's salted hash): kept in the start event so that resume restores them;
        the engine never reads them.
        """
        settings = dict(settings or {})
        start = Start(
            turn=1,
            at=_now(),
            ttx=__version__,
            scenario=scenario.id,
            scenario_path=str(Path(scenario.path).resolve()) if scenario.path else "",
            scenario_hash=scenario.content_hash,
            seed=seed,
            players=dict(players or {}),
            mode=str(settings.get("mode", "hotseat")),
            timer=int(settings.get("timer", 0)),
            pin=str(settings.get("pin", "")),
            variant=scenario.variant,
        )
        if store is not None:
            if not session_id:
                raise ValueError("a session in a store needs an id")
            store.create_session(session_id, start.to_json())
            return cls(scenario, StoreLog(store, session_id), [start])
        journal = None
        if journal_path is not None:
            path = Path(journal_path)
            if path.parent and not os.path.lexists(path.parent):
                try:
                    private_dir(path.parent)
                except OSError as exc:
                    raise JournalError(f"{shown(path.parent)}: cannot create the folder for the journal:"
                                       f" {reason(exc)}") from None
            journal = Journal.create(path)
        session = cls(scenario, journal, [])
        try:
            session._record(start)
        except BaseException:
            if journal is not None:
                journal.close()
            raise
        return session

    @classmethod
    def resume(
        cls,
        journal_path: str | os.PathLike[str],
        scenario_path: str | os.PathLike[str] | None = None,
        force: bool = False,
        write: bool = True,
    ) -> Session:
        """Continue a journaled session; refuse a changed scenario file unless forced.

        With `write=False` the journal is only read (a torn tail is left as it is).
        """
        read = read_journal(journal_path)
        where = shown(journal_path)
        journal = None
        try:
            if write:  # locked, then read again: what another process appended meanwhile is kept
                journal = Journal(journal_path)
                read = read_journal(journal_path)
            entries = _entries(read.events, where, read.lines)
            scenario = _scenario_of(read.events[0], scenario_path, force, where)
            session = cls._from_entries(scenario, None, entries, where, read.lines)
            if journal is not None:
                journal.cut_to(read.intact_bytes)  # only once it replays: a journal refused is left as it was
        except BaseException:
            if journal is not None:
                journal.close()
            raise
        session.journal = journal
        session.torn = read.torn
        return session

    @classmethod
    def open_store(
        cls,
        store: Store,
        session_id: str,
        scenario_path: str | os.PathLike[str] | None = None,
        force: bool = False,
    ) -> Session:
        """A session kept in a store, folded from its events; it appends there and `refresh`es from it."""
        events = store.events(session_id)
        if not events:
            known = ", ".join(s.id for s in store.sessions()[:5]) or "none"
            raise StoreError(f"{store.url}: no session named '{session_id}' (sessions there: {known})")
        where = f"{store.url} session '{session_id}'"
        entries = _entries(events, where)
        scenario = _scenario_of(events[0], scenario_path, force, where)
        return cls._from_entries(scenario, StoreLog(store, session_id), entries, where)

    @classmethod
    def _from_entries(cls, scenario: Scenario, journal: Any, entries: list[Entry], where: str,
                      lines: tuple[int, ...] = ()) -> Session:
        session = cls(scenario, journal, [])
        for index, entry in enumerate(entries):
            try:
                session._fold = apply(scenario, session._fold, entry)
            except (IllegalOrder, KeyError, ValueError, TypeError, JournalError) as exc:
                at = f"{where}:{lines[index]}" if index < len(lines) else f"{where}: event {index + 1}"
                raise JournalError(
                    f"{at}: the journal does not replay on this scenario ({_one_line(exc)});"
                    " it may belong to another version of the file"
                ) from None
            session.entries.append(entry)
        return session

    torn: bool = False

    # -- the fold ----------------------------------------------------------------------
    def refresh(self) -> int:
        """Fold the events other processes appended to a shared store since; how many there were."""
        if not isinstance(self.journal, StoreLog):
            return 0
        new = self.journal.store.events(self.journal.session_id, after=len(self.entries))
        for event in new:
            try:
                entry = entry_from_json(event)
                fold = apply(self.scenario, self._fold, entry)
            except (IllegalOrder, KeyError, ValueError, TypeError, JournalError) as exc:
                raise JournalError(f"{self.journal.store.url}: event {len(self.entries) + 1} of session"
                                   f" '{self.journal.session_id}' does not replay ({exc})") from None
            self._fold = fold
            self.entries.append(entry)
        return len(new)

    def _record(self, entry: Entry) -> Fold:
        """Compute the next fold once, make the entry durable, then keep the fold.

        A refused entry raises before anything is written. In a shared store, another
        process may have appended first: the session folds what it wrote and tries again
        (an order for a turn that has since been revealed is refused, with OutOfTurn).
        """
        for _ in range(50):
            fold = apply(self.scenario, self._fold, entry)
            if isinstance(entry, Resolve):
                entry = attrs.evolve(entry, outcome=fold.state.outcome)
            if self.journal is not None:
                try:
                    self.journal.append(entry.to_json(), len(self.entries) + 1)
                except Conflict:
                    self.refresh()
                    continue
                except JournalError as exc:
                    raise NotRecorded(str(exc)) from None
            self._fold = fold
            self.entries.append(entry)
            return fold
        raise JournalError("the session's store is too busy to take this now; try again")

    def close(self) -> None:
        """Let go of the journal (its lock) or the store; the session can no longer be changed."""
        if self.journal is not None:
            self.journal.close()

    # -- reading -----------------------------------------------------------------------
    @property
    def fold(self) -> Fold:
        assert self._fold is not None
        return self._fold

    @property
    def state(self) -> State:
        return self.fold.state

    @property
    def pending(self) -> Mapping[str, Order]:
        return dict(self.fold.pending)

    @property
    def seed(self) -> int:
        return self.fold.seed

    @property
    def players(self) -> dict[str, str]:
        """Who plays each team now: `human`, `scripted` or `computer:LEVEL`."""
        return dict(self.fold.players)

    @property
    def mode(self) -> str:
        return self.fold.mode

    @property
    def timer_minutes(self) -> int:
        """The turn timer's length set at the start, in minutes (0: none)."""
        return self.fold.timer

    @property
    def pin(self) -> str:
        """The facilitator PIN's salted hash, or "" when none was set."""
        return self.fold.pin

    @property
    def started_at(self) -> str:
        return self.fold.started_at

    @property
    def events(self) -> list[dict[str, Any]]:
        """The journal's entries as JSON objects, as written."""
        return [e.to_json() for e in self.entries]

    @property
    def records(self) -> tuple[TurnRecord, ...]:
        return self.state.records

    def states_before(self) -> list[State]:
        """The state at the start of each resolved turn, first to last."""
        return [s for s, _ in self.fold.before]

    def turn_states(self) -> list[State]:
        """The state after each resolved turn, first to last (for debriefs and reports)."""
        before = self.fold.before
        return [before[k][0] if k < len(before) else self.state for k in range(1, len(before) + 1)]

    def submitted(self, team: str) -> Orders | None:
        """The entry of the team's order in force this turn (who submitted it, and when), if any."""
        if team not in self.fold.pending:
            return None
        turn = self.state.turn
        for entry in reversed(self.entries):
            if isinstance(entry, Orders) and entry.order.team == team and entry.turn == turn:
                return entry
        return None

    def timer(self, now: float | None = None) -> TurnTimer:
        """The turn timer as the journal tells it, the same in every process and after a resume.

        It counts deliberation only: from when the facilitator opens the turn (a `screen`
        entry, "board", after the briefing or the reveal) until the orders are revealed.
        Pauses stop it; an extension adds to what is left, or, once time is up, starts again
        from the moment it was given.
        """
        now = time.time() if now is None else now
        deadline: float | None = None
        paused_left: float | None = None
        phase = "briefing"
        extra = 0.0  # minutes added before deliberation began
        for entry in self.entries:
            if isinstance(entry, (Start, Resolve, Undo)):
                deadline, paused_left, extra = None, None, 0.0
                phase = "briefing" if isinstance(entry, Start) else "reveal"
            elif isinstance(entry, End):
                deadline, paused_left, phase = None, None, "ended"
            elif isinstance(entry, Screen) and entry.show == "board" and phase in ("briefing", "reveal"):
                phase = "deliberation"
                total = self.timer_minutes * 60 + extra * 60
                deadline = _epoch(entry.at) + total if total > 0 else None
            elif isinstance(entry, Timer):
                at = _epoch(entry.at)
                if entry.action == "extend":
                    if phase != "deliberation":
                        extra += entry.minutes
                    elif paused_left is not None:
                        paused_left += entry.minutes * 60
                    else:
                        deadline = max(deadline if deadline is not None else at, at) + entry.minutes * 60
                elif entry.action == "pause" and deadline is not None:
                    paused_left, deadline = max(0.0, deadline - at), None
                elif entry.action == "resume" and paused_left is not None:
                    deadline, paused_left = at + paused_left, None
        if self.state.outcome is not None:
            phase = "ended"
        if phase != "deliberation":
            total = (self.timer_minutes + extra) * 60
            return TurnTimer(phase, float(total) if total > 0 and phase != "ended" else None, False)
        if paused_left is not None:
            return TurnTimer(phase, paused_left, True)
        if deadline is None:
            return TurnTimer(phase, None, False)
        return TurnTimer(phase, max(0.0, deadline - now), False)

    def timer_left(self, now: float | None = None) -> tuple[float | None, bool]:
        """(seconds left, or None for no timer; whether it is stopped: paused, or not counting yet)."""
        timer = self.timer(now)
        return timer.left, timer.paused or timer.phase != "deliberation"

    @property
    def can_redo(self) -> bool:
        """Whether the last thing done to the exercise was an undo (a redo resolves the same orders again)."""
        for entry in reversed(self.entries):
            if isinstance(entry, (Screen, Timer)):
                continue
            return isinstance(entry, Undo)
        return False

    @property
    def deliberating(self) -> bool:
        """Whether the facilitator has opened this turn's deliberation (left the briefing or the reveal)."""
        return self.timer().phase == "deliberation"

    def waiting_for(self) -> list[str]:
        """Teams that have not yet submitted an order this turn."""
        return [t.id for t in self.scenario.teams if t.id not in self.fold.pending]

    # -- actions -----------------------------------------------------------------------
    def submit(self, order: Order, by: str = "") -> None:
        """Accept a team's order for this turn (replacing an earlier one); refuse an illegal one.

        `by` names who submitted it, as a seat named itself, for everyone at that team's table.
        """
        self._record(Orders(self.state.turn, _now(), order, by))

    def close_orders(self, teams: Iterable[str]) -> None:
        """Orders close with what is in: each of `teams` that has sent nothing passes, said so in the journal."""
        for team in teams:
            if team not in self.fold.pending:
                self.submit(Order(team, ()), by=CLOSED_BY)

    def resolve(self) -> TurnRecord:
        """Resolve the turn once every team has an order."""
        return self._record(Resolve(self.state.turn, _now())).state.records[-1]

    def override(self, target: str, value: Any, reason: str) -> None:
        if not reason.strip():
            raise ValueError("an override needs a reason")
        self._record(Override(self.state.turn, _now(), target, value, reason))

    def fire_inject(self, inject_id: str | None = None, *, title: str = "", text: str = "",
                    to: Iterable[str] | None = None) -> None:
        self._record(InjectFired(self.state.turn, _now(), inject_id, title, text, tuple(sorted(to or ()))))

    def end(self, reason: str, outcome: str | None = None) -> None:
        """The facilitator ends the exercise now."""
        self._record(End(self.state.turn, _now(), reason, outcome))

    def set_player(self, team: str, player: str) -> None:
        """Hand a team to the computer (`computer:LEVEL`) or back to people (`human`)."""
        self._record(PlayerSet(self.state.turn, _now(), team, player))

    def timer_note(self, action: str, minutes: int = 0) -> None:
        """Journal a change to the turn timer (it does not change the exercise)."""
        self._record(Timer(self.state.turn, _now(), action, minutes))

    @property
    def shared(self) -> bool:
        """Whether the session lives in a store that seats and other hosts share."""
        return isinstance(self.journal, StoreLog)

    def show(self, screen: str) -> None:
        """Tell the projectors which screen the facilitator moved the room on to (`board`)."""
        self._record(Screen(self.state.turn, _now(), screen))

    def undo(self) -> None:
        """Undo the last resolved turn: back to its orders, as they were before the reveal."""
        self._record(Undo(self.state.turn, _now()))


# Whether a journal in progress replays, by its path, size and time of change (it changes only by
# growing): the home screen lists the sessions each time it is shown, and replays only what is new.
_REPLAYS: dict[tuple[str, int, int], str] = {}


def list_sessions() -> list[SessionInfo]:
    """Journals in the sessions folder, newest first. One that cannot be read, or one in progress
    whose entries read but do not replay on its scenario (a player for an unknown team, an order
    for a move it does not have), is listed as damaged, with why: `ttx resume` passes over it.

    A journal whose scenario file is missing or has changed is not damaged: resuming it says
    what to do (name the file, or --force).
    """
    return replaying(_listed())


def replaying(sessions: Iterable[SessionInfo]) -> list[SessionInfo]:
    """The listed sessions, each one in progress that does not replay marked damaged (see list_sessions)."""
    scenarios: dict[str, Any] = {}
    out = []
    for info in sessions:
        if not info.damaged and not info.over:
            why = _does_not_replay(info.path, scenarios)
            if why:
                info = info._replace(damaged=why)
        out.append(info)
    return out


def _does_not_replay(path: Path, scenarios: dict[str, Any]) -> str:
    """Why the journal's entries do not replay on its scenario, or "" (also when its scenario cannot be had)."""
    try:
        info = path.stat()
    except OSError:
        return ""
    key = (str(path), info.st_size, info.st_mtime_ns)
    if key in _REPLAYS:
        return _REPLAYS[key]
    where = shown(path)
    try:
        read = read_journal(path)
        entries = _entries(read.events, where, read.lines)
        start = read.events[0]
        named = repr(sorted((k, str(start.get(k))) for k in ("scenario", "scenario_path", "scenario_hash", "variant")))
        if named not in scenarios:
            try:
                scenarios[named] = _scenario_of(start, None, False, where)
            except (JournalError, ScenarioError, OSError):
                scenarios[named] = None  # resuming it says what is wrong with the scenario
        scenario = scenarios[named]
        if scenario is None:
            return ""
        Session._from_entries(scenario, None, entries, where, read.lines)
        why = ""
    except JournalError as exc:
        why = _why(str(exc), path)
    _REPLAYS[key] = why
    return why


def _entries(events: Iterable[Mapping[str, Any]], where: str, lines: tuple[int, ...] = ()) -> list[Entry]:
    """A journal's events as typed entries, or one line naming the first damaged one."""
    out = []
    for index, event in enumerate(events):
        try:
            out.append(entry_from_json(event))
        except EntryError as exc:
            at = f"{where}:{lines[index]}" if index < len(lines) else f"{where}: event {index + 1}"
            raise JournalError(f"{at}: a journal entry is damaged ({_one_line(exc)})") from None
    if not out or not isinstance(out[0], Start):
        raise JournalError(f"{where}: not a ttx journal (it does not begin with a start event)")
    return out


def _one_line(exc: BaseException) -> str:
    """An exception's words on one line (an illegal order lists its problems)."""
    if isinstance(exc, IllegalOrder):
        return "; ".join(exc.problems)
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return " ".join(text.split())


def _scenario_of(start: Mapping[str, Any], scenario_path: str | os.PathLike[str] | None, force: bool,
                 where: str) -> Scenario:
    """The scenario a session was started with: the file it names (or `scenario_path`), unchanged unless forced."""
    path = scenario_path or start.get("scenario_path")
    if not scenario_path and (not path or not _exists(path)):
        from exercise.bundled import find_bundled

        bundled = find_bundled(str(start.get("scenario", "")))
        if bundled is None:
            raise JournalError(
                f"{where}: the scenario file it was played with ({shown(str(path or 'unknown'))}) is not there;"
                " name the scenario file to use"
            )
        path = bundled
    if not _exists(path, regular=True):  # a device (/dev/zero), a pipe or a folder is never read as a scenario
        named = "you named" if scenario_path else "it was played with"
        raise JournalError(f"{where}: the scenario file {named} ({shown(str(path))}) is not a regular file;"
                           " name the scenario file to use")
    variant = start.get("variant") or None
    try:
        scenario = load_scenario(path, variant if isinstance(variant, str) else None)
    except ValueError as exc:  # the variant is no longer in the file
        raise JournalError(f"{where}: {exc}") from None
    if scenario.id != start.get("scenario"):
        raise JournalError(f"{where}: this journal is from scenario '{start.get('scenario')}', not '{scenario.id}'")
    if scenario.content_hash != start.get("scenario_hash") and not force:
        raise JournalError(
            f"{shown(str(path))} has changed since this session started (its content no longer matches the journal);"
            " resume with --force to continue with the changed file"
        )
    return scenario


def _exists(path: Any, regular: bool = False) -> bool:
    """Whether a path names something (a regular file), False for a name the system cannot even look up."""
    try:
        return Path(str(path)).is_file() if regular else Path(str(path)).exists()
    except (OSError, ValueError):
        return False


def _epoch(at: str) -> float:
    """An entry's time as seconds since the epoch (0 for an entry without one)."""
    try:
        return _dt.datetime.fromisoformat(at).timestamp()
    except (ValueError, OverflowError, OSError):  # not a time, or one the platform cannot count from the epoch
        return 0.0
