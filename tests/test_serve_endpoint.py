"""`alaska-kg serve`'s endpoint over real HTTP: answers by Accept, the service description, the canned
queries, what is refused (updates, SERVICE, FROM outside the dataset), the row cap, CORS only when asked,
the deadline (a slow query stopped while a fast one is answered), and errors as one printable line.

Expected values come from the article (alaska-talks.txt): the four principals of the talks are Blinken,
Sullivan (U.S.), Yang Jiechi and Wang Yi (China); the talks were held from March 18–19, 2021.
"""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from pyoxigraph import RdfFormat, parse

from alaska_kg.namespaces import PREFIXES
from alaska_kg.serve.app import make_app
from alaska_kg.serve.responses import error_response
from alaska_kg.serve.state import DEFAULT_HOST, ServeConfig, ServeState
from http_client import HttpAnswer, send
from loopback import serving_app

AKR = PREFIXES["akr"]
PEOPLE = "SELECT ?person WHERE { ?person a ak:Person } ORDER BY ?person"
PRINCIPALS = {"antony-blinken", "jake-sullivan", "yang-jiechi", "wang-yi"}
# never ends: 6,458 triples cubed
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint(dataset, layout) -> Iterator[str]:
    with serving_app(make_app(ServeState(dataset, layout))) as base:
        yield base


def get(base: str, query: str, accept: str | None = None, **params: str) -> HttpAnswer:
    headers = {"Accept": accept} if accept else {}
    return send(base, "GET", "/sparql?" + urlencode({"query": query, **params}), headers=headers)


def one_line(answer: HttpAnswer) -> str:
    """The error body, checked to be one printable line."""
    assert answer.media_type == "text/plain"
    text = answer.text
    assert text.endswith("\n") and text.count("\n") == 1, text
    assert all(c.isprintable() for c in text[:-1]), text
    return text


# ---------------------------------------------------------------- answers by Accept


def test_select_defaults_to_sparql_results_json_over_the_union_of_the_graphs(endpoint: str, cli) -> None:
    answer = get(endpoint, PEOPLE)
    assert answer.status == 200 and answer.media_type == "application/sparql-results+json"
    persons = {b["person"]["value"] for b in json.loads(answer.body)["results"]["bindings"]}
    assert {AKR + name for name in PRINCIPALS} <= persons

    def count(query: str) -> int:
        return int(json.loads(get(endpoint, query).body)["results"]["bindings"][0]["n"]["value"])

    union = count("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    distinct = count("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }")
    asserted = count(
        "SELECT (COUNT(*) AS ?n) { GRAPH <https://w3id.org/alaska-kg/graph/asserted> { ?s ?p ?o } }"
    )
    assert union == distinct > asserted
    code, out, _ = cli("query", "--sparql", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--format", "csv")
    assert code == 0 and out.splitlines()[1] == str(union)  # as `alaska-kg query` counts


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("application/xml", "application/sparql-results+xml"),
        ("text/csv;q=0.5, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_in_each_results_format(endpoint: str, accept: str, media_type: str) -> None:
    answer = get(endpoint, PEOPLE, accept)
    assert answer.status == 200, answer.body
    assert answer.media_type == media_type
    assert "accept" in answer.headers.get("vary", "").lower()
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(answer.text)))
        assert rows[0] == ["person"] and {AKR + n for n in PRINCIPALS} <= {r[0] for r in rows[1:]}
    elif media_type == "text/tab-separated-values":
        assert answer.text.splitlines()[0] == "?person"
        assert f"<{AKR}wang-yi>" in answer.text.splitlines()
    elif media_type.endswith("xml"):
        assert f"<uri>{AKR}yang-jiechi</uri>" in answer.text


@pytest.mark.parametrize(
    ("accept", "media_type", "rdf_format"),
    [
        (None, "text/turtle", RdfFormat.TURTLE),
        ("text/turtle", "text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", "application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_construct_in_each_rdf_syntax(endpoint: str, accept, media_type: str, rdf_format) -> None:
    query = "CONSTRUCT { ?p a ak:Person } WHERE { ?p a ak:Person }"
    answer = get(endpoint, query, accept)
    assert answer.status == 200 and answer.media_type == media_type, answer.body
    subjects = {t.subject.value for t in parse(answer.body, format=rdf_format, base_iri="http://x/")}
    assert {AKR + name for name in PRINCIPALS} <= subjects


def test_describe_answers_triples(endpoint: str) -> None:
    answer = get(endpoint, "DESCRIBE akr:yang-jiechi", "application/n-triples")
    assert answer.status == 200
    triples = list(parse(answer.body, format=RdfFormat.N_TRIPLES))
    assert any(t.object.value == "Yang Jiechi" for t in triples)


def test_ask_as_json_and_xml(endpoint: str) -> None:
    query = 'ASK { akr:wang-yi rdfs:label "Wang Yi"@en }'
    assert json.loads(get(endpoint, query).body) == {"head": {}, "boolean": True}
    xml = get(endpoint, query, "application/sparql-results+xml")
    assert "<boolean>true</boolean>" in xml.text


def test_an_accept_that_asks_for_nothing_we_write_is_406(endpoint: str) -> None:
    answer = get(endpoint, PEOPLE, "image/png")
    assert answer.status == 406
    assert "application/sparql-results+json" in one_line(answer)
    assert get(endpoint, "CONSTRUCT WHERE { ?s a ak:Person }", "text/csv").status == 406


def test_post_form_and_post_direct_give_the_same_answer_as_get(endpoint: str) -> None:
    by_get = get(endpoint, PEOPLE).body
    form = send(
        endpoint,
        "POST",
        "/sparql",
        urlencode({"query": PEOPLE}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    direct = send(
        endpoint,
        "POST",
        "/sparql",
        PEOPLE.encode(),
        {"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert form.status == direct.status == 200
    assert form.body == direct.body == by_get


def test_default_graph_uri_and_named_graph_uri_choose_the_dataset(endpoint: str) -> None:
    """Protocol §2.1.4: the request's dataset replaces the union (and any FROM in the query)."""
    inferred = "https://w3id.org/alaska-kg/graph/inferred"
    asserted = "https://w3id.org/alaska-kg/graph/asserted"
    stated = 'ASK { akr:wang-yi rdfs:label "Wang Yi"@en }'
    assert json.loads(get(endpoint, stated, **{"default-graph-uri": asserted}).body)["boolean"] is True
    assert json.loads(get(endpoint, stated, **{"default-graph-uri": inferred}).body)["boolean"] is False
    with_from = f'ASK FROM <{asserted}> {{ akr:wang-yi rdfs:label "Wang Yi"@en }}'
    assert json.loads(get(endpoint, with_from, **{"default-graph-uri": inferred}).body)["boolean"] is False
    graphs = "SELECT ?g WHERE { GRAPH ?g { } }"
    named = json.loads(get(endpoint, graphs, **{"named-graph-uri": inferred}).body)
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [inferred]
    bad = get(endpoint, stated, **{"default-graph-uri": "not an iri"})
    assert bad.status == 400 and "default-graph-uri" in one_line(bad)


def test_a_query_naming_dataset_graphs_with_from_is_run(endpoint: str) -> None:
    query = 'ASK FROM <https://w3id.org/alaska-kg/graph/asserted> { akr:wang-yi rdfs:label "Wang Yi"@en }'
    assert json.loads(get(endpoint, query).body)["boolean"] is True


# ---------------------------------------------------------------- the service description


def test_without_a_query_the_service_description_in_turtle(endpoint: str) -> None:
    answer = send(endpoint, "GET", "/sparql")
    assert answer.status == 200 and answer.media_type == "text/turtle"
    triples = list(parse(answer.body, format=RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    by_predicate = {(t.predicate.value, t.object.value) for t in triples}
    assert (sd + "endpoint", f"{endpoint}/sparql") in by_predicate
    assert (sd + "supportedLanguage", sd + "SPARQL11Query") in by_predicate
    assert (sd + "feature", sd + "UnionDefaultGraph") in by_predicate
    assert (sd + "resultFormat", "http://www.w3.org/ns/formats/SPARQL_Results_CSV") in by_predicate
    assert (sd + "supportedLanguage", sd + "SPARQL11Update") not in by_predicate  # read-only
    names = {t.object.value for t in triples if t.predicate.value == sd + "name"}
    assert names == {
        f"https://w3id.org/alaska-kg/graph/{g}" for g in ("ontology", "asserted", "inferred", "links")
    }


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [("application/ld+json", RdfFormat.JSON_LD), ("application/n-triples", RdfFormat.N_TRIPLES)],
)
def test_service_description_by_accept(endpoint: str, accept: str, rdf_format) -> None:
    answer = send(endpoint, "GET", "/sparql", headers={"Accept": accept})
    assert answer.status == 200 and answer.media_type == accept
    assert list(parse(answer.body, format=rdf_format))


def test_a_browser_is_sent_to_the_query_page_or_shown_a_form(endpoint: str) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    answer = send(endpoint, "GET", "/sparql", headers={"Accept": browser})
    from alaska_kg.serve.app import page_routes

    if page_routes():  # the pages are installed: their query editor
        assert answer.status == 303 and answer.headers["location"] == f"{endpoint}/query"
    else:
        assert answer.status == 200 and answer.media_type == "text/html"
        assert '<textarea name="query"' in answer.text and 'href="/queries"' in answer.text


# ---------------------------------------------------------------- canned queries


def test_queries_lists_every_canned_query_with_its_params(endpoint: str, layout) -> None:
    from alaska_kg.query.catalog import query_ids

    answer = send(endpoint, "GET", "/queries")
    assert answer.status == 200 and answer.media_type == "application/json"
    entries = {e["name"]: e for e in json.loads(answer.body)["queries"]}
    assert set(entries) == set(query_ids(layout))
    actor = entries["statements-by-actor"]
    assert actor["params"] == [
        {"name": "actor", "type": "iri", "description": "the speaker", "example": "akr:yang-jiechi"}
    ]
    assert actor["url"] == "/queries/statements-by-actor" and actor["summary"]


def test_queries_as_html_for_a_browser(endpoint: str) -> None:
    answer = send(endpoint, "GET", "/queries", headers={"Accept": "text/html"})
    assert answer.status == 200 and answer.media_type == "text/html"
    assert '<a href="/queries/participants">participants</a>' in answer.text


def test_canned_query_with_a_parameter_gives_the_cli_rows(endpoint: str, cli) -> None:
    code, out, _ = cli("query", "statements-by-actor", "--param", "actor=akr:yang-jiechi", "--format", "csv")
    assert code == 0
    answer = send(
        endpoint, "GET", "/queries/statements-by-actor?actor=akr:yang-jiechi", headers={"Accept": "text/csv"}
    )
    assert answer.status == 200 and answer.media_type == "text/csv"
    assert answer.text == out
    assert len(out.splitlines()) > 2  # Yang spoke more than once (the article: he responded, accused, …)


def test_canned_query_parameter_errors_are_the_cli_errors(endpoint: str, cli) -> None:
    cases = [
        ("statements-by-actor?actor=nope", ["actor=nope"]),
        ("statements-by-actor?speaker=akr:wang-yi", ["speaker=akr:wang-yi"]),
        (
            "statements-by-actor?actor=akr:wang-yi&actor=akr:yang-jiechi",
            ["actor=akr:wang-yi", "actor=akr:yang-jiechi"],
        ),
        ("participants?actor=akr:wang-yi", ["actor=akr:wang-yi"]),
    ]
    for path, params in cases:
        name = path.split("?")[0]
        code, _, err = cli("query", name, *(x for p in params for x in ("--param", p)))
        assert code == 10
        answer = send(endpoint, "GET", "/queries/" + path)
        assert answer.status == 400
        assert one_line(answer).strip() == err.strip().removeprefix("alaska-kg: error: ")


def test_unknown_canned_query_is_404_with_suggestions_and_never_a_file(endpoint: str) -> None:
    answer = send(endpoint, "GET", "/queries/participant")
    assert answer.status == 404 and "did you mean participants" in one_line(answer)
    for name in ("..%2F..%2Fqueries%2Fparticipants.rq", "%2Fetc%2Fpasswd.rq", "participants.rq"):
        answer = send(endpoint, "GET", "/queries/" + name)
        assert answer.status == 404, name


# ---------------------------------------------------------------- refused


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type"),
    [
        ("GET", "/sparql?update=" + quote("CLEAR ALL"), None, None),
        ("POST", "/sparql", b"update=CLEAR+ALL", "application/x-www-form-urlencoded"),
        ("POST", "/sparql", b"DROP ALL", "application/sparql-update"),
        ("POST", "/sparql?update=" + quote("CLEAR ALL"), b"ASK {}", "application/sparql-query"),
    ],
)
def test_updates_are_refused_with_403(endpoint: str, method, path, body, content_type) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    answer = send(endpoint, method, path, body, headers)
    assert answer.status == 403
    assert "read-only" in one_line(answer)
    assert json.loads(get(endpoint, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").body)["results"]["bindings"]


def test_an_update_inside_a_query_is_refused_by_the_guard(endpoint: str) -> None:
    for text in ("INSERT DATA { <http://x> <http://y> <http://z> }", "LOAD <http://example.org/data.ttl>"):
        answer = get(endpoint, text)
        assert answer.status == 403 and "SPARQL Update" in one_line(answer)


def test_service_runs_when_the_operator_allows_it(dataset, layout) -> None:
    """`--allow-service`: SERVICE reaches another endpoint (here a second server on loopback), and the
    service description says so."""
    with serving_app(make_app(ServeState(dataset, layout))) as remote:
        app = make_app(ServeState(dataset, layout, ServeConfig(allow_service=True)), cache_bytes=0)
        with serving_app(app) as base:
            query = (
                f"SELECT ?name WHERE {{ SERVICE <{remote}/sparql> {{ "
                f"<{AKR}wang-yi> <http://www.w3.org/2000/01/rdf-schema#label> ?name }} }}"
            )
            answer = get(base, query)
            description = send(base, "GET", "/sparql").text
    assert answer.status == 200, answer.body
    names = [b["name"]["value"] for b in json.loads(answer.body)["results"]["bindings"]]
    assert "Wang Yi" in names  # the article: foreign minister Wang Yi
    assert "sd:BasicFederatedQuery" in description


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "not a graph of the dataset"),
        (
            "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
            "not a graph of the dataset",
        ),
    ],
)
def test_service_and_remote_from_are_refused_with_403(endpoint: str, query: str, reason: str) -> None:
    answer = get(endpoint, query)
    assert answer.status == 403 and reason in one_line(answer)


def test_syntax_errors_are_400_naming_line_and_column(endpoint: str) -> None:
    answer = get(endpoint, "SELECT ?x WHERE {\n  ?x a ak:Person \n")
    assert answer.status == 400
    assert one_line(answer).startswith("query:3:1: SPARQL syntax error")


def test_control_characters_in_an_error_are_escaped(endpoint: str) -> None:
    for query in ("SELECT ?x WHERE { ?x \x1b[31m }", 'SELECT ?x WHERE { ?x <a\x1b[2J> "\u202e" }'):
        answer = get(endpoint, query)
        assert answer.status == 400
        one_line(answer)  # printable: no ESC, no bidi override
    response = error_response(400, "bad \x1b]0;title\x07 and\nmore \u202e")
    assert response.body == b"bad \\x1b]0;title\\x07 and more \\u202e\n"


@pytest.mark.parametrize(
    ("method", "headers", "body", "status"),
    [
        ("PUT", {}, b"ASK {}", 405),
        ("DELETE", {}, None, 405),
        ("POST", {"Content-Type": "text/plain"}, b"ASK {}", 415),
        ("POST", {}, b"ASK {}", 415),
        ("POST", {"Content-Type": "application/sparql-query; charset=latin-1"}, b"ASK {}", 415),
        ("POST", {"Content-Type": "application/sparql-query"}, b"ASK { \xff }", 400),
        ("POST", {"Content-Type": "application/x-www-form-urlencoded"}, b"other=1", 400),
        ("POST", {"Content-Type": "application/x-www-form-urlencoded"}, b"query=%FF", 400),
        ("POST", {"Content-Type": "application/sparql-query"}, b"ASK {}" + b" " * (1 << 20), 413),
    ],
)
def test_malformed_requests_get_a_4xx_saying_why(endpoint: str, method, headers, body, status) -> None:
    answer = send(endpoint, method, "/sparql", body, headers)
    assert answer.status == status, answer.body
    one_line(answer)


# ---------------------------------------------------------------- limits


def test_answers_are_cut_at_max_rows_and_say_so(dataset, layout) -> None:
    app = make_app(ServeState(dataset, layout, ServeConfig(max_rows=3)))
    with serving_app(app) as base:
        cut = get(base, PEOPLE, "text/csv")
        assert cut.status == 200 and cut.headers["x-sparql-maxrows"] == "3"
        assert len(cut.text.splitlines()) == 1 + 3
        triples = get(base, "CONSTRUCT WHERE { ?p a ak:Person }", "application/n-triples")
        assert triples.headers["x-sparql-maxrows"] == "3" and len(triples.text.splitlines()) == 3
        whole = get(base, "SELECT ?p WHERE { VALUES ?p { 1 2 3 } }", "text/csv")
        assert "x-sparql-maxrows" not in whole.headers and len(whole.text.splitlines()) == 4


def test_a_runaway_query_gets_503_at_its_deadline_while_others_are_answered(dataset, layout) -> None:
    app = make_app(ServeState(dataset, layout, ServeConfig(timeout=3.0)), cache_bytes=0)
    events: list[str] = []
    with serving_app(app) as base:
        slow: list[HttpAnswer] = []

        def run_slow() -> None:
            slow.append(get(base, RUNAWAY))
            events.append("slow answered")

        thread = threading.Thread(target=run_slow)
        thread.start()
        fast = [get(base, PEOPLE) for _ in range(5)]
        events.append("fast answered")
        workers = set(app.state.query_pool.pids)
        thread.join(timeout=60)
        assert not thread.is_alive()
        again = get(base, PEOPLE)
        replaced = set(app.state.query_pool.pids)
    # the worker that ran it was killed and replaced: as many workers, one of them new
    assert len(replaced) == len(workers) and len(replaced - workers) == 1
    (killed,) = workers - replaced
    with pytest.raises(ProcessLookupError):  # gone, and reaped (no zombie left)
        os.kill(killed, 0)
    assert all(a.status == 200 for a in fast) and again.status == 200
    assert events == ["fast answered", "slow answered"]
    assert slow[0].status == 503
    assert "ran past its 3 s deadline" in one_line(slow[0])


def test_identical_requests_are_answered_from_the_cache_with_the_same_bytes(dataset, layout) -> None:
    app = make_app(ServeState(dataset, layout))
    with serving_app(app) as base:
        first = send(base, "GET", "/queries/participants", headers={"Accept": "text/csv"})
        second = send(base, "GET", "/queries/participants", headers={"Accept": "text/csv"})
        other = send(
            base, "GET", "/queries/participants", headers={"Accept": "application/sparql-results+xml"}
        )
        bad = [get(base, "SELECT ?x WHERE {") for _ in range(2)]
    assert first.status == second.status == other.status == 200
    assert second.body == first.body and second.media_type == "text/csv"
    assert other.media_type == "application/sparql-results+xml"
    assert app.state.answer_cache.hits == 1 and len(app.state.answer_cache) == 2  # errors are not kept
    assert [b.status for b in bad] == [400, 400]
    off = make_app(ServeState(dataset, layout), cache_bytes=0)
    with serving_app(off) as base:
        for _ in range(2):
            assert send(base, "GET", "/queries/participants").status == 200
    assert off.state.answer_cache.hits == 0 and len(off.state.answer_cache) == 0


# ---------------------------------------------------------------- CORS and binding


def test_no_cors_header_unless_asked(endpoint: str, dataset, layout) -> None:
    origin = {"Origin": "https://example.org"}
    plain = send(endpoint, "GET", "/sparql?" + urlencode({"query": PEOPLE}), headers=origin)
    assert plain.status == 200 and "access-control-allow-origin" not in plain.headers
    app = make_app(ServeState(dataset, layout, ServeConfig(cors_origin="https://example.org")))
    with serving_app(app) as base:
        allowed = send(base, "GET", "/sparql?" + urlencode({"query": PEOPLE}), headers=origin)
        assert allowed.headers["access-control-allow-origin"] == "https://example.org"
        preflight = send(
            base,
            "OPTIONS",
            "/sparql",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status == 200 and "POST" in preflight.headers["access-control-allow-methods"]
        other = send(
            base, "GET", "/sparql?" + urlencode({"query": PEOPLE}), headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers


def test_binds_loopback_by_default() -> None:
    from alaska_kg.cli.app import _parser
    from alaska_kg.cli.serve import listening_socket

    assert DEFAULT_HOST == "127.0.0.1" and ServeConfig().host == "127.0.0.1"
    args = _parser("serve").parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.cors is None and args.allow_service is False
    sock = listening_socket(args.host, 0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()
