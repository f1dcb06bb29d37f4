"""Run a query's work for a request: in a worker of the query pool, under its deadline, never on the
event loop itself.

pyoxigraph cannot cancel a query, so a query past its deadline is stopped by killing its worker process
(alaska_kg.serve.pool), and the server answers the others meanwhile.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from alaska_kg.errors import QueryTimeout
from alaska_kg.query.catalog import QuerySource
from alaska_kg.query.deadline import WorkerDied
from alaska_kg.serve.answer_cache import AnswerCache
from alaska_kg.serve.answers import Reply, answer_canned, answer_operation, decode, error_reply, guard_canned
from alaska_kg.serve.pool import Handler, QueryPool
from alaska_kg.serve.protocol import QueryOperation
from alaska_kg.serve.state import ServeState

TIMEOUT_HINT = "the server stopped it (its operator sets the limit: alaska-kg serve --timeout SECONDS)"


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
    pool: QueryPool, name: str, args: tuple, *, timeout: float, what: str, cache: AnswerCache | None = None
) -> Reply:
    """Handler `name`'s Reply to `args` (from `cache` if it holds it), or 503 past `timeout` seconds (the
    worker killed), or 500 if the worker died."""
    key = (name, args)
    if cache is not None and cache.max_bytes:
        cached = cache.get(key)
        if cached is not None:
            return cached
    reply = await _run(pool, name, args, timeout=timeout, what=what)
    if cache is not None and cache.max_bytes:
        cache.put(key, reply)
    return reply


async def _run(pool: QueryPool, name: str, args: tuple, *, timeout: float, what: str) -> Reply:
    try:
        status, payload = await pool.run(name, args, timeout=timeout, what=what, hint=TIMEOUT_HINT)
    except QueryTimeout as exc:
        return error_reply(503, exc.message)
    except WorkerDied as exc:
        return error_reply(500, f"{what}: the query worker failed: {exc}")
    return decode(status, payload)


__all__ = ["TIMEOUT_HINT", "handlers", "pool_size", "run_work"]
