"""The Wikidata API client against a local fake server (tests/wikidata_fake_server.py); never the real API."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from alaska_kg.errors import WikidataError, WikidataUnreachable
from alaska_kg.wikidata.client import (
    API_ENV_VAR,
    BATCH_SIZE,
    DEFAULT_API_URL,
    USER_AGENT,
    Item,
    WikidataClient,
    api_url_from_env,
    parse_entity,
    retry_after_seconds,
)
from wikidata_fake_server import FakeWikidata, closed_port_url, hit, item, missing, redirect


@pytest.fixture(autouse=True)
def no_real_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """A client built without an explicit URL here reaches a closed local port, never wikidata.org."""
    monkeypatch.setenv(API_ENV_VAR, closed_port_url())


@pytest.fixture
def fake() -> Iterator[FakeWikidata]:
    with FakeWikidata() as server:
        yield server


class Sleeps(list):
    """Records the pauses the client asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(fake: FakeWikidata, **options: object) -> WikidataClient:
    return WikidataClient(api_url=fake.url, **options)  # type: ignore[arg-type]


# ---------------------------------------------------------------- configuration


def test_the_base_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """If ALASKA_KG_WIKIDATA_API is set, then it is the base URL; unset, the public endpoint is."""
    monkeypatch.setenv(API_ENV_VAR, "http://127.0.0.1:1/w/api.php")
    assert api_url_from_env() == WikidataClient().api_url == "http://127.0.0.1:1/w/api.php"
    monkeypatch.delenv(API_ENV_VAR)
    assert api_url_from_env() == DEFAULT_API_URL == "https://www.wikidata.org/w/api.php"


def test_requests_carry_a_descriptive_user_agent_and_ask_for_json(fake: FakeWikidata) -> None:
    """If the client calls the API, then it names itself (tool, version, URL) and asks for format=json."""
    fake.entities["Q7821917"] = item("Q7821917", "Antony Blinken")
    client(fake).get_items(["Q7821917"])
    (seen,) = fake.requests
    assert seen.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("alaska-kg/") and "https://" in USER_AGENT
    assert seen.params["format"] == "json"
    assert seen.params["redirects"] == "yes"
    assert seen.params["languages"] == "en"


# ---------------------------------------------------------------- wbgetentities


def test_found_missing_and_redirected_items(fake: FakeWikidata) -> None:
    """If one batch holds a found, a deleted and a merged item, then each comes back in its own state."""
    fake.entities["Q1"] = item("Q1", "universe", ["cosmos"], "totality of space and time")
    fake.entities["Q2"] = missing("Q2")
    fake.entities["Q3"] = redirect("Q3", "Q30", "United States", ["USA"])
    items = client(fake).get_items(["Q1", "Q2", "Q3"])
    assert items["Q1"] == Item("Q1", "found", "Q1", "universe", ("cosmos",), "totality of space and time")
    assert items["Q2"] == Item("Q2", "missing", "Q2")
    assert (
        items["Q3"].state == "redirect" and items["Q3"].qid == "Q30" and items["Q3"].label == "United States"
    )
    assert len(fake.seen("wbgetentities")) == 1


def test_ids_go_in_batches_of_fifty(fake: FakeWikidata) -> None:
    """If 120 items are asked for, then three requests carry 50, 50 and 20 ids, and all 120 come back."""
    qids = [f"Q{n}" for n in range(1, 121)]
    for qid in qids:
        fake.entities[qid] = item(qid, f"item {qid}")
    items = client(fake).get_items(qids)
    assert BATCH_SIZE == 50
    assert [len(r.params["ids"].split("|")) for r in fake.seen("wbgetentities")] == [50, 50, 20]
    assert set(items) == set(qids) and all(i.state == "found" for i in items.values())


def test_the_documented_redirect_shape_is_read() -> None:
    """If wbgetentities answers the target under the requested id with redirects {from, to}, then the item
    is a redirect to `to` (the shape of https://www.wikidata.org/w/api.php?action=wbgetentities&ids=…)."""
    answer = json.loads('{"id":"Q20","type":"item","redirects":{"from":"Q2","to":"Q20"},"labels":{}}')
    assert parse_entity("Q2", answer) == Item("Q2", "redirect", "Q20")
    assert parse_entity("Q3", {"id": "Q3", "missing": ""}).state == "missing"


# ---------------------------------------------------------------- wbsearchentities


def test_search_returns_hits_in_the_api_order(fake: FakeWikidata) -> None:
    """If wbsearchentities finds items, then the hits come back in its order with label and description."""
    fake.searches["Atlantic Council"] = [
        hit("Q1", "Atlantic Council", "American think tank"),
        hit("Q2", "Atlantic Council of Canada"),
    ]
    hits = client(fake).search("Atlantic Council", limit=5)
    assert [(h.qid, h.label, h.description) for h in hits] == [
        ("Q1", "Atlantic Council", "American think tank"),
        ("Q2", "Atlantic Council of Canada", None),
    ]
    (seen,) = fake.requests
    assert seen.params["type"] == "item" and seen.params["language"] == "en" and seen.params["limit"] == "5"


# ---------------------------------------------------------------- retries, timeouts, failures


def test_429_then_success_honours_retry_after(fake: FakeWikidata) -> None:
    """If the server says 429 with Retry-After: 1, then the client waits about a second and asks again."""
    fake.entities["Q1"] = item("Q1", "universe")
    fake.script.append((429, {"Retry-After": "1"}, b"Too many requests"))
    items = client(fake).get_items(["Q1"])
    assert items["Q1"].label == "universe"
    first, second = fake.seen("wbgetentities")
    assert second.at - first.at >= 0.9


def test_5xx_is_retried_with_exponential_backoff(fake: FakeWikidata) -> None:
    """If the server fails twice with 503 and no Retry-After, then the client waits backoff, then twice it."""
    fake.entities["Q1"] = item("Q1", "universe")
    fake.script += [(503, {}, b"busy"), (502, {}, b"bad gateway")]
    sleeps = Sleeps()
    assert client(fake, backoff=0.25, sleep=sleeps).get_items(["Q1"])["Q1"].label == "universe"
    assert sleeps == [0.25, 0.5]
    assert len(fake.seen("wbgetentities")) == 3


def test_retry_after_is_capped(fake: FakeWikidata) -> None:
    """If Retry-After asks for an hour, then the client waits at most max_wait."""
    fake.entities["Q1"] = item("Q1", "universe")
    fake.script.append((429, {"Retry-After": "3600"}, b""))
    sleeps = Sleeps()
    client(fake, max_wait=2.0, sleep=sleeps).get_items(["Q1"])
    assert sleeps == [2.0]


def test_retries_run_out(fake: FakeWikidata) -> None:
    """If the server keeps answering 429, then after the retries the client gives up with a WikidataError."""
    fake.script += [(429, {}, b"")] * 4
    sleeps = Sleeps()
    with pytest.raises(WikidataError, match="still failing after 3 attempts"):
        client(fake, retries=2, sleep=sleeps).get_items(["Q1"])
    assert len(fake.requests) == 3 and len(sleeps) == 2


def test_other_http_errors_are_not_retried(fake: FakeWikidata) -> None:
    """If the server answers 403, then the client fails at once, naming the status."""
    fake.script.append((403, {}, b"forbidden"))
    with pytest.raises(WikidataError, match="HTTP 403"):
        client(fake, sleep=Sleeps()).get_items(["Q1"])
    assert len(fake.requests) == 1


def test_timeout_is_a_clear_error(fake: FakeWikidata) -> None:
    """If the server answers later than the client's timeout, then the client fails with a WikidataError
    naming the timeout, and does not wait for the answer."""
    fake.delay = 2.0
    started = time.monotonic()
    with pytest.raises(WikidataError, match=r"no answer within 0\.3 s") as caught:
        client(fake, timeout=0.3).get_items(["Q1"])
    assert time.monotonic() - started < 1.5
    assert not isinstance(caught.value, WikidataUnreachable)


def test_closed_port_is_unreachable() -> None:
    """If nothing listens at the API URL, then the client raises WikidataUnreachable, in one line."""
    with pytest.raises(WikidataUnreachable) as caught:
        WikidataClient(api_url=closed_port_url()).get_items(["Q1"])
    assert "cannot reach the Wikidata API" in caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.exit_code == 20


def test_api_errors_and_non_json_answers_are_errors(fake: FakeWikidata) -> None:
    """If the API answers an error object or something that is not JSON, then the client says so."""
    fake.script.append(
        (200, {}, json.dumps({"error": {"code": "no-such-entity", "info": "bad id"}}).encode())
    )
    with pytest.raises(WikidataError, match=r"refused \(no-such-entity\): bad id"):
        client(fake).get_items(["Q1"])
    fake.script.append((200, {}, b"<html>maintenance</html>"))
    with pytest.raises(WikidataError, match="not JSON"):
        client(fake).search("x")


def test_retry_after_forms() -> None:
    """RFC 9110 §10.2.3: If Retry-After is delay-seconds or an HTTP-date, then it is read as seconds."""
    now = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now) == 30.0
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None


def test_the_cli_default_timeout_is_the_clients() -> None:
    """cli.link keeps its own copy of the default timeout so that --help imports no HTTP code."""
    from alaska_kg.cli import link as link_commands
    from alaska_kg.wikidata import client as wikidata

    assert link_commands.DEFAULT_TIMEOUT == wikidata.DEFAULT_TIMEOUT
