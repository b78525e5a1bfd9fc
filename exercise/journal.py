"""The journal on disk: append-only JSON Lines, read back intact, listed for the home screen.

No engine and no attrs here: the home screen lists sessions without loading either.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

JOURNAL_VERSION = 3  # 3: handing a team back to people withdraws the computer's order; 2: each chance move
# draws from its own stream (1: one stream per turn)


def sessions_dir() -> Path:
    """Where journals are kept: $TTX_HOME/sessions, else the XDG data folder."""
    home = os.environ.get("TTX_HOME")
    if home:
        base = Path(home)
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "ttx"
    return base / "sessions"


PRIVATE_DIR = 0o700  # journals and reports hold secrets: only their owner may read them
PRIVATE_FILE = 0o600


def private_dir(folder: Path) -> Path:
    """Create a folder (and its parents) that only its owner may enter; tighten one we made before."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    return folder


def create_private(path: Path) -> bool:
    """Create an empty file only its owner may read, atomically; False if it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def write_private(path: str | os.PathLike[str], text: str) -> None:
    """Write a file (a report) that only its owner may read, replacing any earlier one."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), PRIVATE_FILE)
        fh.write(text)


def new_journal_path(scenario_id: str) -> Path:
    """A new, empty journal in the sessions folder, claimed atomically so no two sessions share it."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = private_dir(sessions_dir())
    try:
        os.chmod(folder, PRIVATE_DIR)
    except OSError:
        pass
    path = folder / f"{scenario_id}-{stamp}.jsonl"
    n = 2
    while not create_private(path):
        path = folder / f"{scenario_id}-{stamp}-{n}.jsonl"
        n += 1
    return path


class SessionInfo(NamedTuple):
    """A journal on disk, summarized for the home screen without replaying it."""

    path: Path
    scenario: str
    scenario_path: str
    turn: int
    over: bool
    last_played: str


def list_sessions() -> list[SessionInfo]:
    """Journals in the sessions folder, newest first; unreadable files are skipped."""
    folder = sessions_dir()
    out = []
    for path in folder.glob("*.jsonl") if folder.is_dir() else ():
        try:
            read = read_journal(path)
        except JournalError:
            continue
        start = read.events[0]
        resolves = sum(1 for e in read.events if e["type"] == "resolve")
        undos = sum(1 for e in read.events if e["type"] == "undo")
        last_resolve = next((e for e in reversed(read.events) if e["type"] in ("resolve", "undo")), {})
        over = any(e["type"] == "end" for e in read.events) or bool(last_resolve.get("outcome"))
        out.append(SessionInfo(path, str(start.get("scenario", "?")), str(start.get("scenario_path", "")),
                               resolves - undos + 1, over, str(read.events[-1].get("at", ""))))
    return sorted(out, key=lambda s: s.last_played, reverse=True)


class JournalError(Exception):
    """A journal that cannot be used as asked; the message is one line for the user."""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


class JournalRead(NamedTuple):
    events: tuple[dict[str, Any], ...]
    intact_bytes: int
    torn: bool  # the last line was cut short (a power cut mid-write) and was dropped


def read_journal(path: str | os.PathLike[str]) -> JournalRead:
    """Read every intact event; a torn last line is dropped, a torn middle line is an error."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise JournalError(f"{path}: no such journal") from None
    except IsADirectoryError:
        raise JournalError(f"{path}: is a directory, not a journal") from None
    except OSError as exc:
        raise JournalError(f"{path}: cannot read the journal: {exc.strerror}") from None
    torn = bool(data) and not data.endswith(b"\n")
    body = data[: data.rfind(b"\n") + 1]
    lines = body.split(b"\n")[:-1] if body else []
    events: list[dict[str, Any]] = []
    offset = 0
    for number, raw in enumerate(lines, start=1):
        try:
            event = json.loads(raw) if raw.strip() else None
            if event is not None and (not isinstance(event, dict) or "type" not in event):
                raise ValueError("not an event")
        except ValueError:
            if number == 1 and not events:
                raise JournalError(f"{path}: not a ttx journal (its first line is not a journal event)") from None
            if number == len(lines):  # a damaged last line: a write cut short
                torn = True
                break
            raise JournalError(
                f"{path}:{number}: this line of the journal is damaged; the events after it cannot be trusted"
            ) from None
        offset += len(raw) + 1
        if event is not None:
            events.append(event)
    if not events or events[0].get("type") != "start":
        raise JournalError(f"{path}: not a ttx journal (it does not begin with a start event)")
    return JournalRead(tuple(events), offset, torn)


class Journal:
    """An append-only file of events; each append is durable before it returns.

    While it is open for writing the journal holds an exclusive lock on the file, so two
    processes (two `ttx resume` of one session) can never append to one journal.
    """

    def __init__(self, path: str | os.PathLike[str], truncate_to: int | None = None) -> None:
        self.path = Path(path)
        create_private(self.path)
        self._lock = _lock_exclusive(self.path)
        if truncate_to is not None and self.path.exists() and self.path.stat().st_size > truncate_to:
            with open(self.path, "r+b") as fh:
                fh.truncate(truncate_to)
                fh.flush()
                os.fsync(fh.fileno())

    def append(self, event: Mapping[str, Any], seq: int | None = None) -> None:
        """Append one event (`seq`, its number, matters to shared stores only: the lock makes it ours)."""
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def close(self) -> None:
        """Let another process open the journal for writing (once this process has closed it everywhere)."""
        key, self._lock = getattr(self, "_lock", None), None
        if key is not None:
            _unlock(key)

    def __del__(self) -> None:
        self.close()


# Locks this process holds: the key of the journal's file -> (descriptor, how many Journals use it).
# flock conflicts between two opens in one process too; a process may open its own journal twice.
_HELD: dict[tuple[int, int], list[int]] = {}


def _lock_exclusive(path: Path) -> tuple[int, int] | None:
    """An exclusive lock on the journal, held until `close`; a clear error if another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the journal is used as before
        return None
    info = path.stat()
    key = (info.st_dev, info.st_ino)
    if key in _HELD:
        _HELD[key][1] += 1
        return key
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise JournalError(
            f"{path}: this session is open in another ttx (another window or terminal);"
            " close it there first, or read it with ttx replay"
        ) from None
    _HELD[key] = [fd, 1]
    return key


def ensure_free(path: str | os.PathLike[str]) -> None:
    """Raise JournalError if another process has the journal open for writing."""
    key = _lock_exclusive(Path(path))
    if key is not None:
        _unlock(key)


def _unlock(key: tuple[int, int]) -> None:
    held = _HELD.get(key)
    if held is None:
        return
    held[1] -= 1
    if held[1] <= 0:
        del _HELD[key]
        os.close(held[0])
