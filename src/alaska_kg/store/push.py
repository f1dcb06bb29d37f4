"""Upload the built dataset to a triple store: each graph replaced by one SPARQL 1.1 Graph Store HTTP
Protocol PUT (§5.3), so that a second push leaves the store as the first did.

The N-Quads file is read once, as a stream, into one temporary N-Triples file per graph, and each file is
sent as the body of its PUT: memory stays flat however large the dataset. The dataset's four named graphs
are always sent, an empty one as an empty body (so the store's copy is emptied too); any other named
graph in the file is sent after them, and the default graph only if the file has triples in it.

All of the data is in named graphs, so a client that names no graph (no FROM, no GRAPH) sees nothing unless
the store makes its default graph the union of the named graphs (UNION_DEFAULT_HINT says how, per store).
`union_default=True` pushes a copy of every triple into the default graph too, for stores that cannot.

Blank nodes are scoped to one request (Graph Store Protocol §5.3: the body is a graph of its own), so a
blank node used in two graphs arrives as two different nodes; `PushResult.shared_blank_nodes` counts them.
The built dataset has none.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, get_args

from pyoxigraph import BlankNode, NamedNode, parse

from alaska_kg.errors import SourceNotFound, SourceSyntaxError
from alaska_kg.namespaces import GRAPH_NAMES, graph_iri
from alaska_kg.store import client as remote
from alaska_kg.syntaxes import RDF_SYNTAXES, SYNTAX_NAMES, syntax_of

ContentType = Literal["application/n-triples", "text/turtle"]
CONTENT_TYPES: tuple[str, ...] = get_args(ContentType)  # N-Triples is Turtle too: the same bytes serve both
DEFAULT_PUSH_TIMEOUT = 300.0  # seconds: the store parses and indexes a whole graph before it answers
UNION_DEFAULT_HINT = (
    "the data is in named graphs: a client that names no graph gets 0 rows unless the store's default graph "
    "is their union: start Oxigraph with `oxigraph serve --union-default-graph`; in Fuseki set "
    "`tdb2:unionDefaultGraph true` on the TDB2 dataset; or push again with --union-default-graph "
    "(a copy of every triple in the default graph)"
)


@dataclass(frozen=True)
class PushedGraph:
    """One PUT: the graph (None: the default graph), its triples, the store's status and the seconds."""

    graph: str | None
    triples: int
    status: int
    reason: str
    seconds: float


@dataclass(frozen=True)
class PushResult:
    """Every PUT of one push, in order, and the blank nodes that more than one graph shares."""

    dataset: Path
    endpoint: str
    graphs: tuple[PushedGraph, ...]
    shared_blank_nodes: int = 0


@dataclass
class _GraphFile:
    body: BinaryIO
    triples: int = 0
    size: int = 0


def _new_file(files: ExitStack) -> _GraphFile:
    """A fresh temporary file for one graph, closed when `files` is."""
    return _GraphFile(files.enter_context(tempfile.TemporaryFile()))


def _split_graphs(
    dataset: Path, files: ExitStack, union_default: bool = False
) -> tuple[dict[str | None, _GraphFile], int]:
    """One temporary N-Triples file per graph of the N-Quads file (closed with `files`), the default graph
    holding every triple with `union_default`, and the number of blank nodes found in more than one graph."""
    graphs: dict[str | None, _GraphFile] = {}
    for name in [graph_iri(name) for name in GRAPH_NAMES]:
        graphs[name] = _new_file(files)
    union = graphs[None] = _new_file(files)
    blank_graphs: dict[str, str | None] = {}
    shared: set[str] = set()
    try:
        syntax = syntax_of(dataset) or "nq"  # the build cache's file is N-Quads
        for quad in parse(path=str(dataset), format=RDF_SYNTAXES[syntax][0]):
            name = quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else None
            target = graphs.get(name)
            if target is None:
                target = graphs[name] = _new_file(files)
            line = f"{quad.subject} {quad.predicate} {quad.object} .\n".encode()
            for into in (target, union) if union_default and target is not union else (target,):
                into.body.write(line)
                into.triples += 1
                into.size += len(line)
            for term in (quad.subject, quad.object):
                if isinstance(term, BlankNode) and blank_graphs.setdefault(term.value, name) != name:
                    shared.add(term.value)
    except SyntaxError as exc:
        raise SourceSyntaxError(dataset, None, None, f"not valid {SYNTAX_NAMES[syntax]}: {exc}") from None
    except OSError as exc:
        raise SourceNotFound(f"{dataset}: cannot read the dataset: {exc}") from None
    return graphs, len(shared)


def _order(graph: str | None) -> tuple[int, str]:
    """The dataset's graphs in their usual order, then any other named graph, then the default graph."""
    known = [graph_iri(name) for name in GRAPH_NAMES]
    if graph in known:
        return 0, f"{known.index(graph):03d}"
    return (1, graph) if graph is not None else (2, "")


def push(
    dataset: Path,
    endpoint: str,
    *,
    content_type: ContentType = "application/n-triples",
    timeout: float = DEFAULT_PUSH_TIMEOUT,
    progress: Callable[[PushedGraph], None] | None = None,
    union_default: bool = False,
) -> PushResult:
    """PUT every graph of the N-Quads file `dataset` to the Graph Store endpoint `endpoint`, in order (the
    module docstring says which); `progress` hears of each graph once the store has taken it."""
    remote.check_endpoint(endpoint)
    remote.credentials()  # a malformed $ALASKA_KG_ENDPOINT_AUTH fails before the file is read
    pushed: list[PushedGraph] = []
    with ExitStack() as files:
        graphs, shared = _split_graphs(dataset, files, union_default)
        first = remote.with_params(endpoint, [("graph", graph_iri(GRAPH_NAMES[0]))])
        remote.log_in(
            first, timeout=timeout, shown_url=endpoint
        )  # credentials, if any, settled before a body
        for graph in sorted(graphs, key=_order):
            graph_file = graphs[graph]
            if graph is None and graph_file.triples == 0:
                continue
            graph_file.body.seek(0)
            started = time.perf_counter()
            response = remote.put_graph(
                endpoint, graph, graph_file.body, graph_file.size, content_type=content_type, timeout=timeout
            )
            done = PushedGraph(
                graph, graph_file.triples, response.status, response.reason, time.perf_counter() - started
            )
            pushed.append(done)
            if progress is not None:
                progress(done)
    return PushResult(dataset, endpoint, tuple(pushed), shared)


__all__ = [
    "CONTENT_TYPES",
    "DEFAULT_PUSH_TIMEOUT",
    "UNION_DEFAULT_HINT",
    "ContentType",
    "PushResult",
    "PushedGraph",
    "push",
]
