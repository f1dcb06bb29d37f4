"""The pages as a person uses them, in headless Chromium (Debian's chromium + chromium-driver, Selenium):
open the home page, follow a person to their statements, see the source sentence highlighted, run a canned
query in the SPARQL editor and see the rows, see the timeline and the network drawn.

Chromium resolves no host but 127.0.0.1 (tests/browser.py), so these also show the site works offline (the
editor is vendored, no CDN). With ALASKA_KG_SCREENSHOTS=DIR set, each test saves its screenshots there:
`ALASKA_KG_SCREENSHOTS=docs/screenshots python -m pytest tests/test_pages_browser.py` renews the README's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import chromium, sentence_of
from loopback import serving_app

SCREENSHOTS_ENV = "ALASKA_KG_SCREENSHOTS"
REPO_ROOT = Path(__file__).resolve().parents[1]
WAIT = 30  # seconds at most for the page to get there (a bound, not a measure)


def app_for(dataset, layout):  # -> Starlette
    """The app `alaska-kg serve` runs (alaska_kg.serve.app.make_app), when the endpoint is there; else the
    pages alone with a minimal SPARQL JSON endpoint, so the editor's round trip is still exercised."""
    from alaska_kg.serve.state import ServeState

    state = ServeState(dataset, layout)
    try:
        from alaska_kg.serve.app import make_app
    except ModuleNotFoundError:
        return _pages_with_minimal_sparql(state)
    return make_app(state)


def _pages_with_minimal_sparql(state):  # -> Starlette
    from urllib.parse import parse_qs

    from pyoxigraph import QueryResultsFormat
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from alaska_kg.serve.pages import routes

    async def sparql(request: Request) -> Response:
        form = parse_qs((await request.body()).decode())  # application/x-www-form-urlencoded
        query = (form.get("query") or [request.query_params.get("query", "")])[0]
        results = state.dataset.store.query(query, use_default_graph_as_union=True)
        body = results.serialize(format=QueryResultsFormat.JSON)
        return Response(body, media_type="application/sparql-results+json")

    app = Starlette(routes=[Route("/sparql", sparql, methods=["GET", "POST"]), *routes()])
    app.state.serve = state
    return app


@pytest.fixture(scope="module")
def site(dataset, layout) -> Iterator[str]:
    with serving_app(app_for(dataset, layout)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as driver:
        yield driver


def wait_for(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition, message)


def screenshot(driver, name: str) -> None:
    """Save the whole page as DIR/NAME.png when ALASKA_KG_SCREENSHOTS=DIR."""
    named = os.environ.get(SCREENSHOTS_ENV)
    if not named:
        return
    folder = REPO_ROOT / named  # a relative DIR is the repository's (the tests run from elsewhere)
    folder.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 600), 2600))
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(1280, 900)


def severe_console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_from_the_home_page_to_a_persons_statement_and_its_highlighted_sentence(site, browser, article):
    from selenium.webdriver.common.by import By

    browser.get(site + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("The United States–China talks in Alaska")
    people = browser.find_element(By.ID, "people")
    assert "Yang Jiechi" in people.text and "Antony Blinken" in people.text
    screenshot(browser, "home")

    people.find_element(By.LINK_TEXT, "Yang Jiechi").click()
    wait_for(browser, lambda d: d.current_url.endswith("/resource/yang-jiechi.html"), "no person page")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Yang Jiechi"
    screenshot(browser, "person")

    speaker = browser.find_element(
        By.CSS_SELECTOR, '.incoming-group[data-property="https://w3id.org/alaska-kg/ontology#speaker"]'
    )
    statement = speaker.find_element(By.PARTIAL_LINK_TEXT, "global leader in cyber espionage")
    statement.click()
    on_statement = lambda d: "/resource/yang-cyber-espionage-accusation" in d.current_url  # noqa: E731
    wait_for(browser, on_statement, "no statement page")

    marks = browser.find_elements(By.CSS_SELECTOR, "#sources blockquote mark.source")
    expected = sentence_of(article, "Yang responded by accusing the United States")
    assert [m.text for m in marks] == [expected]
    mark = marks[0]
    assert mark.is_displayed()
    background = mark.value_of_css_property("background-color")
    paragraph = mark.find_element(By.XPATH, "./ancestor::p[1]")
    assert background != paragraph.value_of_css_property("background-color")  # it stands out
    assert paragraph.text.startswith("The first day of talks were noted")  # inside its paragraph
    screenshot(browser, "statement")

    # a fact's citation jumps to the sentence
    browser.find_element(By.CSS_SELECTOR, "#facts a.cite").click()
    assert browser.execute_script("return document.querySelector(':target').tagName") == "MARK"
    assert severe_console_errors(browser) == []


def test_the_editor_runs_a_canned_query_and_shows_its_rows(site, browser, article):
    from selenium.webdriver.common.by import By

    browser.get(site + "/query")
    ready = lambda d: d.find_element(By.ID, "yasgui").get_attribute("data-ready") == "true"  # noqa: E731
    wait_for(browser, ready, "no editor")
    browser.find_element(By.CSS_SELECTOR, 'button.example[data-example="participants"]').click()
    query = browser.execute_script("return window.alaskaYasgui.getTab().getQuery()")
    assert "ak:attendee" in query
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()

    def rows(driver):
        found = driver.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr")
        return found if found and "No data" not in found[0].text else False

    found = wait_for(browser, rows, "the editor showed no rows")
    text = " ".join(row.text for row in found)
    # the officials the article's lead names, two per side
    for person in ("yang-jiechi", "wang-yi", "antony-blinken", "jake-sullivan"):
        assert person in text
    assert len(found) == 4
    assert "Antony Blinken" in article and "Jake Sullivan" in article
    screenshot(browser, "query")
    assert severe_console_errors(browser) == []


def test_the_home_page_draws_the_timeline_and_the_network(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(site + "/")
    for name in ("timeline", "network"):
        figure = browser.find_element(By.ID, f"picture-{name}")
        image = figure.find_element(By.TAG_NAME, "img")
        loaded = lambda d, image=image: d.execute_script(  # noqa: E731
            "return arguments[0].complete && arguments[0].naturalWidth", image
        )
        width = wait_for(browser, loaded, f"the {name} did not load")
        assert width > 100  # decoded as an image, not a broken-image icon
        assert image.is_displayed() and image.size["height"] > 100
    browser.get(site + "/timeline.svg")
    assert browser.find_elements(By.CSS_SELECTOR, "svg text")  # drawn, with its labels
    screenshot(browser, "timeline")
    browser.get(site + "/network.svg")
    assert browser.find_elements(By.CSS_SELECTOR, "svg text")
    screenshot(browser, "network")
    assert severe_console_errors(browser) == []
