"""Work spread over every core, merged in a fixed order: the same figures from any number of processes.

`ttx simulate`, `ttx test` and the report's decisive moments hand their work out here as tasks:
each task is deterministic on its own (a game, a few replays, each with its own seed), and
`Processes.map` returns the results in task order whichever process finished first, so a
merge over them gives the same figures from one process or many.

The processes are forked: a child inherits what the parent built (loaded scenarios, game
states, which cannot be pickled: their conditions are compiled closures), so only a task goes
to a child and only its result comes back. Tasks are handed out as children finish, the
costliest first, so that the last to finish are small and no core idles at the end. The parent
only hands out and collects, from its one thread: `multiprocessing.Pool`'s worker-handler
thread wakes at every result and cost the parent a tenth of a core here.

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

_IN_CHILD = False
AHEAD = 2  # tasks a child holds at once: the next is there when it finishes one


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


class _Failed:
    """A task's exception, sent back whole when it pickles, else as its type's name and words."""

    def __init__(self, exc: BaseException) -> None:
        import pickle
        import traceback

        self.where = "".join(traceback.format_exception(exc))
        try:
            self.exc: BaseException = pickle.loads(pickle.dumps(exc))
        except Exception:
            self.exc = RuntimeError(f"{type(exc).__name__}: {exc}")

    def raised(self) -> BaseException:
        self.exc.add_note(f"in a worker process:\n{self.where}")
        return self.exc


def _child(conn: Any, shared: Any) -> None:
    """A child's loop: run each task it is sent, send back (number, result), until told to stop."""
    global _IN_CHILD
    import signal

    _IN_CHILD = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the children
    while (job := conn.recv()) is not None:
        fn, index, task = job
        try:
            result = fn(shared, task)
        except BaseException as exc:  # sent back, raised again in the parent
            result = _Failed(exc)
        try:
            conn.send((index, result))
        except Exception as exc:  # a result that does not pickle
            conn.send((index, _Failed(exc)))


class Processes:
    """`with Processes(jobs, shared) as p: p.map(fn, tasks)`: `fn(shared, task)` for every task, in order.

    `shared` is read by every task and never pickled (a child inherits it); `fn` is a module-level
    function; tasks and results are pickled, so keep them small. With one process (`jobs` 1, one
    task, or forking unsafe here) everything runs in the calling process, in task order.
    """

    def __init__(self, jobs: int | None, shared: Any = None, tasks: int = 2) -> None:
        self.processes = processes_for(jobs, tasks)
        self.shared = shared
        self._children: list[tuple[Any, Any]] = []  # (process, the parent's end of its pipe)

    def __enter__(self) -> Processes:
        if self.processes > 1:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            try:
                for _ in range(self.processes):
                    mine, theirs = context.Pipe()
                    process = context.Process(target=_child, args=(theirs, self.shared), daemon=True)
                    process.start()  # standard output and error flushed first: a child never writes them again
                    theirs.close()
                    self._children.append((process, mine))
            except BaseException:
                self.__exit__()
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        children, self._children = self._children, []
        for process, conn in children:
            try:
                conn.send(None)
            except OSError:  # the child is gone already
                pass
        for process, conn in children:
            process.join(timeout=1 if not exc or exc[0] is None else 0)
            if process.is_alive():  # busy with a task no one will read: ended
                process.terminate()
                process.join()
            conn.close()

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
        if not self._children:
            for i, task in enumerate(tasks):
                results[i] = fn(self.shared, task)
                done += sizes[i]
                if progress:
                    progress(done, total)
            return results
        from multiprocessing.connection import wait

        order = list(range(len(tasks)))
        if costs is not None:
            order.sort(key=lambda i: -costs[i])
        waiting = iter(order)
        held = {conn: 0 for _, conn in self._children}

        def hand_out(conn: Any) -> None:
            i = next(waiting, None)
            if i is not None:
                conn.send((fn, i, tasks[i]))
                held[conn] += 1

        for _ in range(AHEAD):
            for conn in held:
                hand_out(conn)
        failed: _Failed | None = None
        while any(held.values()):
            for conn in wait([c for c, n in held.items() if n]):
                try:
                    i, result = conn.recv()
                except EOFError:
                    ended = "a worker process ended before its task (killed, or out of memory?)"
                    raise ChildProcessError(ended) from None
                held[conn] -= 1
                if isinstance(result, _Failed):
                    failed = failed or result
                    continue
                if failed is None:
                    hand_out(conn)
                results[i] = result
                done += sizes[i]
                if progress:
                    progress(done, total)
        if failed is not None:
            raise failed.raised()
        return results
