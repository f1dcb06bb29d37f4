"""The findings of the red-team review of `alaska-kg serve` (availability, error handling, polish), each
reproduced here: the answer cache bounded with its keys, a memory budget per query, long flat operator
chains refused by the guard, internal errors never an empty 500, abandoned requests cancelled and the
wait queue bounded, answers capped in bytes, 404s without control characters, security headers, no
server paths or CLI advice in HTTP errors, and the protocol's small print.

Expected values come from the article (alaska-talks.txt): the four principals of the talks are Blinken,
Sullivan (U.S.), Yang Jiechi and Wang Yi (China).
"""

from __future__ import annotations

import os
import socket
import sys
import time
from urllib.parse import urlencode, urlsplit

import pytest

from alaska_kg.serve.answer_cache import ENTRY_OVERHEAD, AnswerCache
from alaska_kg.serve.answers import Reply, decode
from alaska_kg.serve.app import make_app
from alaska_kg.serve.pages.pictures import SVG_POLICY
from alaska_kg.serve.state import ServeConfig, ServeState
from http_client import HttpAnswer, send
from loopback import serving_app

PEOPLE = "SELECT ?person WHERE { ?person a ak:Person } ORDER BY ?person"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # never ends


def get(base: str, query: str, accept: str | None = None) -> HttpAnswer:
    headers = {"Accept": accept} if accept else {}
    return send(base, "GET", "/sparql?" + urlencode({"query": query}), headers=headers)


def post(base: str, query: str | bytes, headers: dict[str, str] | None = None) -> HttpAnswer:
    body = query.encode("utf-8") if isinstance(query, str) else query
    return send(
        base, "POST", "/sparql", body, headers={"Content-Type": "application/sparql-query", **(headers or {})}
    )


def one_line(answer: HttpAnswer) -> str:
    """The error body, checked to be one printable, non-empty line."""
    assert answer.media_type == "text/plain", answer
    text = answer.body.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1 and len(text) > 1, text
    assert all(c.isprintable() for c in text[:-1]), text
    return text


def wait_until(condition, what: str, limit: float = 60.0) -> None:
    """Poll `condition` (a state the test needs, not a speed it asserts) until it holds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


# ---------------------------------------------------------------- 1. the answer cache counts its keys


def test_the_answer_cache_keeps_digests_not_requests_and_counts_every_entry() -> None:
    cache = AnswerCache(1 << 20)
    answer = Reply(200, "text/plain", b"true")
    padding = "#" + "x" * 1_000_000 + "\n"
    for i in range(50):  # the red team's flood: 1 MiB queries with tiny answers
        cache.put(("operation", (f"ASK {{}} #{i}\n{padding}", None, None)), answer)
    assert all(len(key) == 32 for key in cache.digests())  # SHA-256 digests, not the 1 MiB texts
    assert cache.get(("operation", ("ASK {} #49\n" + padding, None, None))) == answer
    assert cache.size == 50 * (len(answer.body) + len("text/plain") + ENTRY_OVERHEAD)
    for i in range(10_000):  # tiny answers cannot slip past the byte bound either
        cache.put(("operation", (f"ASK {{}} #{i}", None, None)), answer)
    assert cache.size <= cache.max_bytes
    assert len(cache) <= cache.max_bytes // ENTRY_OVERHEAD


# ---------------------------------------------------------------- 2. a memory budget per query worker

# a cross product feeding GROUP_CONCAT: grows for as long as it runs (the red team saw 3.75 GB in 60 s)
MEMORY_HOG = "SELECT (STRLEN(GROUP_CONCAT(STR(?o))) AS ?n) { ?s ?p ?o . ?a ?b ?c }"


def test_a_query_past_its_memory_budget_gets_503_and_the_pool_recovers(dataset, layout) -> None:
    config = ServeConfig(timeout=300.0, max_memory=64 << 20)
    app = make_app(ServeState(dataset, layout, config), cache_bytes=0, workers=1)
    with serving_app(app) as base:
        before = set(app.state.query_pool.pids)
        hog = get(base, MEMORY_HOG)
        after = get(base, PEOPLE, "text/csv")
        now = set(app.state.query_pool.pids)
    assert hog.status == 503, hog.body
    assert "64 MiB" in one_line(hog) and "memory" in one_line(hog)
    assert after.status == 200 and "antony-blinken" in after.text
    assert len(now) == len(before) == 1  # still one worker (a new one if the engine aborted)


def test_serve_has_a_max_memory_option_with_a_default() -> None:
    from alaska_kg.cli.app import _parser

    args = _parser().parse_args(["serve"])
    assert args.max_memory == 1024 and args.max_answer_size == 64
    assert _parser().parse_args(["serve", "--max-memory", "256"]).max_memory == 256


# ---------------------------------------------------------------- 4. errors are never an empty 500


def test_a_worker_payload_without_its_head_line_is_a_500_saying_so() -> None:
    reply = decode(500, b"internal error: ValueError: d\xc3\xa9j\xc3\xa0 vu")  # no `media-type cut\n` head
    assert reply.status == 500 and reply.media_type == "text/plain"
    assert b"internal error: ValueError" in reply.body


def test_a_handler_bug_is_a_500_with_its_message(dataset, layout) -> None:
    from alaska_kg.serve.pool import QueryPool

    def broken() -> tuple[int, bytes]:
        raise ValueError("déjà vu\nsecond line")

    import asyncio

    async def run() -> Reply:
        pool = QueryPool({"broken": broken}, 1)
        try:
            return decode(*await pool.run("broken", (), timeout=30, what="test"))
        finally:
            pool.close()

    reply = asyncio.run(run())
    assert reply.status == 500 and reply.media_type == "text/plain"
    assert reply.body.decode() == "internal error: ValueError: déjà vu\nsecond line"


def test_a_value_larger_than_16_mib_is_a_clear_503_not_an_empty_500(dataset, layout) -> None:
    query = 'SELECT ?v { BIND("0123456789abcdef" AS ?v0)'
    for i in range(1, 21):  # 16 bytes doubled 20 times: 16 MiB, one TSV line past Oxigraph's buffer
        query += f" BIND(CONCAT(?v{i - 1}, ?v{i - 1}) AS ?v{i})"
    query += " BIND(?v20 AS ?v) }"
    app = make_app(ServeState(dataset, layout, ServeConfig(timeout=120.0)), cache_bytes=0, workers=1)
    with serving_app(app) as base:
        answer = post(base, query)
    assert answer.status == 503, answer.status
    assert "larger than 16 MiB" in one_line(answer)


def test_an_answer_past_max_answer_is_503_saying_so(dataset, layout) -> None:
    query = 'SELECT ?v { BIND("0123456789abcdef" AS ?v0)'
    for i in range(1, 17):  # 1 MiB
        query += f" BIND(CONCAT(?v{i - 1}, ?v{i - 1}) AS ?v{i})"
    query += " BIND(?v16 AS ?v) }"
    app = make_app(ServeState(dataset, layout, ServeConfig(max_answer=1 << 20)), cache_bytes=0, workers=1)
    with serving_app(app) as base:
        answer = post(base, query, {"Accept": "text/csv"})
        small = post(base, PEOPLE, {"Accept": "text/csv"})
    assert answer.status == 503 and "larger than the 1 MiB" in one_line(answer)
    assert small.status == 200


# ---------------------------------------------------------------- 3. long flat chains refused by the guard

# each shape: its query with n repetitions, and how many tokens one repetition adds
CHAINS = {
    "sum": (lambda n: "SELECT ?x { BIND(" + "+".join(["1"] * n) + " AS ?x) }", 2),
    "negations": (lambda n: "ASK { FILTER(" + "!" * n + "true) }", 1),
    "unions": (lambda n: "ASK { " + " UNION ".join(["{}"] * n) + " }", 3),
    "collection": (lambda n: "CONSTRUCT { <http://example.org/a> ak:b (" + " ".join(["1"] * n) + ") } {}", 1),
    "disjunction": (lambda n: "ASK { FILTER(" + "||".join(["true"] * n) + ") }", 2),
    "path": (lambda n: "ASK { ak:none " + "/".join(["ak:p"] * n) + " ?o }", 2),
}


def cli_query(dataset_file, query: str) -> tuple[int, str]:
    """`alaska-kg query --sparql QUERY` in its own process (a crash must not take pytest with it)."""
    import subprocess

    run = subprocess.run(
        [sys.executable, "-m", "alaska_kg", "query", "--dataset", str(dataset_file), "--sparql", query],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return run.returncode, run.stderr


@pytest.mark.parametrize("shape", sorted(CHAINS))
def test_a_long_flat_chain_is_refused_by_the_cli_with_exit_12_not_a_crash(dataset_file, shape: str) -> None:
    build, _ = CHAINS[shape]
    code, err = cli_query(dataset_file, build(10_000))
    assert code == 12, (code, err[-300:])
    assert "--sparql:1:" in err and "more than 2000 tokens" in err and err.count("\n") == 1


@pytest.mark.parametrize("shape", sorted(set(CHAINS) - {"path"}))  # 1,000 path steps: minutes to evaluate
def test_each_chain_just_under_the_token_limit_runs_in_the_cli(dataset_file, shape: str) -> None:
    """The limit is below every crash: the longest chain the guard lets through runs."""
    from alaska_kg.query.guard import MAX_TOKENS, lex

    build, per_item = CHAINS[shape]
    n = MAX_TOKENS // per_item
    while len(lex(build(n))) > MAX_TOKENS:
        n -= 1
    code, err = cli_query(dataset_file, build(n))
    assert code in (0, 1), (code, err[-300:])  # an answer (ASK: 1 for false), not a crash (139) nor a refusal


def test_a_long_flat_chain_is_a_400_at_the_endpoint_not_a_500(dataset, layout) -> None:
    app = make_app(ServeState(dataset, layout), cache_bytes=0, workers=1)
    with serving_app(app) as base:
        answers = {shape: post(base, build(10_000)) for shape, (build, _) in CHAINS.items()}
        pids = app.state.query_pool.pids
        fine = get(base, PEOPLE, "text/csv")
        assert app.state.query_pool.pids == pids  # no worker died
    for shape, answer in answers.items():
        assert answer.status == 400, (shape, answer.status, answer.body[:200])
        assert "more than 2000 tokens" in one_line(answer)
    assert fine.status == 200 and "antony-blinken" in fine.text


# ---------------------------------------------------------------- 5. abandoned requests, a bounded queue


def open_request(base: str, query: str) -> socket.socket:
    """Send a GET for `query` and leave the connection open without reading the answer."""
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port))
    path = "/sparql?" + urlencode({"query": query})
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode("ascii"))
    return sock


def test_a_query_whose_client_hangs_up_is_stopped_and_its_worker_freed(dataset, layout) -> None:
    # a deadline far past wait_until's patience: only the hang-up can free the worker in time
    app = make_app(ServeState(dataset, layout, ServeConfig(timeout=600.0)), cache_bytes=0, workers=1)
    pool = app.state.query_pool
    with serving_app(app) as base:
        wait_until(lambda: len(pool.pids) == 1, "the worker forked")
        (first,) = pool.pids
        abandoned = open_request(base, RUNAWAY)
        wait_until(lambda: pool.busy == 1, "the runaway query running")
        abandoned.close()
        wait_until(lambda: first not in pool.pids, "the abandoned query's worker killed")
        quick = get(base, PEOPLE, "text/csv")
    assert quick.status == 200 and "antony-blinken" in quick.text
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(first, 0)


def test_when_the_wait_queue_is_full_a_request_gets_503_with_retry_after(dataset, layout) -> None:
    state = ServeState(dataset, layout, ServeConfig(timeout=30.0))
    app = make_app(state, cache_bytes=0, workers=1, max_waiting=1)
    pool = app.state.query_pool
    with serving_app(app) as base:
        running = open_request(base, RUNAWAY)
        wait_until(lambda: pool.busy == 1, "one query running")
        waiting = open_request(base, RUNAWAY + " # another")
        wait_until(lambda: pool.waiting == 1, "one query waiting")
        refused = get(base, PEOPLE)
        running.close()
        waiting.close()
        wait_until(lambda: pool.busy == 0 and pool.waiting == 0, "both abandoned queries stopped")
        later = get(base, PEOPLE)
    assert refused.status == 503 and refused.headers["retry-after"] == "5"
    assert "busy" in one_line(refused)
    assert later.status == 200


# ---------------------------------------------------------------- 6. answers read in linear time, capped


def test_a_reply_announcing_more_than_max_reply_is_refused_before_it_is_read() -> None:
    import asyncio
    import contextlib

    from alaska_kg.serve.pool import ReplyTooLarge, _Reply

    async def read(max_reply: int | None) -> tuple[int, bytes]:
        readable, writable = os.pipe()
        os.set_blocking(readable, False)
        body = b"x" * (3 << 16)  # three chunks
        os.write(writable, b"200 %d\n" % len(body))
        loop = asyncio.get_running_loop()
        reply = _Reply(loop, readable, max_reply)
        writer = loop.run_in_executor(None, os.write, writable, body)
        try:
            return await asyncio.wait_for(reply.future, 30)
        finally:
            reply.stop()
            os.close(readable)  # a refused reply is not read on: the writer gets EPIPE
            with contextlib.suppress(BrokenPipeError):
                await writer
            os.close(writable)

    status, payload = asyncio.run(read(None))
    assert status == 200 and payload == b"x" * (3 << 16) and isinstance(payload, bytes)
    with pytest.raises(ReplyTooLarge, match="larger than the 1000 bytes"):
        asyncio.run(read(1000))


# ---------------------------------------------------------------- 7. 404s without control characters


@pytest.mark.parametrize("path", ["/resource/a%1b%5b31mred%0d%0aX-Injected:%201%07", "/ontology.a%1bb"])
def test_a_plain_text_404_escapes_control_characters(dataset, layout, path: str) -> None:
    with serving_app(make_app(ServeState(dataset, layout))) as base:
        answer = send(base, "GET", path, headers={"Accept": "text/turtle"})
    assert answer.status == 404
    text = one_line(answer)
    assert "\x1b" not in text and "\\x1b" in text


# ---------------------------------------------------------------- 8. security headers


def test_every_response_says_nosniff_and_html_pages_set_a_policy(dataset, layout) -> None:
    with serving_app(make_app(ServeState(dataset, layout))) as base:
        answers = {
            "query": get(base, PEOPLE),
            "error": get(base, "SELECT * FROM <http://example.org/x> {}"),
            "home": send(base, "GET", "/", headers={"Accept": "text/html"}),
            "editor": send(base, "GET", "/query", headers={"Accept": "text/html"}),
            "picture": send(base, "GET", "/network.svg"),
        }
    assert all(a.headers.get("x-content-type-options") == "nosniff" for a in answers.values())
    for name in ("home", "editor"):
        policy = answers[name].headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert answers[name].headers["x-frame-options"] == "DENY"
    assert "content-security-policy" not in answers["query"].headers
    assert answers["picture"].headers["content-security-policy"] == SVG_POLICY  # its own, stricter


# ---------------------------------------------------------------- 10. HTTP errors speak HTTP, name no file


def test_errors_name_no_server_path_and_give_no_command_line_advice(dataset, layout) -> None:
    with serving_app(make_app(ServeState(dataset, layout))) as base:
        answers = {
            "federated": send(base, "GET", "/queries/participants-on-wikidata"),
            "unknown": send(base, "GET", "/queries/participant"),
            "nameless": send(base, "GET", "/queries/statements-by-actor?=x"),
            "service": get(base, "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
        }
    for name, answer in answers.items():
        text = one_line(answer)
        assert str(layout.root) not in text and ".rq" not in text, (name, text)
        assert "--" not in text and "alaska-kg" not in text and "rerun" not in text, (name, text)
    assert answers["federated"].status == 403 and "participants-on-wikidata:" in one_line(
        answers["federated"]
    )
    assert "/queries lists them" in one_line(answers["unknown"])
    assert answers["nameless"].status == 400 and "query parameter" in one_line(answers["nameless"])


# ---------------------------------------------------------------- 12. SERVICE errors do not relay bodies


def test_a_failing_service_is_a_502_without_the_remote_body(dataset, layout) -> None:
    from http.server import BaseHTTPRequestHandler

    from loopback import serving

    class Failing(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._fail()

        def do_GET(self) -> None:
            self._fail()

        def _fail(self) -> None:
            body = b"<html>SECRET-OF-THE-INTRANET</html>"
            self.send_response(500)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    config = ServeConfig(allow_service=True)
    with serving(Failing) as remote, serving_app(make_app(ServeState(dataset, layout, config))) as base:
        answer = get(base, f"SELECT * {{ SERVICE <{remote}/sparql> {{ ?s ?p ?o }} }}")
    assert answer.status == 502
    text = one_line(answer)
    assert "SECRET" not in text and "HTTP 500" in text


# ---------------------------------------------------------------- 11. the protocol's small print


def test_methods_bom_json_ld_and_the_public_url(dataset, layout) -> None:
    with serving_app(make_app(ServeState(dataset, layout))) as base:
        put = send(base, "PUT", "/sparql")
        trace = send(base, "TRACE", "/sparql")
        options = send(base, "OPTIONS", "/sparql")
        head = send(base, "HEAD", "/sparql?" + urlencode({"query": PEOPLE}))
        bom = post(base, "\ufeffASK { ?p a ak:Person }".encode())
        construct = get(base, "CONSTRUCT WHERE { ?p a ak:Person }", "application/json")
    assert put.status == trace.status == 405
    assert put.headers["allow"] == trace.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    assert options.status == 204 and options.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    assert head.status == 200
    assert bom.status == 200 and b"true" in bom.body
    assert construct.status == 200 and construct.media_type == "application/ld+json"
    config = ServeConfig(public_url="https://kg.example.org/alaska")
    with serving_app(make_app(ServeState(dataset, layout, config))) as base:
        described = send(base, "GET", "/sparql", headers={"Accept": "text/turtle"})
        relative = get(base, "SELECT ?x { BIND(<rel> AS ?x) }", "text/csv")
    assert b"<https://kg.example.org/alaska/sparql>" in described.body and b"127.0.0.1" not in described.body
    assert "https://kg.example.org/alaska/rel" in relative.text


# ---------------------------------------------------------------- 9. slow clients


def test_uvicorn_limits_idle_slow_and_too_many_clients() -> None:
    from alaska_kg.cli.serve import uvicorn_config

    config = uvicorn_config(object())
    assert config.timeout_keep_alive == 5
    assert config.limit_concurrency == 1000
    assert config.h11_max_incomplete_event_size == 64 << 10
    assert config.server_header is False
