"""The RDF representations of one resource or of the ontology: Turtle, JSON-LD, N-Triples.

A resource's document holds what the sources state about it (the ontology, asserted and links graphs):
the triples with it as subject, and those that point at it (incoming links), as Linked Data browsers
expect. Inferred triples stay out, as in every export: they are the `inferred` graph, which `/sparql`
serves. Written by the ground's writers (alaska_kg.turtle, alaska_kg.jsonld) with the curated prefixes.
"""

from __future__ import annotations

from pyoxigraph import NamedNode, RdfFormat, Triple, serialize

from alaska_kg.jsonld import to_jsonld
from alaska_kg.namespaces import graph_iri
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.serve.pages.negotiate import JSONLD, NTRIPLES, TURTLE, Representation
from alaska_kg.turtle import turtle, used_prefixes


def _stated_graphs(dataset: OpenDataset) -> list:
    return dataset.graphs("asserted")


def resource_triples(dataset: OpenDataset, iri: str) -> list[Triple]:
    """The stated triples about `iri` and those linking to it, each once, sorted."""
    node = NamedNode(iri)
    found: set[Triple] = set()
    for graph in _stated_graphs(dataset):
        for quad in dataset.store.quads_for_pattern(node, None, None, graph):
            found.add(quad.triple)
        for quad in dataset.store.quads_for_pattern(None, None, node, graph):
            found.add(quad.triple)
    return sorted(found, key=str)


def graph_triples(dataset: OpenDataset, name: str) -> list[Triple]:
    """Every triple of one named graph of the dataset (e.g. the ontology), sorted."""
    quads = dataset.store.quads_for_pattern(None, None, None, NamedNode(graph_iri(name)))
    return sorted({q.triple for q in quads}, key=str)


def write(triples: list[Triple], representation: Representation) -> str:
    """`triples` as text in `representation` (Turtle, JSON-LD or N-Triples)."""
    if representation == TURTLE:
        return turtle(triples)
    if representation == JSONLD:
        return to_jsonld(triples, used_prefixes(triples))
    if representation == NTRIPLES:
        return serialize(triples, format=RdfFormat.N_TRIPLES).decode("utf-8")
    raise ValueError(f"not an RDF representation: {representation.name}")


__all__ = ["graph_triples", "resource_triples", "write"]
