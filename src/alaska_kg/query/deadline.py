"""Run a query so that it can be stopped: at its deadline, or at once on Ctrl-C.

pyoxigraph cannot cancel a query. Its evaluation runs in Rust with the GIL released, both inside
`Store.query` (aggregates are computed there) and while the solutions are iterated (measured: a Python
thread ticking every 10 ms ticks on at ~90-100% of its rate through both), so a signal handler or a timer
in the thread that evaluates never gets control back until the engine is done, which for
`{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }` is never. Something else must wait, and end the evaluation:

- `isolation="thread"` (the CLI): the work runs in a thread while the calling thread waits on a lock,
  which Ctrl-C interrupts; at the deadline or on Ctrl-C the caller gets QueryTimeout or KeyboardInterrupt
  and the thread runs on, so the process must end now: `abandoned()` says so, and the CLI ends with
  `os._exit` (the interpreter's shutdown would tear down objects the engine still reads).
- `isolation="process"` (a server, which must outlive a runaway query): the work runs in a worker made
  with `os.fork`, which inherits the loaded store (nothing imported or loaded again) and is killed and
  reaped before the call returns; it also ends itself shortly after the deadline if its caller was killed
  without a chance to clean up.

Measured (2 cores, Python 3.11, `query participants`, `benchmarks/query_deadline.py`): in a warm process
0.12 ms in-process, 0.3 ms in a thread, 2-3 ms in a forked worker (fork 0.4 ms, copy-on-write faults while
it works, 0.5 ms to reap it); a whole cold `alaska-kg query` takes no longer with the thread than with no
deadline at all, and ~5 ms longer with the forked worker; `import multiprocessing` alone takes ~18 ms, and
a spawned worker would load the store again. Hence a thread for the CLI, whose process is the thing to
kill, and a process for a server. Where `os.fork` does not exist (Windows), "process" falls back to
"thread".

Either way the work returns a status and a payload of bytes; the caller gets them only once the work has
finished, so a query stopped at its deadline leaves no half-written answer behind.
"""

from __future__ import annotations

import _thread
import os
import time

from alaska_kg import errors
from alaska_kg.errors import AlaskaKgError, QueryTimeout

DEFAULT_TIMEOUT = 60.0  # seconds, as the Wikidata Query Service allows a query
GRACE = 1.0  # the worker's own alarm rings this long after the deadline, in case nobody is left to kill it
_CHUNK = 1 << 16
_MAX_ALARM = 10.0**8  # seconds (three years): setitimer refuses what it cannot represent

TYPE_CHECKING = False  # typing is not imported on the query path (~2.5 ms): its names only for checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Literal

    Isolation = Literal["thread", "process"]
    Work = Callable[[], "tuple[int, bytes]"]
else:
    Isolation = str
    Work = object
_abandoned: list[int] = []  # one entry per thread left running past its deadline or a Ctrl-C


class WorkerDied(RuntimeError):
    """The worker failed (a bug: `worker_traceback` tells where) or ended without an answer (killed by a
    signal: out of memory?)."""

    worker_traceback: str = ""


def run_with_deadline(
    work: Work,
    *,
    timeout: float,
    what: str,
    hint: str = "rerun with --timeout SECONDS",
    isolation: Isolation = "process",
) -> tuple[int, bytes]:
    """`work()` (a status and a payload), stopped after `timeout` seconds or on Ctrl-C.

    Raises QueryTimeout (naming `what`, then `hint`) at the deadline, KeyboardInterrupt on Ctrl-C (SIGINT).
    "process": the worker is killed and reaped before either leaves this function; an AlaskaKgError raised
    by `work` is raised here with its class, message and exit code, any other exception becomes
    WorkerDied (its `worker_traceback` says where). Safe to call from any thread of a server: the worker
    is a copy of the calling thread only. "thread": `work`'s own exception is raised
    as is; after a timeout or Ctrl-C, `abandoned()` is true and the process must end (see the module).
    """
    if isolation == "thread" or not hasattr(os, "fork"):
        return _in_thread(work, timeout, what, hint)
    import select
    import signal

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: never returns into the caller's code
        os.close(read_end)
        _serve(work, write_end, timeout)
    os.close(write_end)
    reaped = False
    try:
        deadline = time.monotonic() + timeout
        chunks = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _timeout(what, timeout, hint)
            ready, _, _ = select.select([read_end], [], [], left)  # Ctrl-C interrupts it (PEP 475)
            if ready:
                chunk = os.read(read_end, _CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
        _, wait_status = os.waitpid(pid, 0)
        reaped = True
        return _decode(b"".join(chunks), wait_status, what)
    finally:
        os.close(read_end)
        if not reaped:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def abandon() -> None:
    """Note that a thread was left evaluating (another module's threads, e.g. build.parallel): the process
    must end at once (see `abandoned`)."""
    _abandoned.append(1)


def abandoned() -> bool:
    """Whether a thread was left evaluating a query (isolation "thread"): then end the process, now."""
    return bool(_abandoned)


def _timeout(what: str, timeout: float, hint: str) -> QueryTimeout:
    advice = f"; {hint}" if hint else ""
    return QueryTimeout(f"{what} ran past its {timeout:g} s deadline{advice}")


def _in_thread(work: Work, timeout: float, what: str, hint: str) -> tuple[int, bytes]:
    """Run `work` in a thread (the low-level `_thread`: `threading` costs ~1-4 ms to import) and wait."""
    done = _thread.allocate_lock()
    done.acquire()
    box: list = []

    def run() -> None:
        try:
            box.append(work())
        except BaseException as exc:  # handed to the caller, without the objects its frames hold
            drop_locals(exc)
            box.append(exc)
        finally:
            done.release()

    _thread.start_new_thread(run, ())
    try:
        finished = done.acquire(timeout=min(timeout, _thread.TIMEOUT_MAX))  # Ctrl-C interrupts the wait
    except BaseException:
        _abandoned.append(1)
        raise
    if not finished:
        _abandoned.append(1)
        raise _timeout(what, timeout, hint)
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def drop_locals(exc: BaseException) -> None:
    """Clear the local variables of the frames in `exc`'s tracebacks (and its cause's and context's).

    They are dropped here, in the thread that made them: pyoxigraph's query results may only be dropped in
    their own thread (else "unsendable, but is being dropped on another thread"). Files and lines stay.
    """
    import traceback

    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        pending += [error.__cause__, error.__context__]


def _serve(work: Work, write_end: int, timeout: float) -> None:
    """In the worker: die on Ctrl-C and at the deadline (even if the caller is gone), run, report, exit."""
    import signal

    code = 70  # EX_SOFTWARE, seen only if even the report fails
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, min(timeout + GRACE, _MAX_ALARM))
        try:
            status, payload = work()
            message = b"ok %d %d\n" % (status, len(payload)) + payload
        except AlaskaKgError as exc:
            text = exc.message.encode("utf-8", "replace")
            name = type(exc).__name__.encode("ascii")
            message = b"error %d %s\n" % (exc.exit_code, name) + text
        except Exception as exc:
            import traceback

            name = type(exc).__name__.encode("ascii")
            text = f"{exc}\0{traceback.format_exc()}".encode("utf-8", "replace")
            message = b"crash 1 %s\n" % name + text
        view = memoryview(message)
        while view:
            view = view[os.write(write_end, view) :]
        code = 0
    finally:
        os._exit(code)


def _decode(message: bytes, wait_status: int, what: str) -> tuple[int, bytes]:
    """The worker's (status, payload), or the error it reported raised again here."""
    head, newline, body = message.partition(b"\n")
    fields = head.split(b" ")
    if not newline or len(fields) != 3:
        raise WorkerDied(f"{what}: the query worker ended without an answer ({_how(wait_status)})")
    kind, number, name = fields[0], int(fields[1]), fields[2].decode("ascii")
    if kind == b"ok":
        if name != str(len(body)):
            raise WorkerDied(f"{what}: the query worker's answer is cut short ({_how(wait_status)})")
        return number, body
    text = body.decode("utf-8", "replace")
    if kind == b"crash":
        reason, _, where = text.partition("\0")
        died = WorkerDied(f"{name}: {reason}")
        died.worker_traceback = where
        raise died
    cls = getattr(errors, name, AlaskaKgError)
    if not (isinstance(cls, type) and issubclass(cls, AlaskaKgError)):
        cls = AlaskaKgError
    error = cls.__new__(cls)
    AlaskaKgError.__init__(error, text, number)  # the class's extra fields (a report, a path) stay behind
    raise error


def _how(wait_status: int) -> str:
    if os.WIFSIGNALED(wait_status):
        return f"killed by signal {os.WTERMSIG(wait_status)}"
    return f"exit status {os.waitstatus_to_exitcode(wait_status)}"


__all__ = [
    "DEFAULT_TIMEOUT",
    "Isolation",
    "WorkerDied",
    "abandon",
    "abandoned",
    "drop_locals",
    "run_with_deadline",
]
