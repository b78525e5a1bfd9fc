"""The ttx application: holds the running exercise and hands each screen its slice."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.reactive import Reactive, reactive
from textual.theme import Theme

from exercise.tui.keys import Refusals, explained

if TYPE_CHECKING:  # the engine and the session load when an exercise starts, not before
    from textual.screen import Screen

    from exercise.engine import Audience, Order, Scenario, State, TurnRecord
    from exercise.tui.exercise import Exercise

HIGH_CONTRAST = Theme(
    name="ttx-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFFFF",
    warning="#FFA500",
    error="#FF6060",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    dark=True,
)
CALM = "nord"
HEADER_SIDES = 18  # the header's columns beside its title: the icon (8) and the space kept for a clock (10)
TURN_SCREEN = "turn"  # the installed turn screen's name


def _drop_if_empty(path: Path) -> None:
    """Remove a journal that was claimed but never written (its session did not start)."""
    try:
        if path.is_file() and not path.is_symlink() and path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass


def freeze_heap() -> None:
    """Once an exercise is on screen: what is in memory by now stays for the app's life.

    Python's collector would otherwise walk those objects (Textual's, the scenario's) again
    at every full collection, a pause of 100 ms or more that a key press can fall into.
    """
    import gc

    gc.collect()
    gc.freeze()


class TtxApp(Refusals, App[None]):
    """Home, setup, briefing, the turn loop, dashboard and ending, over one Session."""

    CSS_PATH = "app.tcss"
    TITLE = "ttx"
    SUB_TITLE = "tabletop exercises"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "console", "Console"),
        explained("f2", "console"),
        Binding("f3", "dashboard", "Dashboard"),
        explained("f3", "dashboard"),
        Binding("f4", "contrast", "Contrast"),
        Binding("f5", "seats", "Seats"),
        explained("f5", "seats"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    # The calm theme from the start: set in __init__, it would have every style sheet parsed
    # again and applied again before the first frame (some 40 ms of the home screen's start).
    theme: Reactive[str] = Reactive(CALM)
    # Screens watch these and update what they show; the app does not repaint every widget.
    state: reactive[State | None] = reactive(None, always_update=True, repaint=False)
    clock: reactive[str] = reactive("", repaint=False)
    # The header line shows them and follows them itself (widgets.header): Textual's own title
    # and sub-title repaint the whole screen when they change, and the sub-title holds the
    # clock, which changes every second (at a seat, 21 KB a second sent to the browser).
    title: Reactive[str] = Reactive("", compute=False, repaint=False)
    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)

    def __init__(
        self,
        *,
        start: str = "home",
        scenario_path: str | Path | None = None,
        seed: int | None = None,
        journal: str | Path | None = None,
        force: bool = False,
        high_contrast: bool = False,
        solo_team: str | None = None,
        level: str = "doctrine",
        variant: str | None = None,
        session: Any = None,
        serve_info: Any = None,
    ) -> None:
        super().__init__()
        self.start_session = session  # `ttx serve`: the session in its shared store
        self.serve_info = serve_info  # `ttx serve`: the address, the store, the note on who may join
        self.start_variant = variant  # a variant of the scenario named on the command line
        self.start_mode = start
        self.start_scenario = scenario_path
        self.start_seed = seed
        self.start_journal = journal
        self.force = force
        self.high_contrast = high_contrast
        self.solo_team = solo_team
        self.solo_level = level
        self.exercise: Exercise | None = None
        # Whether the facilitator has typed the PIN since a team last had the keyboard.
        self.unlocked = False
        self.time_up_shown = False  # the facilitator was asked what to do at this turn's zero
        self.time_up_rung = False  # the bell rang for it
        self._kept: set[str] = set()  # names of the screens kept for this exercise (kept_screen)
        # Chosen before the first frame: switching theme after mounting restyles every widget.
        self.register_theme(HIGH_CONTRAST)
        if high_contrast:
            self.theme = HIGH_CONTRAST.name
        else:  # the calm theme is the default (`theme` below): only the class Textual gives it is added
            self.set_class(True, f"-theme-{CALM}", update=False)

    # -- start-up ----------------------------------------------------------------------
    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        # The header names the turn revealed on the reveal, the next turn once it is left.
        self.screen_change_signal.subscribe(self, lambda screen: self._update_subtitle())
        from exercise.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.start_mode == "play" and self.start_scenario is not None:
            self.open_setup(Path(self.start_scenario), self.start_seed, self.start_variant)
        elif self.start_mode == "author" and self.start_scenario is not None:
            self.open_author(Path(self.start_scenario))
        elif self.start_mode == "solo" and self.start_scenario is not None and self.solo_team:
            from exercise.engine import load_scenario

            scenario = load_scenario(Path(self.start_scenario))
            players = {t.id: "human" if t.id == self.solo_team else f"computer:{self.solo_level}"
                       for t in scenario.teams}
            seed = self.start_seed if self.start_seed is not None else int(time.time()) % 100000
            self.begin(scenario, seed, players, "solo", 0)
        elif self.start_mode == "resume" and self.start_journal is not None:
            self.resume(Path(self.start_journal), force=self.force)
        elif self.start_mode == "serve" and self.start_session is not None:
            from exercise.tui.exercise import Exercise

            self.exercise = Exercise(self.start_session)
            self.unlocked = True  # the facilitator has just started it
            self._restart_timer()
            self.state = self.start_session.state
            self.set_interval(0.5, self._poll_shared)
            self.show_turn()

    def open_setup(self, path: Path, seed: int | None = None, variant: str | None = None) -> None:
        from exercise.engine import ScenarioError, load_scenario
        from exercise.tui.screens.setup import SetupScreen

        try:
            scenario = load_scenario(path, variant)
        except ScenarioError as exc:
            self.notify(f"{len(exc.problems)} problem(s) to fix first; they are listed here and update "
                        "as you save the file.", title="This scenario cannot be played yet", severity="error",
                        timeout=8)
            self.open_author(path)
            return
        self.push_screen(SetupScreen(scenario, seed))

    def open_author(self, path: Path) -> None:
        from exercise.tui.screens.author import AuthorScreen

        self.push_screen(AuthorScreen(path))

    def begin(self, scenario: Scenario, seed: int, players: dict[str, str], mode: str,
              timer_minutes: int, pin: str = "") -> None:
        """Start a new journaled session and show the briefing; only the PIN's salted hash is kept."""
        from exercise.files import reason, shown
        from exercise.session import JournalError, Session, new_journal_path, sessions_dir
        from exercise.tui.exercise import Exercise
        from exercise.tui.pin import hash_pin

        if mode == "seats":
            self._begin_seats(scenario, seed, players, timer_minutes, hash_pin(pin) if pin else "")
            return
        settings: dict[str, Any] = {"mode": mode, "timer": timer_minutes}
        if pin:
            settings["pin"] = hash_pin(pin)
        path = None
        try:
            path = new_journal_path(scenario.id)
            session = Session.start(scenario, seed, path, players, settings)
        except (JournalError, OSError) as exc:  # the sessions folder cannot be written, a full disk
            words = str(exc) if isinstance(exc, JournalError) else (
                f"{shown(exc.filename or sessions_dir())}: cannot create the journal there: {reason(exc)}")
            if path is not None:
                _drop_if_empty(path)  # the name claimed for the journal, left empty
            self.notify(f"{words}. Nothing was started; the setup is as you left it.",
                        title="The exercise could not start", severity="error", timeout=15)
            return
        self._forget_turn_screen()
        self.exercise = Exercise(session)
        self.unlocked = True  # the facilitator has just chosen it
        self._restart_timer()
        self.state = session.state
        from exercise.tui.screens.briefing import BriefingScreen

        self._reset_to_home()
        self.push_screen(BriefingScreen())

    def _begin_seats(self, scenario: Scenario, seed: int, players: dict[str, str], timer_minutes: int,
                     pin: str) -> None:
        """Each team on its own device, from the setup screen: `ttx serve` on this network, port 8000 or the next free."""
        from exercise.seats.serve import ServeInfo, WebProcess, binding_note, port_free, public_url, start_session
        from exercise.seats.store import StoreError, open_store
        from exercise.tui.exercise import Exercise
        from exercise.tui.screens.briefing import BriefingScreen

        host = "0.0.0.0"
        port = next((p for p in range(8000, 8020) if port_free(host, p)), 0)
        try:
            if not port:
                raise StoreError("ports 8000 to 8019 are all in use; use `ttx serve --port P`")
            store = open_store()
            session = start_session(store, scenario, seed, timer=timer_minutes, pin=pin, players=players)
            url = public_url(host, port)
            web = WebProcess(store.url, host, port, url)
            web.start()
        except StoreError as exc:
            self.notify(str(exc), title="The seats could not be served", severity="error", timeout=12)
            return
        self._web = web
        self.serve_info = ServeInfo(url, binding_note(host), store)
        self._forget_turn_screen()
        self.exercise = Exercise(session)
        self.unlocked = True
        self._restart_timer()
        self.state = session.state
        self.set_interval(0.5, self._poll_shared)
        self._reset_to_home()
        self.push_screen(BriefingScreen())
        self.notify(f"Students open {url} and type their team's code: F5 shows the codes and QR codes.",
                    title="Seats are open", timeout=15)

    def on_unmount(self) -> None:
        web = getattr(self, "_web", None)
        if web is not None:  # the seats' web server stops with the facilitator's screens
            web.stop()

    def resume(self, journal: Path, force: bool = False) -> None:
        from exercise.engine import ScenarioError
        from exercise.session import JournalError, Session
        from exercise.tui.exercise import Exercise

        try:
            session = Session.resume(journal, force=force)
        except (JournalError, ScenarioError) as exc:
            message = exc.render() if isinstance(exc, ScenarioError) else str(exc)
            self.notify(message, title="Cannot resume", severity="error", timeout=12)
            return
        self._forget_turn_screen()
        self.exercise = Exercise(session)
        self.unlocked = False  # anyone may have typed `ttx resume`
        self._restart_timer()
        self.state = session.state
        self._reset_to_home()
        if session.torn:
            self.notify("The journal's last line was cut short and was ignored; everything before it is here.",
                        title="Recovered", severity="warning", timeout=10)
        self.show_turn()

    def _reset_to_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def close_exercise(self) -> None:
        """Back to the home screen, the exercise put away (its journal is complete: it can be resumed)."""
        self._reset_to_home()
        self._forget_turn_screen()
        self.exercise = None
        self.unlocked = False
        self.time_up_shown = self.time_up_rung = False
        self.clock = ""
        self.state = None

    # -- the turn loop -----------------------------------------------------------------
    def show_turn(self) -> None:
        """The facilitator's turn screen, or the ending when the exercise is over."""
        from exercise.tui.screens.ending import EndingScreen
        from exercise.tui.screens.turn import TurnScreen

        if (self.exercise is not None and self.state is not None and self.state.outcome is None
                and not self.exercise.session.deliberating):
            # The facilitator opens the turn: its timer starts, and projectors leave the reveal.
            # Not journaled (a full disk), the turn is shown all the same, and opened next time.
            if self._journaled(lambda: self.exercise.session.show("board")):  # type: ignore[union-attr]
                self._restart_timer()
        if self.state is not None and self.state.outcome is not None:
            self._reset_to_home()
            self.push_screen(EndingScreen())
            return
        # One turn screen for the whole exercise, kept alive: going back to it costs no rebuild.
        if not self.is_screen_installed(TURN_SCREEN):
            self.install_screen(TurnScreen(), TURN_SCREEN)
            self.call_after_refresh(freeze_heap)
        turn = self.get_screen(TURN_SCREEN)
        if turn in self.screen_stack:
            while self.screen is not turn:
                self.pop_screen()
            return
        self._reset_to_home()
        self.push_screen(TURN_SCREEN)

    def _forget_turn_screen(self) -> None:
        """A new or closed exercise: its turn screen and every kept screen are built afresh when next shown."""
        for name in (TURN_SCREEN, *sorted(self._kept)):
            if not self.is_screen_installed(name):
                continue
            screen = self.get_screen(name)
            if screen in self.screen_stack:
                self._reset_to_home()
            self.uninstall_screen(name)
            if screen.is_mounted:
                screen.remove()
        self._kept.clear()

    def kept_screen(self, name: str, make: Callable[[], Screen[Any]]) -> Screen[Any]:
        """A screen built once per exercise and kept: opened again, it is refilled (`reopen`), not rebuilt.

        A rebuilt screen costs tens of milliseconds (on a busy machine hundreds); a kept one
        switches in about the time of a bare Textual screen. Kept screens are put away with
        the exercise (`_forget_turn_screen`).
        """
        key = f"kept:{name}"
        if self.is_screen_installed(key):
            screen = self.get_screen(key)
            if screen.is_mounted:
                screen.reopen()  # type: ignore[attr-defined]
            return screen
        screen = make()
        self.install_screen(screen, key)
        self._kept.add(key)
        return screen

    def _poll_shared(self) -> None:
        """Fold what the seats (and other hosts) appended to the shared store since the last look."""
        if self.exercise is None or not self.exercise.session.shared:
            return
        try:
            count = self.exercise.session.refresh()
        except Exception as exc:  # the store is away: say so once a poll, keep what is here
            self.notify(str(exc), title="The session's store could not be read", severity="error")
            return
        if count:
            self.state = self.exercise.session.state

    # Each action is journaled before it is shown. One the journal (or the shared store) cannot
    # take is refused with one notice and the screen stays as it was: the action returns False
    # (None for a resolve); everything accepted before it is already in the journal. Refusals
    # of the exercise itself (IllegalOrder, ValueError) are the screens' to word.
    def not_recorded(self, exc: Exception) -> None:
        """The one notice for an action the journal refused; the exercise goes on as it was."""
        from exercise.session import NotRecorded

        text = str(exc).rstrip(".")
        if isinstance(exc, NotRecorded):
            self.notify(f"{text[:1].upper()}{text[1:]}. Everything accepted before it is safe in the journal: "
                        "put this right (free some disk space, or bring the store back) and do it again.",
                        title="Not recorded, so not done", severity="error", timeout=15)
        else:
            self.notify(f"{text[:1].upper()}{text[1:]}.", title="Not done", severity="warning", timeout=10)

    def _journaled(self, action: Callable[[], object]) -> bool:
        from exercise.session import JournalError

        assert self.exercise is not None
        try:
            action()
        except JournalError as exc:
            self.not_recorded(exc)
            if self.exercise.session.state is not self.state:  # orders closed for some teams before it
                self.state = self.exercise.session.state
            return False
        self.state = self.exercise.session.state
        return True

    def submit(self, order: Order) -> bool:
        assert self.exercise is not None
        return self._journaled(lambda: self.exercise.session.submit(order))  # type: ignore[union-attr]

    def close_orders(self, teams: list[str]) -> bool:
        """Orders close with what is in: each of `teams` that has sent nothing passes."""
        assert self.exercise is not None
        return self._journaled(lambda: self.exercise.session.close_orders(teams))  # type: ignore[union-attr]

    def resolve(self) -> TurnRecord | None:
        assert self.exercise is not None
        if not self._journaled(self.exercise.session.resolve):
            return None
        self._restart_timer()
        return self.exercise.session.state.records[-1]

    def override(self, target: str, value: Any, reason: str) -> bool:
        assert self.exercise is not None
        return self._journaled(lambda: self.exercise.session.override(target, value, reason))  # type: ignore

    def fire_inject(self, inject_id: str | None, *, title: str = "", text: str = "",
                    to: list[str] | None = None) -> bool:
        assert self.exercise is not None
        return self._journaled(lambda: self.exercise.session.fire_inject(  # type: ignore[union-attr]
            inject_id, title=title, text=text, to=to))

    def undo(self) -> bool:
        assert self.exercise is not None
        if not self._journaled(self.exercise.session.undo):
            return False
        self._restart_timer()
        return True

    def end(self, reason: str, outcome: str | None = None) -> bool:
        assert self.exercise is not None
        return self._journaled(lambda: self.exercise.session.end(reason, outcome))  # type: ignore[union-attr]

    def set_player(self, team: str, player: str) -> bool:
        """Hand a team to the computer or back to people (journaled)."""
        assert self.exercise is not None
        return self._journaled(lambda: self.exercise.session.set_player(team, player))  # type: ignore

    # -- the turn timer ----------------------------------------------------------------
    # The timer is journaled (session.timer()): it counts deliberation only, survives a
    # resume, and every projector of a served session shows the same countdown.
    def _restart_timer(self) -> None:
        self.time_up_shown = self.time_up_rung = False
        self._tick()

    def timer_pause(self) -> None:
        """Pause a running timer, or resume a paused one."""
        if self.exercise is None:
            return
        timer = self.exercise.session.timer()
        if timer.paused:
            self._journal_timer("resume")
        elif timer.running:
            self._journal_timer("pause")
        self._tick()

    def timer_extend(self, minutes: int) -> None:
        """Add minutes: to what is left, or, once time is up, from now."""
        if self._journal_timer("extend", minutes):
            self.time_up_shown = self.time_up_rung = False
        self._tick()

    def _journal_timer(self, action: str, minutes: int = 0) -> bool:
        if self.exercise is None:
            return False
        return self._journaled(lambda: self.exercise.session.timer_note(action, minutes))  # type: ignore

    def watch_state(self, state: State | None) -> None:
        self._update_subtitle()

    def watch_clock(self, clock: str) -> None:
        self._update_subtitle()

    def watch_title(self, title: str) -> None:
        self._update_subtitle()  # a seat's title names its team: what is left for the rest changes

    def on_resize(self, event: events.Resize) -> None:
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        """The header says where the exercise stands on every screen: title, turn, timer.

        Where the header is too narrow for all of it (80 columns with a timer), the scenario's
        title goes first, then the turn's month, then "Turn" is written "T", so the turn and the
        clock are never cut.
        """
        state = self.state
        if state is None:
            self.sub_title = "tabletop exercises"
            return
        scenario = state.scenario
        from exercise.tui.screens.reveal import RevealScreen

        screen = self.screen_stack[-1] if self.screen_stack else None
        if state.outcome:
            wheres = ["ended"]
        elif isinstance(screen, RevealScreen):  # the turn being revealed, not the next
            turn = screen.record.turn
            wheres = [f"reveal of {scenario.turn_label(turn)}", f"reveal of turn {turn}"]
        else:
            of = f" of {scenario.turns}"
            wheres = [f"{scenario.turn_label(state.turn)}{of}", f"Turn {state.turn}{of}", f"T{state.turn}{of}"]
        clock = f" — {self.clock}" if self.clock else ""
        choices = [f"{scenario.title} — {wheres[0]}{clock}"] + [f"{where}{clock}" for where in wheres]
        room = self.size.width - HEADER_SIDES - cell_len(f"{self.title} — ")
        self.sub_title = next((c for c in choices if cell_len(c) <= room), choices[-1])

    def _tick(self) -> None:
        if self.exercise is None:
            self.clock = ""
            return
        timer = self.exercise.session.timer()
        if timer.left is None or timer.phase == "ended":
            self.clock = ""
            return
        if timer.up:
            self.clock = "Time is up"
            self.time_is_up()
            return
        minutes, seconds = divmod(int(timer.left + 0.999), 60)
        suffix = " (paused)" if timer.paused else "" if timer.phase == "deliberation" else " (not started)"
        self.clock = f"⏱ {minutes:02d}:{seconds:02d}{suffix}"

    def time_is_up(self) -> None:
        """Time ran out: a bell and a flash once, and the facilitator chooses on the turn screen.

        While a team has the keyboard (hot-seat) the question waits for the turn screen.
        """
        from exercise.tui.screens.turn import TurnScreen

        if not self.time_up_rung:
            self.time_up_rung = True
            self.bell()
            screen = self.screen
            screen.add_class("time-up")
            self.set_timer(1.5, lambda: screen.remove_class("time-up"))
            if not isinstance(screen, TurnScreen):
                self.notify("Time is up for this turn.", title="Timer", severity="warning", timeout=8)
        if not self.time_up_shown and isinstance(self.screen, TurnScreen):
            self.time_up_shown = True
            self.screen.time_is_up()

    # -- who is looking --------------------------------------------------------------
    def seat(self) -> Audience | None:
        """Who may be looking at the screen now, which decides what the facilitator's tools show.

        The topmost full screen decides (a dialog belongs to the screen it was opened from):
        the facilitator's screens (turn, reveal, ending, and a dashboard opened from them) give
        FACILITATOR, or in solo practice the student's team, there being no facilitator; a
        team's own screen gives that team; the curtain gives None (nobody in particular may
        be looking); any other screen gives the room (in solo practice, the student's team).
        """
        from textual.screen import ModalScreen

        from exercise.engine import FACILITATOR, ROOM, Audience
        from exercise.tui.screens.curtain import CurtainScreen
        from exercise.tui.screens.dashboard import DashboardScreen
        from exercise.tui.screens.ending import EndingScreen
        from exercise.tui.screens.reveal import RevealScreen
        from exercise.tui.screens.team import TeamScreen
        from exercise.tui.screens.turn import TurnScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ModalScreen):
                continue
            if isinstance(screen, CurtainScreen):
                return None
            if isinstance(screen, TeamScreen):
                return Audience.of(screen.team_id)
            if isinstance(screen, DashboardScreen):
                return screen.seat
            if isinstance(screen, (TurnScreen, RevealScreen, EndingScreen)):
                solo = self.exercise.solo_team if self.exercise is not None else None
                return Audience.of(solo) if solo is not None else FACILITATOR
            break
        return self.exercise.room if self.exercise is not None else ROOM

    # -- the facilitator PIN -----------------------------------------------------------
    def lock(self) -> None:
        """A team has the keyboard: the facilitator's tools ask for the PIN again."""
        self.unlocked = False

    def as_facilitator(self, then: Callable[[], object], doing: str) -> None:
        """Run `then` once the facilitator is known to be at the keyboard.

        At once when no PIN was set, or when it has been typed since a team last had the
        keyboard; otherwise after asking for it. `doing` says what for ("open the console").
        """
        from exercise.tui.screens.pin import PinScreen

        pin = self.exercise.pin if self.exercise is not None else ""
        if not pin or self.unlocked:
            then()
            return
        if isinstance(self.screen, PinScreen):
            return

        def answered(right: bool | None) -> None:
            if right:
                self.unlocked = True
                then()

        self.push_screen(PinScreen(pin, doing), answered)

    def console_refusal(self) -> str | None:
        """Why the facilitator console may not open now, or None when it may."""
        if self.exercise is None:  # the footer asks before the first frame: the engine is not loaded yet
            return "The facilitator console opens once an exercise has started."
        from exercise.engine import FACILITATOR

        if self.exercise.mode == "solo":
            return "Solo practice has no facilitator console: it shows what your team may not see."
        if self.seat() != FACILITATOR:
            return "The facilitator console opens from the turn screen."
        return None

    def refusal(self, action: str) -> str | None:
        """Why an app-wide key cannot work on this screen: it is then hidden from the footer."""
        if action == "console":
            return self.console_refusal()
        if action == "seats":
            if self.serve_info is None or self.exercise is None:
                return "Seats are for an exercise served with `ttx serve`."
            from exercise.tui.screens.seats import SeatsScreen

            if isinstance(self.screen, SeatsScreen):
                return "These are the seats: Escape goes back."
            return self.console_refusal()
        if action == "dashboard":
            if self.exercise is None:
                return "The dashboard opens once an exercise has started."
            from exercise.tui.screens.dashboard import DashboardScreen

            if self.seat() is None:
                return "The curtain shows nothing: open the team's screen first."
            if isinstance(self.screen, DashboardScreen):
                return "This is the dashboard: Escape goes back."
        return None

    # -- app-wide actions --------------------------------------------------------------
    def get_system_commands(self, screen):  # type: ignore[override]
        """The command palette (Ctrl+P) offers the facilitator's actions by name, where the keys would work."""
        from textual.app import SystemCommand

        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "What this screen is for, and its keys (F1)", self.action_help)
        yield SystemCommand("High contrast", "Switch between the calm and the high-contrast theme (F4)",
                            self.action_contrast)
        if self.refusal("console") is None:
            yield SystemCommand("Facilitator console", "Adjust, fire an inject, undo, timer, end (F2)",
                                self.action_console)
        if self.refusal("dashboard") is None:
            yield SystemCommand("Dashboard", "Meters, history, facts and the timeline (F3)", self.action_dashboard)

    def action_help(self) -> None:
        from exercise.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_console(self) -> None:
        from exercise.tui.screens.console import ConsoleScreen

        if isinstance(self.screen, ConsoleScreen):
            return
        refusal = self.console_refusal()
        if refusal is not None:  # a palette command chosen as the screen changed
            self.notify(refusal)
            return
        self.as_facilitator(lambda: self.push_screen(self.kept_screen("console", ConsoleScreen)),
                            "open the facilitator console")

    async def action_quit(self) -> None:
        """With a PIN, only the facilitator quits: a team could otherwise reach the terminal, and the journal."""
        self.as_facilitator(self.exit, "quit")

    def action_dashboard(self) -> None:
        """The dashboard, projected to whoever may be looking; only the facilitator's may show everything."""
        from exercise.engine import FACILITATOR
        from exercise.tui.screens.dashboard import DashboardScreen

        refusal = self.refusal("dashboard")
        if refusal is not None:  # a palette command chosen as the screen changed
            self.notify(refusal)
            return
        seat = self.seat()
        assert self.exercise is not None and seat is not None
        exercise = self.exercise
        if seat == FACILITATOR:
            screen = self.kept_screen(f"dashboard:{exercise.room}:full",
                                      lambda: DashboardScreen(exercise.room, seat, full_view=True))
        else:
            screen = self.kept_screen(f"dashboard:{seat}", lambda: DashboardScreen(seat, seat))
        self.push_screen(screen)

    def action_seats(self) -> None:
        from exercise.tui.screens.seats import SeatsScreen

        refusal = self.refusal("seats")
        if refusal is not None:
            self.notify(refusal)
            return
        self.as_facilitator(lambda: self.push_screen(SeatsScreen()), "show the join codes")

    def action_contrast(self) -> None:
        self.theme = CALM if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name
