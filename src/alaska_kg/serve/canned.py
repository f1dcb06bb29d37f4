"""The canned queries over HTTP: `/queries` lists them from their headers, `/queries/NAME?param=value` runs
one with the same typed parameters and the same errors as `alaska-kg query NAME --param param=value`."""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from alaska_kg.errors import AlaskaKgError, QueryNotFound
from alaska_kg.paths import Layout
from alaska_kg.query.catalog import ID_PATTERN, QuerySource, canned_queries, find_query
from alaska_kg.query.params import bind
from alaska_kg.serve.answers import http_status, http_wording
from alaska_kg.serve.execution import run_work
from alaska_kg.serve.negotiation import preferred
from alaska_kg.serve.protocol import ProtocolError, fields
from alaska_kg.serve.responses import error_response, reply_response

LIST_TYPES = ("application/json", "text/html")


def listing(queries: dict[str, QuerySource], base: str = "") -> list[dict[str, object]]:
    """Each canned query as its header describes it, with the URL that runs it."""
    return [
        {
            "name": query.id,
            "summary": query.header.summary,
            "description": query.header.description,
            "tags": list(query.header.tags),
            "columns": list(query.header.columns),
            "params": [p._asdict() for p in query.header.params],
            "url": f"{base}/queries/{query.id}",
        }
        for query in queries.values()
    ]


def _html_listing(entries: list[dict[str, object]]) -> str:
    rows = []
    for entry in entries:
        params = ", ".join(f"{p['name']} ({p['type']})" for p in entry["params"])  # type: ignore[union-attr]
        rows.append(
            f'<tr><td><a href="{html.escape(str(entry["url"]))}">{html.escape(str(entry["name"]))}</a></td>'
            f"<td>{html.escape(str(entry['summary']))}</td><td>{html.escape(params)}</td></tr>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Canned queries · alaska-kg</title>'
        "</head><body><h1>Canned queries</h1><p>Run one with <code>/queries/NAME?param=value</code>; "
        "the answer comes in the format your <code>Accept</code> header asks for (JSON by default). "
        "This list as JSON: <code>/queries?format=json</code>, or with <code>Accept: application/json</code>."
        "</p><table><thead><tr><th>query</th><th>summary</th><th>params</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></body></html>"
    )


async def list_queries(request: Request) -> Response:
    """`/queries`: JSON (default) or HTML by Accept."""
    queries = request.app.state.canned_queries
    entries = listing(queries, request.scope.get("root_path", ""))
    chosen = preferred(request.headers.get("accept"), LIST_TYPES)
    if request.query_params.get("format") == "json":
        chosen = "application/json"
    if chosen is None:
        return error_response(406, "the list of queries is written as application/json or text/html")
    headers = {"Vary": "Accept"}
    if chosen == "text/html":
        return HTMLResponse(_html_listing(entries), headers=headers)
    return JSONResponse({"queries": entries}, headers=headers)


def _find(request: Request, name: str) -> QuerySource:
    """The canned query `name`, or QueryNotFound with the CLI's suggestions; never a file path."""
    queries = request.app.state.canned_queries
    if name in queries:
        return queries[name]
    if ID_PATTERN.match(name):
        find_query(request.app.state.serve.layout, name)  # raises QueryNotFound with close names
    raise QueryNotFound(f"no query named {name!r} (/queries lists them)")


def _hashable(substitutions: dict) -> tuple:
    """Substitutions as a sorted tuple of pairs (a cache key; the handler takes either)."""
    return tuple(sorted(substitutions.items(), key=lambda item: item[0].value))


async def run_canned(request: Request) -> Response:
    """`/queries/NAME?param=value`: run a canned query, the answer by Accept as at /sparql."""
    state = request.app.state.serve
    name = request.path_params["name"]
    try:
        query = _find(request, name)
        pairs = fields(request.scope.get("query_string", b""), "the query string")
        substitutions = bind(query, [f"{key}={value}" for key, value in pairs])
    except ProtocolError as exc:
        return error_response(exc.status, exc.message)
    except AlaskaKgError as exc:
        return error_response(http_status(exc), http_wording(exc.message))
    max_rows = state.config.max_rows or None
    reply = await run_work(
        request.app.state.query_pool,
        "canned",
        (query.id, _hashable(substitutions), request.headers.get("accept")),
        timeout=state.config.timeout,
        cache=request.app.state.answer_cache,
        receive=request.receive,
        what=f"query {query.id!r}",
    )
    response = reply_response(reply, max_rows)
    response.headers["Vary"] = "Accept"
    return response


def load_catalog(layout: Layout) -> dict[str, QuerySource]:
    """The canned queries by name, read (and their headers checked) once, when the server starts; kept
    without their file paths, so that no error sent to a client names a file of the server."""
    return {query.id: query._replace(path=None) for query in canned_queries(layout)}


__all__ = ["list_queries", "listing", "load_catalog", "run_canned"]
