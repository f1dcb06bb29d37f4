"""An HTTP client for SPARQL endpoints: the SPARQL 1.1 Protocol's query and the Graph Store Protocol's PUT.

Standard library only (urllib). The endpoint URL comes from the command line; credentials never do: they
are read from $ALASKA_KG_ENDPOINT_AUTH ("user:password"), and a URL carrying `user:password@` is refused.
They are sent when the server asks for them (a 401 with a challenge): HTTP basic authentication (RFC 7617),
then sent up front to the same endpoint for the rest of the run, or digest (RFC 7616), which Virtuoso's
`/sparql-graph-crud-auth` asks for and which refuses a request that came with basic credentials.
Redirects are not followed (urllib would send the request, credentials included, wherever a redirect
points): a 3xx is reported with its target, so that the user can give that URL. Every failure becomes
one of four errors, each with its own exit code: unreachable or no whole answer within the timeout (30),
4xx (31), 5xx (32), an unreadable answer or one larger than the cap (33). The timeout bounds each whole
exchange, not each socket read, and the answer is read up to a cap (alaska_kg.httpio): a server that
drips bytes or never stops cannot hold the command or fill the memory.
"""

from __future__ import annotations

import http.client
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from alaska_kg import __version__, httpio
from alaska_kg.display import one_line
from alaska_kg.errors import (
    EndpointAnswerError,
    EndpointFailed,
    EndpointRefused,
    EndpointUnreachable,
    UsageError,
)

AUTH_ENV_VAR = "ALASKA_KG_ENDPOINT_AUTH"
MAX_BYTES_ENV_VAR = "ALASKA_KG_ENDPOINT_MAX_BYTES"
DEFAULT_TIMEOUT = 60.0  # seconds for a whole exchange: request sent, answer read to its last byte
DEFAULT_MAX_BYTES = 256 * 2**20  # an answer's body; more is refused (exit 33); raise it with $…_MAX_BYTES
MAX_ERROR_BYTES = 2**16  # of an error answer's body: only its start is quoted
MAX_DETAIL = 200  # characters of an error answer's body quoted in a message
USER_AGENT = (
    f"alaska-kg/{__version__} (https://w3id.org/alaska-kg/) "
    f"Python-urllib/{sys.version_info.major}.{sys.version_info.minor}"
)


@dataclass(frozen=True)
class Response:
    """A 2xx answer: its status, reason phrase, media type (lower case, parameters dropped) and body."""

    status: int
    reason: str
    media_type: str
    body: bytes


def check_endpoint(url: str) -> str:
    """The endpoint URL, if it is an absolute http(s) URL without credentials or fragment; else UsageError."""
    if any(c.isspace() or not c.isprintable() for c in url):  # RFC 3986 §2: no spaces or controls in a URL
        raise UsageError(f"--endpoint {url!r}: a URL may not hold spaces or control characters (encode them)")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint {url!r}: expected an http:// or https:// URL of a SPARQL endpoint")
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            f"--endpoint: credentials do not belong in the URL (they would show in the process list "
            f"and the shell history); set {AUTH_ENV_VAR}=user:password instead"
        )
    if parts.fragment:
        raise UsageError(f"--endpoint {url!r}: a URL with a #fragment is not an endpoint")
    return url


def credentials() -> tuple[str, str] | None:
    """(user, password) from $ALASKA_KG_ENDPOINT_AUTH, or None if it is unset; UsageError if malformed."""
    value = os.environ.get(AUTH_ENV_VAR)
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise UsageError(f"${AUTH_ENV_VAR} must be user:password (the password itself may contain ':')")
    return user, password


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Turn every 3xx into an HTTPError instead of following it (and resending the credentials)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


class _Rewind(urllib.request.BaseHandler):
    """Rewind a file body before each attempt: a digest challenge makes urllib send the request again."""

    def http_request(self, request: urllib.request.Request) -> urllib.request.Request:
        if hasattr(request.data, "seek"):
            request.data.seek(0)  # type: ignore[union-attr]
        return request

    https_request = http_request


class _BasicAfterSuccess(urllib.request.HTTPBasicAuthHandler):
    """Basic credentials answer a challenge; once they have been accepted by an endpoint, they go up front
    to it. (Only then: an endpoint that took digest credentials must not get basic ones next time.)"""

    def http_response(self, req, response):  # type: ignore[no-untyped-def]
        sent = req.get_header("Authorization") or ""
        if sent.startswith("Basic ") and 200 <= response.code < 300:
            self.passwd.update_authenticated(req.full_url, True)
        return response

    https_response = http_response


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _DigestUpFront(urllib.request.HTTPDigestAuthHandler):
    """Digest credentials answer a challenge, and then go up front (same nonce, next count) to the server
    that made it, so that a large body is not first sent without them (the server would hang up on it)."""

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self.challenges: dict[str, dict[str, str]] = {}

    def retry_http_digest_auth(self, req, auth):  # type: ignore[no-untyped-def]
        challenge = auth.split(" ", 1)[1]
        parsed = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
        self.challenges[_origin(req.full_url)] = parsed
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        challenge = self.challenges.get(_origin(req.full_url))
        if challenge and not req.has_header("Authorization"):
            auth = self.get_authorization(req, challenge)
            if auth:
                req.add_unredirected_header("Authorization", f"Digest {auth}")
        return req

    https_request = http_request


_OPENERS: dict[tuple[str, str] | None, urllib.request.OpenerDirector] = {}


def _opener(url: str, login: tuple[str, str] | None) -> urllib.request.OpenerDirector:
    """One opener per run and login, holding the credentials for the endpoint URLs given, and no other."""
    if login not in _OPENERS:
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect(), _Rewind(), *httpio.handlers()]
        if login is not None:
            passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
            handlers += [_BasicAfterSuccess(passwords), _DigestUpFront(passwords)]
        _OPENERS[login] = urllib.request.build_opener(*handlers)
    opener = _OPENERS[login]
    if login is not None:
        for handler in opener.handlers:
            passwords = getattr(handler, "passwd", None)
            if passwords is not None and passwords.find_user_password(None, url) == (None, None):
                passwords.add_password(None, url, *login)
    return opener


def with_params(url: str, params: Iterable[tuple[str, str]]) -> str:
    """`url` with URL-encoded parameters added to its query string (after any it already has)."""
    encoded = urllib.parse.urlencode(list(params))
    if not encoded:
        return url
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + encoded


def max_bytes() -> int:
    """The cap on an answer's body: $ALASKA_KG_ENDPOINT_MAX_BYTES, else DEFAULT_MAX_BYTES."""
    return httpio.cap_from_env(MAX_BYTES_ENV_VAR, DEFAULT_MAX_BYTES)


def _detail(body: bytes) -> str:
    """The start of an error answer's body, on one line, control characters escaped (servers explain a
    4xx/5xx there)."""
    text = one_line(body.decode("utf-8", errors="replace"))
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def _http_error(exc: urllib.error.HTTPError, what: str, url: str, auth: bool) -> Exception:
    try:
        body = exc.read(MAX_ERROR_BYTES)
    except (OSError, http.client.HTTPException):
        body = b""
    answered = f"{what} at {url}: the endpoint answered {exc.code} {exc.reason}"
    detail = _detail(body)
    if 300 <= exc.code < 400:
        target = exc.headers.get("Location") if exc.headers else None
        target = one_line(target) if target else None
        hint = f"a redirect to {target}; give that URL as --endpoint" if target else "a redirect"
        return EndpointRefused(f"{answered} ({hint})")
    if exc.code in (401, 403):
        hint = (
            f"the credentials in ${AUTH_ENV_VAR} were refused"
            if auth
            else f"set ${AUTH_ENV_VAR}=user:password if the endpoint needs a login"
        )
        return EndpointRefused(f"{answered} ({hint})" + (f": {detail}" if detail else ""))
    error = EndpointFailed if exc.code >= 500 else EndpointRefused
    return error(answered + (f": {detail}" if detail else ""))


def _network_error(reason: object, what: str, url: str, timeout: float) -> EndpointUnreachable:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        why = f"no answer within {timeout:g} s (--timeout)"
    elif isinstance(reason, socket.gaierror):
        why = f"unknown host ({reason.strerror or reason})"
    elif isinstance(reason, ConnectionRefusedError):
        why = "connection refused (is the server running, on that port?)"
    elif isinstance(reason, OSError) and reason.strerror:
        why = reason.strerror[0].lower() + reason.strerror[1:]
    else:
        why = str(reason) or type(reason).__name__
    return EndpointUnreachable(f"{what} at {url}: cannot reach the endpoint: {why}")


def _late(what: str, url: str, timeout: float) -> EndpointUnreachable:
    """The whole answer did not come within the timeout (it bounds the exchange, not each socket read)."""
    return _network_error(TimeoutError(), what, url, timeout)


def send(
    method: str,
    url: str,
    *,
    what: str,
    body: bytes | BinaryIO | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    shown_url: str | None = None,
) -> Response:
    """One HTTP request; a 2xx comes back as a Response, anything else raises an Endpoint… error.

    `what` names the operation in messages ("query 'participants'"); `shown_url` is the URL they show.
    The whole exchange must end within `timeout` seconds, and the answer's body is read up to max_bytes().
    """
    shown = shown_url or url
    login = credentials()
    cap = max_bytes()
    opener = _opener(url, login)
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("User-Agent", USER_AGENT)
    for name, value in (headers or {}).items():
        request.add_header(name, value)

    def too_large(why: str) -> EndpointAnswerError:
        return EndpointAnswerError(f"{what} at {shown}: {why} (raise it with ${MAX_BYTES_ENV_VAR})")

    failure: Exception | None = None
    with httpio.Deadline(timeout) as deadline:  # an HTTPError's body, too, is read under the deadline
        try:
            with opener.open(request, timeout=timeout) as answer:
                data = httpio.read_body(answer, cap, too_large)
                media_type = (answer.headers.get_content_type() or "").lower()
                status, reason = answer.status, answer.reason
        except urllib.error.HTTPError as exc:
            failure = _http_error(exc, what, shown, login is not None)
        except urllib.error.URLError as exc:
            failure = _network_error(exc.reason, what, shown, timeout)
        except (OSError, http.client.HTTPException) as exc:  # timeout or broken connection while reading
            failure = _network_error(exc, what, shown, timeout)
    if deadline.expired:  # whatever came of it, the connection was shut: the answer may be cut short
        raise _late(what, shown, timeout)
    if failure is not None:
        raise failure
    return Response(status, reason, media_type, data)


def log_in(url: str, *, timeout: float = DEFAULT_TIMEOUT, shown_url: str | None = None) -> None:
    """With credentials set, let the endpoint ask for them on a bodiless HEAD (Graph Store Protocol §5.4),
    so that the PUTs that follow carry them from the start: a server that refuses a request answers 401
    before it reads the body, and hangs up on the rest of it. Any answer but 401/403 will do."""
    login = credentials()
    if login is None:
        return
    shown = shown_url or url
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": USER_AGENT})
    failure: Exception | None = None
    with httpio.Deadline(timeout) as deadline:
        try:
            with _opener(url, login).open(request, timeout=timeout):
                pass
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                failure = _http_error(exc, "login", shown, True)
        except urllib.error.URLError as exc:
            failure = _network_error(exc.reason, "login", shown, timeout)
        except (OSError, http.client.HTTPException) as exc:
            failure = _network_error(exc, "login", shown, timeout)
    if deadline.expired:
        raise _late("login", shown, timeout)
    if failure is not None:
        raise failure


def query(
    url: str,
    text: str,
    *,
    what: str,
    accept: str,
    default_graphs: Iterable[str] = (),
    named_graphs: Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
) -> Response:
    """SPARQL 1.1 Protocol §2.1.2: query via POST with URL-encoded parameters.

    `default_graphs` and `named_graphs` become `default-graph-uri` and `named-graph-uri` parameters
    (§2.1.4): the query's default graph is then the RDF merge of the first, and GRAPH sees only the
    second, whatever else the server holds. A protocol dataset replaces the query's FROM clauses.
    """
    form = [
        ("query", text),
        *(("default-graph-uri", g) for g in default_graphs),
        *(("named-graph-uri", g) for g in named_graphs),
    ]
    return send(
        "POST",
        url,
        what=what,
        body=urllib.parse.urlencode(form).encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        timeout=timeout,
    )


def put_graph(
    url: str,
    graph: str | None,
    body: BinaryIO,
    length: int,
    *,
    content_type: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> Response:
    """SPARQL 1.1 Graph Store HTTP Protocol §5.3: HTTP PUT, replacing the graph `graph` (None: the default
    graph) named by indirect identification (§4.2: `?graph=IRI`, or `?default`)."""
    if graph is not None:
        target = with_params(url, [("graph", graph)])
    else:
        target = url + ("&" if urllib.parse.urlsplit(url).query else "?") + "default"
    shown = f"<{graph}>" if graph is not None else "the default graph"
    return send(
        "PUT",
        target,
        what=f"PUT of {shown}",
        body=body,
        headers={"Content-Type": content_type, "Content-Length": str(length)},
        timeout=timeout,
        shown_url=url,
    )


__all__ = [
    "AUTH_ENV_VAR",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_BYTES_ENV_VAR",
    "Response",
    "check_endpoint",
    "credentials",
    "log_in",
    "max_bytes",
    "put_graph",
    "query",
    "send",
    "with_params",
]
