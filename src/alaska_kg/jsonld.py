"""JSON-LD 1.1 from triples with an inline prefix @context: compact IRIs, no JSON-LD processor, no network.

Oxigraph writes JSON-LD only in expanded form. This writes the compacted form a processor would give for a
context that defines only prefixes (JSON-LD 1.1 §4.1.5 compact IRIs): `@id` and `@type` for IRIs, one
node object per subject in `@graph`, every value in an array. Literals keep their exact datatype and
language. The context is given inline, never by URL, so reading the output never fetches anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# JSON-LD 1.1 §4.1.2: a prefix must end with a gen-delim to be used in compact IRIs without "@prefix".
_GEN_DELIMS = tuple(":/?#[]@")


class _Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = {p: ns for p, ns in prefixes.items() if ns.endswith(_GEN_DELIMS)}
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        """`prefix:local` under the longest matching prefix, else the IRI itself."""
        best = max(
            (p for p, ns in self.prefixes.items() if iri.startswith(ns)),
            key=lambda p: len(self.prefixes[p]),
            default=None,
        )
        if best is None:
            return iri
        local = iri[len(self.prefixes[best]) :]
        if local.startswith("//"):  # would read as an absolute IRI `prefix://…` (§4.1.5)
            return iri
        self.used.add(best)
        return f"{best}:{local}"

    def node(self, term: object) -> str:
        return f"_:{term.value}" if isinstance(term, BlankNode) else self.iri(term.value)  # type: ignore[attr-defined]

    def value(self, term: object) -> dict[str, str]:
        if isinstance(term, Literal):
            value = {"@value": term.value}
            if term.language:
                value["@language"] = term.language
            elif term.datatype.value != XSD_STRING:
                value["@type"] = self.iri(term.datatype.value)
            return value
        return {"@id": self.node(term)}


def to_jsonld(
    triples: Iterable[Triple], prefixes: Mapping[str, str], *, context: Mapping[str, object] | None = None
) -> str:
    """A JSON-LD document for `triples`; @context is `context` if given, else the `prefixes` used."""
    compactor = _Compactor(prefixes)
    nodes: dict[str, dict[str, object]] = {}
    for triple in sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))):
        subject = compactor.node(triple.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if triple.predicate.value == RDF_TYPE and isinstance(triple.object, NamedNode):
            node.setdefault("@type", []).append(compactor.iri(triple.object.value))  # type: ignore[union-attr]
        else:
            key = compactor.iri(triple.predicate.value)
            node.setdefault(key, []).append(compactor.value(triple.object))  # type: ignore[union-attr]
    if context is None:
        context = {p: ns for p, ns in compactor.prefixes.items() if p in compactor.used}
    document = {"@context": dict(context), "@graph": list(nodes.values())}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


__all__ = ["to_jsonld"]
