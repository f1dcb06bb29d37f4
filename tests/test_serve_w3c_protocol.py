"""The W3C SPARQL 1.1 Protocol tests (tests/w3c/rdf-tests/sparql11/protocol/manifest.ttl) against the
running endpoint: each test's requests sent as the manifest writes them (the authority and the `/sparql/`
path rewritten to the server under test), over real HTTP.

- a query test passes as the manifest says: its status class, and its answer's format (and boolean);
- a `bad_*` test gets the 4xx it expects;
- an update test gets the documented refusal: 403 and the read-only message (the endpoint runs no
  update), so the manifest's follow-up request, which checks the update's effect, is not sent.

The server holds the manifest's `ut:graphData` (data1-3.nt) as named graphs, under their labels.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

from alaska_kg.query.dataset import OpenDataset
from alaska_kg.serve.app import make_app
from alaska_kg.serve.protocol import READ_ONLY
from alaska_kg.serve.state import ServeState
from http_client import HttpAnswer, send
from loopback import serving_app

SUITE = Path(__file__).parent / "w3c" / "rdf-tests" / "sparql11" / "protocol"
MANIFEST = SUITE / "manifest.ttl"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
STATUS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TABULAR_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {"text/turtle": RdfFormat.TURTLE, "application/n-triples": RdfFormat.N_TRIPLES,
             "application/rdf+xml": RdfFormat.RDF_XML, "application/ld+json": RdfFormat.JSON_LD}  # fmt: skip


class Request(NamedTuple):
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]  # "2xx", "3xx", "4xx"
    expected_format: str | None
    expected_boolean: bool | None


class ProtocolTest(NamedTuple):
    name: str
    requests: tuple[Request, ...]


def _manifest() -> Store:
    store = Store()
    store.load(path=str(MANIFEST), format=RdfFormat.TURTLE, base_iri=BASE.removesuffix("#"))
    return store


def _one(store: Store, subject: object, predicate: str) -> object | None:
    for quad in store.quads_for_pattern(subject, NamedNode(predicate), None):  # type: ignore[arg-type]
        return quad.object
    return None


def _all(store: Store, subject: object, predicate: str) -> list[object]:
    return [q.object for q in store.quads_for_pattern(subject, NamedNode(predicate), None)]  # type: ignore[arg-type]


def _items(store: Store, head: object) -> Iterator[object]:
    """The members of an RDF collection, in order."""
    while head is not None and head != NamedNode(RDF + "nil"):
        yield _one(store, head, RDF + "first")
        head = _one(store, head, RDF + "rest")


def _request(store: Store, node: object) -> Request:
    headers = {}
    for header in _items(store, _one(store, node, HT + "headers")):
        headers[str(_one(store, header, HT + "fieldName").value)] = str(  # type: ignore[union-attr]
            _one(store, header, HT + "fieldValue").value  # type: ignore[union-attr]
        )
    body_node = _one(store, node, HT + "body")
    body = None if body_node is None else _one(store, body_node, CNT + "chars").value.encode("utf-8")  # type: ignore[union-attr]
    response = _one(store, node, HT + "resp")
    statuses = frozenset(s.value.removeprefix(STATUS) for s in _all(store, response, MF + "expectedStatus"))  # type: ignore[union-attr]
    fmt = _one(store, response, MF + "expectedFormat")
    boolean = _one(store, response, MF + "expectedBoolean")
    return Request(
        method=_one(store, node, HT + "methodName").value,  # type: ignore[union-attr]
        path=_one(store, node, HT + "absolutePath").value,  # type: ignore[union-attr]
        headers=headers,
        body=body,
        statuses=statuses,
        expected_format=None if fmt is None else fmt.value,  # type: ignore[union-attr]
        expected_boolean=None if boolean is None else boolean.value == "true",  # type: ignore[union-attr]
    )


def protocol_tests() -> list[ProtocolTest]:
    """The manifest's entries, in its order, each with its requests."""
    store = _manifest()
    manifest = next(store.quads_for_pattern(None, NamedNode(MF + "entries"), None))
    tests = []
    for entry in _items(store, manifest.object):
        action = _one(store, entry, MF + "action")
        requests = tuple(_request(store, r) for r in _items(store, _one(store, action, HT + "requests")))
        tests.append(ProtocolTest(entry.value.removeprefix(BASE), requests))  # type: ignore[union-attr]
    return tests


def graph_data() -> dict[str, Path]:
    """The data files the tests name (ut:graphData), by the graph name (rdfs:label) they are loaded as."""
    store = _manifest()
    found = {}
    for quad in store.quads_for_pattern(None, NamedNode(UT + "graphData"), None):
        graph = _one(store, quad.object, UT + "graph")
        label = _one(store, quad.object, RDFS + "label")
        found[label.value] = SUITE / graph.value.rsplit("/", 1)[-1]  # type: ignore[union-attr]
    return found


TESTS = protocol_tests()


@pytest.fixture(scope="module")
def endpoint(layout) -> Iterator[str]:
    store = Store()
    for name, path in graph_data().items():
        for triple in parse(path=str(path), format=RdfFormat.N_TRIPLES):
            store.add(Quad(triple.subject, triple.predicate, triple.object, NamedNode(name)))
    app = make_app(ServeState(OpenDataset(store, SUITE), layout))
    with serving_app(app) as base:
        yield base


def _send(base: str, request: Request) -> HttpAnswer:
    assert request.path.startswith("/sparql/")
    path = "/sparql" + request.path.removeprefix("/sparql/")  # /sparql/?query=… → /sparql?query=…
    return send(base, request.method, path, request.body, request.headers)


def _boolean(answer: HttpAnswer) -> bool:
    if answer.media_type == "application/sparql-results+json":
        return json.loads(answer.body)["boolean"]
    text = answer.text
    assert "<boolean>" in text, text
    return text.split("<boolean>")[1].split("</boolean>")[0].strip() == "true"


def _check_format(answer: HttpAnswer, request: Request) -> None:
    if request.expected_format == "boolean":
        assert answer.media_type in BOOLEAN_TYPES, answer.headers
        if request.expected_boolean is not None:
            assert _boolean(answer) is request.expected_boolean
    elif request.expected_format == "tabular":
        assert answer.media_type in TABULAR_TYPES, answer.headers
        assert json.loads(answer.body)["head"]["vars"] == ["value"]
    elif request.expected_format == "RDF":
        assert answer.media_type in RDF_TYPES, answer.headers
        list(parse(answer.body, format=RDF_TYPES[answer.media_type], base_iri="http://example.org/"))


def test_the_manifest_is_read_whole() -> None:
    """34 entries: 13 query tests, 7 update tests, 14 bad_* tests, each with at least one request."""
    kinds = [t.name.split("_")[0] for t in TESTS]
    assert (kinds.count("query"), kinds.count("update"), kinds.count("bad")) == (13, 7, 14)
    assert all(t.requests for t in TESTS)
    assert set(graph_data()) == {f"http://kasei.us/2009/09/sparql/data/data{n}.rdf" for n in (1, 2, 3)}


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(endpoint: str, test: ProtocolTest) -> None:
    first = test.requests[0]
    answer = _send(endpoint, first)
    if test.name.startswith("update_"):
        assert answer.status == 403, (answer.status, answer.body)
        assert answer.text.strip() == READ_ONLY
        return
    if test.name.startswith("bad_"):
        assert first.statuses == {"4xx"}
        assert 400 <= answer.status < 500, (answer.status, answer.body)
        assert answer.body.endswith(b"\n") and answer.body.count(b"\n") == 1  # one line, saying why
        return
    for request in test.requests:
        answer = _send(endpoint, request)
        assert f"{answer.status // 100}xx" in request.statuses, (answer.status, answer.body)
        _check_format(answer, request)
