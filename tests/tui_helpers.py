"""Driving the TUI in tests: what is on screen as text, and entering a team's orders."""

from __future__ import annotations

from textual.widgets import Button, DataTable, Markdown, Select, SelectionList, Static


def screen_text(app) -> str:
    """Every piece of text the current screen shows (Static, Markdown, tables, move lists)."""
    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Markdown):
            parts.append(widget.source or "")
        elif isinstance(widget, Button):
            parts.append(str(widget.label))
        elif isinstance(widget, Static):
            visual = widget.visual
            parts.append(getattr(visual, "plain", str(visual)))
        elif isinstance(widget, DataTable):
            for index in range(widget.row_count):
                parts.append(" | ".join(str(cell) for cell in widget.get_row_at(index)))
        elif isinstance(widget, SelectionList):
            for index in range(widget.option_count):
                prompt = widget.get_option_at_index(index).prompt
                parts.append(getattr(prompt, "plain", str(prompt)))
    return "\n".join(parts)


async def tick_moves(pilot, move_ids: list[str]) -> None:
    """On a team screen, tick the given moves in the move list."""
    moves = pilot.app.screen.query_one("#moves", SelectionList)
    for move_id in move_ids:
        moves.select(move_id)
    await pilot.pause()


async def settle(pilot, times: int = 3) -> None:
    for _ in range(times):
        await pilot.pause()


async def make_contingent(pilot, move_id: str, on: list[str]) -> None:
    """On a team screen: highlight a move, press c, tick the other teams' moves, confirm."""
    moves = pilot.app.screen.query_one("#moves", SelectionList)
    index = next(i for i in range(moves.option_count) if moves.get_option_at_index(i).value == move_id)
    moves.highlighted = index
    await pilot.pause()
    await pilot.press("c")
    await settle(pilot)
    dialog = pilot.app.screen
    assert "ContingencyScreen" == type(dialog).__name__
    others = dialog.query_one("#contingent-on", SelectionList)
    for other in on:
        others.select(other)
    await pilot.press("ctrl+s")
    await settle(pilot)


def notices(app) -> list[str]:
    """The notices the app has shown and not yet dismissed, oldest first."""
    return [n.message for n in app._notifications]


def footer_keys(app) -> set[str]:
    """The keys the footer offers on the current screen: shown, and not disabled."""
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show and active.enabled}


async def submit_orders(pilot) -> None:
    """Ctrl+S, and yes when the screen asks first (a pass with nothing ticked is confirmed)."""
    await pilot.press("ctrl+s")
    await settle(pilot)
    if type(pilot.app.screen).__name__ == "ConfirmScreen":
        await pilot.press("y")
        await settle(pilot)


def screen_name(app) -> str:
    return type(app.screen).__name__


async def to_turn(pilot, mode: str = "hotseat") -> None:
    """From the setup screen to turn 1's turn screen, in `mode` (hotseat, facilitator, solo)."""
    await settle(pilot)
    if mode != "hotseat":
        pilot.app.screen.query_one("#mode", Select).value = mode
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert screen_name(pilot.app) == "TurnScreen"
