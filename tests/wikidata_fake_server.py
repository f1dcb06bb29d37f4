"""A scripted stand-in for the Wikidata Action API, served on 127.0.0.1 (a free port) from a thread.

It answers wbgetentities and wbsearchentities with JSON in the shapes the API documents, so that the
client and the link commands are tested without the network:

- a found item: {"type": "item", "id": "Q1", "labels": {"en": {"language": "en", "value": …}}, "aliases": …};
- a deleted one: {"id": "Q1", "missing": ""};
- a merged one (redirects=yes): the target entity under the *requested* id, with
  "redirects": {"from": "Q1", "to": "Q2"} and "id": "Q2";
- a search: {"searchinfo": {"search": …}, "search": [{"id", "label", "description", "match", …}],
  "success": 1}.

`script` queues raw answers (status, headers, body) served before the normal ones (a 429 with
Retry-After, a 503); `delay` makes every answer slower than a client's timeout. Every request is
recorded with its parameters, headers and arrival time, so a test can see the retries the client made.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_PATH = "/w/api.php"


def item(qid: str, label: str | None, aliases: Iterable[str] = (), description: str | None = None) -> dict:
    """A wbgetentities entity with English terms (props=info|labels|aliases|descriptions)."""
    entity: dict = {
        "type": "item",
        "id": qid,
        "pageid": 1,
        "ns": 0,
        "title": qid,
        "lastrevid": 1,
        "modified": "2026-11-30T00:00:00Z",
        "labels": {},
        "aliases": {},
        "descriptions": {},
    }
    if label is not None:
        entity["labels"]["en"] = {"language": "en", "value": label}
    if aliases:
        entity["aliases"]["en"] = [{"language": "en", "value": a} for a in aliases]
    if description is not None:
        entity["descriptions"]["en"] = {"language": "en", "value": description}
    return entity


def missing(qid: str) -> dict:
    """What wbgetentities answers for a deleted (or never created) item."""
    return {"id": qid, "missing": ""}


def redirect(source: str, target: str, label: str | None, aliases: Iterable[str] = ()) -> dict:
    """What wbgetentities (redirects=yes) answers under `source` when it was merged into `target`."""
    entity = item(target, label, aliases)
    entity["redirects"] = {"from": source, "to": target}
    return entity


def hit(qid: str, label: str, description: str | None = None, aliases: Iterable[str] = ()) -> dict:
    """One wbsearchentities result."""
    found: dict = {
        "id": qid,
        "title": qid,
        "pageid": 1,
        "display": {"label": {"value": label, "language": "en"}},
        "repository": "wikidata",
        "url": f"//www.wikidata.org/wiki/{qid}",
        "concepturi": f"http://www.wikidata.org/entity/{qid}",
        "label": label,
        "match": {"type": "label", "language": "en", "text": label},
    }
    if description is not None:
        found["description"] = description
    if aliases:
        found["aliases"] = list(aliases)
    return found


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    params: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival

    @property
    def action(self) -> str:
        return self.params.get("action", "")


@dataclass
class FakeWikidata:
    """The fake API; use as a context manager (or start()/stop())."""

    entities: dict[str, dict] = field(default_factory=dict)  # by the id a client asks for
    searches: dict[str, list[dict]] = field(default_factory=dict)  # by the search text
    script: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    delay: float = 0.0
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        assert self._server is not None, "the fake server is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{API_PATH}"

    def seen(self, action: str) -> list[Seen]:
        return [r for r in self.requests if r.action == action]

    def answer(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """The scripted answer if one is queued, else what the real API would say."""
        with self._lock:
            if self.script:
                return self.script.pop(0)
        action = params.get("action")
        if params.get("format") != "json":
            body: dict = {"error": {"code": "badformat", "info": "this fake speaks JSON only"}}
        elif action == "wbgetentities":
            ids = [i for i in params.get("ids", "").split("|") if i]
            if len(ids) > 50:
                body = {
                    "error": {"code": "toomanyvalues", "info": "Too many values supplied for ids (limit 50)"}
                }
            else:
                body = {"entities": {i: self.entities.get(i, missing(i)) for i in ids}, "success": 1}
        elif action == "wbsearchentities":
            text = params.get("search", "")
            limit = int(params.get("limit", "7"))
            body = {
                "searchinfo": {"search": text},
                "search": self.searches.get(text, [])[:limit],
                "success": 1,
            }
        else:
            body = {
                "error": {"code": "badvalue", "info": f"Unrecognized value for parameter action: {action}"}
            }
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode()

    def start(self) -> FakeWikidata:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query))
                with fake._lock:
                    fake.requests.append(Seen(params, dict(self.headers.items()), time.monotonic()))
                if fake.delay:
                    time.sleep(fake.delay)
                status, headers, body = (
                    fake.answer(params) if url.path == API_PATH else (404, {}, b"not found")
                )
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def log_message(self, format: str, *args: object) -> None:  # keep pytest's output clean
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-wikidata", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeWikidata:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def closed_port_url() -> str:
    """An API URL on 127.0.0.1 where nothing listens: connecting is refused, as when offline."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{API_PATH}"
