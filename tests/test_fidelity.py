"""Issue 10: the graph says exactly what the article says. One test (or more) per finding; each docstring
quotes the sentence (L-I = sentence I of line L of data/source/alaska-talks.txt) that decides it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from alaska_kg.vocabulary import AK

ROOT = Path(__file__).resolve().parents[1]
AKR = Namespace("https://w3id.org/alaska-kg/resource/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SIDES = (AKR["united-states"], AKR.china)


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    graph = rdflib.Graph(bind_namespaces="core")
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path)
    return graph


def sides_of(data: rdflib.Graph, statement: URIRef) -> set[URIRef]:
    """The countries a statement is made for: its speakers' sides, or a speaker that is a side."""
    found = set()
    for speaker in data.objects(statement, AK.speaker):
        found |= set(data.objects(speaker, AK.speaksFor))
        if (speaker, RDF.type, AK.Country) in data:
            found.add(speaker)
    return found


def broader_closure(data: rdflib.Graph, concept: URIRef) -> set[URIRef]:
    return set(data.transitive_objects(concept, SKOS.broader))


# ---------------------------------------------------------------- 1. neutral topics


def test_yangs_cyber_espionage_accusation_reaches_no_example_the_americans_cited(data):
    """14-3: Yang "accused the United States of being a global leader in cyber espionage"; 26-1: the
    Americans raised "Chinese espionage in the United States, notably the 2021 Microsoft Exchange Server data
    breach". Following concernsIssue (and broader topics) to example events from Yang's accusation must not
    reach the breach the Americans cited against China; from the American raising it must."""

    def examples(statement: URIRef) -> set[URIRef]:
        concepts = {c for i in data.objects(statement, AK.concernsIssue) for c in broader_closure(data, i)}
        return {e for c in concepts for e in data.objects(c, AK.exampleEvent)}

    assert examples(AKR["yang-cyber-espionage-accusation"]) == set()
    assert examples(AKR["us-raises-espionage"]) == {AKR["microsoft-exchange-breach"]}


@pytest.mark.parametrize(
    ("topic", "us_framing", "us_statement", "chinese_statement"),
    [
        (
            "issue-cyber-espionage",
            "issue-chinese-espionage-in-the-united-states",
            "us-raises-espionage",
            "yang-cyber-espionage-accusation",
        ),
        (
            "issue-hong-kong",
            "issue-political-suppression-in-hong-kong",
            "us-raises-hong-kong",
            "china-raises-interference",
        ),
        (
            "issue-taiwan",
            "issue-taiwanese-security",
            "us-raises-taiwanese-security",
            "chinese-taiwan-at-odds",
        ),
    ],
)
def test_a_topic_both_sides_spoke_to_is_neutral_and_each_framing_is_narrower(
    data, topic, us_framing, us_statement, chinese_statement
):
    """24-1 "Political suppression in Hong Kong" vs 32-1 "interference in China's internal affairs ... such as
    in Hong Kong"; 23-1 "Taiwanese security" vs 16-3 "the issue of Taiwan"; 26-1 vs 14-3 on cyber espionage.
    The topic carries no side's wording and no example; the Americans' wording is a narrower concept framed by
    the United States, which the Chinese statement does not concern."""
    topic, framing = AKR[topic], AKR[us_framing]
    assert (topic, AK.exampleEvent, None) not in data
    assert (topic, AK.framedBy, None) not in data
    assert str(data.value(framing, SKOS.prefLabel)) not in {
        str(a) for a in data.objects(topic, SKOS.altLabel)
    }
    assert (framing, SKOS.broader, topic) in data
    assert data.value(framing, AK.framedBy) == AKR["united-states"]
    assert (AKR[us_statement], AK.concernsIssue, framing) in data
    chinese = {
        c for i in data.objects(AKR[chinese_statement], AK.concernsIssue) for c in broader_closure(data, i)
    }
    assert topic in chinese and framing not in chinese


def test_no_concept_concerned_by_both_sides_carries_a_framing_or_an_example(data):
    """The design rule of issue 10 over the whole scheme: an issue that statements made for both sides concern
    (directly or through a narrower concept) is neutral; every concept with an example event is one side's
    framing (ak:framedBy)."""
    by_issue: dict[URIRef, set[URIRef]] = {}
    for statement, issue in data.subject_objects(AK.concernsIssue):
        if (statement, AK.speaker, None) in data:
            for concept in broader_closure(data, issue):
                by_issue.setdefault(concept, set()).update(sides_of(data, statement))
    shared = {i for i, s in by_issue.items() if set(SIDES) <= s}
    assert AKR["issue-cyber-espionage"] in shared and AKR["issue-hong-kong"] in shared
    for issue in shared:
        # the agreements (16-1, 16-5) are made for both sides at once and concern neutral topics too
        assert (issue, AK.framedBy, None) not in data, issue
        assert (issue, AK.exampleEvent, None) not in data, issue
    for issue in data.subjects(AK.exampleEvent, None):
        assert (issue, AK.framedBy, None) in data, f"{issue} has an example event but frames no side's view"


def test_docs_model_worked_example_is_in_the_data(data):
    """docs/model.md's Turtle is the data, triple for triple (texts shortened with … aside), so its worked
    example cannot drift from the graph, as it did when it showed the breach under Yang's accusation."""
    doc = (ROOT / "docs/model.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```turtle\n(.*?)```", doc, re.S)
    assert blocks
    prefixes = "".join(
        f"@prefix {p}: <{n}> .\n"
        for p, n in {
            "ak": "https://w3id.org/alaska-kg/ontology#",
            "akr": str(AKR),
            "cameo": "https://w3id.org/alaska-kg/cameo/",
            "oa": "http://www.w3.org/ns/oa#",
            "prov": "http://www.w3.org/ns/prov#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "skos": str(SKOS),
            "xsd": str(XSD),
        }.items()
    )
    checked = 0
    for block in blocks:
        shown = rdflib.Graph().parse(data=prefixes + block, format="turtle")
        for triple in shown:
            if isinstance(triple[2], Literal) and "…" in str(triple[2]):
                continue
            assert triple in data, f"docs/model.md shows {triple}, which the data does not hold"
            checked += 1
    assert checked >= 30
    assert "exampleEvent" in doc and "framedBy" in doc


# ---------------------------------------------------------------- 2. time no stronger than the text

ALLEN_CONVERSE = {"b": "bi", "m": "mi", "o": "oi", "s": "si", "d": "di", "f": "fi", "e": "e"}
ALLEN_CONVERSE |= {v: k for k, v in ALLEN_CONVERSE.items()}
# The Allen relations of x to y that `x PROPERTY y` allows (OWL-Time §4.2: time:before is Allen's before,
# time:intervalDuring his during, time:intervalOverlappedBy his overlapped-by).
ALLEN = {
    "before": {"b"},
    "after": {"bi"},
    "during": {"d"},
    "overlappedBy": {"oi"},
    "beganBefore": {"b", "m", "o", "fi", "di"},  # began before, whatever happened to its end
    "subEventOf": {"s", "d", "f", "e"},
    "hasSubEvent": {"si", "di", "fi", "e"},
}


def _converse(relations: set[str]) -> set[str]:
    return {ALLEN_CONVERSE[r] for r in relations}


@pytest.mark.parametrize("first", sorted(ALLEN))
@pytest.mark.parametrize("second", sorted(ALLEN))
@pytest.mark.parametrize("reversed_", [False, True], ids=["same-direction", "other-direction"])
def test_contradictory_time_order_catches_exactly_the_pairs_allen_excludes(layout, first, second, reversed_):
    """If two stated relations between the same two things allow no common Allen relation (before and after,
    during and after, overlapped-by and before, ...), then checks/contradictory-time-order returns a row;
    if they can both hold, it returns none. Each pair is tried stated from the same thing and from the
    other one."""
    from pyoxigraph import QuerySolutions, Store

    from alaska_kg.catalog import find_query

    ak = "https://w3id.org/alaska-kg/ontology#"
    x, y = "<urn:x>", "<urn:y>"
    store = Store()
    second_triple = f"{y} <{ak}{second}> {x} ." if reversed_ else f"{x} <{ak}{second}> {y} ."
    store.load(f"{x} <{ak}{first}> {y} .\n{second_triple}".encode(), "application/n-triples")
    result = store.query(find_query(layout, "checks/contradictory-time-order").text)
    assert isinstance(result, QuerySolutions)
    found = bool(list(result))
    other = _converse(ALLEN[second]) if reversed_ else ALLEN[second]
    assert found == (not ALLEN[first] & other), (first, second, reversed_)


def test_a_thing_before_itself_is_caught(layout):
    from pyoxigraph import QuerySolutions, Store

    from alaska_kg.catalog import find_query

    store = Store()
    store.load(b"<urn:x> <https://w3id.org/alaska-kg/ontology#before> <urn:x> .", "application/n-triples")
    result = store.query(find_query(layout, "checks/contradictory-time-order").text)
    assert isinstance(result, QuerySolutions) and list(result)


def test_during_and_after_is_one_relation_the_text_allows(data):
    """35-1: "Trade sanctions and tariffs imposed during and after the China–United States trade war": the
    sanctions began while the war went on and went on after it ended (Allen's overlapped-by), not both during
    and after it."""
    tariffs, war = AKR["trade-sanctions-and-tariffs"], AKR["china-us-trade-war"]
    assert set(data.predicate_objects(tariffs)) >= {(AK.overlappedBy, war)}
    assert (tariffs, AK.during, war) not in data and (tariffs, AK.after, war) not in data


def test_preceding_is_not_before(data):
    """6-1: "Preceding the talks, diplomatic relations ... were strained": the strain began before the talks;
    nothing says it ended before them (ak:before would), and 41-5, 43-1 show the relations still at issue."""
    strain = AKR["strained-relations"]
    assert (strain, AK.before, None) not in data and (None, AK.after, strain) not in data
    assert (strain, AK.beganBefore, AKR["alaska-talks"]) in data


def test_pangs_fifty_days_are_pangs_words_not_the_narrative(data, article: str):
    """8-2: Pang said "it is already very difficult for the two sides to have this meeting just 50 days after
    Biden came into office": inside his quotation, so the phrase belongs to his statement; the article's
    narrative does not relate the talks to Biden's coming into office."""
    phrase = "just 50 days after Biden came into office"
    talks, pang = AKR["alaska-talks"], AKR["pang-assessment"]
    assert (talks, AK.relativeTime, None) not in data
    assert (talks, AK.after, AKR["biden-takes-office"]) not in data
    assert (AKR["biden-takes-office"], AK.before, talks) not in data
    assert [str(t) for t in data.objects(pang, AK.quotedRelativeTime)] == [phrase]
    assert any(phrase in str(q) for q in data.objects(pang, AK.quote))
    assert f'{phrase}".' in article
    for subject, words in data.subject_objects(AK.relativeTime):  # the narrative's words are never quoted
        assert not any(str(words) in str(q) for q in data.objects(subject, AK.quote)), subject


def test_the_protocol_accusations_carry_no_day(data, article: str):
    """14-5: "Both sides accused the other of breaking diplomatic protocol." The sentence names no day."""
    assert "Both sides accused the other of breaking diplomatic protocol." in article
    for side in ("american", "chinese"):
        accusation = AKR[f"{side}-protocol-accusation"]
        assert (accusation, AK.date, None) not in data
        assert data.value(accusation, AK.madeAt) == AKR["alaska-talks"]
        assert set(data.objects(accusation, AK.sourceSentence)) == {AKR["sentence-14-5"]}
        assert (accusation, AK.contextSentence, None) not in data
