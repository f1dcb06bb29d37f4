"""`alaska-kg serve`: the built dataset as a read-only SPARQL endpoint (and pages), until Ctrl-C.

Builds the dataset first if the cache has none (as `query` does), binds before it says where it listens
(so a port in use is a one-line error, and `--port 0` prints the port it got), then runs Uvicorn.
"""

from __future__ import annotations

import argparse
import socket
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import uvicorn

from alaska_kg import __version__
from alaska_kg.cli.query import _common, _open, _row_cap, _seconds
from alaska_kg.cli.sources import sources
from alaska_kg.display import printable
from alaska_kg.errors import UsageError

PROG = "alaska-kg"
SHUTDOWN_GRACE = 3  # seconds the server waits for answers in flight once told to stop
# Uvicorn's limits on clients (a public server still belongs behind a reverse proxy: docs/publishing.md)
KEEP_ALIVE = 5  # seconds an idle connection stays open
MAX_CONNECTIONS = 1000  # connections and tasks at once; more are answered 503
MAX_INCOMPLETE_EVENT = 64 << 10  # bytes of request line and headers not yet complete (h11)


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port and listening; UsageError (exit 2) naming them if it cannot be."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"--host {host!r}: not an address to listen on ({exc})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(False)
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def uvicorn_config(app: object) -> uvicorn.Config:
    """How Uvicorn serves `app`: quiet, with limits on idle, slow and too many clients (a server on the
    open internet still belongs behind a reverse proxy with its own timeouts: docs/publishing.md)."""
    import uvicorn

    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
        timeout_keep_alive=KEEP_ALIVE,
        limit_concurrency=MAX_CONNECTIONS,
        h11_max_incomplete_event_size=MAX_INCOMPLETE_EVENT,
        server_header=False,
    )


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import uvicorn

    from alaska_kg.serve.app import make_app
    from alaska_kg.serve.state import ServeConfig, ServeState

    if args.cors is not None and not args.cors.strip():
        raise UsageError("--cors needs an origin, such as https://example.org (or * for any)")
    layout = sources(args, err)
    dataset = _open(args, layout, err)
    config = ServeConfig(
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows or 0,
        cors_origin=args.cors,
        allow_service=args.allow_service,
        max_memory=args.max_memory << 20,
        max_answer=args.max_answer_size << 20,
        public_url=args.public_url,
    )
    app = make_app(
        ServeState(dataset, layout, config), cache_bytes=args.cache_size << 20, workers=args.workers
    )
    sock = listening_socket(args.host, args.port)
    url = base_url(sock)
    print(f"{PROG} {__version__}: serving {printable(str(dataset.path))}", file=out)
    print(f"  home:            {url}/", file=out)
    print(f"  SPARQL endpoint: {url}/sparql", file=out)
    print(f"  canned queries:  {url}/queries", file=out)
    workers = app.state.query_pool.size
    print(
        f"  read-only; {workers} queries at once, {args.timeout:g} s each; Ctrl-C stops it",
        file=out,
        flush=True,
    )
    server = uvicorn.Server(uvicorn_config(app))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # Uvicorn stops gracefully on Ctrl-C, then raises it again
        pass
    finally:
        sock.close()
    print(f"{PROG}: stopped", file=err, flush=True)
    return 0


def _port(text: str) -> int:
    """argparse type of --port: 0 (any free port) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return int(text)


def _workers(text: str) -> int:
    """argparse type of --workers: 1 to 256."""
    if not text.isdigit() or not 1 <= int(text) <= 256:
        raise argparse.ArgumentTypeError(f"not a number of workers (1-256): {text!r}")
    return int(text)


def _mebibytes(text: str) -> int:
    """argparse type of --cache-size, --max-memory, --max-answer-size: a whole number of MiB, 0 or more."""
    if not text.isdigit() or int(text) > 1 << 20:
        raise argparse.ArgumentTypeError(f"not a size in MiB (0 or more): {text!r}")
    return int(text)


def _public_url(text: str) -> str:
    """argparse type of --public-url: an absolute http(s) URL without query or fragment."""
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"not an http(s) URL without ?query or #fragment: {text!r}")
    return text.rstrip("/")


def register(commands: argparse._SubParsersAction) -> None:
    """Add `serve` to the `alaska-kg` parser."""
    from alaska_kg.serve.answer_cache import DEFAULT_CACHE_BYTES
    from alaska_kg.serve.state import (
        DEFAULT_HOST,
        DEFAULT_MAX_ANSWER,
        DEFAULT_MAX_MEMORY,
        DEFAULT_MAX_ROWS,
        DEFAULT_PORT,
        DEFAULT_TIMEOUT,
    )

    serve = commands.add_parser(
        "serve",
        help="serve the dataset: a read-only SPARQL endpoint and pages",
        description="Serve the built dataset (built first if needed) over HTTP until Ctrl-C: a read-only "
        "SPARQL 1.1 Protocol endpoint at /sparql (the union of the dataset's graphs as default graph; "
        "updates refused), the canned queries at /queries, and the pages.",
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only; 0.0.0.0 for every network)",
    )
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0: any free one)"
    )
    serve.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a query that runs longer; the client gets 503 (default: {DEFAULT_TIMEOUT:g})",
    )
    serve.add_argument(
        "--max-rows",
        type=_row_cap,
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"answer with at most N solutions or triples, saying so in the X-SPARQL-MaxRows header; "
        f"0: no limit (default: {DEFAULT_MAX_ROWS})",
    )
    serve.add_argument(
        "--workers",
        type=_workers,
        default=None,
        metavar="N",
        help="query worker processes, i.e. queries run at once; the others wait their turn within their "
        "deadline (default: two per core, at least 4)",
    )
    serve.add_argument(
        "--cache-size",
        type=_mebibytes,
        default=DEFAULT_CACHE_BYTES >> 20,
        metavar="MiB",
        help="keep answers for identical requests (the dataset does not change while served) up to this "
        f"size; 0: off (default: {DEFAULT_CACHE_BYTES >> 20})",
    )
    serve.add_argument(
        "--max-memory",
        type=_mebibytes,
        default=DEFAULT_MAX_MEMORY >> 20,
        metavar="MiB",
        help="memory one query may use (in its worker, beyond the loaded dataset); a query needing more "
        f"is stopped and the client gets 503; 0: no limit (default: {DEFAULT_MAX_MEMORY >> 20})",
    )
    serve.add_argument(
        "--max-answer-size",
        type=_mebibytes,
        default=DEFAULT_MAX_ANSWER >> 20,
        metavar="MiB",
        help=f"largest answer sent; a larger one is refused with 503; 0: no limit "
        f"(default: {DEFAULT_MAX_ANSWER >> 20})",
    )
    serve.add_argument(
        "--public-url",
        type=_public_url,
        default=None,
        metavar="URL",
        help="the server's URL as clients reach it (behind a proxy: https://example.org/kg), used for the "
        "service description's sd:endpoint and as base IRI of queries; default: each request's Host header",
    )
    serve.add_argument(
        "--cors",
        metavar="ORIGIN",
        default=None,
        help="let web pages from ORIGIN (or * for any) query the endpoint (CORS); off by default",
    )
    serve.add_argument(
        "--allow-service",
        action="store_true",
        help="let queries use SERVICE to call remote SPARQL endpoints (refused by default). Warning: "
        "any client can then make the server send requests to any host it can reach, including this "
        "machine and private addresses (docs/security.md)",
    )
    _common(serve)
    serve.set_defaults(handler=_serve)


__all__ = ["base_url", "listening_socket", "register", "uvicorn_config"]
