"""The `alaska-kg push` command: upload the dataset's graphs to a triple store (Graph Store Protocol).

The store wing (`alaska_kg.store`, with the HTTP client) is imported only when the command runs, so that
registering it keeps `alaska-kg --help` and the query path light.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from alaska_kg.cli.sources import make_dataset, sources
from alaska_kg.display import printable
from alaska_kg.paths import ROOT_HELP
from alaska_kg.query.dataset import dataset_path

PROG = "alaska-kg"
PUSH_TIMEOUT = 300.0  # = alaska_kg.store.push.DEFAULT_PUSH_TIMEOUT
PUSH_CONTENT_TYPES = ("application/n-triples", "text/turtle")  # = alaska_kg.store.push.CONTENT_TYPES


def _push(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Upload every graph of the dataset to a Graph Store Protocol endpoint, one PUT each."""
    from alaska_kg.namespaces import GRAPH_BASE
    from alaska_kg.store.client import check_endpoint
    from alaska_kg.store.push import PushedGraph, push

    check_endpoint(args.endpoint)

    def announce(message: str) -> None:
        print(f"{PROG}: {printable(message)}…", file=err, flush=True)  # it may quote a path

    path, _ = dataset_path(sources(args, err), args.dataset, announce, make_dataset)
    print(f"{PROG}: pushing {path} to {args.endpoint} ({args.content_type}, one PUT per graph)", file=out)

    def progress(done: PushedGraph) -> None:
        name = "(default)" if done.graph is None else done.graph.removeprefix(GRAPH_BASE)
        line = f"  {name:<10} {done.triples:>8} triples  {done.status} {done.reason}  {done.seconds:.2f}s"
        print(line, file=out, flush=True)

    result = push(
        path,
        args.endpoint,
        content_type=args.content_type,
        timeout=args.timeout,
        progress=progress,
        union_default=args.union_default_graph,
    )
    total = sum(g.triples for g in result.graphs)
    print(f"  {len(result.graphs)} graphs, {total} triples", file=out)
    if args.union_default_graph:
        print("  the default graph holds a copy of every triple (--union-default-graph)", file=out)
    else:
        from alaska_kg.store.push import UNION_DEFAULT_HINT

        print(f"  note: {UNION_DEFAULT_HINT}", file=out)
    if result.shared_blank_nodes:
        print(
            f"{PROG}: warning: {result.shared_blank_nodes} blank node(s) occur in more than one graph; "
            "each PUT gives them new identities, so the store holds them as distinct nodes",
            file=err,
        )
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    push = commands.add_parser(
        "push",
        help="upload the dataset's graphs to a triple store",
        description="Replace each named graph of the built dataset in a triple store with one SPARQL 1.1 "
        "Graph Store HTTP Protocol PUT (URL?graph=IRI). A login (HTTP basic or digest), if asked, comes from "
        "$ALASKA_KG_ENDPOINT_AUTH=user:password, never from the command line.",
    )
    push.add_argument(
        "--endpoint",
        metavar="URL",
        required=True,
        help="the Graph Store endpoint, e.g. http://localhost:7878/store (Oxigraph), "
        "http://localhost:3030/ds/data (Fuseki), http://localhost:8890/sparql-graph-crud (Virtuoso)",
    )
    push.add_argument(
        "--content-type",
        choices=PUSH_CONTENT_TYPES,
        default=PUSH_CONTENT_TYPES[0],
        help="media type of the bodies (N-Triples, which is also Turtle; default: application/n-triples)",
    )
    push.add_argument(
        "--timeout",
        type=float,
        default=PUSH_TIMEOUT,
        metavar="SECONDS",
        help=f"give up on a PUT not answered in full within SECONDS (default: {PUSH_TIMEOUT:g})",
    )
    push.add_argument(
        "--union-default-graph",
        action="store_true",
        help="also PUT a copy of every triple into the default graph, for clients that name no graph and "
        "stores that cannot make the default graph the union of the named graphs",
    )
    push.add_argument(
        "--dataset",
        metavar="FILE.nq",
        default=None,
        help="push this N-Quads dataset (default: the build cache, built if missing)",
    )
    push.add_argument("--debug", action="store_true", help="show a traceback on error")
    push.add_argument("--root", default=None, metavar="DIR", help=ROOT_HELP)
    push.set_defaults(handler=_push)


__all__ = ["register"]
