"""SPARQL 1.1 Protocol §2.1: read a query operation out of an HTTP request, or say precisely why not.

Three ways to send a query (§2.1.1 GET, §2.1.2 POST form, §2.1.3 POST direct) and the protocol dataset
(§2.1.4 `default-graph-uri`, `named-graph-uri`). The endpoint is read-only: an update operation (§2.2:
`update=`, `application/sparql-update`) is refused with 403 whatever it says. Everything is read as UTF-8,
strictly; what cannot be read is a 4xx with a one-line reason, never a guess.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import parse_qsl

from starlette.requests import Request

from alaska_kg.serve.negotiation import media_type

MAX_BODY = 1 << 20  # bytes of a POST body (a query, or a form holding one): 1 MiB
MAX_FIELDS = 200  # fields of a query string or a form
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
ALLOWED = "GET, HEAD, POST, OPTIONS"  # the methods of /sparql (OPTIONS: 204 saying so)
READ_ONLY = "this endpoint is read-only: SPARQL Update is refused (alaska-kg serve answers queries only)"


class ProtocolError(Exception):
    """A request the protocol does not allow: its HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class QueryOperation(NamedTuple):
    """A query and the protocol dataset sent with it (§2.1.4; both empty: the service's own dataset)."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def protocol_dataset(self) -> bool:
        """Whether the request names its dataset, which then replaces any FROM of the query (§2.1.4)."""
        return bool(self.default_graphs or self.named_graphs)


def fields(text: bytes, what: str) -> list[tuple[str, str]]:
    """`name=value&…` (application/x-www-form-urlencoded, as a URL's query string is) read as UTF-8."""
    try:
        return parse_qsl(
            text.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"{what} is not UTF-8 text (byte at {exc.start + 1} of a value)") from None
    except ValueError:
        raise ProtocolError(400, f"{what} has more than {MAX_FIELDS} fields") from None


async def body(request: Request) -> bytes:
    """The request body, refused (413) past MAX_BODY bytes before more is read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > MAX_BODY:
        raise ProtocolError(413, f"the request body is larger than {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ProtocolError(413, f"the request body is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8_charset(params: dict[str, str], kind: str) -> None:
    charset = params.get("charset")
    if charset is not None and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"{kind} must be UTF-8 (charset={charset!r} given)")


def _refuse_update(pairs: list[tuple[str, str]]) -> None:
    if any(name == "update" for name, _ in pairs):
        raise ProtocolError(403, READ_ONLY)


def _one_query(pairs: list[tuple[str, str]]) -> str | None:
    queries = [value for name, value in pairs if name == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} query parameters given; the protocol allows one")
    return queries[0] if queries else None


def _dataset(pairs: list[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    default = tuple(value for name, value in pairs if name == "default-graph-uri")
    named = tuple(value for name, value in pairs if name == "named-graph-uri")
    return default, named


async def read_operation(request: Request) -> QueryOperation | None:
    """The query operation of `request` (None: a GET that asks for no query, i.e. the service description).

    Raises ProtocolError: 405 for a method other than GET, HEAD and POST; 415 for a POST body that is
    neither a form nor `application/sparql-query` (or not UTF-8); 403 for any update; 400 for no query,
    two queries, or text that is not UTF-8; 413 for a body past MAX_BODY.
    """
    url_pairs = fields(request.scope.get("query_string", b""), "the query string")
    method = request.method
    if method in ("GET", "HEAD"):
        _refuse_update(url_pairs)
        query = _one_query(url_pairs)
        if query is None:
            return None
        return QueryOperation(query, *_dataset(url_pairs))
    if method != "POST":
        raise ProtocolError(
            405, f"method {method} is not allowed here: send a query by GET or POST", {"Allow": ALLOWED}
        )
    kind, params = media_type(request.headers.get("content-type"))
    if kind == SPARQL_UPDATE:
        raise ProtocolError(403, READ_ONLY)
    _refuse_update(url_pairs)
    if kind == FORM:
        _utf8_charset(params, "a form")
        form_pairs = fields(await body(request), "the form")
        _refuse_update(form_pairs)
        query = _one_query(form_pairs + url_pairs)
        if query is None:
            raise ProtocolError(400, "the form has no query field (query=…)")
        return QueryOperation(query, *_dataset(form_pairs + url_pairs))
    if kind == SPARQL_QUERY:
        _utf8_charset(params, "a query")
        if _one_query(url_pairs) is not None:
            raise ProtocolError(400, "a query in the body and another in the URL; send one")
        data = await body(request)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, f"the query is not UTF-8 text (byte {exc.start + 1})") from None
        return QueryOperation(text.removeprefix("\ufeff"), *_dataset(url_pairs))  # a UTF-8 BOM is no text
    shown = f"Content-Type {kind!r}" if kind else "no Content-Type"
    raise ProtocolError(
        415, f"a POST needs Content-Type {FORM} (query=…) or {SPARQL_QUERY} (the query itself); {shown} given"
    )


__all__ = [
    "ALLOWED",
    "FORM",
    "MAX_BODY",
    "READ_ONLY",
    "SPARQL_QUERY",
    "SPARQL_UPDATE",
    "ProtocolError",
    "QueryOperation",
    "body",
    "fields",
    "read_operation",
]
