"""The fallback route "auto" (pyshacl-turbo, with its known gaps routed to pySHACL) reports exactly what
pySHACL (the reference) reports, here; and the build's store (validated by the default engine, "sparql")
gives pySHACL's findings too (tests/test_shacl_sparql.py compares the SPARQL engine result by result)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from alaska_kg.build.validate import FALLBACK_ENGINE, validate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests/fixtures/invalid").glob("*.ttl"))


def _results(graph: rdflib.Graph, sources, engine: str) -> tuple[bool, set[tuple[str, str, str, str]]]:
    report = validate(graph, sources.ontology, sources.shapes, engine=engine)  # type: ignore[arg-type]
    results = rdflib.Graph().parse(data=report.report_turtle, format="turtle")
    found = set()
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        found.add(
            (
                str(focus) if isinstance(focus, rdflib.URIRef) else "_:blank",
                str(results.value(result, SH.sourceShape))
                if isinstance(results.value(result, SH.sourceShape), rdflib.URIRef)
                else "_:shape",
                str(results.value(result, SH.sourceConstraintComponent)),
                str(results.value(result, SH.resultSeverity)),
            )
        )
    return report.conforms, found


def test_the_fast_engine_is_the_default_and_is_installed():
    import pyshacl_turbo  # noqa: F401 - must import: a fallback to pySHACL would hide a broken install

    assert FALLBACK_ENGINE == "auto"


def test_both_engines_pass_the_real_data(sources):
    data = sources.asserted + sources.links
    assert _results(data, sources, FALLBACK_ENGINE) == _results(data, sources, "pyshacl") == (True, set())


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_both_engines_report_the_same_on_each_invalid_fixture(fixture: Path, sources, text_units):
    """If a fixture breaks a constraint, then both engines report the same focus nodes, shapes, constraint
    components and severities."""
    graph = rdflib.Graph().parse(fixture) + text_units
    turbo = _results(graph, sources, FALLBACK_ENGINE)
    reference = _results(graph, sources, "pyshacl")
    assert turbo == reference
    assert turbo[0] is False


# ---------------------------------------------------------------- the build's path: the store


def _store_sources(*files: Path):
    """The files parsed as the build parses its data (build.parse): into the asserted graph of a store."""
    from pyoxigraph import DefaultGraph, Store

    from alaska_kg.build.parse import SourceStore, graph, parse_into

    store, ontology = Store(), Store()
    for path in files:
        parse_into(store, path, graph("asserted"))
    parse_into(ontology, ROOT / "ontology/alaska.ttl", DefaultGraph())
    return SourceStore(store=store, ontology=ontology, files=files)


def _store_results(sources, shapes) -> tuple[bool, set[tuple[str, str, str, str]]]:
    from alaska_kg.build.validate import validate_store

    report = validate_store(sources, shapes)  # the default engine: the report in Turtle, written by Oxigraph
    results = rdflib.Graph().parse(data=report.report_turtle, format="turtle")
    found = set()
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        found.add(
            (
                str(focus) if isinstance(focus, rdflib.URIRef) else "_:blank",
                str(shape) if isinstance(shape, rdflib.URIRef) else "_:shape",
                str(results.value(result, SH.sourceConstraintComponent)),
                str(results.value(result, SH.resultSeverity)),
            )
        )
    return report.conforms, found


def test_the_builds_store_validation_passes_the_real_data(sources):
    data = _store_sources(*(ROOT / "data").glob("*.ttl"))
    assert _store_results(data, sources.shapes) == (True, set())


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_the_builds_store_validation_reports_what_pyshacl_reports_on_each_invalid_fixture(
    fixture: Path, sources, text_units
):
    """If a fixture breaks a constraint, then validating the build's Oxigraph store (the fixture and the
    text units parsed by Oxigraph, the class hierarchy mixed in) reports the same focus nodes, shapes,
    constraint components and severities as pySHACL on the same data read by rdflib; and the store is
    left as it was."""
    data = _store_sources(fixture, ROOT / "data/source.ttl")
    before = len(data.store)
    graph = rdflib.Graph().parse(fixture) + text_units
    assert _store_results(data, sources.shapes) == _results(graph, sources, "pyshacl")
    assert len(data.store) == before


def test_the_builds_store_validation_sees_an_ill_typed_boolean_as_written(tmp_path: Path, sources):
    """rdflib rewrites "no"^^xsd:boolean to a well-formed "false" (the gap `validate` routes to pySHACL);
    Oxigraph keeps the text, so the store's validation reports it, as pySHACL does, with no routing."""
    talks = tmp_path / "talks.ttl"
    talks.write_text(
        (ROOT / "data/events.ttl")
        .read_text(encoding="utf-8")
        .replace("ak:jointStatementIssued false", 'ak:jointStatementIssued "no"^^xsd:boolean'),
        encoding="utf-8",
    )
    assert '"no"^^xsd:boolean' in talks.read_text(encoding="utf-8")
    files = [p for p in (ROOT / "data").glob("*.ttl") if p.name != "events.ttl"]
    conforms, found = _store_results(_store_sources(*files, talks), sources.shapes)
    assert not conforms
    assert (
        "https://w3id.org/alaska-kg/resource/alaska-talks",
        "https://w3id.org/alaska-kg/shapes#DiplomaticTalks-jointStatementIssued",
        "http://www.w3.org/ns/shacl#DatatypeConstraintComponent",
        "http://www.w3.org/ns/shacl#Violation",
    ) in found


def test_the_builds_shapes_graph_is_rdflibs_reading_of_the_shapes():
    """build.parse.load_shapes (Oxigraph's parse, handed over term by term) gives the graph rdflib parses
    (read afresh: the module's `sources.shapes` has been through the engines by now)."""
    from rdflib.compare import isomorphic

    from alaska_kg.build.loading import parse_turtle
    from alaska_kg.build.parse import load_shapes

    shapes = load_shapes(ROOT / "ontology/shapes.ttl")
    reference = parse_turtle(ROOT / "ontology/shapes.ttl")
    assert len(shapes) == len(reference) > 1000
    assert isomorphic(shapes, reference)


def test_a_syntax_error_in_the_shapes_names_file_line_and_column(tmp_path: Path):
    from alaska_kg.build.parse import load_shapes
    from alaska_kg.errors import SourceSyntaxError

    broken = tmp_path / "shapes.ttl"
    broken.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:x:S> a sh:NodeShape ; sh:targetClass .\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceSyntaxError, match=rf"^{broken}:2:\d+: "):
        load_shapes(broken)
