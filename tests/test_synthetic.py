"""The synthetic corpus generator: renamed copies of the real data that still conform to the shapes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import Namespace

from alaska_kg.build.loading import load_sources
from alaska_kg.build.synthetic import Corpus, copy_iri, generate, read_template
from alaska_kg.build.validate import validate
from alaska_kg.errors import OutputError
from alaska_kg.namespaces import AK, AKR
from alaska_kg.paths import Layout

OA = Namespace("http://www.w3.org/ns/oa#")
COPIES = 2  # ~5.1k data triples: enough to see two copies side by side, small enough for CI


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, layout: Layout) -> Corpus:
    return generate(tmp_path_factory.mktemp("synthetic") / "corpus", COPIES, layout)


@pytest.fixture(scope="module")
def graphs(corpus: Corpus):
    return load_sources(corpus.layout)


@pytest.fixture(scope="module")
def real(layout: Layout):
    return load_sources(layout)


def _size(sources) -> int:
    return len(sources.asserted) + len(sources.links)


def test_the_corpus_is_laid_out_like_the_repository(corpus: Corpus, layout: Layout):
    """If a corpus is generated, then it has the ontology, queries, article text and every data file."""
    assert (corpus.root / "ontology/shapes.ttl").read_bytes() == layout.shapes_file.read_bytes()
    assert sorted(p.name for p in corpus.layout.query_files) == sorted(p.name for p in layout.query_files)
    assert corpus.layout.source_text.read_text(encoding="utf-8") == layout.source_text.read_text(
        encoding="utf-8"
    )
    assert [p.name for p in corpus.layout.data_files] == [p.name for p in layout.data_files]


def test_triple_count_is_k_times_the_real_data_less_the_shared_facts(corpus: Corpus, graphs, real, layout):
    """If k copies are made, then it holds k times the real triples, less the shared facts k-1 times."""
    template = read_template(layout)
    assert template.triples_once + template.triples_per_copy == _size(real)
    assert _size(graphs) == corpus.triples == template.triples_once + COPIES * template.triples_per_copy
    assert COPIES * _size(real) * 0.9 < _size(graphs) <= COPIES * _size(real)


def test_copy_zero_is_the_real_data(graphs, real):
    """If copy 0 is taken alone, then it is the real data, IRIs and labels unchanged."""
    prefix = AKR + "syn-"

    def copy_zero(graph: Graph) -> set:
        return {t for t in graph if not any(str(term).startswith(prefix) for term in t)}

    assert copy_zero(graphs.asserted) == set(real.asserted)
    assert copy_zero(graphs.links) == set(real.links)


def test_each_copy_has_its_own_iris(graphs, real, layout):
    """If a real resource is not shared vocabulary, then each copy names it by a distinct IRI of its own."""
    template = read_template(layout)
    assert {"article", "article-text", "kind-accusation", "statement-kinds"} <= template.shared
    copy_one = URIRef(copy_iri("alaska-talks", 1))
    assert str(copy_one) == AKR + "syn-00001-alaska-talks"
    assert (copy_one, RDF.type, URIRef(AK + "DiplomaticTalks")) in graphs.asserted
    real_subjects = {s for s in real.asserted.subjects() if str(s).startswith(AKR)}
    for subject in real_subjects:
        local = str(subject)[len(AKR) :]
        copied = URIRef(template.iri(local, 1))
        if copied == subject:  # shared: the source article and its text, the statement kinds
            continue
        assert (copied, None, None) in graphs.asserted, copied
    typed = Counter(str(s) for s in graphs.asserted.subjects(RDF.type, URIRef(AK + "Statement")))
    assert len(typed) == COPIES * len(set(real.asserted.subjects(RDF.type, URIRef(AK + "Statement"))))


def test_labels_name_one_copy(graphs):
    """If a resource is copied, then its label says which copy it is, so a label finds one resource."""
    labels = Counter(str(o) for o in graphs.asserted.objects(URIRef(copy_iri("yang-jiechi", 1)), None))
    assert "Yang Jiechi (copy 1)" in labels


def test_the_corpus_conforms_to_the_shapes(graphs):
    """If the corpus is validated as the build validates, then it conforms to ontology/shapes.ttl."""
    report = validate(graphs.asserted + graphs.links, graphs.ontology, graphs.shapes)
    assert report.conforms, "\n".join(str(v) for v in report.violations[:10])


def _value(graph: Graph, nodes: list, predicate: URIRef):
    """The one value of `predicate` on any of `nodes` (a text unit's selectors)."""
    return next(value for node in nodes for value in graph.objects(node, predicate))


def test_every_selector_of_every_copy_still_selects_its_exact_text(graphs, real, article: str):
    """If a text unit is copied, then its offsets still select its exact text in the one article text."""
    data = graphs.asserted
    units = list(data.subjects(RDF.type, URIRef(AK + "TextUnit")))
    for unit in units:
        selectors = list(data.objects(unit, OA.hasSelector))
        start, end = (_value(data, selectors, p).toPython() for p in (OA.start, OA.end))
        assert article[start:end] == str(_value(data, selectors, OA.exact)), unit
        assert data.value(unit, OA.hasSource) == URIRef(AKR + "article-text")
    real_units = set(real.asserted.subjects(RDF.type, URIRef(AK + "TextUnit")))
    assert len(units) == COPIES * len(real_units)
    assert sum(str(u).startswith(AKR + "syn-00001-") for u in units) == len(units) // COPIES


def test_generate_refuses_a_folder_that_is_not_empty(tmp_path: Path, layout: Layout):
    """If the output folder holds files, then nothing is written and the error names the folder."""
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=str(tmp_path)):
        generate(tmp_path, 1, layout)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_links_to_wikidata_are_not_copied(graphs, real):
    """If a resource is a renamed copy, then it is not the real person or country: no Wikidata link."""
    assert set(graphs.links) == set(real.links)
