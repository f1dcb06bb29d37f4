"""`/sparql`: the SPARQL 1.1 Protocol endpoint, read-only; without a query, the service description."""

from __future__ import annotations

import html

from pyoxigraph import NamedNode
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import NoMatchFound

from alaska_kg.serve.execution import run_work
from alaska_kg.serve.negotiation import preferred, prefers_html
from alaska_kg.serve.protocol import ALLOWED, ProtocolError, read_operation
from alaska_kg.serve.responses import error_response, reply_response
from alaska_kg.serve.service_description import RDF_FORMATS, description, serialized

QUERY_PAGE_ROUTE = "query"  # the name of the pages' query editor route (/query), where browsers are sent


async def sparql(request: Request) -> Response:
    """SPARQL 1.1 Protocol §2.1 query operation; §2.2 update operations refused (403)."""
    state = request.app.state.serve
    if request.method == "OPTIONS":  # RFC 9110 §9.3.7: which methods (CORS preflights: --cors's middleware)
        return Response(status_code=204, headers={"Allow": ALLOWED})
    try:
        operation = await read_operation(request)
    except ProtocolError as exc:
        return error_response(exc.status, exc.message, exc.headers)
    if operation is None:
        return service_description(request)
    max_rows = state.config.max_rows or None
    reply = await run_work(
        request.app.state.query_pool,
        "operation",
        (operation, request.headers.get("accept"), _base_iri(request)),
        timeout=state.config.timeout,
        cache=request.app.state.answer_cache,
        receive=request.receive,
        what="query",
    )
    response = reply_response(reply, max_rows)
    response.headers["Vary"] = "Accept"
    return response


def _base_iri(request: Request) -> str | None:
    """The endpoint's IRI, against which a query's relative IRIs are resolved; None if the Host header
    makes none."""
    iri = _endpoint_iri(request)
    try:
        NamedNode(iri)
    except ValueError:
        return None
    return iri


def _endpoint_iri(request: Request) -> str:
    """The endpoint's IRI: from the operator's --public-url if given, else from the request (its Host
    header, which a client chooses: docs/security.md)."""
    public = request.app.state.serve.config.public_url
    if public:
        return public.rstrip("/") + request.url.path
    return str(request.url.replace(query="", fragment=""))


def service_description(request: Request) -> Response:
    """SPARQL 1.1 Service Description §2 (Turtle by default, by Accept); a browser is sent to the query
    editor (or shown a small page with a query form, when the pages are not installed)."""
    state = request.app.state.serve
    accept = request.headers.get("accept")
    if prefers_html(accept, list(RDF_FORMATS)):
        try:
            return RedirectResponse(str(request.url_for(QUERY_PAGE_ROUTE)), status_code=303)
        except NoMatchFound:  # no pages installed: a small page of our own
            return HTMLResponse(_fallback_page(_endpoint_iri(request)), headers={"Vary": "Accept"})
    chosen = preferred(accept, list(RDF_FORMATS))
    if chosen is None:
        return error_response(406, f"the service description is written as {', '.join(RDF_FORMATS)}")
    try:
        triples = description(
            _endpoint_iri(request), request.app.state.graph_sizes, allow_service=state.config.allow_service
        )
    except ValueError:  # a Host header that makes no IRI
        return error_response(400, "the request's Host makes no valid IRI for this endpoint")
    return Response(
        serialized(triples, chosen),
        media_type=chosen if chosen != "application/rdf+xml" else "application/rdf+xml; charset=utf-8",
        headers={"Vary": "Accept"},
    )


def _fallback_page(endpoint: str) -> str:
    shown = html.escape(endpoint)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>SPARQL endpoint · alaska-kg</title>"
        f"</head><body><h1>SPARQL endpoint</h1><p>{shown} answers SPARQL 1.1 queries (GET or POST, "
        "SPARQL 1.1 Protocol), read-only. The canned queries are listed at "
        '<a href="/queries">/queries</a>.</p><form method="get"><textarea name="query" rows="12" cols="80">'
        "SELECT ?person ?label WHERE {\n  ?person a ak:Person ; rdfs:label ?label .\n} ORDER BY ?label"
        '</textarea><br><button type="submit">Run</button></form></body></html>'
    )


__all__ = ["QUERY_PAGE_ROUTE", "service_description", "sparql"]
