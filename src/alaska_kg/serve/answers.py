"""Evaluate a query for the endpoint and write its answer in the media type the client asked for.

The same guard, engine and writers as `alaska-kg query` (alaska_kg.query.guard, .run, .results): SELECT
and ASK as SPARQL 1.1 Query Results JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE as Turtle, N-Triples,
JSON-LD or RDF/XML. Everything here runs inside a worker of the query pool (alaska_kg.serve.pool), so it
returns plain bytes: an HTTP status, and a head line (media type, cut or not) followed by the body.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from itertools import islice
from typing import NamedTuple

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    Variable,
    parse_query_results,
)

from alaska_kg.errors import (
    AlaskaKgError,
    EndpointFailed,
    EndpointRefused,
    EndpointUnreachable,
    ForbiddenQuery,
    QueryHeaderError,
    QueryNotFound,
    QueryParameterError,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    UsageError,
)
from alaska_kg.namespaces import PREFIXES
from alaska_kg.query.catalog import QuerySource
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.query.guard import check_query, lex
from alaska_kg.query.header import QueryHeader
from alaska_kg.query.results import write_answer
from alaska_kg.query.run import Answer, execute, projected, service_error
from alaska_kg.serve.negotiation import preferred
from alaska_kg.serve.protocol import QueryOperation

# media type → alaska_kg.query.results format; the first of each list is the default
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
    "application/x-turtle": "ttl",
    "text/plain": "nt",  # N-Triples was text/plain before it had its own type
    "application/json": "jsonld",  # as the pages take it (/resource/NAME)
}
_CANONICAL = {  # what an alias is answered as
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
}
_GRAPH_CANONICAL = {**_CANONICAL, "application/json": "application/ld+json"}
_MEDIA_TYPE = re.compile(r"[a-z0-9.+-]+/[a-z0-9.+-]+")
QUERY_WHERE = "query"
MAX_TSV_LINE = 16 << 20  # bytes of one TSV line Oxigraph's results reader takes (its buffer)


class AnswerTooLarge(AlaskaKgError):
    """An answer the server will not send: past a limit of the engine or of the server (503)."""


# how error messages name a query sent to the endpoint


class Reply(NamedTuple):
    """What the endpoint sends back: status, media type, body, and whether the answer was cut at max rows."""

    status: int
    media_type: str
    body: bytes
    cut: bool = False
    retry_after: int | None = None  # seconds, for a 503 that a later try may not get


def http_status(error: AlaskaKgError) -> int:
    """The HTTP status for an error of the query path."""
    if isinstance(error, (QuerySyntaxError, QueryParameterError, UsageError, QueryTooLarge)):
        return 400
    if isinstance(error, ForbiddenQuery):
        return 403
    if isinstance(error, QueryNotFound):
        return 404
    if isinstance(error, (QueryTimeout, AnswerTooLarge)):
        return 503
    if isinstance(error, (EndpointFailed, EndpointRefused, EndpointUnreachable)):
        return 502  # a SERVICE call the operator allowed failed
    return 500


def encode(reply: Reply) -> tuple[int, bytes]:
    """A Reply as the worker hands it back: (status, `media-type cut\\n` + body)."""
    return reply.status, f"{reply.media_type} {int(reply.cut)}\n".encode("ascii") + reply.body


def decode(status: int, payload: bytes) -> Reply:
    """The Reply a worker encoded; a payload with no readable head line (a worker's bug) becomes a 500
    saying so, never an answer with an empty body."""
    head, newline, data = payload.partition(b"\n")
    media, _, cut = head.decode("ascii", "replace").partition(" ")
    if not newline or cut not in ("0", "1") or not _MEDIA_TYPE.fullmatch(media):
        shown = payload[:200].decode("utf-8", "replace")
        return error_reply(500, f"internal error: the query worker's reply is unreadable: {shown}")
    return Reply(status, media, data, cut == "1")


# what the CLI's messages advise, said in HTTP terms (the client cannot rerun the server's command)
_CLI_WORDS = (
    ("rerun with --allow-service to permit it", "this server does not call remote endpoints"),
    ("`alaska-kg queries` lists them", "/queries lists them"),
    ("--param expects NAME=VALUE", "a query parameter is NAME=VALUE"),
    ("--param ", "the query parameter "),
)


def http_wording(message: str) -> str:
    """`message` of the query path with its command-line advice said in HTTP terms (query parameters,
    /queries)."""
    for cli, http in _CLI_WORDS:
        message = message.replace(cli, http)
    return message


def error_reply(status: int, message: str) -> Reply:
    """A one-line text/plain error (a message never empty)."""
    return Reply(status, "text/plain", (message or f"HTTP status {status}").encode("utf-8", "replace"))


def without_from(text: str) -> str:
    """`text` with every `FROM [NAMED] <iri>` blanked out (same lines and columns): a protocol dataset
    replaces the query's own (SPARQL 1.1 Protocol §2.1.4), so those clauses must not reach the guard."""
    toks = lex(text, QUERY_WHERE)
    out = list(text)
    index = 0
    while index < len(toks):
        if toks[index].keyword == "FROM":
            end = index + 1
            if end < len(toks) and toks[end].keyword == "NAMED":
                end += 1
            last = min(end, len(toks) - 1)
            start, stop = toks[index].start, toks[last].start + len(toks[last].text)
            out[start:stop] = " " * (stop - start)
            index = end + 1
        else:
            index += 1
    return "".join(out)


def _graph_nodes(iris: tuple[str, ...], parameter: str) -> list[NamedNode]:
    try:
        return [NamedNode(iri) for iri in iris]
    except ValueError:
        bad = next(iri for iri in iris if not _valid_iri(iri))
        raise UsageError(f"{parameter}: not an absolute IRI: {bad!r}") from None


def _valid_iri(iri: str) -> bool:
    try:
        NamedNode(iri)
    except ValueError:
        return False
    return True


class _CountingWriter:
    """Where Oxigraph writes TSV results: keeps the bytes, and stops the writing (raises) once more than
    `limit` solutions came (one line each after the header: TSV escapes line breaks)."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.limit = limit
        self.cut = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit + 1:
            self.cut = True
            raise OSError("more solutions than the cap")
        return len(chunk)

    def flush(self) -> None:
        pass


def capped(solutions: QuerySolutions, variables: tuple[str, ...], max_rows: int | None) -> Answer:
    """At most `max_rows` solutions, as alaska_kg.query.run.bounded keeps them (rebuilt from SPARQL Results
    TSV), but written by Oxigraph and cut as they come: no Python object per solution."""
    if max_rows is None:
        return Answer("select", variables=variables, solutions=solutions)
    writer = _CountingWriter(max_rows)
    try:
        solutions.serialize(writer, format=QueryResultsFormat.TSV)
    except OSError:
        if not writer.cut:
            raise
    data = b"".join(writer.parts)
    if writer.cut:
        data = b"\n".join(data.split(b"\n")[: max_rows + 1]) + b"\n"
    try:
        kept = parse_query_results(data, format=QueryResultsFormat.TSV)
    except MemoryError as exc:
        raise _too_long(exc) from None
    return Answer("select", variables=variables, solutions=kept, cut=writer.cut)


def _too_long(exc: MemoryError) -> Exception:
    """Oxigraph's TSV reader takes lines up to 16 MiB (its buffer): past it, a clear AnswerTooLarge."""
    if "maximal size" not in str(exc):
        return exc
    return AnswerTooLarge(
        f"{QUERY_WHERE}: a solution of the answer is larger than {MAX_TSV_LINE >> 20} MiB, more than the "
        "server's row cap can pass through; ask for shorter values (SUBSTR) or fewer variables"
    )


def run_guarded(
    dataset: OpenDataset,
    query: QuerySource,
    *,
    own_dataset: bool,
    max_rows: int | None,
    operation: QueryOperation | None = None,
    substitutions: Mapping[Variable, object] | None = None,
    prefixes: Mapping[str, str] | None = None,
    base_iri: str | None = None,
) -> Answer:
    """Run a query the guard has passed (`own_dataset`: it names its graphs with FROM), as
    alaska_kg.query.run.run_query does, over the union of the dataset's graphs unless the query or the
    request (`operation`'s protocol dataset, §2.1.4) names its own."""
    if operation is not None and operation.protocol_dataset:
        default_graph: list | None = _graph_nodes(operation.default_graphs, "default-graph-uri")
        named_graphs: list | None = _graph_nodes(operation.named_graphs, "named-graph-uri")
    else:
        default_graph = None if own_dataset else dataset.graphs("all")
        named_graphs = None
    result = execute(
        dataset,
        query,
        default_graph=default_graph,
        named_graphs=named_graphs,
        base_iri=base_iri,
        substitutions=substitutions,
        prefixes=prefixes,
        echo=False,
    )
    columns = query.header.columns
    try:
        if isinstance(result, QuerySolutions):
            return capped(result, projected(query, result), max_rows)
        if columns:
            raise QueryHeaderError(f"{query.where}: query header: 'columns' is for SELECT queries only")
        if isinstance(result, QueryBoolean):
            return Answer("ask", boolean=bool(result))
        taken = list(result) if max_rows is None else list(islice(result, max_rows + 1))
    except OSError as exc:  # the solutions are computed as they are read, SERVICE calls with them
        if type(exc) is not OSError:
            raise
        raise service_error(query, exc, echo=False) from None
    cut = max_rows is not None and len(taken) > max_rows
    return Answer("graph", triples=tuple(taken[:max_rows] if cut else taken), cut=cut)


def evaluate(
    dataset: OpenDataset,
    operation: QueryOperation,
    *,
    allow_service: bool,
    max_rows: int | None,
    base_iri: str | None = None,
) -> Answer:
    """Guard and run a query sent to the endpoint: the curated prefixes predeclared (as `query --sparql`),
    relative IRIs resolved against `base_iri` (the endpoint's, Protocol §2.1: "MAY be the service
    endpoint"), the default graph the union of the dataset's graphs unless the query (FROM) or the request
    (§2.1.4) names its own dataset."""
    text = without_from(operation.text) if operation.protocol_dataset else operation.text
    source = QuerySource(id=QUERY_WHERE, text=text, header=QueryHeader())
    own_dataset = check_query(text, QUERY_WHERE, allow_service=allow_service, prefixes=PREFIXES)
    return run_guarded(
        dataset,
        source,
        own_dataset=own_dataset,
        max_rows=max_rows,
        operation=operation,
        prefixes=PREFIXES,
        base_iri=base_iri,
    )


def guard_canned(
    queries: Mapping[str, QuerySource], *, allow_service: bool
) -> dict[str, bool | AlaskaKgError]:
    """Each canned query through the guard, once: whether it names its graphs (FROM), or why it is
    refused (a federated query without --allow-service), said again at every request for it."""
    verdicts: dict[str, bool | AlaskaKgError] = {}
    for name, query in queries.items():
        try:
            verdicts[name] = check_query(query.text, query.id, allow_service=allow_service)  # no file path
        except AlaskaKgError as exc:
            verdicts[name] = exc
    return verdicts


def offered(kind: str) -> dict[str, str]:
    """The media types an answer of `kind` can be written in, preferred first."""
    return GRAPH_TYPES if kind == "graph" else SOLUTION_TYPES


def write(answer: Answer, accept: str | None, dataset: OpenDataset, where: str = QUERY_WHERE) -> Reply:
    """`answer` in the media type `accept` rates highest (406 if none)."""
    types = offered(answer.kind)
    canonical = _GRAPH_CANONICAL if answer.kind == "graph" else _CANONICAL
    chosen = preferred(accept, list(types))
    if chosen is None:
        shown = ", ".join(t for t in types if t not in canonical)
        return error_reply(406, f"a {answer.kind.upper()} answer is written as {shown}; Accept asks for none")
    text = io.StringIO()
    try:  # a capped answer is read (from TSV) as it is written
        write_answer(answer, types[chosen], text, store=dataset.store, where=where)  # type: ignore[arg-type]
    except MemoryError as exc:
        raise _too_long(exc) from None
    return Reply(200, canonical.get(chosen, chosen), text.getvalue().encode("utf-8"), answer.cut)


def answer_operation(
    dataset: OpenDataset,
    operation: QueryOperation,
    accept: str | None,
    *,
    allow_service: bool,
    max_rows: int | None,
    base_iri: str | None = None,
) -> tuple[int, bytes]:
    """The work of one protocol request, as the deadline's worker returns it (see `encode`)."""
    try:
        answer = evaluate(
            dataset, operation, allow_service=allow_service, max_rows=max_rows, base_iri=base_iri
        )
        return encode(write(answer, accept, dataset))
    except AlaskaKgError as exc:
        return encode(error_reply(http_status(exc), http_wording(exc.message)))


def answer_canned(
    dataset: OpenDataset,
    query: QuerySource,
    verdict: bool | AlaskaKgError,
    substitutions: Mapping[Variable, object],
    accept: str | None,
    *,
    max_rows: int | None,
) -> tuple[int, bytes]:
    """The work of one canned query run by name, as `alaska-kg query NAME --param …` runs it; `verdict`:
    the guard's, given once for all when the server started (`guard_canned`)."""
    try:
        if isinstance(verdict, AlaskaKgError):
            raise verdict
        answer = run_guarded(
            dataset, query, own_dataset=verdict, max_rows=max_rows, substitutions=substitutions
        )
        return encode(write(answer, accept, dataset, query.id))
    except AlaskaKgError as exc:
        return encode(error_reply(http_status(exc), http_wording(exc.message)))


__all__ = [
    "GRAPH_TYPES",
    "MAX_TSV_LINE",
    "QUERY_WHERE",
    "SOLUTION_TYPES",
    "AnswerTooLarge",
    "Reply",
    "answer_canned",
    "answer_operation",
    "capped",
    "decode",
    "encode",
    "error_reply",
    "evaluate",
    "guard_canned",
    "http_status",
    "http_wording",
    "offered",
    "run_guarded",
    "without_from",
]
