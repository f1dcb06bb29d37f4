"""Run a query on a remote SPARQL endpoint so that it answers as the local dataset would: the same checks,
the same parameters, the same default graph, and the labels for the table fetched from the same graphs.

1. The query is checked as a local run checks it: the guard (`alaska_kg.query.guard`: no update ever, no
   SERVICE unless allowed, FROM only on the dataset's graphs), then Oxigraph on an empty store for syntax
   errors with their line, the header's columns and parameters. Nothing is sent until it passes, and the
   text sent passes the guard again. The empty store is given the text with every `SERVICE` written
   `GRAPH` (`guard.without_service`), so that no check, with `--allow-service` or without, calls an
   endpoint from here: the SERVICE is the remote endpoint's to evaluate, once.
2. Parameters become a VALUES block at the head of the WHERE group (`alaska_kg.store.values`); inline
   `--sparql` text gets the curated PREFIX lines the local engine predeclares.
3. `--graph` becomes `default-graph-uri` parameters (SPARQL 1.1 Protocol §2.1.4), one per named graph
   whose merge is the local default graph, and the dataset's four graphs are sent as `named-graph-uri`,
   the graphs GRAPH sees locally (without them, a protocol dataset has no named graphs at all); a query
   with FROM keeps its own dataset.
4. The answer is parsed by its media type into the same objects a local run makes, so the same writers
   print it; for a table, the rdfs:label of each IRI in it is fetched from the dataset's graphs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Variable,
    parse,
    parse_query_results,
)

from alaska_kg.errors import EndpointAnswerError, QueryParameterError, QuerySyntaxError, UsageError
from alaska_kg.namespaces import GRAPH_NAMES, graph_iri
from alaska_kg.query.catalog import QuerySource
from alaska_kg.query.dataset import SELECTED_GRAPHS, GraphSelection, OpenDataset
from alaska_kg.query.deadline import run_with_deadline
from alaska_kg.query.guard import check_query, without_service
from alaska_kg.query.labels import RDFS_LABEL, iris_in
from alaska_kg.query.run import Answer, run_query
from alaska_kg.store import client as remote
from alaska_kg.store.values import iri_text, query_form, with_values

# What to ask for, by query form (SPARQL 1.1 Protocol §2.1.5 leaves the choice to content negotiation).
# One kind per form: offered both, Virtuoso answers a CONSTRUCT as a results table of ?s ?p ?o.
ACCEPT_SOLUTIONS = "application/sparql-results+json"
ACCEPT_TRIPLES = "application/n-triples, text/turtle;q=0.9"
LABEL_BATCH = 200  # IRIs per label query


@dataclass(frozen=True)
class RemoteAnswer:
    """The answer, as a local run would have it, and a store holding the labels to print it with."""

    answer: Answer
    labels: Store
    text: str  # what was sent


def remote_text(
    query: QuerySource,
    *,
    substitutions: Mapping[Variable, NamedNode | Literal] | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> str:
    """The query text to send: predeclared prefixes first (same line), parameters as a VALUES block."""
    text = query.text
    if prefixes:
        text = "".join(f"PREFIX {name}: {iri_text(ns)} " for name, ns in prefixes.items()) + text
    return with_values(text, dict(substitutions or {}), query.where)


def _check_locally(
    query: QuerySource,
    text: str,
    *,
    graph: GraphSelection | None,
    substitutions: Mapping[Variable, NamedNode | Literal] | None,
    allow_service: bool,
    prefixes: Mapping[str, str] | None,
    timeout: float,
) -> None:
    """Step 1 of the module docstring (after `check_query` on `query`); `text` is what will be sent.

    Even an empty store may evaluate for ever (`VALUES` blocks multiplied, aggregates computed in
    `Store.query`), so the engine's part runs under the query's deadline and Ctrl-C, in a thread as a
    local query does (alaska_kg.query.deadline): QueryTimeout (13) past `timeout`, 130 on Ctrl-C.
    """
    check_query(text, query.where, allow_service=allow_service)
    local = query._replace(text=without_service(query.text, query.where))
    rewritten = without_service(text, query.where) if text != query.text else None

    def work() -> tuple[int, bytes]:
        empty = OpenDataset(Store(), Path(os.devnull))
        run_query(empty, local, graph=graph, substitutions=substitutions, prefixes=prefixes)
        if rewritten is not None:  # the rewritten text must parse too (if not: a bug of the rewrite)
            try:
                empty.store.query(rewritten)
            except SyntaxError as exc:
                raise QuerySyntaxError(
                    f"{query.where}: the query with its parameters as VALUES does not parse: {exc}"
                ) from None
        return 0, b""

    run_with_deadline(
        work, timeout=timeout, what=f"{query.where} (its check on an empty store)", isolation="thread"
    )


def _answer(response: remote.Response, what: str, url: str) -> Answer | bytes:
    """The Answer of a boolean or RDF response; for solutions the raw body (parsed twice, see below)."""
    results_format = QueryResultsFormat.from_media_type(response.media_type)
    rdf_format = RdfFormat.from_media_type(response.media_type) if results_format is None else None
    try:
        if results_format is not None:
            result = parse_query_results(response.body, format=results_format)
            if isinstance(result, QueryBoolean):
                return Answer("ask", boolean=bool(result))
            return response.body
        if rdf_format is not None:
            return Answer("graph", triples=tuple(parse(response.body, format=rdf_format)))
    except (SyntaxError, ValueError) as exc:
        raise EndpointAnswerError(
            f"{what} at {url}: the answer is not valid {response.media_type}: {exc}"
        ) from None
    raise EndpointAnswerError(
        f"{what} at {url}: the endpoint answered {response.media_type or 'no media type'}, "
        "neither SPARQL results nor RDF"
    )


def _solutions(response: remote.Response) -> QuerySolutions:
    results_format = QueryResultsFormat.from_media_type(response.media_type)
    result = parse_query_results(response.body, format=results_format)
    assert isinstance(result, QuerySolutions)
    return result


def fetch_labels(url: str, iris: Iterable[str], *, timeout: float = remote.DEFAULT_TIMEOUT) -> Store:
    """A store with every rdfs:label the dataset's graphs give the IRIs (as `alaska_kg.query.labels.labels`
    reads them from the local store), a few hundred IRIs per query."""
    store = Store()
    sendable = sorted(i for i in set(iris) if _sendable(i))
    for start in range(0, len(sendable), LABEL_BATCH):
        batch = " ".join(iri_text(i) for i in sendable[start : start + LABEL_BATCH])
        text = f"SELECT DISTINCT ?s ?label WHERE {{ VALUES ?s {{ {batch} }} ?s {RDFS_LABEL} ?label }}"
        response = remote.query(
            url,
            text,
            what="label lookup",
            accept=ACCEPT_SOLUTIONS,
            default_graphs=[graph_iri(name) for name in GRAPH_NAMES],
            timeout=timeout,
        )
        found = _answer(response, "label lookup", url)
        if not isinstance(found, bytes):
            raise EndpointAnswerError(f"label lookup at {url}: the endpoint did not answer with solutions")
        for row in _solutions(response):
            subject, label = row["s"], row["label"]
            if isinstance(subject, NamedNode) and isinstance(label, Literal):
                store.add(Quad(subject, RDFS_LABEL, label))
    return store


def _sendable(iri: str) -> bool:
    try:
        iri_text(iri)
    except QueryParameterError:  # cannot come from a SPARQL answer; shown unlabelled, as IRIs without one
        return False
    return True


def run_remote(
    url: str,
    query: QuerySource,
    *,
    graph: GraphSelection | None = None,
    substitutions: Mapping[Variable, NamedNode | Literal] | None = None,
    allow_service: bool = False,
    prefixes: Mapping[str, str] | None = None,
    labels: bool = True,
    timeout: float = remote.DEFAULT_TIMEOUT,
) -> RemoteAnswer:
    """Run `query` at the SPARQL endpoint `url` (the module docstring gives the steps); `labels`: fetch the
    labels of the IRIs in a SELECT answer (for the table and Markdown views)."""
    remote.check_endpoint(url)
    own_dataset = check_query(query.text, query.where, allow_service=allow_service, prefixes=prefixes)
    if own_dataset and graph is not None:
        raise UsageError(f"{query.where}: the query names its graphs with FROM; --graph does not apply to it")
    text = remote_text(query, substitutions=substitutions, prefixes=prefixes)
    _check_locally(
        query,
        text,
        graph=graph,
        substitutions=substitutions,
        allow_service=allow_service,
        prefixes=prefixes,
        timeout=timeout,
    )
    default_graphs = () if own_dataset else tuple(graph_iri(g) for g in SELECTED_GRAPHS[graph or "all"])
    named_graphs = () if own_dataset else tuple(graph_iri(g) for g in GRAPH_NAMES)
    what = f"query {query.id!r}"
    accept = ACCEPT_TRIPLES if query_form(text) in ("CONSTRUCT", "DESCRIBE") else ACCEPT_SOLUTIONS
    response = remote.query(
        url,
        text,
        what=what,
        accept=accept,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        timeout=timeout,
    )
    answer = _answer(response, what, url)
    if isinstance(answer, Answer):
        return RemoteAnswer(answer, Store(), text)
    try:  # read every row once here, so that a broken answer fails now and not half-way through printing
        rows = [tuple(row) for row in _solutions(response)]
        solutions = _solutions(response)
    except (SyntaxError, ValueError) as exc:
        raise EndpointAnswerError(
            f"{what} at {url}: the answer is not valid {response.media_type}: {exc}"
        ) from None
    iris = iris_in(term for row in rows for term in row)
    label_store = fetch_labels(url, iris, timeout=timeout) if labels and iris else Store()
    variables = tuple(v.value for v in solutions.variables)
    return RemoteAnswer(Answer("select", variables=variables, solutions=solutions), label_store, text)


__all__ = ["ACCEPT_SOLUTIONS", "ACCEPT_TRIPLES", "RemoteAnswer", "fetch_labels", "remote_text", "run_remote"]
