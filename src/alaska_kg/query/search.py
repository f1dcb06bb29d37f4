"""`search TEXT`: find resources by their labels and aliases, ranked, with their IRI and class.

The way into the graph for someone who does not know its IRIs: search → describe → query. Every
rdfs:label, skos:prefLabel and skos:altLabel (aliases) of the dataset is matched against TEXT, case and
accents aside; a resource ranks by its best match: the whole name (0), the name's start (1), the start of a
word in it (2), anywhere in it (3); a main label beats an alias at the same rank, then shorter names, then
the IRI. Each hit shows the IRI (prefixed), its asserted classes and the name that matched.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from alaska_kg.namespaces import PREFIXES, graph_iri, shorten
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.query.labels import labels

RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
NAME_PROPERTIES = {
    PREFIXES["rdfs"] + "label": "label",
    PREFIXES["skos"] + "prefLabel": "label",
    PREFIXES["skos"] + "altLabel": "alias",
}
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Hit:
    """One resource found: its IRI, main label, asserted classes, the name that matched and how."""

    iri: str
    label: str
    classes: tuple[str, ...]
    matched: str
    kind: str  # "label" or "alias"
    rank: int


def _fold(text: str) -> str:
    """Case and accents aside: `Wáng Yì` matches `wang yi`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _rank(name: str, wanted: str) -> int | None:
    folded = _fold(name)
    if folded == wanted:
        return 0
    if folded.startswith(wanted):
        return 1
    if any(word.startswith(wanted) for word in folded.replace("-", " ").split()) or f" {wanted}" in folded:
        return 2
    return 3 if wanted in folded else None


def _classes(dataset: OpenDataset, iri: str) -> tuple[str, ...]:
    """The asserted rdf:type of `iri` (any graph but the inferred one), prefixed, sorted."""
    inferred = NamedNode(graph_iri("inferred")) if dataset.own_graphs else None
    return tuple(
        sorted(
            {
                shorten(q.object.value)
                for q in dataset.store.quads_for_pattern(NamedNode(iri), RDF_TYPE, None, None)
                if isinstance(q.object, NamedNode) and q.graph_name != inferred
            }
        )
    )


def search(dataset: OpenDataset, text: str, limit: int | None = DEFAULT_LIMIT) -> list[Hit]:
    """The resources whose label or alias matches `text`, best first, at most `limit` (None: all)."""
    wanted = _fold(text)
    if not wanted:
        return []
    best: dict[str, tuple[int, int, int, str, str]] = {}  # iri -> (rank, alias?, length, name, kind)
    for prop, kind in NAME_PROPERTIES.items():
        for quad in dataset.store.quads_for_pattern(None, NamedNode(prop), None, None):
            if not (isinstance(quad.subject, NamedNode) and isinstance(quad.object, Literal)):
                continue
            rank = _rank(quad.object.value, wanted)
            if rank is None:
                continue
            key = (rank, kind == "alias", len(quad.object.value), quad.object.value, kind)
            iri = quad.subject.value
            if iri not in best or key < best[iri]:
                best[iri] = key
    ordered = sorted(best.items(), key=lambda item: (item[1][:4], item[0]))
    if limit is not None:
        ordered = ordered[:limit]
    names = labels(dataset.store, [iri for iri, _ in ordered])
    return [
        Hit(iri, names.get(iri, key[3]), _classes(dataset, iri), key[3], key[4], key[0])
        for iri, key in ordered
    ]


def prefixes() -> list[tuple[str, str]]:
    """The curated prefixes (alaska_kg.namespaces.PREFIXES): what --sparql predeclares and output uses."""
    return sorted(PREFIXES.items())


__all__ = ["DEFAULT_LIMIT", "Hit", "prefixes", "search"]
