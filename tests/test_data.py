"""The encoded article: ontology header and terms, provenance, coverage, quotes, links and hand-checked facts.

Expected values here are read from the article (data/source/alaska-talks.txt); each fact test quotes the
sentence it checks in its docstring.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from alaska_kg.build.sentences import split_article
from alaska_kg.build.source_units import render_source_units
from alaska_kg.vocabulary import AK

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data/source/alaska-talks.txt"
ONTOLOGY_IRI = URIRef("https://w3id.org/alaska-kg/ontology")
AKR = Namespace("https://w3id.org/alaska-kg/resource/")
CAMEO = Namespace("https://w3id.org/alaska-kg/cameo/")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
WD = "http://www.wikidata.org/entity/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


@pytest.fixture(scope="module")
def text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph(bind_namespaces="core").parse(ROOT / "ontology/alaska.ttl")


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    graph = rdflib.Graph(bind_namespaces="core")
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path)
    return graph


def ak_terms(graph: rdflib.Graph) -> set[URIRef]:
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(str(AK))}


# ---------------------------------------------------------------- the source copy


def test_source_copy_is_the_article_byte_for_byte():
    """Offsets point into this file, so it must never change (8,545 code points, known digest)."""
    raw = ARTICLE.read_bytes()
    assert (
        hashlib.sha256(raw).hexdigest() == "1faf348a91ff3a6c5719f488c62b428559b44f7a8b99639088aa7a2db8451341"
    )
    assert len(raw.decode("utf-8")) == 8545


def test_source_units_file_is_regenerated_output(text):
    """data/source.ttl is generated; a hand edit or a splitter change must be regenerated, not drift."""
    assert (ROOT / "data/source.ttl").read_text(encoding="utf-8") == render_source_units(text)


# ---------------------------------------------------------------- the ontology


def test_ontology_header_is_complete(ontology):
    """pyLODE's checklist: title, description, license, creator, dates, version IRI and info, prefix."""
    from alaska_kg import __version__

    header = dict(ontology.predicate_objects(ONTOLOGY_IRI))
    for predicate in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.created,
        DCTERMS.modified,
        OWL.versionIRI,
        URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"),
        URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"),
    ):
        assert predicate in header, f"ontology header lacks {predicate}"
    assert str(header[OWL.versionInfo]) == __version__
    assert str(header[OWL.versionIRI]).endswith("/" + __version__)
    assert "example.org" not in ontology.serialize(format="nt")


def test_every_term_has_label_definition_and_is_defined_by(ontology):
    for term in sorted(ak_terms(ontology)):
        labels = [o for o in ontology.objects(term, RDFS.label) if o.language == "en"]
        definitions = [o for o in ontology.objects(term, SKOS.definition) if o.language == "en"]
        assert len(labels) == 1, f"{term} needs exactly one English rdfs:label"
        assert len(definitions) == 1, f"{term} needs exactly one English skos:definition"
        assert str(definitions[0]).endswith("."), f"{term}: the definition should be one sentence"
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology, f"{term} lacks rdfs:isDefinedBy"


def test_every_ak_term_used_in_data_is_declared(ontology, data):
    declared = (
        set(ontology.subjects(RDF.type, OWL.Class))
        | set(ontology.subjects(RDF.type, OWL.ObjectProperty))
        | set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    )
    undeclared = ak_terms(data) - declared
    assert not undeclared, f"terms used in data/ but not declared in the ontology: {sorted(undeclared)}"


def test_python_namespace_matches_the_ontology_both_ways(ontology):
    declared = {str(t) for t in ak_terms(ontology) if (t, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology}
    in_python = {str(AK[name]) for name in AK.__annotations__}
    assert in_python - declared == set(), "vocabulary.AK lists terms the ontology does not declare"
    assert declared - in_python == set(), "the ontology declares terms missing from vocabulary.AK"


def test_no_equivalent_class_to_foreign_terms_and_no_imports(ontology):
    """Alignment is by subclass/subproperty only, and nothing is imported wholesale."""
    assert not list(ontology.triples((None, OWL.equivalentClass, None)))
    assert not list(ontology.triples((None, OWL.imports, None)))


def test_no_https_schema_org_anywhere():
    """schema.org terms are http://schema.org/ (rdflib's SDO is https)."""
    for path in [*(ROOT / "data").glob("*.ttl"), *(ROOT / "ontology").glob("*.ttl")]:
        assert "https://schema.org" not in path.read_text(encoding="utf-8"), path


# ---------------------------------------------------------------- provenance and coverage


def test_every_selector_selects_its_exact_text(data, text):
    units = list(data.subjects(RDF.type, AK.TextUnit))
    assert len(units) == len(split_article(text))
    for unit in units:
        selectors = list(data.objects(unit, OA.hasSelector))
        exact = next(
            data.value(s, OA.exact) for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in data
        )
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in data)
        start, end = int(data.value(position, OA.start)), int(data.value(position, OA.end))
        assert text[start:end] == str(exact), f"{unit}: text[{start}:{end}] is not its oa:exact"


def test_splitter_keeps_abbreviations_and_quotations_whole(text):
    """ "U.S." never ends a sentence, and Blinken's quoted two sentences stay inside his sentence."""
    sentences = [u.text for u in split_article(text)]
    assert any(s.startswith("They also said the U.S. agreed to continue") for s in sentences)
    assert any(
        s.startswith("After the meeting, Blinken stated") and s.endswith('we did that too."')
        for s in sentences
    )
    assert not any(s.startswith("And we did that.") for s in sentences)


def test_every_sentence_of_the_article_is_the_source_of_a_resource(data, text):
    """Coverage 100%: each sentence, list item and heading has a selector and some fact points at it."""
    positions = {
        (int(data.value(s, OA.start)), int(data.value(s, OA.end))): s
        for s in data.subjects(RDF.type, OA.TextPositionSelector)
    }
    cited = set(data.objects(None, AK.sourceSentence))
    uncovered = []
    for unit in split_article(text):
        selector = positions.get((unit.start, unit.end))
        owner = data.value(predicate=OA.hasSelector, object=selector) if selector is not None else None
        if owner is None or owner not in cited:
            uncovered.append(f"line {unit.line}: {unit.text[:60]}")
    assert not uncovered, "sentences no resource comes from:\n" + "\n".join(uncovered)


FACT_CLASSES = (AK.Event, AK.Situation, AK.Statement, AK.PostHolding, AK.Post)


def test_every_event_claim_post_and_membership_names_its_sentence(data, ontology):
    everything = data + ontology
    for cls in FACT_CLASSES:
        members = set(everything.transitive_subjects(RDFS.subClassOf, cls))
        for subject in {s for c in members for s in data.subjects(RDF.type, c)}:
            assert (subject, AK.sourceSentence, None) in data, f"{subject} has no ak:sourceSentence"
            assert (subject, PROV.wasDerivedFrom, AKR.article) in data, (
                f"{subject} not derived from the article"
            )


def _quoted_spans(text: str) -> list[str]:
    return [m.group(1).rstrip(",.") for m in re.finditer(r'"([^"]+)"', text)]


def test_every_quoted_span_of_the_article_is_a_quote_in_the_graph(data, text):
    """Text inside quotation marks is somebody's words; each is a verbatim ak:quote (trailing , . aside)."""
    quotes = {str(q).rstrip(",.") for q in data.objects(None, AK.quote)}
    spans = _quoted_spans(text)
    assert len(spans) == 16
    missing = [s for s in spans if s not in quotes]
    assert not missing, f"quoted in the article but not in the graph: {missing}"


def test_every_quote_in_the_graph_is_verbatim_from_the_article(data, text):
    spans = set(_quoted_spans(text))
    invented = [str(q) for q in data.objects(None, AK.quote) if str(q).rstrip(",.") not in spans]
    assert not invented, f"ak:quote values the article does not quote: {invented}"


# ---------------------------------------------------------------- labels and dates


def test_every_typed_resource_has_one_english_label(data):
    unlabelled = []
    for subject in set(data.subjects(RDF.type, None)):
        if {OA.TextQuoteSelector, OA.TextPositionSelector, RDF.Statement} & set(
            data.objects(subject, RDF.type)
        ):
            continue  # selectors and the notes on links describe other resources; they need no label
        labels = list(data.objects(subject, RDFS.label))
        if len(labels) != 1 or labels[0].language != "en":
            unlabelled.append(subject)
    assert not unlabelled, f"resources without exactly one English label: {unlabelled}"


# Every date of the data, the resource that carries it, and the sentences it follows from: 3-1 gives "March
# 18–19, 2021"; 14-1 "The first day of talks" (so 18 March, and the day whose exchange 14-1 to 14-4 tell);
# 16-1 "ended on the second day" (19 March); 26-1 "the 2021 Microsoft Exchange Server data breach".
DATE_SOURCES = {
    ("alaska-talks", "startDate", "2021-03-18"): {"3-1"},
    ("alaska-talks", "endDate", "2021-03-19"): {"3-1"},
    ("talks-day-1", "startDate", "2021-03-18"): {"3-1", "14-1"},
    ("talks-day-1", "endDate", "2021-03-18"): {"3-1", "14-1"},
    ("talks-day-2", "startDate", "2021-03-19"): {"3-1", "16-1"},
    ("talks-day-2", "endDate", "2021-03-19"): {"3-1", "16-1"},
    **{
        (statement, "date", "2021-03-18"): {"3-1", "14-1"}
        for statement in (
            "american-denunciation",
            "chinese-denunciation",
            "blinken-opening-accusation",
            "yang-condescension-accusation",
            "yang-democracy-demand",
            "yang-public-opinion-criticism",
            "yang-cyber-espionage-accusation",
            "blinken-rebuttal",
        )
    },
    # "The conference ended on the second day without any joint statements, but both sides agreed ..." (16-1)
    ("agreement-on-mutual-understanding", "date", "2021-03-19"): {"3-1", "16-1"},
    ("agreement-on-climate-change", "date", "2021-03-19"): {"3-1", "16-1"},
    ("microsoft-exchange-breach", "year", "2021"): {"26-1"},
}
DATE_WORDS = {
    "3-1": "March 18–19, 2021",
    "14-1": "The first day of talks",
    "16-1": "on the second day",
    "26-1": "2021 Microsoft Exchange Server",
}


def test_no_date_is_invented(data, text):
    """Which resource carries each date, and from which sentence it follows: the dates of the data are
    exactly DATE_SOURCES, and each resource cites every sentence its date follows from (as a sentence that
    states it, ak:sourceSentence, or one that only dates it, ak:contextSentence)."""
    found = {}
    for subject, predicate, value in data:
        if (
            isinstance(value, Literal)
            and value.datatype in (XSD.date, XSD.gYear)
            and predicate
            not in (
                AK.retrievedOn,
                DCTERMS.date,
            )
        ):
            found[(str(subject)[len(AKR) :], str(predicate).rsplit("#", 1)[1], str(value))] = subject
    assert set(found) == set(DATE_SOURCES)
    for key, sentences in DATE_SOURCES.items():
        cited = set(data.objects(found[key], AK.sourceSentence)) | set(
            data.objects(found[key], AK.contextSentence)
        )
        for sentence in sentences:
            assert AKR[f"sentence-{sentence}"] in cited, f"{key}: does not cite sentence {sentence}"
            exact = str(data.value(AKR[f"sentence-{sentence}-quote"], OA.exact))
            assert DATE_WORDS[sentence] in exact, f"sentence {sentence} does not say {DATE_WORDS[sentence]!r}"


# ---------------------------------------------------------------- Wikidata links


def _reference() -> tuple[set[str], set[str]]:
    with (ROOT / "data/reference/wikidata-qids.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")]
    header, body = rows[0], rows[1:]
    qid, status = header.index("qid"), header.index("status")
    confirmed = {r[qid] for r in body if r[status] == "confirmed"}
    wrong = {r[qid] for r in body if r[status] == "wrong"} - confirmed
    return confirmed, wrong


def test_every_wikidata_qid_used_is_confirmed_and_none_is_known_wrong(data):
    confirmed, wrong = _reference()
    used = {
        str(t)[len(WD) :]
        for triple in data
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(WD)
    }
    assert used, "no Wikidata links at all"
    # a link a user accepted after checking it against the live Wikidata (`link suggest --accept`) says so
    accepted = {
        str(data.value(note, RDF.object))[len(WD) :]
        for note in data.subjects(RDF.type, RDF.Statement)
        if "accepted by user" in str(data.value(note, DCTERMS.source))
    }
    assert used <= confirmed | accepted, f"unconfirmed QIDs: {sorted(used - confirmed - accepted)}"
    # Q166032 is confirmed for The Washington Post and "wrong" for tariffs: check it names the Post only.
    assert not (used & wrong - {"Q166032"}), f"known-wrong QIDs: {sorted(used & wrong)}"
    assert set(data.subjects(SKOS.exactMatch, URIRef(WD + "Q166032"))) == {AKR["washington-post"]}


def test_links_use_exact_match_not_same_as(data):
    assert not list(data.triples((None, OWL.sameAs, None)))
    assert len(list(data.triples((None, SKOS.exactMatch, None)))) >= 40


# ---------------------------------------------------------------- facts checked by hand against the article


def test_sanctions_were_imposed_together_with_uk_eu_and_canada(data):
    """ "...imposed sanctions on senior Chinese officials along with the UK, the EU and Canada" (line 6)."""
    sanctions = AKR["sanctions-on-chinese-officials"]
    assert (sanctions, RDF.type, AK.SanctionsImposition) in data
    assert set(data.objects(sanctions, AK.partner)) == {
        AKR["united-kingdom"],
        AKR["european-union"],
        AKR.canada,
    }
    assert set(data.objects(sanctions, AK.initiator)) == {AKR["biden-administration"]}
    assert set(data.objects(sanctions, AK.targetedParty)) == {AKR["senior-chinese-officials"]}
    assert (sanctions, AK.before, AKR["alaska-talks"]) in data
    assert (sanctions, AK.startDate, None) not in data, "the article gives no date for the sanctions"


def test_talks_dates_and_place(data):
    """ "...held from March 18–19, 2021 at Anchorage, Alaska" (line 3)."""
    talks = AKR["alaska-talks"]
    assert data.value(talks, AK.startDate) == Literal("2021-03-18", datatype=XSD.date)
    assert data.value(talks, AK.endDate) == Literal("2021-03-19", datatype=XSD.date)
    assert data.value(talks, AK.place) == AKR.anchorage
    assert (AKR.anchorage, AK.locatedIn, AKR.alaska) in data
    assert set(data.objects(talks, AK.hasSubEvent)) == {AKR["talks-day-1"], AKR["talks-day-2"]}


def test_who_held_which_office_at_the_talks(data):
    """ "Secretary of State Antony Blinken and National Security Advisor Jake Sullivan ... Yang Jiechi,
    a member
    of the Politburo of the Chinese Communist Party, and foreign minister Wang Yi" (line 3)."""
    held = {
        (data.value(h, AK.holder), data.value(h, AK.heldPost))
        for h in data.subjects(AK.heldDuring, AKR["alaska-talks"])
    }
    assert {
        (AKR["antony-blinken"], AKR["post-us-secretary-of-state"]),
        (AKR["jake-sullivan"], AKR["post-us-national-security-advisor"]),
        (AKR["yang-jiechi"], AKR["post-ccp-politburo-member"]),
        (AKR["wang-yi"], AKR["post-china-foreign-minister"]),
    } <= held
    assert set(data.objects(AKR["american-delegation"], AK.hasMember)) == {
        AKR["antony-blinken"],
        AKR["jake-sullivan"],
    }
    assert set(data.objects(AKR["chinese-delegation"], AK.hasMember)) == {AKR["yang-jiechi"], AKR["wang-yi"]}


def test_six_issues_raised_by_each_side_with_the_alleged_ones_marked(data):
    """ "Issues publicly raised by the Americans included:" six items, one "Alleged" (military coercion);
    "Issues publicly raised by the Chinese included:" six items, three "Alleged" (lines 21-37)."""
    raisings = list(data.subjects(RDF.type, AK.IssueRaising))
    by_side: dict[URIRef, list[URIRef]] = {}
    for raising in raisings:
        by_side.setdefault(data.value(raising, AK.speaker), []).append(raising)
    assert {k: len(v) for k, v in by_side.items()} == {
        AKR["american-delegation"]: 6,
        AKR["chinese-delegation"]: 6,
    }
    alleged = {r for r in raisings if data.value(r, AK.alleged) == Literal(True)}
    assert alleged == {
        AKR["us-raises-military-coercion"],
        AKR["china-raises-interference"],
        AKR["china-raises-counter-terrorism"],
        AKR["china-raises-cold-war-mentality"],
    }


def test_yang_accused_the_united_states_of_cyber_espionage_in_response_to_blinken(data):
    """ "Yang responded by accusing ... and accused the United States of being a global leader in cyber
    espionage" (line 14), on the first day, 18 March 2021."""
    claim = AKR["yang-cyber-espionage-accusation"]
    assert data.value(claim, AK.speaker) == AKR["yang-jiechi"]
    assert data.value(claim, AK.against) == AKR["united-states"]
    assert data.value(claim, AK.cameoCode) == CAMEO["1125"]
    assert data.value(claim, AK.respondsTo) == AKR["blinken-opening-accusation"]
    assert data.value(claim, AK.madeAt) == AKR["talks-day-1"]
    assert data.value(claim, AK.date) == Literal("2021-03-18", datatype=XSD.date)
    assert data.value(claim, AK.concernsIssue) == AKR["issue-cyber-espionage"]


def test_blinken_responded_to_yangs_assertions(data):
    """ "Blinken responded by citing his impressions ... which he said undermined the assertions that Yang
    made"."""
    answered = set(data.objects(AKR["blinken-rebuttal"], AK.respondsTo))
    assert {data.value(s, AK.speaker) for s in answered} == {AKR["yang-jiechi"]}
    assert len(answered) == 4


def test_the_talks_ended_without_a_joint_statement_but_with_two_agreements_and_open_channels(data):
    """ "The conference ended on the second day without any joint statements, but both sides agreed ...
    climate
    change" and "Both sides agreed to maintain open channels" (line 16)."""
    assert data.value(AKR["alaska-talks"], AK.jointStatementIssued) == Literal(False)
    agreements = set(data.subjects(AK.statementKind, AKR["kind-agreement"]))
    assert len(agreements) == 3
    for agreement in agreements:
        assert set(data.objects(agreement, AK.speaker)) == {
            AKR["american-delegation"],
            AKR["chinese-delegation"],
        }
    issues = {i for a in agreements for i in data.objects(a, AK.concernsIssue)}
    assert {AKR["issue-climate-change"], AKR["issue-channels-of-dialogue"]} <= issues


def test_each_side_characterized_the_talks_in_its_own_words(data):
    """ "direct, frank, and constructive" (Chinese) and "substantive, serious, and direct" (American),
    line 16."""
    said = {
        (data.value(s, AK.speaker), str(data.value(s, AK.quote)))
        for s in data.subjects(AK.statementKind, AKR["kind-characterization"])
        if data.value(s, AK.about) == AKR["alaska-talks"]
        and (data.value(s, AK.speaker), RDF.type, AK.Delegation) in data
    }
    assert said == {
        (AKR["chinese-delegation"], "direct, frank, and constructive"),
        (AKR["american-delegation"], "substantive, serious, and direct"),
    }


def test_lavrov_visit_followed_two_days_later_without_a_date(data):
    """ "The Alaska meeting was followed two days later by a visit to China from Russian foreign minister
    Sergey Lavrov" (line 45): a relation and the article's words, no computed date."""
    visit = AKR["lavrov-visit-to-china"]
    assert (visit, AK.after, AKR["alaska-talks"]) in data
    assert str(data.value(visit, AK.relativeTime)) == "two days later"
    assert (visit, AK.startDate, None) not in data
    assert data.value(visit, AK.initiator) == AKR["sergey-lavrov"]
    assert (visit, AK.concernsIssue, AKR["issue-us-dollar-in-trade"]) in data


# ---------------------------------------------------------------- OWL 2 RL profile

RL_AXIOM_PREDICATES = {
    RDF.type,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.disjointWith,
}


def test_ontology_axioms_stay_inside_owl2_rl(ontology):
    """Only axioms whose every form is in the OWL 2 RL profile (named classes on both sides, no
    existential or union superclasses, no cardinalities), so owlrl and reasonable both handle them."""
    annotation = {RDFS.label, RDFS.comment, RDFS.isDefinedBy, SKOS.definition}
    for s, p, o in ontology.triples((None, None, None)):
        if s == ONTOLOGY_IRI or p in annotation:
            continue
        assert p in RL_AXIOM_PREDICATES, f"{s} uses {p}, outside the axioms this ontology allows itself"
        assert isinstance(s, URIRef) and isinstance(o, URIRef), f"anonymous class expression in {s} {p} {o}"
    assert not list(ontology.triples((None, OWL.propertyChainAxiom, None))), (
        "reasonable ignores property chains"
    )


def test_every_link_has_a_note_saying_where_and_when_it_was_confirmed(data):
    """Each skos:exactMatch to Wikidata is described by an rdf:Statement note with dcterms:source and date."""
    notes = {
        (data.value(n, RDF.subject), data.value(n, RDF.object)): n
        for n in data.subjects(RDF.type, RDF.Statement)
    }
    mappings = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.relatedMatch)
    links = [(s, p, o) for p in mappings for s, o in data.subject_objects(p) if str(o).startswith(WD)]
    assert len(links) == 45
    for subject, predicate, item in links:
        note = notes.get((subject, item))
        assert note is not None, f"{subject} → {item} has no note"
        assert data.value(note, RDF.predicate) == predicate
        assert data.value(note, DCTERMS.source) is not None and data.value(note, DCTERMS.date) is not None


def test_each_confirmed_qid_is_linked_to_the_entity_the_reference_names(data):
    """Label match: the resource linked to a confirmed QID bears the reference list's name for it (or the
    name in its parentheses), e.g. "Federal Government of the United States ("American government")"."""

    def names(text: str) -> set[str]:
        found = {re.sub(r"\s*\(.*", "", text)}
        found |= {re.sub(r"[\"“”]", "", inner) for inner in re.findall(r"\(([^)]*)\)", text)}
        return {" ".join(n.casefold().replace("the ", "", 1).split()) for n in found if n}

    with (ROOT / "data/reference/wikidata-qids.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))
    checked = 0
    for row in rows:
        if row["status"] != "confirmed":
            continue
        mappings = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.relatedMatch)
        for entity in {e for p in mappings for e in data.subjects(p, URIRef(WD + row["qid"]))}:
            ours = {
                " ".join(str(label).casefold().replace("the ", "", 1).split())
                for label in [*data.objects(entity, RDFS.label), *data.objects(entity, SKOS.altLabel)]
            }
            theirs = names(row["label"])
            assert any(t in o or o in t for t in theirs for o in ours), f"{entity}: {ours} vs {row['label']}"
            checked += 1
    assert checked == 45
