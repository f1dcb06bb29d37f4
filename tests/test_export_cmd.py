"""`alaska-kg export`: every syntax reads back to the same triples; TriG keeps the named graphs; JSON-LD is
compacted with the shipped context, inline; -o writes atomically; an unwritable path is exit 5."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph
import pytest

from alaska_kg.namespaces import GRAPH_NAMES, graph_iri

FORMATS = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "xml": pyoxigraph.RdfFormat.RDF_XML,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}


def _triples(dataset, graph: str) -> set[str]:
    names = GRAPH_NAMES if graph == "all" else (graph,)
    return {
        str(pyoxigraph.Triple(q.subject, q.predicate, q.object))
        for name in names
        for q in dataset.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph_iri(name)))
    }


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("graph", ["links", "all"])
def test_export_reads_back_to_the_same_triples(cli, dataset, fmt: str, graph: str) -> None:
    code, out, _ = cli("export", "--format", fmt, "--graph", graph)
    assert code == 0
    read = {str(t) for t in pyoxigraph.parse(out.encode(), format=FORMATS[fmt])}
    assert read == _triples(dataset, graph)
    assert "https://schema.org/" not in out


def test_trig_keeps_the_named_graphs(cli, dataset) -> None:
    code, out, _ = cli("export", "--format", "trig")
    assert code == 0
    quads = list(pyoxigraph.parse(out.encode(), format=pyoxigraph.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == {graph_iri(n) for n in GRAPH_NAMES}
    assert len(quads) == len(dataset.store)


def test_turtle_declares_only_the_prefixes_it_uses(cli) -> None:
    code, out, _ = cli("export", "--format", "ttl", "--graph", "links")
    assert code == 0
    declared = {line.split()[1] for line in out.splitlines() if line.startswith("@prefix")}
    assert declared == {"akr:", "dcterms:", "rdf:", "skos:", "wd:", "xsd:"}


def test_jsonld_uses_the_shipped_context_inline(cli, layout) -> None:
    code, out, _ = cli("export", "--format", "jsonld", "--graph", "asserted")
    assert code == 0
    document = json.loads(out)
    assert document["@context"] == json.loads(layout.context_file.read_text())["@context"]
    node = next(n for n in document["@graph"] if n["@id"] == "akr:yang-jiechi")
    assert node["@type"] == ["ak:Person"]
    assert node["ak:speaksFor"] == [{"@id": "akr:china"}]
    assert node["rdfs:label"] == [{"@value": "Yang Jiechi", "@language": "en"}]


def test_output_file_is_written_atomically(cli, tmp_path: Path) -> None:
    target = tmp_path / "links.nt"
    target.write_text("old\n")
    code, out, _ = cli("export", "--format", "nt", "--graph", "links", "-o", str(target))
    assert (code, out) == (0, "")
    # 45 links, each with a six-triple note saying where and when it was confirmed
    assert len(target.read_text().splitlines()) == 45 * 7
    assert [p.name for p in tmp_path.iterdir()] == ["links.nt"]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("where", ["missing-folder/out.ttl", "."])
def test_unwritable_output_is_exit_5(cli, tmp_path: Path, where: str) -> None:
    target = tmp_path / where
    code, out, err = cli("export", "--format", "ttl", "-o", str(target))
    assert code == 5 and out == ""
    assert err.startswith(f"alaska-kg: error: {target}: ")
    assert len(err.strip().splitlines()) == 1


def test_unknown_export_format_is_a_usage_error(cli) -> None:
    code, _, err = cli("export", "--format", "n3")
    assert code == 2 and "invalid choice: 'n3'" in err


def test_same_as_is_added_only_on_request(cli) -> None:
    """By default no owl:sameAs leaves the dataset (OWL RL would merge our resources with Wikidata's);
    with --sameas each of the 41 skos:exactMatch links to Wikidata gets its owl:sameAs twin (the closeMatch,
    broadMatch and relatedMatch links are not the same thing, issue 10)."""
    code, plain_out, _ = cli("export", "--format", "nt", "--graph", "links")
    assert code == 0 and "owl#sameAs" not in plain_out
    code, out, _ = cli("export", "--format", "nt", "--graph", "links", "--sameas")
    assert code == 0
    same = [line for line in out.splitlines() if "<http://www.w3.org/2002/07/owl#sameAs>" in line]
    assert len(same) == 41
    assert (
        "<https://w3id.org/alaska-kg/resource/yang-jiechi> <http://www.w3.org/2002/07/owl#sameAs> "
        "<http://www.wikidata.org/entity/Q58211> ." in same
    )
