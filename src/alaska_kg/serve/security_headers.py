"""Headers every response of `alaska-kg serve` carries, as defence in depth (red-team review, 2026-12-02):
no response is sniffed into another type (`X-Content-Type-Options: nosniff`: a text/plain error quoting an
attacker's `<script>` stays text), and an HTML page loads nothing but this server's own scripts, styles
and data, and may not be framed by another site (Content-Security-Policy, X-Frame-Options).

The vendored YASGUI editor (/query) needs inline styles (CodeMirror and YASGUI set them) and `data:`
images and fonts; it runs no inline script, and its queries go to this server only (`connect-src 'self'`).
Checked in a real browser by tests/test_pages_browser.py. A response that sets its own policy (the SVG
pictures: no script at all) keeps it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HTML_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
EVERY_RESPONSE = ((b"x-content-type-options", b"nosniff"),)
HTML_ONLY = ((b"content-security-policy", HTML_POLICY.encode("ascii")), (b"x-frame-options", b"DENY"))


class SecurityHeaders:
    """ASGI middleware adding EVERY_RESPONSE to each response, and HTML_ONLY to HTML ones."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                content_type = next(
                    (value for name, value in headers if name.lower() == b"content-type"), b""
                )
                added = EVERY_RESPONSE + (HTML_ONLY if content_type.lower().startswith(b"text/html") else ())
                headers.extend((name, value) for name, value in added if name not in names)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


__all__ = ["HTML_POLICY", "SecurityHeaders"]
