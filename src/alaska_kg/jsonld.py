"""JSON-LD 1.1 from triples with an inline prefix @context: compact IRIs, no JSON-LD processor, no network.

Oxigraph writes JSON-LD only in expanded form. This writes the compacted form a processor would give for a
context that defines only prefixes (JSON-LD 1.1 §4.1.5 compact IRIs): `@id` and `@type` for IRIs, one
node object per subject in `@graph`, every value in an array. Literals keep their exact datatype and
language. The context is given inline, never by URL, so reading the output never fetches anything.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

TYPE_CHECKING = False  # typing is not imported by the build (issue 12)
if TYPE_CHECKING:
    from typing import TextIO

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# JSON-LD 1.1 §4.1.2: a prefix must end with a gen-delim to be used in compact IRIs without "@prefix".
_GEN_DELIMS = tuple(":/?#[]@")


class _Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = {p: ns for p, ns in prefixes.items() if ns.endswith(_GEN_DELIMS)}
        self.used: set[str] = set()
        # longest namespace first, so the first match is the longest (§4.1.5 picks the shortest compact IRI)
        self._order = sorted(self.prefixes.items(), key=lambda item: -len(item[1]))
        self._known: dict[
            str, str
        ] = {}  # IRI -> its compact form: a graph repeats its predicates and classes

    def iri(self, iri: str) -> str:
        """`prefix:local` under the longest matching prefix, else the IRI itself."""
        known = self._known.get(iri)
        if known is not None:
            return known
        compact = iri
        for prefix, namespace in self._order:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if not local.startswith("//"):  # would read as an absolute IRI `prefix://…` (§4.1.5)
                    self.used.add(prefix)
                    compact = f"{prefix}:{local}"
                break
        if len(self._known) < 100_000:
            self._known[iri] = compact
        return compact

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


def _key(triple: Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def to_jsonld(
    triples: Iterable[Triple],
    prefixes: Mapping[str, str],
    *,
    context: Mapping[str, object] | None = None,
    presorted: bool = False,
) -> str:
    """A JSON-LD document for `triples`; @context is `context` if given, else the `prefixes` used.

    Node objects come in subject order (`presorted`: the triples already are, as in sorted N-Triples, so
    they are not sorted again), one per line in `@graph`: each is written by json's C encoder, which an
    indented document cannot use (a million triples: seconds instead of a minute)."""
    stream = io.StringIO()
    write_jsonld(stream, triples, prefixes, context=context, presorted=presorted)
    return stream.getvalue()


def write_jsonld(
    stream: TextIO,
    triples: Iterable[Triple],
    prefixes: Mapping[str, str],
    *,
    context: Mapping[str, object] | None = None,
    presorted: bool = False,
) -> None:
    """`to_jsonld`, written to `stream` node by node (a built dataset's JSON-LD is never held whole)."""
    compactor = _Compactor(prefixes)
    ordered = triples if presorted else sorted(triples, key=_key)
    nodes = _nodes(ordered, compactor)
    first = next(nodes, None)
    if context is None:  # the prefixes used: known only at the end
        rest = [first, *nodes] if first is not None else []
        context = {p: ns for p, ns in compactor.prefixes.items() if p in compactor.used}
        nodes, first = iter(rest[1:]), (rest[0] if rest else None)
    head = json.dumps({"@context": dict(context)}, ensure_ascii=False, indent=2)[:-2]  # without "\n}"
    if first is None:
        stream.write(head + ',\n  "@graph": []\n}\n')
        return
    stream.write(head + ',\n  "@graph": [\n    ' + first)
    for node in nodes:
        stream.write(",\n    " + node)
    stream.write("\n  ]\n}\n")


def _nodes(triples: Iterable[Triple], compactor: _Compactor) -> Iterator[str]:
    """One compact JSON node object per subject, in the order the subjects come."""
    node: dict[str, object] | None = None
    subject = None
    for triple in triples:
        if triple.subject != subject:
            if node is not None:
                yield json.dumps(node, ensure_ascii=False)
            subject = triple.subject
            node = {"@id": compactor.node(subject)}
        predicate = triple.predicate.value
        if predicate == RDF_TYPE and isinstance(triple.object, NamedNode):
            node.setdefault("@type", []).append(compactor.iri(triple.object.value))  # type: ignore[union-attr]
        else:
            key = compactor.iri(predicate)
            node.setdefault(key, []).append(compactor.value(triple.object))  # type: ignore[union-attr]
    if node is not None:
        yield json.dumps(node, ensure_ascii=False)


__all__ = ["to_jsonld", "write_jsonld"]
