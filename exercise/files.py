"""Files the shell reads and writes: bounded reads of regular files, and new files that never follow a link.

Every failure is a `FileProblem`: one line that names the path and the reason, for the
person at the keyboard. No engine and no attrs here.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path


class FileProblem(Exception):
    """A file that cannot be read or written as asked; the message is one line naming the path."""


def reason(exc: OSError) -> str:
    """An operating system's error in words ("permission denied", "no space left on device")."""
    words = exc.strerror or (exc.args[-1] if exc.args else "") or type(exc).__name__
    words = str(words).strip()
    return words[:1].lower() + words[1:]


def shown(path: str | os.PathLike[str]) -> str:
    """A path as it is printed in a one-line message: control characters escaped, never a line break."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if all(c.isprintable() for c in text):
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def read_regular(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file no larger than `limit`; a device, a pipe or a folder is refused unread.

    The size is checked before reading and again while reading, so a file that grows (or
    lies about its size) is never read past the limit.
    """
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused just below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise FileProblem(f"{shown(path)}: no such {what}") from None
    except IsADirectoryError:
        raise FileProblem(f"{shown(path)}: is a folder, not a {what}") from None
    except OSError as exc:
        raise FileProblem(f"{shown(path)}: cannot read the {what}: {reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem(f"{shown(path)}: is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(f"{shown(path)}: is not a regular file (a device or a pipe), so it is not read as a {what}")
        too_big = FileProblem(f"{shown(path)}: is larger than {limit:,} bytes, the most a {what} may be; it was not read")
        if info.st_size > limit:
            raise too_big
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise too_big
        return b"".join(chunks)
    except OSError as exc:
        raise FileProblem(f"{shown(path)}: cannot read the {what}: {reason(exc)}") from None
    finally:
        os.close(fd)


def first_line_is_journal(path: str | os.PathLike[str]) -> bool:
    """Whether a file begins with a journal's start event (read no further than that line)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 1 << 16).split(b"\n", 1)[0]
    except OSError:
        return False
    finally:
        os.close(fd)
    try:
        event = json.loads(head)
    except (ValueError, RecursionError):
        return False
    return isinstance(event, dict) and event.get("type") == "start"


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def write_new(
    path: str | os.PathLike[str],
    text: str,
    *,
    force: bool = False,
    private: bool = False,
    what: str = "file",
    keep: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Write `text` to a new file at `path`; with `force`, replace the file there.

    A symbolic link at `path` is never followed: without `force` it counts as a file that
    exists; with it the link itself is replaced. A session journal, and any file in `keep`
    (the input being reported on), is never replaced, forced or not. A replacement is
    written beside the old file and renamed over it, so a failed write leaves the old one
    whole. `private` files are readable by their owner only.
    """
    path = Path(path)
    where = shown(path)
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise FileProblem(f"{where}: cannot write the {what}: {reason(exc)}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem(f"{where}: is a folder; name a file to write the {what} to")
        if any(_same_file(path, k) for k in keep):
            raise FileProblem(f"{where}: is the file being read; write the {what} to another file (nothing was written)")
        if first_line_is_journal(path):
            raise FileProblem(f"{where}: is a session journal, which is never written over (nothing was written)")
        if not force:
            raise FileProblem(f"{where}: already exists; choose another name, or add --force to replace it"
                              " (nothing was written)")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            raise FileProblem(f"{where}: is not a regular file (a device or a pipe); name a file to write the"
                              f" {what} to")
    mode = 0o600 if private else 0o666
    data = text.encode("utf-8")
    if info is None:
        _write_exclusive(path, data, mode, what)
    else:
        _replace(path, data, mode, what)


def _write_exclusive(path: Path, data: bytes, mode: int, what: str) -> None:
    """Create the file, refusing anything already there (O_EXCL: a dangling link too)."""
    where = shown(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise FileProblem(f"{where}: already exists; choose another name, or add --force to replace it"
                          " (nothing was written)") from None
    except OSError as exc:
        raise FileProblem(f"{where}: cannot write the {what}: {reason(exc)}") from None
    try:
        _write_all(fd, data)
    except OSError as exc:
        os.close(fd)
        try:
            os.unlink(path)
        except OSError:
            pass
        raise FileProblem(f"{where}: cannot write the {what}: {reason(exc)} (nothing was kept)") from None
    os.close(fd)


def _replace(path: Path, data: bytes, mode: int, what: str) -> None:
    """Write beside the file, then rename over it: the old file stays whole until the new one is."""
    where = shown(path)
    tmp = path.with_name(f".{path.name[:60]}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, mode)  # the umask applies, as to any new file
    except OSError as exc:
        raise FileProblem(f"{where}: cannot write the {what}: {reason(exc)}") from None
    try:
        _write_all(fd, data)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise FileProblem(f"{where}: cannot write the {what}: {reason(exc)} (the file there was left as it was)") from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "the write made no progress")
        view = view[written:]
    os.fsync(fd)
