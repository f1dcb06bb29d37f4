"""Run a query's work for a request: off the event loop, in a worker of the query pool, under its deadline.

pyoxigraph cannot cancel a query, so a query past its deadline is stopped by killing its worker process
(alaska_kg.serve.pool), and the server answers the others meanwhile. A thread of the server waits on each
worker; `query_threads` bounds those threads apart from the ones the pages use.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping

import anyio
from anyio import CapacityLimiter
from pyoxigraph import Variable

from alaska_kg.errors import QueryTimeout
from alaska_kg.query.catalog import QuerySource
from alaska_kg.query.deadline import WorkerDied
from alaska_kg.serve.answers import Reply, answer_canned, answer_operation, decode, error_reply
from alaska_kg.serve.pool import Handler, QueryPool
from alaska_kg.serve.protocol import QueryOperation
from alaska_kg.serve.state import ServeState

TIMEOUT_HINT = "the server stopped it (its operator sets the limit: alaska-kg serve --timeout SECONDS)"
WAITING = 16  # requests waiting for a worker per worker, each in a thread of its own


def pool_size() -> int:
    """How many queries run at once: two workers per core, at least four."""
    return max(4, 2 * (os.cpu_count() or 2))


def handlers(state: ServeState, catalog: Mapping[str, QuerySource]) -> dict[str, Handler]:
    """What the workers run, closures over the dataset and the settings (inherited at fork, never sent)."""
    max_rows = state.config.max_rows or None
    allow_service = state.config.allow_service

    def operation(op: QueryOperation, accept: str | None, base_iri: str | None) -> tuple[int, bytes]:
        return answer_operation(
            state.dataset, op, accept, allow_service=allow_service, max_rows=max_rows, base_iri=base_iri
        )

    def canned(name: str, substitutions: Mapping[Variable, object], accept: str | None) -> tuple[int, bytes]:
        return answer_canned(
            state.dataset,
            catalog[name],
            substitutions,
            accept,
            allow_service=allow_service,
            max_rows=max_rows,
        )

    return {"operation": operation, "canned": canned}


def query_threads(size: int) -> CapacityLimiter:
    """The threads that wait on workers: WAITING per worker, so a burst queues instead of failing."""
    return CapacityLimiter(WAITING * size)


def _run(pool: QueryPool, name: str, args: tuple, timeout: float, what: str) -> Reply:
    try:
        status, payload = pool.run(name, args, timeout=timeout, what=what, hint=TIMEOUT_HINT)
    except QueryTimeout as exc:
        return error_reply(503, exc.message)
    except WorkerDied as exc:
        return error_reply(500, f"{what}: the query worker failed: {exc}")
    return decode(status, payload)


async def run_work(
    pool: QueryPool, name: str, args: tuple, *, timeout: float, what: str, threads: CapacityLimiter
) -> Reply:
    """Handler `name`'s Reply to `args`, or 503 past `timeout` seconds (the worker killed), or 500 if the
    worker died."""
    return await anyio.to_thread.run_sync(
        functools.partial(_run, pool, name, args, timeout, what), limiter=threads
    )


__all__ = ["TIMEOUT_HINT", "handlers", "pool_size", "query_threads", "run_work"]
