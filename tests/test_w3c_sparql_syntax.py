"""The guard on text nobody here wrote: every query and update file of the W3C SPARQL syntax suites
(tests/w3c/rdf-tests, copied unchanged, see tests/w3c/README.md) and of the federated-query evaluation suite.

Whether a file holds a SERVICE clause, a FROM or an update operation is decided by an independent parser
(tests/sparql_oracle.py: rdflib, else sparqlkit), never by the guard's lexer; whether a test is positive or
negative, by the suite's own manifest.
- a file with SERVICE is refused, for SERVICE (and passes the SERVICE check with --allow-service);
- a positive query without SERVICE is not refused, except for FROM naming a graph that is not the
  dataset's (the W3C files name example.org graphs), which the independent parse confirms;
- an update is always refused;
- a negative query the guard lets through is refused by Oxigraph's parser, with one known exception
  (syn-bad-26, where the spec's longest-token rule makes `<?a&&?b>` an IRI and Oxigraph reads `<`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store
from rdflib import RDF, Graph, Namespace, URIRef

from alaska_kg.errors import AlaskaKgError, ForbiddenQuery
from alaska_kg.query.guard import check_query
from sparql_oracle import read

W3C = Path(__file__).resolve().parent / "w3c" / "rdf-tests"
SUITES = (
    "sparql10/syntax-sparql1",
    "sparql10/syntax-sparql2",
    "sparql10/syntax-sparql3",
    "sparql10/syntax-sparql4",
    "sparql10/syntax-sparql5",
    "sparql11/syntax-query",
    "sparql11/syntax-update-1",
    "sparql11/syntax-update-2",
    "sparql11/syntax-fed",
    "sparql11/service",
)
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
# SPARQL 1.1 Federated Query's own suites (manifest-sparql11-fed.ttl): the files that call SERVICE.
FEDERATED = ("sparql11/syntax-fed", "sparql11/service")
LONGEST_TOKEN = "sparql10/syntax-sparql3/syn-bad-26.rq"


def _manifest_types() -> dict[Path, str]:
    """Each test file -> the local name of its test type in its suite's manifest.ttl."""
    types: dict[Path, str] = {}
    for suite in SUITES:
        manifest = W3C / suite / "manifest.ttl"
        graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for test, kind in graph.subject_objects(RDF.type):
            action = graph.value(test, MF.action)
            target = action if isinstance(action, URIRef) else None
            if action is not None and target is None:
                target = graph.value(action, QT.query) or graph.value(action, UT.request)
            if target is not None:
                types[Path(str(target).removeprefix("file://"))] = str(kind).rsplit("#", 1)[-1]
    return types


TYPES = _manifest_types()
FILES = sorted(p for suite in SUITES for p in (W3C / suite).iterdir() if p.suffix in (".rq", ".ru"))


def _name(path: Path) -> str:
    return str(path.relative_to(W3C))


def _verdict(text: str, where: str, allow_service: bool = False) -> str:
    """ "pass", or the refusal's class and message."""
    try:
        check_query(text, where, allow_service=allow_service)
    except AlaskaKgError as exc:
        return f"{type(exc).__name__}: {exc}"
    return "pass"


def test_the_suites_are_all_there() -> None:
    """If the copy is complete, then every .rq/.ru file has a test type in its manifest, and the manifests
    name no file that is missing (358 files in the ten folders, as in the W3C repository)."""
    assert len(FILES) == 358
    assert {p.resolve() for p in FILES} == set(TYPES)


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_the_guard_agrees_with_an_independent_parse(path: Path) -> None:
    kind = TYPES[path.resolve()]
    text = path.read_text(encoding="utf-8")
    update = path.suffix == ".ru"
    verdict = _verdict(text, _name(path))
    if update:
        # An update never runs nor leaves the tool: refused, whether it parses or not.
        assert verdict != "pass", kind
        reading = read(text, update=True)
        if kind.startswith("Positive") and reading is not None and reading.operations:
            assert verdict.startswith("ForbiddenQuery: ") and "belongs to SPARQL Update" in verdict
        elif kind.startswith("Positive"):  # an update with no operation at all (comments, a prologue)
            assert verdict.startswith("QuerySyntaxError: ") and "not a SPARQL query" in verdict
        return
    if kind.startswith("Negative"):
        if verdict == "pass":  # then the engine must refuse it (no SERVICE here: the guard found none)
            if _name(path) == LONGEST_TOKEN:
                Store().query(text)  # Oxigraph reads `?x<?a&&?b>?y` as comparisons; the spec says IRI
                return
            with pytest.raises(SyntaxError):
                Store().query(text)
        return
    reading = read(text)
    assert reading is not None, f"{_name(path)}: {kind}, and neither rdflib nor sparqlkit parses it"
    if reading.services:
        assert verdict.startswith("ForbiddenQuery: ") and "SERVICE would query" in verdict, verdict
        allowed = _verdict(text, _name(path), allow_service=True)
        assert "SERVICE" not in allowed, allowed
    elif reading.froms:
        assert verdict.startswith("ForbiddenQuery: ") and "is not a graph of the dataset" in verdict, verdict
    else:
        assert verdict == "pass"


def test_the_service_files_are_those_of_the_federated_suites() -> None:
    """If the independent parse is right, then the files with SERVICE are exactly the ten query files of
    the SPARQL 1.1 Federated Query suites (syntax-fed: 3, service: 7), and the guard refuses each."""
    found = set()
    for path in FILES:
        if path.suffix == ".rq" and TYPES[path.resolve()].startswith(("Positive", "QueryEvaluation")):
            reading = read(path.read_text(encoding="utf-8"))
            if reading is not None and reading.services:
                found.add(_name(path))
    expected = {_name(p) for p in FILES if _name(p).startswith(FEDERATED)}
    assert len(expected) == 10
    assert found == expected
    for name in found:
        with pytest.raises(ForbiddenQuery, match="SERVICE would query"):
            check_query((W3C / name).read_text(encoding="utf-8"), name)


def test_codepoint_escapes_of_the_suites() -> None:
    """If a W3C file uses \\u escapes, then the guard reads those in IRIs and strings (syntax-esc-04, -05,
    the UTF-8 boundaries) and refuses the negative ones: an escape of a backslash outside a string
    (codepoint-escape-bad-04, -05) and of a lone surrogate (invalid-codepoint-escaped-bad-01)."""
    good = (
        "sparql10/syntax-sparql2/syntax-esc-04.rq",
        "sparql10/syntax-sparql2/syntax-esc-05.rq",
        "sparql11/syntax-query/syn-codepoint-escape-01.rq",
        "sparql11/syntax-query/1val1STRING_LITERAL1_with_UTF8_boundaries_escaped.rq",
    )
    for name in good:
        assert check_query((W3C / name).read_text(encoding="utf-8"), name) is False
    bad = {
        "sparql11/syntax-query/syn-codepoint-escape-bad-04.rq": ForbiddenQuery,
        "sparql11/syntax-query/syn-codepoint-escape-bad-05.rq": ForbiddenQuery,
        "sparql11/syntax-query/syn-invalid-codepoint-escaped-bad-01.rq": ForbiddenQuery,
    }
    for name, error in bad.items():
        with pytest.raises(error, match=rf"^{name}:2:"):
            check_query((W3C / name).read_text(encoding="utf-8"), name)
