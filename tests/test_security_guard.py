"""Issue 9 §1: the SERVICE guard reads SPARQL as the grammar does. Every reproduction runs the real command
against a recorder on 127.0.0.1 that logs each request it gets: a refused query must reach it zero times,
locally, through `--endpoint`, and from the integrity checks of `validate` and `build`.

The fuzzing generates queries from the SPARQL 1.1 grammar with escapes, comments, the four string forms and
SERVICE at random places; the generator knows how many SERVICE clauses it wrote, and a sample of its output
is checked against independent parsers (tests/sparql_oracle.py), so the guard is never judged by its lexer.
A last property runs Oxigraph itself on whatever random text the guard lets through, before a SERVICE that
names the recorder.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Store

from alaska_kg.cache import CACHE_ENV_VAR
from alaska_kg.errors import AlaskaKgError, ForbiddenQuery, QuerySyntaxError
from alaska_kg.namespaces import PREFIXES, graph_iri
from alaska_kg.query.guard import MAX_NESTING, check_query, lex, without_service
from loopback import serving
from sparql_oracle import read

REPO_ROOT = Path(__file__).resolve().parents[1]
EMPTY_RESULTS = json.dumps({"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": []}}).encode()


# ---------------------------------------------------------------- a server that records every request


@dataclass
class Recorder:
    """A SPARQL endpoint on 127.0.0.1 that answers every request with an empty result and remembers it."""

    base: str
    requests: list[tuple[str, str]] = field(default_factory=list)


@contextlib.contextmanager
def _recording() -> Iterator[Recorder]:
    record = Recorder("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            record.requests.append((self.command, self.path))
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(EMPTY_RESULTS)))
            self.end_headers()
            self.wfile.write(EMPTY_RESULTS)

        do_GET = do_POST = _answer

    with serving(Handler) as base:
        record.base = base
        yield record


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with _recording() as record:
        yield record


@pytest.fixture(scope="module")
def shared_recorder() -> Iterator[Recorder]:
    """One recorder for all the examples of a property (Hypothesis runs them in one test call)."""
    with _recording() as record:
        yield record


def _error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("alaska-kg: error: ")
    return lines[0]


# ---------------------------------------------------------------- the reproductions of the issue

REPRODUCTIONS = {
    # PN_LOCAL_ESC `\'`: the old tokenizer took the quote for the start of a string running to `'x'`
    "pn-local-esc-quote": "SELECT ?s WHERE { VALUES ?z { akr:a\\'b } SERVICE <{base}/x> { ?s ?p ?o } "
    "FILTER(?s != 'x') }",
    # PN_LOCAL_ESC `\#`: the old tokenizer took `#` for a comment running to the end of the line
    "pn-local-esc-hash": "SELECT ?s WHERE { VALUES ?z { akr:a\\#b } SERVICE <{base}/y> { ?s ?p ?o } }",
    # a \u escape inside an IRI: the old IRI pattern refused `\`, so `#>…` became a comment
    "iri-codepoint-escape": "SELECT ?s WHERE { VALUES ?z { <http://x/\\u0041#> } SERVICE <{base}/z> "
    "{ ?s ?p ?o } }",
    # a comment ends at a carriage return (§19.8 notes; Oxigraph agrees): the old one ran to the newline
    "comment-ends-at-cr": "SELECT ?s WHERE { # a note\r SERVICE <{base}/cr> { ?s ?p ?o } }",
}


@pytest.mark.parametrize("name", REPRODUCTIONS)
def test_a_hidden_service_is_refused_and_never_called(cli, recorder: Recorder, name: str) -> None:
    """If a query hides SERVICE behind a prefixed-name escape, an escape in an IRI or a CR-ended comment,
    then `query` exits 12 naming the SERVICE, and the endpoint it names hears nothing."""
    sparql = REPRODUCTIONS[name].replace("{base}", recorder.base)
    code, out, err = cli("query", "--sparql", sparql)
    assert (code, out) == (12, "")
    assert "SERVICE would query a remote endpoint" in _error(err)
    assert recorder.requests == []


@pytest.mark.parametrize("name", REPRODUCTIONS)
def test_a_hidden_service_is_refused_before_an_endpoint_hears_of_it(
    cli, recorder: Recorder, name: str
) -> None:
    """If the same queries go to `--endpoint`, then nothing is sent to the endpoint, and the local check
    calls the hidden SERVICE zero times (it used to run it on an empty store first, twice)."""
    sparql = REPRODUCTIONS[name].replace("{base}", recorder.base)
    code, out, err = cli("query", "--sparql", sparql, "--endpoint", f"{recorder.base}/endpoint")
    assert (code, out) == (12, "")
    assert "SERVICE would query a remote endpoint" in _error(err)
    assert recorder.requests == []


def test_allow_service_lets_service_run_locally(cli, recorder: Recorder) -> None:
    """If --allow-service is given, then the SERVICE of the first reproduction is called (the recorder
    answers an empty result), and the query answers with no rows."""
    sparql = REPRODUCTIONS["pn-local-esc-quote"].replace("{base}", recorder.base)
    code, out, _ = cli("query", "--sparql", sparql, "--allow-service", "--format", "csv")
    assert (code, out) == (0, "s\r\n")
    assert recorder.requests and all(path.startswith("/x") for _, path in recorder.requests)


def test_with_an_endpoint_the_service_is_the_endpoints_to_call(cli, recorder: Recorder) -> None:
    """If --allow-service and --endpoint are given, then the query is sent to the endpoint, and the local
    check evaluates no SERVICE: the SERVICE target hears nothing from here."""
    sparql = REPRODUCTIONS["pn-local-esc-hash"].replace("{base}", recorder.base)
    args = ("query", "--sparql", sparql, "--allow-service", "--endpoint", f"{recorder.base}/endpoint")
    code, _, err = cli(*args, "--format", "csv")
    assert code == 0, err
    assert [path.split("?")[0] for _, path in recorder.requests] == ["/endpoint"]


@pytest.mark.parametrize(
    ("sparql", "code", "message"),
    [
        ("DROP ALL", 12, "DROP belongs to SPARQL Update"),
        ("LOAD <http://example.org/data.ttl>", 12, "LOAD belongs to SPARQL Update"),
        ("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }", 12, "INSERT belongs"),
        ("SELECT ?s WHERE { ?s ?p }", 9, "SPARQL syntax error"),
        ("SELECT ?s WHERE { ?s ?p ?o } ~", 9, "the guard cannot read the query here"),
        ("DEFINE input:grab-all 'yes' SELECT ?s WHERE { ?s ?p ?o }", 9, "'DEFINE' is no SPARQL 1.1 keyword"),
    ],
)
def test_allow_service_does_not_switch_off_the_syntax_check(
    cli, recorder: Recorder, sparql: str, code: int, message: str
) -> None:
    """If --allow-service is given, then an update, a syntax error or an unknown word is still refused
    before anything is sent: updates never leave the tool."""
    for endpoint in ((), ("--endpoint", f"{recorder.base}/endpoint")):
        result, out, err = cli("query", "--allow-service", "--sparql", sparql, *endpoint)
        assert (result, out) == (code, ""), err
        assert message in _error(err)
    assert recorder.requests == []


# ---------------------------------------------------------------- the integrity checks


def _sources_with_check(root: Path, text: str) -> Path:
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / name, root / name)
    (root / "queries" / "checks" / "beacon.rq").write_text(text, encoding="utf-8")
    return root


BEACON = """#+ summary: Looks like a check, calls home
#+ description: >
#+   A contributed check that asks a remote endpoint.
#+ tags: [check]
#+ columns: [s]

SELECT ?s
WHERE {
  SERVICE SILENT <{base}/beacon> { ?s ?p ?o }
}
"""


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_check_with_service_is_refused_not_run(
    cli, recorder: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """If a file of queries/checks/ holds `SERVICE SILENT <…/beacon>`, then `validate` and `build` stop with
    exit 12 naming the file and line, the beacon hears nothing, and `build` writes no output folder."""
    # a cache of its own: the checks are not part of the cache key (alaska_kg.cache.source_files), so the
    # session's cache would let `build` reuse its outputs without running any check
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    root = _sources_with_check(tmp_path / "src", BEACON.replace("{base}", recorder.base))
    out_dir = tmp_path / "dist"
    extra = ("--out", str(out_dir)) if command == "build" else ()
    code, _, err = cli(command, "--root", str(root), *extra)
    assert code == 12
    error = _error(err)
    assert f"{root / 'queries' / 'checks' / 'beacon.rq'}:9:3: SERVICE would query a remote endpoint" in error
    assert recorder.requests == []
    assert not out_dir.exists()


# ---------------------------------------------------------------- keywords glued to prefixed names
# Oxigraph matches a keyword without looking where the word ends: `SERVICE:x` is `SERVICE :x` to it, and one
# prefixed name (PNAME_LN, the longest token) to the grammar. Every one of these reached the recorder (or,
# for FROM, was sent to an endpoint / silently ignored) before the guard refused such names.

GLUED = {
    "service-colon-x": "PREFIX : <{base}/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
    "service-colon": "PREFIX : <{base}/bare> SELECT * WHERE { SERVICE: { ?s ?p ?o } }",
    "service-x-glued": "PREFIX x: <{base}/> SELECT * WHERE { SERVICEx:glued { ?s ?p ?o } }",
    "service-silent-colon": "PREFIX : <{base}/> SELECT * WHERE { SERVICESILENT:s { ?s ?p ?o } }",
    "service-silent-prefix": "PREFIX s: <{base}/> SELECT * WHERE { SERVICESILENTs:s { ?s ?p ?o } }",
    "lowercase": "PREFIX : <{base}/> SELECT * WHERE { service:x { ?s ?p ?o } }",
    "in-optional": "PREFIX : <{base}/> SELECT * WHERE { OPTIONAL { SeRvIcE:x { ?s ?p ?o } } }",
    "in-subselect": "PREFIX : <{base}/> SELECT * WHERE { { SELECT * WHERE { sErViCe:x { ?s ?p ?o } } } }",
    "in-filter-exists": "PREFIX : <{base}/> SELECT * WHERE { BIND(1 AS ?one) "
    "FILTER EXISTS { Service:x { ?s ?p ?o } } }",
    "ask": "PREFIX : <{base}/> ASK { SERVICE:x { ?s ?p ?o } }",
    "construct": "PREFIX : <{base}/> CONSTRUCT { ?s ?p ?o } WHERE { SERVICE:x { ?s ?p ?o } }",
    "describe": "PREFIX : <{base}/> DESCRIBE ?s WHERE { SERVICE:x { ?s ?p ?o } }",
    "from": "PREFIX : <{base}/> SELECT * FROM:x WHERE { ?s ?p ?o }",
    "from-named": "PREFIX : <{base}/> SELECT * FROMNAMED:y WHERE { GRAPH ?g { ?s ?p ?o } }",
}


@pytest.mark.parametrize("name", GLUED)
@pytest.mark.parametrize("allow", [(), ("--allow-service",)], ids=["", "allow-service"])
def test_a_keyword_glued_to_a_prefixed_name_is_refused(
    cli, recorder: Recorder, name: str, allow: tuple[str, ...]
) -> None:
    """If SERVICE or FROM (any letter case, anywhere, any query form) is glued to a prefixed name, then
    `query` exits 12 saying to put a space, with --allow-service too, and the recorder hears nothing."""
    sparql = GLUED[name].replace("{base}", recorder.base)
    code, out, err = cli("query", "--sparql", sparql, *allow)
    assert (code, out) == (12, ""), err
    assert "put a space after" in _error(err)
    assert recorder.requests == []


@pytest.mark.parametrize("name", GLUED)
@pytest.mark.parametrize("allow", [(), ("--allow-service",)], ids=["", "allow-service"])
def test_a_keyword_glued_to_a_prefixed_name_never_reaches_an_endpoint(
    cli, recorder: Recorder, name: str, allow: tuple[str, ...]
) -> None:
    """If the same queries go to `--endpoint`, then nothing is sent (FROM:x was sent), and the local check
    on an empty store calls nothing either."""
    sparql = GLUED[name].replace("{base}", recorder.base)
    code, out, err = cli("query", "--sparql", sparql, *allow, "--endpoint", f"{recorder.base}/endpoint")
    assert (code, out) == (12, ""), err
    assert "put a space after" in _error(err)
    assert recorder.requests == []


def test_a_predeclared_prefix_glued_to_service_is_refused() -> None:
    """If `SERVICEwd:Q1` is written with no PREFIX line (wd: is predeclared for --sparql), then the guard
    refuses it: Oxigraph would call the Wikidata entity IRI (not run here: no network in tests)."""
    with pytest.raises(ForbiddenQuery, match=r"^q:1:18: SERVICEwd:Q1 reads as the keyword SERVICE followed"):
        check_query("SELECT * WHERE { SERVICEwd:Q1 { ?s ?p ?o } }", "q", prefixes=PREFIXES)
    with pytest.raises(ForbiddenQuery, match="put a space after FROM"):
        check_query("SELECT * FROMwd:Q1 WHERE { ?s ?p ?o }", "q", prefixes=PREFIXES, allow_service=True)


@pytest.mark.parametrize(
    "text",
    [
        "PREFIX service: <http://x/> SELECT * WHERE { ?s service:p ?o }",  # a PREFIX naming it is refused too
        "PREFIX fromage: <http://x/> SELECT * WHERE { ?s fromage:p ?o }",
        "PREFIX named: <http://x/> SELECT * WHERE { ?s named:p ?o }",
        "PREFIX loader: <http://x/> SELECT * WHERE { ?s loader:p ?o }",
    ],
)
def test_a_prefix_that_begins_with_such_a_keyword_is_refused(text: str) -> None:
    """If a prefix begins with SERVICE, FROM, NAMED or an update operation, then any name using it may be
    read as that keyword by Oxigraph: refused, with or without --allow-service."""
    for allow in (False, True):
        with pytest.raises(ForbiddenQuery, match="put a space after"):
            check_query(text, "q", allow_service=allow)


def test_other_keywords_glued_to_a_name_are_left_to_the_engine() -> None:
    """If GRAPH (which reads a local graph either way) or a name merely containing SERVICE is written, then
    the guard lets it through: the rule is about the start of the prefix only."""
    for text in (
        "PREFIX : <http://x/> SELECT * WHERE { GRAPH:g { ?s ?p ?o } }",
        "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:SERVICE ?o }",
        "PREFIX myservice: <http://x/> SELECT * WHERE { ?s myservice:p ?o }",
    ):
        assert check_query(text, "q") is False


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_check_with_a_glued_service_is_refused_not_run(
    cli, recorder: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """If a file of queries/checks/ holds `SERVICE:beacon`, then `validate` and `build` stop with exit 12
    naming the file, line and column, and the recorder hears nothing."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    check = BEACON.replace("SELECT ?s", "PREFIX : <{base}/>\nSELECT ?s").replace(
        "SERVICE SILENT <{base}/beacon>", "SERVICE:beacon"
    )
    root = _sources_with_check(tmp_path / "src", check.replace("{base}", recorder.base))
    out_dir = tmp_path / "dist"
    extra = ("--out", str(out_dir)) if command == "build" else ()
    code, _, err = cli(command, "--root", str(root), *extra)
    assert code == 12, err
    beacon = root / "queries" / "checks" / "beacon.rq"
    assert f"{beacon}:10:3: SERVICE:beacon reads as the keyword SERVICE" in _error(err)
    assert recorder.requests == []
    assert not out_dir.exists()


# ---------------------------------------------------------------- nesting
# Oxigraph's parser recurses once per nesting level and overflows its stack (segmentation fault, exit 139):
# measured in a thread as the CLI runs it, from ~900 nested `FILTER EXISTS {`, ~1500 sub-selects, ~3000
# groups, ~5000 parentheses. The guard refuses more than MAX_NESTING (128) levels: a wide margin.

DEEP = {
    "groups": ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, 1, 15 + MAX_NESTING + 1),
    "parentheses": ("SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", 1, 23 + MAX_NESTING),
}


def _cli_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own: a crash of the engine (exit 139) must not take the suite with it."""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "alaska_kg", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


@pytest.mark.parametrize("name", DEEP)
def test_nesting_deeper_than_the_limit_is_refused_not_crashed(
    recorder: Recorder, dataset_file: Path, name: str
) -> None:
    """If 5000 groups or parentheses nest (Oxigraph crashed: exit 139), then `query` refuses with exit 9 and
    one line naming line:column where the limit is passed, locally and with --endpoint (nothing sent)."""
    text, line, column = DEEP[name]
    for endpoint in ((), ("--endpoint", f"{recorder.base}/endpoint")):
        done = _cli_process("query", "--sparql", text, *endpoint)
        assert (done.returncode, done.stdout) == (9, ""), done.stderr
        assert f"--sparql:{line}:{column}: groups, brackets and parentheses nest deeper than 128" in _error(
            done.stderr
        )
    assert recorder.requests == []


def test_nesting_within_the_limit_runs() -> None:
    """If groups nest exactly MAX_NESTING deep, then the guard passes the query and Oxigraph answers it."""
    text = "SELECT * WHERE " + "{" * MAX_NESTING + "}" * MAX_NESTING
    assert check_query(text, "q") is False
    assert len(list(Store().query(text))) == 1
    with pytest.raises(QuerySyntaxError, match=r"^q:1:144: groups, brackets and parentheses nest deeper"):
        check_query("SELECT * WHERE " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1), "q")


def test_a_check_nesting_too_deep_is_refused_not_crashed(tmp_path: Path) -> None:
    """If a file of queries/checks/ nests 5000 groups, then `validate` exits 9 naming the file, line and
    column (it crashed with exit 139)."""
    check = BEACON.replace("  SERVICE SILENT <{base}/beacon> { ?s ?p ?o }", "  " + "{" * 5000 + "}" * 5000)
    root = _sources_with_check(tmp_path / "src", check)
    done = _cli_process("validate", "--root", str(root), env={CACHE_ENV_VAR: str(tmp_path / "cache")})
    assert done.returncode == 9, done.stderr
    beacon = root / "queries" / "checks" / "beacon.rq"
    expected = f"{beacon}:9:{2 + MAX_NESTING}: groups, brackets and parentheses nest deeper"
    assert expected in _error(done.stderr)


# ---------------------------------------------------------------- what the lexer reads


PN_LOCAL_ESCAPES = "_~.-!$&'()*+,;=/?#@%"


@pytest.mark.parametrize("char", PN_LOCAL_ESCAPES)
def test_every_pn_local_escape_is_part_of_the_name(char: str) -> None:
    """If a prefixed name holds any of the twenty PN_LOCAL_ESC escapes (§19.8 [173]), then the name ends
    where the grammar says: the SERVICE after it is refused, and without SERVICE the query passes."""
    name = f"ex:a\\{char}b"
    tail = " SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    head = f"PREFIX ex: <http://example.org/>\nSELECT ?s WHERE {{ ?s ?p {name} ."
    assert [t.text for t in lex(head) if t.kind == "pname"] == ["ex:", name]
    with pytest.raises(ForbiddenQuery, match=r":2:\d+: SERVICE"):
        check_query(head + tail, "q.rq")
    assert check_query(head + " }", "q.rq") is False


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?s WHERE { ?s ?p "a\\" SERVICE <http://x/> { ?s ?p ?o } #" }',
        "SELECT ?s WHERE { ?s ?p 'a\\' SERVICE <http://x/> { ?s ?p ?o } #' }",
        'SELECT ?s WHERE { ?s ?p """a"" SERVICE <http://x/> { }\n # "" """ }',
        "SELECT ?s WHERE { ?s ?p '''it''s\nSERVICE <http://x/> { }''' }",
        'SELECT ?s WHERE { ?s ?p "\\u00e9 SERVICE" }',
        "SELECT ?s WHERE { ?s <http://x/#SERVICE> ?o }",
        "SELECT ?s WHERE { ?s ?p ?o } # SERVICE <http://x/> { ?s ?p ?o }",
        "PREFIX ex: <http://x/>\nSELECT ?service WHERE { ?service ex:service ?o }",
        "SELECT ?s WHERE { _:service ?p ?o }",
        'SELECT ?s WHERE { ?s ?p "x"@service }',
        "SELECT ?s WHERE { ?s ?p ?o # \\u0041 is A\n}",
    ],
)
def test_service_inside_other_tokens_is_not_refused(text: str) -> None:
    assert check_query(text, "q.rq") is False


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o \\u0053ERVICE <http://x/> { } }", "outside IRIs and strings"),
        ('SELECT ?s WHERE { ?s ?p "a\\u0022 . SERVICE <http://x/> { ?s ?p ?o } #" }', "inside a string"),
        ("SELECT ?s WHERE { ?s ?p <http://x/\\u003E> }", "inside an IRI"),
        ("SELECT ?s WHERE { ?s ?p ex:a\\u0041 }", "outside IRIs and strings"),
        ("SELECT ?s WHERE { ?s ?p ?o # \\u000A SERVICE <http://x/> { ?s ?p ?o }\n}", "inside a comment"),
        ('SELECT ?s WHERE { ?s ?p "a\\\\u0041" }', "after an escaped backslash inside a string"),
        ('SELECT ?s WHERE { ?s ?p "\\uD800" }', "inside a string"),
    ],
)
def test_a_codepoint_escape_read_two_ways_is_refused(text: str, where: str) -> None:
    """If a \\u escape means one thing to a reader that replaces escapes before parsing (§19.2, rdflib) and
    another to one that reads them in IRIs and strings only (Oxigraph, sparqlkit), then it is refused."""
    with pytest.raises(ForbiddenQuery, match=f"codepoint escape .* {where} "):
        check_query(text, "q.rq")


def test_the_two_readings_of_an_escape_really_differ() -> None:
    """If a quote is written `\\u0022` inside a string and a line end `\\u000A` inside a comment, then
    rdflib (escapes first) reads a SERVICE clause where sparqlkit (escapes in strings only, like Oxigraph)
    reads none, both parse the text, and the guard, which cannot pick one, refuses it."""
    # escapes first: `"a" . SERVICE … #…` and a `}` on the next line; escapes in strings only: one string,
    # the group closed on the first line, and a comment on the second
    text = 'SELECT ?s WHERE { ?s ?p "a\\u0022 . SERVICE <http://x/> { ?s ?p ?o } #" . }\n# \\u000A }'
    prepass, tokenwise = read(text, readers=("rdflib",)), read(text, readers=("sparqlkit",))
    assert prepass is not None and prepass.services == 1
    assert tokenwise is not None and tokenwise.services == 0
    with pytest.raises(ForbiddenQuery):
        check_query(text, "q.rq")


def test_names_take_the_grammars_unicode_letters() -> None:
    """If a name holds letters beyond ASCII, then those of PN_CHARS_BASE may start it and the combining
    marks and U+00B7 only follow (§19.8 [164]-[169]); any other character in a name is refused."""
    text = "PREFIX é: <http://x/>\nSELECT ?é WHERE { ?é é:a·b _:x\u0300y é:ü\U00010000 }"
    assert [t.text for t in lex(text) if t.kind in ("pname", "var", "bnode")] == [
        "é:",
        "?é",
        "?é",
        "é:a·b",
        "_:x\u0300y",
        "é:ü\U00010000",
    ]
    assert check_query(text, "q.rq") is False
    for bad in ("?a×", "?·a", "é:\u0300", "·:a", "_:a\u00a0", "é:a\u2028"):
        with pytest.raises(QuerySyntaxError, match=r"^q\.rq:1:\d+: the guard cannot read the query here"):
            check_query(f"SELECT * WHERE {{ ?s ?p {bad} }}", "q.rq")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { ?s ?p ?o }\x0c",  # form feed: not one of the four WS characters
        "SELECT ?s WHERE {\u00a0?s ?p ?o }",  # no-break space
        "\ufeffSELECT ?s WHERE { ?s ?p ?o }",  # a byte-order mark
        "SELECT ?s WHERE { ?s ?p $ }",
        "SELECT ?s WHERE { ?s ?p ?o FILTER(?o & 1) }",
        'SELECT ?s WHERE { ?s ?p "unterminated }',
        'SELECT ?s WHERE { ?s ?p "bad \\q escape" }',
        "SELECT ?s WHERE { ?s ?p ?o } \\",
    ],
)
def test_what_the_lexer_cannot_classify_is_refused(text: str) -> None:
    with pytest.raises(QuerySyntaxError, match=r"^q\.rq:1:\d+: the guard cannot read the query here"):
        check_query(text, "q.rq")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { ?s ?p ?o } ; DROP ALL",
        "CLEAR DEFAULT",
        "CREATE GRAPH <http://x/>",
        "ADD DEFAULT TO <http://x/>",
        "COPY <http://x/> TO DEFAULT",
        "MOVE <http://x/> TO <http://y/>",
        "WITH <http://x/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX : <http://x/> load SILENT <http://x/data> INTO GRAPH :g",
    ],
)
def test_updates_are_refused_even_with_allow_service(text: str) -> None:
    with pytest.raises(ForbiddenQuery, match="belongs to SPARQL Update"):
        check_query(text, "q.rq", allow_service=True)


def test_a_text_that_is_no_query_is_refused() -> None:
    with pytest.raises(QuerySyntaxError, match=r"^q\.rq:2:1: not a SPARQL query"):
        check_query("PREFIX ex: <http://example.org/>\n", "q.rq")


def test_from_reads_escapes_as_the_grammar_does() -> None:
    """If FROM names a dataset graph through a \\u escape in its IRI, then it is that graph (decoded as
    Oxigraph decodes it); a percent escape in a prefixed name is kept as written (§19.8), so it is not."""
    asserted = graph_iri("asserted")
    escaped = asserted.replace("asserted", "\\u0061sserted")
    assert check_query(f"SELECT ?s FROM <{escaped}> WHERE {{ ?s ?p ?o }}", "q.rq") is True
    with pytest.raises(ForbiddenQuery, match="is not a graph of the dataset"):
        check_query("SELECT ?s FROM akg:%61sserted WHERE { ?s ?p ?o }", "q", prefixes=PREFIXES)


def test_without_service_keeps_every_position() -> None:
    """If SERVICE is neutralised for a local parse, then it becomes GRAPH, SILENT disappears, and every
    other character stays in its place (so a syntax error keeps its line and column)."""
    text = "SELECT ?s WHERE {\n  service silent ?e { ?s ?p ?o } # SERVICE\n}"
    neutral = without_service(text)
    assert neutral == "SELECT ?s WHERE {\n  GRAPH          ?e { ?s ?p ?o } # SERVICE\n}"
    assert check_query(neutral, "q.rq") is False


def test_longest_token_rule_cannot_hide_service() -> None:
    """If `<` could open an IRI or compare (`?a<?b&&?c>?d`, W3C syn-bad-26), then the guard takes the
    longest token as the grammar does; a SERVICE clause cannot sit inside such an IRI: an IRIREF holds no
    space, `{` or `<`, so the `>` closing it would stand between the endpoint and the group's `{`."""
    assert [t.kind for t in lex("FILTER(?a<?b&&?c>?d)")] == ["word", "punct", "var", "iri", "var", "punct"]
    with pytest.raises(ForbiddenQuery, match="SERVICE"):
        check_query("SELECT ?a WHERE { FILTER(?a<?b)SERVICE<http://x/>{?s?p?o} FILTER(?c>?d) }", "q")


# ---------------------------------------------------------------- property-based fuzzing
# Hypothesis draws the seeds (derandomized: the same cases on every run); a small generator of the SPARQL
# 1.1 grammar writes a query from each, counting the SERVICE clauses it writes outside strings, IRIs and
# comments. Drawing every character through Hypothesis costs ~30 µs a draw and a query takes hundreds.

PLX = [f"\\{c}" for c in PN_LOCAL_ESCAPES] + ["%41", "%7e", "%2F"]
NAME_CHARS = list("abZé_0-·")
IRI_PARTS = [
    "a",
    "#",
    "'",
    "?",
    "=",
    "&",
    "%41",
    "/",
    "é",
    ";",
    "(",
    "!",
    "\\u0041",
    "\\u0023",
    "\\U0001F600",
]
# what may stand inside a string of any form, beside the form's own quotes (handled below)
STRING_PIECES = [
    "x",
    " SERVICE <http://evil.example/> { ?s ?p ?o } ",
    "#",
    "<",
    "}",
    "\\t",
    "\\n",
    "\\\\",
    '\\"',
    "\\'",
    "\\u0041",
    "\\u00e9",
    "\\U0001F600",
]
COMMENT_PIECES = [
    " x",
    " SERVICE <http://evil.example/> { ?s ?p ?o }",
    '"',
    "'",
    "<",
    "\\",
    "\\u0041",
    "}",
    "{",
]
SEPARATORS = [" ", "\n", "\t", "\r\n", "  "]
VARS = ["?s", "?o", "$o", "?service", "?x1"]
NUMBERS = ["1", "-2", "+3.5", ".5e3", "4E-2", "0.0"]
PROLOGUE = "PREFIX ex: <http://example.org/>\nPREFIX : <http://example.org/e/>\nPREFIX akr: <http://a/r/>\n"


@dataclass(frozen=True)
class Generated:
    """A query, the number of SERVICE clauses written into it (not in strings, IRIs or comments), and the
    inside of its WHERE group."""

    text: str
    services: int
    body: str
    glued: int = 0  # SERVICE clauses written glued to their prefixed name (`SERVICE:x`, `serviceex:a`)


class Writer:
    """Writes random SPARQL 1.1 text from the grammar (§19.8), with escapes, comments, the four string forms
    and SERVICE groups at random places."""

    def __init__(self, seed: int, glue: bool = False) -> None:
        self.random = random.Random(seed)
        self.glue = glue  # sometimes write a keyword glued to the prefixed name after it (`SERVICE:x`)
        self.glued = 0

    def pick(self, options: list[str]) -> str:
        return self.random.choice(options)

    def some(self, options: list[str], most: int) -> str:
        return "".join(self.pick(options) for _ in range(self.random.randint(0, most)))

    def keyword(self, word: str) -> str:
        """A keyword in any letter case (§19.8: keywords are case-insensitive)."""
        return self.pick([word, word.lower(), word.capitalize(), word.swapcase()])

    def separator(self) -> str:
        if self.random.random() < 0.2:
            return " #" + self.some(COMMENT_PIECES, 4) + "\n"  # a comment, ended by a line feed
        return self.pick(SEPARATORS)

    def join(self, *parts: str) -> str:
        return "".join(part + self.separator() for part in parts)

    def prefixed_name(self) -> str:
        """PNAME_NS PN_LOCAL with PLX escapes anywhere (§19.8 [169]); never ending in `.`."""
        prefix = self.pick(["ex:", ":", "akr:"])
        if self.random.random() < 0.2:
            return prefix
        first = self.pick([*"abZ_0:", *PLX])
        middle = self.some([*NAME_CHARS, ".", ":", *PLX], 4)
        last = self.pick([*NAME_CHARS, ":", *PLX]) if middle else ""
        return prefix + first + middle + last

    def iri(self) -> str:
        return "<http://example.org/" + self.some(IRI_PARTS, 6) + ">"

    def string(self) -> str:
        """One of the four string forms (§19.8 [156]-[159]) with ECHAR and harmless \\u escapes."""
        quote = self.pick(['"', "'", '"""', "'''"])
        pieces = [*STRING_PIECES, "'" if quote.startswith('"') else '"']
        if len(quote) == 3:  # a long string may hold line ends and one or two of its own quotes before a char
            pieces += ["\n", "\r\n", quote[0] + "x", quote[0] * 2 + "x"]
        suffix = self.pick(["", "", "@en", "@en-US", "^^<http://www.w3.org/2001/XMLSchema#string>"])
        return quote + self.some(pieces, 5) + quote + suffix

    def term(self, kinds: str) -> str:
        kind = self.pick(list(kinds))
        return {
            "v": lambda: self.pick(VARS),
            "i": self.iri,
            "p": self.prefixed_name,
            "b": lambda: self.pick(["_:b1", "[]"]),
            "a": lambda: "a",
            "s": self.string,
            "n": lambda: self.pick(NUMBERS),
            "t": lambda: self.pick(["true", "false"]),
        }[kind]()

    def elements(self, depth: int = 0) -> tuple[str, int]:
        """The inside of a group graph pattern: triples, FILTER, VALUES, and (nested) OPTIONAL, UNION, GRAPH
        and SERVICE groups; with the number of SERVICE groups."""
        kinds = ["triple", "filter", "values"] + (
            ["optional", "union", "graph", "service"] * 2 if depth < 2 else []
        )
        text, services = "", 0
        for _ in range(self.random.randint(1, 3)):
            kind = self.pick(kinds)
            if kind == "triple":
                text += self.join(self.term("vipb"), self.term("vipa"), self.term("vipbsnt"), ".")
            elif kind == "filter":
                text += self.join(self.keyword("FILTER"), "(", self.term("v"), "!=", self.term("vipsnt"), ")")
            elif kind == "values":
                terms = [self.term("ipsn") for _ in range(self.random.randint(1, 3))]
                text += self.join(self.keyword("VALUES"), "?z", "{", *terms, "}")
            else:
                inner, count = self.elements(depth + 1)
                services += count
                if kind == "optional":
                    text += self.join(self.keyword("OPTIONAL"), "{", inner, "}")
                elif kind == "union":
                    other, more = self.elements(depth + 1)
                    services += more
                    text += self.join("{", inner, "}", self.keyword("UNION"), "{", other, "}")
                else:
                    head = [self.keyword("GRAPH" if kind == "graph" else "SERVICE")]
                    if kind == "service" and self.random.random() < 0.5:
                        head.append(self.keyword("SILENT"))
                    target = self.pick([self.iri(), self.prefixed_name(), "?endpoint"])
                    if self.glue and target[0] not in "<?" and self.random.random() < 0.3:
                        head[-1] += target  # `SERVICE:x`: Oxigraph reads the keyword, the grammar a name
                        target = ""
                        self.glued += len(head) == 1 and kind == "service"
                    text += self.join(*head, *([target] if target else []), "{", inner, "}")
                    services += kind == "service"
        return text, services

    def query(self) -> Generated:
        body, services = self.elements()
        text = PROLOGUE + self.join(self.keyword("SELECT"), "?s", self.keyword("WHERE"), "{", body, "}")
        return Generated(text, services, body, self.glued)


SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _guard_verdict(text: str) -> str:
    try:
        check_query(text, "fuzz")
    except ForbiddenQuery as exc:
        if "put a space after" in str(exc):
            return "glued"
        return "service" if "SERVICE would query" in str(exc) else f"refused: {exc}"
    except AlaskaKgError as exc:
        return f"refused: {exc}"
    return "pass"


FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@settings(FUZZ, max_examples=3000)
@given(SEEDS)
def test_fuzz_the_guard_finds_every_service_and_nothing_else(seed: int) -> None:
    """If a generated query holds n SERVICE clauses, then the guard refuses it for SERVICE exactly when
    n > 0, passes it otherwise, and passes it whenever --allow-service is given; a SERVICE glued to its
    prefixed name (`SERVICE:x`, in any letter case) is refused for that, --allow-service or not."""
    query = Writer(seed, glue=True).query()
    expected = "glued" if query.glued else "service" if query.services else "pass"
    assert _guard_verdict(query.text) == expected, query.text
    if query.glued:
        with pytest.raises(ForbiddenQuery, match="put a space after"):
            check_query(query.text, "fuzz", allow_service=True)
    else:
        assert check_query(query.text, "fuzz", allow_service=True) is False


@settings(FUZZ, max_examples=100)
@given(SEEDS)
def test_fuzz_the_generator_and_the_guard_agree_with_independent_parsers(seed: int) -> None:
    """If a sample of the generated queries is parsed by sparqlkit (or rdflib where sparqlkit fails; rdflib
    first is slow here: it fails on a third of them, some after seconds), then the parser counts the
    SERVICE clauses the generator wrote, and the guard's verdict follows it."""
    query = Writer(seed).query()
    reading = read(query.text, readers=("sparqlkit", "rdflib"))
    assert reading is not None, f"neither rdflib nor sparqlkit parses the generated query:\n{query.text}"
    assert reading.services == query.services, query.text
    assert _guard_verdict(query.text) == ("service" if reading.services else "pass")


AMBIGUOUS = {  # where an escape is written, and characters whose escape changes the tokens for some reader
    "string": ['"', "'", "\\", "\n", "\r"],
    "iri": [">", "<", " ", '"', "\\", "{", "\n"],
    "comment": ["\n", "\r"],
    "outside": ["S", "#", "{", " ", "?", "<", "A"],
}


@settings(FUZZ, max_examples=2000)
@given(SEEDS, st.sampled_from(sorted(AMBIGUOUS)), st.data())
def test_fuzz_every_escape_read_two_ways_is_refused(seed: int, place: str, data: st.DataObject) -> None:
    """If an escape standing for a quote, a backslash, a line end, `>` (…) is written into a generated
    query inside a string, an IRI or a comment, or any escape outside them, then the guard refuses it."""
    char = data.draw(st.sampled_from(AMBIGUOUS[place]))
    escape = data.draw(st.sampled_from([f"\\u{ord(char):04X}", f"\\U{ord(char):08x}"]))
    written = {
        "string": f'?s ?p "a{escape}b" .',
        "iri": f"?s ?p <http://example.org/{escape}> .",
        "comment": f"# a {escape} b\n",
        "outside": f" {escape} ",
    }[place]
    text = f"{PROLOGUE}SELECT ?s WHERE {{ {written} {Writer(seed).query().body} }}"
    with pytest.raises((ForbiddenQuery, QuerySyntaxError)):
        check_query(text, "fuzz")


JUNK = [
    *"'\"#\\<>\r\n x.:?$-{}()1",
    "akr:a",
    "\\'",
    "\\#",
    "\\\\",
    "\\u0022",
    "\\u0027",
    "\\u0041",
    "\\u003E",
    "\\U00000022",
    "'''",
    '"""',
    "_:",
    "%41",
    "@en",
    "^^",
]


@settings(FUZZ, max_examples=3000)
@given(SEEDS)
def test_fuzz_oxigraph_never_calls_a_service_the_guard_let_through(
    shared_recorder: Recorder, seed: int
) -> None:
    """If random fragments (quotes, `#`, backslashes, escapes, CR, prefixed names …) stand before a SERVICE
    clause that names the recorder (written apart, or glued to a prefixed name: `SERVICE:x`, `serviceRec:x`),
    and the guard lets the text through, then Oxigraph, the engine itself, run on the text, calls no
    endpoint: it refuses the text, or reads no SERVICE either."""
    writer = Writer(seed)
    junk = "".join(writer.pick(JUNK) for _ in range(writer.random.randint(1, 8)))
    keyword = writer.keyword("SERVICE") + writer.pick(["", "", " " + writer.keyword("SILENT")])
    target = writer.pick(  # a keyword glued to a prefixed name is SERVICE to Oxigraph (`SERVICE:x`)
        [f" <{shared_recorder.base}/s{seed}>", f":s{seed}", f"rec:s{seed}", ":", f" rec:s{seed}"]
    )
    service = f"{keyword}{target} {{ ?s ?p ?o }}"
    prologue = f"PREFIX : <{shared_recorder.base}/> PREFIX rec: <{shared_recorder.base}/> "
    text = prologue + writer.pick(
        [
            f"SELECT * WHERE {{ VALUES ?z {{ {junk} }} {service} }}",
            f"SELECT * WHERE {{ BIND({junk} AS ?z) {service} }}",
            f"SELECT * WHERE {{ {junk} {service} }}",
            f"ASK {{ OPTIONAL {{ {junk} }} {service} }}",
        ]
    )
    try:
        check_query(text, "fuzz", prefixes=PREFIXES)
    except AlaskaKgError:
        return
    before = len(shared_recorder.requests)
    with contextlib.suppress(SyntaxError):  # what Oxigraph refuses to parse calls nobody either
        list(Store().query(text, prefixes=dict(PREFIXES)))
    assert shared_recorder.requests[before:] == [], text
