"""`stats`: the size of the dataset: triples per named graph, entities per class, statements per kind, links.

Entities per class are counted over all graphs, so an instance of a sub-class counts for its super-classes
too (the OWL RL closure types it so): ak:Statement counts the issue raisings and assessments. Statements per
kind count the asserted `ak:statementKind` only, as the closure adds the CAMEO codes (ak:cameoCode is a
sub-property of ak:statementKind).
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from alaska_kg.namespaces import GRAPH_NAMES, PREFIXES, graph_iri, shorten
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.query.labels import labels
from alaska_kg.query.results import text_table

_CLASS_COUNTS = """
PREFIX ak: <https://w3id.org/alaska-kg/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE {
  ?class a owl:Class .
  FILTER(STRSTARTS(STR(?class), STR(ak:)))
  OPTIONAL { ?entity a ?class }
} GROUP BY ?class
"""
_KIND_COUNTS = """
PREFIX ak: <https://w3id.org/alaska-kg/ontology#>
SELECT ?kind (COUNT(DISTINCT ?statement) AS ?n) WHERE { ?statement ak:statementKind ?kind } GROUP BY ?kind
"""
_LINK_COUNTS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?target (COUNT(*) AS ?n) WHERE {
  VALUES ?mapping { skos:exactMatch skos:closeMatch skos:broadMatch skos:relatedMatch }
  ?s ?mapping ?target .
  FILTER (!STRSTARTS(STR(?target), "https://w3id.org/alaska-kg/"))  # not our own CAMEO codes
} GROUP BY ?target
"""


@dataclass(frozen=True)
class Count:
    """One counted thing: a prefixed IRI (or graph name), its label if any, and how many."""

    name: str
    label: str
    count: int


@dataclass(frozen=True)
class Stats:
    """The dataset in numbers."""

    graphs: tuple[Count, ...]
    classes: tuple[Count, ...]
    kinds: tuple[Count, ...]
    links: tuple[Count, ...]  # per target namespace (prefix)


def _counts(rows: list[tuple[str, int]], dataset: OpenDataset) -> tuple[Count, ...]:
    names = labels(dataset.store, [iri for iri, _ in rows])
    counted = [Count(shorten(iri), names.get(iri, ""), n) for iri, n in rows]
    return tuple(sorted(counted, key=lambda c: (-c.count, c.name)))


def _select(dataset: OpenDataset, text: str, graphs: list[NamedNode]) -> list[tuple[str, int]]:
    return [
        (row[0].value, int(row[1].value))  # type: ignore[index]
        for row in dataset.store.query(text, default_graph=graphs)
    ]


def stats(dataset: OpenDataset) -> Stats:
    """Count the dataset."""
    store = dataset.store
    graphs = tuple(
        Count(name, "", sum(1 for _ in store.quads_for_pattern(None, None, None, NamedNode(graph_iri(name)))))
        for name in GRAPH_NAMES
    )
    classes = _counts(_select(dataset, _CLASS_COUNTS, dataset.graphs("all")), dataset)
    kinds = _counts(_select(dataset, _KIND_COUNTS, dataset.graphs("asserted")), dataset)
    per_namespace: dict[str, int] = {}
    for target, n in _select(dataset, _LINK_COUNTS, dataset.graphs("asserted")):
        prefix = shorten(target).partition(":")[0] if not shorten(target).startswith("<") else "other"
        per_namespace[prefix] = per_namespace.get(prefix, 0) + n
    links = tuple(Count(p, PREFIXES.get(p, ""), n) for p, n in sorted(per_namespace.items()))
    return Stats(graphs=graphs, classes=classes, kinds=kinds, links=links)


def render(result: Stats) -> str:
    """The numbers as four aligned tables."""
    total = sum(c.count for c in result.graphs)
    sections = [
        (
            "triples per named graph",
            ("graph", "triples"),
            [(c.name, str(c.count)) for c in result.graphs] + [("(total)", str(total))],
        ),
        (
            "entities per class, sub-class instances included (OWL RL closure)",
            ("class", "label", "entities"),
            [(c.name, c.label, str(c.count)) for c in result.classes],
        ),
        (
            "statements per kind (asserted ak:statementKind)",
            ("kind", "label", "statements"),
            [(c.name, c.label, str(c.count)) for c in result.kinds],
        ),
        (
            "links (SKOS mapping relations to other datasets) per target namespace",
            ("prefix", "namespace", "links"),
            [(c.name, c.label, str(c.count)) for c in result.links],
        ),
    ]
    lines: list[str] = []
    for title, headers, rows in sections:
        lines += ([""] if lines else []) + [title] + ["  " + line for line in text_table(headers, rows)]
    return "\n".join(lines) + "\n"


__all__ = ["Count", "Stats", "render", "stats"]
