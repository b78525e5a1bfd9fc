"""Words for people: "did you mean …?" suggestions, shared by the loader and the command line."""

from __future__ import annotations

from collections.abc import Iterable


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ": did you mean 'x'?" suffix when a close match exists, else ""."""
    import difflib  # only when something is wrong: start-up stays quick

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else ""
