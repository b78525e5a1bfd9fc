"""Sessions: an append-only JSON Lines journal of accepted actions, folded into the current state.

Every accepted action is written, flushed and fsync'd before it counts. The state is
never stored: it is recomputed from the journal, so resume, undo and replay are one fold.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from exercise import __version__
from exercise.journal import (  # noqa: F401  (re-exported: the session API)
    JOURNAL_VERSION,
    Journal,
    JournalError,
    JournalRead,
    SessionInfo,
    _now,
    list_sessions,
    new_journal_path,
    read_journal,
    sessions_dir,
)
from exercise.engine import (
    IllegalOrder,
    Order,
    OrderedMove,
    Scenario,
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

def order_to_json(order: Order) -> dict[str, Any]:
    data: dict[str, Any] = {
        "team": order.team,
        "moves": [
            {"move": om.move, "if": list(om.contingent_on)} if om.contingent_on else om.move
            for om in order.moves
        ],
    }
    if order.rationale:
        data["rationale"] = order.rationale
    if order.reason:
        data["reason"] = order.reason
    return data


def order_from_json(data: Mapping[str, Any]) -> Order:
    moves = []
    for item in data.get("moves", []):
        if isinstance(item, str):
            moves.append(OrderedMove(item))
        else:
            moves.append(OrderedMove(item["move"], tuple(item.get("if", ()))))
    return Order(data["team"], tuple(moves), data.get("rationale", ""), data.get("reason", ""))


@attrs.define
class _Fold:
    state: State
    pending: dict[str, Order]
    stack: list[tuple[State, dict[str, Order]]]  # before each resolve, for undo


class Session:
    """A scenario, its journal, and the state folded from it; the API every shell uses."""

    def __init__(self, scenario: Scenario, journal: Journal | None, events: Iterable[dict[str, Any]]) -> None:
        self.scenario = scenario
        self.journal = journal
        self.events: list[dict[str, Any]] = []
        self._fold: _Fold | None = None
        for event in events:
            self._apply(event)
            self.events.append(event)

    # -- construction ------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        scenario: Scenario,
        seed: int,
        journal_path: str | os.PathLike[str] | None = None,
        players: Mapping[str, str] | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Session:
        """A new session; with a path, the journal is created there (never overwritten).

        `settings` are how the room plays (hot-seat or facilitator entry, the timer): kept in
        the start event so that resume restores them; the engine never reads them.
        """
        journal = None
        if journal_path is not None:
            path = Path(journal_path)
            if path.exists() and path.stat().st_size > 0:
                raise JournalError(f"{path}: a journal already exists there; choose another path or resume it")
            if path.parent and not path.parent.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
            journal = Journal(path)
        session = cls(scenario, journal, [])
        session._record({
            "type": "start",
            "version": JOURNAL_VERSION,
            "ttx": __version__,
            "scenario": scenario.id,
            "scenario_path": str(Path(scenario.path).resolve()) if scenario.path else "",
            "scenario_hash": scenario.content_hash,
            "seed": seed,
            "players": dict(players or {}),
            **dict(settings or {}),
            "at": _now(),
        })
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
        start = read.events[0]
        path = scenario_path or start.get("scenario_path")
        if not scenario_path and (not path or not Path(path).exists()):
            from exercise.bundled import find_bundled

            bundled = find_bundled(str(start.get("scenario", "")))
            if bundled is None:
                raise JournalError(
                    f"{journal_path}: the scenario file it was played with ({path or 'unknown'}) is not there;"
                    " name the scenario file to use"
                )
            path = bundled
        scenario = load_scenario(path)
        if scenario.id != start.get("scenario"):
            raise JournalError(
                f"{journal_path}: this journal is from scenario '{start.get('scenario')}', not '{scenario.id}'"
            )
        if scenario.content_hash != start.get("scenario_hash") and not force:
            raise JournalError(
                f"{path} has changed since this session started (its content no longer matches the journal);"
                " resume with --force to continue with the changed file"
            )
        journal = Journal(journal_path, truncate_to=read.intact_bytes) if write else None
        try:
            session = cls(scenario, journal, read.events)
        except (IllegalOrder, KeyError, ValueError, TypeError) as exc:
            raise JournalError(
                f"{journal_path}: the journal does not replay on this scenario ({exc});"
                " it may belong to another version of the file"
            ) from None
        session.torn = read.torn
        return session

    torn: bool = False

    # -- the fold ----------------------------------------------------------------------
    def _apply(self, event: Mapping[str, Any]) -> None:
        kind = event["type"]
        fold = self._fold
        if kind == "start":
            self._fold = _Fold(initial_state(self.scenario, int(event["seed"])), {}, [])
            return
        if fold is None:
            raise JournalError("the journal does not begin with a start event")
        if kind == "orders":
            order = order_from_json(event)
            problems = check_order(fold.state, order)
            if problems:
                raise IllegalOrder(problems)
            fold.pending[order.team] = order
        elif kind == "withdraw":
            fold.pending.pop(event["team"], None)
        elif kind == "resolve":
            before = (fold.state, dict(fold.pending))
            fold.state, _ = resolve_turn(fold.state, fold.pending)
            fold.stack.append(before)
            fold.pending = {}
        elif kind == "override":
            fold.state = override(fold.state, event["target"], event["value"], event.get("reason", ""))
        elif kind == "inject":
            to = frozenset(event["to"]) if event.get("to") else None
            fold.state = fire_inject(
                fold.state, event.get("inject"), title=event.get("title", ""),
                text=event.get("text", ""), to=to,
            )
        elif kind == "end":
            fold.state = end_exercise(fold.state, event.get("reason", ""), event.get("outcome"))
        elif kind == "undo":
            if not fold.stack:
                raise JournalError("there is no resolved turn to undo")
            fold.state, fold.pending = fold.stack.pop()
        # timer events and unknown event types from a newer version are kept but ignored

    def _record(self, event: dict[str, Any]) -> None:
        """Apply an event to the fold, then make it durable; a refused event is not written."""
        self._apply(event)
        if self.journal is not None:
            self.journal.append(event)
        self.events.append(event)

    # -- reading -----------------------------------------------------------------------
    @property
    def state(self) -> State:
        assert self._fold is not None
        return self._fold.state

    @property
    def pending(self) -> Mapping[str, Order]:
        assert self._fold is not None
        return dict(self._fold.pending)

    @property
    def seed(self) -> int:
        return int(self.events[0]["seed"])

    @property
    def players(self) -> dict[str, str]:
        return dict(self.events[0].get("players", {}))

    @property
    def records(self) -> tuple[TurnRecord, ...]:
        return self.state.records

    def turn_states(self) -> list[State]:
        """The state after each resolved turn, first to last (for debriefs and reports)."""
        assert self._fold is not None
        stack = self._fold.stack
        return [stack[k][0] if k < len(stack) else self.state for k in range(1, len(stack) + 1)]

    def waiting_for(self) -> list[str]:
        """Teams that have not yet submitted an order this turn."""
        return [t.id for t in self.scenario.teams if t.id not in self._fold.pending]  # type: ignore[union-attr]

    # -- actions -----------------------------------------------------------------------
    def submit(self, order: Order) -> None:
        """Accept a team's order for this turn (replacing an earlier one); refuse an illegal one."""
        problems = check_order(self.state, order)
        if problems:
            raise IllegalOrder(problems)
        self._record({"type": "orders", "turn": self.state.turn, **order_to_json(order), "at": _now()})

    def resolve(self) -> TurnRecord:
        """Resolve the turn once every team has an order."""
        missing = self.waiting_for()
        if missing:
            raise IllegalOrder([f"no order yet from {', '.join(missing)}"])
        turn = self.state.turn
        _, record = resolve_turn(self.state, self._fold.pending)  # type: ignore[union-attr]
        # The outcome is written for readers of the journal; the fold recomputes it.
        self._record({"type": "resolve", "turn": turn, "outcome": record.outcome, "at": _now()})
        return self.state.records[-1]

    def override(self, target: str, value: Any, reason: str) -> None:
        if not reason.strip():
            raise ValueError("an override needs a reason")
        override(self.state, target, value, reason)  # validate before journaling
        self._record({"type": "override", "turn": self.state.turn, "target": target,
                      "value": value, "reason": reason, "at": _now()})

    def fire_inject(self, inject_id: str | None = None, *, title: str = "", text: str = "",
                    to: Iterable[str] | None = None) -> None:
        audience = sorted(to) if to else None
        fire_inject(self.state, inject_id, title=title, text=text,
                    to=frozenset(audience) if audience else None)
        event: dict[str, Any] = {"type": "inject", "turn": self.state.turn, "at": _now()}
        if inject_id is not None:
            event["inject"] = inject_id
        else:
            event.update(title=title, text=text)
        if audience:
            event["to"] = audience
        self._record(event)

    def end(self, reason: str, outcome: str | None = None) -> None:
        """The facilitator ends the exercise now."""
        end_exercise(self.state, reason, outcome)
        self._record({"type": "end", "turn": self.state.turn, "reason": reason,
                      "outcome": outcome, "at": _now()})

    def note(self, kind: str, **data: Any) -> None:
        """Journal a shell event that does not change the state (the timer, say)."""
        self._record({"type": kind, "turn": self.state.turn, **data, "at": _now()})

    def undo(self) -> None:
        """Undo the last resolved turn: back to its orders, as they were before the reveal."""
        if not self._fold or not self._fold.stack:
            raise JournalError("there is no resolved turn to undo")
        self._record({"type": "undo", "turn": self.state.turn, "at": _now()})
