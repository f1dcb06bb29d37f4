"""Turtle as both paths write it: only the curated prefixes a graph uses, subjects in IRI order (pyoxigraph).

The build publishes its Turtle with it and the query path writes CONSTRUCT answers and exports with it, so it
sits in the ground below both wings instead of being borrowed by one from the other.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import NamedNode, RdfFormat, Triple, serialize

from alaska_kg.namespaces import PREFIXES

_SILENT = {PREFIXES["rdf"] + "type", PREFIXES["xsd"] + "string", PREFIXES["rdf"] + "langString"}


def used_prefixes(triples: Iterable[Triple]) -> dict[str, str]:
    """The curated prefixes whose namespace some IRI of `triples` is under (rdf:type written `a` aside)."""
    iris: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, NamedNode):
                iris.add(term.value)
            elif isinstance(term, RdfLiteral):
                iris.add(term.datatype.value)
    iris -= _SILENT
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def _sorted(triples: Iterable[Triple]) -> list[Triple]:
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def turtle(triples: Iterable[Triple]) -> str:
    """Turtle (RDF 1.1 Turtle) with only the curated prefixes it uses, subjects in IRI order."""
    ordered = _sorted(triples)
    data = serialize(ordered, format=RdfFormat.TURTLE, prefixes=used_prefixes(ordered))
    return (data or b"").decode("utf-8")


__all__ = ["turtle", "used_prefixes"]
