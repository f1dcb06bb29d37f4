"""Write the built dataset (Turtle, N-Triples, TriG with one named graph per origin) into an output folder."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, VOID, NamespaceManager

from alaska_kg import __version__
from alaska_kg.errors import OutputError

GRAPH_BASE = "https://w3id.org/alaska-kg/graph/"
GRAPH_NAMES: tuple[str, ...] = ("ontology", "asserted", "inferred", "links")
GRAPH_TITLES = {
    "ontology": "the alaska-kg ontology (TBox)",
    "asserted": "the facts stated in data/*.ttl (ABox), links excepted",
    "inferred": "the OWL 2 RL entailments of the ontology and the asserted facts, noise filtered out",
    "links": "the links from our resources to other datasets (data/links.ttl)",
}

# The prefixes written into the exports, and no others (rdflib would otherwise add its own ~24).
# schema: is http://schema.org/, as in the ontology; rdflib's SDO is https:// and must not leak in.
PREFIXES: dict[str, str] = {
    "ak": "https://w3id.org/alaska-kg/ontology#",
    "akr": "https://w3id.org/alaska-kg/resource/",
    "akg": GRAPH_BASE,
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

TURTLE_NAME = "alaska-kg.ttl"
NTRIPLES_NAME = "alaska-kg.nt"
TRIG_NAME = "alaska-kg.trig"
OUTPUT_PREFIX = "alaska-kg."

_HEADER = (
    "# alaska-kg {version}: {what}.\n"
    "# Built by `alaska-kg build` from ontology/ and data/; do not edit, rebuild instead.\n"
    "# Article text and data: CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/),\n"
    '# after the Wikipedia article "United States–China talks in Alaska" by Wikipedia contributors.\n\n'
)


def graph_iri(name: str) -> URIRef:
    """The IRI of one of the named graphs of the TriG export, e.g. https://w3id.org/alaska-kg/graph/inferred."""
    return URIRef(GRAPH_BASE + name)


@dataclass(frozen=True)
class ExportReport:
    """What one export wrote: the output folder, its files, and the triple count of each named graph."""

    out_dir: Path
    files: tuple[Path, ...]
    graph_sizes: tuple[tuple[str, int], ...]


def _bind_prefixes(graph: Graph | Dataset) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def _union(graphs: Iterable[Graph]) -> Graph:
    union = Graph(bind_namespaces="none")
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    _bind_prefixes(union)
    return union


def _dataset(named: dict[str, Graph]) -> Dataset:
    """The RDF dataset: one named graph per origin; the default graph describes them with VoID, so that
    an empty named graph (RDF 1.1 Concepts §4: it has no syntax of its own) is still declared."""
    dataset = Dataset(default_union=False)
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="none")
    _bind_prefixes(dataset)
    default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    for name in GRAPH_NAMES:
        iri = graph_iri(name)
        default.add((iri, RDF.type, VOID.Dataset))
        default.add((iri, DCTERMS.title, Literal(GRAPH_TITLES[name], lang="en")))
        default.add((iri, VOID.triples, Literal(len(named[name]), datatype=XSD.integer)))
        target = dataset.graph(iri)
        for triple in named[name]:
            target.add(triple)
    return dataset


def _ntriples(graph: Graph) -> str:
    """N-Triples (RDF 1.1 N-Triples §2), one triple per line, lines sorted so that builds diff cleanly."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "".join(sorted(f"{line}\n" for line in lines if line.strip()))


def check_target(out_dir: Path) -> None:
    """Refuse to replace anything but a missing folder or a folder of earlier build outputs."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder")
    if out_dir.is_dir():
        foreign = sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(OUTPUT_PREFIX))
        if foreign:
            raise OutputError(
                f"{out_dir}: holds files that a build did not write ({', '.join(foreign[:3])}); "
                "choose a new or empty output folder"
            )


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace `out_dir` by `staging` with renames, restoring the old folder if the second rename fails."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    retired.rmdir()
    out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except OSError:
        retired.rename(out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


Writer = Callable[[Path], None]


def export(
    out_dir: Path,
    *,
    ontology: Graph,
    asserted: Graph,
    inferred: Graph,
    links: Graph,
) -> ExportReport:
    """Write alaska-kg.ttl and alaska-kg.nt (ontology + asserted) and alaska-kg.trig (all four graphs).

    Atomic: everything is written to a temporary folder beside `out_dir` and then renamed into place, so
    a failure leaves an earlier `out_dir` as it was.
    """
    out_dir = Path(out_dir).absolute()
    named = {"ontology": ontology, "asserted": asserted, "inferred": inferred, "links": links}
    check_target(out_dir)
    core = _union((ontology, asserted))
    writers: dict[str, Writer] = {
        TURTLE_NAME: lambda path: path.write_text(
            _HEADER.format(version=__version__, what="the ontology and the asserted facts")
            + core.serialize(format="turtle"),
            encoding="utf-8",
        ),
        NTRIPLES_NAME: lambda path: path.write_text(_ntriples(core), encoding="utf-8"),
        TRIG_NAME: lambda path: path.write_text(
            _HEADER.format(version=__version__, what="the dataset, one named graph per origin")
            + _dataset(named).serialize(format="trig"),
            encoding="utf-8",
        ),
    }
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    except OSError as exc:
        raise OutputError(f"{out_dir.parent}: cannot create a folder here ({exc.strerror})") from exc
    try:
        for name, write in writers.items():
            write(staging / name)
        staging.chmod(0o755)
        _swap_in(staging, out_dir)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the build outputs ({exc.strerror or exc})") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return ExportReport(
        out_dir=out_dir,
        files=tuple(out_dir / name for name in writers),
        graph_sizes=tuple((name, len(named[name])) for name in GRAPH_NAMES),
    )


__all__ = ["GRAPH_BASE", "GRAPH_NAMES", "PREFIXES", "ExportReport", "check_target", "export", "graph_iri"]
