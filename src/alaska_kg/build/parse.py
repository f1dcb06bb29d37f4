"""Parse the Turtle sources straight into one Oxigraph store, one named graph per role (the build's path).

Oxigraph parses a million triples in ~3 s and ~0.4 GB where rdflib took 33 s and 1.6 GB
(docs/performance.md), so the build holds its dataset in a pyoxigraph `Store` from the start. The data and
the links go into their named graphs first; the ontology is parsed into a store of its own and joins the
dataset only after validation (`SourceStore.add_ontology`), because the SHACL engine validates every graph
of the store it is given (the data, read with the ontology's class hierarchy only: build.validate).
A syntax error still names the file, line and column: the file is read again by the rdflib reader of
build.loading, whose messages the project has always printed (only on failure, so it costs nothing when
the sources are good), and Oxigraph's own position is used where rdflib accepts what Oxigraph refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Store

from alaska_kg.errors import SourceNotFound, SourceSyntaxError
from alaska_kg.namespaces import graph_iri
from alaska_kg.paths import Layout

TYPE_CHECKING = False  # typing is not imported by the build (issue 12)
if TYPE_CHECKING:
    from rdflib import Graph

RDFS_SUB_CLASS_OF = NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
_POSITION = re.compile(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ")


def graph(name: str) -> NamedNode:
    """The named graph of the dataset called `name` (alaska_kg.namespaces.GRAPH_NAMES)."""
    return NamedNode(graph_iri(name))


def _located(path: Path, exc: SyntaxError) -> SourceSyntaxError:
    """The error to show for a file Oxigraph refused: rdflib's reading of it where rdflib fails too (the
    messages the build has always given), else Oxigraph's line and column."""
    from alaska_kg.build.loading import parse_turtle

    try:
        parse_turtle(path)
    except (SourceSyntaxError, SourceNotFound) as located:
        return (
            located
            if isinstance(located, SourceSyntaxError)
            else SourceSyntaxError(path, None, None, str(located))
        )
    reason = _POSITION.sub("", str(exc.msg)) or "bad syntax"
    return SourceSyntaxError(path, exc.lineno, exc.offset, reason)


def parse_into(store: Store, path: Path, into: NamedNode | DefaultGraph) -> None:
    """Parse the Turtle file `path` into the graph `into` of `store` (relative IRIs against the file's own
    URL, blank nodes fresh per file); all of it or nothing. Errors name the file, line and column."""
    if not path.is_file():
        raise SourceNotFound(f"{path}: file not found" if not path.exists() else f"{path}: not a file")
    try:
        store.load(path=str(path), format=RdfFormat.TURTLE, base_iri=path.resolve().as_uri(), to_graph=into)
    except SyntaxError as exc:
        raise _located(path, exc) from None
    except OSError as exc:
        raise SourceNotFound(f"{path}: cannot read ({exc.strerror or exc})") from exc


class SourceStore:
    """The parsed sources of one build: `store` holds the named graphs `asserted` and `links` (and, after
    `add_ontology`, `ontology`); `ontology` is the ontology alone, in the default graph of its own store.
    (A plain class, not a dataclass: the build does not import dataclasses, issue 12.)"""

    def __init__(
        self, store: Store, ontology: Store, files: tuple[Path, ...], has_ontology_graph: bool = False
    ) -> None:
        self.store = store
        self.ontology = ontology
        self.files = files
        self.has_ontology_graph = has_ontology_graph

    def class_hierarchy(self) -> list[Quad]:
        """The ontology's rdfs:subClassOf axioms (what sh:class needs from it: build.validate)."""
        return list(self.ontology.quads_for_pattern(None, RDFS_SUB_CLASS_OF, None))

    def add_ontology(self) -> None:
        """Put the ontology into the dataset's `ontology` graph (after validation)."""
        if not self.has_ontology_graph:
            target = graph("ontology")
            self.store.extend(Quad(q.subject, q.predicate, q.object, target) for q in self.ontology)
            self.has_ontology_graph = True

    def size(self, name: str) -> int:
        """Triples in the named graph `name` (`ontology` counts the ontology even before `add_ontology`)."""
        if name == "ontology" and not self.has_ontology_graph:
            return len(self.ontology)
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, graph(name)))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_triples(quads: Iterable[Quad]) -> Iterator[tuple]:
    """Oxigraph quads as rdflib triples, for the parts of the build that take rdflib terms (the SHACL
    engines' shapes graph, the rdflib reasoners); an IRI is made once however often it recurs."""
    from rdflib import BNode, URIRef
    from rdflib import Literal as RdfLiteral

    iris: dict[str, URIRef] = {}

    def term(node):  # type: ignore[no-untyped-def]
        if isinstance(node, NamedNode):
            found = iris.get(node.value)
            if found is None:
                found = iris[node.value] = URIRef(node.value)
            return found
        if isinstance(node, BlankNode):
            return BNode(node.value)
        if node.language:
            return RdfLiteral(node.value, lang=node.language)
        datatype = node.datatype.value
        return (
            RdfLiteral(node.value)
            if datatype == _XSD_STRING
            else RdfLiteral(node.value, datatype=term(node.datatype))
        )

    for quad in quads:
        yield term(quad.subject), term(quad.predicate), term(quad.object)


def load_shapes(path: Path) -> Graph:
    """The shapes graph, as the SHACL engines take it (an rdflib Graph): parsed by Oxigraph and handed over
    term by term, ~2.5x quicker than rdflib's Turtle parser on ontology/shapes.ttl (the same graph:
    tests/test_validation_engines.py). Errors name the file, line and column, as `parse_into`'s do."""
    from rdflib import Graph

    scratch = Store()
    parse_into(scratch, path, DefaultGraph())
    shapes = Graph(bind_namespaces="core")
    shapes.addN((*triple, shapes) for triple in rdflib_triples(scratch))
    return shapes


def load_source_store(layout: Layout) -> SourceStore:
    """Parse the ontology and the data files of `layout` (the shapes are read by build.validate)."""
    if not layout.data_dir.is_dir():
        raise SourceNotFound(f"{layout.data_dir}: data folder not found")
    ontology = Store()
    parse_into(ontology, layout.ontology_file, DefaultGraph())
    store = Store()
    asserted = graph("asserted")
    for path in layout.asserted_files:
        parse_into(store, path, asserted)
    if layout.links_file.is_file():
        parse_into(store, layout.links_file, graph("links"))
    files = (layout.ontology_file, layout.shapes_file, *layout.data_files)
    return SourceStore(store=store, ontology=ontology, files=files)


__all__ = ["SourceStore", "graph", "load_shapes", "load_source_store", "parse_into"]
