"""`/query`: a SPARQL editor (YASGUI, vendored under /static/yasgui: no CDN, works offline) sending its
queries to this server's `/sparql`, with the canned queries (queries/*.rq) as ready examples.

The examples travel in the page as JSON data (`<script type="application/json">`, with `<` escaped so no
query text can close the element); `static/query.js` starts the editor and loads an example on a click.
The editor keeps nothing in the browser's storage (a fresh page shows the examples as they are now), and
its class and property completion, which would ask a remote service (LOV), is off.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from alaska_kg.query.catalog import canned_queries
from alaska_kg.serve.pages.context import memo
from alaska_kg.serve.pages.html import base, page, text
from alaska_kg.serve.state import ServeState

FIRST_EXAMPLE = "participants"


def examples(state: ServeState) -> list[dict[str, str]]:
    """The canned queries as the page offers them: id, summary, text."""
    found = [{"id": q.id, "summary": q.header.summary, "text": q.text} for q in canned_queries(state.layout)]
    found.sort(key=lambda q: (q["id"] != FIRST_EXAMPLE, q["id"]))
    return found


def _json_for_script(value: object) -> str:
    """JSON safe inside a `<script>` element (HTML §4.12.1.3: no `</script`, no `<!--`)."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def query_page(request: Request) -> Response:
    """The editor page."""
    found = memo(request, "examples", examples)
    root = base(request)
    items = "".join(
        f'<li><button type="button" class="example" data-example="{text(q["id"])}">'
        f'<span class="id">{text(q["id"])}</span>'
        f'<span class="summary">{text(q["summary"])}</span></button></li>'
        for q in found
    )
    head = (
        f'<link rel="stylesheet" href="{root}/static/yasgui/yasgui.min.css">'
        f'<script src="{root}/static/yasgui/yasgui.min.js" defer></script>'
        f'<script src="{root}/static/query.js" defer></script>'
    )
    body = f"""
<h1>Ask the graph in SPARQL</h1>
<p>Write a SPARQL 1.1 query, or start from one of the canned queries; run it with the ▶ button or
Ctrl+Enter. Queries go to this server's endpoint, <code>{root}/sparql</code>, whose default graph is the
union of the dataset's graphs (ontology, asserted, inferred, links); name one with
<code>GRAPH &lt;https://w3id.org/alaska-kg/graph/asserted&gt;</code>. Read-only: updates are refused.</p>
<div class="query-layout">
<nav class="examples" aria-label="Canned queries"><h2>Canned queries ({len(found)})</h2><ul>{items}</ul></nav>
<div id="yasgui" data-endpoint="{root}/sparql" data-first="{text(found[0]["id"]) if found else ""}"></div>
</div>
<script type="application/json" id="examples">{_json_for_script(found)}</script>
"""
    return page(request, "SPARQL", body, head=head)


__all__ = ["examples", "query_page"]
