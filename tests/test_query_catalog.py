"""The catalog of canned queries (issue 4): every query answers its question exactly as the article does.

Expected rows are read from the article (data/source/alaska-talks.txt); each test cites the sentences it rests
on (sentence L-I = sentence I of line L) and asserts that the article says so. A wrong or missing fact in the
data makes these tests fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions, RdfFormat, Store

from alaska_kg.query.catalog import canned_queries, find_query, query_ids

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests/fixtures/checks"


def test_talks_schedule(select, article: str) -> None:
    """Sentence 3-1: "held from March 18–19, 2021 at Anchorage, Alaska"; 14-1 "The first day of talks"; 16-1
    "The conference ended on the second day"."""
    assert "March 18–19, 2021 at Anchorage, Alaska" in article
    assert "The first day of talks" in article
    assert "ended on the second day" in article
    assert select("talks-schedule") == [
        ("akr:alaska-talks", "2021-03-18", "2021-03-19", "akr:anchorage"),
        ("akr:talks-day-1", "2021-03-18", "2021-03-18", "akr:anchorage"),
        ("akr:talks-day-2", "2021-03-19", "2021-03-19", "akr:anchorage"),
    ]


def test_issues_raised_by_both_sides(select, article: str) -> None:
    """Topics both sides spoke to, with each side's own statement: the agreements of 16-1 and 16-5 (climate
    change, hearing each other, open channels, all under China–United States relations), the protocol
    accusations of 14-5 (each side accusing the other), cyber espionage (26-1 the Americans on Chinese espionage
    in the United States; 14-3 Yang on the United States as a leader in it), Taiwan (14-2, 23-1; 16-3), Hong
    Kong and Xinjiang (14-2, 24-1; 32-1, 34-1), human rights (24-1, 25-1; 32-1, 36-1) and the international
    order (14-2, 18-1 via alliances; 14-3 Yang on global public opinion). One row per side and statement, so the
    opposite claims stay apart; no row merges the sides."""
    assert "Both sides agreed to maintain open channels" in article
    assert "global leader in cyber espionage" in article
    assert "Chinese espionage in the United States" in article
    rows = select("issues-raised-by-both-sides")
    assert [row[:3] for row in rows] == [
        ("akr:china-us-relations", "akr:china", "akr:agreement-on-mutual-understanding"),
        ("akr:china-us-relations", "akr:china", "akr:agreement-on-open-channels"),
        ("akr:china-us-relations", "akr:china", "akr:china-expectation"),
        ("akr:china-us-relations", "akr:china", "akr:china-raises-cold-war-mentality"),
        ("akr:china-us-relations", "akr:china", "akr:yang-position-of-strength-rejection"),
        ("akr:china-us-relations", "akr:united-states", "akr:agreement-on-mutual-understanding"),
        ("akr:china-us-relations", "akr:united-states", "akr:agreement-on-open-channels"),
        ("akr:issue-channels-of-dialogue", "akr:china", "akr:agreement-on-open-channels"),
        ("akr:issue-channels-of-dialogue", "akr:united-states", "akr:agreement-on-open-channels"),
        ("akr:issue-climate-change", "akr:china", "akr:agreement-on-climate-change"),
        ("akr:issue-climate-change", "akr:united-states", "akr:agreement-on-climate-change"),
        ("akr:issue-cyber-espionage", "akr:china", "akr:yang-cyber-espionage-accusation"),
        ("akr:issue-cyber-espionage", "akr:united-states", "akr:us-raises-espionage"),
        ("akr:issue-diplomatic-protocol", "akr:china", "akr:chinese-protocol-accusation"),
        ("akr:issue-diplomatic-protocol", "akr:united-states", "akr:american-protocol-accusation"),
        ("akr:issue-hong-kong", "akr:china", "akr:china-raises-interference"),
        ("akr:issue-hong-kong", "akr:united-states", "akr:blinken-opening-accusation"),
        ("akr:issue-hong-kong", "akr:united-states", "akr:us-raises-hong-kong"),
        ("akr:issue-human-rights", "akr:china", "akr:china-raises-interference"),
        ("akr:issue-human-rights", "akr:china", "akr:china-raises-race-relations"),
        ("akr:issue-human-rights", "akr:united-states", "akr:us-raises-hong-kong"),
        ("akr:issue-human-rights", "akr:united-states", "akr:us-raises-uyghurs"),
        ("akr:issue-international-order", "akr:china", "akr:yang-public-opinion-criticism"),
        ("akr:issue-international-order", "akr:united-states", "akr:blinken-account-of-intent"),
        ("akr:issue-international-order", "akr:united-states", "akr:blinken-opening-accusation"),
        ("akr:issue-mutual-understanding", "akr:china", "akr:agreement-on-mutual-understanding"),
        ("akr:issue-mutual-understanding", "akr:united-states", "akr:agreement-on-mutual-understanding"),
        ("akr:issue-taiwan", "akr:china", "akr:chinese-taiwan-at-odds"),
        ("akr:issue-taiwan", "akr:united-states", "akr:blinken-opening-accusation"),
        ("akr:issue-taiwan", "akr:united-states", "akr:us-raises-taiwanese-security"),
        ("akr:issue-xinjiang", "akr:china", "akr:china-raises-counter-terrorism"),
        ("akr:issue-xinjiang", "akr:china", "akr:china-raises-interference"),
        ("akr:issue-xinjiang", "akr:united-states", "akr:blinken-opening-accusation"),
    ]
    said = {(issue, side): words for issue, side, _, words in rows}
    assert (
        said[("akr:issue-cyber-espionage", "akr:china")]
        == "The United States is a global leader in cyber espionage."
    )
    assert said[("akr:issue-cyber-espionage", "akr:united-states")].startswith(
        "Chinese espionage in the United States"
    )
    assert (
        said[("akr:issue-diplomatic-protocol", "akr:china")] == "The American side broke diplomatic protocol."
    )
    assert (
        said[("akr:issue-diplomatic-protocol", "akr:united-states")]
        == "The Chinese side broke diplomatic protocol."
    )


def test_quotations(select, article: str) -> None:
    """The sixteen quoted passages of the article, in the order of the text, each with the sentence that holds
    it (6-3, 8-2 twice, 10-1, 14-3 twice, 16-2 twice, 16-3, 16-4, 18-1, 37-1, 41-4, 41-5, 43-5, 45-2)."""
    assert '"goodwill"' in article
    assert '"wrong message"' in article
    assert '"encirclement,"' in article
    assert select("quotations") == [
        (
            "akr:barry-pavel",
            "to pick countries off one by one, as part of a divide-and-conquer strategy",
            "akr:pavel-characterization-of-chinese-tactic",
            None,
            "akr:sentence-6-3",
        ),
        ("akr:pang-zhongying", "goodwill", "akr:pang-assessment", None, "akr:sentence-8-2"),
        (
            "akr:pang-zhongying",
            "it is already very difficult for the two sides to have this meeting just 50 days after Biden came into office",
            "akr:pang-assessment",
            None,
            "akr:sentence-8-2",
        ),
        (
            "akr:united-states",
            "long list of [U.S.] concerns",
            "akr:us-expectation",
            None,
            "akr:sentence-10-1",
        ),
        (
            "akr:yang-jiechi",
            "change its own image and to stop advancing its own democracy in the rest of the world",
            "akr:yang-democracy-demand",
            "akr:talks-day-1",
            "akr:sentence-14-3",
        ),
        (
            "akr:yang-jiechi",
            "condescension and hypocrisy",
            "akr:yang-condescension-accusation",
            "akr:talks-day-1",
            "akr:sentence-14-3",
        ),
        (
            "akr:chinese-delegation",
            "direct, frank, and constructive",
            "akr:chinese-characterization-of-talks",
            "akr:chinese-remarks-to-media",
            "akr:sentence-16-2",
        ),
        (
            "akr:chinese-delegation",
            "safeguard [their] national sovereignty",
            "akr:chinese-sovereignty-commitment",
            "akr:chinese-remarks-to-media",
            "akr:sentence-16-2",
        ),
        (
            "akr:chinese-delegation",
            "fundamentally at odds",
            "akr:chinese-taiwan-at-odds",
            "akr:chinese-remarks-to-media",
            "akr:sentence-16-3",
        ),
        (
            "akr:american-delegation",
            "substantive, serious, and direct",
            "akr:american-characterization-of-talks",
            "akr:american-remarks-on-the-talks",
            "akr:sentence-16-4",
        ),
        (
            "akr:antony-blinken",
            "the significant concerns that we have about a number of the actions that China’s taken and the behavior it’s exhibiting—concerns shared by our allies and partners. And we did that. We also wanted to lay out very clearly our own policies, priorities, and worldview, and we did that too.",
            "akr:blinken-account-of-intent",
            "akr:blinken-remarks-to-media",
            "akr:sentence-18-1",
        ),
        (
            "akr:chinese-delegation",
            "Cold War mentality",
            "akr:china-raises-cold-war-mentality",
            "akr:alaska-talks",
            "akr:sentence-37-1",
        ),
        (
            "akr:the-national-interest",
            "wrong message",
            "akr:national-interest-assessment",
            None,
            "akr:sentence-41-4",
        ),
        (
            "akr:washington-post",
            "illusions of a reset in U.S.-China relations",
            "akr:washington-post-assessment",
            None,
            "akr:sentence-41-5",
        ),
        (
            "akr:yang-jiechi",
            "not have the qualification ... to speak to China from a position of strength",
            "akr:yang-position-of-strength-rejection",
            "akr:alaska-talks",
            "akr:sentence-43-5",
        ),
        ("akr:china", "encirclement", "akr:chinese-framing-of-lavrov-visit", None, "akr:sentence-45-2"),
    ]


def test_characterizations_of_the_talks(select, article: str) -> None:
    """The three characterizations of the talks the article reports: 16-2 the Chinese representatives "told the
    media that the talks were "direct, frank, and constructive""; 16-4 the American representatives "stated that
    the talks were "substantive, serious, and direct""; 43-1 "state-owned media such as the Global Times and
    People's Daily described the talks as historic" (two outlets of China, one statement)."""
    assert '"direct, frank, and constructive"' in article
    assert '"substantive, serious, and direct"' in article
    assert "People's Daily described the talks as historic" in article
    rows = select("characterizations-of-the-talks")
    assert [row[:4] for row in rows] == [
        (
            "akr:china",
            "akr:chinese-delegation",
            "akr:chinese-characterization-of-talks",
            "akr:chinese-remarks-to-media",
        ),
        ("akr:china", "akr:global-times", "akr:chinese-state-media-assessment", None),
        ("akr:china", "akr:peoples-daily", "akr:chinese-state-media-assessment", None),
        (
            "akr:united-states",
            "akr:american-delegation",
            "akr:american-characterization-of-talks",
            "akr:american-remarks-on-the-talks",
        ),
    ]
    assert len({row[2] for row in rows}) == 3
    assert [row[5] for row in rows] == [
        "direct, frank, and constructive",
        None,
        None,
        "substantive, serious, and direct",
    ]


def test_expectations_before_the_talks(select, article: str) -> None:
    """10-1: "Prior to the event, the United States stated that the meeting was going to be a one-off event that
    would be used to air a "long list of [U.S.] concerns" with China while China portrayed it as a high level
    strategic dialogue that presented the country with an opportunity to reset relations with the United States
    and negotiate an end to the Trump era trade restrictions"; 38-1: Trudeau "was confident that the American
    delegation would bring up the detention of Michael Spavor and Michael Kovrig as a topic of discussion with
    their Chinese interlocutors at the talks". Who expected whom to act, towards whom, for what."""
    assert "Prior to the event, the United States stated" in article
    assert "would bring up the detention of Michael Spavor and Michael Kovrig" in article
    assert select("expectations-before-the-talks") == [
        (
            "akr:china",
            "akr:china",
            "akr:china",
            "akr:united-states",
            "akr:end-of-trump-era-trade-restrictions",
            "akr:issue-trade-sanctions-and-tariffs",
            None,
        ),
        (
            "akr:china",
            "akr:china",
            "akr:china",
            "akr:united-states",
            "akr:reset-of-china-us-relations",
            "akr:china-us-relations",
            None,
        ),
        (
            "akr:justin-trudeau",
            "akr:canada",
            "akr:american-delegation",
            "akr:chinese-delegation",
            None,
            "akr:issue-detention-of-spavor-and-kovrig",
            None,
        ),
        (
            "akr:united-states",
            "akr:united-states",
            "akr:united-states",
            "akr:china",
            "akr:airing-of-us-concerns",
            None,
            "long list of [U.S.] concerns",
        ),
    ]


def test_timeline(select, article: str) -> None:
    """Dates from 3-1 (18–19 March 2021) for the talks and their days; relations as the article states them:
    "In the week before the talks" (6-2), "Preceding the talks" (6-1: began before, not ended before),
    "After the meeting" (18-1), "followed two days later by a visit" (45-1). Biden's coming into office is
    placed only inside Pang's quotation (8-2), so the narrative gives it no relation; the other events and
    situations (the example events, the outcomes, the Chinese remarks, the venue choice) carry no time in the
    article."""
    assert "just 50 days after Biden came into office" in article
    assert "In the week before the talks" in article
    assert "followed two days later" in article
    assert select("timeline") == [
        ("akr:talks-day-1", "2021-03-18", "2021-03-18", "ak:before", "akr:talks-day-2", None),
        ("akr:alaska-talks", "2021-03-18", "2021-03-19", None, None, None),
        ("akr:talks-day-2", "2021-03-19", "2021-03-19", None, None, None),
        ("akr:american-remarks-on-the-talks", None, None, None, None, None),
        ("akr:anchorage-as-mid-point", None, None, None, None, None),
        ("akr:australia-china-trade-war", None, None, None, None, None),
        ("akr:biden-takes-office", None, None, None, None, None),
        ("akr:black-lives-matter-protests", None, None, None, None, None),
        ("akr:blinken-remarks-to-media", None, None, "ak:after", "akr:alaska-talks", "After the meeting"),
        ("akr:change-in-power-relations", None, None, None, None, None),
        ("akr:china-us-trade-war", None, None, None, None, None),
        ("akr:chinese-refusal-of-position-of-power", None, None, None, None, None),
        ("akr:chinese-remarks-to-media", None, None, None, None, None),
        ("akr:choice-of-anchorage", None, None, None, None, None),
        ("akr:lavrov-visit-to-china", None, None, "ak:after", "akr:alaska-talks", "two days later"),
        ("akr:merchandise-sales", None, None, None, None, None),
        ("akr:microsoft-exchange-breach", None, None, None, None, None),
        ("akr:no-joint-statement", None, None, None, None, None),
        ("akr:quad-meeting", None, None, "ak:before", "akr:alaska-talks", "In the week before the talks"),
        ("akr:rise-of-anti-american-nationalism", None, None, None, None, None),
        (
            "akr:sanctions-on-chinese-officials",
            None,
            None,
            "ak:before",
            "akr:alaska-talks",
            "In the week before the talks",
        ),
        (
            "akr:south-korea-meeting",
            None,
            None,
            "ak:before",
            "akr:alaska-talks",
            "In the week before the talks",
        ),
        ("akr:strained-relations", None, None, "ak:beganBefore", "akr:alaska-talks", "Preceding the talks"),
        ("akr:strengthening-china-russia-relations", None, None, None, None, None),
    ]


def test_allies_in_the_week_before(select, article: str) -> None:
    """Sentence 6-2: "met with South Korea to reaffirm their alliance, imposed sanctions on senior Chinese
    officials along with the UK, the EU and Canada, and met with the other members of Quadrilateral Security
    Dialogue" (the other members: not the Quad, which includes the United States)."""
    assert "along with the UK, the EU and Canada" in article
    assert "met with South Korea" in article
    assert select("allies-in-the-week-before") == [
        ("akr:quad-meeting", "akr:other-quad-members", None, "In the week before the talks"),
        (
            "akr:sanctions-on-chinese-officials",
            "akr:canada",
            "akr:senior-chinese-officials",
            "In the week before the talks",
        ),
        (
            "akr:sanctions-on-chinese-officials",
            "akr:european-union",
            "akr:senior-chinese-officials",
            "In the week before the talks",
        ),
        (
            "akr:sanctions-on-chinese-officials",
            "akr:united-kingdom",
            "akr:senior-chinese-officials",
            "In the week before the talks",
        ),
        ("akr:south-korea-meeting", "akr:south-korea", None, "In the week before the talks"),
    ]


def test_assessments(select, article: str) -> None:
    """Sentences 6-3 (Pavel), 8-2 (Pang), 41-1 (IISS), 41-2 (Ward, in his book The Internationalists), 41-3
    (Economy), 41-4 (The National Interest, "likely"), 41-5 (The Washington Post), 43-1 (Global Times and
    People's Daily), 43-3 (The Diplomat, "likely"). 43-5 is no assessment of Marquis and Qiao: "According
    to" them, Chinese commentators celebrated Yang's statement (issue 10)."""
    assert "In his book The Internationalists, Alexander Ward said" in article
    assert 'China likely got the "wrong message"' in article
    assert select("assessments") == [
        (
            "akr:alexander-ward",
            "akr:the-internationalists",
            "Blinken's response to Yang reflected the administration's goal of highlighting the country's enduring capacity for global leadership.",
            None,
        ),
        (
            "akr:barry-pavel",
            None,
            "The sequence of meetings in advance of the US–China meeting was to show the approach of the Biden administration: consulting with allies and partners, presenting a united front, and countering China's tactic of picking countries off one by one.",
            None,
        ),
        (
            "akr:elizabeth-economy",
            None,
            "The administration's interim national security strategic guidance addressed many of Yang's criticisms, but should be seen as a prelude to further action the administration needed to take to repair the damage to America's global standing caused by the policies of the Trump administration.",
            None,
        ),
        (
            "akr:global-times",
            None,
            "The talks were historic for marking a change in power relations between the two countries.",
            None,
        ),
        (
            "akr:iiss",
            None,
            "Compared to the Trump administration's policy towards China, the altercations during the meeting signaled the adoption of a more ideological and alliance-based approach from the Biden administration.",
            None,
        ),
        (
            "akr:pang-zhongying",
            None,
            "Holding the meeting in Anchorage showed goodwill, but it was already very difficult for the two sides to have the meeting just 50 days after Biden came into office.",
            None,
        ),
        (
            "akr:peoples-daily",
            None,
            "The talks were historic for marking a change in power relations between the two countries.",
            None,
        ),
        (
            "akr:the-diplomat",
            None,
            "The Chinese were likely trying to permanently change America's negotiating posture with China by signaling that China would no longer accept any direct criticism and now demanded respect in the context of a new type of great power relations.",
            "likely",
        ),
        (
            "akr:the-national-interest",
            None,
            "China likely got the wrong message from the meeting by showing no recognition that the American negotiators were also representing the interests and concerns of America's allies.",
            "likely",
        ),
        (
            "akr:washington-post",
            None,
            "The talks shattered any illusions of a reset in U.S.-China relations following the end of the Trump administration.",
            None,
        ),
    ]


def test_affiliations_and_offices(select, article: str) -> None:
    """Sentences 3-3, 3-4 (offices and delegations; Yang "a member of the Politburo"), 6-3 ("Barry Pavel of the
    Atlantic Council"), 8-2 ("an international relations specialist at Nankai University"), 18-2 ("President
    Biden"), 38-1 ("Canadian prime minister Justin Trudeau"), 45-1 ("Russian foreign minister Sergey Lavrov")."""
    assert "Barry Pavel of the Atlantic Council" in article
    assert "specialist at Nankai University" in article
    assert "Russian foreign minister Sergey Lavrov" in article
    assert select("affiliations-and-offices") == [
        ("akr:antony-blinken", "holds post", "akr:post-us-secretary-of-state", "akr:alaska-talks"),
        ("akr:antony-blinken", "member of", "akr:american-delegation", None),
        ("akr:barry-pavel", "affiliated with", "akr:atlantic-council", None),
        ("akr:jake-sullivan", "holds post", "akr:post-us-national-security-advisor", "akr:alaska-talks"),
        ("akr:jake-sullivan", "member of", "akr:american-delegation", None),
        ("akr:joe-biden", "holds post", "akr:post-us-president", "akr:alaska-talks"),
        ("akr:justin-trudeau", "holds post", "akr:post-canada-prime-minister", None),
        ("akr:pang-zhongying", "affiliated with", "akr:nankai-university", None),
        ("akr:sergey-lavrov", "holds post", "akr:post-russia-foreign-minister", "akr:lavrov-visit-to-china"),
        ("akr:wang-yi", "holds post", "akr:post-china-foreign-minister", "akr:alaska-talks"),
        ("akr:wang-yi", "member of", "akr:chinese-delegation", None),
        ("akr:yang-jiechi", "holds post", "akr:post-ccp-politburo-member", "akr:alaska-talks"),
        ("akr:yang-jiechi", "member of", "akr:ccp-politburo", None),
        ("akr:yang-jiechi", "member of", "akr:chinese-delegation", None),
    ]


def test_places_in_issues_and_claims(select, article: str) -> None:
    """Places tied to issues (Hong Kong, Xinjiang, Tibet, Taiwan: 14-2, 23-1, 24-1, 32-1, 34-1; China: 25-1, 32-1,
    33-1; the United States: 36-1) and to statements about them (Anchorage in Pang's 8-2; China in 10-1, 18-1,
    43-3; the United States in 14-2, 26-1). In 16-3 China is a party (ak:saidToDisagreeWith), not a topic, and
    Taiwan is the topic ("the issue of Taiwan"), reached through the issue, not a statement row."""
    assert "such as in Hong Kong, Xinjiang and Tibet" in article
    assert "Persecution of Uyghurs in China" in article
    assert select("places-in-issues-and-claims") == [
        ("akr:anchorage", "statement", "akr:pang-assessment"),
        ("akr:china", "issue", "akr:issue-interference-in-internal-affairs"),
        ("akr:china", "issue", "akr:issue-one-china-principle"),
        ("akr:china", "issue", "akr:issue-persecution-of-uyghurs"),
        ("akr:china", "statement", "akr:blinken-account-of-intent"),
        ("akr:china", "statement", "akr:china-raises-interference"),
        ("akr:china", "statement", "akr:diplomat-assessment"),
        ("akr:china", "statement", "akr:us-expectation"),
        ("akr:china", "statement", "akr:us-raises-uyghurs"),
        ("akr:hong-kong", "issue", "akr:issue-hong-kong"),
        ("akr:hong-kong", "issue", "akr:issue-interference-in-internal-affairs"),
        ("akr:hong-kong", "issue", "akr:issue-political-suppression-in-hong-kong"),
        ("akr:hong-kong", "statement", "akr:blinken-opening-accusation"),
        ("akr:hong-kong", "statement", "akr:china-raises-interference"),
        ("akr:hong-kong", "statement", "akr:us-raises-hong-kong"),
        ("akr:taiwan", "issue", "akr:issue-one-china-principle"),
        ("akr:taiwan", "issue", "akr:issue-taiwan"),
        ("akr:taiwan", "issue", "akr:issue-taiwanese-security"),
        ("akr:taiwan", "statement", "akr:blinken-opening-accusation"),
        ("akr:taiwan", "statement", "akr:us-raises-taiwanese-security"),
        ("akr:tibet", "issue", "akr:issue-interference-in-internal-affairs"),
        ("akr:tibet", "issue", "akr:issue-tibet"),
        ("akr:tibet", "statement", "akr:china-raises-interference"),
        ("akr:united-states", "issue", "akr:issue-chinese-espionage-in-the-united-states"),
        ("akr:united-states", "issue", "akr:issue-race-relations"),
        ("akr:united-states", "statement", "akr:blinken-opening-accusation"),
        ("akr:united-states", "statement", "akr:us-raises-espionage"),
        ("akr:xinjiang", "issue", "akr:issue-double-standards-on-counter-terrorism"),
        ("akr:xinjiang", "issue", "akr:issue-interference-in-internal-affairs"),
        ("akr:xinjiang", "issue", "akr:issue-xinjiang"),
        ("akr:xinjiang", "statement", "akr:blinken-opening-accusation"),
        ("akr:xinjiang", "statement", "akr:china-raises-counter-terrorism"),
        ("akr:xinjiang", "statement", "akr:china-raises-interference"),
    ]


def test_agreements_and_disagreements(select, article: str) -> None:
    """Sentence 16-1: "ended on the second day without any joint statements, but both sides agreed on the value of
    using the talks as an opportunity to hear and better understand each other's issues and to continue
    cooperation on issues related to climate change"; 16-5: "Both sides agreed to maintain open channels"."""
    assert "without any joint statements" in article
    assert "Both sides agreed to maintain open channels" in article
    assert select("agreements-and-disagreements") == [
        (
            "agreed",
            "It was valuable to use the talks as an opportunity to hear and better understand each other's issues.",
            "akr:issue-mutual-understanding",
        ),
        (
            "agreed",
            "The two sides would continue cooperation on issues related to climate change.",
            "akr:issue-climate-change",
        ),
        (
            "agreed",
            "The two sides would maintain open channels for continued dialogue and communication.",
            "akr:issue-channels-of-dialogue",
        ),
        ("outcome", "The conference ended on the second day without any joint statements.", None),
    ]


def test_issue_examples(select, article: str) -> None:
    """Sentences 26-1 (the Americans: "Chinese espionage in the United States, notably the 2021 Microsoft
    Exchange Server data breach"), 27-1 (the Americans: "Economic coercion of American allies such as the
    Australia-China trade war"), 36-1 (the Chinese: "hypocritical on race relations and human rights by bringing
    up Black Lives Matter protests"). Each example hangs off the framing that cites it, with the side that framed
    it and the neutral topic above it; the trade war of 35-1 is a time reference, not an example."""
    assert "notably the 2021 Microsoft Exchange Server data breach" in article
    assert "such as the Australia-China trade war" in article
    assert select("issue-examples") == [
        (
            "akr:issue-chinese-espionage-in-the-united-states",
            "akr:united-states",
            "akr:issue-cyber-espionage",
            "akr:microsoft-exchange-breach",
        ),
        (
            "akr:issue-economic-coercion",
            "akr:united-states",
            "akr:issue-coercion",
            "akr:australia-china-trade-war",
        ),
        (
            "akr:issue-us-hypocrisy-on-race-relations",
            "akr:china",
            "akr:issue-human-rights",
            "akr:black-lives-matter-protests",
        ),
        (
            "akr:issue-us-hypocrisy-on-race-relations",
            "akr:china",
            "akr:issue-race-relations",
            "akr:black-lives-matter-protests",
        ),
    ]


def test_allegations(select, article: str) -> None:
    """The four list items that begin "Alleged" (28-1 by the Americans; 32-1, 34-1, 37-1 by the Chinese), one
    row per issue each concerns."""
    assert "- Alleged military coercion" in article
    assert "- Alleged interference" in article
    assert "- Alleged double standards" in article
    assert "- Alleged presence" in article
    assert select("allegations") == [
        (
            "akr:american-delegation",
            "Alleged military coercion of American allies and partners by China.",
            "akr:issue-military-coercion",
        ),
        (
            "akr:chinese-delegation",
            "Alleged double standards on counter-terrorism with regards to governance in Xinjiang.",
            "akr:issue-double-standards-on-counter-terrorism",
        ),
        (
            "akr:chinese-delegation",
            "Alleged double standards on counter-terrorism with regards to governance in Xinjiang.",
            "akr:issue-xinjiang",
        ),
        (
            "akr:chinese-delegation",
            "Alleged interference in China's internal affairs under the guise of human rights issues, such as in Hong Kong, Xinjiang and Tibet.",
            "akr:issue-hong-kong",
        ),
        (
            "akr:chinese-delegation",
            "Alleged interference in China's internal affairs under the guise of human rights issues, such as in Hong Kong, Xinjiang and Tibet.",
            "akr:issue-human-rights",
        ),
        (
            "akr:chinese-delegation",
            "Alleged interference in China's internal affairs under the guise of human rights issues, such as in Hong Kong, Xinjiang and Tibet.",
            "akr:issue-interference-in-internal-affairs",
        ),
        (
            "akr:chinese-delegation",
            "Alleged interference in China's internal affairs under the guise of human rights issues, such as in Hong Kong, Xinjiang and Tibet.",
            "akr:issue-tibet",
        ),
        (
            "akr:chinese-delegation",
            "Alleged interference in China's internal affairs under the guise of human rights issues, such as in Hong Kong, Xinjiang and Tibet.",
            "akr:issue-xinjiang",
        ),
        (
            "akr:chinese-delegation",
            "Alleged presence of a Cold War mentality within the American government when dealing with China.",
            "akr:issue-cold-war-mentality",
        ),
    ]


def test_response_chain(select, article: str) -> None:
    """Sentence 14-3: "Yang responded by accusing ..." (four remarks, all answering Blinken's opening of 14-2);
    14-4: "Blinken responded by citing his impressions ... which he said undermined the assertions that Yang
    made"."""
    assert "Yang responded by accusing" in article
    assert "Blinken responded by citing" in article
    assert select("response-chain") == [
        (
            "akr:antony-blinken",
            "akr:blinken-rebuttal",
            "akr:kind-rebuttal",
            "akr:yang-condescension-accusation",
            "akr:yang-jiechi",
        ),
        (
            "akr:antony-blinken",
            "akr:blinken-rebuttal",
            "akr:kind-rebuttal",
            "akr:yang-cyber-espionage-accusation",
            "akr:yang-jiechi",
        ),
        (
            "akr:antony-blinken",
            "akr:blinken-rebuttal",
            "akr:kind-rebuttal",
            "akr:yang-democracy-demand",
            "akr:yang-jiechi",
        ),
        (
            "akr:antony-blinken",
            "akr:blinken-rebuttal",
            "akr:kind-rebuttal",
            "akr:yang-public-opinion-criticism",
            "akr:yang-jiechi",
        ),
        (
            "akr:yang-jiechi",
            "akr:yang-condescension-accusation",
            "akr:kind-accusation",
            "akr:blinken-opening-accusation",
            "akr:antony-blinken",
        ),
        (
            "akr:yang-jiechi",
            "akr:yang-cyber-espionage-accusation",
            "akr:kind-accusation",
            "akr:blinken-opening-accusation",
            "akr:antony-blinken",
        ),
        (
            "akr:yang-jiechi",
            "akr:yang-democracy-demand",
            "akr:kind-demand",
            "akr:blinken-opening-accusation",
            "akr:antony-blinken",
        ),
        (
            "akr:yang-jiechi",
            "akr:yang-public-opinion-criticism",
            "akr:kind-criticism",
            "akr:blinken-opening-accusation",
            "akr:antony-blinken",
        ),
    ]


def test_unlinked_entities(select, article: str) -> None:
    """The persons, organizations, places and posts with no confirmed QID in data/reference/wikidata-qids.tsv
    (the Biden administration has only its cabinet's item there, which is not the administration)."""
    assert "Biden administration" in article
    assert select("unlinked-entities") == [
        ("akr:biden-administration", "Biden administration", "ak:Administration"),
        ("akr:quad", "Quadrilateral Security Dialogue", "ak:InternationalGrouping"),
        ("akr:the-diplomat", "The Diplomat", "ak:MediaOutlet"),
        ("akr:the-national-interest", "The National Interest", "ak:MediaOutlet"),
        ("akr:alexander-ward", "Alexander Ward", "ak:Person"),
        ("akr:barry-pavel", "Barry Pavel", "ak:Person"),
        ("akr:christopher-marquis", "Christopher Marquis", "ak:Person"),
        ("akr:elizabeth-economy", "Elizabeth Economy", "ak:Person"),
        ("akr:kunyuan-qiao", "Kunyuan Qiao", "ak:Person"),
        ("akr:michael-kovrig", "Michael Kovrig", "ak:Person"),
        ("akr:michael-spavor", "Michael Spavor", "ak:Person"),
        ("akr:pang-zhongying", "Pang Zhongying", "ak:Person"),
        (
            "akr:post-ccp-politburo-member",
            "Member of the Politburo of the Chinese Communist Party",
            "ak:Post",
        ),
        ("akr:global-times", "Global Times", "ak:StateOwnedMediaOutlet"),
        ("akr:atlantic-council", "Atlantic Council", "ak:ThinkTank"),
        ("akr:iiss", "International Institute for Strategic Studies", "ak:ThinkTank"),
    ]


def test_after_the_talks(select, article: str) -> None:
    """Sentence 18-1 "After the meeting, Blinken stated to the media"; 45-1 "followed two days later by a visit
    to China from Russian foreign minister Sergey Lavrov": Russia is the third country."""
    assert "After the meeting, Blinken stated to the media" in article
    assert "Russian foreign minister Sergey Lavrov" in article
    assert select("after-the-talks") == [
        ("akr:blinken-account-of-intent", "After the meeting", None),
        ("akr:blinken-remarks-to-media", "After the meeting", None),
        ("akr:lavrov-visit-to-china", "two days later", "akr:russia"),
    ]


def test_media_voices(select, article: str) -> None:
    """43-1: "In China, state-owned media such as the Global Times and People's Daily described the talks as
    historic"; 41-4 "The conservative American publication The National Interest"; 41-5 The Washington Post; 43-3
    The Diplomat (the article gives no country for these two)."""
    assert "state-owned media such as the Global Times" in article
    assert "conservative American publication The National Interest" in article
    assert select("media-voices") == [
        (
            "akr:the-diplomat",
            None,
            "false",
            "The Chinese were likely trying to permanently change America's negotiating posture with China by signaling that China would no longer accept any direct criticism and now demanded respect in the context of a new type of great power relations.",
        ),
        (
            "akr:washington-post",
            None,
            "false",
            "The talks shattered any illusions of a reset in U.S.-China relations following the end of the Trump administration.",
        ),
        (
            "akr:global-times",
            "akr:china",
            "true",
            "The talks were historic for marking a change in power relations between the two countries.",
        ),
        (
            "akr:peoples-daily",
            "akr:china",
            "true",
            "The talks were historic for marking a change in power relations between the two countries.",
        ),
        (
            "akr:the-national-interest",
            "akr:united-states",
            "false",
            "China likely got the wrong message from the meeting by showing no recognition that the American negotiators were also representing the interests and concerns of America's allies.",
        ),
    ]


def test_statement_counts_by_speaker(select, article: str) -> None:
    """Counted from the article: the Chinese delegation 15 (denunciation 14-1, protocol 14-5, three agreements
    16-1/16-5, four remarks 16-2/16-3, six issues 32-37), the American delegation 12 (denunciation, protocol, three
    agreements, characterization 16-4, six issues 23-28), Yang 5 (four in 14-3, one in 43-5), Blinken 3 (14-2,
    14-4, 18-1), China 2 (10-1, 45-2; 43-2 is the article's explanation, not China's statement), Pavel 2 (6-3),
    every other speaker 1 (Marquis and Qiao only report 43-5). Not counted: "statements made by Yang and Wang
    at the talks" that merchandise quoted (43-4), which the article does not give and which may be among
    those counted, so Wang Yi, who has no other statement, has no row."""
    assert "Yang responded by accusing" in article
    assert "merchandise quoting statements made by Yang and Wang at the talks" in article
    assert select("statement-counts-by-speaker") == [
        ("akr:chinese-delegation", "15"),
        ("akr:american-delegation", "12"),
        ("akr:yang-jiechi", "5"),
        ("akr:antony-blinken", "3"),
        ("akr:barry-pavel", "2"),
        ("akr:china", "2"),
        ("akr:alexander-ward", "1"),
        ("akr:chinese-commentators", "1"),
        ("akr:elizabeth-economy", "1"),
        ("akr:global-times", "1"),
        ("akr:iiss", "1"),
        ("akr:joe-biden", "1"),
        ("akr:justin-trudeau", "1"),
        ("akr:pang-zhongying", "1"),
        ("akr:peoples-daily", "1"),
        ("akr:the-diplomat", "1"),
        ("akr:the-national-interest", "1"),
        ("akr:united-states", "1"),
        ("akr:washington-post", "1"),
    ]


def test_issue_counts_by_side(select, article: str) -> None:
    """Six list items under "Issues publicly raised by the Americans", one "Alleged"; six under "... by the
    Chinese", three "Alleged". The counts are those of the rows of issues-by-side (items, distinct issues,
    alleged items), so the two queries cannot disagree."""
    assert "Issues publicly raised by the Americans included:" in article
    assert "Issues publicly raised by the Chinese included:" in article
    counts = select("issue-counts-by-side")
    assert [(side, items, alleged) for side, items, _, alleged in counts] == [
        ("akr:china", "6", "3"),
        ("akr:united-states", "6", "1"),
    ]
    listed = select("issues-by-side")
    for side, items, issues, alleged in counts:
        rows = [r for r in listed if r[0] == side]
        assert int(items) == len({r[3] for r in rows})
        assert int(issues) == len({r[1] for r in rows})
        assert int(alleged) == len({r[3] for r in rows if r[2] == "true"})


def test_assessment_counts_by_commentator_kind(select, article: str) -> None:
    """Persons: Pavel, Pang, Ward, Economy (4; Marquis and Qiao report, 43-5); outlets: The National Interest, The Washington
    Post, The Diplomat (3); state-owned: Global Times with People's Daily (1); think tank: the IISS (1)."""
    assert "An assessment by the International Institute for Strategic Studies" in article
    assert select("assessment-counts-by-commentator-kind") == [
        ("ak:Person", "4"),
        ("ak:MediaOutlet", "3"),
        ("ak:StateOwnedMediaOutlet", "1"),
        ("ak:ThinkTank", "1"),
    ]


# ---------------------------------------------------------------- a parameterized query


def test_statements_about_the_taiwan_issue(select, article: str) -> None:
    """Taiwan: Blinken's "hostile actions against Xinjiang, Hong Kong and Taiwan" (14-2), the Chinese
    representatives on "the issue of Taiwan" (16-3) and the American list item "Taiwanese security" (23-1)."""
    for phrase in ("against Xinjiang, Hong Kong and Taiwan", "the issue of Taiwan", "- Taiwanese security"):
        assert phrase in article
    assert select("statements-about", "topic=akr:issue-taiwan") == [
        ("akr:issue-taiwan", "akr:blinken-opening-accusation", "akr:antony-blinken"),
        ("akr:issue-taiwan", "akr:chinese-taiwan-at-odds", "akr:chinese-delegation"),
        ("akr:issue-taiwan", "akr:us-raises-taiwanese-security", "akr:american-delegation"),
    ]


def test_statements_about_the_place_xinjiang(select, article: str) -> None:
    """Xinjiang as a place: 14-2 (Blinken), 32-1 ("such as in Hong Kong, Xinjiang and Tibet") and 34-1
    ("governance in Xinjiang")."""
    for phrase in ("against Xinjiang", "Hong Kong, Xinjiang and Tibet", "governance in Xinjiang"):
        assert phrase in article
    assert select("statements-about", "topic=akr:xinjiang") == [
        ("akr:xinjiang", "akr:blinken-opening-accusation", "akr:antony-blinken"),
        ("akr:xinjiang", "akr:china-raises-counter-terrorism", "akr:chinese-delegation"),
        ("akr:xinjiang", "akr:china-raises-interference", "akr:chinese-delegation"),
    ]


def test_statements_about_unbound_widens_to_every_statement(select, dataset) -> None:
    """Left unbound, ?topic matches anything: every statement that concerns, is about or is against something
    appears (all but the two stand-ins for the statements merchandise quoted, 43-4, whose content the article
    does not give), and the rows of each bound topic are among them."""
    rows = select("statements-about")
    statements = {row[1] for row in rows}
    every = dataset.store.query(
        "SELECT DISTINCT ?s WHERE { ?s <https://w3id.org/alaska-kg/ontology#speaker> ?x }",
        default_graph=dataset.graphs("all"),
    )
    assert {"akr:" + s["s"].value.rsplit("/", 1)[1] for s in every} - statements == {
        "akr:yang-statements-on-merchandise",
        "akr:wang-statements-on-merchandise",
    }
    assert len(statements) == 48
    for topic in ("akr:issue-taiwan", "akr:xinjiang"):
        assert set(select("statements-about", f"topic={topic}")) <= set(rows)


# ---------------------------------------------------------------- the reasoning query


def test_actors_in_sem_terms_appear_only_after_reasoning(select, article: str) -> None:
    """Written in SEM and schema.org only: the actors of the talks are the two delegations and their four named
    members (attendees, 3-3 and 3-4) and the two countries (parties, not attendees). The data states none of
    these terms, so the asserted graph answers nothing and the inferred graph alone answers everything."""
    assert "Some American officials who attended the talks include" in article
    expected = [
        ("akr:american-delegation", "true"),
        ("akr:antony-blinken", "true"),
        ("akr:biden-administration", "false"),
        ("akr:china", "false"),
        ("akr:chinese-delegation", "true"),
        ("akr:jake-sullivan", "true"),
        ("akr:united-states", "false"),
        ("akr:wang-yi", "true"),
        ("akr:yang-jiechi", "true"),
    ]
    assert select("talks-actors-in-sem") == expected
    assert select("talks-actors-in-sem", graph="inferred") == expected
    assert select("talks-actors-in-sem", graph="asserted") == []


# ---------------------------------------------------------------- the catalog as a whole


def test_there_are_at_least_25_canned_queries(layout) -> None:
    assert len(query_ids(layout)) >= 25


def test_every_canned_query_has_a_complete_header_and_explicit_prefixes(layout) -> None:
    """summary, description and tags always; columns for SELECT; typed params; PREFIX lines for every prefix
    used (the file must parse with no predeclared prefixes); no SELECT *."""
    for query in canned_queries(layout):
        header = query.header
        assert header.summary and "\n" not in header.summary, query.id
        assert header.description, query.id
        assert header.tags, query.id
        body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
        assert not re.search(r"SELECT\s+(DISTINCT\s+)?\*", body, re.I), f"{query.id}: SELECT *"
        is_select = re.search(r"^\s*SELECT\b", body, re.I | re.M) is not None
        assert bool(header.columns) == is_select, f"{query.id}: columns iff SELECT"
        used = set(re.findall(r"(?<![\w<])([a-z][\w-]*):[A-Za-z_]", re.sub(r"<[^>]*>|\"[^\"]*\"", "", body)))
        declared = set(re.findall(r"PREFIX\s+([\w-]*):", body, re.I))
        assert used <= declared, f"{query.id}: prefixes used but not declared: {sorted(used - declared)}"


def test_every_canned_query_runs_with_its_declared_columns(dataset, layout) -> None:
    """The projection Oxigraph parses equals the header's columns (run_query checks it), for every query."""
    from alaska_kg.query.run import run_query

    for query in (q for q in canned_queries(layout) if not q.federated):  # test_federated_* cover those
        answer = run_query(dataset, query)
        if answer.kind == "select":
            assert answer.variables == query.header.columns, query.id


# ---------------------------------------------------------------- integrity checks


def _check_names(layout) -> list[str]:
    return list(query_ids(layout, checks=True))


def test_checks_return_no_rows_on_the_real_data(layout) -> None:
    from alaska_kg.build.checks import run_checks

    assert len(_check_names(layout)) >= 8
    assert run_checks(layout) == ()


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_each_check_catches_its_broken_fixture(fixture: Path, layout) -> None:
    """Each fixture declares the check it breaks (`#+ breaks: checks/NAME`); that check returns a row on it."""
    header = re.search(r"^#\+ breaks: (\S+)$", fixture.read_text(encoding="utf-8"), re.M)
    assert header, f"{fixture}: no '#+ breaks: checks/NAME' header"
    store = Store()
    store.load(path=str(fixture), format=RdfFormat.TURTLE)
    result = store.query(find_query(layout, header[1]).text)
    assert isinstance(result, QuerySolutions)
    assert len(list(result)) >= 1, f"{header[1]} finds nothing wrong in {fixture.name}"


def test_every_check_has_a_fixture(layout) -> None:
    broken = {
        re.search(r"^#\+ breaks: (\S+)$", p.read_text(encoding="utf-8"), re.M)[1]
        for p in FIXTURES.glob("*.ttl")
    }
    assert set(_check_names(layout)) == broken


def test_validate_runs_the_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """If a quote no longer appears in its sentence, then SHACL still passes but `validate` fails the check."""
    import shutil

    from alaska_kg.cli.app import main

    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name)
    statements = tmp_path / "data/statements.ttl"
    text = statements.read_text(encoding="utf-8")
    statements.write_text(
        text.replace('ak:quote "fundamentally at odds"@en', 'ak:quote "at odds forever"@en')
    )
    assert main(["validate", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "check failed: checks/quote-not-in-source-sentence" in out
    assert "akr:chinese-taiwan-at-odds" in out


# ---------------------------------------------------------------- the documentation


def test_docs_queries_md_is_up_to_date(layout, dataset_file: Path) -> None:
    """docs/queries.md is generated from the headers with example runs; regenerate it after any change with
    `python -m alaska_kg.cli.query_docs`."""
    from alaska_kg.cli.query_docs import render_query_docs

    expected = render_query_docs(layout, dataset_file)
    assert (ROOT / "docs/queries.md").read_text(encoding="utf-8") == expected, (
        "docs/queries.md is out of date: run `python -m alaska_kg.cli.query_docs`"
    )


def test_queries_command_lists_what_the_docs_list(cli, layout) -> None:
    code, out, _ = cli("queries")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    documented = re.findall(r"^\| \[`([a-z0-9-]+)`\]", (ROOT / "docs/queries.md").read_text(), re.M)
    assert listed == documented == list(query_ids(layout))


def test_wikidata_links_are_exactly_the_confirmed_items_of_entities_the_article_names(select) -> None:
    """Every QID the reference list confirms is linked, except the items it marks as alternatives ("prefer the
    main one"), the cabinets (not the administrations), and items of things the article does not name
    (Tianjin, the Taiwan Strait, the Politburo Standing Committee, the General Secretary post)."""
    import csv

    with (ROOT / "data/reference/wikidata-qids.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))
    confirmed = {r["qid"] for r in rows if r["status"] == "confirmed"}
    not_linked = {
        "Q17252": "Tibet, alternative item",
        "Q7942": "global warming, alternative item for climate change",
        "Q22502": "Taiwan island, alternative item",
        "Q29520": "China as a cultural region, alternative item",
        "Q101250904": "the cabinet of Joe Biden, not the Biden administration",
        "Q27811470": "the Trump cabinet; the administration is linked to the presidency item",
        "Q849418": "General Secretary of the CCP: a post the article does not name",
        "Q11736": "Tianjin: not named in the article",
        "Q127031": "the Taiwan Strait: not named in the article",
        "Q197542": "the Politburo Standing Committee: not named in the article",
    }
    links = select("wikidata-links")
    assert {qid for _, _, qid, _, _ in links} == confirmed - set(not_linked)
    assert len(links) == 45
    assert all(iri == f"wd:{qid}" for _, _, qid, iri, _ in links)
    by_entity = {entity: qid for entity, _, qid, _, _ in links}
    # the relation follows the meaning (issue 10): four links are not the same thing
    assert {(e, m) for e, _, _, _, m in links if m != "skos:exactMatch"} == {
        ("akr:taiwan", "skos:closeMatch"),
        ("akr:trump-administration", "skos:closeMatch"),
        ("akr:issue-anti-american-nationalism", "skos:broadMatch"),
        ("akr:issue-cold-war-mentality", "skos:relatedMatch"),
    }
    assert by_entity["akr:antony-blinken"] == "Q7821917"
    assert by_entity["akr:sergey-lavrov"] == "Q58217"
    assert by_entity["akr:xi-jinping"] == "Q15031"
    assert by_entity["akr:ccp-politburo"] == "Q1076970"
    assert by_entity["akr:trump-administration"] == "Q27809653"


# ---------------------------------------------------------------- federated queries (never run in tests)


def _federated(layout):
    return [q for q in canned_queries(layout) if q.federated]


def test_federated_queries_parse_and_send_only_our_linked_items(layout) -> None:
    """Each federated query parses (rdflib's SPARQL parser: nothing is executed), reaches only the Wikidata
    Query Service, names no QID of its own (the items come from our skos:exactMatch links), and binds the
    SERVICE's ?item to a link."""
    from rdflib.plugins.sparql import prepareQuery

    federated = _federated(layout)
    assert {q.id for q in federated} == {"participants-on-wikidata", "places-on-wikidata"}
    for query in federated:
        prepareQuery(query.text)
        endpoints = set(re.findall(r"SERVICE\s+<([^>]+)>", query.text, re.I))
        assert endpoints == {"https://query.wikidata.org/sparql"}, query.id
        body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
        assert not re.search(r"\bwd:Q\d+|entity/Q\d+", body), f"{query.id} hard-codes a QID"
        assert re.search(r"skos:exactMatch \?item", body), query.id


def test_federated_queries_are_refused_without_allow_service(cli) -> None:
    """The network is reached only when the user asks for it."""
    for name in ("participants-on-wikidata", "places-on-wikidata"):
        code, _, err = cli("query", name)
        assert code == 12
        assert "--allow-service" in err
