"""The journal's entries as typed values: one class per accepted action, read from and written to JSON.

The on-disk shape is format 1 of the journal (scenarios/README.md, "Journals"): one JSON
object per line with a `type`, the `turn` it belongs to and the time `at` which it was
accepted. Reading is strict about types: a damaged entry is one clear error, never a
traceback deep in a screen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from exercise.engine.state import Order, OrderedMove, ReasonPart
from exercise.journal import JOURNAL_VERSION, JournalError


class EntryError(JournalError):
    """An entry whose fields do not have the types the journal format gives them."""


def _str(data: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise EntryError(f"'{key}' must be a string, not {_short(value)}")
    return value


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise EntryError(f"'{key}' must be a string, not {_short(value)}")
    return value


INT_MAX = 2**63 - 1  # every whole number in a journal fits in 64 bits (a seed is 0 to this)


def _int(data: Mapping[str, Any], key: str, default: int | None = None, low: int = -INT_MAX - 1) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EntryError(f"'{key}' must be a whole number, not {_short(value)}")
    if not low <= value <= INT_MAX:
        raise EntryError(f"'{key}' must be a whole number from {low} to {INT_MAX}, not {_short(value)}")
    return value


def _short(value: Any) -> str:
    """A value as the error shows it: on one line, and cut short when long."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _str_list(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EntryError(f"'{key}' must be a list of names, not {_short(value)}")
    return tuple(value)


@attrs.frozen
class Entry:
    """What every entry has: its turn and when it was accepted."""

    type: ClassVar[str] = ""
    turn: int = 0
    at: str = ""

    def fields(self) -> dict[str, Any]:
        return {}

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "turn": self.turn, **self.fields(), "at": self.at}


@attrs.frozen
class Start(Entry):
    type: ClassVar[str] = "start"
    version: int = JOURNAL_VERSION
    ttx: str = ""
    scenario: str = ""
    scenario_path: str = ""
    scenario_hash: str = ""
    seed: int = 0
    players: Mapping[str, str] = attrs.field(factory=dict, converter=dict)
    mode: str = "hotseat"
    timer: int = 0
    pin: str = ""  # the facilitator PIN's salted hash, as the shell wrote it; "" when none was set
    variant: str = ""  # the scenario's variant played, if any

    def fields(self) -> dict[str, Any]:
        return {"version": self.version, "ttx": self.ttx, "scenario": self.scenario,
                "scenario_path": self.scenario_path, "scenario_hash": self.scenario_hash, "seed": self.seed,
                "players": dict(self.players), "mode": self.mode, "timer": self.timer,
                **({"pin": self.pin} if self.pin else {}), **({"variant": self.variant} if self.variant else {})}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Start:
        players = data.get("players", {})
        if not isinstance(players, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                    for k, v in players.items()):
            raise EntryError(f"'players' must map team ids to players, not {_short(players)}")
        return cls(turn=_int(data, "turn", 1, 0), at=_str(data, "at", ""), version=_int(data, "version", 1, 1),
                   ttx=_str(data, "ttx", ""), scenario=_str(data, "scenario", ""),
                   scenario_path=_str(data, "scenario_path", ""), scenario_hash=_str(data, "scenario_hash", ""),
                   seed=_int(data, "seed"), players=players, mode=_str(data, "mode", "hotseat"),
                   timer=_int(data, "timer", 0, 0), pin=_str(data, "pin", ""), variant=_str(data, "variant", ""))


def _reason_to_json(parts: tuple[ReasonPart, ...]) -> Any:
    out = []
    for part in parts:
        item: dict[str, Any] = {"text": part.text}
        for key in ("moves", "meters", "flags"):
            values = getattr(part, key)
            if values:
                item[key] = sorted(values)
        if part.private:
            item["private"] = True
        out.append(item)
    return out


def _reason_from_json(value: Any) -> tuple[ReasonPart, ...]:
    if isinstance(value, str):  # an older journal: words whose mentions are unknown
        return (ReasonPart(value, private=True),) if value else ()
    if not isinstance(value, list):
        raise EntryError(f"'reason' must be a list of parts, not {_short(value)}")
    parts = []
    for item in value:
        if not isinstance(item, dict):
            raise EntryError(f"a reason part must be a table, not {_short(item)}")
        parts.append(ReasonPart(_str(item, "text"), _str_list(item, "moves"), _str_list(item, "meters"),
                                _str_list(item, "flags"), bool(item.get("private", False))))
    return tuple(parts)


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
        data["reason"] = _reason_to_json(order.reason)
    return data


def order_from_json(data: Mapping[str, Any]) -> Order:
    moves = []
    items = data.get("moves", [])
    if not isinstance(items, list):
        raise EntryError(f"'moves' must be a list, not {_short(items)}")
    for item in items:
        if isinstance(item, str):
            moves.append(OrderedMove(item))
        elif isinstance(item, dict):
            moves.append(OrderedMove(_str(item, "move"), _str_list(item, "if")))
        else:
            raise EntryError(f"a move must be an id or {{move, if}}, not {_short(item)}")
    return Order(_str(data, "team"), tuple(moves), _str(data, "rationale", ""),
                 _reason_from_json(data.get("reason", "")))


@attrs.frozen
class Orders(Entry):
    type: ClassVar[str] = "orders"
    order: Order = Order("")
    by: str = ""  # who submitted it, as a seat named itself ("" at one keyboard)

    def fields(self) -> dict[str, Any]:
        return {**order_to_json(self.order), **({"by": self.by} if self.by else {})}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Orders:
        return cls(_int(data, "turn", None, 0), _str(data, "at", ""), order_from_json(data), _str(data, "by", ""))


@attrs.frozen
class Resolve(Entry):
    type: ClassVar[str] = "resolve"
    outcome: str | None = None  # written for readers of the journal; the fold recomputes it

    def fields(self) -> dict[str, Any]:
        return {"outcome": self.outcome}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Resolve:
        return cls(_int(data, "turn", None, 0), _str(data, "at", ""), _opt_str(data, "outcome"))


@attrs.frozen
class Override(Entry):
    type: ClassVar[str] = "override"
    target: str = ""
    value: Any = None
    reason: str = ""

    def fields(self) -> dict[str, Any]:
        return {"target": self.target, "value": self.value, "reason": self.reason}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Override:
        value = data.get("value")
        if not isinstance(value, (bool, int, float)) or (isinstance(value, float) and not math.isfinite(value)):
            raise EntryError(f"'value' must be a number or true/false, not {_short(value)}")
        return cls(_int(data, "turn", None, 0), _str(data, "at", ""), _str(data, "target"), value, _str(data, "reason", ""))


@attrs.frozen
class InjectFired(Entry):
    type: ClassVar[str] = "inject"
    inject: str | None = None
    title: str = ""
    text: str = ""
    to: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def fields(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.inject is not None:
            data["inject"] = self.inject
        else:
            data.update(title=self.title, text=self.text)
        if self.to:
            data["to"] = list(self.to)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InjectFired:
        return cls(_int(data, "turn", None, 0), _str(data, "at", ""), _opt_str(data, "inject"), _str(data, "title", ""),
                   _str(data, "text", ""), _str_list(data, "to"))


@attrs.frozen
class End(Entry):
    type: ClassVar[str] = "end"
    reason: str = ""
    outcome: str | None = None

    def fields(self) -> dict[str, Any]:
        return {"reason": self.reason, "outcome": self.outcome}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> End:
        return cls(_int(data, "turn", None, 0), _str(data, "at", ""), _str(data, "reason", ""), _opt_str(data, "outcome"))


@attrs.frozen
class Undo(Entry):
    type: ClassVar[str] = "undo"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Undo:
        return cls(_int(data, "turn", None, 0), _str(data, "at", ""))


@attrs.frozen
class PlayerSet(Entry):
    """A team handed to the computer, or back to people."""

    type: ClassVar[str] = "player"
    team: str = ""
    player: str = "human"

    def fields(self) -> dict[str, Any]:
        return {"team": self.team, "player": self.player}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlayerSet:
        return cls(_int(data, "turn", None, 0), _str(data, "at", ""), _str(data, "team"), _str(data, "player"))


@attrs.frozen
class Timer(Entry):
    """The facilitator paused, resumed or extended the turn timer."""

    type: ClassVar[str] = "timer"
    action: str = ""
    minutes: int = 0

    def fields(self) -> dict[str, Any]:
        return {"action": self.action, **({"minutes": self.minutes} if self.minutes else {})}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Timer:
        return cls(_int(data, "turn", None, 0), _str(data, "at", ""), _str(data, "action", ""), _int(data, "minutes", 0, 0))


@attrs.frozen
class Screen(Entry):
    """What the facilitator moved the room on to (the reveal, then the board): projectors follow it."""

    type: ClassVar[str] = "screen"
    show: str = "board"

    def fields(self) -> dict[str, Any]:
        return {"show": self.show}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Screen:
        return cls(_int(data, "turn", None, 0), _str(data, "at", ""), _str(data, "show", "board"))


@attrs.frozen
class Unknown(Entry):
    """An entry of a type this version does not know (a newer ttx wrote it): kept, and ignored."""

    data: Mapping[str, Any] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)


KINDS: dict[str, type] = {k.type: k for k in (Start, Orders, Resolve, Override, InjectFired, End, Undo, PlayerSet,
                                                Timer, Screen)}


def entry_from_json(data: Mapping[str, Any]) -> Entry:
    kind = KINDS.get(str(data.get("type")))
    if kind is None:
        return Unknown(0, "", dict(data))
    return kind.from_json(data)  # type: ignore[attr-defined]


# -- who plays a team ----------------------------------------------------------------------------
def normalize_player(player: str) -> str:
    """One spelling: `human`, `scripted` or `computer:LEVEL` (older journals wrote `computer: LEVEL`)."""
    player = player.strip()
    if player.startswith("computer"):
        level = player.partition(":")[2].strip() or "random"
        return f"computer:{level}"
    return player or "human"


def is_computer(player: str) -> bool:
    return normalize_player(player).startswith("computer:")


def level_of(player: str) -> str:
    return normalize_player(player).partition(":")[2] or "random"
