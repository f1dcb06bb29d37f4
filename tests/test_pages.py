"""The pages of `alaska-kg serve` over HTTP: content negotiation after the W3C "Cool URIs" note, the home
page, the resource pages (labels, stated and inferred types, facts, incoming links, source sentences in their
paragraphs), the ontology, search, the query page, and no markup injected from the data.

The pages are served by Uvicorn on loopback (tests/browser.py) from a Starlette app holding only the pages'
routes, so they are tested whatever the endpoint does. Expected text is the article's
(data/source/alaska-talks.txt), not copied from the pages.
"""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Triple, parse

from browser import get, pages_app, sentence_of
from loopback import serving_app

AKR = "https://w3id.org/alaska-kg/resource/"
AK = "https://w3id.org/alaska-kg/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FIXTURES = Path(__file__).with_name("fixtures") / "pages"


@pytest.fixture(scope="module")
def site(dataset, layout) -> Iterator[str]:
    with serving_app(pages_app(dataset, layout)) as url:
        yield url


def visible(markup: str) -> str:
    """The text a reader sees in an HTML fragment: tags dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


# --- content negotiation (Cool URIs §4.3: 303 to the document asked for) -------------------------------


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),  # a browser
        (None, "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("text/turtle;q=0.5, application/ld+json", "jsonld"),
        ("text/html;q=0.1, text/turtle;q=0.9", "ttl"),
        ("application/*", "jsonld"),
    ],
)
def test_a_resource_iri_answers_303_to_the_representation_the_client_accepts(site, accept, suffix):
    status, headers, _ = get(f"{site}/resource/yang-jiechi", accept)
    assert status == 303
    assert headers["location"] == f"/resource/yang-jiechi.{suffix}"
    assert headers["vary"] == "Accept"
    assert 'rel="alternate"; type="text/turtle"' in headers["link"]


def test_an_accept_the_server_cannot_meet_is_406_listing_what_it_can(site):
    status, headers, body = get(f"{site}/resource/yang-jiechi", "image/png")
    assert status == 406
    assert headers["vary"] == "Accept"
    assert "text/turtle" in body and "application/ld+json" in body
    assert get(f"{site}/resource/yang-jiechi", "text/turtle;q=0")[0] == 406


def test_an_unknown_name_is_a_404_page_for_browsers_and_plain_text_for_data_clients(site):
    status, headers, body = get(f"{site}/resource/no-such-thing", "text/html")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert "no-such-thing" in body and "/search?q=no-such-thing" in body
    status, headers, body = get(f"{site}/resource/no-such-thing.ttl", "text/turtle")
    assert status == 404
    assert get(f"{site}/resource/no-such-thing", "text/turtle")[1]["content-type"].startswith("text/plain")
    assert get(f"{site}/resource/yang-jiechi.xml")[0] == 404  # a suffix that names nothing we write


def _triples(body: str, rdf_format: RdfFormat) -> set[Triple]:
    return {q.triple for q in parse(body.encode(), format=rdf_format)}


def test_the_three_rdf_documents_of_a_resource_hold_the_same_stated_triples(site, dataset):
    documents = {}
    for suffix, media_type, rdf_format in [
        ("ttl", "text/turtle", RdfFormat.TURTLE),
        ("jsonld", "application/ld+json", RdfFormat.JSON_LD),
        ("nt", "application/n-triples", RdfFormat.N_TRIPLES),
    ]:
        status, headers, body = get(f"{site}/resource/yang-jiechi.{suffix}")
        assert status == 200
        assert headers["content-type"].startswith(media_type)
        documents[suffix] = _triples(body, rdf_format)
    assert documents["ttl"] == documents["jsonld"] == documents["nt"]
    yang = NamedNode(AKR + "yang-jiechi")
    # the article: "Yang Jiechi, a member of the Politburo of the Chinese Communist Party"
    assert Triple(yang, NamedNode(RDFS_LABEL), Literal("Yang Jiechi", language="en")) in documents["ttl"]
    assert Triple(yang, NamedNode(AK + "memberOf"), NamedNode(AKR + "ccp-politburo")) in documents["ttl"]
    # incoming links are there (the delegation has him as member), inferred triples are not
    assert (
        Triple(NamedNode(AKR + "chinese-delegation"), NamedNode(AK + "hasMember"), yang) in documents["ttl"]
    )
    inferred = NamedNode("https://w3id.org/alaska-kg/graph/inferred")
    only_inferred = {q.triple for q in dataset.store.quads_for_pattern(yang, None, None, inferred)} - {
        q.triple for q in dataset.store.quads_for_pattern(yang, None, None) if q.graph_name != inferred
    }
    assert only_inferred, "the fixture needs a triple only reasoning adds"
    assert not (only_inferred & documents["ttl"])


# --- the resource page ------------------------------------------------------------------------------------


def test_a_person_page_shows_label_types_told_apart_facts_by_label_and_wikidata(site):
    status, headers, body = get(f"{site}/resource/yang-jiechi.html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "<h1>Yang Jiechi</h1>" in body
    stated = re.findall(r'<li class="stated">(.*?)</li>', body)
    inferred = re.findall(r'<li class="inferred">(.*?)</li>', body)
    assert [visible(s) for s in stated] == ["person"]
    assert any("schema:Person" in visible(i) and "inferred" in visible(i) for i in inferred)
    assert '/ontology#Person"' in stated[0]  # the type links to its definition
    facts = body[body.index('id="facts"') : body.index("</table>", body.index('id="facts"'))]
    # facts name their values by label, linked to their pages: "a member of the Politburo of the CCP"
    assert 'href="/resource/ccp-politburo"' in facts
    assert "Politburo of the Chinese Communist Party" in visible(facts)
    assert "akr:ccp-politburo" not in visible(facts)
    assert 'href="http://www.wikidata.org/entity/Q' in body


def test_a_person_page_lists_the_statements_they_made_under_speaker(site, article):
    _, _, body = get(f"{site}/resource/yang-jiechi.html")
    incoming = body[body.index('id="incoming"') :]
    speaker = re.search(r'data-property="https://w3id.org/alaska-kg/ontology#speaker">(.*?)</div>', incoming)
    assert speaker is not None
    # "…and accused the United States of being a global leader in cyber espionage" (line 14)
    assert 'href="/resource/yang-cyber-espionage-accusation"' in speaker[1]
    assert "cyber espionage" in article


def test_a_statement_page_highlights_its_sentence_inside_its_paragraph(site, article):
    _, _, body = get(f"{site}/resource/yang-cyber-espionage-accusation.html")
    sources = body[body.index('id="sources"') :]
    marked = [visible(m) for m in re.findall(r'<mark id="src-\d+" class="source"[^>]*>(.*?)</mark>', sources)]
    assert marked == [sentence_of(article, "Yang responded by accusing the United States")]
    context = [
        visible(m) for m in re.findall(r'<mark id="src-\d+" class="context"[^>]*>(.*?)</mark>', sources)
    ]
    assert sentence_of(article, "The first day of talks were noted") in context  # it dates the statement
    # the paragraph is the article's line 14, whole, with the sentence in place
    paragraphs = [visible(p) for p in re.findall(r"<blockquote[^>]*><p>(.*?)</p></blockquote>", sources)]
    line_14 = article.splitlines()[13]
    assert line_14.strip() in paragraphs
    # every fact cites a sentence of the page's "In the article" section
    facts = body[body.index('id="facts"') : body.index('id="sources"')]
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", facts)
    assert rows and all('class="cite" href="#src-' in row for row in rows)


def test_the_paragraphs_rebuilt_from_the_text_units_are_the_articles_text(dataset, article):
    from alaska_kg.serve.pages.article import read_article

    rebuilt = read_article(dataset.store)
    assert len(rebuilt.units) == len(re.findall(r"\bak:TextUnit\b", Path(article_path()).read_text()))
    for units in rebuilt.paragraphs.values():
        text = ""
        for unit in units:
            text += (" " if text else "") + unit.text
        assert text == article[units[0].start : units[-1].end]


def article_path() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "source.ttl"


def test_the_page_credits_the_article_under_cc_by_sa(site):
    for path in ("/", "/resource/yang-jiechi.html", "/ontology", "/search?q=x", "/query", "/resource/none"):
        body = get(site + path, "text/html")[2]
        assert "https://en.wikipedia.org/wiki/United_States%E2%80%93China_talks_in_Alaska" in body, path
        assert 'rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/"' in body, path


# --- the home page ------------------------------------------------------------------------------------------


def test_the_home_page_shows_the_talks_at_a_glance_and_the_ways_in(site, article):
    status, _, body = get(site + "/")
    assert status == 200
    glance = visible(body[body.index('id="glance"') : body.index("</section>", body.index('id="glance"'))])
    # "held from March 18–19, 2021 at Anchorage, Alaska"
    assert "March 18–19, 2021 at Anchorage" in article
    assert "2021-03-18 to 2021-03-19" in glance and "Anchorage" in glance
    # "The conference ended on the second day without any joint statements"
    assert "ended on the second day without any joint statements" in article
    assert "<dt>Ended</dt><dd>without a joint statement</dd>" in body
    assert "first day of the Alaska talks" in glance and "second day of the Alaska talks" in glance
    # the officials the lead names: Blinken, Sullivan, Yang Jiechi, Wang Yi
    for person in ("Antony Blinken", "Jake Sullivan", "Yang Jiechi", "Wang Yi"):
        assert person in article and person in glance
    for anchor in ("people", "delegations", "statements", "assessments", "issues"):
        assert f'id="{anchor}"' in body
    assert 'href="/resource/yang-jiechi"' in body
    assert '<form class="search big" action="/search"' in body
    # issues by side: the list items of "Issues discussed" (e.g. "Persecution of Uyghurs in China" by the US)
    issues = visible(body[body.index('id="issues"') :])
    assert "Raised by China" in issues and "Raised by United States" in issues
    assert "persecution of Uyghurs" in issues and "Persecution of Uyghurs in China" in article


def test_the_home_page_counts_come_from_the_builds_void_description(site, dataset):
    void = Store()
    void.load(path=str(dataset.path.with_name("alaska-kg.void.ttl")), format=RdfFormat.TURTLE)
    triples = NamedNode("http://rdfs.org/ns/void#triples")
    _, _, body = get(site + "/")
    data = body[body.index('id="data"') :]
    assert "VoID" in visible(data)
    for name in ("ontology", "asserted", "inferred", "links"):
        graph = NamedNode(f"https://w3id.org/alaska-kg/graph/{name}")
        (count,) = [int(q.object.value) for q in void.quads_for_pattern(graph, triples, None)]
        stored = sum(1 for _ in dataset.store.quads_for_pattern(None, None, None, graph))
        assert count == stored
        assert f"<code>{name}</code></th><td>{count:,}</td>" in data


# --- the ontology -----------------------------------------------------------------------------------------


def test_the_ontology_document_is_negotiated_in_place_with_a_content_location(site):
    status, headers, body = get(f"{site}/ontology", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert headers["vary"] == "Accept" and headers["content-location"] == "/ontology.ttl"
    terms = _triples(body, RdfFormat.TURTLE)
    assert Triple(NamedNode(AK + "Person"), NamedNode(RDFS_LABEL), Literal("person", language="en")) in terms
    status, headers, body = get(f"{site}/ontology", "text/html")
    assert status == 200 and headers["content-location"] == "/ontology.html"
    assert '<div class="term" id="Person">' in body and '<div class="term" id="speaker">' in body
    assert get(f"{site}/ontology.jsonld")[0] == 200
    assert get(f"{site}/ontology", "image/png")[0] == 406
    assert get(f"{site}/ontology.exe")[0] == 404


# --- search and the query page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "found"),
    [("blinken", "antony-blinken"), ("WANG yi", "wang-yi"), ("Anchorage meetings", "alaska-talks")],
)
def test_search_finds_by_label_and_alias_and_links_to_the_page(site, wanted, found):
    status, _, body = get(f"{site}/search?q={urllib.request.quote(wanted)}")
    assert status == 200
    first = re.search(r'<ol class="hits"><li><a href="([^"]+)"', body)
    assert first is not None and first[1] == f"/resource/{found}"


def test_search_for_nothing_known_says_so(site):
    body = get(f"{site}/search?q=zzzqqq")[2]
    assert "Nothing in the graph is called “zzzqqq”" in body


def test_the_query_page_offers_every_canned_query_and_the_vendored_editor(site, layout):
    status, _, body = get(f"{site}/query")
    assert status == 200
    data = re.search(r'<script type="application/json" id="examples">(.*?)</script>', body, re.S)
    assert data is not None
    ids = sorted(q["id"] for q in json.loads(data[1]))
    assert ids == sorted(p.stem for p in layout.queries_dir.glob("*.rq"))
    assert 'data-endpoint="/sparql"' in body
    for asset in ("/static/yasgui/yasgui.min.js", "/static/yasgui/yasgui.min.css", "/static/query.js"):
        assert f'"{asset}"' in body
        assert get(site + asset)[0] == 200, asset
    assert "cdn" not in body.lower() and "unpkg" not in body.lower()


def test_the_static_files_ship_with_the_package_and_the_editor_its_licence():
    """CI installs the wheel (not editable): these are read from the installed package."""
    from alaska_kg.serve.pages import STATIC_DIR

    for name in ("style.css", "query.js", "yasgui/yasgui.min.js", "yasgui/yasgui.min.css", "yasgui/LICENSE"):
        assert (STATIC_DIR / name).is_file(), name
    assert "MIT License" in (STATIC_DIR / "yasgui" / "LICENSE").read_text()


def test_example_queries_cannot_close_their_script_element():
    from alaska_kg.serve.pages.query_page import _json_for_script

    hostile = [{"id": "x", "text": "</script><script>alert(1)</script><!--"}]
    written = _json_for_script(hostile)
    assert "</" not in written and "<!--" not in written
    assert json.loads(written) == hostile


# --- nothing from the data becomes markup -----------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(layout) -> Iterator[str]:
    """A dataset whose labels, aliases and sentence text are HTML and control characters."""
    from alaska_kg.query.dataset import OpenDataset, load_store

    path = FIXTURES / "hostile.trig"
    dataset = OpenDataset(load_store(path), path)
    with serving_app(pages_app(dataset, layout)) as url:
        yield url


class _Elements(HTMLParser):
    """Every start tag of a document, with its attributes, as a browser's parser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _clean(body: str) -> None:
    """No element, attribute or raw control character came from the data."""
    main = body[body.index("<main>") : body.index("</main>")]
    parsed = _Elements()
    parsed.feed(main)
    ours = {"/timeline.svg", "/network.svg"}  # the home page's pictures
    tags = {tag for tag, attrs in parsed.tags if not (tag == "img" and attrs.get("src") in ours)}
    assert not tags & {"script", "img", "iframe", "b", "u"}, tags
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    links = [v for _, attrs in parsed.tags for k, v in attrs.items() if k in ("href", "src", "action") and v]
    assert not [v for v in links if v.lower().startswith(("javascript:", "data:"))]
    for control in ("\x1b", "\u202e"):
        assert control not in "".join(parsed.text)


@pytest.mark.parametrize(
    "path",
    [
        "/resource/evil.html",
        "/resource/victim.html",
        "/",
        "/ontology",
        "/search?q=evil",
        "/search?q=%3Cscript%3E",
    ],
)
def test_hostile_labels_and_sentences_are_escaped_everywhere(hostile_site, path):
    status, _, body = get(hostile_site + path, "text/html")
    assert status == 200, body[:500]
    _clean(body)


def test_hostile_text_is_shown_escaped_not_dropped(hostile_site):
    body = get(hostile_site + "/resource/evil.html")[2]
    assert "&lt;script&gt;alert(&#x27;label&#x27;)&lt;/script&gt;" in body
    assert "\\x1b[31m" in body  # the control character made visible, as the CLI does
    assert "&lt;iframe src=javascript:alert(1)&gt;" in body  # the source sentence, highlighted, inert


# --- the pictures -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["timeline", "network"])
def test_the_pictures_are_served_as_svg_that_runs_no_script_and_shown_on_the_home_page(site, name):
    import xml.etree.ElementTree as ET

    status, headers, body = get(f"{site}/{name}.svg")
    assert status == 200 and headers["content-type"].startswith("image/svg+xml")
    assert "script-src" not in headers["content-security-policy"]
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert ET.fromstring(body).tag == "{http://www.w3.org/2000/svg}svg"
    home = get(site + "/")[2]
    assert f'<img src="/{name}.svg"' in home


@pytest.mark.parametrize("name", ["timeline", "network"])
def test_the_pictures_of_a_hostile_dataset_hold_no_markup_from_it(hostile_site, name):
    import xml.etree.ElementTree as ET

    status, _, body = get(f"{hostile_site}/{name}.svg")
    assert status == 200
    tags = {element.tag.rpartition("}")[2] for element in ET.fromstring(body).iter()}
    assert not tags & {"script", "iframe", "img", "foreignObject"}, tags


# --- odd requests never break a page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/resource/a%20b",
        "/resource/%3Cscript%3E",
        "/resource/%00",
        "/resource/..%2F..",
        "/resource/.ttl",
        "/resource/yang-jiechi/",
        "/resource/0%2F",  # found by the fuzz test below: was a 307 to /resource/0
    ],
)
def test_a_malformed_resource_name_is_a_404_not_an_error(site, path):
    status, _, body = get(site + path, "text/html")
    assert status == 404
    if "<main>" in body:  # `..%2F..` decodes to a path no route matches: the app's own plain 404
        _clean(body)


def test_random_names_searches_and_accept_headers_never_get_a_server_error(site):
    from urllib.parse import quote

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(name=st.text(min_size=1, max_size=40), accept=st.text(max_size=40).filter(str.isprintable))
    def check(name: str, accept: str) -> None:
        for path in (f"/resource/{quote(name, safe='')}", f"/search?q={quote(name, safe='')}"):
            status = get(site + path, accept.encode("latin-1", "ignore").decode("latin-1") or None)[0]
            assert status in (200, 303, 404, 406), (path, accept, status)

    check()
