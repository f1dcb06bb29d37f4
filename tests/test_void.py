"""The VoID/DCAT description (build.void) is made without rdflib and written as rdflib wrote it: the same
graph, the same bytes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from alaska_kg.build.pipeline import build
from alaska_kg.build.publish import MEDIA_TYPES, VOID_NAME
from alaska_kg.build.void import describe_dataset, void_turtle


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, layout):
    return build(layout, tmp_path_factory.mktemp("void") / "out")


def _inputs(summary):
    links = 41 if summary.graph_sizes["links"] else 0
    return summary.graph_sizes, summary.class_counts, links


def test_the_bundled_builds_description_is_isomorphic_to_rdflibs(built):
    """If the bundled data is built, then its alaska-kg.void.ttl is isomorphic to the graph rdflib makes of
    the same figures, and its Turtle is rdflib's serialization of that graph, byte for byte."""
    written = (built.out_dir / VOID_NAME).read_bytes()
    sizes, counts, _ = _inputs(built.summary)
    parsed = Graph().parse(data=written.decode("utf-8"), format="turtle")
    created = next(parsed.objects(None, Graph().namespace_manager.expand_curie("dcterms:created")))
    links = next(
        int(o)
        for s, p, o in parsed
        if str(p) == "http://rdfs.org/ns/void#triples" and str(s).endswith("/dataset/wikidata-links")
    )
    built_on = date.fromisoformat(str(created))
    reference = describe_dataset(sizes, counts, built_on, links, MEDIA_TYPES)
    assert isomorphic(parsed, reference)
    assert written.endswith(reference.serialize(format="turtle").encode("utf-8"))
    assert written.endswith(void_turtle(sizes, counts, built_on, links, MEDIA_TYPES))


@pytest.mark.parametrize("links", [0, 7])
def test_any_figures_are_written_as_rdflib_writes_them(links: int):
    """If the sizes and class counts change (a class with an odd name, an empty graph), then the Turtle is
    still rdflib's, byte for byte."""
    sizes = {"ontology": 10, "asserted": 0, "inferred": 12345678, "links": links}
    counts = {"https://w3id.org/alaska-kg/ontology#Zebra": 3, "https://w3id.org/alaska-kg/ontology#A_b-c": 1}
    ours = void_turtle(sizes, counts, date(2027, 1, 2), links, MEDIA_TYPES)
    reference = describe_dataset(sizes, counts, date(2027, 1, 2), links, MEDIA_TYPES)
    assert ours == reference.serialize(format="turtle").encode("utf-8")
    assert isomorphic(Graph().parse(data=ours.decode("utf-8"), format="turtle"), reference)


def test_the_description_needs_no_rdflib():
    import subprocess
    import sys

    code = "import sys, alaska_kg.build.void, alaska_kg.build.publish; print('rdflib' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    )
    assert Path  # (the module's imports stay used)
