"""OWL 2 RL reasoning: the fast reasoners match the reference; the entailments the queries rely on hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from alaska_kg.build.loading import load_sources
from alaska_kg.build.reason import DEFAULT_REASONER, infer, is_noise
from alaska_kg.paths import locate

ROOT = Path(__file__).resolve().parents[1]
AK = Namespace("https://w3id.org/alaska-kg/ontology#")
AKR = Namespace("https://w3id.org/alaska-kg/resource/")
SCHEMA = Namespace("http://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
TIME = Namespace("http://www.w3.org/2006/time#")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")


@pytest.fixture(scope="module")
def asserted() -> Graph:
    sources = load_sources(locate(ROOT))
    return sources.ontology + sources.asserted


@pytest.fixture(scope="module")
def reference(asserted: Graph) -> Graph:
    return infer(asserted, "owlrl")


FAST_REASONERS = ("reasonable", "rules")


@pytest.fixture(scope="module")
def fast(asserted: Graph) -> Graph:
    """What the default reasoner infers (the build's inferred graph)."""
    return infer(asserted, DEFAULT_REASONER)


def test_the_default_reasoner_is_the_rules_compiled_into_sparql():
    """benchmarks/reasoning.py (docs/performance.md): faster and lighter than reasonable at 10^4-10^6
    triples, the same entailments; the command line offers the same names and default."""
    from alaska_kg.build.reason import REASONERS
    from alaska_kg.cli import app

    assert DEFAULT_REASONER == app.DEFAULT_REASONER == "rules"
    assert REASONERS == app.REASONER_CHOICES


@pytest.mark.parametrize("reasoner", FAST_REASONERS)
def test_a_fast_reasoner_yields_exactly_the_entailments_of_owlrl(reference: Graph, asserted: Graph, reasoner):
    """If both reasoners close this ontology and data, then after removing noise (literal subjects,
    reflexive and owl:Thing tautologies, axioms about the built-in vocabularies) they entail the same
    triples: owlrl, the reference, has nothing that the fast reasoner lacks, and the other way round."""
    fast = set(infer(asserted, reasoner))
    missing = set(reference) - fast
    extra = fast - set(reference)
    assert not missing, (
        f"{len(missing)} owlrl entailments missing from {reasoner}, e.g. {sorted(missing)[:3]}"
    )
    assert not extra, f"{len(extra)} {reasoner} entailments owlrl does not make, e.g. {sorted(extra)[:3]}"
    assert len(reference) > 1000


# owlrl is slow: 3.4 s for one copy, 6.7 s for two (5.7k triples), 10.2 s for three, measured on an idle
# machine; three copies keep this test under ~30 s on a busy one and put two renamed copies of every
# resource beside the real one.
SYNTHETIC_COPIES = 3


def test_the_fast_reasoners_yield_exactly_the_entailments_of_owlrl_on_a_synthetic_corpus(tmp_path: Path):
    """If owlrl, reasonable and rules close a synthetic corpus (build.synthetic: the data and two renamed
    copies of it), then they entail the same triples, and each copy gets its own entailments."""
    from alaska_kg.build.synthetic import copy_iri, generate

    corpus = generate(tmp_path / "corpus", SYNTHETIC_COPIES)
    sources = load_sources(corpus.layout)
    asserted = sources.ontology + sources.asserted
    reference = set(infer(asserted, "owlrl"))
    for reasoner in FAST_REASONERS:
        fast = set(infer(asserted, reasoner))
        assert reference - fast == set(), reasoner
        assert fast - reference == set(), reasoner
        for copy in range(SYNTHETIC_COPIES):
            blinken = URIRef(copy_iri("antony-blinken", copy))
            assert (blinken, RDF.type, SCHEMA.Person) in fast, (reasoner, copy)
            day_one = URIRef(copy_iri("talks-day-1", copy))
            assert (day_one, SEM.subEventOf, URIRef(copy_iri("alaska-talks", copy))) in fast, (reasoner, copy)


def test_inferred_graph_holds_no_asserted_triple_and_no_noise(asserted: Graph, fast: Graph):
    assert not set(asserted) & set(fast)
    assert not [t for t in fast if is_noise(t)]
    assert not [t for t in fast if isinstance(t[0], Literal)]
    assert not [t for t in fast if t[1] == OWL.sameAs and t[0] == t[2]]
    assert not [t for t in fast if t[2] == OWL.Thing]


def test_infer_does_not_change_its_input(asserted: Graph):
    before = len(asserted)
    infer(asserted, DEFAULT_REASONER)
    assert len(asserted) == before


# ---------------------------------------------------------------- entailments the queries rely on


def test_if_blinken_is_an_ak_person_then_he_is_a_schema_foaf_and_prov_person(fast: Graph):
    """ak:Person ⊑ schema:Person, foaf:Person, prov:Person (cax-sco)."""
    for cls in (SCHEMA.Person, FOAF.Person, PROV.Person, PROV.Agent, SEM.Actor):
        assert (AKR["antony-blinken"], RDF.type, cls) in fast, cls


def test_if_yang_is_the_speaker_then_the_statement_was_attributed_to_him(fast: Graph):
    """ak:speaker ⊑ prov:wasAttributedTo (prp-spo1)."""
    assert (AKR["yang-cyber-espionage-accusation"], PROV.wasAttributedTo, AKR["yang-jiechi"]) in fast


def test_if_day_one_is_a_sub_event_of_the_talks_then_the_talks_have_it_as_sub_event(fast: Graph):
    """ak:subEventOf owl:inverseOf ak:hasSubEvent (prp-inv) and ⊑ sem:subEventOf, schema:superEvent."""
    assert (AKR["talks-day-1"], SEM.subEventOf, AKR["alaska-talks"]) in fast
    assert (AKR["talks-day-1"], SCHEMA.superEvent, AKR["alaska-talks"]) in fast


def test_if_the_sanctions_came_before_the_talks_then_the_talks_came_after_them(fast: Graph):
    """ak:before owl:inverseOf ak:after (prp-inv), both under OWL-Time (prp-spo1)."""
    assert (AKR["alaska-talks"], AK.after, AKR["sanctions-on-chinese-officials"]) in fast
    assert (AKR["alaska-talks"], TIME.after, AKR["sanctions-on-chinese-officials"]) in fast
    assert (AKR["sanctions-on-chinese-officials"], TIME.before, AKR["alaska-talks"]) in fast


def test_if_a_statement_has_a_cameo_code_then_that_is_also_its_statement_kind(fast: Graph):
    """ak:cameoCode ⊑ ak:statementKind (prp-spo1)."""
    cameo_1125 = URIRef("https://w3id.org/alaska-kg/cameo/1125")
    assert (AKR["yang-cyber-espionage-accusation"], AK.statementKind, cameo_1125) in fast


def test_if_blinken_holds_a_post_then_the_holding_is_an_org_membership_with_him_as_member(fast: Graph):
    """ak:PostHolding ⊑ org:Membership (cax-sco), ak:holder ⊑ org:member (prp-spo1)."""
    holding = AKR["holding-blinken-secretary-of-state"]
    assert (holding, RDF.type, ORG.Membership) in fast
    assert (holding, ORG.member, AKR["antony-blinken"]) in fast


def test_if_the_talks_have_an_attendee_then_schema_and_sem_see_an_attendee_and_actor(fast: Graph):
    """ak:attendee ⊑ ak:participant ⊑ sem:hasActor, and ⊑ schema:attendee (prp-spo1, scm-spo)."""
    assert (AKR["alaska-talks"], SCHEMA.attendee, AKR["yang-jiechi"]) in fast
    assert (AKR["alaska-talks"], SEM.hasActor, AKR["yang-jiechi"]) in fast
    assert (AKR["alaska-talks"], RDF.type, SCHEMA.Event) in fast


def test_if_a_delegation_has_members_then_they_are_members_of_it(fast: Graph):
    """ak:hasMember owl:inverseOf ak:memberOf (prp-inv), ⊑ org:memberOf (prp-spo1)."""
    assert (AKR["wang-yi"], AK.memberOf, AKR["chinese-delegation"]) in fast
    assert (AKR["wang-yi"], ORG.memberOf, AKR["chinese-delegation"]) in fast


def test_schema_rules_close_the_class_hierarchy(fast: Graph):
    """scm-sco: ak:StateOwnedMediaOutlet ⊑ ak:MediaOutlet ⊑ schema:NewsMediaOrganization."""
    assert (AK.StateOwnedMediaOutlet, RDFS.subClassOf, SCHEMA.NewsMediaOrganization) in fast


@pytest.mark.parametrize("reasoner", ["owlrl", "reasonable"])
def test_what_a_reasoner_derives_from_nothing_is_all_noise(reasoner: str):
    """The axiomatic triples each reasoner derives from an empty graph are about the built-in vocabularies
    only, so `is_noise` removes them and no separate list of them is needed."""
    from alaska_kg.build.reason import _CLOSURES

    derived = _CLOSURES[reasoner](set())
    assert derived, "the reasoner derived nothing from an empty graph: this test checks nothing"
    assert all(is_noise(t) for t in derived)


def test_the_rules_derive_nothing_from_nothing():
    """The compiled rules have no axiomatic triples: an empty graph entails nothing at all."""
    from alaska_kg.build.reason import _CLOSURES

    assert _CLOSURES["rules"](set()) == set()


def test_the_rules_and_the_noise_filter_agree():
    """reason_rules.is_noise (on pyoxigraph terms, used inside the store) calls noise what
    reason.is_noise calls noise, on triples of each kind of noise and on triples that are not noise."""
    from pyoxigraph import Literal as OxLiteral
    from pyoxigraph import NamedNode

    from alaska_kg.build import reason_rules

    x, c = AKR["x"], AK.Person
    cases = [
        (x, OWL.sameAs, x), (c, RDFS.subClassOf, c), (c, RDFS.subClassOf, OWL.Thing),
        (x, RDF.type, OWL.Thing), (OWL.Nothing, RDFS.subClassOf, c),
        (RDFS.label, RDF.type, OWL.AnnotationProperty), (x, RDF.type, c),
        (c, RDFS.subClassOf, SCHEMA.Person), (x, OWL.sameAs, AKR["y"]), (x, RDFS.label, Literal("x")),
    ]  # fmt: skip

    def ox(term):
        return OxLiteral(str(term)) if isinstance(term, Literal) else NamedNode(str(term))

    verdicts = [(is_noise(t), reason_rules.is_noise(*(ox(term) for term in t))) for t in cases]
    assert [a for a, _ in verdicts] == [b for _, b in verdicts]
    assert [a for a, _ in verdicts].count(True) == 6
