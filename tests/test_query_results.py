"""The starter queries answer their questions as the article does: exact rows, each checked against the text.

Every expected value below was read off the article (data/source/alaska-talks.txt), not copied from a query
run; each test names the sentence(s) it rests on and asserts that the article says so.
"""

from __future__ import annotations

import pyoxigraph
import pytest

from alaska_kg.query.catalog import find_query
from alaska_kg.query.run import run_query
from conftest import plain

DAY_1 = "2021-03-18"


def test_participants(select, article: str) -> None:
    """Sentences 3-3 and 3-4: "Some American officials who attended the talks include Secretary of State
    Antony Blinken and National Security Advisor Jake Sullivan. Some Chinese officials who attended the talks
    include Yang Jiechi, a member of the Politburo of the Chinese Communist Party, and foreign minister
    Wang Yi." """
    for phrase in (
        "Secretary of State Antony Blinken",
        "National Security Advisor Jake Sullivan",
        "Yang Jiechi, a member of the Politburo of the Chinese Communist Party",
        "foreign minister Wang Yi",
    ):
        assert phrase in article
    assert select("participants") == [
        ("akr:china", "akr:chinese-delegation", "akr:wang-yi", "akr:post-china-foreign-minister"),
        ("akr:china", "akr:chinese-delegation", "akr:yang-jiechi", "akr:post-ccp-politburo-member"),
        (
            "akr:united-states",
            "akr:american-delegation",
            "akr:antony-blinken",
            "akr:post-us-secretary-of-state",
        ),
        (
            "akr:united-states",
            "akr:american-delegation",
            "akr:jake-sullivan",
            "akr:post-us-national-security-advisor",
        ),
    ]


def test_who_accused_whom(select, article: str) -> None:
    """Sentence 14-2: "Blinken accusing China of threatening international order by taking hostile actions
    against Xinjiang, Hong Kong and Taiwan, launching cyberattacks against the United States and using
    economic coercion against America's allies." Sentence 14-3: "Yang responded by accusing the United States
    of "condescension and hypocrisy," … and accused the United States of being a global leader in cyber
    espionage." Sentence 14-5: "Both sides accused the other of breaking diplomatic protocol."

    Yang's other two remarks in 14-3 (a demand, a criticism) and the Chinese list item "Accusations of the
    United States being hypocritical on race relations" (an issue raised) are not of the kind accusation.
    """
    assert "Blinken accusing China of threatening international order" in article
    assert 'Yang responded by accusing the United States of "condescension and hypocrisy,"' in article
    assert "accused the United States of being a global leader in cyber espionage" in article
    assert "Both sides accused the other of breaking diplomatic protocol." in article
    blinken = [
        ("akr:antony-blinken", "akr:china", "akr:blinken-opening-accusation", f"akr:issue-{issue}", None)
        for issue in (
            "cyberattacks",
            "economic-coercion",
            "hong-kong",
            "international-order",
            "taiwan",
            "xinjiang",
        )
    ]
    assert select("who-accused-whom") == [
        (
            "akr:american-delegation",
            "akr:chinese-delegation",
            "akr:american-protocol-accusation",
            "akr:issue-diplomatic-protocol",
            None,
        ),
        *blinken,
        (
            "akr:chinese-delegation",
            "akr:american-delegation",
            "akr:chinese-protocol-accusation",
            "akr:issue-diplomatic-protocol",
            None,
        ),
        (
            "akr:yang-jiechi",
            "akr:united-states",
            "akr:yang-condescension-accusation",
            None,
            "condescension and hypocrisy",
        ),
        (
            "akr:yang-jiechi",
            "akr:united-states",
            "akr:yang-cyber-espionage-accusation",
            "akr:issue-cyber-espionage",
            None,
        ),
    ]


def _list_items(article: str, heading: str, end: str) -> list[str]:
    block = article[article.index(heading) + len(heading) : article.index(end)]
    return [line[2:] for line in block.splitlines() if line.startswith("- ")]


def test_issues_by_side(select, article: str) -> None:
    """Section "Issues discussed", sentences 21-1 to 28-1 (raised by the Americans) and 30-1 to 37-1 (raised
    by the Chinese): each list item is one raising; it is alleged exactly when the article's item starts
    with "Alleged". The interference item and the race-relations item also concern human rights
    ("under the guise of human rights issues", "hypocritical on race relations and human rights"); the
    interference item concerns Hong Kong, Xinjiang and Tibet ("such as in Hong Kong, Xinjiang and Tibet") and
    the counter-terrorism item Xinjiang ("governance in Xinjiang"). An item in one side's own words concerns
    that side's framing, a concept narrower than the neutral topic (issue 10): "Taiwanese security" under
    Taiwan, "Political suppression in Hong Kong" under Hong Kong and human rights, "Chinese espionage in the
    United States" under cyber espionage, "double standards on counter-terrorism" under counter-terrorism, the
    hypocrisy "on race relations and human rights" under both."""
    american = _list_items(
        article,
        "Issues publicly raised by the Americans included:",
        "Issues publicly raised by the Chinese included:",
    )
    chinese = _list_items(
        article, "Issues publicly raised by the Chinese included:", "Canadian prime minister"
    )
    assert len(american) == len(chinese) == 6
    expected_issues = {
        "Taiwanese security": ["taiwanese-security"],
        "Political suppression in Hong Kong": ["political-suppression-in-hong-kong"],
        "Persecution of Uyghurs in China": ["persecution-of-uyghurs"],
        "Chinese espionage in the United States, notably the 2021 Microsoft Exchange Server data breach": [
            "chinese-espionage-in-the-united-states"
        ],
        "Economic coercion of American allies such as the Australia-China trade war.": ["economic-coercion"],
        "Alleged military coercion of American allies and partners by China.": ["military-coercion"],
        "Alleged interference in China's internal affairs under the guise of human rights issues, such as in "
        "Hong Kong, Xinjiang and Tibet.": [
            "hong-kong",
            "human-rights",
            "interference-in-internal-affairs",
            "tibet",
            "xinjiang",
        ],
        "Adherence to the one-China principle": ["one-china-principle"],
        "Alleged double standards on counter-terrorism with regards to governance in Xinjiang.": [
            "double-standards-on-counter-terrorism",
            "xinjiang",
        ],
        "Trade sanctions and tariffs imposed during and after the China–United States trade war": [
            "trade-sanctions-and-tariffs"
        ],
        "Accusations of the United States being hypocritical on race relations and human rights by bringing "
        "up Black Lives Matter protests.": ["us-hypocrisy-on-race-relations"],
        "Alleged presence of a Cold War mentality within the American government when dealing with China.": [
            "cold-war-mentality"
        ],
    }
    expected_items = {item.replace('"', "") for item in american + chinese}  # the data drops the quote marks
    assert set(expected_issues) == expected_items
    expected = [
        (side, f"akr:issue-{issue}", "true" if item.startswith("Alleged") else "false", item)
        for side, items in (("akr:china", chinese), ("akr:united-states", american))
        for item in sorted(i.replace('"', "") for i in items)
        for issue in expected_issues[item]
    ]
    assert select("issues-by-side") == expected


def test_statements_by_actor_blinken(select, article: str) -> None:
    """Sentence 14-2 (Blinken accuses China, on the first day, 18 March), 14-4 ("Blinken responded by
    citing his impressions …", same day) and 18-1 ("After the meeting, Blinken stated to the media …",
    no date given, quoted)."""
    quote = (
        "the significant concerns that we have about a number of the actions that China’s taken and the "
        "behavior it’s exhibiting—concerns shared by our allies and partners. And we did that. We also "
        "wanted to lay out very clearly our own policies, priorities, and worldview, and we did that too."
    )
    assert f'"{quote}"' in article
    assert "Blinken responded by citing his impressions" in article
    assert select("statements-by-actor", "actor=akr:antony-blinken") == [
        ("akr:antony-blinken", "akr:blinken-account-of-intent", "akr:kind-account", None, quote),
        ("akr:antony-blinken", "akr:blinken-opening-accusation", "akr:kind-accusation", DAY_1, None),
        ("akr:antony-blinken", "akr:blinken-rebuttal", "akr:kind-rebuttal", DAY_1, None),
    ]


def test_statements_by_actor_yang(select, article: str) -> None:
    """Sentence 14-3: four remarks by Yang on the first day (an accusation of "condescension and hypocrisy",
    the demand to "change its own image …", the criticism that the United States and its allies do not
    represent global public opinion, the cyber-espionage accusation); sentence 43-5: his undated "not have
    the qualification … to speak to China from a position of strength"; 43-4: the statements "made by Yang
    and Wang at the talks" that merchandise quoted, which the article does not give."""
    demand = "change its own image and to stop advancing its own democracy in the rest of the world"
    strength = "not have the qualification ... to speak to China from a position of strength"
    assert f'"{demand}"' in article and f'"{strength}"' in article
    assert select("statements-by-actor", "actor=https://w3id.org/alaska-kg/resource/yang-jiechi") == [
        ("akr:yang-jiechi", "akr:yang-position-of-strength-rejection", "akr:kind-rejection", None, strength),
        ("akr:yang-jiechi", "akr:yang-statements-on-merchandise", "akr:kind-unspecified", None, None),
        (
            "akr:yang-jiechi",
            "akr:yang-condescension-accusation",
            "akr:kind-accusation",
            DAY_1,
            "condescension and hypocrisy",
        ),
        ("akr:yang-jiechi", "akr:yang-cyber-espionage-accusation", "akr:kind-accusation", DAY_1, None),
        ("akr:yang-jiechi", "akr:yang-democracy-demand", "akr:kind-demand", DAY_1, demand),
        ("akr:yang-jiechi", "akr:yang-public-opinion-criticism", "akr:kind-criticism", DAY_1, None),
    ]


def test_statements_by_actor_unbound_lists_every_statement(select, dataset) -> None:
    """Left unbound, ?actor widens the query to every speaker: all 50 statements appear, each with the
    speakers it has (the three agreements of sentences 16-1 and 16-5 have both delegations as speakers)."""
    rows = select("statements-by-actor")
    statements = {row[1] for row in rows}
    assert len(statements) == 50
    agreement = [row[0] for row in rows if row[1] == "akr:agreement-on-climate-change"]
    assert agreement == ["akr:american-delegation", "akr:chinese-delegation"]
    assert {row[0] for row in rows} > {"akr:antony-blinken", "akr:yang-jiechi", "akr:joe-biden"}


def test_talks_joint_statement(dataset, layout, article: str) -> None:
    """Sentence 16-1: "The conference ended on the second day without any joint statements"."""
    assert "The conference ended on the second day without any joint statements" in article
    answer = run_query(dataset, find_query(layout, "talks-joint-statement"))
    assert answer.kind == "ask" and answer.boolean is False


def test_accusation_graph(dataset, layout) -> None:
    """The same five accusations as `who-accused-whom` (sentences 14-2, 14-3, 14-5), as a graph: each with
    type, label, kind, speaker and target, plus the six labels of the speakers and targets."""
    answer = run_query(dataset, find_query(layout, "accusation-graph"))
    assert answer.kind == "graph"
    ak, akr = "https://w3id.org/alaska-kg/ontology#", "https://w3id.org/alaska-kg/resource/"
    edges = {
        (t.subject.value[len(akr) :], t.predicate.value[len(ak) :], t.object.value[len(akr) :])
        for t in answer.triples
        if t.predicate.value in (ak + "speaker", ak + "against")
    }
    assert edges == {
        ("american-protocol-accusation", "speaker", "american-delegation"),
        ("american-protocol-accusation", "against", "chinese-delegation"),
        ("blinken-opening-accusation", "speaker", "antony-blinken"),
        ("blinken-opening-accusation", "against", "china"),
        ("chinese-protocol-accusation", "speaker", "chinese-delegation"),
        ("chinese-protocol-accusation", "against", "american-delegation"),
        ("yang-condescension-accusation", "speaker", "yang-jiechi"),
        ("yang-condescension-accusation", "against", "united-states"),
        ("yang-cyber-espionage-accusation", "speaker", "yang-jiechi"),
        ("yang-cyber-espionage-accusation", "against", "united-states"),
    }
    labelled = {
        t.subject.value[len(akr) :]
        for t in answer.triples
        if t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
    }
    assert labelled == {s for s, _, _ in edges} | {o for _, _, o in edges}
    assert len(answer.triples) == 5 * 5 + 6


def test_source_of_yang_cyber_espionage(select, article: str) -> None:
    """The worked example of docs/model.md: the statement is stated by sentence 14-3 (what Yang said) and only
    dated by 3-1 (the dates, "March 18–19, 2021") and 14-1 ("The first day of talks …"); offsets are code
    points."""
    rows = select("source-of", "thing=akr:yang-cyber-espionage-accusation")
    assert [(r[1], r[2], r[3], r[5]) for r in rows] == [
        ("akr:sentence-3-1", "41", "337", "dates or places"),
        ("akr:sentence-14-1", "2290", "2380", "dates or places"),
        ("akr:sentence-14-3", "2622", "2992", "states"),
    ]
    for _, _, start, end, text, _ in rows:
        assert article[int(start) : int(end)] == text
    assert rows[2][4].endswith("accused the United States of being a global leader in cyber espionage.")


def test_source_of_wang_yi(select, article: str) -> None:
    """Sentence 3-4 is the only one naming Wang Yi ("… and foreign minister Wang Yi.")."""
    assert article.count("Wang Yi") == 1
    rows = select("source-of", "thing=<https://w3id.org/alaska-kg/resource/wang-yi>")
    assert len(rows) == 1
    _, unit, start, end, text, role = rows[0]
    assert unit == "akr:sentence-3-4" and article[int(start) : int(end)] == text and role == "states"
    assert text.endswith("and foreign minister Wang Yi.")


def test_source_of_unbound_every_offset_matches_the_text(select, dataset, article: str) -> None:
    """Unbound, ?thing ranges over every resource that cites a sentence in either role (counted here from the
    store directly); every text it returns is the article between its offsets."""
    citing = set()
    for name in ("sourceSentence", "contextSentence"):
        cite = pyoxigraph.NamedNode("https://w3id.org/alaska-kg/ontology#" + name)
        citing |= {plain(q.subject) for q in dataset.store.quads_for_pattern(None, cite, None, None)}
    rows = select("source-of")
    assert {r[0] for r in rows} == citing
    assert all(article[int(start) : int(end)] == text for _, _, start, end, text, _ in rows)


@pytest.mark.parametrize(
    "name", ["participants", "who-accused-whom", "issues-by-side", "statements-by-actor", "source-of"]
)
def test_reasoning_does_not_change_the_answers(select, name: str) -> None:
    """The starter queries are written against what the sources state; the OWL RL closure (in `all`) adds
    no rows and no duplicates; the inferred graph alone answers none of them."""
    assert select(name, graph="all") == select(name, graph="asserted")
    assert select(name, graph="inferred") == []


def test_every_canned_query_runs_under_every_graph_selection(dataset, layout) -> None:
    from alaska_kg.query.catalog import canned_queries

    ran = []
    for query in (q for q in canned_queries(layout) if not q.federated):  # those need the network
        for graph in ("all", "asserted", "inferred"):
            answer = run_query(dataset, query, graph=graph)
            if answer.solutions is not None:
                list(answer.solutions)
        ran.append(query.id)
    assert len(ran) >= 6
