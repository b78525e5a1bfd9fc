"""A selection list whose ticked options carry a ✓, so that a tick is not told by its colour alone."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import SelectionList

TICKED, UNTICKED = "✓ ", "  "


def ticked_prompt(prompt: str | Content, ticked: bool) -> Content:
    """The prompt after a ✓ when ticked, or after as many spaces, so the labels stay aligned."""
    mark = Content.styled(TICKED, "bold") if ticked else Content(UNTICKED)
    return mark + (prompt if isinstance(prompt, Content) else Content(prompt))


class TickList(SelectionList[str]):
    """A SelectionList of (prompt, value[, ticked]) whose ticked prompts start with a ✓."""

    def __init__(self, *selections: tuple[str, str] | tuple[str, str, bool], id: str | None = None,
                 compact: bool = False) -> None:
        self.prompts = {s[1]: s[0] for s in selections}
        super().__init__(*[(ticked_prompt(s[0], len(s) > 2 and bool(s[2])), *s[1:]) for s in selections], id=id,
                         compact=compact)

    def on_selection_list_selected_changed(self) -> None:
        selected = set(self.selected)
        for index in range(self.option_count):
            value = self.get_option_at_index(index).value
            self.replace_option_prompt_at_index(index, ticked_prompt(self.prompts[value], value in selected))
