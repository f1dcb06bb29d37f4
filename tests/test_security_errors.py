"""Issue 9 §5: every error is one line, `alaska-kg: error: …`, with its documented exit code (README
"Errors and exit codes"), whatever the input: bad IRIs in data files, bytes that are not UTF-8, control
characters and huge numbers in --param, a failing SERVICE, paths holding line breaks, usage errors.

Each test is one reproduction from the issue; before the fix each one ended in "internal error" (exit 1),
a traceback-like message on several lines, or a message that did not name the culprit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile_server import HostileServer

REPO_ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD = 60.0  # seconds; only turns a hang into a failure
ONE_ERROR_LINE = re.compile(r"alaska-kg(?: [a-z]+)?: error: [^\n]+\n\Z")
PARAM_QUERY = """#+ summary: a query with one parameter of each type
#+ params:
#+   - {name: count, type: integer}
#+   - {name: who, type: iri}
#+   - {name: word, type: string}
SELECT ?count ?who ?word WHERE { BIND(1 AS ?x) }
"""


def run_cli(*argv: str | bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """`alaska-kg ARGV` in a subprocess (arguments may be raw bytes, as a shell passes them)."""
    return subprocess.run(
        [sys.executable, "-m", "alaska_kg", *argv],
        capture_output=True,
        timeout=HANG_GUARD,
        env={**os.environ, **(env or {})},
    )


def one_line(err: str | bytes) -> str:
    """The error output, checked to be exactly one `alaska-kg: error:` line."""
    text = err.decode("utf-8") if isinstance(err, bytes) else err
    assert ONE_ERROR_LINE.fullmatch(text), f"not one error line: {text!r}"
    return text


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A private copy of the sources that a test may break."""
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def param_query(tmp_path: Path) -> Path:
    path = tmp_path / "params.rq"
    path.write_text(PARAM_QUERY, encoding="utf-8")
    return path


# ---------------------------------------------------------------- source files


@pytest.mark.parametrize("command", ["validate", "build", "query"])
def test_an_iri_with_a_space_in_a_data_file_is_a_located_syntax_error(
    root: Path, command: str, tmp_path: Path
) -> None:
    """If a data file holds `<http://example.org/a b>` (RDF 1.1 Turtle §6.3: no space in an IRIREF), then
    validate, build and query (which builds first) fail with exit 3 naming file:line:column."""
    data = root / "data" / "agents.ttl"
    text = data.read_text(encoding="utf-8")
    line = text.count("\n") + 1 + (0 if text.endswith("\n") else 1)
    data.write_text(
        text
        + ("" if text.endswith("\n") else "\n")
        + "<http://example.org/a b> a <http://example.org/C> .\n",
        encoding="utf-8",
    )
    argv = {
        "validate": ["validate"],
        "build": ["build", "--out", str(tmp_path / "dist")],
        "query": ["query", "participants"],
    }[command]
    done = run_cli(*argv, "--root", str(root))
    assert done.returncode == 3, done.stderr
    notice = b"alaska-kg: no built dataset for the current sources in the cache; building it"
    message = one_line(b"".join(line for line in done.stderr.splitlines(True) if not line.startswith(notice)))
    assert f"{data}:{line}:1: " in message and "<http://example.org/a b>" in message


# ---------------------------------------------------------------- --param and --sparql


def test_a_5000_digit_integer_parameter_is_refused(cli, param_query: Path) -> None:
    """If --param gives an integer of 5000 digits, then the query is refused with exit 10, not an internal
    error from Python's limit on integer conversion."""
    code, _, err = cli("query", str(param_query), "--param", "count=" + "1" * 5000)
    assert code == 10
    assert "parameter 'count' (integer) expects a 64-bit integer" in one_line(err)


def test_an_integer_parameter_within_64_bits_is_taken(cli, param_query: Path) -> None:
    code, out, err = cli(
        "query", str(param_query), "--param", "count=-9223372036854775808", "--format", "csv"
    )
    assert code == 0, err
    assert out.splitlines()[1].startswith("-9223372036854775808,")


def test_a_control_character_in_an_iri_parameter_is_refused(cli, param_query: Path) -> None:
    """If an iri --param holds a control character, then it is refused with exit 10, the value escaped."""
    code, _, err = cli("query", str(param_query), "--param", "who=http://example.org/\x01")
    assert code == 10
    assert "parameter 'who' (iri) expects an absolute IRI, got 'http://example.org/\\x01'" in one_line(err)


def test_a_non_utf8_byte_in_a_parameter_is_refused(param_query: Path) -> None:
    """If --param holds the byte 0xFF (not UTF-8), then it is refused with exit 10, naming the byte."""
    done = run_cli("query", str(param_query), "--param", b"word=\xff")
    assert done.returncode == 10, done.stderr
    assert "is not UTF-8 text (byte 0xff at character 6)" in one_line(done.stderr)


def test_a_non_utf8_byte_in_sparql_is_a_syntax_error() -> None:
    """If --sparql holds the byte 0xFF, then it is a syntax error (exit 9) at its line and column."""
    done = run_cli("query", "--sparql", b"SELECT ?s WHERE { ?s ?p ?o } #\xff")
    assert done.returncode == 9, done.stderr
    assert "--sparql:1:31: not UTF-8 text (byte 0xff)" in one_line(done.stderr)


@pytest.mark.parametrize(
    ("text", "where", "prefix"),
    [
        ("SELECT ?s WHERE { ?s foo:bar ?o }", "1:29", "foo"),
        ("SELECT ?s WHERE {\n  ?s ?p 'x:y' ; bad:thing ?o . ?s <http://x/a:b> ?o }", "2:26", "bad"),
    ],
)
def test_an_unknown_prefix_in_sparql_is_named(cli, text: str, where: str, prefix: str) -> None:
    """If --sparql uses a prefix nobody declared, then the syntax error (exit 9) names that prefix and
    how to declare it, instead of the parser's list of expected characters."""
    code, _, err = cli("query", "--sparql", text)
    assert code == 9
    message = one_line(err)
    assert f"--sparql:{where}: SPARQL syntax error: unknown prefix '{prefix}:'" in message
    assert f"PREFIX {prefix}: <…>" in message and "predeclared: ak, akr" in message


# ---------------------------------------------------------------- answers from outside


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def test_a_failing_service_is_one_line_with_an_endpoint_code(cli, hostile: HostileServer) -> None:
    """If an allowed SERVICE call gets a 500 with 15 lines of HTML, then the error is one line, exit 32
    (the code of an endpoint's 5xx), not an internal error printing the page."""
    url = hostile.url("/html-500")
    code, out, err = cli(
        "query", "--allow-service", "--sparql", f"SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    )
    assert (code, out) == (32, "")
    message = one_line(err)
    assert f"--sparql: SERVICE failed: Error 500 Internal Server Error returned by {url}" in message
    assert "internal error" not in message


@pytest.mark.parametrize(("path", "code"), [("/redirect", 31), ("/latin1-500", 32)])
def test_a_service_answer_maps_to_the_code_of_its_status(
    cli, hostile: HostileServer, path: str, code: int
) -> None:
    """If an allowed SERVICE answers 302 (documented: 4xx or redirected → 31) or 500 with a body that is not
    UTF-8 (a 5xx → 32), then the exit code says so; both were 30, "endpoint unreachable"."""
    url = hostile.url(path)
    result, out, err = cli(
        "query", "--allow-service", "--sparql", f"SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    )
    assert (result, out) == (code, "")
    assert "--sparql: SERVICE failed: " in one_line(err)


def test_deeply_nested_json_from_wikidata_is_a_wikidata_error(hostile: HostileServer) -> None:
    """If the Wikidata API answers valid JSON nested 100000 deep, then the client fails with WikidataError
    (exit 21), not RecursionError (exit 1)."""
    from alaska_kg.errors import WikidataError
    from alaska_kg.wikidata.client import WikidataClient

    outcome: list[BaseException | None] = []

    def call() -> None:
        try:
            WikidataClient(api_url=hostile.url("/deep-json"), retries=0).get_items(["Q1"])
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    assert outcome and isinstance(outcome[0], WikidataError), outcome
    assert outcome[0].exit_code == 21 and "nested too deeply" in str(outcome[0])


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/a b", "http://127.0.0.1:9/a\x1bb"])
def test_an_endpoint_url_with_a_space_or_control_is_a_usage_error(cli, url: str) -> None:
    """If --endpoint holds a space or a control character, then it is a usage error (exit 2), escaped,
    not "cannot reach the endpoint" (exit 30)."""
    code, _, err = cli("query", "participants", "--endpoint", url)
    assert code == 2
    assert "a URL may not hold spaces or control characters" in one_line(err)
    assert "\x1b" not in err


# ---------------------------------------------------------------- paths and usage


@pytest.mark.parametrize(
    ("argv", "code", "shown"),
    [
        (["query", "/tmp/no\nsuch.rq"], 7, "/tmp/no\\nsuch.rq"),
        (["stats", "--dataset", "/tmp/no\nsuch.nq"], 6, "/tmp/no\\nsuch.nq"),
        (["query", "partic\nipants"], 7, "'partic\\nipants'"),
    ],
)
def test_paths_with_line_breaks_stay_on_one_line(cli, argv: list[str], code: int, shown: str) -> None:
    """If a path or name holds a line break, then the error shows it escaped, on one line."""
    got, _, err = cli(*argv)
    assert got == code
    assert shown in one_line(err)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["query", "--format", "xx"], "alaska-kg query: error: argument --format: invalid choice: 'xx'"),
        (["stats", "--bogus"], "alaska-kg: error: unrecognized arguments: --bogus"),
        ([], "alaska-kg: error: the following arguments are required: COMMAND"),
        (["bogus"], "alaska-kg: error: argument COMMAND: invalid choice: 'bogus'"),
        (["query", "--timeout"], "alaska-kg query: error: argument --timeout: expected one argument"),
    ],
)
def test_usage_errors_are_one_line_exit_2(argv: list[str], expected: str) -> None:
    """If the command line is wrong, then argparse's complaint is one line (no usage block), exit 2, and
    points to --help."""
    done = run_cli(*argv)
    assert done.returncode == 2
    message = one_line(done.stderr)
    assert message.startswith(expected) and "--help" in message
    assert done.stdout == b""


def test_help_is_still_the_whole_help() -> None:
    """`--help` is not an error: it still prints the usage and the commands, exit 0."""
    done = run_cli("--help")
    assert done.returncode == 0 and b"usage: alaska-kg" in done.stdout and b"query" in done.stdout
