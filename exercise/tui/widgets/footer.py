"""The footer of every screen: each key it shows whole, the function keys as F1, F2, F3.

Textual's footer is one line that scrolls sideways: at 80 columns the keys past the edge
were cut ("f1 Help f▏"), so F2 and F3 were never labelled. This one is compact, and when
the keys still do not fit, the ones a person needs least leave first, whole: Ctrl+Q (quit),
then the command palette's key, then F4. Help (F1) lists every key, and the palette
(Ctrl+P) still opens.
"""

from __future__ import annotations

import re

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

PALETTE = "command_palette"
SPARE = ("quit", PALETTE, "contrast")  # the actions whose keys leave first, in this order


def key_label(app, binding: Binding) -> str:
    """A key as the footer and the help show it: `F1`, `^s`, `esc`."""
    display = app.get_key_display(binding)
    return display.upper() if re.fullmatch(r"f\d{1,2}", display) else display


class KeyFooter(Footer):
    """A compact footer that leaves out the least needed keys, whole, rather than cut any."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)
        self._fitted_width = 0
        self._changes = self._rebuilt = 0  # changes of the bindings, and the last one a rebuild shows

    def _shown(self) -> list[tuple[str, int]]:
        """The keys the footer would show, as (action, width in cells), in the footer's order."""
        shown: dict[str, int] = {}
        for _, binding, _, _ in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                label = key_label(self.app, binding)
                # compact: key, a space, the description, and a one-cell margin after it
                shown[binding.action] = len(label) + (1 + len(binding.description) if binding.description else 0) + 1
        return list(shown.items())

    def left_out(self, width: int) -> set[str]:
        """The actions whose keys do not fit in `width` cells, least needed first."""
        keys = self._shown()
        total = sum(cells for _, cells in keys)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                # a border on its left, the key, a space and the description
                total += 1 + len(key_label(self.app, palette.binding)) + 1 + len(palette.binding.description)
                keys.append((PALETTE, total - sum(cells for _, cells in keys)))
        widths = dict(keys)
        out: set[str] = set()
        for action in SPARE:
            if total <= width:
                break
            if action in widths:
                out.add(action)
                total -= widths[action]
        return out

    def compose(self) -> ComposeResult:
        width = self.size.width or self.app.size.width
        self._fitted_width = width
        out = self.left_out(width) if self._bindings_ready else set()
        for widget in super().compose():
            key = getattr(widget, "key_display", None)  # a FooterKey (not exported by Textual)
            if key is not None:
                if (PALETTE if widget.has_class("-command-palette") else widget.action) in out:
                    continue
                if re.fullmatch(r"f\d{1,2}", key):
                    widget.key_display = key.upper()
                # The class its bound `compact` would give it once mounted, given now: set then,
                # it restyled the whole footer once per key (about 1 ms a key as a screen opens).
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        """Textual's, but changes that come before a rebuild has run are shown by one rebuild.

        As a screen opens its bindings change several times within a few milliseconds (screens
        pushed, the focus set), and Textual rebuilds every key once for each change.
        """
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._changes += 1
            self.call_after_refresh(self._rebuild, self._changes)

    async def _rebuild(self, change: int) -> None:
        if change <= self._rebuilt:  # a rebuild begun after this change already shows it
            return
        self._rebuilt = self._changes
        await self.recompose()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width and self._bindings_ready:
            self.call_after_refresh(self.recompose)
