"""OWL 2 RL entailment (OWL 2 Profiles §4.3): what the ontology and data imply, kept apart from them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Literal

from rdflib import OWL, XSD, Graph
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from alaska_kg.errors import UsageError

Reasoner = Literal["owlrl", "reasonable"]
REASONERS: tuple[Reasoner, ...] = ("owlrl", "reasonable")
# owlrl is the reference implementation; `reasonable` is ~30x faster but becomes the default only once a
# test proves it yields the same entailments on our data. It ignores owl:propertyChainAxiom (we use none).
DEFAULT_REASONER: Reasoner = "owlrl"

Triple = tuple[Node, Node, Node]


def _canonical(term: Node) -> Node:
    """RDF 1.1 Concepts §3.3: a simple literal is an xsd:string; use the simple form, as rdflib parses it."""
    if isinstance(term, RdfLiteral) and term.datatype == XSD.string and term.language is None:
        return RdfLiteral(str(term))
    return term


def _canonical_triple(triple: Triple) -> Triple:
    s, p, o = triple
    return (_canonical(s), _canonical(p), _canonical(o))


def _is_noise(triple: Triple) -> bool:
    """owlrl's artefacts that are not (useful) RDF: literal subjects and reflexive owl:sameAs."""
    s, p, o = triple
    # RDF 1.1 Concepts §3.1: a subject is an IRI or a blank node, never a literal.
    if isinstance(s, RdfLiteral):
        return True
    # RULE eq-ref: every term is owl:sameAs itself; true of everything, says nothing.
    return p == OWL.sameAs and s == o


def _closure_owlrl(triples: Iterable[Triple]) -> set[Triple]:
    import owlrl

    graph = Graph(bind_namespaces="core")
    for triple in triples:
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        graph
    )
    return {_canonical_triple(t) for t in graph}


def _closure_reasonable(triples: Iterable[Triple]) -> set[Triple]:
    try:
        import reasonable
    except ImportError:
        raise UsageError(
            "the 'reasonable' reasoner is not installed; install it with: pip install 'alaska-kg[reasonable]'"
        ) from None
    graph = Graph(bind_namespaces="core")
    for triple in triples:
        graph.add(triple)
    engine = reasonable.PyReasoner()
    engine.from_graph(graph)
    return {_canonical_triple(t) for t in engine.reason()}


_CLOSURES = {"owlrl": _closure_owlrl, "reasonable": _closure_reasonable}


@cache
def axiomatic_triples(reasoner: Reasoner) -> frozenset[Triple]:
    """What the reasoner derives from the empty graph (axiomatic typings of the OWL vocabulary), plus
    owlrl's own such set, which is always filtered so that both reasoners are judged alike."""
    found = set(_closure_owlrl(()))
    if reasoner != "owlrl":
        found |= _CLOSURES[reasoner](())
    return frozenset(found)


def infer(asserted: Graph, reasoner: Reasoner = DEFAULT_REASONER) -> Graph:
    """Return a new graph holding only the OWL RL entailments of `asserted` that it does not already hold.

    `asserted` (ontology plus data) is read, never changed. Filtered out: the asserted triples, triples
    with a literal subject, reflexive owl:sameAs, and the axiomatic triples of `axiomatic_triples()`.
    """
    if reasoner not in _CLOSURES:
        raise UsageError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
    source = {_canonical_triple(t) for t in asserted}
    closure = _CLOSURES[reasoner](source)
    axiomatic = axiomatic_triples(reasoner)
    inferred = Graph(bind_namespaces="core")
    for triple in closure:
        if triple in source or triple in axiomatic or _is_noise(triple):
            continue
        inferred.add(triple)
    return inferred


__all__ = ["DEFAULT_REASONER", "REASONERS", "Reasoner", "axiomatic_triples", "infer"]
