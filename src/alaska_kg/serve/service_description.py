"""SPARQL 1.1 Service Description: what `/sparql` says of itself when asked for no query (§2: GET).

The endpoint, the language (SPARQL 1.1 Query only: read-only), the result formats it writes, the union
default graph, and its default dataset: each named graph with its size (VoID `void:triples`).
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from alaska_kg.query.dataset import OpenDataset

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID, "dcterms": DCTERMS}
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
RDF_FORMATS = {  # media type → pyoxigraph format; the first is the default
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
TITLE = (
    "alaska-kg: the knowledge graph of the United States–China talks in Alaska (read-only SPARQL endpoint)"
)


def graph_sizes(dataset: OpenDataset) -> tuple[int, dict[str, int]]:
    """Triples in the default graph (the union the endpoint queries) and in each named graph."""
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    union = next(iter(dataset.store.query(count, default_graph=dataset.graphs("all"))))["n"]
    sizes = {}
    for graph in dataset.store.named_graphs():
        if isinstance(graph, NamedNode):
            sizes[graph.value] = int(next(iter(dataset.store.query(count, default_graph=graph)))["n"].value)
    return int(union.value), dict(sorted(sizes.items()))


def description(endpoint: str, sizes: tuple[int, dict[str, int]], *, allow_service: bool) -> list[Triple]:
    """The service description of the endpoint at `endpoint` (an absolute IRI)."""
    service = NamedNode(endpoint)
    dataset, default = BlankNode(), BlankNode()

    def sd(name: str) -> NamedNode:
        return NamedNode(SD + name)

    def count(node: BlankNode, n: int) -> Triple:
        return Triple(node, NamedNode(VOID + "triples"), Literal(str(n), datatype=_INTEGER))

    triples = [
        Triple(service, RDF_TYPE, sd("Service")),
        Triple(service, sd("endpoint"), service),
        Triple(service, NamedNode(DCTERMS + "title"), Literal(TITLE, language="en")),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        *(Triple(service, sd("resultFormat"), NamedNode(FORMATS + name)) for name in RESULT_FORMATS),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), default),
        Triple(default, RDF_TYPE, sd("Graph")),
        count(default, sizes[0]),
    ]
    if allow_service:
        triples.append(Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    for name, size in sizes[1].items():
        named, graph = BlankNode(), BlankNode()
        triples += [
            Triple(dataset, sd("namedGraph"), named),
            Triple(named, RDF_TYPE, sd("NamedGraph")),
            Triple(named, sd("name"), NamedNode(name)),
            Triple(named, sd("graph"), graph),
            Triple(graph, RDF_TYPE, sd("Graph")),
            count(graph, size),
        ]
    return triples


def serialized(triples: list[Triple], media_type: str) -> bytes:
    """The description in one of RDF_FORMATS."""
    rdf_format = RDF_FORMATS[media_type]
    prefixes = PREFIXES if rdf_format in (RdfFormat.TURTLE, RdfFormat.RDF_XML) else None
    return serialize(triples, format=rdf_format, prefixes=prefixes) or b""


_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")

__all__ = ["RDF_FORMATS", "description", "graph_sizes", "serialized"]
