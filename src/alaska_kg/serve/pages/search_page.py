"""`/search?q=TEXT`: resources by label or alias (alaska_kg.query.search: case and accents aside, best first),
each linked to its page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from alaska_kg.namespaces import expand
from alaska_kg.query.labels import labels
from alaska_kg.query.search import search
from alaska_kg.serve.pages.context import serve_state
from alaska_kg.serve.pages.html import iri_link, page, text

LIMIT = 50
MAX_QUERY = 200  # characters: a name, not a document


def search_page(request: Request) -> Response:
    """The search results page (an empty query shows the form alone)."""
    wanted = request.query_params.get("q", "")[:MAX_QUERY].strip()
    dataset = serve_state(request).dataset
    hits = search(dataset, wanted, limit=LIMIT) if wanted else []
    names = labels(dataset.store, {expand(c) or c for h in hits for c in h.classes})
    rows = []
    for hit in hits:
        classes = ", ".join(iri_link(request, expand(c) or c, names) for c in hit.classes)
        alias = f' <span class="alias">(as “{text(hit.matched)}”)</span>' if hit.matched != hit.label else ""
        rows.append(
            f"<li>{iri_link(request, hit.iri, {hit.iri: hit.label})}{alias} "
            f'<span class="classes">{classes}</span></li>'
        )
    if not wanted:
        result = "<p>Type a name or part of one: a person, a place, an issue, a statement.</p>"
    elif not rows:
        result = (
            f"<p>Nothing in the graph is called “{text(wanted)}”. "
            "Try part of a name, or another spelling.</p>"
        )
    else:
        more = " (the first 50)" if len(hits) == LIMIT else ""
        result = f'<p>{len(hits)} found{more}:</p><ol class="hits">{"".join(rows)}</ol>'
    body = (
        f'<h1>Search</h1><form class="search big" method="get" role="search">'
        f'<input type="search" name="q" value="{text(wanted)}" aria-label="Search" autofocus>'
        f'<button type="submit">Search</button></form>{result}'
    )
    return page(request, f"Search: {wanted}" if wanted else "Search", body)


__all__ = ["search_page"]
