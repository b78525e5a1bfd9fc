"""The facilitator console: adjust, fire injects, undo, timer, end. Every action is journaled."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TabbedContent, TabPane

from exercise.engine import FACILITATOR, ROOM, Audience, IllegalOrder, Scenario, observe, sees_flag, sees_meter
from exercise.render import audience_names, fmt_number, open_items
from exercise.tui.widgets.tick_list import TickList


def sentence(exc: Exception) -> str:
    """An engine's refusal ("the exercise is over: …") as a sentence for a notice."""
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def reason_readers(scenario: Scenario, target: str) -> str:
    """Who will read an adjustment's reason: those who may see the meter or fact (the report keeps it too)."""
    sees = sees_meter if target in scenario.meter_index else sees_flag
    if sees(scenario, ROOM, target):
        return "every team and the room will see it"
    teams = [t.id for t in scenario.teams if sees(scenario, Audience.of(t.id), target)]
    if not teams:
        return "no team will see it, only the facilitator's report"
    return f"only {audience_names(scenario, teams)} will see it"


class ConsoleScreen(ModalScreen[None]):
    """Facilitator only: shows every meter, hidden ones included.

    It opens only over the facilitator's screens (`TtxApp.console_refusal`): never from a
    team's screen, the curtain, or a dialog opened from them.
    """

    HELP = (
        "Adjust: set a meter or a fact, with a reason that the teams who may see it will read. "
        "Injects: fire one of the scenario's injects now, or write your own, to everyone or to "
        "chosen teams. Turn: "
        "undo the last turn (back to its orders), pause or extend the timer, end the exercise. "
        "Every action is written to the journal. Once the exercise is over only the Turn tab is "
        "left: undo the last turn to go on. Escape closes the console."
    )
    BINDINGS = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        # The frame only: what is in it comes from the state, in load(), so that the console is
        # built once per exercise and opens again at once, refilled.
        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        # The title, the tabs and Close stay in view however small the terminal: only a tab's body scrolls.
        with Vertical(id="console", classes="dialog"):
            yield Label("", id="console-title", classes="section-title")
            with TabbedContent(id="console-tabs", initial="tab-adjust"):
                with TabPane("Adjust", id="tab-adjust"):
                    yield Select([], prompt="Meter or fact", id="target", compact=True)
                    yield Input(placeholder="New value: a number, or true / false", id="value", compact=True)
                    yield Input(placeholder="Reason (choose a meter or a fact first)", id="reason", compact=True)
                    yield Button("Apply", id="apply", variant="primary", compact=True)
                with TabPane("Injects", id="tab-injects"):
                    yield Static("", id="open-items")
                    yield Select([], prompt="An inject from the scenario", id="inject", compact=True)
                    yield Button("Fire this inject", id="fire", variant="primary", compact=True)
                    yield Label("Or write your own:")
                    yield Input(placeholder="Headline", id="adhoc-title", compact=True)
                    yield Input(placeholder="Text (optional)", id="adhoc-text", compact=True)
                    yield Label("To: everyone (tick teams to send it to them only)", id="adhoc-to-words")
                    yield TickList(*[(t.name, t.id) for t in scenario.teams], id="adhoc-to", compact=True)
                    yield Button("Send", id="send", variant="primary", compact=True)
                with TabPane("Turn", id="tab-turn"):
                    yield Static("The exercise is over: nothing can be adjusted or fired now. Undo the "
                                 "last turn to go on playing from before it.", id="over-note")
                    yield Static("", id="timer-state")
                    with Horizontal(classes="buttons"):
                        yield Button("Pause / resume timer", id="pause", compact=True)
                        yield Button("+1 minute", id="extend1", compact=True)
                        yield Button("+5 minutes", id="extend5", compact=True)
                    with Horizontal(classes="buttons"):
                        yield Button("Undo the last turn", id="undo", variant="warning", compact=True)
                        yield Button("Redo the undone turn", id="redo", compact=True)
                    yield Select([(o.title, o.id) for o in scenario.outcomes],
                                 prompt="Ending (optional)", id="end-outcome", compact=True)
                    yield Input(placeholder="Why end now?", id="end-reason", compact=True)
                    yield Button("End the exercise", id="end", variant="error", compact=True)
            yield Button("Close", id="close", compact=True)

    def on_mount(self) -> None:
        self.load()

    def reopen(self) -> None:
        """Opened again: what it shows is refilled from the state, and nothing typed before is kept."""
        self.set_focus(None)  # a focus kept in a tab would bring that tab back
        self.query_one("#console-tabs", TabbedContent).active = "tab-adjust"
        self.load()
        for field in self.query(Input):
            field.value = ""
        self.query_one("#adhoc-to", SelectionList).deselect_all()
        self.query_one("#end-outcome", Select).clear()

    def load(self) -> None:
        state = self.app.state  # type: ignore[attr-defined]
        scenario = state.scenario
        seen = observe(state, FACILITATOR)
        targets = [(f"{m.label} (meter, now {fmt_number(seen.meters[m.id])},"
                     f" {fmt_number(m.min)}–{fmt_number(m.max)})", m.id) for m in scenario.meters]
        targets += [(f"{f.label} (fact, now {'true' if f.id in seen.flags else 'false'})", f.id)
                    for f in scenario.flags]
        injects = [(f"{i.title}" + (" (already fired)" if i.id in seen.told else ""), i.id)
                   for i in scenario.injects]
        over = state.outcome is not None
        title = f"Facilitator console — {scenario.turn_label(state.turn)}"
        self.query_one("#console-title", Label).update(title + (" — the exercise is over" if over else ""))
        self.query_one("#target", Select).set_options(targets)
        self.query_one("#inject", Select).set_options(injects)
        waiting = open_items(state)
        self.query_one("#open-items", Static).update(
            "\n".join(["[b]Open now[/b]", *(escape(line) for line in waiting)]) if waiting
            else "No expected action is open and no clock is running.")
        tabs = self.query_one("#console-tabs", TabbedContent)
        for tab in ("tab-adjust", "tab-injects"):
            (tabs.disable_tab if over else tabs.enable_tab)(tab)
        if over:
            tabs.active = "tab-turn"
        self.query_one("#over-note", Static).display = over
        self.query_one("#timer-state", Static).update(self._timer_text())
        self.query_one("#redo", Button).disabled = not self.app.exercise.session.can_redo  # type: ignore[attr-defined]
        self.query_one("#end", Button).disabled = over

    @on(SelectionList.SelectedChanged, "#adhoc-to")
    def _to_chosen(self) -> None:
        """Who will read the inject, in words: the ticks are not the only sign of the choice."""
        chosen = self.query_one("#adhoc-to", SelectionList).selected
        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        words = (f"To: {audience_names(scenario, chosen)} only" if chosen
                 else "To: everyone (tick teams to send it to them only)")
        self.query_one("#adhoc-to-words", Label).update(words)

    @on(Select.Changed, "#target")
    def _target_chosen(self, event: Select.Changed) -> None:
        reason = self.query_one("#reason", Input)
        if event.value is Select.NULL:
            reason.placeholder = "Reason (choose a meter or a fact first)"
        else:
            scenario = self.app.state.scenario  # type: ignore[attr-defined]
            reason.placeholder = f"Reason ({reason_readers(scenario, str(event.value))})"

    def _timer_text(self) -> str:
        clock = self.app.clock  # type: ignore[attr-defined]
        return f"Timer: {clock}" if clock else "Timer: off (set one at setup, or +1/+5 starts one now)"

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        target = self.query_one("#target", Select).value
        raw = self.query_one("#value", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip()
        if target is Select.NULL:
            self.notify("Choose a meter or a fact first.", severity="warning")
            return
        scenario = self.app.state.scenario  # type: ignore[attr-defined]
        value: float | bool
        if target in scenario.flag_index:
            if raw.lower() not in ("true", "false", "yes", "no", "on", "off"):
                self.notify("A fact is true or false.", severity="error")
                return
            value = raw.lower() in ("true", "yes", "on")
        else:
            try:
                value = float(raw)
                value = int(value) if value.is_integer() else value
            except ValueError:
                self.notify(f"“{raw}” is not a number.", severity="error")
                return
        if not reason:
            self.notify(f"Give a reason: {reason_readers(scenario, str(target))}, and the report keeps it.",
                        severity="error")
            return
        try:
            if not self.app.override(str(target), value, reason):  # type: ignore[attr-defined]
                return  # not journaled, and said so
        except ValueError as exc:  # e.g. the exercise is over
            self.notify(sentence(exc), severity="error")
            return
        self.notify("Done, and written to the journal.")
        self.dismiss(None)

    @on(Button.Pressed, "#fire")
    def _fire(self) -> None:
        inject = self.query_one("#inject", Select).value
        if inject is Select.NULL:
            self.notify("Choose an inject first.", severity="warning")
            return
        try:
            if not self.app.fire_inject(str(inject)):  # type: ignore[attr-defined]
                return  # not journaled, and said so
        except ValueError as exc:
            self.notify(sentence(exc), severity="error")
            return
        self.notify("Inject delivered.")
        self.dismiss(None)

    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        title = self.query_one("#adhoc-title", Input).value.strip()
        if not title:
            self.notify("Write a headline first.", severity="warning")
            return
        text = self.query_one("#adhoc-text", Input).value.strip()
        to = list(self.query_one("#adhoc-to", SelectionList).selected) or None
        try:
            if not self.app.fire_inject(None, title=title, text=text, to=to):  # type: ignore[attr-defined]
                return  # not journaled, and said so
        except ValueError as exc:
            self.notify(sentence(exc), severity="error")
            return
        self.notify("Inject delivered.")
        self.dismiss(None)

    @on(Button.Pressed, "#pause")
    def _pause(self) -> None:
        self.app.timer_pause()  # type: ignore[attr-defined]
        self.query_one("#timer-state", Static).update(self._timer_text())

    @on(Button.Pressed, "#extend1")
    def _extend1(self) -> None:
        self.app.timer_extend(1)  # type: ignore[attr-defined]
        self.query_one("#timer-state", Static).update(self._timer_text())

    @on(Button.Pressed, "#extend5")
    def _extend5(self) -> None:
        self.app.timer_extend(5)  # type: ignore[attr-defined]
        self.query_one("#timer-state", Static).update(self._timer_text())

    @on(Button.Pressed, "#undo")
    def _ask_undo(self) -> None:
        from exercise.tui.screens.confirm import ConfirmScreen

        state = self.app.state  # type: ignore[attr-defined]
        if not state.records:
            self.notify("There is no resolved turn to undo.", severity="warning")
            return
        label = state.scenario.turn_label(state.records[-1].turn)
        self.app.push_screen(ConfirmScreen(
            f"Undo {label}? Its consequences are taken back and its orders come back, waiting for the "
            "reveal. Redo, here, brings the same result back.", "Undo"),
            lambda yes: self._undo() if yes else None)

    @on(Button.Pressed, "#redo")
    def _redo(self) -> None:
        from exercise.tui.screens.reveal import RevealScreen

        if not self.app.exercise.session.can_redo:  # type: ignore[attr-defined]
            self.notify("Nothing to redo: redo follows an undo.", severity="warning")
            return
        try:
            record = self.app.resolve()  # type: ignore[attr-defined]
        except IllegalOrder as exc:
            self.notify("; ".join(exc.problems), severity="error")
            return
        if record is None:  # not journaled, and said so
            return
        self.dismiss(None)
        self.app.push_screen(RevealScreen(record))

    def _undo(self) -> None:
        if not self.app.undo():  # type: ignore[attr-defined]
            return  # refused (nothing to undo) or not journaled, and said so
        self.notify("The last turn is undone; its orders are back, waiting for the reveal.")
        self.dismiss(None)
        self.app.show_turn()  # type: ignore[attr-defined]

    @on(Button.Pressed, "#end")
    def _end(self) -> None:
        reason = self.query_one("#end-reason", Input).value.strip()
        if not reason:
            self.notify("Say why the exercise ends now: it goes in the report.", severity="error")
            return
        outcome = self.query_one("#end-outcome", Select).value
        try:
            if not self.app.end(reason, None if outcome is Select.NULL else str(outcome)):  # type: ignore
                return  # not journaled, and said so
        except ValueError as exc:
            self.notify(sentence(exc), severity="error")
            return
        self.dismiss(None)
        self.app.show_turn()  # type: ignore[attr-defined]
