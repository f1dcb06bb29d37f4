"""A small, bounded load test: 4 clients × 50 requests (canned queries by name, ad-hoc SPARQL, the
service description) against one server: every answer a 200 with the right content, and the server still
answers afterwards. No speed is asserted (benchmarks/serve_load.py measures it)."""

from __future__ import annotations

import json
import threading
from urllib.parse import urlencode

from alaska_kg.serve.app import make_app
from alaska_kg.serve.state import ServeState
from http_client import send
from loopback import serving_app

CLIENTS = 4
REQUESTS = 50
REQUESTS_MIX = [
    ("/queries/participants", "application/sparql-results+json"),
    ("/queries/statements-by-actor?actor=akr:yang-jiechi", "text/csv"),
    ("/sparql?" + urlencode({"query": 'ASK { ?p rdfs:label "Antony Blinken"@en }'}), None),
    ("/sparql?" + urlencode({"query": "SELECT ?p ?l WHERE { ?p a ak:Person ; rdfs:label ?l }"}), "text/csv"),
    ("/sparql", "text/turtle"),
]


def test_four_clients_fifty_requests_each_no_errors(dataset, layout) -> None:
    failures: list[str] = []
    done: list[int] = []
    with serving_app(make_app(ServeState(dataset, layout))) as base:

        def client(number: int) -> None:
            for i in range(REQUESTS):
                path, accept = REQUESTS_MIX[(number + i) % len(REQUESTS_MIX)]
                try:
                    answer = send(base, "GET", path, headers={"Accept": accept} if accept else {})
                except OSError as exc:
                    failures.append(f"{path}: {exc}")
                    continue
                if answer.status != 200 or not answer.body:
                    failures.append(f"{path}: {answer.status} {answer.body[:200]!r}")
                elif path.startswith("/sparql?query=ASK") and json.loads(answer.body)["boolean"] is not True:
                    failures.append(f"{path}: not true")  # the article: Blinken attended the talks
            done.append(number)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        after = send(base, "GET", "/queries/participants")
    assert failures == []
    assert sorted(done) == list(range(CLIENTS))
    assert after.status == 200 and b"wang-yi" in after.body
