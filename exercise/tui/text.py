"""Small text helpers for the screens: sparklines, signed numbers, arrows, a meter's history.

Words for events, orders, reasons and endings come from `exercise.render`, after the engine
has projected what a screen shows to its audience; nothing here reads the state itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from exercise.engine import Observation
from exercise.render import fmt_number

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], low: float, high: float) -> str:
    """A text sparkline scaled to the meter's bounds, one character per turn."""
    span = (high - low) or 1
    out = []
    for v in values:
        index = int((v - low) / span * (len(BARS) - 1) + 0.5)
        out.append(BARS[max(0, min(len(BARS) - 1, index))])
    return "".join(out)


def meter_history(observation: Observation, meter_id: str) -> list[float]:
    """The meter's value at the start and after each resolved turn, from the projected records.

    The meter must be one the observation's audience sees (its records hold no other).
    """
    records = observation.records
    if not records:
        return [observation.meters[meter_id]]
    values = [records[0].meters_before[meter_id]]
    values += [r.meters_after[meter_id] for r in records]
    if observation.pending:
        values.append(observation.meters[meter_id])
    return values


def signed(delta: float) -> str:
    if not delta:
        return "±0"
    return ("+" if delta > 0 else "−") + fmt_number(abs(delta))


def arrow(delta: float) -> str:
    """Direction in a symbol too, so meaning never rests on colour alone."""
    return "▲" if delta > 0 else "▼" if delta < 0 else "="


def local_clock(at: str) -> str:
    """A journal time (UTC, ISO) as the hour and minute where the screen is: "16:38", or "?"."""
    import datetime as _dt

    try:
        return _dt.datetime.fromisoformat(at).astimezone().strftime("%H:%M")
    except ValueError:
        return "?"
