"""Run a query's work for a request: off the event loop, at most a few at once, each under its deadline.

The work runs in a forked worker (alaska_kg.query.deadline, isolation "process"): pyoxigraph cannot cancel
a query, so a query past its deadline is stopped by killing its worker, and the server answers the
others meanwhile. A thread of the server waits on each worker; `slots` bounds how many run at once (the
rest wait their turn), so a burst of requests cannot fork the machine to its knees.
"""

from __future__ import annotations

import functools
import os

import anyio
from anyio import CapacityLimiter

from alaska_kg.errors import QueryTimeout
from alaska_kg.query.deadline import Work, WorkerDied, run_with_deadline
from alaska_kg.serve.answers import Reply, decode, error_reply

TIMEOUT_HINT = "the server stopped it (its operator sets the limit with `alaska-kg serve --timeout SECONDS`)"


def query_slots() -> CapacityLimiter:
    """How many queries run at once: two per core, at least four."""
    return CapacityLimiter(max(4, 2 * (os.cpu_count() or 2)))


def _run(work: Work, timeout: float, what: str) -> Reply:
    try:
        status, payload = run_with_deadline(work, timeout=timeout, what=what, hint=TIMEOUT_HINT)
    except QueryTimeout as exc:
        return error_reply(503, exc.message)
    except WorkerDied as exc:
        return error_reply(500, f"{what}: the query worker failed: {exc}")
    return decode(status, payload)


async def run_work(work: Work, *, timeout: float, what: str, slots: CapacityLimiter) -> Reply:
    """`work`'s Reply, or 503 past `timeout` seconds (the worker killed), or 500 if the worker died."""
    return await anyio.to_thread.run_sync(functools.partial(_run, work, timeout, what), limiter=slots)


__all__ = ["TIMEOUT_HINT", "query_slots", "run_work"]
