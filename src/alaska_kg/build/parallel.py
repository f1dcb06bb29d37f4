"""Independent queries on every core: Oxigraph evaluates with the GIL released, so threads run at once.

The build's SHACL queries (build.shacl_sparql) are ~300 read-only queries on one store, independent of
each other; on one thread validation at 10^6 triples used one core of two for 21 s. `each_in_threads`
runs a function over a list of items in one thread per core the process may use, and returns the answers
in the items' order, so nothing downstream can tell how many threads there were. `Pending` runs one
function beside the caller (the stated view written while the build reasons: build.publish.StatedView).
"""

from __future__ import annotations

import _thread  # threading's import is ~1-4 ms of a bundled build for what a lock per thread does here
import os

from alaska_kg.cache import STORE_MIN_QUADS
from alaska_kg.query import deadline

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence, Sized
    from typing import TypeVar

    Item = TypeVar("Item")
    Answer = TypeVar("Answer")


# Below this many quads a second thread costs more CPU than it saves time: on the bundled data (6,458 quads)
# the build took 397 ms of CPU in one thread and 437 ms with the threads, for no clear gain in wall time
# (benchmarks/build_floor.py, 20 rounds; docs/performance.md). The on-disk store's threshold, as a size
# where the build's stages take seconds.
PARALLEL_MIN_QUADS = STORE_MIN_QUADS


def worth_threads(store: Sized) -> bool:
    """Whether `store` (a pyoxigraph Store: len() counts its quads, ~0.1 s per million) is large enough for
    its work to be spread over threads."""
    return len(store) >= PARALLEL_MIN_QUADS


def cores() -> int:
    """The cores this process may run on (its affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no sched_getaffinity (macOS, Windows)
        return max(1, os.cpu_count() or 1)


def each_in_threads(
    function: Callable[[Item], Answer], items: Sequence[Item], threads: int | None = None
) -> list[Answer]:
    """[function(item) for item in items], in `threads` threads (default: `cores()`), the calling thread
    one of them; each thread takes the next item when done with one. An exception stops the thread it was
    raised in (the others finish theirs) and the first in the items' order is raised here. Its frames'
    locals are cleared in the thread that raised it (pyoxigraph's query results may only be dropped in
    the thread that made them). If the caller is interrupted (Ctrl-C) while another thread still
    evaluates, `query.deadline.abandoned()` says so: the process must end at once, as after a query
    stopped at its deadline."""
    count = max(1, min(threads or cores(), len(items)))
    answers: list[object] = [_MISSING] * len(items)
    claimed = iter(range(len(items)))  # next() on it is atomic under the GIL: each item is taken once

    def work() -> None:
        for index in claimed:
            try:
                answers[index] = function(items[index])
            except BaseException as exc:
                deadline.drop_locals(exc)
                answers[index] = _Raised(exc)
                return

    helpers = [Pending(work) for _ in range(count - 1)]
    try:
        work()
    except BaseException:
        if any(helper.running for helper in helpers):
            deadline.abandon()
        raise
    for helper in helpers:
        helper.wait()
    for answer in answers:
        if isinstance(answer, _Raised):
            raise answer.exception
    return answers  # type: ignore[return-value]


class Pending:
    """`function()` running in a thread of its own, while the caller goes on; `wait()` gives its answer or
    raises its error (whose frames' locals were cleared in that thread: pyoxigraph's query results may
    only be dropped in the thread that made them). A wait that Ctrl-C interrupts while the thread still
    runs sets `query.deadline.abandoned()`: the process must end at once."""

    def __init__(self, function: Callable[[], object]) -> None:
        self._outcome: list[tuple[bool, object]] = []
        self._done = _thread.allocate_lock()
        self._done.acquire()
        _thread.start_new_thread(self._run, (function,))

    def _run(self, function: Callable[[], object]) -> None:
        try:
            self._outcome.append((True, function()))
        except BaseException as exc:
            deadline.drop_locals(exc)
            self._outcome.append((False, exc))
        finally:
            self._done.release()

    @property
    def running(self) -> bool:
        return self._done.locked() and not self._outcome

    def wait(self) -> object:
        """The function's answer, once it is done (its error raised here, as often as asked)."""
        if not self._outcome:
            try:
                self._done.acquire()  # Ctrl-C interrupts the wait
            except BaseException:
                deadline.abandon()  # the thread still runs
                raise
            self._done.release()
        succeeded, value = self._outcome[0]
        if not succeeded:
            raise value  # type: ignore[misc]
        return value


class _Raised:
    __slots__ = ("exception",)

    def __init__(self, exception: BaseException) -> None:
        self.exception = exception


_MISSING = object()

__all__ = ["PARALLEL_MIN_QUADS", "Pending", "cores", "each_in_threads", "worth_threads"]
