"""The SHACL engines that read rdflib graphs (pySHACL, pyshacl-turbo), and the SPARQL engine on rdflib input.

build.validate imports this module only when one of them is asked for: rdflib alone takes longer to import
than the whole default build of the bundled data (issue 12)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH
from rdflib.term import Node

from alaska_kg.build.validate import (
    DEFAULT_ENGINE,
    INFERENCE,
    Engine,
    Severity,
    ValidationReport,
    Violation,
)

if TYPE_CHECKING:
    from alaska_kg.build.parse import SourceStore


def _engine(name: Engine):
    if name in ("auto", "turbo"):
        try:
            from pyshacl_turbo import validate as turbo_validate
        except ImportError:
            pass
        else:
            return turbo_validate
    from pyshacl import validate as reference_validate

    return reference_validate


# ---------------------------------------------------------------- the known gap, and routing around it

# SHACL §4.1.2 (sh:datatype): a literal whose lexical form is not valid for its datatype fails.
# rdflib rewrites the lexical form of such a literal to the canonical form of the value it could still read
# ("none"^^xsd:boolean, "TRUE"^^xsd:boolean become "false", "true"), keeping only a flag (`ill_typed`).
# pySHACL reads the flag; pyshacl-turbo reads the rewritten, well-formed text and lets the value pass
# (W3C core/property/or-datatypes-001). Only literals rdflib flags and still converted are affected.


def _rewritten(term: Node) -> bool:
    """Whether `term` is a literal rdflib found ill-typed and rewrote (it could still read a value)."""
    return isinstance(term, RdfLiteral) and bool(term.ill_typed) and term.value is not None


def rewritten_ill_typed_datatypes(data: Graph) -> set[URIRef]:
    """The datatypes of the literals of `data` that are ill-typed but that rdflib rewrote as well-formed."""
    # every triple's own object: "none"^^xsd:boolean is == and hashes as "false"^^xsd:boolean, so a set of
    # objects (unique=True) may keep the well-typed twin of an ill-typed literal and miss it
    return {term.datatype for _s, _p, term in data if _rewritten(term)}


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_CLASSES = (RDFS.Class, OWL.Class)  # SHACL §2.1.3.1: a shape that is also a class targets its instances


def _targeted_shapes(shapes: Graph) -> set[Node]:
    found: set[Node] = set()
    for predicate in _TARGETS:
        found.update(shapes.subjects(predicate, None))
    for cls in _CLASSES:
        found.update(s for s in shapes.subjects(RDF.type, cls) if (s, RDF.type, SH.NodeShape) in shapes)
    return found


def _uses_datatype(shapes: Graph, shape: Node, datatypes: set[URIRef]) -> bool:
    """Whether `shape`, or any shape or list it reaches (sh:property, sh:node, sh:or, sh:not, …), has
    sh:datatype one of `datatypes`."""
    todo, seen = [shape], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in shapes.predicate_objects(node):
            if predicate == SH.datatype and value in datatypes:
                return True
            if predicate not in _TARGETS and predicate != RDF.type and isinstance(value, URIRef | BNode):
                todo.append(value)
    return False


def routed_to_reference(datatypes: set[URIRef], shapes: Graph) -> set[Node]:
    """The targeted shapes that pyshacl-turbo would get wrong on data holding rewritten ill-typed literals
    of `datatypes` (`rewritten_ill_typed_datatypes`): those pySHACL must validate."""
    if not datatypes:
        return set()
    return {s for s in _targeted_shapes(shapes) if _uses_datatype(shapes, s, datatypes)}


def _keep_targets(shapes: Graph, keep: set[Node]) -> Graph:
    """A copy of `shapes` in which only the shapes in `keep` have targets: the others are still there, for
    sh:node and the like, but are not validated on their own."""
    copy = Graph(bind_namespaces="none")
    targeted = _targeted_shapes(shapes) - keep
    for s, p, o in shapes:
        if s in targeted and (p in _TARGETS or (p == RDF.type and o in _CLASSES)):
            continue
        copy.add((s, p, o))
    return copy


def _merge_reports(first: Graph, second: Graph) -> tuple[bool, Graph]:
    """One sh:ValidationReport (SHACL §3.6.1) holding the results of two: conforms if both do."""
    merged = Graph(bind_namespaces="none")
    report = BNode()
    conforms = True
    for part in (first, second):
        node = part.value(predicate=RDF.type, object=SH.ValidationReport)
        conforms = conforms and bool(part.value(node, SH.conforms, default=RdfLiteral(True)).toPython())
        for s, p, o in part:
            if s == node and p == SH.conforms:
                continue
            merged.add((report if s == node else s, p, report if o == node else o))
    merged.add((report, SH.conforms, RdfLiteral(conforms)))
    return conforms, merged


def _render(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef | RdfLiteral | BNode):
        return node.n3()
    return str(node)


def _severity(node: Node | None) -> Severity:
    if node == SH.Warning:
        return "Warning"
    if node == SH.Info:
        return "Info"
    return "Violation"


def _count_shapes(shapes: Graph) -> int:
    """Number of node and property shapes: explicitly typed ones and those recognised by sh:path/targets."""
    found: set[Node] = set(shapes.subjects(RDF.type, SH.NodeShape))
    found.update(shapes.subjects(RDF.type, SH.PropertyShape))
    for predicate in (SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found.update(shapes.subjects(predicate, None))
    return len(found)


def _violations(results: Graph) -> tuple[Violation, ...]:
    """Read the sh:ValidationResult nodes of a SHACL validation report graph (SHACL §3.6)."""
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        found.append(
            Violation(
                focus_node=_render(results.value(result, SH.focusNode)),
                path=_render(path) if path is not None else None,
                message="; ".join(messages) or "(no message)",
                severity=_severity(results.value(result, SH.resultSeverity)),
                source_shape=_render(results.value(result, SH.sourceShape)),
            )
        )
    return tuple(sorted(found, key=lambda v: (v.focus_node, v.path or "", v.source_shape, v.message)))


def _with_class_hierarchy(
    data: Graph | Iterable[Graph], ontology: Graph, rewritten: set[URIRef] | None = None
) -> Graph:
    """One new graph: the data plus the ontology's rdfs:subClassOf axioms, all that sh:class and
    sh:targetClass need from it (SHACL §2.1.3.1 "SHACL instance"). This is what pySHACL's ont_graph would mix
    in, minus the rest of the ontology; handing over the whole ontology instead makes the engine copy the data
    again (7 s of 9 at 10^5 triples). The datatypes of rewritten ill-typed literals go into `rewritten`
    (the same as `rewritten_ill_typed_datatypes`, found in this pass over the triples for free)."""
    mixed = Graph(bind_namespaces="none")
    for part in (data,) if isinstance(data, Graph) else data:
        for triple in part:
            mixed.add(triple)
            if rewritten is not None and _rewritten(triple[2]):
                rewritten.add(triple[2].datatype)
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        mixed.add(triple)
    return mixed


def validate(
    data: Graph | Iterable[Graph],
    ontology: Graph,
    shapes: Graph,
    *,
    shapes_file: Path | None = None,
    engine: Engine = DEFAULT_ENGINE,
) -> ValidationReport:
    """Validate `data` (a graph, or several read as one) against `shapes`, with the ontology's class
    hierarchy mixed in; inputs stay unchanged. "sparql" copies the graphs into an Oxigraph store (blank
    nodes keep their labels, so the report names the same nodes) and raises Unsupported where it cannot
    translate the shapes."""
    rewritten: set[URIRef] = set()
    mixed = _with_class_hierarchy(data, ontology, rewritten)
    if engine == "sparql":
        return _validate_sparql(mixed, shapes, shapes_file)
    routed = routed_to_reference(rewritten, shapes) if engine == "auto" else set()
    if routed and _engine("auto") is not _engine("pyshacl"):
        fast = _run(_engine("auto"), mixed, _keep_targets(shapes, _targeted_shapes(shapes) - routed))
        reference = _run(_engine("pyshacl"), mixed, _keep_targets(shapes, routed))
        conforms, results = _merge_reports(fast[1], reference[1])
    else:
        conforms, results = _run(_engine(engine), mixed, shapes)
    return _report(conforms, results, shapes, shapes_file)


def _report(conforms: bool, results: Graph, shapes: Graph, shapes_file: Path | None) -> ValidationReport:
    """An engine's verdict and results graph as the build reports them, whichever route produced them."""
    return ValidationReport(
        conforms=conforms,
        violations=_violations(results),
        shape_count=_count_shapes(shapes),
        shapes_file=shapes_file,
        report_turtle=results.serialize(format="turtle"),
        report_graph=results,
    )


# A named graph that exists only while the build's store is validated: the class hierarchy read with the data.
_HIERARCHY_GRAPH = "https://w3id.org/alaska-kg/graph/validation-class-hierarchy"


def validate_store_rdflib(
    sources: SourceStore, shapes, *, shapes_file: Path | None = None, engine: Engine = "auto"
) -> ValidationReport:
    """Validate the data and links of the build's store (build.parse: the ontology is not in it yet) against
    `shapes` (an rdflib Graph, or build.shacl_sparql.Shapes), read with the ontology's class hierarchy, as
    `validate` does with rdflib graphs.

    pyshacl-turbo ("auto", "turbo") takes the Oxigraph store itself (it validates the union of its graphs)
    and reads every literal as written: no rdflib rewrote an ill-typed one, so the gap `validate` routes
    around cannot happen and this is the default route's report (tests/test_validation_engines.py compares
    them on every invalid fixture). "pyshacl", or no pyshacl-turbo (Python < 3.11): the store is copied
    into rdflib for pySHACL."""
    from alaska_kg.build.validate import _hierarchy

    if not isinstance(shapes, Graph):
        shapes = shapes_graph(shapes)
    try:
        if engine == "pyshacl":
            raise ImportError
        from pyshacl_turbo import validate as turbo
    except ImportError:
        return validate(
            _to_rdflib(sources.store),
            _to_rdflib(sources.ontology),
            shapes,
            shapes_file=shapes_file,
            engine="pyshacl",
        )
    with _hierarchy(sources):
        conforms, results = _run(turbo, sources.store, shapes)
    return _report(conforms, results, shapes, shapes_file)


def shapes_graph(shapes) -> Graph:  # type: ignore[no-untyped-def]
    """build.shacl_sparql.Shapes as the rdflib Graph the rdflib engines take."""
    from alaska_kg.build.parse import rdflib_triples

    graph = Graph(bind_namespaces="core")
    graph.addN((*triple, graph) for triple in rdflib_triples(shapes.triples))
    return graph


# the lexical form given to an ill-typed literal rdflib rewrote as well-formed (it keeps only a flag): one
# that no datatype accepts, so that Oxigraph sees the literal as ill-typed, as it was written
_ILL_TYPED = "\u0000ill-typed:"


def _oxigraph_term(term: Node):  # type: ignore[no-untyped-def]
    from pyoxigraph import BlankNode, NamedNode
    from pyoxigraph import Literal as OxLiteral

    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, BNode):
        return BlankNode(str(term))
    assert isinstance(term, RdfLiteral)
    if _rewritten(term):
        return OxLiteral(_ILL_TYPED + str(term), datatype=NamedNode(str(term.datatype)))
    if term.language:
        return OxLiteral(str(term), language=term.language)
    if term.datatype is not None:
        return OxLiteral(str(term), datatype=NamedNode(str(term.datatype)))
    return OxLiteral(str(term))


def _rdflib_term(term) -> Node:  # type: ignore[no-untyped-def]
    from pyoxigraph import BlankNode, NamedNode

    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if term.value.startswith(_ILL_TYPED):
        return RdfLiteral(term.value.removeprefix(_ILL_TYPED), datatype=URIRef(term.datatype.value))
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return RdfLiteral(term.value)
    return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))


def shapes_from_rdflib(shapes: Graph):  # type: ignore[no-untyped-def]
    """An rdflib shapes graph as the SPARQL engine reads it (blank nodes keep their labels)."""
    from pyoxigraph import Triple

    from alaska_kg.build.shacl_sparql import Shapes

    return Shapes(Triple(*(_oxigraph_term(t) for t in triple)) for triple in shapes)  # type: ignore[misc]


def _as_written(results: list, data: Graph) -> list:  # type: ignore[type-arg]
    """The results with each literal as the data wrote it: Oxigraph's store keeps the value of a literal of
    a known datatype ("4.0"^^xsd:decimal comes back as "4", "300"^^xsd:byte as an xsd:integer), so the
    literals of the results are mapped back to the data's own (one result each, if several wrote it)."""
    from pyoxigraph import Literal as OxLiteral
    from pyoxigraph import NamedNode, Quad, Store

    literals = sorted({o for o in data.objects() if isinstance(o, RdfLiteral)}, key=repr)
    scratch = Store()
    scratch.extend(
        Quad(NamedNode(f"urn:x-literal:{i}"), NamedNode("urn:x-p"), _oxigraph_term(o))
        for i, o in enumerate(literals)
    )
    written: dict[object, list] = {}  # type: ignore[type-arg]
    for quad in scratch:
        original = literals[int(quad.subject.value.rsplit(":", 1)[1])]
        written.setdefault(quad.object, []).append(_oxigraph_term_as_written(original))

    def spellings(term):  # type: ignore[no-untyped-def]
        return written.get(term, [term]) if isinstance(term, OxLiteral) else [term]

    return [
        r._replace(focus=focus, value=value)
        for r in results
        for focus in spellings(r.focus)
        for value in ([None] if r.value is None else spellings(r.value))
    ]


def _oxigraph_term_as_written(term: RdfLiteral):  # type: ignore[no-untyped-def]
    """An rdflib literal as an Oxigraph term, not normalised (a Literal object, never stored)."""
    return _oxigraph_term(term)


def _validate_sparql(data: Graph, shapes: Graph, shapes_file: Path | None) -> ValidationReport:
    """The SPARQL engine on rdflib graphs: both copied into Oxigraph with their blank node labels."""
    from pyoxigraph import Quad, Store

    from alaska_kg.build.shacl_sparql import run
    from alaska_kg.build.validate import report_triples, sparql_report

    store = Store()
    store.extend(Quad(*(_oxigraph_term(t) for t in triple)) for triple in data)  # type: ignore[misc]
    readable = shapes_from_rdflib(shapes)
    results = _as_written(run(store, readable, union=False), data)
    report = sparql_report(results, readable, shapes_file)
    graph = Graph(bind_namespaces="none")
    for triple in report_triples(results, readable):
        graph.add((_rdflib_term(triple.subject), _rdflib_term(triple.predicate), _rdflib_term(triple.object)))
    return report._replace(report_graph=graph)


def _to_rdflib(store) -> Graph:
    """Every triple of an Oxigraph store (all graphs) in one rdflib graph (the fallback engine's input)."""
    from pyoxigraph import RdfFormat

    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    text = union.serialize(format=RdfFormat.N_TRIPLES) or b""
    return Graph(bind_namespaces="none").parse(data=text.decode("utf-8"), format="nt")


def _run(shacl_validate, data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    conforms, results, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=None,
        inference=INFERENCE,
        advanced=True,
        inplace=False,
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
    )
    return bool(conforms), results
