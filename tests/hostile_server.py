"""A hostile HTTP server on 127.0.0.1 (a free port, a thread): answers that try to drive the terminal, never
end, claim a terabyte, drip one byte at a time or nest JSON a hundred thousand deep.

Each path is one behaviour; GET and POST are answered alike, so the same server stands in for a SPARQL
endpoint, the target of a SERVICE call and the Wikidata API. Use as a context manager; `stop()` ends
every answer still being written.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# OSC 0 (set the window title, ended by BEL), SGR 31 (red), a right-to-left override, DEL and a C1 CSI
TERMINAL_ATTACK = "\x1b]0;pwned\x07 \x1b[31mred \u202egnp.exe \x7f\x9b"
DRIP_PAUSE = 0.5  # seconds between two bytes: far below any per-read timeout the tests use

_ESC_RESULTS = {
    "head": {"vars": ["x"]},
    "results": {"bindings": [{"x": {"type": "literal", "value": TERMINAL_ATTACK}}]},
}
_HTML_500 = (
    f"<html>\n<head><title>500 {TERMINAL_ATTACK}</title></head>\n<body>\n"
    + "".join(f"<p>line {n}</p>\n" for n in range(11))
    + "</body>\n</html>\n"
)


def _deep_json(depth: int) -> bytes:
    return b'{"entities": ' + b"[" * depth + b"]" * depth + b"}"


class HostileServer:
    """The server; `url(path)` is the address of one behaviour (see `_Handler.answer`)."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        assert self._server is not None, "the hostile server is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def start(self) -> HostileServer:
        owner = self

        class Handler(_Handler):
            server_owner = owner

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    server_owner: HostileServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            self.answer(self.path.partition("?")[0])

    do_POST = do_GET

    def _whole(self, status: int, media_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _until_stopped(self, write_one: bytes, pause: float) -> None:
        while not self.server_owner.stopping.is_set():
            self.wfile.write(write_one)
            self.wfile.flush()
            if pause:
                time.sleep(pause)

    def answer(self, path: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if path == "/esc":  # SPARQL JSON results whose literal drives a terminal
            self._whole(200, "application/sparql-results+json", json.dumps(_ESC_RESULTS).encode())
        elif path == "/html-500":  # a server error explained in 15 lines of HTML, one with escapes
            self._whole(500, "text/html", _HTML_500.encode())
        elif path == "/redirect":  # a redirect (to itself): the SPARQL client follows none
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/latin1-500":  # a server error whose body is not UTF-8
            self._whole(500, "text/plain", "Erreur: base indisponible, réessayez".encode("latin-1"))
        elif path == "/terabyte":  # declares 10^12 bytes, sends a few, then waits
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(10**12))
            self.end_headers()
            self.wfile.write(b'{"head": ')
            self.wfile.flush()
            self.server_owner.stopping.wait()
        elif path == "/endless":  # no length, a body that never ends
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self._until_stopped(b'{"entities": "' + b"x" * 65536, 0)
        elif path == "/drip-body":  # the headers at once, then one byte every DRIP_PAUSE seconds
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.flush()
            self._until_stopped(b" ", DRIP_PAUSE)
        elif path == "/drip-headers":  # the status line itself, one byte at a time, never finished
            self._until_stopped(b"H", DRIP_PAUSE)
        elif path == "/deep-json":  # valid JSON, nested 100000 deep
            self._whole(200, "application/json", _deep_json(100_000))
        elif path == "/wikidata-error":  # the API refuses, its message on several lines with escapes
            body = {"error": {"code": "bad\nvalue", "info": f"Unrecognized\nvalue {TERMINAL_ATTACK}"}}
            self._whole(200, "application/json", json.dumps(body).encode())
        else:
            self._whole(404, "text/plain", b"not found")
