"""The list of moves a team may tick, each with its markers (secret, chance, once) always in view."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.content import Content
from textual.widgets import SelectionList

from exercise.engine import Move
from exercise.tui.widgets.tick_list import TICKED, UNTICKED  # a ticked move is marked by a symbol, not by colour alone

TICK_BOX = 4  # the selection list's tick box and the space after it


def move_prompt(move: Move, width: int = 0, ticked: bool = False) -> Content:
    """The label and its markers; given a width, the label is shortened so that no marker is cut.

    A selection list shows one line per option, so a marker at the end of a long label would
    be cut with the label: whether a move is secret is worth more than the end of its label,
    which the detail box shows whole.
    """
    marks = []
    if move.secret:
        marks.append("secret")
    if move.chance is not None:
        marks.append(f"chance {move.chance:.0%}")
    elif move.gamble:
        marks.append("chance")
    if move.once:
        marks.append("once")
    mark = Content.styled(TICKED, "bold") if ticked else Content(UNTICKED)
    label = Content(move.label)
    suffix = Content.styled("  (" + ", ".join(marks) + ")", "$text-muted") if marks else Content("")
    room = width - suffix.cell_length - mark.cell_length
    if width and label.cell_length > room:
        label = label.truncate(max(1, room - 1)).rstrip() + "…"
    return mark + label + suffix


class MoveList(SelectionList[str]):
    """A team's available moves, their labels fitted to the width whenever it changes.

    Space ticks a move; Enter does not (a double Enter at the curtain must not tick one),
    and a ticked move shows a ✓ as well as its colour.
    """

    BINDINGS = [Binding("enter", "enter_hint", "", show=False)]

    def __init__(self, moves: Iterable[Move], chosen: set[str], *, id: str | None = None) -> None:
        moves = tuple(moves)
        super().__init__(*[(move_prompt(m, ticked=m.id in chosen), m.id, m.id in chosen) for m in moves], id=id)
        self.moves = {m.id: m for m in moves}

    def set_moves(self, moves: Iterable[Move], chosen: set[str]) -> None:
        """Show another turn's moves (a kept screen refilled), the highlight back at the top."""
        moves = tuple(moves)
        self.moves = {m.id: m for m in moves}
        self.clear_options()
        width = max(self.scrollable_content_region.width - TICK_BOX, 0)
        self.add_options([(move_prompt(m, width, m.id in chosen), m.id, m.id in chosen) for m in moves])
        if moves:
            self.highlighted = 0

    def action_enter_hint(self) -> None:
        self.notify("Space ticks or unticks a move; Ctrl+S submits the orders.")

    def _refit(self) -> None:
        width = self.scrollable_content_region.width - TICK_BOX
        selected = set(self.selected)
        for index in range(self.option_count):
            move = self.moves[self.get_option_at_index(index).value]
            self.replace_option_prompt_at_index(index, move_prompt(move, max(width, 0), move.id in selected))

    def on_resize(self) -> None:
        self._refit()

    def on_selection_list_selected_changed(self) -> None:
        self._refit()
