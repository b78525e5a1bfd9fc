"""Where the bundled scenarios live, from a checkout or an installed wheel alike."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def scenario_dir() -> Path:
    """The folder of bundled scenarios: inside the package when installed, else the checkout's."""
    for candidate in (_HERE / "scenarios", _HERE.parent / "scenarios"):
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    return _HERE / "scenarios"


def bundled_scenarios() -> list[Path]:
    return sorted(scenario_dir().glob("*.toml"))


def find_bundled(name: str) -> Path | None:
    """A bundled scenario by file stem (`sequencing_2018`) or file name."""
    stem = name[:-5] if name.endswith(".toml") else name
    for path in bundled_scenarios():
        if path.stem == stem:
            return path
    return None
