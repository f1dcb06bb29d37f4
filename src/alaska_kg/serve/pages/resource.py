"""`/resource/NAME`: one resource of the graph, as a page for people or as RDF, after the W3C "Cool URIs
for the Semantic Web" note (§4.3, 303 URIs forwarding to different documents).

`/resource/NAME` names the thing itself (a person, a statement), so it answers `303 See Other` to the
document the client asked for by `Accept` (`Vary: Accept`): `/resource/NAME.html`, `.ttl`, `.jsonld` or
`.nt`, each served as is, with `Link` headers naming the others. A name the dataset does not hold is a
404 page; an `Accept` the server cannot meet is 406 with the list of what it can.
"""

from __future__ import annotations

from urllib.parse import quote

from pyoxigraph import NamedNode
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from alaska_kg.display import one_line
from alaska_kg.errors import ResourceNotFound
from alaska_kg.namespaces import AKR
from alaska_kg.query.describe import describe
from alaska_kg.serve.pages import rdf
from alaska_kg.serve.pages.context import serve_state
from alaska_kg.serve.pages.describe_page import describe_body
from alaska_kg.serve.pages.html import base, page, text
from alaska_kg.serve.pages.negotiate import BY_SUFFIX, HTML, REPRESENTATIONS, Representation, choose


def known(request: Request, iri: str) -> bool:
    """Whether the dataset says anything with `iri` as subject or object (False for a malformed IRI)."""
    store = serve_state(request).dataset.store
    try:
        node = NamedNode(iri)
    except ValueError:  # a space, `<` or the like in the requested name: no such IRI can be in the data
        return False
    return any(True for _ in store.quads_for_pattern(node, None, None, None)) or any(
        True for _ in store.quads_for_pattern(None, None, node, None)
    )


def not_found(request: Request, what: str, hint: str = "") -> Response:
    """404: a page naming what was not found, with a search for it."""
    wanted = choose(request.headers.get("accept"))
    message = f"Nothing in the graph is called {what}."
    if wanted is not None and wanted != HTML:
        return PlainTextResponse(one_line(message) + "\n", status_code=404)  # no control characters
    body = (
        f"<h1>Not found</h1><p>{text(message)}</p>{hint}"
        f'<p><a href="{base(request)}/search?q={text(quote(what))}">Search the graph for it</a>, '
        f'or start from <a href="{base(request)}/">the home page</a>.</p>'
    )
    return page(request, "Not found", body, status=404)


def not_acceptable(offers: tuple[Representation, ...] = REPRESENTATIONS) -> Response:
    """406: what the client accepts, this server cannot write; say what it can."""
    listed = ", ".join(f"{o.media_type} (.{o.suffix})" for o in offers)
    return PlainTextResponse(
        f"Not Acceptable: this resource is available as {listed}.\n",
        status_code=406,
        headers={"Vary": "Accept"},
    )


def alternates(path: str, offers: tuple[Representation, ...] = REPRESENTATIONS) -> str:
    """A `Link` header naming every representation of the document at `path` (RFC 8288)."""
    return ", ".join(f'<{path}.{o.suffix}>; rel="alternate"; type="{o.media_type}"' for o in offers)


def _split(name: str) -> tuple[str, Representation | None]:
    """`yang-jiechi.ttl` -> (`yang-jiechi`, Turtle); a name without a known suffix is left whole."""
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in BY_SUFFIX:
        return stem, BY_SUFFIX[suffix]
    return name, None


def resource(request: Request) -> Response:
    """`/resource/NAME[.suffix]` (module docstring)."""
    name = request.path_params["name"]  # already percent-decoded by the server
    stem, representation = _split(name)
    iri = AKR + stem
    if representation is None or not known(request, iri):
        if known(request, AKR + name):  # a name that merely ends like a suffix
            stem, representation, iri = name, None, AKR + name
        elif representation is None or not known(request, iri):
            return not_found(request, name)
    path = f"{base(request)}/resource/{quote(stem)}"
    if representation is None:
        chosen = choose(request.headers.get("accept"))
        if chosen is None:
            return not_acceptable()
        return RedirectResponse(
            f"{path}.{chosen.suffix}", status_code=303, headers={"Vary": "Accept", "Link": alternates(path)}
        )
    headers = {"Link": alternates(path)}
    state = serve_state(request)
    if representation == HTML:
        try:
            description = describe(state.dataset, f"<{iri}>")
        except ResourceNotFound:
            return not_found(request, name)
        title, body = describe_body(request, description)
        return page(request, title, body, headers=headers)
    triples = rdf.resource_triples(state.dataset, iri)
    return Response(
        rdf.write(triples, representation),
        media_type=f"{representation.media_type}; charset=utf-8",
        headers=headers,
    )


__all__ = ["alternates", "known", "not_acceptable", "not_found", "resource"]
