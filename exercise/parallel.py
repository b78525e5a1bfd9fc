"""Work spread over every core, merged in a fixed order: the same figures from any number of processes.

`ttx simulate`, `ttx test` and the report's decisive moments hand their work out here as tasks:
each task is deterministic on its own (a game, a few replays, each with its own seed), and
`Processes.map` returns the results in task order whichever process finished first, so a
merge over them gives the same figures from one process or many.

The processes are forked: a child inherits what the parent built (loaded scenarios, game
states, which cannot be pickled: their conditions are compiled closures), so only a task's
number goes to a child and only its result comes back. Tasks are handed out one at a time,
the costliest first, so that the last to finish are small and no core idles at the end.

Forking copies only the thread that forks; a lock another thread held at that moment (an
output stream's, a logger's) stays locked for ever in the child. So a process forks only when
it runs a single thread (`ttx simulate`, `ttx test`, `ttx report`); called from a Textual
app's worker thread (the ending screen writing its reports), the same work runs in the calling
process, with the same figures.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

_SHARED: Any = None  # what the children inherit: set just before the fork
_IN_CHILD = False


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking is safe here: a fork-capable system, one thread, not already a child of a pool."""
    import multiprocessing

    return (not _IN_CHILD and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def processes_for(jobs: int | None, tasks: int) -> int:
    """How many processes `jobs` means for this many tasks: None or 0 for every usable core, and 1
    where forking is unsafe."""
    wanted = jobs or usable_cores()
    if wanted <= 1 or tasks <= 1 or not can_fork():
        return 1
    return min(wanted, tasks)


def _child_start() -> None:
    global _IN_CHILD
    import signal

    _IN_CHILD = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the pool


def _call(job: tuple[Callable[[Any, Any], Any], int, Any]) -> tuple[int, Any]:
    fn, index, task = job
    return index, fn(_SHARED, task)


class Processes:
    """`with Processes(jobs, shared) as p: p.map(fn, tasks)`: `fn(shared, task)` for every task, in order.

    `shared` is read by every task and never pickled (a child inherits it); `fn` is a module-level
    function; tasks and results are pickled, so keep them small. With one process (`jobs` 1, one
    task, or forking unsafe here) everything runs in the calling process, in task order.
    """

    def __init__(self, jobs: int | None, shared: Any = None, tasks: int = 2) -> None:
        self.processes = processes_for(jobs, tasks)
        self.shared = shared
        self._pool: Any = None

    def __enter__(self) -> Processes:
        global _SHARED
        if self.processes > 1:
            import multiprocessing

            _SHARED = self.shared
            try:
                self._pool = multiprocessing.get_context("fork").Pool(self.processes, initializer=_child_start)
            except BaseException:
                _SHARED = None
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        global _SHARED
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            _SHARED = None

    def map(self, fn: Callable[[Any, Any], Any], tasks: Sequence[Any], *, costs: Sequence[float] | None = None,
            sizes: Sequence[int] | None = None, progress: Callable[[int, int], None] | None = None) -> list[Any]:
        """`fn(shared, task)` for each task; the results in task order.

        `costs` orders the hand-out (costliest first; ties in task order); `sizes` are what
        `progress(done, total)` counts (1 a task by default), called as tasks finish.
        """
        sizes = list(sizes) if sizes is not None else [1] * len(tasks)
        total = sum(sizes)
        done = 0
        results: list[Any] = [None] * len(tasks)
        if self._pool is None:
            for i, task in enumerate(tasks):
                results[i] = fn(self.shared, task)
                done += sizes[i]
                if progress:
                    progress(done, total)
            return results
        order = list(range(len(tasks)))
        if costs is not None:
            order.sort(key=lambda i: -costs[i])
        for i, result in self._pool.imap_unordered(_call, [(fn, i, tasks[i]) for i in order], chunksize=1):
            results[i] = result
            done += sizes[i]
            if progress:
                progress(done, total)
        return results

