"""Issue 9 §5: text from outside reaches people without control characters, and the answers of endpoints
and of Wikidata are read within a size cap and an overall deadline (docs/security.md).

The servers are local (tests/hostile_server.py). Commands that could hang run in a subprocess or a thread
under a generous hang guard (HANG_GUARD seconds): the guard only turns a hang into a failure, it measures
nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from alaska_kg.errors import EndpointAnswerError, EndpointUnreachable, WikidataError
from alaska_kg.namespaces import graph_iri
from alaska_kg.wikidata.client import API_ENV_VAR
from hostile_server import TERMINAL_ATTACK, HostileServer
from wikidata_fake_server import FakeWikidata, item

REPO_ROOT = Path(__file__).resolve().parents[1]
ENDPOINT_MAX_BYTES = "ALASKA_KG_ENDPOINT_MAX_BYTES"  # the settings documented in docs/security.md
WIKIDATA_MAX_BYTES = "ALASKA_KG_WIKIDATA_MAX_BYTES"
HANG_GUARD = 60.0  # seconds; a run that takes longer has hung (each one here ends in about 2 s)
SELECT = "SELECT ?x WHERE { ?s ?p ?x }"
# what must never reach a terminal: ESC, BEL, DEL, the C1 CSI, and the right-to-left override
FORBIDDEN = [b"\x1b", b"\x07", b"\x7f", "\x9b".encode(), "\u202e".encode()]


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def run_cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """`alaska-kg ARGV` in a subprocess, as bytes, under the hang guard."""
    return subprocess.run(
        [sys.executable, "-m", "alaska_kg", *argv],
        capture_output=True,
        timeout=HANG_GUARD,
        env={**os.environ, **(env or {})},
    )


def bounded(call: Callable[[], object]) -> BaseException | object:
    """Run `call` in a thread under the hang guard; its result, or the exception it raised."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    assert outcome, f"still running after {HANG_GUARD:g} s: the deadline did not end it"
    return outcome[0]


def assert_harmless(data: bytes) -> None:
    for sequence in FORBIDDEN:
        assert sequence not in data, f"{sequence!r} reaches the terminal: {data[:300]!r}"


# ---------------------------------------------------------------- untrusted text


def test_printable_escapes_every_control_character() -> None:
    """If text holds C0/C1 controls, DEL or bidi controls, then printable writes each as a visible escape,
    and leaves ordinary text (accents, dashes, CJK) alone."""
    from alaska_kg.display import printable

    assert printable(TERMINAL_ATTACK) == "\\x1b]0;pwned\\x07 \\x1b[31mred \\u202egnp.exe \\x7f\\x9b"
    assert printable("a\nb\tc\r") == "a\\nb\\tc\\r"
    assert printable("a\nb\x1b", newlines=True) == "a\nb\\x1b"
    assert printable("United States–China talks in Alaska, 杨洁篪, «é»") == (
        "United States–China talks in Alaska, 杨洁篪, «é»"
    )
    assert printable("\u2066x\u2069") == "\\u2066x\\u2069"
    assert printable("byte \udcff") == "byte \\udcff"


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_an_endpoint_cannot_retitle_or_recolour_the_terminal(hostile: HostileServer, fmt: str) -> None:
    """If an endpoint's answer holds `ESC ] 0 ; … BEL` and `ESC [ 31 m`, then the bytes `query --endpoint`
    writes for people hold no ESC, BEL, DEL, C1 or bidi override: the escapes are shown, not obeyed."""
    done = run_cli("query", "--endpoint", hostile.url("/esc"), "--sparql", SELECT, "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert_harmless(done.stdout)
    assert b"\\x1b]0;pwned\\x07" in done.stdout and b"\\x1b[31mred" in done.stdout


def test_the_machine_formats_keep_the_answer_exact(hostile: HostileServer) -> None:
    """If the same answer is asked for as W3C JSON results, then it comes back exact (JSON escapes the
    controls itself): only the views for people are escaped."""
    done = run_cli("query", "--endpoint", hostile.url("/esc"), "--sparql", SELECT, "--format", "json")
    assert done.returncode == 0, done.stderr
    import json

    value = json.loads(done.stdout)["results"]["bindings"][0]["x"]["value"]
    assert value == TERMINAL_ATTACK


def test_service_results_are_escaped_too(hostile: HostileServer, cli) -> None:
    """If a query allowed to call SERVICE gets the hostile answer, then its table holds no control
    characters either."""
    code, out, err = cli(
        "query",
        "--allow-service",
        "--sparql",
        f"SELECT ?x WHERE {{ SERVICE <{hostile.url('/esc')}> {{ ?s ?p ?x }} }}",
    )
    assert code == 0, err
    assert_harmless(out.encode())
    assert "\\x1b]0;pwned\\x07" in out


def test_an_endpoint_error_message_is_escaped(hostile: HostileServer) -> None:
    """If an endpoint's error page holds escapes, then the one-line error quoting it holds none."""
    done = run_cli("query", "--endpoint", hostile.url("/html-500"), "--sparql", SELECT)
    assert done.returncode == 32
    assert_harmless(done.stderr)
    assert done.stderr.count(b"\n") == 1 and done.stderr.startswith(b"alaska-kg: error: ")


@pytest.fixture
def hostile_dataset(tmp_path: Path) -> Path:
    """A dataset whose literals (a label, a fact) carry the terminal attack."""
    attack = TERMINAL_ATTACK.replace("\x1b", "\\u001B").replace("\x07", "\\u0007").replace("\x7f", "\\u007F")
    attack = attack.replace("\x9b", "\\u009B").replace("\u202e", "\\u202E")
    path = tmp_path / "hostile.nq"
    path.write_text(
        f'<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "evil {attack}" '
        "<https://w3id.org/alaska-kg/graph/asserted> .\n"
        f'<http://example.org/x> <http://example.org/says> "{attack}" '
        "<https://w3id.org/alaska-kg/graph/asserted> .\n",
        encoding="utf-8",
    )
    return path


def test_data_literals_in_describe_are_escaped(hostile_dataset: Path) -> None:
    """If a data literal holds the attack, then `describe` shows it escaped."""
    done = run_cli("describe", "http://example.org/x", "--dataset", str(hostile_dataset))
    assert done.returncode == 0, done.stderr
    assert_harmless(done.stdout)
    assert b"\\x1b[31mred" in done.stdout


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_data_literals_in_query_tables_are_escaped(hostile_dataset: Path, fmt: str) -> None:
    """If a data literal holds the attack, then a local query's table or Markdown shows it escaped."""
    done = run_cli(
        "query",
        "--sparql",
        "SELECT ?s ?x WHERE { ?s ?p ?x }",
        "--dataset",
        str(hostile_dataset),
        "--format",
        fmt,
    )
    assert done.returncode == 0, done.stderr
    assert_harmless(done.stdout)


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_line_breaks_and_tabs_in_data_literals_are_shown_escaped(tmp_path: Path, fmt: str) -> None:
    """If data literals hold a line feed, a carriage return or a tab ("A\\nB" in N-Quads), then the table
    and Markdown show `A\\nB`, `A\\rB`, `A\\tB` (they showed "A B", the same as a space), while CSV keeps
    the characters exactly."""
    path = tmp_path / "breaks.nq"
    path.write_text(
        "".join(
            f'<http://example.org/{n}> <http://example.org/says> "A\\{c}B" <{graph_iri("asserted")}> .\n'
            for n, c in enumerate("nrt")
        ),
        encoding="utf-8",
    )
    query = ("query", "--sparql", "SELECT ?x WHERE { ?s ?p ?x } ORDER BY ?s", "--dataset", str(path))
    done = run_cli(*query, "--format", fmt)
    assert done.returncode == 0, done.stderr
    for escape in (b"A\\nB", b"A\\rB", b"A\\tB"):
        assert escape in done.stdout
    assert b"A B" not in done.stdout
    csv = run_cli(*query, "--format", "csv")
    assert csv.stdout.split(b"\r\n", 1)[1] == b'"A\nB"\r\n"A\rB"\r\nA\tB\r\n'


def test_wikidata_labels_are_escaped_in_link_check(tmp_path: Path) -> None:
    """If Wikidata's label and description of a linked item hold the attack, then `link check` prints
    them escaped."""
    import shutil

    for name in ("ontology", "data"):
        shutil.copytree(REPO_ROOT / name, tmp_path / name)
    links = tmp_path / "data" / "links.ttl"
    header = "".join(line for line in links.read_text(encoding="utf-8").splitlines(True) if "@prefix" in line)
    links.write_text(header + "akr:antony-blinken skos:exactMatch wd:Q7821917 .\n", encoding="utf-8")
    with FakeWikidata() as fake:
        fake.entities["Q7821917"] = item("Q7821917", TERMINAL_ATTACK, description=TERMINAL_ATTACK)
        done = run_cli("link", "check", "--root", str(tmp_path), env={API_ENV_VAR: fake.url})
    assert done.returncode == 1, done.stderr  # a LABEL-MISMATCH
    assert b"LABEL-MISMATCH" in done.stdout
    assert_harmless(done.stdout)
    assert b"\\x1b]0;pwned\\x07" in done.stdout


def test_wikidata_error_messages_are_one_escaped_line(hostile: HostileServer) -> None:
    """If the API refuses with a message on several lines holding escapes, then the error is one line."""
    from alaska_kg.wikidata.client import WikidataClient

    outcome = bounded(lambda: WikidataClient(api_url=hostile.url("/wikidata-error")).get_items(["Q1"]))
    assert isinstance(outcome, WikidataError)
    message = str(outcome)
    assert "\n" not in message and "\x1b" not in message and "\x07" not in message
    assert "Unrecognized" in message


# ---------------------------------------------------------------- size caps


def test_the_documented_settings_are_the_modules() -> None:
    from alaska_kg.store import client as remote
    from alaska_kg.wikidata import client as wikidata

    assert (remote.MAX_BYTES_ENV_VAR, wikidata.MAX_BYTES_ENV_VAR) == (ENDPOINT_MAX_BYTES, WIKIDATA_MAX_BYTES)
    assert (remote.DEFAULT_MAX_BYTES, wikidata.DEFAULT_MAX_BYTES) == (256 * 2**20, 16 * 2**20)


def _endpoint(url: str, timeout: float = 30.0) -> object:
    from alaska_kg.store.client import query

    return bounded(lambda: query(url, SELECT, what="query '--sparql'", accept="*/*", timeout=timeout))


def _wikidata(url: str, timeout: float = 30.0) -> object:
    from alaska_kg.wikidata.client import WikidataClient

    return bounded(lambda: WikidataClient(api_url=url, timeout=timeout, retries=0).get_items(["Q1"]))


def test_a_terabyte_content_length_is_refused_by_the_endpoint_client(hostile: HostileServer) -> None:
    """If an endpoint declares `Content-Length: 10^12`, then the client refuses the answer (exit 33) before
    reading it, instead of allocating a terabyte (MemoryError, exit 1)."""
    outcome = _endpoint(hostile.url("/terabyte"))
    assert isinstance(outcome, EndpointAnswerError) and outcome.exit_code == 33
    assert "declares 1000000000000 bytes" in str(outcome) and ENDPOINT_MAX_BYTES in str(outcome)


def test_a_terabyte_content_length_is_refused_by_the_wikidata_client(hostile: HostileServer) -> None:
    """If the Wikidata API declares `Content-Length: 10^12`, then the client fails with exit 21."""
    outcome = _wikidata(hostile.url("/terabyte"))
    assert isinstance(outcome, WikidataError) and outcome.exit_code == 21
    assert "declares 1000000000000 bytes" in str(outcome) and WIKIDATA_MAX_BYTES in str(outcome)


def test_an_endless_body_stops_at_the_endpoint_cap(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If an endpoint's body never ends, then reading stops at the cap (here 1 MiB) with exit 33."""
    monkeypatch.setenv(ENDPOINT_MAX_BYTES, str(2**20))
    outcome = _endpoint(hostile.url("/endless"))
    assert isinstance(outcome, EndpointAnswerError) and outcome.exit_code == 33
    assert f"longer than the cap of {2**20} bytes" in str(outcome)


def test_an_endless_body_stops_at_the_wikidata_cap(hostile: HostileServer) -> None:
    """If the Wikidata API's body never ends, then reading stops at the default cap (16 MiB): exit 21."""
    outcome = _wikidata(hostile.url("/endless"))
    assert isinstance(outcome, WikidataError) and outcome.exit_code == 21
    assert f"longer than the cap of {16 * 2**20} bytes" in str(outcome)


def test_a_bad_cap_setting_is_a_usage_error(hostile: HostileServer) -> None:
    """If $ALASKA_KG_ENDPOINT_MAX_BYTES is not a positive number, then the command says so (exit 2)."""
    done = run_cli(
        "query", "--endpoint", hostile.url("/esc"), "--sparql", SELECT, env={ENDPOINT_MAX_BYTES: "lots"}
    )
    assert done.returncode == 2 and ENDPOINT_MAX_BYTES.encode() in done.stderr


# ---------------------------------------------------------------- overall deadlines


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_a_dripping_endpoint_is_cut_off_at_the_deadline(hostile: HostileServer, path: str) -> None:
    """If an endpoint sends one byte every half second (each read well within --timeout), then the query
    still ends, with exit 30 naming --timeout: the timeout bounds the whole exchange."""
    done = run_cli("query", "--endpoint", hostile.url(path), "--sparql", SELECT, "--timeout", "2")
    assert done.returncode == 30, done.stderr
    assert re.search(rb"no answer within 2 s \(--timeout\)", done.stderr)


def test_a_dripping_endpoint_client_call_ends(hostile: HostileServer) -> None:
    """The same, one level down: remote.query raises EndpointUnreachable instead of waiting for ever."""
    outcome = _endpoint(hostile.url("/drip-body"), timeout=1.5)
    assert isinstance(outcome, EndpointUnreachable) and outcome.exit_code == 30


def test_link_check_against_a_dripping_api_ends(hostile: HostileServer) -> None:
    """If the Wikidata API drips one byte every half second, then `link check --timeout 2` ends with
    exit 21 (today it waits for ever)."""
    done = run_cli("link", "check", "--timeout", "2", env={API_ENV_VAR: hostile.url("/drip-body")})
    assert done.returncode == 21, done.stderr
    assert b"got no answer within 2 s" in done.stderr
