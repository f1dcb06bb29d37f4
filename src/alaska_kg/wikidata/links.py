"""Our links to Wikidata: read them with our labels, compare them with Wikidata's, rank candidates, add one.

A wrong QID is worse than none, so nothing here guesses: `check` compares each link with what Wikidata says
today, `rank_candidates` only orders what wbsearchentities found (with the cues it used, for a person to
judge), and `write_link` adds a link only when asked, with a note saying where it came from. Reading goes
through rdflib (the link commands are not on the per-query hot path); the network through
alaska_kg.wikidata.client.
"""

from __future__ import annotations

import csv
import difflib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SKOS

from alaska_kg.build.loading import parse_files, parse_turtle
from alaska_kg.errors import LinkRefused, OutputError, ResourceNotFound, UsageError
from alaska_kg.namespaces import AK, AKR, PREFIXES, WIKIDATA_ENTITY, expand, shorten
from alaska_kg.paths import Layout, ensure_writable
from alaska_kg.wikidata.client import Item, SearchHit, WikidataClient

REFERENCE_FILE = "reference/wikidata-qids.tsv"  # under data/
LINK_PREDICATE = SKOS.exactMatch  # what `link suggest --accept` writes
# Every SKOS mapping relation a link may use: the relation follows the meaning (issue 10), e.g. closeMatch
# for a region linked to the state of the same name, broadMatch for an item broader than our concept.
MAPPING_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.relatedMatch)
LABEL_MATCH_RELATIONS = ("exactMatch", "closeMatch")  # broader or related items bear other names
QID_PATTERN = re.compile(r"Q[1-9][0-9]*")
SEARCH_SOURCE = "Wikidata wbsearchentities, accepted by user"
GIVEN_SOURCE = (
    "Wikidata wbgetentities (QID given by the user, not among the search candidates), accepted by user"
)

LinkState = Literal["OK", "LABEL-MISMATCH", "REDIRECT", "MISSING", "KNOWN-WRONG"]
TypeFit = Literal["compatible", "unknown", "incompatible"]
ReferenceStatus = Literal["confirmed", "wrong"]
Family = Literal["person", "place", "organization", "group", "post", "event", "concept", "thing"]

_SKOS_CONCEPT = str(SKOS.Concept)

# What may have a Wikidata item of its own: agents, places, posts, events, issues and other concepts, works.
# Not the article's own apparatus (statements, text units, post holdings, situations) and not the
# classifications made for this graph (statement kinds, CAMEO codes), the two delegations or the days of
# the talks: Wikidata has no item for those, so listing them as "unlinked" would only be noise.
LINKABLE_ROOTS: tuple[str, ...] = (
    *(AK + name for name in ("Agent", "Place", "Post", "Event", "Policy", "Work", "Currency", "Merchandise")),
    _SKOS_CONCEPT,
)
NOT_LINKABLE: tuple[str, ...] = tuple(
    AK + n for n in ("Delegation", "TalksDay", "StatementKind", "CameoEventType")
)

# Our class → the kind of thing whose words we look for in a candidate's description; most specific first
# (the first class found among an entity's classes and their superclasses wins).
_KIND_BY_CLASS: tuple[tuple[str, str], ...] = (
    ("Person", "person"),
    ("City", "city"),
    ("Country", "country"),
    ("Region", "region"),
    ("Place", "place"),
    ("University", "university"),
    ("MediaOutlet", "media"),
    ("Company", "company"),
    ("ThinkTank", "think-tank"),
    ("PoliticalParty", "party"),
    ("PartyOrgan", "party"),
    ("GovernmentBody", "government"),
    ("InternationalGrouping", "international-organization"),
    ("Organization", "organization"),
    ("Movement", "movement"),
    ("Group", "group"),
    ("Post", "post"),
    ("Event", "event"),
    ("Currency", "currency"),
    ("Merchandise", "merchandise"),
    ("Work", "work"),
    ("Policy", "policy"),
    ("Issue", "concept"),
)

# kind → (family, words that a Wikidata description of such a thing typically contains). Simple cues, not
# a classifier: a description with words of our kind makes a candidate "compatible"; one with words of a
# kind from a family that cannot be ours ("a person is not a city") makes it "incompatible".
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


# ---------------------------------------------------------------- what we hold


@dataclass(frozen=True)
class Entity:
    """One of our resources as the link commands see it: its labels, asserted classes and kind."""

    iri: str
    label: str
    alt_labels: tuple[str, ...]
    classes: tuple[str, ...]
    kind: str
    linkable: bool

    @property
    def names(self) -> tuple[str, ...]:
        """rdfs:label first, then the other labels (skos:prefLabel, skos:altLabel)."""
        return (self.label, *self.alt_labels)

    @property
    def short(self) -> str:
        return shorten(self.iri)


@dataclass(frozen=True)
class Link:
    """One SKOS mapping (skos:exactMatch unless said otherwise) from our resource to a Wikidata item."""

    entity: Entity
    qid: str
    relation: str = "exactMatch"


@dataclass(frozen=True)
class ReferenceRow:
    """One row of data/reference/wikidata-qids.tsv: a QID confirmed for an entity, or known to be wrong."""

    label: str
    qid: str
    status: ReferenceStatus
    note: str


@dataclass(frozen=True)
class LinkData:
    """Our entities (labelled and typed), our links to Wikidata and the reference list of QIDs."""

    entities: Mapping[str, Entity]
    links: tuple[Link, ...]
    reference: tuple[ReferenceRow, ...]

    @property
    def linked(self) -> frozenset[str]:
        return frozenset(link.entity.iri for link in self.links)

    @property
    def unlinked(self) -> tuple[Entity, ...]:
        """The linkable entities with no skos:exactMatch, by IRI."""
        linked = self.linked
        return tuple(e for iri, e in sorted(self.entities.items()) if e.linkable and iri not in linked)


def qid_of(iri: str) -> str | None:
    """Q123 for http://www.wikidata.org/entity/Q123, else None."""
    if iri.startswith(WIKIDATA_ENTITY) and QID_PATTERN.fullmatch(iri[len(WIKIDATA_ENTITY) :]):
        return iri[len(WIKIDATA_ENTITY) :]
    return None


def parse_qid(text: str) -> str:
    """A QID from 'Q123', 'q123', 'wd:Q123' or its entity IRI; a UsageError for anything else."""
    value = text.strip()
    if value.startswith("wd:"):
        value = value[3:]
    elif value.startswith(("<", "http")):
        value = qid_of(value.strip("<>")) or ""
    value = value.upper()
    if not QID_PATTERN.fullmatch(value):
        raise UsageError(f"{text!r} is not a Wikidata item id (expected Q followed by digits, e.g. Q7821917)")
    return value


def read_reference(path: Path) -> tuple[ReferenceRow, ...]:
    """The rows of the reference TSV (comment lines start with '#'); none when the file does not exist."""
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t"))
    if not rows:
        return ()
    header = rows[0]
    try:
        at = {name: header.index(name) for name in ("label", "qid", "status")}
    except ValueError as exc:
        raise UsageError(f"{path}:1: header must name the columns label, qid and status ({exc})") from exc
    note_at = header.index("note") if "note" in header else None
    found = []
    for row in rows[1:]:
        if len(row) <= max(at.values()) or row[at["status"]] not in ("confirmed", "wrong"):
            continue
        note = row[note_at] if note_at is not None and note_at < len(row) else ""
        found.append(ReferenceRow(row[at["label"]], row[at["qid"]].strip(), row[at["status"]], note))  # type: ignore[arg-type]
    return tuple(found)


def _english_first(values: Iterable[object]) -> list[str]:
    """Literal values, English (or untagged) ones first, in a stable order."""
    literals = [v for v in values if isinstance(v, RdfLiteral)]
    literals.sort(key=lambda v: (v.language not in (None, "en"), str(v)))
    return [str(v) for v in literals]


def _kind(closure: set[str]) -> str:
    for name, kind in _KIND_BY_CLASS:
        if AK + name in closure:
            return kind
    return "concept" if _SKOS_CONCEPT in closure else "thing"


def load_link_data(layout: Layout) -> LinkData:
    """Parse ontology/alaska.ttl and data/*.ttl; every labelled, typed resource with its links."""
    ontology = parse_turtle(layout.ontology_file)
    data: Graph = parse_files(layout.data_files)
    superclasses: dict[str, set[str]] = {}

    def closure(cls: URIRef) -> set[str]:
        if str(cls) not in superclasses:
            superclasses[str(cls)] = {str(c) for c in ontology.transitive_objects(cls, RDFS.subClassOf)}
        return superclasses[str(cls)]

    entities: dict[str, Entity] = {}
    for subject in set(data.subjects(RDF.type, None)):
        if not isinstance(subject, URIRef):
            continue
        labels = _english_first(data.objects(subject, RDFS.label))
        others = _english_first(data.objects(subject, SKOS.prefLabel)) + _english_first(
            data.objects(subject, SKOS.altLabel)
        )
        if not labels and not others:
            continue
        names = list(dict.fromkeys(labels + others))
        classes = tuple(sorted(str(c) for c in data.objects(subject, RDF.type) if isinstance(c, URIRef)))
        everything: set[str] = set()
        for cls in classes:
            everything |= closure(URIRef(cls))
        linkable = bool(everything & set(LINKABLE_ROOTS)) and not everything & set(NOT_LINKABLE)
        entities[str(subject)] = Entity(
            str(subject), names[0], tuple(names[1:]), classes, _kind(everything), linkable
        )
    links = []
    for predicate in MAPPING_PREDICATES:
        for subject, target in data.subject_objects(predicate):
            qid = qid_of(str(target))
            if qid is None or str(subject) not in entities:
                continue
            links.append(Link(entities[str(subject)], qid, str(predicate).rsplit("#", 1)[1]))
    links.sort(key=lambda link: (link.entity.iri, link.qid))
    return LinkData(entities, tuple(links), read_reference(layout.data_dir / REFERENCE_FILE))


# ---------------------------------------------------------------- labels


def normalize_label(text: str) -> str:
    """How labels are compared: NFKC, casefolded, trimmed, inner spaces collapsed, no leading 'the '."""
    value = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return value[4:] if value.startswith("the ") else value


def labels_match(ours: Iterable[str], theirs: Iterable[str]) -> bool:
    """True when any of our labels equals any of theirs once normalized."""
    return bool({normalize_label(o) for o in ours} & {normalize_label(t) for t in theirs})


def _reference_names(label: str) -> set[str]:
    """The names a reference row's label gives: 'China (People's Republic of China)' → both, normalized."""
    names = {re.sub(r"\s*\([^)]*\)", "", label)}
    names.update(re.findall(r"\(([^)]*)\)", label))
    names.update(re.findall(r"\"([^\"]+)\"", label))
    return {normalize_label(n.strip('"')) for n in names if n.strip()}


def known_wrong(reference: Iterable[ReferenceRow], entity: Entity, qid: str) -> ReferenceRow | None:
    """The reference row that marks `qid` as wrong, unless the reference confirms it for this very entity.

    One QID can be both: Q166032 is confirmed for The Washington Post and listed as wrong for tariffs.
    """
    rows = [r for r in reference if r.qid == qid]
    wrong = [r for r in rows if r.status == "wrong"]
    if not wrong:
        return None
    ours = {normalize_label(n) for n in entity.names}
    if any(r.status == "confirmed" and _reference_names(r.label) & ours for r in rows):
        return None
    return wrong[0]


# ---------------------------------------------------------------- check


@dataclass(frozen=True)
class LinkCheck:
    """One link compared with the Wikidata item it points at."""

    link: Link
    state: LinkState
    item: Item
    wrong: ReferenceRow | None = None

    @property
    def ok(self) -> bool:
        return self.state == "OK"


def assess_link(link: Link, item: Item, reference: Iterable[ReferenceRow] = ()) -> LinkCheck:
    """The state of one link: KNOWN-WRONG, MISSING, REDIRECT, LABEL-MISMATCH or OK, in that precedence."""
    wrong = known_wrong(reference, link.entity, link.qid)
    if wrong is not None:
        state: LinkState = "KNOWN-WRONG"
    elif item.state == "missing":
        state = "MISSING"
    elif item.state == "redirect":
        state = "REDIRECT"
    elif link.relation in LABEL_MATCH_RELATIONS and not labels_match(link.entity.names, item.names):
        state = "LABEL-MISMATCH"
    else:
        state = "OK"
    return LinkCheck(link, state, item, wrong)


def check_links(data: LinkData, client: WikidataClient) -> tuple[LinkCheck, ...]:
    """Fetch every linked item (in batches) and compare it with our link, in the order of data.links."""
    items = client.get_items(link.qid for link in data.links)
    return tuple(assess_link(link, items[link.qid], data.reference) for link in data.links)


# ---------------------------------------------------------------- finding one of ours


def find_entity(data: LinkData, thing: str) -> Entity:
    """The entity named by an IRI, `<IRI>`, a prefixed name (akr:x), a bare akr: name, or a label."""
    text = thing.strip()
    iri = expand(text) if not text.startswith(("http://", "https://")) else text
    if iri is None and re.fullmatch(r"[a-z0-9][a-z0-9-]*", text):
        iri = AKR + text if AKR + text in data.entities else None
    if iri is not None:
        if iri in data.entities:
            return data.entities[iri]
        if text.startswith(("<", "http")) or ":" in text:
            raise ResourceNotFound(f"{text}: no labelled resource with this IRI in data/*.ttl")
    wanted = normalize_label(text)
    found = [e for e in data.entities.values() if wanted in {normalize_label(n) for n in e.names}]
    primary = [e for e in found if normalize_label(e.label) == wanted]
    if len(primary) == 1 or len(found) == 1:
        return (primary or found)[0]
    if found:
        listing = ", ".join(sorted(e.short for e in found))
        raise UsageError(f"{text!r} is the label of several resources ({listing}); name one by its IRI")
    labels = {normalize_label(n): e for e in data.entities.values() for n in e.names}
    close = difflib.get_close_matches(wanted, list(labels), n=3, cutoff=0.6)
    hint = f"; closest: {', '.join(f'{labels[c].short} ({c})' for c in close)}" if close else ""
    raise ResourceNotFound(f"{text!r}: no resource has this IRI or label{hint}")


# ---------------------------------------------------------------- suggest


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


@dataclass(frozen=True)
class AcceptedLink:
    """A link written into data/links.ttl, with the IRI of its provenance note."""

    entity: Entity
    qid: str
    note: str
    path: Path
    source: str
    date: date


def refuse_if_wrong(data: LinkData, entity: Entity, qid: str) -> None:
    """LinkRefused when the link could not be right whatever Wikidata says: known-wrong QID, entity already
    linked to another item, or the item already linked to another of our resources."""
    wrong = known_wrong(data.reference, entity, qid)
    if wrong is not None:
        why = f" ({wrong.note})" if wrong.note else ""
        raise LinkRefused(
            f"{qid} is listed as wrong for {wrong.label!r} in data/{REFERENCE_FILE}{why}; "
            f"not linking {entity.short}"
        )
    for link in data.links:
        if link.entity.iri == entity.iri and link.qid != qid:
            raise LinkRefused(
                f"{entity.short} is already linked to wd:{link.qid} in data/links.ttl; a resource links to "
                "at most one item (remove that link first if it is wrong)"
            )
        if link.qid == qid and link.entity.iri != entity.iri:
            raise LinkRefused(
                f"wd:{qid} already links {link.entity.short}; two of our resources cannot both be that item"
            )


def refuse_if_not_an_item(item: Item) -> None:
    """LinkRefused for a deleted or merged item: link the target of a redirect, never the redirect."""
    if item.state == "missing":
        raise LinkRefused(f"{item.requested} does not exist on Wikidata (deleted or never created)")
    if item.state == "redirect":
        raise LinkRefused(f"{item.requested} is a redirect to {item.qid}; accept {item.qid} instead")


_PREFIX_LINE = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.MULTILINE | re.IGNORECASE
)
_SIMPLE_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_NEEDED_PREFIXES = ("akr", "dcterms", "rdf", "rdfs", "skos", "wd", "xsd")


def _term(iri: str) -> str:
    """akr:name / wd:Q1 when the local name is plain, else <iri>."""
    for prefix in ("akr", "wd"):
        namespace = PREFIXES[prefix]
        if iri.startswith(namespace) and _SIMPLE_LOCAL.fullmatch(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _note_iri(entity: Entity, taken: set[str]) -> str:
    local = entity.iri[len(AKR) :] if entity.iri.startswith(AKR) else ""
    if not _SIMPLE_LOCAL.fullmatch(local):
        local = re.sub(r"[^A-Za-z0-9]+", "-", entity.label).strip("-").lower() or "entity"
    base = f"{AKR}link-{local}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def link_block(entity: Entity, qid: str, note: str, source: str, day: date, item: Item | None) -> str:
    """The Turtle appended to links.ttl: a comment, the link, and its note (an rdf:Statement about it)."""
    wikidata = ""
    if item is not None and (item.label or item.description):
        wikidata = f'Wikidata\'s English label when accepted: "{item.label or ""}"'
        if item.description:
            wikidata += f'; description: "{item.description}"'
    subject, target = _term(entity.iri), f"wd:{qid}"
    lines = [
        f"# {entity.label}: accepted with `alaska-kg link suggest --accept {qid}` on {day.isoformat()}.",
        f"{subject} skos:exactMatch {target} .",
        "",
        f"{_term(note)} a rdf:Statement ;",
        f"    rdf:subject {subject} ;",
        "    rdf:predicate skos:exactMatch ;",
        f"    rdf:object {target} ;",
        f"    dcterms:source {RdfLiteral(source).n3()} ;",
    ]
    if wikidata:
        lines.append(f"    rdfs:comment {RdfLiteral(wikidata, lang='en').n3()} ;")
    lines.append(f'    dcterms:date "{day.isoformat()}"^^xsd:date .')
    return "\n".join(lines) + "\n"


def _with_prefixes(text: str, path: Path) -> str:
    """`text` with @prefix lines added after its last one for the prefixes a link block uses and the file
    lacks; an OutputError if the file binds one of them to another namespace."""
    found = list(_PREFIX_LINE.finditer(text))
    bound = {(m.group(1) or ""): m.group(2) for m in found}
    missing = []
    for prefix in _NEEDED_PREFIXES:
        if prefix not in bound:
            missing.append(f"@prefix {prefix}: <{PREFIXES[prefix]}> .\n")
        elif bound[prefix] != PREFIXES[prefix]:
            raise OutputError(
                f"{path}: prefix {prefix}: is bound to <{bound[prefix]}>, not <{PREFIXES[prefix]}>"
            )
    if not missing:
        return text
    if not found:
        return "".join(missing) + "\n" + text
    end = text.find("\n", found[-1].end())
    end = len(text) if end < 0 else end + 1
    prefix_text = "".join(missing)
    return text[:end] + ("" if text[:end].endswith("\n") else "\n") + prefix_text + text[end:]


def replace_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk, then rename it over `path`
    (POSIX rename is atomic: a reader sees the old file or the new one, never half of it)."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot write here ({exc.strerror})") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_link(
    layout: Layout,
    data: LinkData,
    entity: Entity,
    qid: str,
    *,
    source: str = SEARCH_SOURCE,
    item: Item | None = None,
    today: date | None = None,
) -> AcceptedLink:
    """Append `entity skos:exactMatch wd:qid` and its provenance note to data/links.ttl, atomically.

    The file is appended to (plus any @prefix line it lacks), not re-serialized, so that its comments and
    layout survive; the result is parsed before it replaces the file, which is left as it was if anything
    fails.
    """
    ensure_writable(layout, "data/links.ttl")
    refuse_if_wrong(data, entity, qid)
    if item is not None:
        refuse_if_not_an_item(item)
    path = layout.links_file
    day = today or date.today()
    old = (
        path.read_text(encoding="utf-8")
        if path.is_file()
        else ("# Links to Wikidata: skos:exactMatch from our resources to Wikidata items (alaska-kg link).\n")
    )
    graph = Graph()
    try:
        graph.parse(data=old, format="turtle")
    except Exception as exc:
        raise OutputError(f"{path}: does not parse, not touching it ({type(exc).__name__}: {exc})") from exc
    note = _note_iri(entity, {str(s) for s in graph.subjects()})
    block = link_block(entity, qid, note, source, day, item)
    new = _with_prefixes(old, path).rstrip("\n") + "\n\n" + block
    check = Graph()
    try:
        check.parse(data=new, format="turtle")
    except Exception as exc:  # a bug in link_block: say so, leave the file alone
        raise OutputError(f"{path}: the new link would not parse, file left unchanged ({exc})") from exc
    if (URIRef(entity.iri), LINK_PREDICATE, URIRef(WIKIDATA_ENTITY + qid)) not in check:
        raise OutputError(f"{path}: the new link is missing from the rewritten file; file left unchanged")
    replace_atomically(path, new)
    return AcceptedLink(entity, qid, note, path, source, day)


__all__ = [
    "GIVEN_SOURCE",
    "SEARCH_SOURCE",
    "AcceptedLink",
    "Candidate",
    "Entity",
    "Link",
    "LinkCheck",
    "LinkData",
    "ReferenceRow",
    "TypeCue",
    "assess_link",
    "check_links",
    "find_entity",
    "known_wrong",
    "label_similarity",
    "labels_match",
    "load_link_data",
    "normalize_label",
    "parse_qid",
    "rank_candidates",
    "read_reference",
    "refuse_if_not_an_item",
    "refuse_if_wrong",
    "replace_atomically",
    "suggest",
    "type_cue",
    "write_link",
]
