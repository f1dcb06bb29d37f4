"""Write the built dataset into an output folder, atomically, in every format a consumer may want."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pyoxigraph
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, SKOS, VOID

from alaska_kg import __version__
from alaska_kg.build.outdir import check_target, replace_folder
from alaska_kg.build.pictures import picture_writers
from alaska_kg.manifest import MANIFEST_NAME, Manifest
from alaska_kg.namespaces import GRAPH_BASE, GRAPH_NAMES, PREFIXES, graph_iri

GRAPH_TITLES = {
    "ontology": "the alaska-kg ontology (TBox)",
    "asserted": "the facts stated in data/*.ttl (ABox), links excepted",
    "inferred": "the OWL 2 RL entailments of the ontology and the asserted facts, noise filtered out",
    "links": "the links from our resources to Wikidata (data/links.ttl)",
}

TURTLE_NAME = "alaska-kg.ttl"
NTRIPLES_NAME = "alaska-kg.nt"
JSONLD_NAME = "alaska-kg.jsonld"
TRIG_NAME = "alaska-kg.trig"
NQUADS_NAME = "alaska-kg.nq"
VOID_NAME = "alaska-kg.void.ttl"
SUMMARY_NAME = "alaska-kg.summary.json"
OUTPUT_PREFIX = "alaska-kg."
ARTICLE_URL = "https://en.wikipedia.org/wiki/United_States%E2%80%93China_talks_in_Alaska"
LICENSE = URIRef("https://creativecommons.org/licenses/by-sa/4.0/")
DATASET_IRI = URIRef(GRAPH_BASE + "dataset")

MEDIA_TYPES = {
    TURTLE_NAME: "text/turtle",
    NTRIPLES_NAME: "application/n-triples",
    JSONLD_NAME: "application/ld+json",
    TRIG_NAME: "application/trig",
    NQUADS_NAME: "application/n-quads",
}

_HEADER = (
    "# alaska-kg {version}: {what}.\n"
    "# Built by `alaska-kg build` from ontology/ and data/; do not edit, rebuild instead.\n"
    "# Article text and data: CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/),\n"
    '# after the Wikipedia article "United States–China talks in Alaska" by Wikipedia contributors.\n\n'
)


@dataclass(frozen=True)
class ExportReport:
    """What one export wrote: the output folder and its files."""

    out_dir: Path
    files: tuple[Path, ...]


def _bind_prefixes(graph: Graph, prefixes: Mapping[str, str] = PREFIXES) -> None:
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def _ntriples(graph: Graph) -> str:
    """N-Triples (RDF 1.1 N-Triples §2), one triple per line, lines sorted so that builds diff cleanly."""
    # split on LF only: a literal may hold U+2028, U+0085, \v, \f, U+001C-1E raw, which N-Triples allows
    # (§2.4: only `"`, `\`, LF and CR are escaped) and str.splitlines() would take for line ends
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").split("\n")
    return "".join(sorted(f"{line}\n" for line in lines if line.strip()))


def _merge(*ntriples: str) -> str:
    """The union of sorted N-Triples documents, sorted, each triple once."""
    return "".join(sorted({f"{line}\n" for text in ntriples for line in text.split("\n") if line}))


def _nquads(named: Mapping[str, str]) -> str:
    """N-Quads (RDF 1.1 N-Quads §2) of named graphs given as N-Triples, sorted: what the query path loads."""
    quads = []
    for name, ntriples in named.items():
        suffix = f" <{graph_iri(name)}> .\n"
        quads += (line.rstrip()[:-1].rstrip() + suffix for line in ntriples.split("\n") if line.strip())
    return "".join(sorted(quads))


def _declarations(sizes: Mapping[str, int]) -> str:
    """The default graph of the TriG: the four named graphs with their titles and sizes, so that an empty
    named graph (RDF 1.1 Concepts §4: it has no syntax of its own) is still declared."""
    graph = Graph(bind_namespaces="none")
    for name in GRAPH_NAMES:
        iri = URIRef(graph_iri(name))
        graph.add((iri, RDF.type, VOID.Dataset))
        graph.add((iri, DCTERMS.title, Literal(GRAPH_TITLES[name], lang="en")))
        graph.add((iri, VOID.triples, Literal(sizes[name], datatype=XSD.integer)))
    return _ntriples(graph)


def _trig(declarations: str, nquads: str) -> str:
    """TriG of the dataset, written by Oxigraph from N-Quads (rdflib's TriG writer is ~10x slower)."""
    from alaska_kg.turtle import used_prefixes

    quads = list(
        pyoxigraph.parse((declarations + nquads).encode("utf-8"), format=pyoxigraph.RdfFormat.N_QUADS)
    )
    prefixes = used_prefixes(pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads)
    prefixes["akg"] = PREFIXES["akg"]
    return (pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.TRIG, prefixes=prefixes) or b"").decode()


def _oxigraph_triples(ntriples: str) -> list[pyoxigraph.Triple]:
    return [
        q.triple for q in pyoxigraph.parse(ntriples.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    ]


def _turtle(ntriples: str) -> str:
    """Turtle written by Oxigraph (subjects grouped, only the prefixes used)."""
    from alaska_kg.turtle import turtle

    return turtle(_oxigraph_triples(ntriples))


def _jsonld(ntriples: str, context: Mapping[str, object]) -> str:
    """JSON-LD 1.1 compacted with the shipped @context: its prefixes make the compact IRIs, and the context
    is written inline exactly as shipped (never a URL: nothing is fetched)."""
    from alaska_kg.jsonld import to_jsonld

    prefixes = {k: v for k, v in context.items() if isinstance(v, str)}
    return to_jsonld(_oxigraph_triples(ntriples), prefixes, context=context)


def describe_dataset(
    sizes: Mapping[str, int], class_counts: Mapping[str, int], built_on: date, link_count: int = 0
) -> Graph:
    """VoID and DCAT description of the dataset: graphs, sizes, entities per class, files, license, source."""
    graph = Graph(bind_namespaces="none")
    _bind_prefixes(graph)
    ds = DATASET_IRI
    graph.add((ds, RDF.type, VOID.Dataset))
    graph.add((ds, RDF.type, DCAT.Dataset))
    graph.add((ds, DCTERMS.title, Literal("alaska-kg: the United States–China talks in Alaska", lang="en")))
    graph.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "A knowledge graph of the Wikipedia article on the United States–China talks in Anchorage, "
                "Alaska "
                "(18–19 March 2021), every fact traced to the sentence it comes from.",
                lang="en",
            ),
        )
    )
    graph.add((ds, DCTERMS.license, LICENSE))
    graph.add((ds, DCTERMS.source, URIRef(ARTICLE_URL)))
    graph.add((ds, DCTERMS.created, Literal(built_on.isoformat(), datatype=XSD.date)))
    graph.add((ds, DCTERMS.hasVersion, Literal(__version__)))
    graph.add((ds, VOID.uriSpace, Literal(PREFIXES["akr"])))
    graph.add((ds, VOID.exampleResource, URIRef(PREFIXES["akr"] + "alaska-talks")))
    graph.add((ds, VOID.triples, Literal(sum(sizes.values()), datatype=XSD.integer)))
    for namespace in ("ak", "schema", "sem", "org", "prov", "time", "skos", "oa", "foaf"):
        graph.add((ds, VOID.vocabulary, URIRef(PREFIXES[namespace])))
    for name in GRAPH_NAMES:
        subset = URIRef(graph_iri(name))
        graph.add((ds, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, DCTERMS.title, Literal(GRAPH_TITLES[name], lang="en")))
        graph.add((subset, VOID.triples, Literal(sizes[name], datatype=XSD.integer)))
    for cls, count in class_counts.items():
        partition = URIRef(f"{GRAPH_BASE}dataset/class/{cls.rsplit('#', 1)[-1]}")
        graph.add((ds, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(cls)))
        graph.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    wikidata = URIRef(f"{GRAPH_BASE}dataset/wikidata")
    graph.add((wikidata, RDF.type, VOID.Dataset))
    graph.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
    graph.add((wikidata, VOID.uriSpace, Literal(PREFIXES["wd"])))
    linkset = URIRef(f"{GRAPH_BASE}dataset/wikidata-links")
    graph.add((ds, VOID.subset, linkset))
    graph.add((linkset, RDF.type, VOID.Linkset))
    graph.add((linkset, DCTERMS.title, Literal("links from alaska-kg to Wikidata", lang="en")))
    graph.add((linkset, VOID.subjectsTarget, ds))
    graph.add((linkset, VOID.objectsTarget, wikidata))
    graph.add((linkset, VOID.linkPredicate, SKOS.exactMatch))
    graph.add((linkset, VOID.triples, Literal(link_count, datatype=XSD.integer)))
    graph.add(
        (
            linkset,
            DCTERMS.source,
            Literal(
                "data/reference/wikidata-qids.tsv; links accepted with `alaska-kg link suggest --accept`"
            ),
        )
    )
    for file_name, media_type in MEDIA_TYPES.items():
        distribution = URIRef(f"{GRAPH_BASE}dataset/{file_name}")
        graph.add((ds, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.mediaType, Literal(media_type)))
        graph.add((distribution, DCAT.downloadURL, Literal(file_name)))
        graph.add((distribution, DCTERMS.license, LICENSE))
    return graph


Writer = Callable[[Path], None]


def write_atomically(out_dir: Path, writers: Mapping[str, Writer], *, owned: bool = False) -> ExportReport:
    """Write every file into a staging folder beside `out_dir`, list them in a manifest, then swap it into
    place (build.outdir): a failure leaves an earlier `out_dir` as it was, and a folder holding files a
    build did not write is refused unless `owned` (a cache entry)."""

    def fill(staging: Path) -> None:
        for name, write in writers.items():
            write(staging / name)

    manifest = replace_folder(Path(out_dir), fill, owned=owned)
    names = sorted({*writers, MANIFEST_NAME})
    return ExportReport(out_dir=manifest.folder, files=tuple(manifest.folder / name for name in names))


def export(
    out_dir: Path,
    *,
    ontology: Graph,
    asserted: Graph,
    inferred: Graph,
    links: Graph,
    context: Mapping[str, object],
    summary: Mapping[str, object] | Callable[[], Mapping[str, object]],
    class_counts: Mapping[str, int],
    owned: bool = False,
) -> ExportReport:
    """Write the asserted view (ontology, facts, links) as Turtle, N-Triples and JSON-LD; the dataset with
    one named graph per origin as TriG and N-Quads; its VoID/DCAT description; and the build summary."""
    named = {"ontology": ontology, "asserted": asserted, "inferred": inferred, "links": links}
    sizes = {name: len(graph) for name, graph in named.items()}
    link_count = len(list(links.triples((None, SKOS.exactMatch, None))))
    stated_header = _HEADER.format(version=__version__, what="the ontology, the asserted facts and the links")

    # Each graph is serialized by rdflib once, to N-Triples; every other format is made from those lines.
    @cache
    def lines() -> dict[str, str]:
        return {name: _ntriples(graph) for name, graph in named.items()}

    @cache
    def stated() -> str:
        return _merge(lines()["ontology"], lines()["asserted"], lines()["links"])

    @cache
    def nquads() -> str:
        return _nquads(lines())

    def text(content: Callable[[], str]) -> Writer:
        return lambda path: path.write_text(content(), encoding="utf-8")

    writers: dict[str, Writer] = {
        TURTLE_NAME: text(lambda: stated_header + _turtle(stated())),
        NTRIPLES_NAME: text(stated),
        JSONLD_NAME: text(lambda: _jsonld(stated(), context)),
        TRIG_NAME: text(
            lambda: (
                _HEADER.format(version=__version__, what="the dataset, one named graph per origin")
                + _trig(_declarations(sizes), nquads())
            )
        ),
        NQUADS_NAME: text(nquads),
        **picture_writers(nquads, NQUADS_NAME),  # timeline.svg, network.svg (alaska_kg.viz)
        VOID_NAME: text(
            lambda: (
                _HEADER.format(version=__version__, what="a VoID and DCAT description")
                + describe_dataset(sizes, class_counts, date.today(), link_count).serialize(format="turtle")
            )
        ),
        # last, so that a callable summary can time the export up to here
        SUMMARY_NAME: text(lambda: json.dumps(_call(summary), indent=2, ensure_ascii=False) + "\n"),
    }
    return write_atomically(out_dir, writers, owned=owned)


def _call(value: Mapping[str, object] | Callable[[], Mapping[str, object]]) -> Mapping[str, object]:
    return value() if callable(value) else value


def copy_outputs(
    source: Manifest, out_dir: Path, rewrite: Mapping[str, Callable[[bytes], bytes]] | None = None
) -> ExportReport:
    """Copy the outputs of an earlier build (a cache entry, by its manifest) into `out_dir`, atomically;
    each file is checked against its size and digest as it is read (CorruptOutput if it changed), and
    passed through `rewrite[name]` if given."""
    rewrite = rewrite or {}

    def copy(name: str) -> Writer:
        def write(target: Path) -> None:
            data = source.read_verified(name)
            target.write_bytes(rewrite[name](data) if name in rewrite else data)

        return write

    return write_atomically(out_dir, {name: copy(name) for name in sorted(source.entries)})


__all__ = [
    "GRAPH_TITLES",
    "ExportReport",
    "check_target",
    "copy_outputs",
    "describe_dataset",
    "export",
    "write_atomically",
]
