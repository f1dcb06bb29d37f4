"""The pictures (issue 13): the timeline and the network of accusations, SVG drawn from the graph by queries.

Expected marks are read from the article (data/source/alaska-talks.txt; sentence L-I = sentence I of line
L), each test asserting that the article says so; dates are checked against the dataset too, so that a
date drawn is one the graph gives, and an event the article does not date is never drawn at a date.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from alaska_kg.namespaces import PREFIXES
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.viz import PICTURES, network_svg, timeline_svg

REPO_ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
AKR = PREFIXES["akr"]
AK = PREFIXES["ak"]
DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    return root


def _marks(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == f"mark {kind}"]


def _words(element: ET.Element) -> str:
    """The text of an element as a reader sees it: its <text> lines (<tspan>s) joined by spaces, not the
    tooltip."""
    return " ".join(" ".join(" ".join(t.itertext()).split()) for t in element.iter(f"{SVG}text"))


def _short(iri: str | None) -> str:
    assert iri is not None
    return iri.removeprefix(AKR)


def _dataset_dates(dataset: OpenDataset) -> dict[str, tuple[str, str]]:
    """Every (start, end) the dataset gives an event, read with the store's own index (not the viz query)."""
    found = {}
    for quad in dataset.store.quads_for_pattern(None, NamedNode(AK + "startDate"), None, None):
        end = next(dataset.store.quads_for_pattern(quad.subject, NamedNode(AK + "endDate"), None, None))
        found[_short(quad.subject.value)] = (quad.object.value, end.object.value)
    return found


@pytest.fixture(scope="module")
def timeline(dataset: OpenDataset) -> ET.Element:
    return _parse(timeline_svg(dataset))


@pytest.fixture(scope="module")
def network(dataset: OpenDataset) -> ET.Element:
    return _parse(network_svg(dataset))


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_each_picture_is_a_self_contained_svg(dataset: OpenDataset, name: str) -> None:
    """If a picture is drawn, then it is well-formed XML whose root is an SVG element with a title, and it
    holds no script, no foreign object, no link or style sheet, and no reference outside itself (only
    `url(#…)` to its own markers; IRIs only in data-* attributes, which nothing loads) and no font but the
    generic sans-serif."""
    svg = PICTURES[name](dataset)
    root = _parse(svg)
    assert root.find(f"{SVG}title") is not None and (root.find(f"{SVG}title").text or "").strip()
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    for ref in root.get("aria-labelledby", "").split():
        assert ref in ids
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert not tags & {"script", "foreignObject", "a", "style", "image", "use", "iframe", "link"}, tags
    for element in root.iter():
        for key, value in element.attrib.items():
            assert "href" not in key, (element.tag, key)
            assert not key.startswith("on"), (element.tag, key)  # no event handlers
            for ref in re.findall(r"url\(([^)]*)\)", value):
                assert ref.startswith("#") and ref[1:] in ids, (element.tag, key, value)
            if not key.startswith("data-"):  # data-iri and the like name resources; nothing loads them
                assert "://" not in value, (element.tag, key, value)
            if key == "font-family":
                assert value == "sans-serif"
    assert "://" not in " ".join(root.itertext())


def test_the_timeline_draws_at_dates_only_the_dates_of_the_article(
    timeline: ET.Element, dataset: OpenDataset, article: str
) -> None:
    """Sentence 3-1: "held from March 18–19, 2021"; 14-1 "The first day of talks"; 16-1 "ended on the
    second day". If the timeline is drawn, then exactly the talks and their two days are dated marks, at
    those dates, each the date the dataset gives that event; and every date written anywhere in the picture
    is one of them (no date counted from "two days later" or "the week before")."""
    assert "held from March 18–19, 2021" in article
    assert "The first day of talks" in article and "ended on the second day" in article
    dated = {
        _short(g.get("data-iri")): (g.get("data-start"), g.get("data-end")) for g in _marks(timeline, "dated")
    }
    assert dated == {
        "alaska-talks": ("2021-03-18", "2021-03-19"),
        "talks-day-1": ("2021-03-18", "2021-03-18"),
        "talks-day-2": ("2021-03-19", "2021-03-19"),
    }
    from_dataset = _dataset_dates(dataset)
    for iri, dates in dated.items():
        assert from_dataset[iri] == dates, iri
    for mark in _marks(timeline, "dated"):
        shown = DATE.findall(_words(mark))
        assert shown and set(shown) <= set(dated[_short(mark.get("data-iri"))]), shown
    ticks = [g.get("data-date") for g in timeline.iter(f"{SVG}g") if g.get("class") == "tick"]
    assert ticks == ["2021-03-18", "2021-03-19"]
    every_date = set(DATE.findall(" ".join(timeline.itertext())))
    assert every_date == {"2021-03-18", "2021-03-19"}


def test_the_timeline_places_relative_events_beside_the_axis_in_the_articles_words(
    timeline: ET.Element, article: str
) -> None:
    """Sentence 6-2: "In the week before the talks, the Biden administration … met with South Korea …,
    imposed sanctions on senior Chinese officials … and met with the other members of Quadrilateral Security
    Dialogue"; 6-1 "Preceding the talks, diplomatic relations … were strained" (began before, not said to
    end); 18-1 "After the meeting, Blinken stated to the media"; 45-1 "followed two days later by a visit to
    China from Russian foreign minister Sergey Lavrov". If the timeline is drawn, then these six are the
    relative marks, each with the article's words, and none carries a date."""
    for words in (
        "In the week before the talks",
        "Preceding the talks",
        "After the meeting",
        "two days later",
    ):
        assert words in article
    assert "met with South Korea" in article and "Sergey Lavrov" in article
    relative = {
        _short(g.get("data-iri")): (g.get("data-relation"), _short(g.get("data-anchor")), g.get("data-words"))
        for g in _marks(timeline, "relative")
    }
    week = "In the week before the talks"
    assert relative == {
        "south-korea-meeting": ("before", "alaska-talks", week),
        "sanctions-on-chinese-officials": ("before", "alaska-talks", week),
        "quad-meeting": ("before", "alaska-talks", week),
        "strained-relations": ("beganBefore", "alaska-talks", "Preceding the talks"),
        "blinken-remarks-to-media": ("after", "alaska-talks", "After the meeting"),
        "lavrov-visit-to-china": ("after", "alaska-talks", "two days later"),
    }
    captions = {"".join(t.itertext()) for t in timeline.iter(f"{SVG}text") if t.get("class") == "words"}
    assert captions == {
        f"“{words}”" for words in (week, "Preceding the talks", "After the meeting", "two days later")
    }
    for mark in _marks(timeline, "relative"):
        assert mark.get("data-start") is None and mark.get("data-end") is None
        assert not DATE.search(_words(mark))


def test_no_undated_event_is_drawn_at_a_date_position(timeline: ET.Element) -> None:
    """If the timeline is drawn, then every mark without a date lies outside the date axis: a relative mark
    left or right of its columns, an unplaced one below the rule that ends it."""
    axis = next(g for g in timeline.iter(f"{SVG}g") if g.get("class") == "date-axis")
    x0, x1, y1 = (float(axis.get(k)) for k in ("data-x0", "data-x1", "data-y1"))
    for bar in _marks(timeline, "dated"):
        rect = bar.find(f"{SVG}rect")
        assert x0 <= float(rect.get("x")) and float(rect.get("x")) + float(rect.get("width")) <= x1
    relative = _marks(timeline, "relative")
    unplaced = _marks(timeline, "unplaced")
    assert relative and unplaced
    for mark in relative:
        rect = mark.find(f"{SVG}rect")
        left, right = float(rect.get("x")), float(rect.get("x")) + float(rect.get("width"))
        assert right < x0 or left > x1, mark.get("data-iri")
    for mark in unplaced:
        assert mark.get("data-start") is None
        assert float(mark.find(f"{SVG}circle").get("cy")) > y1, mark.get("data-iri")


def test_events_the_article_does_not_place_in_time_are_listed_not_drawn(
    timeline: ET.Element, article: str
) -> None:
    """Biden's coming into office is placed only inside Pang's quotation (8-2: "just 50 days after Biden came
    into office"), the Chinese remarks to the media (16-2) and the example events (26-1 the breach, 27-1 the
    Australia–China trade war) carry no time: if the timeline is drawn, they are among the unplaced marks."""
    assert "just 50 days after Biden came into office" in article
    assert "The Chinese representatives told the media" in article
    unplaced = {_short(g.get("data-iri")) for g in _marks(timeline, "unplaced")}
    assert {
        "biden-takes-office",
        "chinese-remarks-to-media",
        "microsoft-exchange-breach",
        "australia-china-trade-war",
    } <= unplaced
    drawn = {_short(g.get("data-iri")) for kind in ("dated", "relative") for g in _marks(timeline, kind)}
    assert not unplaced & drawn


def _edges(network: ET.Element) -> dict[str, tuple[str, frozenset[str], str]]:
    """statement → (speaker, targets, the words of its box), from the arrows and boxes of the picture."""
    paths = [p for p in network.iter(f"{SVG}path") if p.get("class") == "edge"]
    boxes = {g.get("data-iri"): g for g in network.iter(f"{SVG}g") if g.get("class") == "statement"}
    found = {}
    for iri, box in boxes.items():
        speakers = [_short(p.get("data-from")) for p in paths if p.get("data-to") == iri]
        targets = frozenset(_short(p.get("data-to")) for p in paths if p.get("data-from") == iri)
        assert len(speakers) == 1, iri
        found[_short(iri)] = (speakers[0], targets, _words(box))
    return found


def test_the_network_shows_who_accused_or_criticised_whom_over_which_issue(
    network: ET.Element, article: str
) -> None:
    """14-2: Blinken accused China of threatening international order by hostile actions against Xinjiang,
    Hong Kong and Taiwan, cyberattacks and economic coercion; 14-3: Yang accused the United States of
    "condescension and hypocrisy" and of being a global leader in cyber espionage, and said the United States
    and its allies did not represent global public opinion; 14-5: both sides accused the other of breaking
    diplomatic protocol; 14-1: mutual public denunciations; 6-3: Pavel calls it China's tactic "to pick
    countries off one by one" (alliances); 26-1, 30-1 and 36-1: the American items on espionage and the
    Uyghurs, the Chinese "Accusations of the United States being hypocritical on race relations". If the
    network is drawn, then each is one box, from its speaker to its target, naming its issues."""
    for words in (
        "Blinken accusing China of threatening international order",
        "condescension and hypocrisy",
        "global leader in cyber espionage",
        "did not represent global public opinion",
        "Both sides accused the other of breaking diplomatic protocol",
        "mutual public denunciations",
        "to pick countries off one by one",
        "Chinese espionage in the United States",
        "Persecution of Uyghurs in China",
        "Accusations of the United States being hypocritical on race relations",
    ):
        assert words in article, words
    edges = _edges(network)
    shape = {statement: (speaker, targets) for statement, (speaker, targets, _) in edges.items()}
    us, cn = "american-delegation", "chinese-delegation"
    assert shape == {
        "blinken-opening-accusation": ("antony-blinken", frozenset({"china"})),
        "yang-condescension-accusation": ("yang-jiechi", frozenset({"united-states"})),
        "yang-cyber-espionage-accusation": ("yang-jiechi", frozenset({"united-states"})),
        "yang-public-opinion-criticism": ("yang-jiechi", frozenset({"united-states", "american-allies"})),
        "american-protocol-accusation": (us, frozenset({cn})),
        "chinese-protocol-accusation": (cn, frozenset({us})),
        "american-denunciation": (us, frozenset({cn})),
        "chinese-denunciation": (cn, frozenset({us})),
        "pavel-characterization-of-chinese-tactic": ("barry-pavel", frozenset({"china"})),
        "us-raises-espionage": (us, frozenset({"china"})),
        "us-raises-uyghurs": (us, frozenset({"china"})),
        "china-raises-race-relations": (cn, frozenset({"united-states"})),
    }
    blinken = edges["blinken-opening-accusation"][2]
    for issue in (
        "international order",
        "Xinjiang",
        "Hong Kong",
        "Taiwan",
        "cyberattacks",
        "economic coercion",
    ):
        assert issue in blinken, issue
    assert "cyber espionage" in edges["yang-cyber-espionage-accusation"][2]
    assert "global public opinion" in edges["yang-public-opinion-criticism"][2]
    assert "no issue named" in edges["yang-condescension-accusation"][2]
    assert "diplomatic protocol" in edges["american-protocol-accusation"][2]
    assert "diplomatic protocol" in edges["chinese-protocol-accusation"][2]
    assert "Uyghurs" in edges["us-raises-uyghurs"][2]
    assert "race relations" in edges["china-raises-race-relations"][2]
    assert "accusation" in blinken and "criticism" in edges["american-denunciation"][2]
    # 14-1 dates the first day's statements (3-1: March 18): the only date the boxes may show
    assert set(DATE.findall(" ".join(network.itertext()))) == {"2021-03-18"}


def test_the_network_puts_the_two_sides_in_two_columns(network: ET.Element) -> None:
    """Sentence 3-3 and 3-4: Blinken for the United States, Yang for China. If the network is drawn, then
    every actor of one side is in one column and of the other side in the other, with the commentator Pavel
    (6-3, of the Atlantic Council) and the allies drawn as neither side."""
    actors = {g.get("data-iri"): g for g in network.iter(f"{SVG}g") if g.get("class") == "actor"}
    x = {_short(iri): float(g.find(f"{SVG}rect").get("x")) for iri, g in actors.items()}
    side = {_short(iri): _short(g.get("data-side") or AKR) for iri, g in actors.items()}
    assert side == {
        "antony-blinken": "united-states",
        "american-delegation": "united-states",
        "united-states": "united-states",
        "yang-jiechi": "china",
        "chinese-delegation": "china",
        "china": "china",
        "barry-pavel": "",
        "american-allies": "",
    }
    us = {x[a] for a in ("antony-blinken", "american-delegation", "united-states")}
    cn = {x[a] for a in ("yang-jiechi", "chinese-delegation", "china")}
    assert len(us) == 1 and len(cn) == 1 and us != cn
    names = {_short(iri): "".join(g.find(f"{SVG}title").itertext()) for iri, g in actors.items()}
    assert names["antony-blinken"] == "Antony Blinken" and names["yang-jiechi"] == "Yang Jiechi"


HOSTILE = '<script>alert("x")</script> & \x1b]0;pwned\x07 \u202e'


def _hostile_dataset() -> OpenDataset:
    """An event and an accusation whose every label is hostile text, in a store of its own."""
    label = (
        HOSTILE.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\x1b", "\\u001B")
        .replace("\x07", "\\u0007")
    )
    turtle = f"""
        @prefix ak: <{AK}> . @prefix akr: <{AKR}> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        akr:e a ak:Event ; rdfs:label "{label}"@en ; ak:startDate "2021-03-18"^^xsd:date ;
            ak:endDate "2021-03-18"^^xsd:date .
        akr:r a ak:Event ; rdfs:label "{label} later" ; ak:after akr:e ; ak:relativeTime "{label} words" .
        akr:s ak:speaker akr:a ; ak:against akr:b ; ak:statementKind akr:kind-accusation ;
            ak:concernsIssue akr:i .
        akr:a rdfs:label "{label} speaker" . akr:b rdfs:label "{label} target" .
        akr:i rdfs:label "{label} issue" .
        akr:kind-accusation rdfs:label "{label} kind" .
    """
    store = Store()
    store.load(turtle.encode("utf-8"), format=RdfFormat.TURTLE)
    return OpenDataset(store, Path("hostile.ttl"))


def test_the_two_pictures_share_no_id(timeline: ET.Element, network: ET.Element) -> None:
    """If both pictures are inlined in one HTML page, then no id of one is an id of the other (a marker
    reference would otherwise find the other picture's)."""
    ids = [{e.get("id") for e in root.iter() if e.get("id")} for root in (timeline, network)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_hostile_labels_are_escaped_and_shown_as_text(name: str) -> None:
    """If labels hold markup, quotes, an ampersand, a terminal escape and a bidi override, then the picture
    still parses, has no element they would have made, and shows them as text, control characters made
    visible (alaska_kg.display.printable)."""
    svg = PICTURES[name](_hostile_dataset())
    root = _parse(svg)
    assert not [e for e in root.iter() if e.tag.removeprefix(SVG) == "script"]
    assert "\x1b" not in svg and "\x07" not in svg and "\u202e" not in svg
    text = " ".join(root.itertext())
    assert '<script>alert("x")</script> & \\x1b]0;pwned\\x07 \\u202e' in text
    assert "<script>" not in svg


def test_alaska_kg_viz_writes_both_pictures(cli, tmp_path: Path, dataset: OpenDataset) -> None:
    """If `alaska-kg viz --out DIR` runs, then DIR holds timeline.svg and network.svg, as the functions draw
    them from the dataset, and nothing else (no temporary file left)."""
    out = tmp_path / "pictures"
    code, stdout, err = cli("viz", "--out", str(out))
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["network.svg", "timeline.svg"]
    assert (out / "timeline.svg").read_text(encoding="utf-8") == timeline_svg(dataset)
    assert (out / "network.svg").read_text(encoding="utf-8") == network_svg(dataset)
    assert "timeline.svg" in stdout


@pytest.mark.parametrize("where", ["file", "under-a-file"])
def test_alaska_kg_viz_refuses_an_out_that_is_no_folder(cli, tmp_path: Path, where: str) -> None:
    """If --out is a file, or a folder under a file, then `viz` exits 5 (OutputError) with one line naming
    it, and writes nothing."""
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me\n")
    out = blocker if where == "file" else blocker / "sub"
    code, _, err = cli("viz", "--out", str(out))
    assert code == 5
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alaska-kg: error: ") and str(blocker) in lines[0]
    assert blocker.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_the_build_writes_the_pictures_into_its_output_folder(
    tmp_path: Path, dataset: OpenDataset, dataset_file: Path
) -> None:
    """If `alaska-kg build` runs, then its output folder holds the two pictures, listed in its manifest, the
    same as `viz` draws from the same dataset."""
    from alaska_kg.cli.app import main
    from alaska_kg.manifest import read_manifest

    out = tmp_path / "dist"
    assert main(["build", "--root", str(REPO_ROOT), "--out", str(out)]) == 0
    manifest = read_manifest(out)
    assert manifest is not None and {"timeline.svg", "network.svg"} <= set(manifest.entries)
    assert (out / "timeline.svg").read_text(encoding="utf-8") == timeline_svg(dataset)
    assert (out / "network.svg").read_text(encoding="utf-8") == network_svg(dataset)


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_the_pictures_in_docs_are_what_the_code_draws(dataset: OpenDataset, name: str) -> None:
    """If the README's pictures (docs/*.svg) are compared with what the code draws from the bundled data,
    then they are the same, byte for byte: regenerate them with `alaska-kg viz --out docs`."""
    committed = (REPO_ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == PICTURES[name](dataset), f"docs/{name} is stale: run `alaska-kg viz --out docs`"
    assert f"docs/{name}" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_a_cache_entry_from_before_the_pictures_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the cache holds an entry written before the pictures existed (no timeline.svg, network.svg in it
    or its manifest), then `alaska-kg build` builds afresh instead of copying it, and its output folder
    holds the pictures."""
    from alaska_kg.cache import CACHE_ENV_VAR
    from alaska_kg.cli.app import main

    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    assert main(["build", "--root", str(REPO_ROOT), "--out", str(tmp_path / "first")]) == 0
    (entry,) = [p.parent for p in (tmp_path / "cache").rglob("alaska-kg.manifest")]
    for name in PICTURES:
        (entry / name).unlink()
    manifest = entry / "alaska-kg.manifest"
    kept = [line for line in manifest.read_text().splitlines(True) if line.split()[-1] not in PICTURES]
    manifest.write_text("".join(kept))
    capsys.readouterr()
    assert main(["build", "--root", str(REPO_ROOT), "--out", str(tmp_path / "second")]) == 0
    assert "reused the cached build" not in capsys.readouterr().out
    assert {"timeline.svg", "network.svg"} <= {p.name for p in (tmp_path / "second").iterdir()}


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_a_dataset_without_events_or_accusations_still_draws(name: str) -> None:
    """If the dataset holds nothing the pictures show, then each is still a well-formed SVG, saying so."""
    root = _parse(PICTURES[name](OpenDataset(Store(), Path("empty.nq"))))
    assert not _marks(root, "dated") and not _marks(root, "relative")
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "statement"]


def test_relations_place_undated_events_only_beside_a_dated_one() -> None:
    """If an undated event is after a dated one only by the dated one's `ak:before` (the converse), it is
    drawn after it; if it is `ak:during` a dated one, or after an undated one, the picture cannot place it
    beside the axis without inventing a position, so it is listed, its relation in words."""
    turtle = f"""
        @prefix ak: <{AK}> . @prefix akr: <{AKR}> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        akr:meeting a ak:Event ; rdfs:label "the meeting" ; ak:startDate "2020-01-02"^^xsd:date ;
            ak:endDate "2020-01-03"^^xsd:date ; ak:before akr:visit .
        akr:visit a ak:Event ; rdfs:label "the visit" ; ak:relativeTime "soon after" .
        akr:talk a ak:Event ; rdfs:label "the talk" ; ak:during akr:meeting .
        akr:dinner a ak:Event ; rdfs:label "the dinner" ; ak:after akr:visit .
    """
    store = Store()
    store.load(turtle.encode("utf-8"), format=RdfFormat.TURTLE)
    root = _parse(timeline_svg(OpenDataset(store, Path("small.ttl"))))
    relative = {
        _short(g.get("data-iri")): (g.get("data-relation"), g.get("data-words"))
        for g in _marks(root, "relative")
    }
    assert relative == {"visit": ("after", "soon after")}
    unplaced = {_short(g.get("data-iri")): _words(g) for g in _marks(root, "unplaced")}
    assert unplaced == {"talk": "the talk (during the meeting)", "dinner": "the dinner (after the visit)"}
    assert set(DATE.findall(" ".join(root.itertext()))) == {"2020-01-02", "2020-01-03"}
