"""The ASGI application of `alaska-kg serve`: the routes of the endpoint and of the pages, CORS if asked.

`make_app(state)` builds it around any ServeState, so the command line and the tests serve the same app.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Route

from alaska_kg.serve.answer_cache import DEFAULT_CACHE_BYTES, AnswerCache
from alaska_kg.serve.canned import list_queries, load_catalog, run_canned
from alaska_kg.serve.execution import WAITING_PER_WORKER, handlers, pool_size
from alaska_kg.serve.pool import Limits, QueryPool
from alaska_kg.serve.security_headers import SecurityHeaders
from alaska_kg.serve.service_description import graph_sizes
from alaska_kg.serve.sparql import sparql
from alaska_kg.serve.state import ServeState

# every method reaches /sparql, which answers those it does not take with 405 and a message
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]


def endpoint_routes() -> list[BaseRoute]:
    """`/sparql` (every method reaches it, so that it can say which are allowed), `/queries`,
    `/queries/NAME`."""
    return [
        Route("/sparql", sparql, methods=ALL_METHODS, name="sparql"),
        Route("/queries", list_queries, methods=["GET"], name="queries"),
        Route("/queries/{name}", run_canned, methods=["GET"], name="canned-query"),
    ]


def page_routes() -> list[BaseRoute]:
    """The linked-data pages, the home page, search and the query editor (alaska_kg.serve.pages), if
    installed."""
    try:
        from alaska_kg.serve.pages import routes  # type: ignore[attr-defined]
    except ModuleNotFoundError as exc:
        if exc.name != "alaska_kg.serve.pages":
            raise
        return []
    return list(routes())


def make_app(
    state: ServeState,
    *,
    cache_bytes: int = DEFAULT_CACHE_BYTES,
    workers: int | None = None,
    max_waiting: int | None = None,
) -> Starlette:
    """The app serving `state`'s dataset; the canned queries and graph sizes are read once, here. The
    query workers are forked at startup (the ASGI lifespan), or at the first query if the server runs no
    lifespan, and killed at shutdown. `cache_bytes`: the size of the answer cache
    (alaska_kg.serve.answer_cache; 0: off); `workers`: how many queries run at once (default: pool_size());
    `max_waiting`: how many requests may wait for a worker (default: WAITING_PER_WORKER per worker)."""
    middleware = [Middleware(SecurityHeaders)]
    if state.config.cors_origin:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=[state.config.cors_origin],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=["X-SPARQL-MaxRows"],
            )
        )
    catalog = load_catalog(state.layout)
    size = workers or pool_size()
    limits = Limits(
        max_memory=state.config.max_memory or None,
        max_reply=state.config.max_answer or None,
        max_waiting=WAITING_PER_WORKER * size if max_waiting is None else max_waiting,
    )
    pool = QueryPool(handlers(state, catalog), size, limits)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        """The workers are forked before the first request and killed when the server stops."""
        pool.start()
        try:
            yield
        finally:
            pool.close()

    app = Starlette(routes=endpoint_routes() + page_routes(), middleware=middleware, lifespan=lifespan)
    # A name with a trailing slash (`/resource/x/`, `/resource/x%2F`) names no resource: 404, not a redirect
    # to another IRI (Starlette would answer 307 to the path without the slash).
    app.router.redirect_slashes = False
    app.state.serve = state
    app.state.canned_queries = catalog
    app.state.graph_sizes = graph_sizes(state.dataset)
    app.state.query_pool = pool
    app.state.answer_cache = AnswerCache(cache_bytes)
    return app


__all__ = ["endpoint_routes", "make_app", "page_routes"]
