"""The known gaps of the SHACL engines (docs/architecture.md, "Known gaps of the default engines"), one test
each, on the project's own shapes: the gap is still there (so a fixed engine fails the test and the
workaround can go), and the default route ("auto") is right anyway."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import SH

from alaska_kg.build.validate import (
    FALLBACK_ENGINE,
    rewritten_ill_typed_datatypes,
    routed_to_reference,
    validate,
)

ROOT = Path(__file__).resolve().parents[1]
AK = "https://w3id.org/alaska-kg/ontology#"
AKR = "https://w3id.org/alaska-kg/resource/"
AKS = "https://w3id.org/alaska-kg/shapes#"
TALKS = URIRef(AKR + "alaska-talks")
JOINT = URIRef(AK + "jointStatementIssued")
LINK_NOTE = URIRef(AKR + "link-joe-biden")
DCT_DATE = URIRef("http://purl.org/dc/terms/date")


def _data(sources, *, joint: Literal | None = None, note_date: Literal | None = None) -> Graph:
    """The bundled data (asserted and links), with the talks' joint-statement flag or a link note's date
    replaced."""
    data = sources.asserted + sources.links
    if joint is not None:
        data.set((TALKS, JOINT, joint))
    if note_date is not None:
        data.set((LINK_NOTE, DCT_DATE, note_date))
    return data


def _found(data: Graph, sources, engine: str) -> set[tuple[str, str]]:
    """(focus node, constraint component) of each result."""
    report = validate(data, sources.ontology, sources.shapes, engine=engine)  # type: ignore[arg-type]
    graph = report.report_graph
    return {
        (str(graph.value(r, SH.focusNode)), str(graph.value(r, SH.sourceConstraintComponent)).split("#")[1])
        for r in graph.subjects(RDF.type, SH.ValidationResult)
    }


def test_the_fallback_route_is_auto():
    """The default engine ("sparql": tests/test_shacl_sparql.py) hands what it cannot translate to "auto"."""
    assert FALLBACK_ENGINE == "auto"


def test_the_bundled_data_trigger_no_routing(sources):
    """The bundled data hold no ill-typed literal that rdflib rewrote, so pyshacl-turbo validates all of it
    and the fallback costs a check per triple in the copy validation makes anyway."""
    data = _data(sources)
    assert rewritten_ill_typed_datatypes(data) == set()
    assert routed_to_reference(rewritten_ill_typed_datatypes(data), sources.shapes) == set()


# ---------------------------------------------------------------- gap 1: pyshacl-turbo, rewritten literals


def test_gap_turbo_accepts_an_ill_typed_boolean_that_rdflib_rewrote(sources):
    """If the talks' ak:jointStatementIssued is "no"^^xsd:boolean (not a lexical form of xsd:boolean, XSD
    1.1 §3.3.2), then aks:DiplomaticTalks-jointStatementIssued (sh:datatype xsd:boolean) is violated.
    rdflib rewrites the literal to "false" and flags it; pyshacl-turbo alone sees "false" and misses it
    (W3C core/property/or-datatypes-001); the default route sends that shape to pySHACL and catches it."""
    no = Literal("no", datatype=XSD.boolean)
    assert str(no) == "false" and no.ill_typed  # what rdflib does to it
    data = _data(sources, joint=no)
    expected = {(str(TALKS), "DatatypeConstraintComponent")}
    assert _found(data, sources, "turbo") == set(), "pyshacl-turbo now sees it: drop the routing (gap 1)"
    assert _found(data, sources, "pyshacl") == expected
    assert _found(data, sources, "auto") == expected
    routed = routed_to_reference(rewritten_ill_typed_datatypes(data), sources.shapes)
    assert routed == {URIRef(AKS + "DiplomaticTalksShape"), URIRef(AKS + "StatementShape")}


def test_gap_turbo_the_trigger_sees_an_ill_typed_literal_beside_its_well_typed_twin():
    """ "none"^^xsd:boolean becomes a literal equal to (and hashing as) "false"^^xsd:boolean; whichever is
    added first, the trigger still sees the ill-typed one."""
    subject, p, q = (
        URIRef("http://example.org/s"),
        URIRef("http://example.org/p"),
        URIRef("http://example.org/q"),
    )
    ill, good = Literal("none", datatype=XSD.boolean), Literal("false", datatype=XSD.boolean)
    for first, second in ((ill, good), (good, ill)):
        graph = Graph()
        graph.add((subject, p, first))
        graph.add((subject, q, second))
        assert rewritten_ill_typed_datatypes(graph) == {XSD.boolean}


def test_a_literal_rdflib_could_not_read_is_left_to_pyshacl_turbo(sources):
    """ "maybe"^^xsd:integer keeps its text (rdflib cannot read it), pyshacl-turbo sees it is ill-typed:
    no routing is needed, nothing is routed."""
    graph = Graph()
    graph.add((TALKS, JOINT, Literal("maybe", datatype=XSD.integer)))
    assert rewritten_ill_typed_datatypes(graph) == set()


# ---------------------------------------------------------------- gap 2: pySHACL, unchecked date forms


@pytest.mark.parametrize("date", ["2026-13", "2026-1"])
def test_gap_pyshacl_accepts_a_malformed_gyearmonth_that_turbo_rejects(sources, date: str):
    """If a link note's date is "2026-13"^^xsd:gYearMonth (no 13th month) or "2026-1" (a month has two
    digits, XSD 1.1 §3.3.13), then aks:LinkNote-date (sh:or of sh:datatype xsd:date, xsd:gYearMonth) is
    violated. rdflib does not check xsd:gYearMonth, so pySHACL misses it; pyshacl-turbo, the default,
    catches it. So the shapes that use xsd:gYearMonth must not be routed to pySHACL without need."""
    data = _data(sources, note_date=Literal(date, datatype=XSD.gYearMonth))
    expected = {(str(LINK_NOTE), "OrConstraintComponent")}
    assert _found(data, sources, "pyshacl") == set(), "pySHACL now checks xsd:gYearMonth: update gap 2"
    assert _found(data, sources, "turbo") == expected
    assert _found(data, sources, "auto") == expected


def test_reasoning_with_owlrl_leaves_rdflib_reading_literals_as_before():
    """owlrl registers its own literal converters in rdflib (xsd:gYearMonth among them) and left them there,
    so that after an owlrl build in the same process pySHACL suddenly rejected "2026-13"^^xsd:gYearMonth:
    gap 2 depended on what ran before. alaska_kg.build.reason puts rdflib's converters back."""
    from rdflib.term import _toPythonMapping

    from alaska_kg.build.reason import infer

    before = dict(_toPythonMapping)
    infer([(TALKS, JOINT, Literal("2026-11", datatype=XSD.gYearMonth))], "owlrl")
    assert dict(_toPythonMapping) == before
    assert Literal("2026-13", datatype=XSD.gYearMonth).ill_typed is None  # rdflib's own reading: unchecked


def test_both_gaps_at_once_the_default_route_catches_both(sources):
    """An ill-typed boolean (routed to pySHACL) and a malformed link-note date (left to pyshacl-turbo) in
    the same data: the default route reports both, where either engine alone misses one."""
    data = _data(
        sources,
        joint=Literal("no", datatype=XSD.boolean),
        note_date=Literal("2026-13", datatype=XSD.gYearMonth),
    )
    both = {(str(TALKS), "DatatypeConstraintComponent"), (str(LINK_NOTE), "OrConstraintComponent")}
    assert _found(data, sources, "auto") == both
    assert _found(data, sources, "turbo") == both - {(str(TALKS), "DatatypeConstraintComponent")}
    assert _found(data, sources, "pyshacl") == both - {(str(LINK_NOTE), "OrConstraintComponent")}


def test_the_bundled_link_note_dates_pass_under_every_engine(sources):
    """The bundled link notes (sh:or of datatypes) are dated "2026-11"^^xsd:gYearMonth: every engine says
    they conform (the whole data is compared engine to engine in test_validation_engines.py)."""
    data = _data(sources)
    dates = set(data.objects(None, DCT_DATE))
    assert dates and all(d.datatype in (XSD.date, XSD.gYearMonth) for d in dates)
    for engine in ("turbo", "pyshacl", "auto"):
        assert _found(data, sources, engine) == set(), engine
