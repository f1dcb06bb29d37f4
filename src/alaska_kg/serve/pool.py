"""A pool of forked query workers: queries run in processes that can be killed at their deadline, without
paying a fork per query.

pyoxigraph cannot cancel a query (alaska_kg.query.deadline says why), so a server that must outlive a
runaway query runs it in another process and kills that process. `run_with_deadline(isolation="process")`
forks one per query: 2-3 ms on an idle machine, ~9 ms on this shared one (measured), which alone would
break the endpoint's p99 target. Here the workers are forked once, each inheriting the loaded store (copy
on write: nothing loaded again), and take one job after another over a pipe; a worker is killed, and a
new one forked, only when a job runs past its deadline or the worker dies. The cost per query is two pipe
hops (~0.1 ms), awaited by the server's event loop (no thread waits).

A job is a handler name and its arguments (pickled: the server speaks only to its own children); the
handlers, closures over the dataset, are inherited by the workers at fork, never sent. A reply is a
status and bytes. Each worker also ends itself (SIGALRM) a little after a job's deadline, in case its
server died without killing it, and when its job pipe closes (the server is gone).

Limits besides the deadline (a red-team review found each missing): a worker may take `max_memory` bytes
of address space beyond what it inherited (RLIMIT_AS: a query past it fails, or its worker dies, and the
client gets 503 saying so, the worker replaced); a reply may hold `max_reply` bytes (checked in the worker,
and again against the length the reply announces); at most `max_waiting` requests wait for a worker (the
next gets PoolFull: 503 with Retry-After). A request whose client has gone is cancelled by its handler,
which kills its worker as at a deadline (alaska_kg.serve.execution).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import struct
from collections.abc import Callable, Mapping
from typing import NamedTuple

from alaska_kg.errors import QueryTimeout
from alaska_kg.query.deadline import GRACE, WorkerDied
from alaska_kg.serve.answers import encode, error_reply

Handler = Callable[..., "tuple[int, bytes]"]
_LENGTH = struct.Struct("!I")
_CHUNK = 1 << 16
MIB = 1 << 20


class PoolFull(RuntimeError):
    """More requests wait for a worker than the pool lets wait: come back later."""


class Limits(NamedTuple):
    """What one job may take besides time: bytes of memory beyond what the worker inherited, bytes of
    reply, and how many requests may wait for a worker (None: no limit)."""

    max_memory: int | None = None
    max_reply: int | None = None
    max_waiting: int | None = None


NO_LIMITS = Limits()


def size_text(size: int) -> str:
    """`size` bytes for a message: whole MiB as such, anything else in bytes."""
    return f"{size // MIB} MiB" if size and size % MIB == 0 else f"{size} bytes"


def memory_message(max_memory: int) -> str:
    return f"the query needed more memory than the {size_text(max_memory)} the server gives each query"


def reply_message(max_reply: int) -> str:
    return (
        f"the answer is larger than the {size_text(max_reply)} the server sends at most; ask for fewer "
        "rows (LIMIT) or shorter values"
    )


class _Worker(NamedTuple):
    pid: int
    jobs: int  # write end: jobs to the worker
    replies: int  # read end: replies from it


def _read_exactly(fd: int, size: int) -> bytes | None:
    """In the worker: `size` bytes from `fd`, or None at end of file."""
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, _CHUNK))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _close_all_but(*keep: int) -> None:
    """In a new worker: close every file descriptor it inherited but stdio and `keep`, above all the
    server's client connections (a connection the server closes stays open while any process holds it)."""
    highest = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, highest)


def _address_space() -> int:
    """Bytes of address space this process holds now (/proc/self/statm: its first field, in pages)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def limit_memory(max_memory: int) -> None:
    """In a worker: allow `max_memory` bytes of address space beyond what it inherited (RLIMIT_AS, which
    both Python's and the engine's allocations count against); an allocation past it fails."""
    import resource

    try:
        limit = _address_space() + max_memory
    except (OSError, ValueError):  # no /proc: count from the data segment instead
        limit, kind = max_memory, resource.RLIMIT_DATA
    else:
        kind = resource.RLIMIT_AS
    hard = resource.getrlimit(kind)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(kind, (limit, hard))


def _answer(handlers: Mapping[str, Handler], name: str, args: tuple, limits: Limits) -> tuple[int, bytes]:
    """In the worker: the handler's reply, or a one-line error reply (answers.encode) in its place."""
    try:
        status, payload = handlers[name](*args)
    except MemoryError:
        return encode(error_reply(503, memory_message(limits.max_memory or 0)))
    except Exception as exc:  # a bug in a handler: said in one line, the worker lives on
        return encode(error_reply(500, f"internal error: {type(exc).__name__}: {exc}"))
    if limits.max_reply is not None and len(payload) > limits.max_reply:
        return encode(error_reply(503, reply_message(limits.max_reply)))
    return status, payload


def _work_loop(handlers: Mapping[str, Handler], jobs: int, replies: int, limits: Limits = NO_LIMITS) -> None:
    """The worker: read a job, run it, write its reply; end at end of file. Never returns."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then ends the pool
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        if limits.max_memory is not None:
            limit_memory(limits.max_memory)
        while True:
            head = _read_exactly(jobs, _LENGTH.size)
            if head is None:
                break
            body = _read_exactly(jobs, _LENGTH.unpack(head)[0])
            if body is None:
                break
            timeout, name, args = pickle.loads(body)
            signal.setitimer(signal.ITIMER_REAL, timeout + GRACE)
            status, payload = _answer(handlers, name, args, limits)
            signal.setitimer(signal.ITIMER_REAL, 0)
            _write_all(replies, b"%d %d\n" % (status, len(payload)) + payload)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


class QueryPool:
    """`size` forked workers running `handlers`; `run` hands one a job and awaits its reply, up to a
    deadline. Used from the server's event loop: the reply is read as the loop sees it come (no thread)."""

    def __init__(self, handlers: Mapping[str, Handler], size: int, limits: Limits = NO_LIMITS) -> None:
        self.handlers = dict(handlers)
        self.size = size
        self.limits = limits
        self.waiting = 0  # requests waiting for a free worker
        self.busy = 0  # workers running a job
        self._idle: asyncio.Queue[_Worker] | None = None
        self._live: dict[int, _Worker] = {}
        self._closed = False

    def _fork(self) -> _Worker:
        job_read, job_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the server's code
            _close_all_but(job_read, reply_write)
            _work_loop(self.handlers, job_read, reply_write, self.limits)
        os.close(job_read)
        os.close(reply_write)
        os.set_blocking(reply_read, False)
        worker = _Worker(pid, job_write, reply_read)
        self._live[pid] = worker
        return worker

    def start(self) -> None:
        """Fork the workers (once, in the event loop's thread; `run` calls it if nobody did)."""
        if self._idle is not None or self._closed:
            return
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._idle.put_nowait(self._fork())

    def _end(self, worker: _Worker) -> None:
        """Kill and reap a worker, close its pipes, and (unless closing) fork its replacement."""
        if self._live.pop(worker.pid, None) is None:  # ended already (by `close`)
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(worker.pid, 0)
        os.close(worker.jobs)
        os.close(worker.replies)
        if not self._closed and self._idle is not None:
            self._idle.put_nowait(self._fork())

    async def run(
        self, name: str, args: tuple, *, timeout: float, what: str, hint: str = ""
    ) -> tuple[int, bytes]:
        """Run handler `name` on `args` in a worker: its (status, payload). QueryTimeout when no worker is
        free, or the job not done, within `timeout` seconds (the worker is then killed and replaced);
        WorkerDied when the worker ends without a reply; PoolFull when `limits.max_waiting` requests wait
        already. Cancelled (its client gone), the worker is killed and replaced as at the deadline."""
        self.start()
        assert self._idle is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        advice = f"; {hint}" if hint else ""
        max_waiting = self.limits.max_waiting
        if self._idle.empty() and max_waiting is not None and self.waiting >= max_waiting:
            raise PoolFull(
                f"{what}: every query worker ({self.size}) is busy and {self.waiting} requests wait; "
                "try again later"
            )
        self.waiting += 1
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except (asyncio.TimeoutError, TimeoutError):
            raise QueryTimeout(
                f"{what}: every query worker ({self.size}) was busy for {timeout:g} s; try again later"
            ) from None
        finally:
            self.waiting -= 1
        done = False
        self.busy += 1
        try:
            job = pickle.dumps((timeout, name, args))
            _write_all(worker.jobs, _LENGTH.pack(len(job)) + job)
            reply = _Reply(loop, worker.replies, self.limits.max_reply)
            try:
                result = await asyncio.wait_for(reply.future, max(deadline - loop.time(), 0.001))
            except (asyncio.TimeoutError, TimeoutError):
                raise QueryTimeout(f"{what} ran past its {timeout:g} s deadline{advice}") from None
            finally:
                reply.stop()
            done = True
            return result
        except OSError as exc:  # the worker's pipe broke: it died
            raise WorkerDied(f"{what}: the query worker ended without an answer ({exc})") from None
        finally:
            self.busy -= 1
            if done and not self._closed:
                self._idle.put_nowait(worker)
            else:
                self._end(worker)

    def close(self) -> None:
        """Kill every worker (the server is stopping)."""
        self._closed = True
        for worker in list(self._live.values()):
            self._end(worker)

    @property
    def pids(self) -> tuple[int, ...]:
        """The workers' process ids."""
        return tuple(self._live)


_HEAD_ROOM = 1024  # bytes of a reply's head line (media type) besides its body


class ReplyTooLarge(RuntimeError):
    """A worker announced a reply larger than the pool takes."""


class _Reply:
    """A worker's reply, read by the event loop as it comes: `status length\n` then the payload."""

    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int, max_reply: int | None = None) -> None:
        self.loop, self.fd = loop, fd
        self.future: asyncio.Future[tuple[int, bytes]] = loop.create_future()
        self.data = bytearray()  # appended to in place: `bytes +=` copies it all at each chunk (quadratic)
        self.max_reply = max_reply
        self.need: int | None = None
        self.status = 0
        loop.add_reader(fd, self._readable)

    def _readable(self) -> None:
        try:
            chunk = os.read(self.fd, _CHUNK)
        except BlockingIOError:
            return
        except OSError as exc:
            self._fail(WorkerDied(f"the query worker's pipe failed ({exc})"))
            return
        if not chunk:
            self._fail(WorkerDied("the query worker ended without an answer (killed? out of memory?)"))
            return
        self.data += chunk
        if self.need is None and b"\n" in self.data:
            head, _, rest = bytes(self.data).partition(b"\n")
            status_text, length_text = head.split(b" ")
            self.status, self.need, self.data = int(status_text), int(length_text), bytearray(rest)
            if self.max_reply is not None and self.need > self.max_reply + _HEAD_ROOM:
                self._fail(ReplyTooLarge(reply_message(self.max_reply)))
                return
        if self.need is not None and len(self.data) >= self.need and not self.future.done():
            self.future.set_result((self.status, bytes(self.data)))
            self.stop()

    def _fail(self, error: Exception) -> None:
        if not self.future.done():
            self.future.set_exception(error)
        self.stop()

    def stop(self) -> None:
        self.loop.remove_reader(self.fd)


__all__ = [
    "MIB",
    "Handler",
    "Limits",
    "PoolFull",
    "QueryPool",
    "ReplyTooLarge",
    "limit_memory",
    "memory_message",
    "reply_message",
    "size_text",
]
