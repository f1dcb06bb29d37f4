"""The default route (pyshacl-turbo, with its known gaps routed to pySHACL) reports exactly what pySHACL
(the reference) reports, here."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from alaska_kg.build.loading import load_sources
from alaska_kg.build.validate import DEFAULT_ENGINE, validate
from alaska_kg.paths import locate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests/fixtures/invalid").glob("*.ttl"))


@pytest.fixture(scope="module")
def sources():
    return load_sources(locate(ROOT))


@pytest.fixture(scope="module")
def text_units() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "data/source.ttl")


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

    assert DEFAULT_ENGINE == "auto"


def test_both_engines_pass_the_real_data(sources):
    data = sources.asserted + sources.links
    assert _results(data, sources, DEFAULT_ENGINE) == _results(data, sources, "pyshacl") == (True, set())


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_both_engines_report_the_same_on_each_invalid_fixture(fixture: Path, sources, text_units):
    """If a fixture breaks a constraint, then both engines report the same focus nodes, shapes, constraint
    components and severities."""
    graph = rdflib.Graph().parse(fixture) + text_units
    turbo = _results(graph, sources, DEFAULT_ENGINE)
    reference = _results(graph, sources, "pyshacl")
    assert turbo == reference
    assert turbo[0] is False
