"""The VoID and DCAT description of the built dataset (alaska-kg.void.ttl), made without rdflib.

A hundred triples: rdflib made and wrote them for years, and its import alone cost more than the rest of
the build of the bundled data (issue 12). The triples are made here as Oxigraph terms and written in the
layout rdflib's Turtle writer gave them (subjects, predicates and objects in IRI order, rdf:type first and
written `a`, only the prefixes used), so the file stays byte for byte what earlier builds wrote:
tests/test_void.py compares it with rdflib's serialization of the same graph, and checks it is isomorphic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from pyoxigraph import Literal, NamedNode, Triple

from alaska_kg import __version__
from alaska_kg.namespaces import GRAPH_BASE, GRAPH_NAMES, PREFIXES, graph_iri


class Namespace:
    """An IRI prefix whose attributes and items are the IRIs under it (as rdflib's Namespace, as strings)."""

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._base + name

    def __getitem__(self, name: str) -> str:
        return self._base + name

    def __str__(self) -> str:
        return self._base


RDF = Namespace(PREFIXES["rdf"])
XSD = Namespace(PREFIXES["xsd"])
DCAT = Namespace(PREFIXES["dcat"])
DCTERMS = Namespace(PREFIXES["dcterms"])
SKOS = Namespace(PREFIXES["skos"])
VOID = Namespace(PREFIXES["void"])

GRAPH_TITLES = {
    "ontology": "the alaska-kg ontology (TBox)",
    "asserted": "the facts stated in data/*.ttl (ABox), links excepted",
    "inferred": "the OWL 2 RL entailments of the ontology and the asserted facts, noise filtered out",
    "links": "the links from our resources to Wikidata (data/links.ttl)",
}
ARTICLE_URL = "https://en.wikipedia.org/wiki/United_States%E2%80%93China_talks_in_Alaska"
LICENSE = "https://creativecommons.org/licenses/by-sa/4.0/"
DATASET_IRI = GRAPH_BASE + "dataset"


def description(
    sizes: Mapping[str, int],
    class_counts: Mapping[str, int],
    built_on: date,
    link_count: int = 0,
    media_types: Mapping[str, str] | None = None,
) -> list[Triple]:
    """VoID and DCAT description of the dataset: graphs, sizes, entities per class, files, license, source."""
    triples: list[Triple] = []

    def add(subject: str, predicate: str, obj: NamedNode | Literal) -> None:
        triples.append(Triple(NamedNode(subject), NamedNode(predicate), obj))

    def iri(value: str) -> NamedNode:
        return NamedNode(value)

    def en(text: str) -> Literal:
        return Literal(text, language="en")

    def integer(value: int) -> Literal:
        return Literal(str(value), datatype=NamedNode(XSD.integer))

    ds = DATASET_IRI
    add(ds, RDF.type, iri(VOID.Dataset))
    add(ds, RDF.type, iri(DCAT.Dataset))
    add(ds, DCTERMS.title, en("alaska-kg: the United States–China talks in Alaska"))
    add(
        ds,
        DCTERMS.description,
        en(
            "A knowledge graph of the Wikipedia article on the United States–China talks in Anchorage, "
            "Alaska (18–19 March 2021), every fact traced to the sentence it comes from."
        ),
    )
    add(ds, DCTERMS.license, iri(LICENSE))
    add(ds, DCTERMS.source, iri(ARTICLE_URL))
    add(ds, DCTERMS.created, Literal(built_on.isoformat(), datatype=NamedNode(XSD.date)))
    add(ds, DCTERMS.hasVersion, Literal(__version__))
    add(ds, VOID.uriSpace, Literal(PREFIXES["akr"]))
    add(ds, VOID.exampleResource, iri(PREFIXES["akr"] + "alaska-talks"))
    add(ds, VOID.triples, integer(sum(sizes.values())))
    for namespace in ("ak", "schema", "sem", "org", "prov", "time", "skos", "oa", "foaf"):
        add(ds, VOID.vocabulary, iri(PREFIXES[namespace]))
    for name in GRAPH_NAMES:
        subset = graph_iri(name)
        add(ds, VOID.subset, iri(subset))
        add(subset, RDF.type, iri(VOID.Dataset))
        add(subset, DCTERMS.title, en(GRAPH_TITLES[name]))
        add(subset, VOID.triples, integer(sizes[name]))
    for cls, count in class_counts.items():
        partition = f"{GRAPH_BASE}dataset/class/{cls.rsplit('#', 1)[-1]}"
        add(ds, VOID.classPartition, iri(partition))
        add(partition, VOID["class"], iri(cls))
        add(partition, VOID.entities, integer(count))
    wikidata = f"{GRAPH_BASE}dataset/wikidata"
    add(wikidata, RDF.type, iri(VOID.Dataset))
    add(wikidata, DCTERMS.title, en("Wikidata"))
    add(wikidata, VOID.uriSpace, Literal(PREFIXES["wd"]))
    linkset = f"{GRAPH_BASE}dataset/wikidata-links"
    add(ds, VOID.subset, iri(linkset))
    add(linkset, RDF.type, iri(VOID.Linkset))
    add(linkset, DCTERMS.title, en("links from alaska-kg to Wikidata"))
    add(linkset, VOID.subjectsTarget, iri(ds))
    add(linkset, VOID.objectsTarget, iri(wikidata))
    add(linkset, VOID.linkPredicate, iri(SKOS.exactMatch))
    add(linkset, VOID.triples, integer(link_count))
    add(
        linkset,
        DCTERMS.source,
        Literal("data/reference/wikidata-qids.tsv; links accepted with `alaska-kg link suggest --accept`"),
    )
    # the files of the build (alaska_kg.build.publish.MEDIA_TYPES), by name, with their media types
    for file_name, media_type in (media_types or {}).items():
        distribution = f"{GRAPH_BASE}dataset/{file_name}"
        add(ds, DCAT.distribution, iri(distribution))
        add(distribution, RDF.type, iri(DCAT.Distribution))
        add(distribution, DCAT.mediaType, Literal(media_type))
        add(distribution, DCAT.downloadURL, Literal(file_name))
        add(distribution, DCTERMS.license, iri(LICENSE))
    return triples


# ---------------------------------------------------------------- Turtle in rdflib's layout

_LOCAL = re.compile(r"(?:[A-Za-z_][\w.-]*[\w-]|[A-Za-z_])?")  # a local name rdflib writes prefixed (no "/")
_INTEGER = re.compile(r"[+-]?\d+")


def _prefixed(iri: str, used: set[str]) -> str:
    """`prefix:local` under the longest curated namespace leaving a plain local name, else `<iri>`."""
    best = None
    for prefix, namespace in PREFIXES.items():
        fits = iri.startswith(namespace) and _LOCAL.fullmatch(iri[len(namespace) :])
        if fits and (best is None or len(namespace) > len(PREFIXES[best])):
            best = prefix
    if best is None:
        return f"<{iri}>"
    used.add(best)
    return f"{best}:{iri[len(PREFIXES[best]) :]}"


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _object(term: NamedNode | Literal, used: set[str]) -> str:
    if isinstance(term, NamedNode):
        return _prefixed(term.value, used)
    if term.language:
        return f"{_string(term.value)}@{term.language}"
    datatype = term.datatype.value
    if datatype == XSD.string:
        return _string(term.value)
    if datatype == XSD.integer and _INTEGER.fullmatch(term.value):
        return term.value
    return f"{_string(term.value)}^^{_prefixed(datatype, used)}"


def _sort_key(term: NamedNode | Literal) -> tuple[int, str, str]:
    if isinstance(term, NamedNode):
        return (0, term.value, "")
    return (1, term.value, term.language or term.datatype.value)


def turtle(triples: list[Triple]) -> str:
    """Turtle laid out as rdflib 7 writes it: subjects in IRI order, each with rdf:type first (`a`) and the
    other predicates in IRI order, objects in order, several objects on lines of their own; the
    @prefix lines of the curated prefixes used, sorted by name."""
    by_subject: dict[str, dict[str, list[NamedNode | Literal]]] = {}
    for triple in triples:
        objects = by_subject.setdefault(triple.subject.value, {}).setdefault(triple.predicate.value, [])
        if triple.object not in objects:
            objects.append(triple.object)  # type: ignore[arg-type]
    used: set[str] = set()
    blocks = []
    for subject in sorted(by_subject):
        predicates = by_subject[subject]
        order = sorted(predicates, key=lambda p: (p != RDF.type, p))
        lines = []
        for predicate in order:
            name = "a" if predicate == RDF.type else _prefixed(predicate, used)
            objects = [_object(o, used) for o in sorted(predicates[predicate], key=_sort_key)]
            lines.append(f"{name} " + ",\n        ".join(objects))
        blocks.append(f"{_prefixed(subject, used)} " + " ;\n    ".join(lines) + " .\n")
    head = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in sorted(used))
    return head + "\n" + "\n".join(blocks) + "\n"


def void_turtle(
    sizes: Mapping[str, int],
    class_counts: Mapping[str, int],
    built_on: date,
    link_count: int = 0,
    media_types: Mapping[str, str] | None = None,
) -> bytes:
    """The description as the Turtle of alaska-kg.void.ttl (without its comment header)."""
    return turtle(description(sizes, class_counts, built_on, link_count, media_types)).encode("utf-8")


def describe_dataset(
    sizes: Mapping[str, int],
    class_counts: Mapping[str, int],
    built_on: date,
    link_count: int = 0,
    media_types: Mapping[str, str] | None = None,
):  # type: ignore[no-untyped-def]
    """The description as an rdflib Graph with the curated prefixes bound (for callers that want rdflib)."""
    from rdflib import Graph

    from alaska_kg.build.parse import rdflib_triples

    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    triples = description(sizes, class_counts, built_on, link_count, media_types)
    for triple in rdflib_triples(triples):  # type: ignore[arg-type]
        graph.add(triple)
    return graph


__all__ = [
    "DATASET_IRI",
    "GRAPH_TITLES",
    "LICENSE",
    "describe_dataset",
    "description",
    "turtle",
    "void_turtle",
]
