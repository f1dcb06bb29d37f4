"""A small client for the Wikidata Action API (wbgetentities, wbsearchentities): standard library only.

Only `alaska-kg link check` and `link suggest` use it; nothing else in the package touches the network.
It follows the API etiquette of Wikimedia: a descriptive User-Agent (https://meta.wikimedia.org/wiki/
User-Agent_policy), at most 50 ids per wbgetentities request (the limit for clients without a bot flag),
one request at a time, and a pause before retrying when the server says 429 (honouring Retry-After) or
fails with a 5xx. The base URL comes from $ALASKA_KG_WIKIDATA_API, so that tests can point it at a local
server and never at the real API. Each request must be answered in full within the timeout (an overall
deadline, not a per-read one) and in at most $ALASKA_KG_WIKIDATA_MAX_BYTES bytes (alaska_kg.httpio);
an answer that breaks either, or whose JSON nests too deeply to read, is a WikidataError (exit 21).
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Literal

from alaska_kg import __version__, httpio
from alaska_kg.display import one_line
from alaska_kg.errors import WikidataError, WikidataUnreachable

API_ENV_VAR = "ALASKA_KG_WIKIDATA_API"
MAX_BYTES_ENV_VAR = "ALASKA_KG_WIKIDATA_MAX_BYTES"
DEFAULT_MAX_BYTES = 16 * 2**20  # one answer: 50 items' English terms are tens of kilobytes
DEFAULT_API_URL = "https://www.wikidata.org/w/api.php"
BATCH_SIZE = (
    50  # wbgetentities: "Maximum number of values is 50 (500 for clients that are allowed higher limits)"
)
DEFAULT_TIMEOUT = 10.0  # seconds, per request, for the whole answer
DEFAULT_RETRIES = 4  # after the first attempt, for 429 and 5xx answers only
DEFAULT_BACKOFF = (
    1.0  # seconds before the first retry when the server gives no Retry-After; doubles each time
)
MAX_WAIT = 60.0  # never sleep longer than this between two attempts, whatever Retry-After asks
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

USER_AGENT = (
    f"alaska-kg/{__version__} (https://w3id.org/alaska-kg/; checks the knowledge graph's links to Wikidata) "
    f"Python-urllib/{sys.version_info.major}.{sys.version_info.minor}"
)

ItemState = Literal["found", "redirect", "missing"]


def api_url_from_env() -> str:
    """$ALASKA_KG_WIKIDATA_API, else the public endpoint https://www.wikidata.org/w/api.php."""
    return os.environ.get(API_ENV_VAR) or DEFAULT_API_URL


@dataclass(frozen=True)
class Item:
    """What wbgetentities says about one requested id: its English terms, or that it moved or is gone."""

    requested: str
    state: ItemState
    qid: str  # the item that answered: the redirect's target for "redirect", else the requested id
    label: str | None = None
    aliases: tuple[str, ...] = ()
    description: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The English label followed by the English aliases."""
        return ((self.label,) if self.label else ()) + self.aliases


@dataclass(frozen=True)
class SearchHit:
    """One result of wbsearchentities, in the order the API ranked it."""

    qid: str
    label: str | None
    description: str | None
    aliases: tuple[str, ...] = ()
    matched: str | None = None  # the text (label or alias) that matched the search

    @property
    def names(self) -> tuple[str, ...]:
        """The label, the aliases and the matched text, without repeats."""
        found = [n for n in (self.label, *self.aliases, self.matched) if n]
        return tuple(dict.fromkeys(found))


def _english(values: object) -> str | None:
    """The `value` of the English entry of a wbgetentities `labels`/`descriptions` map."""
    if isinstance(values, Mapping):
        entry = values.get("en")
        if isinstance(entry, Mapping) and isinstance(entry.get("value"), str):
            return entry["value"]
    return None


def parse_entity(requested: str, entity: Mapping[str, object]) -> Item:
    """One entry of wbgetentities' `entities` map (JSON format, redirects=yes) as an Item.

    A deleted or never-created id comes back as {"id": "Q…", "missing": ""}; a merged item comes back as the
    target entity, under the requested id, with "redirects": {"from": requested, "to": target}.
    """
    if "missing" in entity:
        return Item(requested, "missing", requested)
    aliases: tuple[str, ...] = ()
    raw_aliases = entity.get("aliases")
    if isinstance(raw_aliases, Mapping):
        english = raw_aliases.get("en") or []
        aliases = tuple(
            a["value"] for a in english if isinstance(a, Mapping) and isinstance(a.get("value"), str)
        )
    label = _english(entity.get("labels"))
    description = _english(entity.get("descriptions"))
    redirect = entity.get("redirects")
    if isinstance(redirect, Mapping) and redirect.get("to"):
        return Item(requested, "redirect", str(redirect["to"]), label, aliases, description)
    return Item(requested, "found", str(entity.get("id") or requested), label, aliases, description)


def parse_search_hit(hit: Mapping[str, object]) -> SearchHit:
    """One element of wbsearchentities' `search` list as a SearchHit."""
    match = hit.get("match")
    matched = match.get("text") if isinstance(match, Mapping) else None
    aliases = hit.get("aliases")
    return SearchHit(
        qid=str(hit.get("id")),
        label=hit.get("label") if isinstance(hit.get("label"), str) else None,
        description=hit.get("description") if isinstance(hit.get("description"), str) else None,
        aliases=tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list) else (),
        matched=matched if isinstance(matched, str) else None,
    )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _is_timeout(reason: object) -> bool:
    return isinstance(reason, (TimeoutError, socket.timeout))


def _reason(reason: object) -> str:
    """A short human reason for a socket-level failure ('Connection refused', 'Name or service not known')."""
    text = getattr(reason, "strerror", None) or str(reason)
    return one_line(str(text))


_OPENER = urllib.request.build_opener(*httpio.handlers())  # urlopen's, with each request under a Deadline


@dataclass(frozen=True)
class WikidataClient:
    """Read-only access to the Wikidata Action API; each failure is a WikidataError or WikidataUnreachable."""

    api_url: str = field(default_factory=api_url_from_env)
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_wait: float = MAX_WAIT
    language: str = "en"
    user_agent: str = USER_AGENT
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def get_items(self, qids: Iterable[str]) -> dict[str, Item]:
        """wbgetentities for every id, BATCH_SIZE per request, redirects followed; keyed by requested id."""
        wanted = list(dict.fromkeys(qids))
        items: dict[str, Item] = {}
        for start in range(0, len(wanted), BATCH_SIZE):
            batch = wanted[start : start + BATCH_SIZE]
            payload = self.call(
                {
                    "action": "wbgetentities",
                    "ids": "|".join(batch),
                    "props": "info|labels|aliases|descriptions",
                    "languages": self.language,
                    "redirects": "yes",
                }
            )
            entities = payload.get("entities")
            if not isinstance(entities, Mapping):
                raise WikidataError(f"{self.api_url}: wbgetentities answered without an 'entities' map")
            for qid in batch:
                entity = entities.get(qid)
                if not isinstance(entity, Mapping):
                    raise WikidataError(f"{self.api_url}: wbgetentities did not answer for {qid}")
                items[qid] = parse_entity(qid, entity)
        return items

    def search(self, text: str, limit: int = 7) -> tuple[SearchHit, ...]:
        """wbsearchentities: items whose English label or alias matches `text`, in the API's order."""
        payload = self.call(
            {
                "action": "wbsearchentities",
                "search": text,
                "language": self.language,
                "uselang": self.language,
                "type": "item",
                "limit": str(limit),
            }
        )
        hits = payload.get("search")
        if not isinstance(hits, list):
            raise WikidataError(f"{self.api_url}: wbsearchentities answered without a 'search' list")
        return tuple(parse_search_hit(h) for h in hits if isinstance(h, Mapping) and h.get("id"))

    def call(self, params: Mapping[str, str]) -> dict[str, object]:
        """One GET to the API with format=json; retries on 429/5xx and dropped connections, then gives up."""
        query = urllib.parse.urlencode({**params, "format": "json"})
        url = f"{self.api_url}{'&' if '?' in self.api_url else '?'}{query}"
        action = params.get("action", "request")
        request = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept": "application/json"}
        )
        cap = httpio.cap_from_env(MAX_BYTES_ENV_VAR, DEFAULT_MAX_BYTES)

        def too_large(why: str) -> WikidataError:
            return WikidataError(f"{self.api_url}: {action}: {why} (raise it with ${MAX_BYTES_ENV_VAR})")

        attempt = 0
        while True:
            attempt += 1
            wait: float | None = None
            problem: str
            deadline = httpio.Deadline(self.timeout)
            try:
                with deadline, _OPENER.open(request, timeout=self.timeout) as response:
                    body = httpio.read_body(response, cap, too_large)
                if deadline.expired:  # the connection was shut at the deadline: the body may be cut short
                    raise TimeoutError
                break
            except urllib.error.HTTPError as exc:
                if deadline.expired:
                    raise self._timeout(action) from exc
                if exc.code not in RETRY_STATUSES:
                    raise WikidataError(
                        f"{self.api_url}: {action} failed: HTTP {exc.code} {one_line(str(exc.reason))}"
                    ) from exc
                wait = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
                problem = f"HTTP {exc.code} {one_line(str(exc.reason))}"
            except urllib.error.URLError as exc:
                if deadline.expired or _is_timeout(exc.reason):
                    raise self._timeout(action) from exc
                raise WikidataUnreachable(
                    f"cannot reach the Wikidata API at {self.api_url} ({_reason(exc.reason)}): "
                    "offline? this command needs the network"
                ) from exc
            except TimeoutError as exc:
                raise self._timeout(action) from exc
            except (ConnectionError, http.client.HTTPException) as exc:  # dropped mid-answer: transient
                if deadline.expired:
                    raise self._timeout(action) from exc
                problem = f"connection dropped ({type(exc).__name__})"
            if attempt > self.retries:
                raise WikidataError(
                    f"{self.api_url}: {action} still failing after {attempt} attempts ({problem}); try later"
                )
            if wait is None:
                wait = self.backoff * 2 ** (attempt - 1)
            self.sleep(min(wait, self.max_wait))
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise WikidataError(f"{self.api_url}: {action} answered with something that is not JSON") from exc
        except RecursionError:  # the parser recurses once per level: [[[[…]]]] a hundred thousand deep
            raise WikidataError(f"{self.api_url}: {action} answered with JSON nested too deeply") from None
        if not isinstance(payload, dict):
            raise WikidataError(f"{self.api_url}: {action} answered with JSON that is not an object")
        error = payload.get("error")
        if isinstance(error, Mapping):
            info = f": {one_line(str(error['info']))}" if error.get("info") else ""
            code = one_line(str(error.get("code", "error")))
            raise WikidataError(f"{self.api_url}: {action} refused ({code}){info}")
        return payload

    def _timeout(self, action: str) -> WikidataError:
        return WikidataError(
            f"{self.api_url}: {action} got no answer within {self.timeout:g} s "
            "(a slow network? try --timeout)"
        )


__all__ = [
    "API_ENV_VAR",
    "BATCH_SIZE",
    "DEFAULT_API_URL",
    "DEFAULT_MAX_BYTES",
    "MAX_BYTES_ENV_VAR",
    "USER_AGENT",
    "Item",
    "SearchHit",
    "WikidataClient",
    "api_url_from_env",
    "parse_entity",
    "parse_search_hit",
    "retry_after_seconds",
]
