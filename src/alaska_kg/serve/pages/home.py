"""`/`: what the graph is, the talks at a glance, its size, and the ways in (people, delegations, issues by
side, statements, assessments, search, SPARQL).

The sizes come from the build's VoID description (`alaska-kg.void.ttl` beside the served N-Quads) when it is
there, else from counting the store. Everything is computed once per dataset (alaska_kg.serve.pages.context)
and the page is then a string: no query per request.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from pyoxigraph import Literal, NamedNode, RdfFormat, Store
from starlette.requests import Request
from starlette.responses import Response

from alaska_kg.manifest import read_manifest
from alaska_kg.namespaces import AK, AKR, GRAPH_BASE, GRAPH_NAMES, PREFIXES, graph_iri
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.query.labels import labels
from alaska_kg.serve.pages.context import memo
from alaska_kg.serve.pages.html import ARTICLE_URL, base, iri_link, page, text
from alaska_kg.serve.pages.pictures import pictures_html

VOID_FILE = "alaska-kg.void.ttl"
VOID = PREFIXES["void"]
DCTERMS = PREFIXES["dcterms"]
TALKS = AKR + "alaska-talks"
# The entry points: (class, heading, what it is), in the order a newcomer would look.
ENTRY_POINTS = (
    (AK + "Person", "People", "who took part, spoke or commented"),
    (AK + "Delegation", "Delegations", "the two sides at the table"),
    (AK + "Statement", "Statements", "what was said, by whom, each from its sentence"),
    (AK + "Assessment", "Assessments", "how commentators judged the talks"),
)
_LITERALS = ("startDate", "endDate", "proposition", "jointStatementIssued")
_LINKS = ("place", "attendee", "hasSubEvent")
_INSTANCES = """
SELECT DISTINCT ?thing WHERE { ?thing a ?class . FILTER(isIRI(?thing)) }
"""
_ISSUES_BY_SIDE = f"""
PREFIX ak: <{AK}>
SELECT DISTINCT ?side ?issue ?alleged WHERE {{
  ?raising a ak:IssueRaising ; ak:speaker ?delegation ; ak:concernsIssue ?issue .
  OPTIONAL {{ ?raising ak:alleged ?alleged }}
  ?delegation a ak:Delegation ; ak:speaksFor ?side .
}}
"""


class Sizes(NamedTuple):
    """Triples per named graph and where the figures come from."""

    graphs: dict[str, int]
    source: str  # "VoID description" or "counted"


def _void_sizes(path: Path) -> dict[str, int] | None:
    """Triples per named graph from the VoID file beside the dataset, if the build wrote one (and it is
    the one its manifest lists, unaltered)."""
    manifest = read_manifest(path.parent)
    if manifest is None or VOID_FILE not in manifest.entries:
        return None
    try:
        data = manifest.read_verified(VOID_FILE)
        store = Store()
        store.load(data, format=RdfFormat.TURTLE)
    except Exception:  # a damaged or unreadable file: count instead
        return None
    sizes = {}
    for name in GRAPH_NAMES:
        for quad in store.quads_for_pattern(NamedNode(graph_iri(name)), NamedNode(VOID + "triples"), None):
            sizes[name] = int(quad.object.value)
    return sizes if len(sizes) == len(GRAPH_NAMES) else None


def sizes(dataset: OpenDataset) -> Sizes:
    """Triples per named graph: from VoID if there, else counted."""
    found = _void_sizes(dataset.path)
    if found is not None:
        return Sizes(found, "the build's VoID description")
    counted = {
        name: sum(1 for _ in dataset.store.quads_for_pattern(None, None, None, NamedNode(graph_iri(name))))
        for name in GRAPH_NAMES
    }
    return Sizes(counted, "counted in the store")


def instances(store: Store, class_iri: str) -> list[str]:
    """The IRIs typed `class_iri` (stated or inferred: sub-classes included)."""
    rows = store.query(_INSTANCES.replace("?class", f"<{class_iri}>"), use_default_graph_as_union=True)
    return [row[0].value for row in rows]


def _listing(request: Request, iris: list[str], names: dict[str, str]) -> str:
    ordered = sorted(iris, key=lambda i: (names.get(i, i).casefold(), i))
    return "<ul>" + "".join(f"<li>{iri_link(request, i, names)}</li>" for i in ordered) + "</ul>"


def _values(store: Store, predicate: str) -> list[object]:
    """The values the talks have for one property (any graph: the stated ones are there too)."""
    return sorted(
        {q.object for q in store.quads_for_pattern(NamedNode(TALKS), NamedNode(AK + predicate), None)},
        key=str,
    )


def _glance(request: Request, store: Store) -> str:
    """The talks in five lines: what, when, where, who, and how they ended (ak:DiplomaticTalks)."""
    first = {p: next((v.value for v in _values(store, p) if isinstance(v, Literal)), "") for p in _LITERALS}
    places, attendees, days = (
        [v.value for v in _values(store, p) if isinstance(v, NamedNode)] for p in _LINKS
    )
    if not (first["startDate"] or attendees or first["proposition"]):
        return ""
    names = labels(store, {*places, *attendees, *days, TALKS})
    start, end = first["startDate"], first["endDate"]
    when = f"{text(start)} to {text(end)}" if start and end and start != end else text(start or end)
    if days:
        when += " (" + ", ".join(iri_link(request, d, names) for d in sorted(days, key=names.get)) + ")"
    where = ", ".join(iri_link(request, p, names) for p in sorted(places))
    who = ", ".join(iri_link(request, a, names) for a in sorted(attendees, key=lambda a: names.get(a, a)))
    ended = {"false": "without a joint statement", "true": "with a joint statement"}.get(
        first["jointStatementIssued"], ""
    )
    return (
        '<section id="glance"><h2>The talks at a glance</h2>'
        f'<p>{text(first["proposition"])}</p><dl class="glance">'
        + (f"<dt>When</dt><dd>{when}</dd>" if when else "")
        + (f"<dt>Where</dt><dd>{where}</dd>" if where else "")
        + (f"<dt>Who</dt><dd>{who}</dd>" if who else "")
        + (f"<dt>Ended</dt><dd>{text(ended)}</dd>" if ended else "")
        + f'</dl><p><a href="{base(request)}/resource/alaska-talks">'
        "Everything the graph says of the talks</a></p>"
        "</section>"
    )


def _issues_by_side(request: Request, store: Store) -> str:
    sides: dict[str, dict[str, bool]] = {}
    for row in store.query(_ISSUES_BY_SIDE, use_default_graph_as_union=True):
        side, issue, alleged = row[0], row[1], row[2]
        if not (isinstance(side, NamedNode) and isinstance(issue, NamedNode)):
            continue
        flagged = isinstance(alleged, Literal) and alleged.value == "true"
        issues = sides.setdefault(side.value, {})
        issues[issue.value] = issues.get(issue.value, False) or flagged
    if not sides:
        return ""
    names = labels(store, set(sides) | {i for issues in sides.values() for i in issues})
    columns = []
    for side in sorted(sides, key=lambda s: names.get(s, s)):
        items = "".join(
            f"<li>{iri_link(request, issue, names)}"
            + (
                ' <span class="badge" title="the article words it as alleged">alleged</span>'
                if alleged
                else ""
            )
            + "</li>"
            for issue, alleged in sorted(
                sides[side].items(), key=lambda kv: names.get(kv[0], kv[0]).casefold()
            )
        )
        columns.append(
            f'<div class="side"><h3>Raised by {iri_link(request, side, names)}</h3><ul>{items}</ul></div>'
        )
    return (
        '<section id="issues"><h2>Issues, by the side that raised them</h2>'
        '<p class="note">From the article\'s section "Issues discussed". A topic is neutral; what each side '
        "said about it is its own statement.</p>"
        f'<div class="sides">{"".join(columns)}</div></section>'
    )


def _home_body(request: Request, dataset: OpenDataset) -> str:
    store = dataset.store
    counted = sizes(dataset)
    entries, counts = [], []
    for class_iri, heading, what in ENTRY_POINTS:
        found = instances(store, class_iri)
        if not found:
            continue
        names = labels(store, found)
        anchor = heading.lower()
        counts.append(
            f'<li><a href="#{anchor}"><strong>{len(found)}</strong> {text(heading.lower())}</a></li>'
        )
        entries.append(
            f'<section class="entry" id="{anchor}">'
            f'<h3>{text(heading)} <span class="count">{len(found)}</span></h3>'
            f'<p class="note">{text(what)}</p>{_listing(request, found, names)}</section>'
        )
    issues = instances(store, AK + "Issue")
    counts.append(f'<li><a href="#issues"><strong>{len(issues)}</strong> issues</a></li>')
    graph_rows = "".join(
        f'<tr><th scope="row"><code>{text(name)}</code></th><td>{counted.graphs.get(name, 0):,}</td></tr>'
        for name in GRAPH_NAMES
    )
    total = sum(counted.graphs.values())
    root = base(request)
    return f"""
<section id="intro">
<h1>The United States–China talks in Alaska, as a knowledge graph</h1>
<p class="lede">Every person, delegation, event, issue, statement and assessment of the Wikipedia article
<a href="{ARTICLE_URL}">“United States–China talks in Alaska”</a> (Anchorage, 18–19 March 2021), as RDF, and
every fact linked to the sentence of the article it comes from. Open any name to see what the graph says of it
and the sentence it was read from; ask your own questions on the <a href="{root}/query">SPARQL page</a>.</p>
<form class="search big" action="{root}/search" method="get" role="search">
<label for="home-q">Find a person, issue or statement by name or alias</label>
<input id="home-q" type="search" name="q" placeholder="e.g. Yang, Blinken, Xinjiang, cyber">
<button type="submit">Search</button>
</form>
<ul class="counts">{"".join(counts)}</ul>
</section>
{_glance(request, store)}
<section id="entry-points"><h2>Ways in</h2><div class="entries">{"".join(entries)}</div></section>
{_issues_by_side(request, store)}
{pictures_html(request)}
<section id="data"><h2>The data</h2>
<p>{total:,} triples in four named graphs ({text(counted.source)}):</p>
<table class="counts"><thead><tr><th scope="col">graph</th><th scope="col">triples</th></tr></thead>
<tbody>{graph_rows}</tbody></table>
<p>Graph IRIs are <code>{text(GRAPH_BASE)}NAME</code>. Resources live under <code>{text(AKR)}</code>
and the terms under <a href="{root}/ontology"><code>{text(AK)}</code></a>; every resource page is also
Turtle, JSON-LD and N-Triples (by <code>Accept</code> or a <code>.ttl</code>, <code>.jsonld</code>,
<code>.nt</code> suffix). SPARQL 1.1 endpoint: <code>{root}/sparql</code>; canned queries:
<a href="{root}/queries"><code>{root}/queries</code></a>.</p>
</section>
"""


def home(request: Request) -> Response:
    """The home page (module docstring)."""
    body = memo(request, "home" + base(request), lambda state: _home_body(request, state.dataset))
    return page(request, "The US–China talks in Alaska", body)


__all__ = ["home", "instances", "sizes"]
