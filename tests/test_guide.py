"""The facilitator guide names only commands and keys that exist."""

from __future__ import annotations

import re

from conftest import ROOT
from exercise.cli import build_parser

GUIDE = (ROOT / "facilitator_guide.md").read_text()


def subcommands() -> set[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return set(action.choices)


def all_bindings() -> set[str]:
    from textual.binding import Binding

    from exercise.tui import app as app_module
    from exercise.tui.screens import (
        author, briefing, confirm, console, contingency, curtain, dashboard, ending, help, home, reveal, seats, setup,
        team, time_up, turn,
    )

    keys: set[str] = set()
    classes = [app_module.TtxApp]
    for module in (author, briefing, confirm, console, contingency, curtain, dashboard, ending, help, home,
                   reveal, seats, setup, team, time_up, turn):
        classes += [v for v in vars(module).values() if isinstance(v, type) and hasattr(v, "BINDINGS")]
    for cls in classes:
        for binding in cls.BINDINGS:
            if isinstance(binding, Binding):
                keys.update(k.strip() for k in binding.key.split(","))
            else:
                keys.update(k.strip() for k in binding[0].split(","))
    keys |= {"space", "ctrl+p"}  # Textual's own: ticking in a selection list, the command palette
    return keys


def test_every_command_the_guide_names_exists():
    named = set(re.findall(r"\bttx ([a-z]+)", GUIDE))
    assert named, "the guide names no command"
    assert named <= subcommands(), named - subcommands()


def test_every_key_in_the_keyboard_reference_is_bound():
    reference = GUIDE[GUIDE.index("## Keyboard reference"):]
    keys = re.findall(r"^\| `([^`]+)` \|", reference, flags=re.M)
    assert len(keys) >= 15
    names = {"Enter": "enter", "Esc": "escape", "Space": "space", "?": "question_mark"}
    bound = all_bindings()
    for key in keys:
        normal = names.get(key, key.lower())
        assert normal in bound, f"the guide names {key}, which no screen binds"


def test_every_key_mentioned_in_running_it_is_in_the_reference():
    reference = GUIDE[GUIDE.index("## Keyboard reference"):]
    listed = set(re.findall(r"^\| `([^`]+)` \|", reference, flags=re.M))
    body = GUIDE[:GUIDE.index("## Keyboard reference")]
    mentioned = {k for k in re.findall(r"`([A-Za-z0-9+?]{1,8})`", body) if not k.startswith("ttx")}
    assert mentioned <= listed, mentioned - listed
