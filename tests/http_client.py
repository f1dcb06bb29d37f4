"""A plain HTTP/1.1 client for the endpoint tests: sends exactly the method, path, headers and body given
(no Content-Type or Accept added), and returns status, headers and body."""

from __future__ import annotations

import http.client
from typing import NamedTuple
from urllib.parse import urlsplit


class HttpAnswer(NamedTuple):
    status: int
    headers: dict[str, str]  # names lowercased
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def send(
    base: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> HttpAnswer:
    """One request to `base` (http://host:port) on a fresh connection."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return HttpAnswer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()
