"""The build outputs read back: every format says the same, and the context and description are honest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, VOID

from alaska_kg.cli.app import main
from alaska_kg.namespaces import GRAPH_NAMES, PREFIXES, graph_iri

ROOT = Path(__file__).resolve().parents[1]
AK = Namespace("https://w3id.org/alaska-kg/ontology#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports") / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALASKA_KG_CACHE", str(tmp_path_factory.mktemp("cache")))
        assert main(["build", "--root", str(ROOT), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def turtle(built: Path) -> Graph:
    return Graph().parse(built / "alaska-kg.ttl", format="turtle")


def _from_oxigraph(path: Path, fmt: pyoxigraph.RdfFormat) -> Graph:
    """Read a file with Oxigraph, an independent parser, into an rdflib graph for comparison."""
    graph = Graph()
    for quad in pyoxigraph.parse(path=str(path), format=fmt):
        graph.add(tuple(_term(t) for t in (quad.subject, quad.predicate, quad.object)))
    return graph


def _term(term: object):
    from rdflib import BNode

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    assert isinstance(term, pyoxigraph.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


def test_jsonld_read_back_is_isomorphic_to_the_turtle(built: Path, turtle: Graph):
    """If alaska-kg.jsonld is parsed (with its inline context only), then it holds the same graph."""
    jsonld = Graph().parse(built / "alaska-kg.jsonld", format="json-ld")
    assert isomorphic(jsonld, turtle)


def test_turtle_read_by_oxigraph_is_isomorphic_to_rdflibs_reading(built: Path, turtle: Graph):
    assert isomorphic(_from_oxigraph(built / "alaska-kg.ttl", pyoxigraph.RdfFormat.TURTLE), turtle)


def test_nquads_for_the_query_path_hold_the_four_named_graphs(built: Path):
    store = pyoxigraph.Store()
    store.load(path=str(built / "alaska-kg.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    graphs = {g.value for g in store.named_graphs()}
    assert graphs == {graph_iri(name) for name in GRAPH_NAMES}
    assert len(store) == sum(
        json.loads((built / "alaska-kg.summary.json").read_text())["graph_sizes"].values()
    )


def test_jsonld_context_is_the_shipped_one_and_names_only_used_prefixes(built: Path, turtle: Graph):
    """The @context is ontology/context.jsonld verbatim (no remote context), and each of its prefixes
    is the namespace of some IRI in the data."""
    body = json.loads((built / "alaska-kg.jsonld").read_text(encoding="utf-8"))
    shipped = json.loads((ROOT / "ontology/context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert body["@context"] == shipped
    assert all(isinstance(v, str) and v.startswith("http") for v in shipped.values())
    iris = {str(t) for triple in turtle for t in triple if isinstance(t, URIRef)}
    iris |= {str(t.datatype) for triple in turtle for t in triple if isinstance(t, Literal) and t.datatype}
    for prefix, namespace in shipped.items():
        assert any(iri.startswith(namespace) for iri in iris), f"@context prefix {prefix} is not used"
        assert PREFIXES[prefix] == namespace


def test_no_remote_context_and_no_https_schema_org_in_any_output(built: Path):
    for path in built.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "https://schema.org" not in text, path.name
    context = json.loads((built / "alaska-kg.jsonld").read_text(encoding="utf-8"))["@context"]
    assert isinstance(context, dict)


def test_void_description_counts_match_the_dataset(built: Path):
    """The VoID/DCAT file states the license, the source article, each graph's size and one distribution
    per data file, with sizes equal to the build summary."""
    void = Graph().parse(built / "alaska-kg.void.ttl", format="turtle")
    summary = json.loads((built / "alaska-kg.summary.json").read_text(encoding="utf-8"))
    dataset = URIRef(graph_iri("dataset"))
    assert (dataset, RDF.type, DCAT.Dataset) in void
    assert (dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by-sa/4.0/")) in void
    assert str(void.value(dataset, DCTERMS.source)).startswith("https://en.wikipedia.org/wiki/United_States")
    for name in GRAPH_NAMES:
        assert int(void.value(URIRef(graph_iri(name)), VOID.triples)) == summary["graph_sizes"][name]
    media = {str(void.value(d, DCAT.mediaType)) for d in void.objects(dataset, DCAT.distribution)}
    assert media == {
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/trig",
        "application/n-quads",
    }
    persons = next(
        p for p in void.objects(dataset, VOID.classPartition) if void.value(p, VOID["class"]) == AK.Person
    )
    assert int(void.value(persons, VOID.entities)) == 17


def test_summary_names_every_stage(built: Path):
    summary = json.loads((built / "alaska-kg.summary.json").read_text(encoding="utf-8"))
    assert list(summary["seconds"]) == ["parse", "validate", "reason", "export"]
    assert summary["validation"].startswith("conforms")
    assert re.fullmatch(r"[0-9a-f]{32}", summary["source_key"])


def test_void_linkset_counts_the_links_to_wikidata(built: Path, turtle: Graph):
    """The links are described as a VoID Linkset: our dataset to Wikidata by skos:exactMatch, with as many
    triples as there are skos:exactMatch links in the data."""
    from rdflib.namespace import SKOS

    void = Graph().parse(built / "alaska-kg.void.ttl", format="turtle")
    linkset = URIRef(graph_iri("dataset/wikidata-links"))
    assert (linkset, RDF.type, VOID.Linkset) in void
    assert void.value(linkset, VOID.linkPredicate) == SKOS.exactMatch
    assert void.value(linkset, VOID.subjectsTarget) == URIRef(graph_iri("dataset"))
    assert (
        str(void.value(void.value(linkset, VOID.objectsTarget), VOID.uriSpace))
        == "http://www.wikidata.org/entity/"
    )
    assert (
        int(void.value(linkset, VOID.triples))
        == len(list(turtle.triples((None, SKOS.exactMatch, None))))
        == 41  # the exactMatch links; 4 more links are closeMatch, broadMatch or relatedMatch (issue 10)
    )


@pytest.mark.parametrize("count", [0, 1, 6, 7, 8, 15])
def test_the_ntriples_written_a_slice_at_a_time_are_the_lines_each_ended_by_lf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """If the stated N-Triples are written 7 lines at a time (issue 12: never joined whole), then the file
    is still every line in order, each ended by LF, and empty for no lines, at and around a slice's end."""
    import alaska_kg.build.publish as publish

    monkeypatch.setattr(publish, "_LINES_PER_WRITE", 7)
    lines = [f"<urn:s{i}> <urn:p> <urn:o> .".encode() for i in range(count)]
    publish._write_ntriples(tmp_path / "out.nt", lines)
    assert (tmp_path / "out.nt").read_bytes() == b"".join(line + b"\n" for line in lines)


def test_an_export_written_in_small_slices_is_byte_for_byte_the_default_one(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the stated N-Triples are written 3 lines at a time and Turtle and JSON-LD are parsed back from that
    file, then every RDF output is byte for byte that of the default build (the summary holds timings)."""
    import alaska_kg.build.publish as publish

    monkeypatch.setattr(publish, "_LINES_PER_WRITE", 3)
    monkeypatch.setenv("ALASKA_KG_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "dist"
    assert main(["build", "--root", str(ROOT), "--out", str(out)]) == 0
    names = ["alaska-kg.nt", "alaska-kg.ttl", "alaska-kg.jsonld", "alaska-kg.nq", "alaska-kg.trig"]
    for name in names:
        assert (out / name).read_bytes() == (built / name).read_bytes(), name
    stated = {g: f" <{graph_iri(g)}> .".encode() for g in ("ontology", "asserted", "links")}
    from_nquads = {
        line[: -len(suffix)] + b" ."
        for line in (built / "alaska-kg.nq").read_bytes().split(b"\n")
        for suffix in stated.values()
        if line.endswith(suffix)
    }
    assert (out / "alaska-kg.nt").read_bytes() == b"".join(line + b"\n" for line in sorted(from_nquads))


def _hidden_folders(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if p.name.startswith("."))


def test_the_stated_view_written_while_reasoning_is_the_export_s_own(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the build writes the stated view (N-Triples, Turtle, JSON-LD) in a thread while it reasons (issue
    12), then each file is byte for byte what `export_store` writes from the finished store without it,
    and the thread's private folder is gone afterwards."""
    import alaska_kg.build.publish as publish
    from alaska_kg.build.parse import load_source_store
    from alaska_kg.build.pipeline import _load_context, reason_into
    from alaska_kg.paths import Layout

    layout = Layout(ROOT)
    sources = load_source_store(layout)
    sources.add_ontology()
    context = _load_context(layout)
    target = tmp_path / "entry"
    stated = publish.StatedView(sources.store, target, context)
    reason_into(sources.store, "rules")
    for name, view in (("with", stated), ("without", None)):
        publish.export_store(
            tmp_path / name, store=sources.store, context=context, summary={}, class_counts={}, stated=view
        )
    for name in publish.STATED_FILES:
        assert (tmp_path / "with" / name).read_bytes() == (tmp_path / "without" / name).read_bytes(), name
        assert (tmp_path / "with" / name).read_bytes() == (built / name).read_bytes(), name
    assert (tmp_path / "with" / "alaska-kg.nq").read_bytes() == (built / "alaska-kg.nq").read_bytes()
    assert not stated.folder.exists()
    assert _hidden_folders(tmp_path) == []


def test_a_build_that_fails_while_reasoning_leaves_no_stated_view_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If reasoning fails after the stated view's thread started, then the build fails with the reasoner's
    error and leaves neither a cache entry nor the thread's folder in the cache."""
    import alaska_kg.build.pipeline as pipeline
    from alaska_kg.errors import Inconsistent

    def clash(store: object, reasoner: str) -> int:
        raise Inconsistent("inconsistent (a test): x is both A and B")

    cache = tmp_path / "cache"
    monkeypatch.setenv("ALASKA_KG_CACHE", str(cache))
    monkeypatch.setattr(pipeline, "reason_into", clash)
    assert main(["build", "--root", str(ROOT), "--out", str(tmp_path / "dist")]) == Inconsistent.exit_code
    leftovers = [p for p in cache.rglob("*") if p.name.startswith(".") and ".tmp-" in p.name]
    assert leftovers == []
    assert not (tmp_path / "dist").exists()


def test_a_stated_view_that_cannot_write_fails_the_export_with_its_folder_named(
    tmp_path: Path,
) -> None:
    """If the stated view's thread cannot write (its folder removed under it), then taking its files
    raises OutputError naming the folder, and discarding it afterwards leaves nothing."""
    import alaska_kg.build.publish as publish
    from alaska_kg.build.parse import load_source_store
    from alaska_kg.errors import OutputError
    from alaska_kg.paths import Layout

    sources = load_source_store(Layout(ROOT))
    sources.add_ontology()
    blocked = tmp_path / "entry"
    import shutil

    class Vanishing(publish.StatedView):
        def _write(self, store, context):  # type: ignore[no-untyped-def]
            shutil.rmtree(self.folder)
            super()._write(store, context)

    view = Vanishing(sources.store, blocked, {})
    with pytest.raises(OutputError, match=re.escape(str(view.folder))):
        view.take("alaska-kg.nt", tmp_path / "x.nt")
    view.discard()
    assert _hidden_folders(tmp_path) == []


def test_a_build_spread_over_threads_writes_what_one_thread_writes(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the bundled data is built as a large dataset is (validation on every core, the stated view
    written while reasoning: build.parallel's threshold set to 0), then every output is byte for byte the
    default build's (the summary and manifest hold timings) and the cache holds no private folder."""
    import alaska_kg.build.parallel as parallel
    import alaska_kg.build.pipeline as pipeline

    started: list[object] = []

    class Recorded(pipeline.StatedView):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            started.append(self)

    monkeypatch.setattr(parallel, "PARALLEL_MIN_QUADS", 0)
    monkeypatch.setattr(pipeline, "StatedView", Recorded)
    cache = tmp_path / "cache"
    monkeypatch.setenv("ALASKA_KG_CACHE", str(cache))
    out = tmp_path / "dist"
    assert main(["build", "--root", str(ROOT), "--out", str(out)]) == 0
    names = sorted(p.name for p in built.iterdir() if p.suffix not in (".json", ".manifest"))
    assert len(names) == 9  # five RDF files, the VoID, the label table, the two pictures
    for name in names:
        assert (out / name).read_bytes() == (built / name).read_bytes(), name
    assert [p for p in cache.rglob("*") if ".tmp-" in p.name] == []
    assert len(started) == 1  # the stated view was written while reasoning
