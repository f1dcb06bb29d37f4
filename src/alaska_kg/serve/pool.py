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

Handler = Callable[..., "tuple[int, bytes]"]
_LENGTH = struct.Struct("!I")
_CHUNK = 1 << 16


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


def _work_loop(handlers: Mapping[str, Handler], jobs: int, replies: int) -> None:
    """The worker: read a job, run it, write its reply; end at end of file. Never returns."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then ends the pool
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        while True:
            head = _read_exactly(jobs, _LENGTH.size)
            if head is None:
                break
            body = _read_exactly(jobs, _LENGTH.unpack(head)[0])
            if body is None:
                break
            timeout, name, args = pickle.loads(body)
            signal.setitimer(signal.ITIMER_REAL, timeout + GRACE)
            try:
                status, payload = handlers[name](*args)
            except Exception as exc:  # a bug in a handler: said in one line, the worker lives on
                status, payload = (
                    500,
                    f"internal error: {type(exc).__name__}: {exc}".encode("utf-8", "replace"),
                )
            signal.setitimer(signal.ITIMER_REAL, 0)
            _write_all(replies, b"%d %d\n" % (status, len(payload)) + payload)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


class QueryPool:
    """`size` forked workers running `handlers`; `run` hands one a job and awaits its reply, up to a
    deadline. Used from the server's event loop: the reply is read as the loop sees it come (no thread)."""

    def __init__(self, handlers: Mapping[str, Handler], size: int) -> None:
        self.handlers = dict(handlers)
        self.size = size
        self._idle: asyncio.Queue[_Worker] | None = None
        self._live: dict[int, _Worker] = {}
        self._closed = False

    def _fork(self) -> _Worker:
        job_read, job_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the server's code
            _close_all_but(job_read, reply_write)
            _work_loop(self.handlers, job_read, reply_write)
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
        WorkerDied when the worker ends without a reply."""
        self.start()
        assert self._idle is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        advice = f"; {hint}" if hint else ""
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except (asyncio.TimeoutError, TimeoutError):
            raise QueryTimeout(
                f"{what}: every query worker ({self.size}) was busy for {timeout:g} s; try again later"
            ) from None
        done = False
        try:
            job = pickle.dumps((timeout, name, args))
            _write_all(worker.jobs, _LENGTH.pack(len(job)) + job)
            reply = _Reply(loop, worker.replies)
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


class _Reply:
    """A worker's reply, read by the event loop as it comes: `status length\n` then the payload."""

    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int) -> None:
        self.loop, self.fd = loop, fd
        self.future: asyncio.Future[tuple[int, bytes]] = loop.create_future()
        self.data = b""
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
            head, _, rest = self.data.partition(b"\n")
            status_text, length_text = head.split(b" ")
            self.status, self.need, self.data = int(status_text), int(length_text), rest
        if self.need is not None and len(self.data) >= self.need and not self.future.done():
            self.future.set_result((self.status, self.data))
            self.stop()

    def _fail(self, error: Exception) -> None:
        if not self.future.done():
            self.future.set_exception(error)
        self.stop()

    def stop(self) -> None:
        self.loop.remove_reader(self.fd)


__all__ = ["Handler", "QueryPool"]
