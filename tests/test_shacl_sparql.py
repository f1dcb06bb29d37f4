"""The SPARQL engine (build.shacl_sparql: the shapes translated into SPARQL, run by Oxigraph) reports what
pySHACL (the reference) reports: every result, with its focus node, path, value, source shape, constraint
component, severity and messages, on the real data and every invalid fixture; on the W3C SHACL test suite
every case passes or is refused (`Unsupported`), but for the one listed below. A refusal makes the build
fall back to the "auto" engine with a warning; the default build imports no rdflib engine at all."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from alaska_kg.build.validate import DEFAULT_ENGINE, ENGINES, FALLBACK_ENGINE, validate
from shacl_suite import Case, load_cases, passed, render, run_case

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests/fixtures/invalid").glob("*.ttl"))
AKS = "https://w3id.org/alaska-kg/shapes#"
AKR = "https://w3id.org/alaska-kg/resource/"

# W3C cases the SPARQL engine answers wrongly (neither passes nor refuses), with the reason
WRONG = {
    "core/property/uniqueLang-002": (
        'sh:uniqueLang "1"^^xsd:boolean: the suite says only the term true activates the constraint; the '
        'shapes are read by a parser that writes the value ("1" becomes "true", in rdflib and in Oxigraph '
        "alike), so the constraint is active, as in pySHACL (tests/test_w3c_shacl.py)"
    ),
}


def _results(report, graphs: tuple[rdflib.Graph, ...]) -> Counter:
    """Every top-level result of a report graph: focus, path, value, shape, component, severity, SPARQL
    constraint (blank
    nodes by their structure: tests/shacl_suite.py) and its messages; a multiset, as pySHACL repeats a
    result when two targeted shapes reach the same property shape."""
    graph = report.report_graph
    node = graph.value(predicate=rdflib.RDF.type, object=SH.ValidationReport)
    found: Counter = Counter()
    for result in graph.objects(node, SH.result):
        terms = tuple(
            render(graph.value(result, p), (graph, *graphs))
            for p in (
                SH.focusNode,
                SH.resultPath,
                SH.value,
                SH.sourceShape,
                SH.sourceConstraintComponent,
                SH.resultSeverity,
                SH.sourceConstraint,
            )
        )
        found[(*terms, tuple(sorted(str(m) for m in graph.objects(result, SH.resultMessage))))] += 1
    return found


def _both(graph: rdflib.Graph, sources) -> tuple[tuple[bool, Counter], tuple[bool, Counter]]:
    context = (graph, sources.shapes)
    ours = validate(graph, sources.ontology, sources.shapes, engine="sparql")
    reference = validate(graph, sources.ontology, sources.shapes, engine="pyshacl")
    return (ours.conforms, _results(ours, context)), (reference.conforms, _results(reference, context))


def test_the_sparql_engine_is_the_default_and_the_cli_offers_every_engine():
    from alaska_kg.cli import app

    assert DEFAULT_ENGINE == app.DEFAULT_ENGINE == "sparql"
    assert ENGINES == app.ENGINE_CHOICES
    assert FALLBACK_ENGINE == "auto"


def test_the_real_data_conforms_as_pyshacl_says(sources):
    ours, reference = _both(sources.asserted + sources.links, sources)
    assert ours == reference == (True, Counter())


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_each_invalid_fixture_gets_pyshacls_report(fixture: Path, sources, text_units):
    """If a fixture breaks a constraint, then the SPARQL engine reports exactly pySHACL's results, messages
    included, and among them the shape and focus node the fixture declares."""
    ours, reference = _both(rdflib.Graph().parse(fixture) + text_units, sources)
    assert ours == reference
    assert ours[0] is False
    text = fixture.read_text(encoding="utf-8")
    shapes = {f"<{AKS}{name}>" for name in re.findall(r"^#\+ violates: aks:(\S+)", text, re.M)}
    focus = {f"<{AKR}{name}>" for name in re.findall(r"^#\+ focus: akr:(\S+)", text, re.M)}
    assert shapes and shapes <= {result[3] for result in ours[1]} | {result[6] for result in ours[1]}
    assert focus <= {result[0] for result in ours[1]}


def _store_report(*files: Path, engine: str):
    """Validate `files` as the build does: parsed by Oxigraph into the asserted graph of a store."""
    from pyoxigraph import DefaultGraph, Store

    from alaska_kg.build.parse import SourceStore, graph, parse_into
    from alaska_kg.build.validate import read_shapes, validate_store

    store, ontology = Store(), Store()
    for path in files:
        parse_into(store, path, graph("asserted"))
    parse_into(ontology, ROOT / "ontology/alaska.ttl", DefaultGraph())
    data = SourceStore(store=store, ontology=ontology, files=files)
    before = len(store)
    report = validate_store(data, read_shapes(ROOT / "ontology/shapes.ttl"), engine=engine)  # type: ignore[arg-type]
    assert len(store) == before
    return report


def _blank(term: str) -> str:
    return "_:blank" if term.startswith("_:") else term


@pytest.mark.parametrize("fixture", FIXTURES[::10], ids=lambda p: p.stem)
def test_the_builds_store_gives_the_report_of_the_rdflib_route(fixture: Path):
    """If the build's store (Oxigraph's parse) is validated, then the violations are those pyshacl-turbo
    finds on the same store (the route before this engine), message for message."""
    ours = _store_report(fixture, ROOT / "data/source.ttl", engine="sparql")
    turbo = _store_report(fixture, ROOT / "data/source.ttl", engine="turbo")

    def rows(report):
        return sorted(
            (_blank(v.focus_node), v.path, v.severity, v.source_shape, v.message) for v in report.violations
        )

    assert (ours.conforms, rows(ours)) == (turbo.conforms, rows(turbo))
    assert not ours.conforms
    assert ours.shape_count == turbo.shape_count > 150
    assert "sh:ValidationResult" in ours.report_turtle


# ---------------------------------------------------------------- the W3C SHACL test suite

CASES = load_cases()


@pytest.fixture(scope="module")
def suite_runs() -> dict:
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {case.name: run_case(case, "sparql") for case in CASES}
    finally:
        logging.disable(logging.NOTSET)


def test_every_w3c_case_passes_or_is_refused(suite_runs):
    """Each case of the suite gives the expected report (or the refusal a sht:Failure case expects), or
    the translator refuses it with Unsupported; only the cases in WRONG answer wrongly, and still do."""
    wrong, refused = set(), set()
    for case in CASES:
        run = suite_runs[case.name]
        if passed(case, run):
            continue
        if run.error is not None and run.error.startswith("Unsupported:"):
            refused.add(case.name)
        else:
            wrong.add(case.name)
    assert wrong == set(WRONG)
    assert len(refused) <= 10, refused  # the SPARQL-based constraint components and a few pre-bindings
    assert not any(name.startswith("core/") for name in refused - {"core/property/datatype-ill-formed"})


def test_the_decimals_keep_their_lexical_form(suite_runs):
    """Oxigraph's store keeps the value of "4.0"^^xsd:decimal ("4"); the report names it as written."""
    case: Case = next(c for c in CASES if c.name == "core/node/minExclusive-001")
    assert passed(case, suite_runs[case.name])
    assert any('"4.0"^^' in result[2] for result in suite_runs[case.name].results)


# ---------------------------------------------------------------- the fallback and the build's imports


def test_shapes_it_cannot_translate_fall_back_to_auto_with_a_warning(tmp_path: Path):
    """If the shapes use a feature the translator refuses (here sh:datatype xsd:int, which Oxigraph's
    store would read as xsd:integer), then validate_store warns and
    validates with the fallback engine, whose report it returns."""
    from pyoxigraph import DefaultGraph, Store

    from alaska_kg.build.parse import SourceStore, graph, parse_into
    from alaska_kg.build.validate import read_shapes, validate_store

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:x:S> a sh:NodeShape ; sh:targetNode <urn:x:a> ;\n"
        "    sh:property [ sh:path <urn:x:p> ; sh:minCount 1 ] .\n"
        "<urn:x:T> a sh:NodeShape ; sh:targetNode <urn:x:a> ;\n"
        "    sh:property [ sh:path <urn:x:q> ; sh:datatype <http://www.w3.org/2001/XMLSchema#int> ] .\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text('<urn:x:a> <urn:x:q> "one" .\n', encoding="utf-8")
    store = Store()
    parse_into(store, data, graph("asserted"))
    said: list[str] = []
    report = validate_store(
        SourceStore(store=store, ontology=Store(), files=(data,)), read_shapes(shapes), warn=said.append
    )
    assert len(said) == 1 and "XMLSchema#int" in said[0] and "auto" in said[0]
    assert not report.conforms
    assert [v.focus_node for v in report.violations] == ["<urn:x:a>", "<urn:x:a>"]
    del DefaultGraph


def test_the_default_build_imports_no_rdflib_engine(tmp_path: Path):
    """If the bundled data is built with the defaults, then neither rdflib nor any SHACL or OWL engine
    that needs it is imported (the build's validation and VoID description run on Oxigraph), nor
    dataclasses, typing or tempfile (their imports cost the build ~5%: docs/performance.md)."""
    code = (
        "import sys\n"
        "from alaska_kg.cli.app import main\n"
        f"code = main(['build', '--root', {str(ROOT)!r}, '--out', {str(tmp_path / 'out')!r}])\n"
        "heavy = ('rdflib', 'pyshacl', 'pyshacl_turbo', 'owlrl', 'reasonable', 'dataclasses', 'typing',\n"
        "         'inspect', 'tempfile')\n"
        "print('IMPORTED', sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
        "sys.exit(code)\n"
    )
    env = {"ALASKA_KG_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "IMPORTED []" in proc.stdout
    assert (tmp_path / "out" / "alaska-kg.void.ttl").is_file()


def test_sh_class_reads_the_sub_classes_found_once() -> None:
    """If a shape says sh:class C, then the translation looks the value's types up among C and every class
    under it in the data (found once: C itself, a chain of two, not a super-class nor a class beside C),
    and a class with a blank node under it keeps the path; the report is the path's."""
    from pyoxigraph import BlankNode, NamedNode, Quad, Store

    from alaska_kg.build.shacl_sparql import Shapes, run, subclasses_of

    ex = "http://example.org/"
    shapes_text = f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <{ex}> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b, ex:c, ex:d ;
            sh:property [ sh:path ex:p ; sh:class ex:C ] .
        ex:T a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:class ex:D ] .
    """
    from pyoxigraph import RdfFormat, parse

    shapes = Shapes(parse(shapes_text.encode(), format=RdfFormat.TURTLE))
    sub = NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    p = NamedNode(ex + "p")

    def node(name: str) -> NamedNode:
        return NamedNode(ex + name)

    store = Store()
    store.extend(
        Quad(*triple)
        for triple in [
            (node("C1"), sub, node("C")),
            (node("C2"), sub, node("C1")),
            (node("C"), sub, node("Top")),
            (node("Side"), sub, node("Top")),
            (BlankNode("x"), sub, node("D")),
            (node("a"), p, node("va")),
            (node("va"), rdf_type, node("C2")),  # an instance of C through two steps: conforms
            (node("b"), p, node("vb")),
            (node("vb"), rdf_type, node("Top")),  # a super-class of C: a violation
            (node("c"), p, node("vc")),
            (node("vc"), rdf_type, node("Side")),  # a class beside C: a violation
            (node("d"), p, node("vd")),
            (node("vd"), rdf_type, node("C")),  # C itself: conforms
        ]
    )
    found = subclasses_of(store, shapes)
    assert found == {node("C"): sorted([node("C"), node("C1"), node("C2")], key=str)}  # D: a blank under it
    failing = sorted(r.focus.value for r in run(store, shapes))
    assert failing == [ex + "a", ex + "b", ex + "c"]  # a: ex:va is no ex:D (the path, for D, says so too)
