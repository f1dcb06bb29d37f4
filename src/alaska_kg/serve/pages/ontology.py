"""`/ontology`: the document that defines the `ak:` terms (`https://w3id.org/alaska-kg/ontology#Term`).

The terms are hash IRIs, so one document answers for all of them (W3C "Cool URIs" §4.1, hash URIs with
content negotiation): `/ontology` is served by `Accept` (HTML, Turtle, JSON-LD, N-Triples; `Vary: Accept`,
`Content-Location`), `/ontology.ttl` and the like without negotiation. The page lists every class and
property of the ontology graph with its label, definition and axioms, each at its own anchor (`#Term`).
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode
from starlette.requests import Request
from starlette.responses import Response

from alaska_kg.namespaces import AK, PREFIXES, graph_iri
from alaska_kg.query.labels import labels
from alaska_kg.serve.pages import rdf
from alaska_kg.serve.pages.context import memo, serve_state
from alaska_kg.serve.pages.html import base, iri_link, page, text
from alaska_kg.serve.pages.negotiate import BY_SUFFIX, HTML, REPRESENTATIONS, choose
from alaska_kg.serve.pages.resource import alternates, not_acceptable, not_found

OWL = PREFIXES["owl"]
RDFS = PREFIXES["rdfs"]
KINDS = (
    (OWL + "Class", "Classes"),
    (OWL + "ObjectProperty", "Object properties"),
    (OWL + "DatatypeProperty", "Data properties"),
    (OWL + "AnnotationProperty", "Annotation properties"),
)
AXIOMS = (
    (RDFS + "subClassOf", "sub-class of"),
    (RDFS + "subPropertyOf", "sub-property of"),
    (RDFS + "domain", "domain"),
    (RDFS + "range", "range"),
    (OWL + "inverseOf", "inverse of"),
    (OWL + "disjointWith", "disjoint with"),
)
_TERMS = f"""
PREFIX rdf: <{PREFIXES["rdf"]}>
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX rdfs: <{RDFS}>
SELECT ?term ?kind ?definition ?comment WHERE {{
  GRAPH <{graph_iri("ontology")}> {{
    ?term rdf:type ?kind .
    OPTIONAL {{ ?term skos:definition ?definition }}
    OPTIONAL {{ ?term rdfs:comment ?comment }}
  }}
  FILTER(STRSTARTS(STR(?term), "{AK}"))
}}
"""


def _body(request: Request) -> str:
    state = serve_state(request)
    store = state.dataset.store
    terms: dict[str, dict[str, object]] = {}
    for row in store.query(_TERMS):
        term, kind, definition, comment = (row[i] for i in range(4))
        entry = terms.setdefault(term.value, {"kinds": set(), "definition": "", "comment": ""})
        entry["kinds"].add(kind.value)  # type: ignore[union-attr]
        if isinstance(definition, Literal):
            entry["definition"] = definition.value
        if isinstance(comment, Literal):
            entry["comment"] = comment.value
    graph = NamedNode(graph_iri("ontology"))
    related: dict[str, list[tuple[str, str]]] = {}
    for iri in terms:
        for prop, name in AXIOMS:
            for quad in store.quads_for_pattern(NamedNode(iri), NamedNode(prop), None, graph):
                if isinstance(quad.object, NamedNode):
                    related.setdefault(iri, []).append((name, quad.object.value))
    names = labels(store, set(terms) | {o for pairs in related.values() for _, o in pairs})
    sections, index = [], []
    for kind, heading in KINDS:
        members = sorted(
            (t for t, e in terms.items() if kind in e["kinds"]), key=lambda t: t[len(AK) :].lower()
        )
        if not members:
            continue
        anchor = heading.lower().replace(" ", "-")
        index.append(f'<a href="#{anchor}">{text(heading)} ({len(members)})</a>')
        items = []
        for iri in members:
            local = iri[len(AK) :]
            entry = terms[iri]
            axioms = "".join(
                f"<dt>{text(name)}</dt><dd>{iri_link(request, target, names)}</dd>"
                for name, target in sorted(related.get(iri, []))
            )
            items.append(
                f'<div class="term" id="{text(local)}"><h3>{text(names.get(iri, local))} '
                f"<code>ak:{text(local)}</code></h3>"
                f"<p>{text(entry['definition'] or entry['comment'])}</p>"
                + (f'<dl class="axioms">{axioms}</dl>' if axioms else "")
                + "</div>"
            )
        sections.append(f'<section id="{anchor}"><h2>{text(heading)}</h2>{"".join(items)}</section>')
    formats = " ".join(
        f'<a href="{base(request)}/ontology.{r.suffix}">{r.name}</a>' for r in REPRESENTATIONS[1:]
    )
    return (
        '<article class="ontology"><h1>The alaska-kg ontology</h1>'
        f'<p class="iri"><code>{text(AK)}</code> (prefix <code>ak:</code>) '
        f'<span class="formats">as data: {formats}</span></p>'
        "<p>The terms the graph is written in: OWL 2 RL, aligned with schema.org, W3C ORG, PROV-O, OWL-Time, "
        "SEM, SKOS, FOAF and Web Annotation by sub-class and sub-property axioms.</p>"
        f'<nav class="index">{" · ".join(index)}</nav>' + "".join(sections) + "</article>"
    )


def ontology(request: Request) -> Response:
    """`/ontology` (negotiated) and `/ontology.{html,ttl,jsonld,nt}`."""
    suffix = request.path_params.get("suffix")
    path = f"{base(request)}/ontology"
    if suffix is None:
        chosen = choose(request.headers.get("accept"))
        if chosen is None:
            return not_acceptable()
        headers = {"Vary": "Accept", "Content-Location": f"{path}.{chosen.suffix}", "Link": alternates(path)}
    elif suffix in BY_SUFFIX:
        chosen = BY_SUFFIX[suffix]
        headers = {"Link": alternates(path)}
    else:
        return not_found(request, f"ontology.{suffix}")
    if chosen == HTML:
        body = memo(request, "ontology-html" + base(request), lambda _state: _body(request))
        return page(request, "Ontology", body, headers=headers)
    triples = rdf.graph_triples(serve_state(request).dataset, "ontology")
    return Response(
        rdf.write(triples, chosen), media_type=f"{chosen.media_type}; charset=utf-8", headers=headers
    )


__all__ = ["ontology"]
