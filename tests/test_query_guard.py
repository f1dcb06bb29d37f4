"""The guard refuses what would reach outside the dataset (SERVICE; FROM a foreign graph) and nothing else:
keywords inside comments, strings, IRIs, variables and prefixed names do not count. No test touches the
network: with --allow-service only the guard is asked, the engine never runs the query."""

from __future__ import annotations

import pytest

from alaska_kg.errors import ForbiddenQuery
from alaska_kg.namespaces import PREFIXES, graph_iri
from alaska_kg.query.guard import check_query


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
        "select ?s where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT ?s WHERE {\n  # a comment\n  ?s ?p ?o .\n  SeRvIcE <http://x/> { ?s ?p ?o }\n}",
    ],
)
def test_service_is_refused(text: str) -> None:
    with pytest.raises(ForbiddenQuery, match="SERVICE would query a remote endpoint") as caught:
        check_query(text, "q.rq")
    assert caught.value.exit_code == 12


def test_service_error_names_the_line() -> None:
    with pytest.raises(ForbiddenQuery, match=r"^q\.rq:4:3: SERVICE"):
        check_query(
            "SELECT ?s WHERE {\n  # a comment\n  ?s ?p ?o .\n  SERVICE <http://x/> { ?s ?p ?o }\n}", "q.rq"
        )


def test_service_is_allowed_when_asked() -> None:
    text = "SELECT ?s WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    assert check_query(text, "q.rq", allow_service=True) is False


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?service WHERE { ?service ?p ?o }",
        "PREFIX ex: <http://example.org/>\nSELECT ?s WHERE { ?s ex:service ?o }",
        'SELECT ?s WHERE { ?s ?p "SERVICE <http://x/> { }" }',
        "SELECT ?s WHERE { ?s ?p '''multi\nline SERVICE''' }",
        "SELECT ?s WHERE { ?s <http://example.org/SERVICE> ?o }",
        "# SERVICE <http://x/> in a comment\nSELECT ?s WHERE { ?s ?p ?o } # FROM <http://evil/>",
        'SELECT ?s WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > "FROM <http://evil/>") }',
        'SELECT ?s WHERE { ?s ?p "from"@en }',
    ],
)
def test_lookalikes_are_not_refused(text: str) -> None:
    assert check_query(text, "q.rq") is False


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }",
        "SELECT ?s FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
        f"SELECT ?s FROM <{graph_iri('asserted')}> FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}",
        "PREFIX ex: <http://example.org/>\nSELECT ?s FROM ex:data WHERE { ?s ?p ?o }",
        "SELECT ?s FROM undeclared:data WHERE { ?s ?p ?o }",
        "SELECT ?s FROM <asserted> WHERE { ?s ?p ?o }",
    ],
)
def test_from_a_foreign_graph_is_refused(text: str) -> None:
    with pytest.raises(ForbiddenQuery, match="is not a graph of the dataset"):
        check_query(text, "q.rq")


@pytest.mark.parametrize(
    "text",
    [
        f"SELECT ?s FROM <{graph_iri('asserted')}> WHERE {{ ?s ?p ?o }}",
        f"SELECT ?s FROM <{graph_iri('links')}> FROM NAMED <{graph_iri('inferred')}> WHERE {{ ?s ?p ?o }}",
        "PREFIX g: <https://w3id.org/alaska-kg/graph/>\nSELECT ?s FROM g:ontology WHERE { ?s ?p ?o }",
    ],
)
def test_from_a_dataset_graph_is_allowed(text: str) -> None:
    assert check_query(text, "q.rq") is True


def test_from_with_a_default_prefix() -> None:
    assert (
        check_query("SELECT ?s FROM akg:asserted WHERE { ?s ?p ?o }", "--sparql", prefixes=PREFIXES) is True
    )
