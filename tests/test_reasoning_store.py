"""The "rules" reasoner (build/reason_rules.py): on a pyoxigraph Store, on property chains over the real
data (which `reasonable` skips), and on random ontologies mixing every construct, against owlrl."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace
from rdflib.collection import Collection

from alaska_kg.build.loading import load_sources
from alaska_kg.build.reason import infer
from alaska_kg.build.reason_rules import infer_in_store
from alaska_kg.errors import Inconsistent, UsageError
from alaska_kg.paths import locate

ROOT = Path(__file__).resolve().parents[1]
AK = Namespace("https://w3id.org/alaska-kg/ontology#")
AKR = Namespace("https://w3id.org/alaska-kg/resource/")
EX = Namespace("http://example.org/")
TBOX, ABOX, INTO = (NamedNode(f"urn:test:{name}") for name in ("tbox", "abox", "inferred"))


def _store_of_the_project() -> Store:
    store = Store()
    layout = locate(ROOT)
    store.load(path=str(layout.ontology_file), format=RdfFormat.TURTLE, to_graph=TBOX)
    for path in layout.asserted_files:
        store.load(path=str(path), format=RdfFormat.TURTLE, to_graph=ABOX)
    return store


def _graph(store: Store, graph: NamedNode) -> set[Quad]:
    return set(store.quads_for_pattern(None, None, None, graph))


# ---------------------------------------------------------------- the store entry point


def test_infer_in_store_writes_only_the_inferred_graph_and_counts_it():
    """If the ontology and the data are named graphs of a store, then infer_in_store leaves them as they
    were, writes the entailments into its own graph and returns how many: the same triples that
    `infer(..., "rules")` gives from rdflib triples, and some the queries rely on."""
    store = _store_of_the_project()
    tbox, abox = _graph(store, TBOX), _graph(store, ABOX)
    count = infer_in_store(store, [TBOX], [ABOX], INTO)
    assert _graph(store, TBOX) == tbox and _graph(store, ABOX) == abox
    inferred = _graph(store, INTO)
    assert count == len(inferred) > 1000
    assert {q.graph_name for q in store} == {TBOX, ABOX, INTO}, "scratch graphs left behind"
    assert set(store.named_graphs()) == {TBOX, ABOX, INTO}, "empty scratch graphs left behind"
    sources = load_sources(locate(ROOT))
    assert count == len(infer(sources.ontology + sources.asserted, "rules"))
    yang, accusation = NamedNode(AKR["yang-jiechi"]), NamedNode(AKR["yang-cyber-espionage-accusation"])
    prov_attributed = NamedNode("http://www.w3.org/ns/prov#wasAttributedTo")
    assert Quad(accusation, prov_attributed, yang, INTO) in inferred
    assert not {(q.subject, q.predicate, q.object) for q in inferred} & {
        (q.subject, q.predicate, q.object) for q in tbox | abox
    }


def test_infer_in_store_a_second_time_adds_nothing():
    store = _store_of_the_project()
    first = infer_in_store(store, [TBOX], [ABOX], INTO)
    assert infer_in_store(store, [TBOX], [ABOX], INTO) == first


def test_infer_in_store_reports_disjoint_classes_and_leaves_the_inferred_graph_as_it_was():
    """If Wang Yi is also declared an organization (ak:Person and ak:Organization are disjoint), then
    reasoning stops with the cax-dw error (exit code 15) naming him, and writes nothing."""
    store = _store_of_the_project()
    wang_yi = NamedNode(AKR["wang-yi"])
    store.add(Quad(wang_yi, NamedNode(str(RDF.type)), NamedNode(AK.Organization), ABOX))
    with pytest.raises(Inconsistent) as caught:
        infer_in_store(store, [TBOX], [ABOX], INTO)
    assert caught.value.exit_code == 15
    assert caught.value.message.startswith(f"inconsistent (OWL 2 RL cax-dw): {wang_yi} is both ")
    assert not _graph(store, INTO)
    assert {q.graph_name for q in store} == {TBOX, ABOX}


def test_infer_in_store_reads_and_writes_named_graphs_only():
    store = _store_of_the_project()
    with pytest.raises(UsageError, match="named graphs"):
        infer_in_store(store, [TBOX], [DefaultGraph()], INTO)  # type: ignore[list-item]
    with pytest.raises(UsageError, match="must not be one of the graphs read"):
        infer_in_store(store, [TBOX], [ABOX], ABOX)


# ---------------------------------------------------------------- property chains (prp-spo2)


def _with_chains() -> set:
    """The project's ontology and data, plus two property chains over its properties: a statement is
    spoken by a member of a group (speaker, then memberOf, which is only inferred, from hasMember) and on
    behalf of what that group speaks for (a chain of three)."""
    sources = load_sources(locate(ROOT))
    graph = sources.ontology + sources.asserted
    for name, chain in (
        ("spokenByMemberOf", (AK.speaker, AK.memberOf)),
        ("spokenOnBehalfOf", (AK.speaker, AK.memberOf, AK.speaksFor)),
    ):
        head = BNode()
        Collection(graph, head, list(chain))
        graph.add((EX[name], OWL.propertyChainAxiom, head))
    return set(graph)


@pytest.fixture(scope="module")
def chained() -> dict[str, set]:
    triples = _with_chains()
    return {reasoner: set(infer(triples, reasoner)) for reasoner in ("owlrl", "reasonable", "rules")}


def test_rules_entails_the_property_chains_that_owlrl_entails(chained: dict[str, set]):
    """If a chain (speaker, memberOf) is declared, then Yang's accusation of cyber espionage is spoken by a
    member of the Chinese delegation, on behalf of China (the delegation speaks for China), and "rules"
    infers exactly what owlrl infers."""
    accusation = AKR["yang-cyber-espionage-accusation"]
    for reasoner in ("owlrl", "rules"):
        assert (accusation, EX.spokenByMemberOf, AKR["chinese-delegation"]) in chained[reasoner], reasoner
        assert (accusation, EX.spokenOnBehalfOf, AKR.china) in chained[reasoner], reasoner
    assert chained["rules"] == chained["owlrl"]


def test_reasonable_skips_the_property_chains(chained: dict[str, set]):
    """The reason `reasonable` is not the default any more: it infers none of the chain's triples."""
    chain_triples = {t for t in chained["owlrl"] if t[1] in (EX.spokenByMemberOf, EX.spokenOnBehalfOf)}
    assert len(chain_triples) > 10
    assert not chain_triples & chained["reasonable"]
    assert chained["reasonable"] == chained["owlrl"] - chain_triples


# ---------------------------------------------------------------- random ontologies, every construct


def _random_graph(seed: int) -> Graph:
    """A small ontology using every construct the rules know (restrictions as IRIs and as blank nodes)
    and data about a few individuals, drawn from `seed`. Object properties (p0…p5) take individuals and
    datatype properties (d0, d1) literals, as in OWL 2: an object property with a literal value lets owlrl
    reason through triples with a literal subject ("3" p1 x, by inverseOf or symmetry), which are not RDF
    and which a store cannot hold, so "rules" does not follow them (docs/architecture.md)."""
    rng = random.Random(seed)
    classes = [EX[f"C{i}"] for i in range(6)]
    props = [EX[f"p{i}"] for i in range(6)]
    data_props = [EX["d0"], EX["d1"]]
    people = [EX[f"i{i}"] for i in range(6)]
    literals = [Literal("v"), Literal(3)]
    g = Graph()

    def pick(items: list) -> object:
        return rng.choice(items)

    def collection(items: list) -> BNode:
        head = BNode()
        Collection(g, head, items)
        return head

    for _ in range(rng.randint(4, 9)):
        kind = rng.randrange(19)
        c1, c2, p1, p2 = pick(classes), pick(classes), pick(props), pick(props)
        restriction = pick([c1, BNode()])
        if kind == 0:
            g.add((c1, RDFS.subClassOf, c2))
        elif kind == 1:
            g.add((p1, RDFS.subPropertyOf, p2))
        elif kind == 2:
            g.add((p1, pick([RDFS.domain, RDFS.range]), c1))
        elif kind == 3:
            g.add((p1, OWL.inverseOf, p2))
        elif kind == 4:
            g.add((p1, RDF.type, pick([OWL.SymmetricProperty, OWL.TransitiveProperty])))
        elif kind == 5:
            g.add((c1, OWL.equivalentClass, c2))
        elif kind == 6:
            g.add((p1, OWL.equivalentProperty, p2))
        elif kind in (7, 8, 9):
            on = {7: OWL.hasValue, 8: OWL.someValuesFrom, 9: OWL.allValuesFrom}[kind]
            g.add((restriction, OWL.onProperty, p1))
            g.add((restriction, on, pick(people) if kind == 7 else pick([*classes, OWL.Thing])))
            if restriction != c1:
                g.add((c2, pick([RDFS.subClassOf, OWL.equivalentClass]), restriction))
        elif kind == 10:
            g.add((c1, pick([OWL.intersectionOf, OWL.unionOf]), collection(rng.sample(classes, 2))))
        elif kind == 11:
            g.add((p1, OWL.propertyChainAxiom, collection([pick(props) for _ in range(rng.randint(2, 3))])))
        elif kind == 12:
            g.add((p1, RDF.type, pick([OWL.FunctionalProperty, OWL.InverseFunctionalProperty])))
        elif kind == 13:
            g.add((pick(people), OWL.sameAs, pick(people)))
        elif kind == 14:
            d1, d2 = pick(data_props), pick(data_props)
            g.add((d1, pick([RDFS.subPropertyOf, OWL.equivalentProperty]), d2))
            g.add((d2, RDFS.domain, c1))
        elif kind == 15:
            g.add((restriction, OWL.onProperty, pick(data_props)))
            g.add((restriction, OWL.hasValue, pick(literals)))
            if restriction != c1:
                g.add((c2, pick([RDFS.subClassOf, OWL.equivalentClass]), restriction))
        elif kind in (16, 17) and c1 != c2:
            g.add((c1, OWL.disjointWith, c2))
        else:
            g.add((c1, RDFS.subClassOf, c2))
            g.add((p1, RDFS.subPropertyOf, p2))
    for _ in range(rng.randint(8, 18)):
        draw = rng.random()
        if draw < 0.35:
            g.add((pick(people), RDF.type, pick(classes)))
        elif draw < 0.5:
            g.add((pick(people), pick(data_props), pick(literals)))
        else:
            g.add((pick(people), pick(props), pick(people)))
    return g


def _outcome(graph: Graph, reasoner: str) -> set | str:
    try:
        return set(infer(graph, reasoner))  # type: ignore[arg-type]
    except Inconsistent as exc:
        return exc.message


@pytest.mark.parametrize("seed", range(60))
def test_rules_infers_what_owlrl_infers_on_a_random_ontology(seed: int):
    """If an ontology mixes subclasses, subproperties, domains, ranges, inverses, symmetric, transitive,
    functional and inverse-functional properties, equivalences, value restrictions, intersections,
    unions, chains and sameAs (drawn at random, seed by seed), then "rules" infers exactly what owlrl
    infers (after the same noise filter), or finds the same inconsistency."""
    graph = _random_graph(seed)
    reference, rules = _outcome(graph, "owlrl"), _outcome(graph, "rules")
    if isinstance(reference, set) and isinstance(rules, set):
        assert not reference - rules, f"rules misses {sorted(reference - rules)[:5]}"
        assert not rules - reference, f"rules adds {sorted(rules - reference)[:5]}"
    assert rules == reference


def test_the_random_ontologies_exercise_the_rules():
    """The random graphs are not trivial: together they entail hundreds of triples, among them chains,
    sameAs and types from restrictions on blank nodes."""
    inferred = [_outcome(_random_graph(seed), "rules") for seed in range(60)]
    all_inferred = set().union(*(i for i in inferred if isinstance(i, set)))
    assert len(all_inferred) > 300
    assert 0 < sum(isinstance(i, str) for i in inferred) < 20, "no or too many inconsistent graphs"
    assert any(p == OWL.sameAs for _, p, _ in all_inferred)
    assert any(isinstance(o, BNode) for _, p, o in all_inferred if p == RDF.type)


def test_rules_follow_a_long_transitive_path_to_its_end():
    """If p is transitive and its inverse q is a subproperty of r, then along a path of 40 individuals
    every pair is related by p (780 pairs, found over several semi-naive rounds), and by q and r the
    other way, as owlrl says."""
    g = Graph()
    g.add((EX.p, RDF.type, OWL.TransitiveProperty))
    g.add((EX.p, OWL.inverseOf, EX.q))
    g.add((EX.q, RDFS.subPropertyOf, EX.r))
    path = [EX[f"n{i}"] for i in range(40)]
    for a, b in itertools.pairwise(path):
        g.add((a, EX.p, b))
    rules = _outcome(g, "rules")
    assert isinstance(rules, set)
    assert len({(s, o) for s, p, o in rules if p == EX.p}) == 40 * 39 // 2 - 39
    assert (path[-1], EX.r, path[0]) in rules
    assert rules == _outcome(g, "owlrl")


def test_rules_close_the_schema_again_when_the_data_imply_schema_triples():
    """If the data relate two classes by a subproperty of rdfs:subClassOf, then that subclass axiom holds
    (prp-spo1) and its members are members of the superclass (cax-sco), as owlrl says."""
    g = Graph()
    g.add((EX.narrower, RDFS.subPropertyOf, RDFS.subClassOf))
    g.add((EX.Minister, EX.narrower, EX.Person))
    g.add((EX.Person, RDFS.subClassOf, EX.Agent))
    g.add((EX.x, RDF.type, EX.Minister))
    rules = _outcome(g, "rules")
    assert isinstance(rules, set)
    assert {(EX.x, RDF.type, EX.Person), (EX.x, RDF.type, EX.Agent)} <= rules
    assert rules == _outcome(g, "owlrl")
