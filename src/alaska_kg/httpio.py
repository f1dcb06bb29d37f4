"""Bound one HTTP exchange (urllib) in time and size: an overall deadline and a cap on the answer's bytes.

urllib's `timeout` bounds each socket operation, not the exchange: a server that sends one byte per second
never trips it, and holds the client for ever. `Deadline` is the overall bound: the sockets opened while it
is active (through the handlers below) are shut down when it expires, which ends any read blocked on them;
the caller then sees a broken or short answer and asks `deadline.expired` what happened. `read_body` reads
an answer in chunks and stops at a cap, whatever Content-Length says (`Content-Length: 10^12` would
otherwise be a 10^12-byte allocation, an endless body an endless one).

Used by the endpoint client (store.client) and the Wikidata client (wikidata.client); each turns
the two failures into its own error and exit code. The caps can be raised from the environment
(`cap_from_env`), for an endpoint or a mirror that answers more than the defaults allow.
"""

from __future__ import annotations

import contextlib
import contextvars
import http.client
import os
import socket
import threading
import urllib.request
from collections.abc import Callable
from typing import BinaryIO

from alaska_kg.errors import AlaskaKgError, UsageError

CHUNK = 1 << 16
_ACTIVE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("alaska_kg_deadline", default=None)


class Deadline:
    """`with Deadline(seconds):` every connection the handlers below open inside the block is shut down
    `seconds` after the block was entered; `expired` then says so."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._token: contextvars.Token[Deadline | None] | None = None

    def __enter__(self) -> Deadline:
        self._token = _ACTIVE.set(self)
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        if self._token is not None:
            _ACTIVE.reset(self._token)
        with self._lock:
            self._sockets.clear()

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down when the deadline expires (at once, if it already has)."""
        with self._lock:
            self._sockets.append(sock)
            if not self.expired:
                return
        _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Shut the connection down in both directions: a recv blocked on it in another thread returns at once.
    (socket.socket.shutdown, not SSLSocket.shutdown, which would also drop the TLS state under the reader.)"""
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_WATCHED: dict[type, type] = {}


def _watched(connection_class: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
    """`connection_class`, whose socket, once connected, is watched by the active Deadline (if any)."""
    if connection_class not in _WATCHED:

        class Watched(connection_class):  # type: ignore[valid-type,misc]
            def connect(self) -> None:
                super().connect()
                deadline = _ACTIVE.get()
                if deadline is not None and self.sock is not None:
                    deadline.watch(self.sock)

        Watched.__name__ = f"Watched{connection_class.__name__}"
        _WATCHED[connection_class] = Watched
    return _WATCHED[connection_class]


class HTTPHandler(urllib.request.HTTPHandler):
    """urllib's http:// handler, its connections under the active Deadline."""

    def do_open(self, http_class, req, **kwargs):  # type: ignore[no-untyped-def,override]
        return super().do_open(_watched(http_class), req, **kwargs)


class HTTPSHandler(urllib.request.HTTPSHandler):
    """urllib's https:// handler, its connections under the active Deadline (the TLS handshake itself is
    bounded by the per-operation timeout only)."""

    def do_open(self, http_class, req, **kwargs):  # type: ignore[no-untyped-def,override]
        return super().do_open(_watched(http_class), req, **kwargs)


def handlers() -> list[urllib.request.BaseHandler]:
    """The two handlers to give `urllib.request.build_opener`, in place of its default ones."""
    return [HTTPHandler(), HTTPSHandler()]


def cap_from_env(variable: str, default: int) -> int:
    """The byte cap in $`variable` (a positive integer), else `default`; UsageError if it is not one."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise UsageError(f"${variable} must be a positive number of bytes, not {value!r}")
    return int(value)


def read_body(answer: BinaryIO, cap: int, too_large: Callable[[str], AlaskaKgError]) -> bytes:
    """The whole body of `answer` (an HTTP response), at most `cap` bytes; more raises `too_large(why)`.

    A declared Content-Length over the cap is refused before a byte of the body is read; without one
    (or when it lies), the reading stops at the first byte past the cap.
    """
    headers = getattr(answer, "headers", None)
    declared = headers.get("Content-Length") if headers is not None else None
    if declared is not None and declared.strip().isdigit() and int(declared) > cap:
        raise too_large(f"the answer declares {int(declared)} bytes, more than the cap of {cap} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = answer.read(min(CHUNK, cap + 1 - size))
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > cap:
            raise too_large(f"the answer is longer than the cap of {cap} bytes")
        chunks.append(chunk)


__all__ = ["Deadline", "HTTPHandler", "HTTPSHandler", "cap_from_env", "handlers", "read_body"]
