"""Our links to Wikidata, read: the linkable entities with our labels, the links (any SKOS mapping relation)
and the reference list of confirmed and known-wrong QIDs, from the sources through rdflib.

A wrong QID is worse than none, so nothing in this wing guesses: `check` compares each link with what
Wikidata says today, `suggest` only orders what wbsearchentities found (with the cues it used, for a person
to judge), and `write` adds a link only when asked, with a note saying where it came from. Reading goes
through rdflib (the link commands are not on the per-query hot path); the network through
alaska_kg.wikidata.client.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SKOS

from alaska_kg.build.loading import parse_files, parse_turtle
from alaska_kg.errors import ResourceNotFound, UsageError
from alaska_kg.namespaces import AK, AKR, WIKIDATA_ENTITY, expand, shorten
from alaska_kg.paths import Layout

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


__all__ = [
    "GIVEN_SOURCE",
    "LABEL_MATCH_RELATIONS",
    "LINKABLE_ROOTS",
    "LINK_PREDICATE",
    "MAPPING_PREDICATES",
    "NOT_LINKABLE",
    "QID_PATTERN",
    "REFERENCE_FILE",
    "SEARCH_SOURCE",
    "Entity",
    "Family",
    "Link",
    "LinkData",
    "LinkState",
    "ReferenceRow",
    "ReferenceStatus",
    "TypeFit",
    "find_entity",
    "load_link_data",
    "normalize_label",
    "parse_qid",
    "qid_of",
    "read_reference",
]
