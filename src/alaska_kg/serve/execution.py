"""Run a query's work for a request: in a worker of the query pool, under its deadline, never on the
event loop itself.

pyoxigraph cannot cancel a query, so a query past its deadline is stopped by killing its worker process
(alaska_kg.serve.pool), and the server answers the others meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable, Mapping

from alaska_kg.errors import QueryTimeout
from alaska_kg.query.catalog import QuerySource
from alaska_kg.query.deadline import WorkerDied
from alaska_kg.serve.answer_cache import AnswerCache
from alaska_kg.serve.answers import Reply, answer_canned, answer_operation, decode, error_reply, guard_canned
from alaska_kg.serve.pool import Handler, PoolFull, QueryPool, ReplyTooLarge, size_text
from alaska_kg.serve.protocol import QueryOperation
from alaska_kg.serve.state import ServeState

TIMEOUT_HINT = "the server stopped it (the server's operator sets this limit)"
RETRY_AFTER = 5  # seconds a client is asked to wait when every worker is busy and the queue is full
WAITING_PER_WORKER = 8  # requests that may wait for a worker, per worker; more get 503 at once

Receive = Callable[[], Awaitable[dict]]


def pool_size() -> int:
    """How many queries run at once: two workers per core, at least four."""
    return max(4, 2 * (os.cpu_count() or 2))


def handlers(state: ServeState, catalog: Mapping[str, QuerySource]) -> dict[str, Handler]:
    """What the workers run, closures over the dataset and the settings (inherited at fork, never sent)."""
    max_rows = state.config.max_rows or None
    allow_service = state.config.allow_service
    verdicts = guard_canned(catalog, allow_service=allow_service)

    def operation(op: QueryOperation, accept: str | None, base_iri: str | None) -> tuple[int, bytes]:
        return answer_operation(
            state.dataset, op, accept, allow_service=allow_service, max_rows=max_rows, base_iri=base_iri
        )

    def canned(name: str, substitutions: tuple, accept: str | None) -> tuple[int, bytes]:
        """`substitutions`: (variable, term) pairs, sorted (hashable: a key of the answer cache)."""
        return answer_canned(
            state.dataset, catalog[name], verdicts[name], dict(substitutions), accept, max_rows=max_rows
        )

    return {"operation": operation, "canned": canned}


async def run_work(
    pool: QueryPool,
    name: str,
    args: tuple,
    *,
    timeout: float,
    what: str,
    cache: AnswerCache | None = None,
    receive: Receive | None = None,
) -> Reply:
    """Handler `name`'s Reply to `args` (from `cache` if it holds it), or 503 past `timeout` seconds (the
    worker killed), when the pool's queue is full (with Retry-After), past a memory or answer-size limit,
    or when the worker died. `receive` (the request's ASGI receive, its body read already): if it says
    the client disconnected, the work is cancelled and its worker killed (the reply then goes nowhere)."""
    key = (name, args)
    if cache is not None and cache.max_bytes:
        cached = cache.get(key)
        if cached is not None:
            return cached
    work = _run(pool, name, args, timeout=timeout, what=what)
    reply = await work if receive is None else await _unless_disconnected(work, receive, what)
    if cache is not None and cache.max_bytes:
        cache.put(key, reply)
    return reply


async def _disconnected(receive: Receive) -> None:
    """Return once the client has gone (ASGI `http.disconnect`)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def _unless_disconnected(work: Awaitable[Reply], receive: Receive, what: str) -> Reply:
    """`work`'s Reply, or, if the client goes first, `work` cancelled (QueryPool.run then kills its worker)
    and a 499-like Reply nobody will read."""
    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(_disconnected(receive))
    try:
        await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in (task, watch):
            if not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending
    if task.cancelled():
        return error_reply(499, f"{what}: the client disconnected; the query was stopped")
    return task.result()


async def _run(pool: QueryPool, name: str, args: tuple, *, timeout: float, what: str) -> Reply:
    try:
        status, payload = await pool.run(name, args, timeout=timeout, what=what, hint=TIMEOUT_HINT)
    except QueryTimeout as exc:
        return error_reply(503, exc.message)
    except PoolFull as exc:
        return error_reply(503, str(exc))._replace(retry_after=RETRY_AFTER)
    except ReplyTooLarge as exc:
        return error_reply(503, f"{what}: {exc}")
    except WorkerDied:
        memory = pool.limits.max_memory
        budget = f"more than the {size_text(memory)} of memory a query may use, or " if memory else ""
        return error_reply(
            503,
            f"{what}: the query engine stopped without an answer: the query needed {budget}more than "
            "the engine can take",
        )
    return decode(status, payload)


__all__ = [
    "RETRY_AFTER",
    "TIMEOUT_HINT",
    "WAITING_PER_WORKER",
    "handlers",
    "pool_size",
    "run_work",
]
