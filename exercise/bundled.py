"""Where the bundled scenarios live, from a checkout or an installed wheel alike."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

_HERE = Path(__file__).resolve().parent


def scenario_dir() -> Path:
    """The folder of bundled scenarios: inside the package when installed, else the checkout's."""
    for candidate in (_HERE / "scenarios", _HERE.parent / "scenarios"):
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    return _HERE / "scenarios"


# Shown first on the home screen and in `ttx list`: the flagship, then the first exercise.
FEATURED = ("sequencing_2018", "tutorial")


def bundled_scenarios() -> list[Path]:
    paths = sorted(scenario_dir().glob("*.toml"))
    rank = {name: i for i, name in enumerate(FEATURED)}
    return sorted(paths, key=lambda p: (rank.get(p.stem, len(rank)), p.stem))


def find_bundled(name: str) -> Path | None:
    """A bundled scenario by file stem (`sequencing_2018`) or file name."""
    stem = name[:-5] if name.endswith(".toml") else name
    for path in bundled_scenarios():
        if path.stem == stem:
            return path
    return None


class ScenarioCard(NamedTuple):
    """What the home screen shows of a scenario, read without validating the whole file."""

    path: Path
    title: str
    summary: str
    teams: tuple[str, ...]
    turns: int
    turn_length: str


def scenario_card(path: Path) -> ScenarioCard | None:
    """The card of a scenario file, or None if it cannot even be read as TOML."""
    import tomli

    try:
        with open(path, "rb") as fh:
            doc = tomli.load(fh)
        meta = doc.get("scenario", {})
        teams = tuple(str(t.get("name", t.get("id", "?"))) for t in doc.get("teams", []))
        return ScenarioCard(path, str(meta.get("title", path.stem)), str(meta.get("summary", "")),
                            teams, int(meta.get("turns", 0)), str(meta.get("turn_length", "one turn")))
    except (OSError, ValueError, TypeError, AttributeError, tomli.TOMLDecodeError):
        return None
