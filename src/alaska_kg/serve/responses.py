"""How the endpoint's answers and errors go out: an error is one printable line of text/plain."""

from __future__ import annotations

from starlette.responses import Response

from alaska_kg.display import one_line
from alaska_kg.serve.answers import Reply

MAX_MESSAGE = 1000  # characters of an error line; a longer one (quoting a huge input) is cut
_TEXT_TYPES = ("text/", "application/sparql-results+", "application/n-triples", "application/ld+json")


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """`message` as one line (display.one_line: control characters escaped), cut at MAX_MESSAGE."""
    line = one_line(message) or f"HTTP status {status}"  # never an empty error
    if len(line) > MAX_MESSAGE:
        line = line[: MAX_MESSAGE - 1] + "…"
    return Response(line + "\n", status_code=status, media_type="text/plain", headers=headers)


def reply_response(reply: Reply, max_rows: int | None) -> Response:
    """A Reply as a response; a cut answer says so in `X-SPARQL-MaxRows` (as Virtuoso does)."""
    if reply.status != 200:
        headers = {"Retry-After": str(reply.retry_after)} if reply.retry_after is not None else None
        return error_response(reply.status, reply.body.decode("utf-8", "replace"), headers)
    media = reply.media_type
    if media.startswith(_TEXT_TYPES) or media == "application/rdf+xml":
        media += "; charset=utf-8"
    headers = {"X-SPARQL-MaxRows": str(max_rows)} if reply.cut and max_rows is not None else None
    response = Response(reply.body, status_code=200, headers=headers)
    response.headers["content-type"] = media
    return response


__all__ = ["MAX_MESSAGE", "error_response", "reply_response"]
