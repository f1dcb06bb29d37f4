"""A real SPARQL client (SPARQLWrapper) against the running endpoint gets the rows `alaska-kg query` prints:
every canned query without parameters, by GET and by POST, as JSON, XML and CSV, plus ASK and CONSTRUCT."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from pyoxigraph import BlankNode, RdfFormat, parse
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from alaska_kg.serve.app import make_app
from alaska_kg.serve.state import ServeState
from loopback import serving_app


@pytest.fixture(scope="module")
def endpoint(dataset, layout) -> Iterator[str]:
    with serving_app(make_app(ServeState(dataset, layout))) as base:
        yield f"{base}/sparql"


def _plain(bindings: list[dict]) -> list[str]:
    """Rows as sorted JSON lines, blank node labels (which differ between runs) made one."""
    rows = []
    for row in bindings:
        row = {k: ({**v, "value": "_:b"} if v["type"] == "bnode" else v) for k, v in row.items()}
        rows.append(json.dumps(row, sort_keys=True))
    return sorted(rows)


def _triples(triples: Iterator) -> list[str]:
    """Triples as sorted N-Triples lines, blank node labels made one."""
    return sorted(
        " ".join("_:b" if isinstance(t, BlankNode) else str(t) for t in (x.subject, x.predicate, x.object))
        for x in triples
    )


def _canned_without_params(layout) -> list[str]:
    from alaska_kg.query.catalog import canned_queries

    return [q.id for q in canned_queries(layout) if not q.header.params and not q.federated]


def test_every_canned_query_gives_the_cli_rows_through_sparqlwrapper(endpoint: str, layout, cli) -> None:
    from alaska_kg.query.catalog import find_query

    names = _canned_without_params(layout)
    assert len(names) >= 20
    graphs = 0
    for name in names:
        client = SPARQLWrapper(endpoint)
        client.setQuery(find_query(layout, name).text)
        if client.queryType in ("CONSTRUCT", "DESCRIBE"):
            graphs += 1
            code, out, _ = cli("query", name, "--format", "nt")
            assert code == 0, name
            client.setReturnFormat(TURTLE)
            got = parse(client.queryAndConvert(), format=RdfFormat.TURTLE)
            assert _triples(got) == _triples(parse(out.encode(), format=RdfFormat.N_TRIPLES)), name
            continue
        code, out, _ = cli("query", name, "--format", "json")
        assert code == 0, name
        client.setReturnFormat(JSON)
        result = client.queryAndConvert()
        expected = json.loads(out)
        if "boolean" in expected:  # an ASK query
            assert result == expected, name
            continue
        assert result["head"]["vars"] == expected["head"]["vars"], name
        assert _plain(result["results"]["bindings"]) == _plain(expected["results"]["bindings"]), name
    assert graphs >= 1  # accusation-graph


def test_post_xml_and_csv_through_sparqlwrapper(endpoint: str, layout, cli) -> None:
    from alaska_kg.query.catalog import find_query

    text = find_query(layout, "participants").text
    code, out, _ = cli("query", "participants", "--format", "csv")
    assert code == 0
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod(POST)
    client.setReturnFormat(CSV)
    got = client.queryAndConvert().decode("utf-8")
    assert sorted(csv.reader(io.StringIO(got))) == sorted(csv.reader(io.StringIO(out)))
    client.setReturnFormat(XML)
    document = client.queryAndConvert()  # an xml.dom.minidom Document
    uris = {node.firstChild.data for node in document.getElementsByTagName("uri")}
    assert (
        "https://w3id.org/alaska-kg/resource/antony-blinken" in uris
    )  # the article: Secretary of State Blinken


def test_ask_and_construct_through_sparqlwrapper(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery('ASK { ?p rdfs:label "Jake Sullivan"@en }')  # the article: National Security Advisor
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery("CONSTRUCT { ?p a ak:Person } WHERE { ?p a ak:Person }")
    client.setReturnFormat(TURTLE)
    data = client.queryAndConvert().decode("utf-8")
    assert "<https://w3id.org/alaska-kg/resource/wang-yi>" in data or "akr:wang-yi" in data
