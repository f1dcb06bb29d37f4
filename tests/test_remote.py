"""`alaska-kg push` and `alaska-kg query --endpoint` against a real Oxigraph server started for this module on
a free loopback port, and against a small fake endpoint for the failures a real one will not stage on demand
(5xx, redirects, unreadable answers, silence); plus the VALUES rewrite that carries parameters remotely."""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
import pytest

from alaska_kg.namespaces import GRAPH_NAMES, graph_iri
from alaska_kg.paths import locate
from alaska_kg.query.catalog import find_query, query_ids
from alaska_kg.store.values import iri_text, string_text, where_group, with_values
from loopback import serving

REPO_ROOT = Path(__file__).resolve().parents[1]
CANNED = query_ids(locate(REPO_ROOT))
START_TIMEOUT = 15.0  # seconds for the server to accept connections


def _error(err: str) -> str:
    """The one error line of stderr."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("alaska-kg: error: ")
    return lines[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _oxigraph_command() -> str:
    """The `oxigraph` console script of the PyPI package `oxigraph` (in the test extra): never skipped."""
    for candidate in (
        shutil.which("oxigraph"),
        Path(sysconfig.get_path("scripts")) / "oxigraph",
        Path(sys.executable).parent / "oxigraph",
    ):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    pytest.fail(
        "the `oxigraph` command is missing: pip install '.[test]' (it brings the PyPI package oxigraph)"
    )


@dataclass(frozen=True)
class Server:
    query: str  # SPARQL 1.1 Protocol endpoint
    store: str  # Graph Store HTTP Protocol endpoint
    base: str


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`oxigraph serve` on a free loopback port with an on-disk store, stopped when the module is done."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("oxigraph")
    log = (folder / "server.log").open("wb")
    command = [_oxigraph_command(), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"oxigraph serve exited {process.returncode}: {(folder / 'server.log').read_text()}"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"oxigraph serve did not listen on port {port} within {START_TIMEOUT:g} s")
                time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        yield Server(query=f"{base}/query", store=f"{base}/store", base=base)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


@pytest.fixture(scope="module")
def pushed(oxigraph: Server, dataset_file: Path):  # -> alaska_kg.store.push.PushResult
    """The session's dataset pushed to the server once, through the library call the CLI makes."""
    from alaska_kg.store.push import push

    return push(dataset_file, oxigraph.store)


# ---------------------------------------------------------------- a fake endpoint for the failures


@dataclass
class Fake:
    base: str
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


class _Handler(http.server.BaseHTTPRequestHandler):
    """/status/NNN answers NNN; /redirect, /html, /broken, /slow, /ok as their names say; /auth/… wants
    HTTP basic credentials alice:s3:cret and challenges for them (401 with WWW-Authenticate) until given."""

    server: http.server.ThreadingHTTPServer
    fake: Fake

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.fake.requests.append((self.command, self.path, dict(self.headers.items())))
        path = self.path.split("?")[0]
        if path.startswith("/auth/"):
            expected = "Basic " + base64.b64encode(b"alice:s3:cret").decode()
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="fake"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = path.removeprefix("/auth")
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._send(code, "text/plain", f"fake failure {code}\nsecond line of the explanation")
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/html":
            self._send(200, "text/html", "<html><body>a login page</body></html>")
        elif path == "/broken":
            self._send(200, "application/sparql-results+json", '{"head": {"vars": ["s"]}, "results": {')
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, "application/sparql-results+json", '{"head": {}, "boolean": true}')
        else:
            self._send(200, "application/sparql-results+json", '{"head": {}, "boolean": true}')

    def _send(self, code: int, media_type: str, body: str) -> None:
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (the timeout test)
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_HEAD = _answer


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with serving(_Handler) as base:
        record = Fake(base)
        _Handler.fake = record
        yield record


# ---------------------------------------------------------------- push


def test_push_sends_one_put_per_graph_and_the_store_holds_the_dataset(cli, oxigraph: Server, pushed) -> None:
    """If the dataset is pushed, then each of its four graphs is one PUT, and the store then holds, graph by
    graph, as many triples as the N-Quads file."""
    assert [g.graph for g in pushed.graphs] == [graph_iri(name) for name in GRAPH_NAMES]
    assert all(g.status in (201, 204) for g in pushed.graphs)
    assert pushed.shared_blank_nodes == 0
    count = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    local = cli("query", "--sparql", count, "--format", "json")
    remote = cli("query", "--sparql", count, "--format", "json", "--endpoint", oxigraph.query)
    assert local == remote and local[0] == 0
    sizes = {b["g"]["value"]: int(b["n"]["value"]) for b in json.loads(local[1])["results"]["bindings"]}
    assert sizes == {g.graph: g.triples for g in pushed.graphs}


def test_push_command_replaces_the_graphs(cli, oxigraph: Server, pushed) -> None:
    """If the graphs are pushed again, then the store answers 204 No Content for each (replaced, not added
    to), and the command prints one line per graph."""
    code, out, err = cli("push", "--endpoint", oxigraph.store, "--content-type", "text/turtle")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("alaska-kg: pushing ") and f"to {oxigraph.store} (text/turtle" in lines[0]
    assert [line.split()[0] for line in lines[1:5]] == list(GRAPH_NAMES)
    assert all("204 No Content" in line for line in lines[1:5])
    total = sum(g.triples for g in pushed.graphs)
    assert lines[5] == f"  4 graphs, {total} triples"
    ask = f"ASK {{ GRAPH <{graph_iri('links')}> {{ ?s ?p ?o }} }}"
    assert cli("query", "--sparql", ask, "--endpoint", oxigraph.query)[:2] == (0, "yes\n")


# ---------------------------------------------------------------- the same answers as a local run


def _param_args(name: str) -> list[str]:
    """`--param NAME=EXAMPLE` for each declared parameter that has an example."""
    query = find_query(locate(REPO_ROOT), name)
    return [arg for p in query.header.params if p.example for arg in ("--param", f"{p.name}={p.example}")]


def _uses_service(text: str) -> bool:
    from alaska_kg.query.guard import tokens

    return any(kind == "word" and value.upper() == "SERVICE" for kind, value, _ in tokens(text))


@pytest.mark.parametrize("name", CANNED)
def test_every_canned_query_answers_remotely_as_locally(cli, oxigraph: Server, pushed, name: str) -> None:
    """If a canned query runs at the endpoint, then exit code, output and errors are those of the local run:
    the table with its labels, the W3C JSON results, Turtle for CONSTRUCT; with and without parameters."""
    text = find_query(locate(REPO_ROOT), name).text
    graph_form = re.search(r"^\s*(CONSTRUCT|DESCRIBE)\b", text, re.MULTILINE | re.IGNORECASE)
    formats = [[], ["--format", "jsonld" if graph_form else "json"]]
    runs = [*formats, *([*_param_args(name), *f] for f in formats if _param_args(name))]
    for extra in runs:
        local = cli("query", name, *extra)
        remote = cli("query", name, *extra, "--endpoint", oxigraph.query)
        assert remote == local, (name, extra)
        # 12: a federated query (SERVICE), refused by the same guard on both sides without --allow-service
        assert (local[0] in (0, 1) and local[1]) or (local[0] == 12 and _uses_service(text)), local


@pytest.mark.parametrize(
    "extra",
    [
        ["--raw"],
        ["--format", "csv"],
        ["--format", "tsv"],
        ["--format", "md"],
        ["--raw", "--format", "md"],
        ["--format", "xml"],
        ["--format", "csv", "--labels"],
        ["--format", "json", "--labels"],
    ],
)
def test_other_formats_are_the_same_remotely(cli, oxigraph: Server, pushed, extra: list[str]) -> None:
    args = ["query", "statements-by-actor", "--param", "actor=akr:yang-jiechi", *extra]
    assert cli(*args, "--endpoint", oxigraph.query) == cli(*args)


DATED_QUERY = """\
#+ summary: Statements made on one day, with a word, shorter than some length
#+ columns: [statement, day, word, limit]
#+ params:
#+   - {name: day, type: date}
#+   - {name: word, type: string}
#+   - {name: limit, type: integer}

PREFIX ak: <https://w3id.org/alaska-kg/ontology#>
SELECT ?statement ?day ?word ?limit
WHERE {
  ?statement ak:date ?day ;
      ak:proposition ?text .
  FILTER(COALESCE(CONTAINS(STR(?text), ?word), true))
  FILTER(COALESCE(STRLEN(?text) < ?limit, true))
}
ORDER BY ?statement
"""


@pytest.mark.parametrize(
    "params",
    [
        ["day=2021-03-18"],
        ["day=2021-03-19"],
        ["word=espionage"],  # used only in a FILTER: a trailing VALUES would keep every row
        ["limit=50"],
        ["word=Yang", "limit=120", "day=2021-03-18"],
        ['word=" } } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #'],
        ['word=back\\slash \\u0022 quote" new\nline'],
    ],
)
def test_parameters_give_the_rows_of_local_substitution(
    cli, oxigraph: Server, pushed, tmp_path: Path, params: list[str]
) -> None:
    """If parameters are given, then the endpoint (which gets them as a VALUES block) returns the rows the
    local engine returns by substitution: for parameters used only in FILTERs too, and for strings that
    try to close the literal."""
    path = tmp_path / "dated.rq"
    path.write_text(DATED_QUERY, encoding="utf-8")
    args = ["query", str(path), "--format", "json", *(arg for p in params for arg in ("--param", p))]
    local = cli(*args)
    assert local[0] == 0
    assert cli(*args, "--endpoint", oxigraph.query) == local


def test_graph_selection_is_sent_as_the_protocol_dataset(cli, oxigraph: Server, pushed) -> None:
    """If --graph is given, then the endpoint's default graph is the same merge of named graphs as locally:
    Yang's type ak:Person is stated, prov:Agent only entailed."""
    ask = "ASK {{ akr:yang-jiechi a {} }}"
    for cls, graph, expected in [
        ("ak:Person", "asserted", 0),
        ("ak:Person", "inferred", 1),
        ("prov:Agent", "asserted", 1),
        ("prov:Agent", "inferred", 0),
        ("prov:Agent", None, 0),
    ]:
        args = ["query", "--sparql", ask.format(cls), *(["--graph", graph] if graph else [])]
        assert cli(*args)[0] == expected
        assert cli(*args, "--endpoint", oxigraph.query)[0] == expected


def test_a_query_with_from_keeps_its_own_dataset(cli, oxigraph: Server, pushed) -> None:
    sparql = f"SELECT (COUNT(*) AS ?n) FROM <{graph_iri('links')}> WHERE {{ ?s ?p ?o }}"
    local = cli("query", "--sparql", sparql, "--format", "csv")
    assert cli("query", "--sparql", sparql, "--format", "csv", "--endpoint", oxigraph.query) == local
    assert local[1].splitlines()[1] == str(
        next(g.triples for g in pushed.graphs if g.graph.endswith("links"))
    )


# ---------------------------------------------------------------- refused before anything is sent


def test_service_is_refused_before_any_request(cli, fake: Fake) -> None:
    """If a query uses SERVICE without --allow-service, then it fails with the local guard's code and
    message, and the endpoint never hears of it."""
    before = len(fake.requests)
    sparql = "SELECT ?s WHERE {\n  SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }\n}"
    code, out, err = cli("query", "--sparql", sparql, "--endpoint", f"{fake.base}/ok")
    assert (code, out) == (12, "")
    assert _error(err).endswith(
        "--sparql:2:3: SERVICE would query a remote endpoint; rerun with --allow-service to permit it"
    )
    assert len(fake.requests) == before


def test_allow_service_lets_the_query_through(cli, fake: Fake) -> None:
    sparql = "ASK { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    code, out, _ = cli("query", "--sparql", sparql, "--allow-service", "--endpoint", f"{fake.base}/ok")
    assert (code, out) == (0, "yes\n")
    method, _, headers = fake.requests[-1]
    assert method == "POST" and headers["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["--sparql", "SELECT ?s\nWHERE {\n  ?s ?p\n}"], 9, "alaska-kg: error: --sparql:4:"),
        (["statements-by-actor", "--param", "actor=Yang"], 10, "expects an IRI"),
        (["--sparql", "SELECT ?s FROM <http://example.org/g> WHERE { ?s ?p ?o }"], 12, "is not a graph"),
    ],
)
def test_local_checks_run_before_any_request(
    cli, fake: Fake, args: list[str], code: int, expected: str
) -> None:
    before = len(fake.requests)
    result = cli("query", *args, "--endpoint", f"{fake.base}/ok")
    assert result[0] == code and expected in _error(result[2])
    assert len(fake.requests) == before


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("file:///etc/passwd", "expected an http:// or https:// URL"),
        ("localhost:7878/query", "expected an http:// or https:// URL"),
        ("http://alice:s3cret@127.0.0.1:9/query", "credentials do not belong in the URL"),
    ],
)
def test_bad_endpoint_urls_are_usage_errors(cli, endpoint: str, expected: str) -> None:
    code, _, err = cli("query", "participants", "--endpoint", endpoint)
    assert code == 2 and expected in _error(err) and "s3cret" not in err
    code, _, err = cli("push", "--endpoint", endpoint)
    assert code == 2 and expected in _error(err) and "s3cret" not in err


def test_dataset_and_endpoint_exclude_each_other(cli, dataset_file: Path, fake: Fake) -> None:
    code, _, err = cli(
        "query", "participants", "--dataset", str(dataset_file), "--endpoint", f"{fake.base}/ok"
    )
    assert code == 2 and "give --dataset or --endpoint, not both" in _error(err)


# ---------------------------------------------------------------- failures: one line, one exit code each


def test_unreachable_endpoint(cli) -> None:
    url = f"http://127.0.0.1:{_free_port()}/query"
    code, out, err = cli("query", "participants", "--endpoint", url)
    assert (code, out) == (30, "")
    assert _error(err) == (
        f"alaska-kg: error: query 'participants' at {url}: cannot reach the endpoint: connection refused "
        "(is the server running, on that port?)"
    )
    code, _, err = cli("push", "--endpoint", url.replace("/query", "/store"))
    assert code == 30 and f"PUT of <{graph_iri('ontology')}>" in _error(err)


def test_a_4xx_from_the_real_server(cli, oxigraph: Server) -> None:
    code, out, err = cli("query", "participants", "--endpoint", f"{oxigraph.base}/nope")
    assert (code, out) == (31, "")
    assert "the endpoint answered 404 Not Found: POST /nope is not supported by this server" in _error(err)


@pytest.mark.parametrize(("status", "code"), [(400, 31), (404, 31), (500, 32), (503, 32)])
def test_4xx_and_5xx_have_their_own_codes(cli, fake: Fake, status: int, code: int) -> None:
    url = f"{fake.base}/status/{status}"
    result = cli("query", "talks-joint-statement", "--endpoint", url)
    assert result[:2] == (code, "")
    line = _error(result[2])
    assert f"query 'talks-joint-statement' at {url}: the endpoint answered {status} " in line
    assert line.endswith(f"fake failure {status} second line of the explanation")
    result = cli("push", "--endpoint", url)
    assert result[0] == code and f"PUT of <{graph_iri('ontology')}> at {url}" in _error(result[2])


def test_redirects_are_reported_not_followed(cli, fake: Fake) -> None:
    before = len(fake.requests)
    code, _, err = cli("query", "participants", "--endpoint", f"{fake.base}/redirect")
    assert code == 31
    assert "answered 302 Found (a redirect to http://127.0.0.1:9/elsewhere; give that URL" in _error(err)
    assert len(fake.requests) == before + 1


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/html", "the endpoint answered text/html, neither SPARQL results nor RDF"),
        ("/broken", "the answer is not valid application/sparql-results+json"),
    ],
)
def test_unreadable_answers(cli, fake: Fake, path: str, expected: str) -> None:
    code, out, err = cli("query", "participants", "--endpoint", fake.base + path, "--format", "csv")
    assert (code, out) == (33, "")
    assert expected in _error(err)


def test_a_silent_endpoint_times_out(cli, fake: Fake) -> None:
    started = time.monotonic()
    code, _, err = cli(
        "query", "talks-joint-statement", "--endpoint", f"{fake.base}/slow", "--timeout", "0.3"
    )
    assert code == 30 and "cannot reach the endpoint: no answer within 0.3 s (--timeout)" in _error(err)
    assert time.monotonic() - started < 1.4


def test_basic_auth_comes_from_the_environment(cli, fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    """If $ALASKA_KG_ENDPOINT_AUTH is set, then a challenge is answered with it as HTTP basic credentials (the
    password may hold a colon); a push settles them on a bodiless HEAD first, so that every PUT carries them
    from the start; refused credentials, or none, give a 401 that says which."""
    expected = "Basic " + base64.b64encode(b"alice:s3:cret").decode()
    monkeypatch.setenv("ALASKA_KG_ENDPOINT_AUTH", "alice:s3:cret")
    before = len(fake.requests)
    assert cli("query", "talks-joint-statement", "--endpoint", f"{fake.base}/auth/ok")[0] == 0
    assert [h.get("Authorization") for _, _, h in fake.requests[before:]] == [None, expected]
    before = len(fake.requests)
    code, out, _ = cli("push", "--endpoint", f"{fake.base}/auth/put")
    assert code == 0 and out.count("200 OK") == 4
    sent = [(method, headers.get("Authorization")) for method, _, headers in fake.requests[before:]]
    assert sent[-4:] == [("PUT", expected)] * 4 and [m for m, _ in sent[:-4]] in (["HEAD"], ["HEAD", "HEAD"])

    monkeypatch.setenv("ALASKA_KG_ENDPOINT_AUTH", "alice:wrong")
    code, _, err = cli("query", "talks-joint-statement", "--endpoint", f"{fake.base}/auth/ok")
    assert (
        code == 31
        and "answered 401" in err
        and "(the credentials in $ALASKA_KG_ENDPOINT_AUTH were refused)" in err
    )
    code, _, err = cli("push", "--endpoint", f"{fake.base}/auth/put")
    assert code == 31 and _error(err).startswith(
        f"alaska-kg: error: login at {fake.base}/auth/put: the endpoint answered 401"
    )
    assert "wrong" not in err

    monkeypatch.setenv("ALASKA_KG_ENDPOINT_AUTH", "no-colon")
    code, _, err = cli("push", "--endpoint", f"{fake.base}/ok")
    assert code == 2 and "must be user:password" in _error(err)

    monkeypatch.delenv("ALASKA_KG_ENDPOINT_AUTH")
    before = len(fake.requests)
    code, _, err = cli("query", "talks-joint-statement", "--endpoint", f"{fake.base}/auth/ok")
    assert code == 31 and "set $ALASKA_KG_ENDPOINT_AUTH=user:password if the endpoint needs a login" in err
    assert [h.get("Authorization") for _, _, h in fake.requests[before:]] == [None]


def test_push_sends_n_triples_to_the_graph_named_in_the_url(cli, fake: Fake) -> None:
    before = len(fake.requests)
    assert cli("push", "--endpoint", f"{fake.base}/ok?x=1")[0] == 0
    puts = fake.requests[before:]
    assert [m for m, _, _ in puts] == ["PUT"] * 4
    from urllib.parse import quote

    assert [p for _, p, _ in puts] == [f"/ok?x=1&graph={quote(graph_iri(n), safe='')}" for n in GRAPH_NAMES]
    assert {h["Content-Type"] for _, _, h in puts} == {"application/n-triples"}


# ---------------------------------------------------------------- the VALUES rewrite, shape by shape

EX = "http://example.org/"
TINY = f"""
<{EX}a> <{EX}p> "1" .
<{EX}b> <{EX}p> "2" .
<{EX}c> <{EX}p> "3" .
<{EX}a> <{EX}q> <{EX}b> .
<{EX}b> <{EX}n> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{EX}c> <{EX}n> "9"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""
SHAPES = {
    "triple pattern": ("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }", "s"),
    "no WHERE keyword, comment and string with braces": (
        'SELECT ?s ?o # {\n{ ?s <http://example.org/p> ?o FILTER(?o != "}") }',
        "s",
    ),
    "FILTER only": ("SELECT ?s ?min WHERE { ?s <http://example.org/n> ?n FILTER(?n > ?min) }", "min"),
    "OPTIONAL": (
        "SELECT ?s ?t WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?s <http://example.org/q> ?t } }",
        "t",
    ),
    "sub-query as the group": (
        "SELECT ?s ?o WHERE { SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } }",
        "s",
    ),
    "EXISTS in the projection": (
        "SELECT ?s (EXISTS { ?s <http://example.org/q> ?x } AS ?e) WHERE { ?s <http://example.org/p> ?o }",
        "s",
    ),
    "aggregate": ("SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s", "s"),
    "ASK": ("ASK { ?s <http://example.org/n> 9 }", "s"),
    "CONSTRUCT": ("CONSTRUCT { ?s <http://example.org/r> ?o } WHERE { ?s <http://example.org/p> ?o }", "s"),
    "CONSTRUCT WHERE (trailing VALUES)": ("CONSTRUCT WHERE { ?s <http://example.org/p> ?o }", "s"),
    "DESCRIBE without WHERE (trailing VALUES)": ("DESCRIBE ?s", "s"),
}
VALUES_FOR = {
    "s": pyoxigraph.NamedNode(EX + "c"),
    "t": pyoxigraph.NamedNode(EX + "b"),
    "min": pyoxigraph.Literal(6),
}


def _rows(result: object) -> object:
    if isinstance(result, pyoxigraph.QueryBoolean):
        return bool(result)
    if isinstance(result, pyoxigraph.QuerySolutions):
        variables = result.variables
        return sorted(tuple(str(s[v]) for v in variables) for s in result)
    return sorted(str(t) for t in result)


@pytest.mark.parametrize("shape", SHAPES)
def test_values_at_the_head_of_the_where_group_reads_as_substitution(shape: str) -> None:
    """If a parameter is sent as a VALUES block, then the query answers what it answers with the parameter
    substituted by the engine, whatever the shape of the query."""
    text, name = SHAPES[shape]
    store = pyoxigraph.Store()
    store.load(TINY.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    bindings = {pyoxigraph.Variable(name): VALUES_FOR[name]}
    rewritten = with_values(text, bindings)
    assert rewritten.count("\n") >= text.count("\n")  # lines keep their numbers: the block adds no line break
    assert _rows(store.query(rewritten)) == _rows(store.query(text, substitutions=bindings))


def test_where_group_is_found_by_tokens() -> None:
    text = 'PREFIX select: <http://x/{>\nSELECT ?s # WHERE {\nWHERE { ?s ?p "{" }'
    opening, closing = where_group(text) or (0, 0)
    assert text[opening : closing + 1] == '{ ?s ?p "{" }'


@pytest.mark.parametrize(
    "value",
    [
        'a"b',
        "a\\b",
        "\\u0022",
        "\\\\u0022",
        "line\nbreak\r\ttab",
        '"""',
        "'",
        "} } #",
        "é – ’",
        "\\U0001F600",
    ],
)
def test_strings_round_trip(value: str) -> None:
    """If a string is written with string_text, then SPARQL reads back exactly that string."""
    store = pyoxigraph.Store()
    (solution,) = store.query(f"SELECT ?v WHERE {{ VALUES ?v {{ {string_text(value)} }} }}")
    assert solution["v"].value == value


@pytest.mark.parametrize(
    "iri", ["http://x/a>b", "http://x/a b", 'http://x/"', "http://x/{", "http://x/\\u003E", ""]
)
def test_iris_that_could_break_out_are_refused(iri: str) -> None:
    from alaska_kg.errors import QueryParameterError

    with pytest.raises(QueryParameterError):
        iri_text(iri)


# ---------------------------------------------------------------- light imports


def test_constants_kept_in_the_cli_match_their_modules() -> None:
    from alaska_kg.cli import push as push_commands
    from alaska_kg.cli import query as query_commands
    from alaska_kg.store import client as remote
    from alaska_kg.store import push

    assert query_commands.REMOTE_TIMEOUT == remote.DEFAULT_TIMEOUT
    assert push_commands.PUSH_TIMEOUT == push.DEFAULT_PUSH_TIMEOUT
    assert push_commands.PUSH_CONTENT_TYPES == push.CONTENT_TYPES


def test_a_local_query_imports_no_network_code(dataset_file: Path) -> None:
    script = (
        "import contextlib, io, sys\nfrom alaska_kg.cli.app import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    code = main(['query', 'participants'])\n"
        "print(code, sorted(m for m in sys.modules if m in {'urllib.request', 'alaska_kg.store.client', "
        "'alaska_kg.store.remote_query', 'alaska_kg.store.push'}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 []"


# ---------------------------------------------------------------- clients that name no graph (issue 11)


def _count_without_graphs(server: Server) -> int:
    """What a client that names no graph sees: the SPARQL Protocol with no default-graph-uri."""
    import urllib.parse
    import urllib.request

    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    request = urllib.request.Request(
        f"{server.query}?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return int(json.loads(answer.read())["results"]["bindings"][0]["n"]["value"])


def test_push_says_how_a_client_that_names_no_graph_sees_the_data(cli, oxigraph: Server, pushed) -> None:
    """Reproduction: a client that names no graph got 0 rows with no word why. The store still answers 0 (the
    data is in named graphs), and push's output now says how to start each store with the union default
    graph, or to push a copy with --union-default-graph."""
    code, out, _ = cli("push", "--endpoint", oxigraph.store)
    assert code == 0
    assert _count_without_graphs(oxigraph) == 0
    note = out.splitlines()[-1]
    assert note.startswith("  note: the data is in named graphs")
    assert "oxigraph serve --union-default-graph" in note and "tdb2:unionDefaultGraph" in note
    assert "--union-default-graph" in note.rpartition("or push again with")[2]


def test_push_union_default_graph_copies_every_triple_into_the_default_graph(
    cli, oxigraph: Server, dataset
) -> None:
    """With --union-default-graph, push PUTs one more graph, the default one, holding every triple of the
    four: a client that names no graph then sees the whole dataset (each distinct triple once)."""
    code, out, _ = cli("push", "--endpoint", oxigraph.store, "--union-default-graph")
    assert code == 0
    lines = out.splitlines()
    assert lines[5].split()[0] == "(default)"
    distinct = {
        str(pyoxigraph.Triple(q.subject, q.predicate, q.object))
        for name in GRAPH_NAMES
        for q in dataset.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph_iri(name)))
    }
    assert _count_without_graphs(oxigraph) == len(distinct)
    assert "(--union-default-graph)" in lines[-1]
