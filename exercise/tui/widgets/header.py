"""The header of every screen: Textual's, made safe for a screen taken away the moment it appears.

Textual's Header fills its title a moment after it is mounted and only expects the screen
to be gone (NoScreen); a seat that follows the session can replace a screen within that
moment, and the title's widget is then gone too (NoMatches), which would end the seat.
"""

from __future__ import annotations

from textual import events
from textual.app import NoScreen
from textual.css.query import NoMatches
from textual.widgets import Header as TextualHeader
from textual.widgets._header import HeaderTitle


class Header(TextualHeader):
    def _on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # Textual's own handler would set the same watchers, less tolerant

        async def set_title() -> None:
            try:
                # One line of fixed size: no layout. With one, every tick of the clock in the title
                # repainted the whole screen (a seat sent its browser 21 KB a second).
                self.query_one(HeaderTitle).update(self.format_title(), layout=False)
            except (NoMatches, NoScreen):  # the screen, or the title in it, has gone
                pass

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
