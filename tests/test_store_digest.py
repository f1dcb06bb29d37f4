"""The endpoint client's digest login (RFC 7616), against a fake Graph Store on 127.0.0.1 that, like
Virtuoso's `/sparql-graph-crud-auth`, accepts only digest credentials and challenges anything else, basic
included. (docs/architecture.md keeps this hand-written login over requests/httpx; these tests hold it to its
word.)"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from alaska_kg.errors import EndpointRefused
from alaska_kg.store import client
from loopback import serving

USER, PASSWORD, REALM, NONCE = "alice", "s3:cret", "fake", "dcd98b7102dd2f0e8b11d0f600bfb0c093"
BODY = b"<urn:a> <urn:b> <urn:c> .\n" * 40


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class _DigestOnly(BaseHTTPRequestHandler):
    """Accepts a request whose digest response is right for USER:PASSWORD (RFC 7616 §3.4.1, MD5, qop=auth);
    answers anything else 401 with a digest challenge. Records (method, Authorization scheme, body size)."""

    seen: list[tuple[str, str, int]]

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization") or ""
        self.seen.append((self.command, auth.split(" ", 1)[0], len(body)))
        fields = (
            dict(re.findall(r'(\w+)="?([^",]*)"?', auth[len("Digest ") :]))
            if auth.startswith("Digest ")
            else {}
        )
        if fields.get("username") == USER and fields.get("qop") == "auth":
            ha1 = _md5(f"{USER}:{REALM}:{PASSWORD}")
            ha2 = _md5(f"{self.command}:{fields.get('uri')}")
            expected = _md5(f"{ha1}:{NONCE}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
            if fields.get("response") == expected and fields.get("nonce") == NONCE:
                self.send_response(204)
                self.end_headers()
                return
        self.send_response(401)
        self.send_header(
            "WWW-Authenticate", f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm=MD5'
        )
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_PUT = _answer


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[tuple[str, str, int]]]]:
    seen: list[tuple[str, str, int]] = []
    handler = type("Handler", (_DigestOnly,), {"seen": seen})
    monkeypatch.setattr(client, "_OPENERS", {})  # a fresh login per test
    with serving(handler) as base:
        yield f"{base}/sparql-graph-crud-auth", seen


def _put(url: str) -> client.Response:
    return client.put_graph(url, "urn:g", io.BytesIO(BODY), len(BODY), content_type="application/n-triples")


def test_digest_login_then_puts_carry_the_credentials_up_front(
    store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the endpoint wants digest, then the login (a bodiless HEAD) takes the challenge, both PUTs are
    accepted with their whole body, each sent once and with digest credentials from the start, and basic
    credentials are never sent."""
    url, seen = store
    monkeypatch.setenv(client.AUTH_ENV_VAR, f"{USER}:{PASSWORD}")
    client.log_in(url, timeout=10)
    assert [_put(url).status, _put(url).status] == [204, 204]
    assert seen == [
        ("HEAD", "", 0),
        ("HEAD", "Digest", 0),
        ("PUT", "Digest", len(BODY)),
        ("PUT", "Digest", len(BODY)),
    ]


def test_digest_put_without_login_is_answered_after_one_challenge(
    store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a PUT meets the challenge itself, then its file body is sent again whole with the credentials."""
    url, seen = store
    monkeypatch.setenv(client.AUTH_ENV_VAR, f"{USER}:{PASSWORD}")
    assert _put(url).status == 204
    assert seen == [("PUT", "", len(BODY)), ("PUT", "Digest", len(BODY))]


def test_wrong_digest_password_is_refused_and_named(store, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the password is wrong, then the PUT fails with EndpointRefused (exit 31) naming the variable."""
    url, _ = store
    monkeypatch.setenv(client.AUTH_ENV_VAR, f"{USER}:wrong")
    with pytest.raises(EndpointRefused, match=rf"401 .*\${client.AUTH_ENV_VAR} were refused"):
        _put(url)
