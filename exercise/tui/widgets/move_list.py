"""The list of moves a team may tick, each with its markers (secret, chance, once) always in view."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widgets import SelectionList

from exercise.engine import Move

TICK_BOX = 4  # the selection list's tick box and the space after it


def move_prompt(move: Move, width: int = 0) -> Content:
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
    label = Content(move.label)
    if not marks:
        return label
    suffix = Content.styled("  (" + ", ".join(marks) + ")", "$text-muted")
    room = width - suffix.cell_length
    if width and label.cell_length > room:
        label = label.truncate(max(1, room - 1)).rstrip() + "…"
    return label + suffix


class MoveList(SelectionList[str]):
    """A team's available moves, their labels fitted to the width whenever it changes."""

    def __init__(self, moves: Iterable[Move], chosen: set[str], *, id: str | None = None) -> None:
        moves = tuple(moves)
        super().__init__(*[(move_prompt(m), m.id, m.id in chosen) for m in moves], id=id)
        self.moves = {m.id: m for m in moves}

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width - TICK_BOX
        if width > 0:
            for index in range(self.option_count):
                move = self.moves[self.get_option_at_index(index).value]
                self.replace_option_prompt_at_index(index, move_prompt(move, width))
