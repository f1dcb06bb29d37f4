"""Random and malformed requests (hypothesis) never get a 500 and never hang past the deadline.

Raw bytes over a socket, so that nothing between the fuzzer and the server tidies the request up: any
method, path, query string (bad percent-escapes, bytes that are not UTF-8), header, body (random bytes,
SPARQL-looking token soup, 2 MiB of it). A query that runs into the deadline may get its 503; nothing
may get a 5xx otherwise, and every answer must come within the deadline plus a margin.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alaska_kg.serve.app import make_app
from alaska_kg.serve.state import ServeConfig, ServeState
from loopback import serving_app

TIMEOUT = 5.0  # the server's deadline per query, seconds
MARGIN = 20.0  # what an answer may take beyond it on a busy shared machine
TOKENS = [
    "SELECT", "*", "WHERE", "{", "}", "?s", "?p", "?o", "ASK", "CONSTRUCT", "DESCRIBE", "FILTER", "(", ")",
    "SERVICE", "<http://example.org/>", "FROM", "NAMED", "GRAPH", '"text"', "'x'@en", "1", "1.5e3", ".", ";",
    "OPTIONAL", "UNION", "MINUS", "LIMIT", "OFFSET", "ORDER BY", "GROUP BY", "COUNT(*)", "AS", "a",
    "ak:Person", "akr:wang-yi", "rdfs:label", "INSERT", "DATA", "DELETE", "LOAD", "CLEAR", "\\u0000",
    "#", "\n", "PREFIX", "x:", "BASE", "<>", "VALUES", "BIND", "REGEX(?o, \"a\")", "[]", "_:b", "^^",
    "\x00", "\x1b[2J", "\u202e", "é", "😀",
]  # fmt: skip
METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "BREW", "get"]
PATHS = ["/sparql", "/sparql/", "/queries", "/queries/participants", "/queries/statements-by-actor", "/"]
CONTENT_TYPES = [
    None,
    "application/x-www-form-urlencoded",
    "application/sparql-query",
    "application/sparql-update",
    "application/sparql-query; charset=utf-16",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded; charset=latin-1",
    ";;;",
]
ACCEPTS = [
    None,
    "*/*",
    "text/html",
    "text/csv",
    "application/sparql-results+json;q=0",
    "application/ld+json, text/turtle;q=0.5",
    "image/png",
    "*/*;q=nan, text/csv;q=2",
    ",,,;;q=",
]


@pytest.fixture(scope="module")
def endpoint(dataset, layout) -> Iterator[tuple[str, int]]:
    app = make_app(ServeState(dataset, layout, ServeConfig(timeout=TIMEOUT)))
    with serving_app(app) as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


sparql_soup = st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join)
field_values = st.one_of(
    sparql_soup.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=60)
)
field_names = st.sampled_from(["query", "update", "default-graph-uri", "named-graph-uri", "actor", "x", ""])
query_strings = st.lists(st.tuples(field_names, field_values), max_size=5).map(
    lambda pairs: "&".join(f"{quote_from_bytes(n.encode())}={quote_from_bytes(v)}" for n, v in pairs)
)
raw_query_strings = st.binary(max_size=40).map(lambda b: quote_from_bytes(b, safe=b"%=&?/"))
bodies = st.one_of(
    st.none(),
    st.binary(max_size=200),
    sparql_soup.map(lambda s: s.encode("utf-8", "surrogatepass")),
    query_strings.map(str.encode),
    st.just(b"query=" + b"A" * (2 << 20)),
)


def _request(host: str, port: int, data: bytes) -> tuple[int, bytes]:
    """Send raw bytes, read the whole answer (the request says Connection: close): status and body."""
    with socket.create_connection((host, port), timeout=TIMEOUT + MARGIN) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused before it was all read
            sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    answer = b"".join(chunks)
    status_line = answer.split(b"\r\n", 1)[0].split()
    assert len(status_line) >= 2 and status_line[0].startswith(b"HTTP/1."), answer[:200]
    return int(status_line[1]), answer.partition(b"\r\n\r\n")[2]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    method=st.sampled_from(METHODS),
    path=st.sampled_from(PATHS),
    query=st.one_of(query_strings, raw_query_strings),
    content_type=st.sampled_from(CONTENT_TYPES),
    accept=st.sampled_from(ACCEPTS),
    body=bodies,
    short_length=st.booleans(),
)
def test_no_request_gets_a_500_or_hangs(
    endpoint: tuple[str, int], method, path, query, content_type, accept, body, short_length
) -> None:
    host, port = endpoint
    target = f"{path}?{query}" if query else path
    head = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    if content_type is not None:
        head.append(f"Content-Type: {content_type}")
    if accept is not None:
        head.append(f"Accept: {accept}")
    if body is not None:
        # a Content-Length shorter than the body: the rest is garbage where the next request would be
        head.append(f"Content-Length: {len(body) // 2 if short_length else len(body)}")
    data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body or b"")
    started = time.monotonic()
    status, answer = _request(host, port, data)
    assert time.monotonic() - started < TIMEOUT + MARGIN
    if status == 503:
        assert b"deadline" in answer, answer
    else:
        assert status < 500, (status, answer[:300], data[:300])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(sparql_soup, st.text(max_size=80)), direct=st.booleans(), accept=st.sampled_from(ACCEPTS)
)
def test_random_queries_reach_the_engine_and_never_get_a_500(
    endpoint: tuple[str, int], text, direct, accept
) -> None:
    """Well-formed requests carrying random query text: answered, or refused with a 4xx, or stopped at
    the deadline; never a 500 (a crashed worker, an unhandled error)."""
    host, port = endpoint
    data = text.encode("utf-8", "surrogatepass")
    if direct:
        head = ["POST /sparql HTTP/1.1", "Content-Type: application/sparql-query"]
    else:
        head = [f"GET /sparql?query={quote_from_bytes(data)} HTTP/1.1"]
        data = b""
    head += [f"Host: {host}:{port}", "Connection: close", f"Content-Length: {len(data)}"]
    if accept is not None:
        head.append(f"Accept: {accept}")
    status, answer = _request(host, port, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
    assert status in (200, 400, 403, 406) or (status == 503 and b"deadline" in answer), (status, answer[:300])
