"""Suggesting links: rank the candidates wbsearchentities found for an unlinked entity by label similarity
and type cues from their descriptions, each with the cues it used, for a person to judge (nothing is
written here)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from alaska_kg.wikidata.check import known_wrong
from alaska_kg.wikidata.client import SearchHit, WikidataClient
from alaska_kg.wikidata.links import Entity, Family, LinkData, ReferenceRow, TypeFit, normalize_label

_KIND_CUE_TEXT: dict[str, tuple[Family, str]] = {
    "person": (
        "person",
        "politician, diplomat, statesman, stateswoman, journalist, economist, lawyer, jurist, "
        "writer, author, scholar, academic, professor, researcher, analyst, official, civil servant, "
        "businessman, businesswoman, businessperson, entrepreneur, activist, historian, "
        "political scientist, scientist, sinologist, commentator, columnist, editor, strategist, "
        "military officer, army officer, soldier, actor, actress, singer, musician, athlete, "
        "spokesperson, spokesman, spokeswoman, born",
    ),
    "city": (
        "place",
        "city, town, municipality, capital, borough, village, settlement, metropolis, "
        "metropolitan area, port city",
    ),
    "country": ("place", "country, sovereign state, nation, republic, kingdom"),
    "region": (
        "place",
        "region, province, state of the united states, u.s. state, us state, autonomous region, "
        "special administrative region, territory, island, area, prefecture, county, plateau, "
        "country",
    ),
    "place": ("place", "place, location, area, region, city, country, territory, island"),
    "university": ("organization", "university, college, school, academy"),
    "media": (
        "organization",
        "newspaper, daily, news, media, broadcaster, television, radio, magazine, outlet, tabloid, "
        "website, news agency, journal",
    ),
    "company": (
        "organization",
        "company, corporation, business, conglomerate, enterprise, manufacturer, firm, multinational",
    ),
    "think-tank": (
        "organization",
        "think tank, institute, council, nonprofit, non-profit, organization, organisation, foundation",
    ),
    "party": ("organization", "political party, party, politburo, central committee, committee"),
    "government": (
        "organization",
        "government, ministry, department, agency, executive branch, administration, cabinet, "
        "legislature, congress, parliament, presidency",
    ),
    "international-organization": (
        "organization",
        "union, organization, organisation, alliance, bloc, partnership, forum, intergovernmental, "
        "international",
    ),
    "organization": (
        "organization",
        "organization, organisation, institution, institute, agency, association, foundation, "
        "council, committee, nonprofit, non-profit, ngo",
    ),
    "movement": ("organization", "movement, campaign, activism, protest"),
    "group": (
        "group",
        "ethnic group, people, peoples, group, community, minority, nationality, population, diaspora",
    ),
    "post": ("post", "position, office, post, title, head of"),
    "event": (
        "event",
        "event, war, attack, summit, meeting, talks, protest, sanctions, visit, conference, "
        "election, incident, breach, hack, cyberattack, dispute, negotiations, crisis, conflict, "
        "inauguration, riot, battle, period, era",
    ),
    "concept": (
        "concept",
        "concept, idea, phenomenon, doctrine, ideology, field, study, discipline, rights, principle, "
        "theory, term, relations, sentiment, issue, topic, practice, espionage, trade, policy, "
        "science, branch, opposition, nationalism",
    ),
    "policy": ("concept", "policy, doctrine, strategy, program, programme, initiative, law, act"),
    "work": ("concept", "book, novel, document, report, publication, paper, essay, film, speech"),
    "currency": ("concept", "currency, money"),
    "merchandise": ("concept", "product, goods, merchandise, clothing, brand, fashion"),
}
_KIND_CUES: dict[str, tuple[Family, tuple[str, ...]]] = {
    kind: (family, tuple(word.strip() for word in words.split(",")))
    for kind, (family, words) in _KIND_CUE_TEXT.items()
}
# Pairs of families whose words may describe the same thing (a "trade war" is an event and an issue); any
# other pair of different families excludes each other.
_COMPATIBLE_FAMILIES = frozenset({frozenset({"concept", "event"})})
# "46th president of the United States": an ordinal before an office is how Wikidata describes its holders.
_PERSON_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b")
# Pages of Wikimedia's own machinery, never a thing of the world.
_WIKIMEDIA_PAGE = re.compile(
    r"\bwikimedia (?:disambiguation page|list article|category|template|project page)\b"
)

SIMILARITY_WEIGHT = 1.0
FIT_WEIGHTS: dict[TypeFit, float] = {"compatible": 0.5, "unknown": 0.0, "incompatible": -0.5}
NO_DESCRIPTION_PENALTY = 0.1  # a bare item, with nothing to tell what it is, is harder to trust
WIKIMEDIA_PAGE_PENALTY = 1.0
KNOWN_WRONG_PENALTY = 2.0


@dataclass(frozen=True)
class TypeCue:
    """How a candidate's description fits our entity's kind, and the words that decided it."""

    fit: TypeFit
    words: tuple[str, ...]
    wikimedia_page: bool = False


@dataclass(frozen=True)
class Candidate:
    """One search hit, scored for one of our entities; `rank` is the API's own order (1-based)."""

    hit: SearchHit
    rank: int
    score: float
    similarity: float
    cue: TypeCue
    wrong: ReferenceRow | None = None


def _words(text: str, words: Iterable[str]) -> tuple[str, ...]:
    return tuple(w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text))


def type_cue(kind: str, description: str | None) -> TypeCue:
    """Does the description sound like our kind of thing, like an incompatible one, or neither?"""
    text = " ".join((description or "").casefold().split())
    if not text:
        return TypeCue("unknown", ())
    if page := _WIKIMEDIA_PAGE.search(text):
        return TypeCue("incompatible", (page.group(0),), wikimedia_page=True)
    family, own = _KIND_CUES.get(kind, ("thing", ()))
    mine = _words(text, own)
    if kind == "person" and (ordinal := _PERSON_ORDINAL.search(text)):
        mine += (ordinal.group(0),)
    if mine:
        return TypeCue("compatible", mine)
    if family == "thing":
        return TypeCue("unknown", ())
    against: list[str] = []
    for other_family, words in _KIND_CUES.values():
        if other_family == family or frozenset({family, other_family}) in _COMPATIBLE_FAMILIES:
            continue
        against += [w for w in _words(text, words) if w not in against]
    return TypeCue("incompatible", tuple(against)) if against else TypeCue("unknown", ())


def label_similarity(ours: Iterable[str], theirs: Iterable[str]) -> float:
    """The best difflib ratio (0…1) between any of our labels and any of the candidate's, normalized."""
    mine = [normalize_label(n) for n in ours]
    other = [normalize_label(n) for n in theirs]
    return max((difflib.SequenceMatcher(None, a, b).ratio() for a in mine for b in other), default=0.0)


def rank_candidates(
    entity: Entity, hits: Iterable[SearchHit], reference: Iterable[ReferenceRow] = ()
) -> tuple[Candidate, ...]:
    """Score = label similarity + type fit − penalties (no description, Wikimedia page, known-wrong QID);
    best first, the API's order breaking ties."""
    reference = tuple(reference)
    scored = []
    for rank, hit in enumerate(hits, start=1):
        similarity = label_similarity(entity.names, hit.names)
        cue = type_cue(entity.kind, hit.description)
        wrong = known_wrong(reference, entity, hit.qid)
        score = SIMILARITY_WEIGHT * similarity + FIT_WEIGHTS[cue.fit]
        if not hit.description:
            score -= NO_DESCRIPTION_PENALTY
        if cue.wikimedia_page:
            score -= WIKIMEDIA_PAGE_PENALTY
        if wrong is not None:
            score -= KNOWN_WRONG_PENALTY
        scored.append(Candidate(hit, rank, round(score, 3), round(similarity, 3), cue, wrong))
    scored.sort(key=lambda c: (-c.score, c.rank))
    return tuple(scored)


def suggest(data: LinkData, entity: Entity, client: WikidataClient, limit: int = 7) -> tuple[Candidate, ...]:
    """Search Wikidata for the entity's label and rank what comes back."""
    return rank_candidates(entity, client.search(entity.label, limit=limit), data.reference)


# ---------------------------------------------------------------- accept


__all__ = [
    "FIT_WEIGHTS",
    "KNOWN_WRONG_PENALTY",
    "NO_DESCRIPTION_PENALTY",
    "SIMILARITY_WEIGHT",
    "WIKIMEDIA_PAGE_PENALTY",
    "Candidate",
    "TypeCue",
    "label_similarity",
    "rank_candidates",
    "suggest",
    "type_cue",
]
