"""Setup: who plays each team, how orders are entered, the turn timer and the seed."""

from __future__ import annotations

import random

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Select, Static

from exercise.engine import Scenario
from exercise.tui.pin import MIN_LENGTH
from exercise.tui.widgets.footer import KeyFooter
from exercise.tui.widgets.header import Header

SEED_MAX = 2**63 - 1  # as every command's --seed
TIMER_CHOICES = [("Off", 0), ("3 minutes", 3), ("5 minutes", 5), ("10 minutes", 10),
                 ("15 minutes", 15), ("20 minutes", 20), ("30 minutes", 30)]
MODES = [("Hot-seat: each team at the keyboard in turn, behind a curtain", "hotseat"),
         ("Facilitator entry: teams hand in orders on paper, the facilitator types them", "facilitator"),
         ("Solo practice: one person plays one team, the computer the others; no curtains", "solo"),
         ("Each team on its own device: students join from a browser on this network", "seats")]
PLAYERS = [("Person", "human"), ("Computer: follows its doctrine", "computer:doctrine"),
           ("Computer: looks ahead", "computer:lookahead"), ("Computer: random legal moves", "computer:random")]


class SetupScreen(Screen):
    """Set up the exercise before the briefing."""

    HELP = (
        "For each team choose a person or the computer: one that follows the team's doctrine "
        "as the readings describe it, one that looks ahead with the engine, or one that picks "
        "random legal moves. Hot-seat passes the keyboard from team to team behind a curtain; "
        "facilitator entry lets one person type every team's orders. A facilitator PIN keeps the "
        "console and the dashboard's full view (hidden meters, secret moves) yours once a team has "
        "had the keyboard; it cannot be recovered, so write it down. The seed makes the game "
        "repeatable: the same seed and the same orders give the same exercise."
    )
    BINDINGS = [
        Binding("ctrl+s", "start", "Start"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        super().__init__()
        self.scenario = scenario
        self.seed = seed if seed is not None else random.SystemRandom().randrange(1, 100000)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="setup"):
            variant = next((v for v in self.scenario.variants if v.id == self.scenario.variant), None)
            cut = f" — {variant.title}" if variant is not None else ""
            yield Static(f"[b]{self.scenario.title}[/b]{cut} — setup", classes="screen-title", markup=True)
            yield Label("Who plays each team", classes="section-title")
            with Grid(id="players"):
                for team in self.scenario.teams:
                    yield Label(team.name, classes="team-name")
                    if team.playable:
                        yield Select(PLAYERS, value="human", allow_blank=False, id=f"player-{team.id}")
                    else:
                        yield Label("Computer (this actor is always played by the computer)")
            yield Label("How orders are entered", classes="section-title")
            yield Select(MODES, value="hotseat", allow_blank=False, id="mode")
            yield Label("Facilitator PIN (optional)", classes="section-title", id="pin-title")
            with Horizontal(id="pin-row"):
                with Horizontal(classes="field"):
                    yield Label("PIN ", classes="field-label")
                    yield Input(password=True, placeholder="none", id="pin")
                with Horizontal(classes="field"):
                    yield Label("Again ", classes="field-label")
                    yield Input(password=True, placeholder="the same PIN", id="pin-again")
            yield Static("", id="pin-note", classes="hint")
            with Horizontal(id="timer-seed"):
                with Horizontal(classes="field"):
                    yield Label("Turn timer ", classes="field-label")
                    yield Select(TIMER_CHOICES, value=0, allow_blank=False, id="timer")
                with Horizontal(classes="field"):
                    yield Label("Seed ", classes="field-label")
                    yield Input(str(self.seed), type="integer", id="seed", max_length=19)
            yield Button("Start the briefing", id="start", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        first = self.query(Select).first()
        first.focus()
        self._show_pin()

    @on(Select.Changed, "#mode")
    @on(Input.Changed, "#pin")
    def _show_pin(self) -> None:
        """The PIN is for the modes with a facilitator; without one, say what anyone at the keyboard can open."""
        mode = self.query_one("#mode", Select).value
        for widget in self.query("#pin-title, #pin-row, #pin-note"):
            widget.display = mode != "solo"
        pin = self.query_one("#pin", Input).value
        if pin:
            note = ("The console, the full view and quitting will ask for this PIN once a team's screen "
                    "or the curtain has been shown, and after a resume. It cannot be recovered: write it down.")
        elif mode == "hotseat":
            note = ("Without a PIN, any player at the keyboard can open the facilitator console (F2) and "
                    "the dashboard's full view (v) from the turn screen: every hidden meter and secret "
                    "move. Set a PIN to keep them yours.")
        else:
            note = ("Without a PIN, whoever is at the keyboard can open the console and the full view: "
                    "keep the keyboard with you.")
        self.query_one("#pin-note", Static).update(note)

    def players(self) -> dict[str, str]:
        out = {}
        for team in self.scenario.teams:
            if team.playable:
                out[team.id] = str(self.query_one(f"#player-{team.id}", Select).value)
            else:
                out[team.id] = "computer:doctrine"
        return out

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        text = self.query_one("#seed", Input).value.strip()
        try:
            seed = int(text)
            if not 0 <= seed <= SEED_MAX:
                raise ValueError
        except ValueError:
            self.notify(f"The seed must be a whole number from 0 to {SEED_MAX}.", severity="error")
            self.query_one("#seed", Input).focus()
            return
        mode = str(self.query_one("#mode", Select).value)
        humans = [t for t, p in self.players().items() if p == "human"]
        if mode == "solo" and len(humans) != 1:
            self.notify("Solo practice needs exactly one team played by a person.", severity="error")
            return
        timer = int(self.query_one("#timer", Select).value)  # type: ignore[arg-type]
        pin = self.query_one("#pin", Input).value if mode != "solo" else ""
        if pin:
            if len(pin) < MIN_LENGTH:
                self.notify(f"A PIN needs at least {MIN_LENGTH} characters.", severity="error")
                self.query_one("#pin", Input).focus()
                return
            if pin != self.query_one("#pin-again", Input).value:
                self.notify("The two PINs differ: type the same PIN twice.", severity="error")
                self.query_one("#pin-again", Input).focus()
                return
        self.app.begin(self.scenario, seed, self.players(), mode, timer, pin)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.app.pop_screen()
