"""OWL 2 RL entailment (OWL 2 Profiles §4.3): what the ontology and data imply, kept apart from them."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from alaska_kg.build.reasoners import DEFAULT_REASONER, REASONERS, Reasoner
from alaska_kg.errors import Inconsistent, UsageError

# The built-in vocabularies: what a reasoner says about their terms is axiomatic, not about our data.
_BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
# Where the "rules" reasoner keeps what it reads and what it writes, in its own store.
_ASSERTED_GRAPH_IRI = "urn:alaska-kg:asserted"
_INFERRED_GRAPH_IRI = "urn:alaska-kg:inferred"

Triple = tuple[Node, Node, Node]


def _canonical(term: Node) -> Node:
    """RDF 1.1 Concepts §3.3: a simple literal is an xsd:string; use the simple form, as rdflib parses it."""
    if isinstance(term, RdfLiteral) and term.datatype == XSD.string and term.language is None:
        return RdfLiteral(str(term))
    return term


def _canonical_triple(triple: Triple) -> Triple:
    s, p, o = triple
    return (_canonical(s), _canonical(p), _canonical(o))


_REFLEXIVE_TAUTOLOGIES = (
    OWL.sameAs,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
)


def is_noise(triple: Triple) -> bool:
    """Entailments that hold of every term and say nothing about this graph, or are not RDF at all."""
    s, p, o = triple
    # RDF 1.1 Concepts §3.1: a subject is an IRI or a blank node, never a literal.
    if isinstance(s, RdfLiteral):
        return True
    # RULES eq-ref, scm-cls, scm-op, scm-dp: every term is sameAs, subclass, equivalent of itself.
    if s == o and p in _REFLEXIVE_TAUTOLOGIES:
        return True
    # RULE scm-cls: C ⊑ owl:Thing, owl:Nothing ⊑ C; and every domain, range or type is owl:Thing.
    if o == OWL.Thing and p in (RDFS.subClassOf, RDFS.domain, RDFS.range, RDF.type):
        return True
    if s == OWL.Nothing and p == RDFS.subClassOf:
        return True
    # Axiomatic triples about the built-in vocabularies (dt-diff: xsd:boolean owl:disjointWith xsd:decimal).
    return isinstance(s, URIRef) and str(s).startswith(_BUILTIN_NAMESPACES)


_SCHEMA_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)


def _schema_closure(triples: set[Triple]) -> set[Triple]:
    """The OWL 2 RL schema rules (Profiles §4.3, table 9) that `reasonable` does not apply, to a fixpoint.

    They read and write only schema triples, so only those (a few hundred) are iterated over."""
    schema = {t for t in triples if t[1] in _SCHEMA_PREDICATES}
    return triples | _schema_fixpoint(schema)


def _schema_fixpoint(schema: set[Triple]) -> set[Triple]:
    closure = set(schema)
    while True:
        index: dict[Node, dict[Node, set[Node]]] = {p: {} for p in _SCHEMA_PREDICATES}  # p -> s -> {o}
        for s, p, o in closure:
            index[p].setdefault(s, set()).add(o)
        sub_class, sub_prop = index[RDFS.subClassOf], index[RDFS.subPropertyOf]
        new: set[Triple] = set()
        for predicate, pairs in ((RDFS.subClassOf, sub_class), (RDFS.subPropertyOf, sub_prop)):
            for a, middles in pairs.items():  # RULES scm-sco, scm-spo
                new.update((a, predicate, d) for b in middles for d in pairs.get(b, ()))
        for predicate in (RDFS.domain, RDFS.range):
            pairs = index[predicate]
            for prop, classes in pairs.items():  # RULES scm-dom1, scm-rng1
                new.update((prop, predicate, sup) for cls in classes for sup in sub_class.get(cls, ()))
            for sub, sups in sub_prop.items():  # RULES scm-dom2, scm-rng2
                new.update((sub, predicate, cls) for sup in sups for cls in pairs.get(sup, ()))
        if new <= closure:
            return closure
        closure |= new


def _closure_owlrl(triples: Iterable[Triple]) -> set[Triple]:
    import owlrl
    from rdflib.term import _toPythonMapping

    graph = Graph(bind_namespaces="core")
    for triple in triples:
        graph.add(triple)
    # owlrl registers its own lexical-to-value converters in rdflib and, on the way out, restores only those
    # rdflib had: xsd:gYearMonth and others stay, and every literal read later in this process is checked
    # differently (pySHACL then rejects "2026-13"^^xsd:gYearMonth, which it passes otherwise). Put back
    # exactly what rdflib had, so that reasoning with owlrl does not change later validation.
    saved = dict(_toPythonMapping)
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
            graph
        )
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)
    return {_canonical_triple(t) for t in graph}


def _closure_reasonable(triples: Iterable[Triple]) -> set[Triple]:
    try:
        import reasonable
    except ImportError:
        raise UsageError(
            "the 'reasonable' reasoner is not installed; install it with: pip install 'alaska-kg[reasonable]'"
        ) from None
    engine = reasonable.PyReasoner()
    engine.from_graph(list(triples))  # any list of (s, p, o) terms: no rdflib Graph needed
    return _schema_closure({_canonical_triple(t) for t in engine.reason()})


def _inferred_by_rules(source: set[Triple]) -> set[Triple]:
    """What build.reason_rules infers from `source` in a store of its own: no asserted triple, no noise
    (it leaves both out itself); raises `Inconsistent` as `_check_consistent` does."""
    from pyoxigraph import NamedNode, Quad, Store

    from alaska_kg.build.reason_rules import infer_in_store

    to_store, from_store = _term_maps()
    store = Store()
    asserted, into = NamedNode(_ASSERTED_GRAPH_IRI), NamedNode(_INFERRED_GRAPH_IRI)
    store.extend(Quad(to_store(s), to_store(p), to_store(o), asserted) for s, p, o in source)
    infer_in_store(store, [asserted], [], into)
    return {
        (from_store(q.subject), from_store(q.predicate), from_store(q.object))
        for q in store.quads_for_pattern(None, None, None, into)
    }


def _closure_rules(triples: Iterable[Triple]) -> set[Triple]:
    source = set(triples)
    return source | _inferred_by_rules(source)


def _term_maps():  # type: ignore[no-untyped-def]
    """Converters of rdflib terms to pyoxigraph terms and back, remembering each term (most recur);
    a blank node keeps its identity both ways."""
    from pyoxigraph import BlankNode, NamedNode
    from pyoxigraph import Literal as OxLiteral

    to_cache: dict[Node, object] = {}
    from_cache: dict[object, Node] = {}

    def convert_to(term: Node):  # type: ignore[no-untyped-def]
        if isinstance(term, URIRef):
            return NamedNode(str(term))
        if isinstance(term, BNode):
            return BlankNode()
        if isinstance(term, RdfLiteral):
            if term.language:
                return OxLiteral(str(term), language=term.language)
            return OxLiteral(str(term), datatype=NamedNode(str(term.datatype or XSD.string)))
        raise UsageError(f"not an RDF term: {term!r}")

    def to_store(term: Node):  # type: ignore[no-untyped-def]
        found = to_cache.get(term)
        if found is None:
            found = to_cache[term] = convert_to(term)
            from_cache[found] = term
        return found

    def convert_from(term) -> Node:  # type: ignore[no-untyped-def]
        if isinstance(term, NamedNode):
            return URIRef(term.value)
        if isinstance(term, BlankNode):
            return BNode()
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return RdfLiteral(term.value)
        return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))

    def from_store(term) -> Node:  # type: ignore[no-untyped-def]
        found = from_cache.get(term)
        if found is None:
            found = from_cache[term] = convert_from(term)
        return found

    return to_store, from_store


_CLOSURES = {"owlrl": _closure_owlrl, "reasonable": _closure_reasonable, "rules": _closure_rules}


def disjointness_clashes(closure: Iterable[Triple]) -> list[tuple[Node, Node, Node]]:
    """RULE cax-dw (Profiles §4.3, table 7): (individual, class, class) for each individual of two classes
    declared disjoint, which makes the graph inconsistent. `reasonable` does not apply the rule at all and
    owlrl only notes it in the closure, so it is checked here, the same for both."""
    triples = list(closure)
    disjoint = {(s, o) for s, p, o in triples if p == OWL.disjointWith}
    disjoint |= {(o, s) for s, o in disjoint}
    types: dict[Node, set[Node]] = {}
    for s, p, o in triples:
        if p == RDF.type:
            types.setdefault(s, set()).add(o)
    return sorted(
        (individual, first, second)
        for individual, classes in types.items()
        for first, second in disjoint
        if str(first) < str(second) and first in classes and second in classes
    )


def _check_consistent(closure: set[Triple]) -> None:
    clashes = disjointness_clashes(closure)
    if clashes:
        individual, first, second = clashes[0]
        more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        raise Inconsistent(
            f"inconsistent (OWL 2 RL cax-dw): {individual.n3()} is both {first.n3()} and {second.n3()}, "
            f"classes declared owl:disjointWith each other{more}"
        )


def infer(asserted: Iterable[Triple], reasoner: Reasoner = DEFAULT_REASONER) -> Graph:
    """Return a new graph holding only the OWL RL entailments of `asserted` that it does not already hold.

    `asserted` (the triples of the ontology and the data: a Graph or any iterable) is read, never changed.
    Filtered out: the asserted triples and `is_noise` (literal subjects, reflexive and owl:Thing tautologies,
    and every triple about the built-in vocabularies, which covers the axiomatic triples each reasoner
    derives from an empty graph: tests/test_reasoning.py checks that). Raises `Inconsistent` when an
    individual belongs to two disjoint classes (cax-dw).
    """
    if reasoner not in _CLOSURES:
        raise UsageError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
    source = {_canonical_triple(t) for t in asserted}
    inferred = Graph(bind_namespaces="core")
    if reasoner == "rules":  # the store leaves out the asserted triples and the noise, and checks cax-dw
        for triple in _inferred_by_rules(source):
            inferred.add(triple)
        return inferred
    closure = _CLOSURES[reasoner](source)
    _check_consistent(closure)
    for triple in closure:
        if triple in source or is_noise(triple):
            continue
        inferred.add(triple)
    return inferred


# ---------------------------------------------------------------- the build's store (build.parse)


def infer_in_graph(
    store, sources: Iterable[object], target: object, reasoner: Reasoner = DEFAULT_REASONER
) -> int:
    """Reason over the named graphs `sources` of the Oxigraph `store` (the ontology and the asserted data)
    and write what `infer` finds into its named graph `target`; the number of triples written.

    The reasoners here read rdflib terms, so the triples cross over and back (~2 s per million triples);
    a reasoner that works on the store itself replaces this one call in build.pipeline."""
    from pyoxigraph import Quad

    from alaska_kg.build.parse import rdflib_triples

    triples = rdflib_triples(q for graph in sources for q in store.quads_for_pattern(None, None, None, graph))
    inferred = infer(triples, reasoner)
    store.extend(Quad(*_to_oxigraph_triple(t), target) for t in inferred)
    return len(inferred)


def _to_oxigraph_triple(triple: Triple) -> tuple[object, object, object]:
    return tuple(_oxigraph_term(t) for t in triple)


def _oxigraph_term(term: Node) -> object:
    from pyoxigraph import BlankNode, Literal, NamedNode

    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, RdfLiteral):
        if term.language:
            return Literal(str(term), language=term.language)
        return (
            Literal(str(term), datatype=NamedNode(str(term.datatype)))
            if term.datatype
            else Literal(str(term))
        )
    return BlankNode(str(term))


__all__ = [
    "DEFAULT_REASONER",
    "REASONERS",
    "Reasoner",
    "disjointness_clashes",
    "infer",
    "infer_in_graph",
    "is_noise",
]
