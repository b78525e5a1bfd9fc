"""The journal on disk: append-only JSON Lines, read back intact, listed for the home screen.

No engine and no attrs here: the home screen lists sessions without loading either.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import socket
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from exercise.files import FileProblem, read_regular, reason, shown, write_new

JOURNAL_VERSION = 3  # 3: handing a team back to people withdraws the computer's order; 2: each chance move
# draws from its own stream (1: one stream per turn)

# Limits of the format (scenarios/README.md, "Journals"): a journal past them is refused, never read
# without bound. A long classroom game writes well under a megabyte; entries nest four levels deep.
JOURNAL_MAX_BYTES = 64 * 2**20
JSON_MAX_DEPTH = 32


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
    """Create an empty file only its owner may read, atomically; False if anything (a link too) is there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def write_private(path: str | os.PathLike[str], text: str, what: str = "report") -> None:
    """Write a file (a report) that only its owner may read, replacing an earlier one but never a journal.

    Raises FileProblem, one line naming the path and the reason.
    """
    write_new(path, text, force=True, private=True, what=what)


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
    damaged: str = ""  # why the journal cannot be read ("" when it can); such a session is listed, not resumed


def list_sessions() -> list[SessionInfo]:
    """Journals in the sessions folder, newest first; one that cannot be read is listed as damaged."""
    folder = sessions_dir()
    out = []
    try:
        paths = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    except OSError:
        paths = []
    for path in paths:
        try:
            out.append(_summary(path))
        except JournalError as exc:
            try:
                when = _dt.datetime.fromtimestamp(path.lstat().st_mtime).replace(microsecond=0).isoformat()
            except (OSError, ValueError, OverflowError):
                when = ""
            out.append(SessionInfo(path, "?", "", 0, False, when, _why(str(exc), path)))
    return sorted(out, key=lambda s: s.last_played, reverse=True)


def _why(message: str, path: Path) -> str:
    """A journal's problem without its path ("line 3: this line of the journal is damaged …")."""
    text = message.removeprefix(shown(path))
    line = re.match(r":(\d+): ", text)
    if line:
        return f"line {line.group(1)}: {text[line.end():]}"
    return text.lstrip(": ") or "it cannot be read"


def _summary(path: Path) -> SessionInfo:
    read = read_journal(path)
    start = read.events[0]
    resolves = sum(1 for e in read.events if e["type"] == "resolve")
    undos = sum(1 for e in read.events if e["type"] == "undo")
    last_resolve = next((e for e in reversed(read.events) if e["type"] in ("resolve", "undo")), {})
    over = any(e["type"] == "end" for e in read.events) or bool(last_resolve.get("outcome"))
    return SessionInfo(path, str(start.get("scenario", "?")), str(start.get("scenario_path", "")),
                       max(1, resolves - undos + 1), over, str(read.events[-1].get("at", "")))


class JournalError(Exception):
    """A journal that cannot be used as asked; the message is one line for the user."""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


class JournalRead(NamedTuple):
    events: tuple[dict[str, Any], ...]
    intact_bytes: int
    torn: bool  # the last write was cut short (no newline after it) and was dropped
    lines: tuple[int, ...] = ()  # the line of the file each event is on


class _Damaged(ValueError):
    """A line that is not a journal event; the message says why."""


# A string (to its closing quote, or to the end of the line when it has none) or a bracket, left to right:
# one pass, so brackets inside strings are skipped and no line takes more than linear time.
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]')
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # half of a pair, valid JSON but not text that can be written


def _depth(raw: bytes) -> int:
    """How deeply a JSON text nests its arrays and objects (brackets inside strings do not count)."""
    if raw.count(b"[") + raw.count(b"{") <= JSON_MAX_DEPTH:
        return 0  # too few brackets to go past the limit: no need to look
    depth = deepest = 0
    for token in _TOKEN.finditer(raw):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in (b"]", b"}"):
            depth -= 1
    return deepest


def _no_constant(name: str) -> float:
    raise _Damaged(f"it holds {name}, which is not a number a journal may hold")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Damaged(f"it holds {text}, a number too large for a journal")
    return value


def _whole(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > 64:  # every whole number of the format fits in 64 bits (19 digits)
        raise _Damaged(f"it holds a whole number of {digits:,} digits, too large for a journal")
    return int(text)


def parse_event(raw: bytes | str) -> dict[str, Any]:
    """One journal line as an event, or _Damaged saying why not: nesting and numbers are bounded."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if _depth(raw) > JSON_MAX_DEPTH:
        raise _Damaged(f"it nests deeper than {JSON_MAX_DEPTH} levels")
    try:
        event = json.loads(raw, parse_constant=_no_constant, parse_float=_finite, parse_int=_whole)
    except _Damaged:
        raise
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, an integer of too many digits
        raise _Damaged("it is not JSON") from exc
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise _Damaged("it is not an event (a JSON object with a type)")
    if _SURROGATE.search(raw):
        try:
            json.dumps(event, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise _Damaged("it holds text that is not valid Unicode") from None
    return event


def read_journal(path: str | os.PathLike[str]) -> JournalRead:
    """Read every event; a torn last write is dropped, and any damaged complete line is an error.

    A torn write is a last line without its newline: the process stopped while writing it.
    A complete line (one ending in a newline) that is not an event was written whole and
    then damaged: an error naming its line, and nothing is dropped.
    """
    try:
        data = read_regular(path, JOURNAL_MAX_BYTES, "journal")
    except FileProblem as exc:
        raise JournalError(str(exc)) from None
    where = shown(path)
    torn = bool(data) and not data.endswith(b"\n")
    body = data[: data.rfind(b"\n") + 1]
    lines = body.split(b"\n")[:-1] if body else []
    events: list[dict[str, Any]] = []
    numbers: list[int] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            event = parse_event(raw)
        except _Damaged as exc:
            if not events and number == 1 and str(exc).startswith("it is not"):
                raise JournalError(f"{where}: not a ttx journal (its first line is not a journal event)") from None
            raise JournalError(
                f"{where}:{number}: this line of the journal is damaged ({exc}); nothing was changed:"
                " the events before it are intact, the line and those after it cannot be trusted"
            ) from None
        if event["type"] == "start" and events:
            raise JournalError(f"{where}:{number}: a second start event; a journal holds one session, begun on"
                               f" line {numbers[0]}")
        events.append(event)
        numbers.append(number)
    if not events or events[0].get("type") != "start":
        raise JournalError(f"{where}: not a ttx journal (it does not begin with a start event)")
    return JournalRead(tuple(events), len(body), torn, tuple(numbers))


class Journal:
    """An append-only file of events; each append is durable before it returns.

    While it is open for writing the journal holds an exclusive lock on the file, so two
    processes (two `ttx resume` of one session) can never append to one journal; the one
    refused is told which process, on which host, holds it.
    """

    def __init__(self, path: str | os.PathLike[str], truncate_to: int | None = None) -> None:
        """Open an existing journal for appending, and lock it (`Journal.create` makes a new one)."""
        self.path = Path(path)
        self._fd: int | None = None
        self._lock: tuple[int, int] | None = None
        self._fd = _open_for_append(self.path)
        try:
            self._lock = _lock_exclusive(self.path, self._fd, announce=True)
            if truncate_to is not None:
                self.cut_to(truncate_to)
        except BaseException:
            self.close()
            raise

    def cut_to(self, size: int) -> None:
        """Drop what follows the first `size` bytes (a torn last write), durably."""
        assert self._fd is not None
        try:
            if os.fstat(self._fd).st_size > size:
                os.ftruncate(self._fd, size)
                os.fsync(self._fd)
        except OSError as exc:
            raise JournalError(f"{shown(self.path)}: cannot write to the journal: {reason(exc)}") from None

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Journal:
        """A new journal at `path`: created there, or an empty file already there; never through a link."""
        path = Path(path)
        try:
            created = create_private(path)
        except OSError as exc:
            raise JournalError(f"{shown(path)}: cannot create the journal: {reason(exc)}") from None
        if not created:
            try:
                info = os.lstat(path)
            except OSError as exc:
                raise JournalError(f"{shown(path)}: cannot create the journal: {reason(exc)}") from None
            if stat.S_ISLNK(info.st_mode):
                raise JournalError(f"{shown(path)}: is a symbolic link; a journal is never created through one,"
                                   " choose another path")
            if stat.S_ISDIR(info.st_mode):
                raise JournalError(f"{shown(path)}: is a folder; name a file for the journal")
            if not stat.S_ISREG(info.st_mode):
                raise JournalError(f"{shown(path)}: is not a regular file (a device or a pipe); a journal is a file"
                                   " of its own, choose another path")
        journal = cls(path)
        if journal._fd is not None and os.fstat(journal._fd).st_size > 0:
            journal.close()
            raise JournalError(f"{shown(path)}: a journal already exists there; choose another path or resume it")
        return journal

    def append(self, event: Mapping[str, Any], seq: int | None = None) -> None:
        """Append one event (`seq`, its number, matters to shared stores only: the lock makes it ours).

        A write that fails (a full disk) is taken back, so the journal ends with its last
        complete line, and the event is refused with a JournalError.
        """
        try:
            line = (json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n")
            data = line.encode("utf-8")
        except (ValueError, TypeError) as exc:
            raise JournalError(f"this cannot be written to the journal ({exc})") from None
        if self._fd is None:
            raise JournalError(f"{shown(self.path)}: the journal is closed; nothing more can be added")
        size = os.fstat(self._fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            os.fsync(self._fd)
        except OSError as exc:
            try:
                os.ftruncate(self._fd, size)
            except OSError:
                pass
            raise JournalError(f"{shown(self.path)}: cannot write to the journal: {reason(exc)};"
                               " the last action was not accepted") from None

    def close(self) -> None:
        """Let another process open the journal for writing (once this process has closed it everywhere)."""
        key, self._lock = getattr(self, "_lock", None), None
        if key is not None:
            _unlock(key)
        fd, self._fd = getattr(self, "_fd", None), None
        if fd is not None:
            os.close(fd)

    def __del__(self) -> None:
        self.close()


def _open_for_append(path: Path) -> int:
    """The journal's file, open for appending; it must already exist and be a regular file."""
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise JournalError(f"{shown(path)}: no such journal (a link to nothing?)") from None
    except IsADirectoryError:
        raise JournalError(f"{shown(path)}: is a folder, not a journal") from None
    except OSError as exc:
        raise JournalError(f"{shown(path)}: cannot write to the journal: {reason(exc)}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise JournalError(f"{shown(path)}: is not a regular file (a device or a pipe), so it cannot be a journal")
    return fd


# Locks this process holds: the key of the journal's file -> (descriptor, how many Journals use it).
# flock conflicts between two opens in one process too; a process may open its own journal twice.
_HELD: dict[tuple[int, int], list[Any]] = {}


def holder_path(path: Path) -> Path:
    """Beside a journal open for writing: which process, on which host, holds it (for the one refused)."""
    return path.with_name(f".{path.name}.lock")


def _lock_exclusive(path: Path, fd: int | None = None, announce: bool = False) -> tuple[int, int] | None:
    """An exclusive lock on the journal, held until `close`; a clear error if another process holds it.

    With `announce`, the holder writes its process id and host beside the journal, so that
    the process refused can name them.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the journal is used as before
        return None
    if fd is None:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise JournalError(f"{shown(path)}: cannot open the journal: {reason(exc)}") from None
    else:
        fd = os.dup(fd)  # the lock belongs to the open file: it lasts as long as this copy
    info = os.fstat(fd)
    key = (info.st_dev, info.st_ino)
    if key in _HELD:
        os.close(fd)
        _HELD[key][1] += 1
        return key
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise JournalError(
            f"{shown(path)}: this session is open in another ttx ({_holder(path)}); close it there first,"
            " or read it with ttx replay"
        ) from None
    note = None
    if announce:
        note = holder_path(path)
        since = _dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
        try:
            write_new(note, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": since}) + "\n",
                      force=True, private=True, what="lock note")
        except (FileProblem, OSError):
            note = None  # a folder we may not write in: the lock holds all the same, unnamed
    _HELD[key] = [fd, 1, note]
    return key


def _holder(path: Path) -> str:
    """Who holds a journal's lock, as its holder wrote it: "process 4242 on host lab-3, since …"."""
    try:
        data = read_regular(holder_path(path), 4096, "lock note")
        note = json.loads(data)
        pid, host, since = int(note["pid"]), str(note["host"]), str(note.get("since", ""))
    except (FileProblem, ValueError, TypeError, KeyError, RecursionError):
        return "another window or terminal"
    return f"process {pid} on host {shown(host)}" + (f", since {shown(since)}" if since else "")


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
        fd, _, note = held
        if note is not None:  # taken away while the lock is still ours: never another holder's note
            try:
                os.unlink(note)
            except OSError:
                pass
        os.close(fd)
