"""The ontology is in OWL 2 RL (and OWL 2 DL), as the OWL API's profile checkers see it; labels and SKOS.

The check is not ours: tests/owlapi/ProfileCheck.java loads ontology/alaska.ttl with the OWL API (Debian's
libowlapi-java, the reference implementation of the OWL 2 structural specification) and runs its
OWL2RLProfile and OWL2DLProfile checkers, which catch what a look at predicate names cannot: undeclared
entities, one IRI used as two kinds of property, datatypes outside the OWL 2 datatype map, class
expressions in the wrong position, triples that map to no axiom. Java and the jars come from the system
packages in scripts/system-packages.txt (scripts/install-test-deps installs them); when they are missing
the test fails and says how to install them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Namespace, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "alaska.ttl"
CHECKER = Path(__file__).resolve().parent / "owlapi" / "ProfileCheck.java"
OUTSIDE_RL = Path(__file__).resolve().parent / "fixtures" / "owl" / "outside-rl.ttl"
SYSTEM_PACKAGES = ROOT / "scripts" / "system-packages.txt"
AK = Namespace("https://w3id.org/alaska-kg/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/alaska-kg/ontology")

JAR_DIR = Path("/usr/share/java")
# owlapi-distribution.jar and the jars of its Debian dependencies that loading Turtle and checking the
# profiles use (found by removing one at a time); slf4j-nop silences the OWL API's logging.
JARS = (
    "owlapi-distribution",
    "guava",
    "caffeine",
    "commons-io",
    "commons-rdf-api",
    "hppcrt",
    "jsr305",
    "atinject-jsr330-api",
    "rdf4j-model-api",
    "rdf4j-model",
    "rdf4j-rio-api",
    "rdf4j-util",
    "xz",
    "slf4j-api",
    "slf4j-nop",
)


def system_packages() -> list[str]:
    """The packages listed in scripts/system-packages.txt (comments and blank lines dropped)."""
    lines = SYSTEM_PACKAGES.read_text(encoding="utf-8").splitlines()
    return [name for line in lines if (name := line.split("#", 1)[0].strip())]


def install_hint() -> str:
    sudo = "" if os.geteuid() == 0 else "sudo "
    command = f"{sudo}apt-get install -y --no-install-recommends {' '.join(system_packages())}"
    return f"install them with: {command}   (or: scripts/install-test-deps)"


@dataclass(frozen=True)
class ProfileReport:
    """What ProfileCheck printed: the problems per profile (kind, text) and the summary counts."""

    problems: dict[str, list[tuple[str, str]]]
    summary: dict[str, int]
    output: str

    def kinds(self, profile: str) -> Counter[str]:
        return Counter(kind for kind, _text in self.problems.get(profile, []))

    def listing(self) -> str:
        return "\n".join(
            f"  {profile}\t{kind}\t{text}" for profile, found in self.problems.items() for kind, text in found
        )


def run_checker(ontology: Path) -> ProfileReport:
    """Run ProfileCheck.java on one file; fail (never skip) when Java or a jar is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"the OWL 2 profile check needs Java and the OWL API; {install_hint()}")
    missing = [name for name in JARS if not (JAR_DIR / f"{name}.jar").is_file()]
    if missing:
        jars = ", ".join(f"{JAR_DIR}/{name}.jar" for name in missing)
        pytest.fail(f"the OWL 2 profile check needs the OWL API jars, missing: {jars}; {install_hint()}")
    classpath = os.pathsep.join(str(JAR_DIR / f"{name}.jar") for name in JARS)
    done = subprocess.run(
        [java, "-cp", classpath, str(CHECKER), str(ontology)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    problems: dict[str, list[tuple[str, str]]] = {}
    summary: dict[str, int] = {}
    for line in done.stdout.splitlines():
        fields = line.split("\t")
        if fields[0] == "summary":
            summary = {key: int(value) for key, value in (field.split("=") for field in fields[1:])}
        elif len(fields) == 3:
            problems.setdefault(fields[0], []).append((fields[1], fields[2]))
        else:
            pytest.fail(f"ProfileCheck printed a line it should not: {line!r}")
    # A crash, a load error or a missing summary is a failure, never an empty (passing) report.
    assert done.returncode in (0, 1) and summary, (
        f"ProfileCheck on {ontology} exited {done.returncode} without a report:\n{done.stdout}\n{done.stderr}"
    )
    assert done.returncode == (0 if summary["RL"] + summary["DL"] + summary["unparsed"] == 0 else 1)
    for profile in ("RL", "DL", "unparsed"):
        assert summary[profile] == len(problems.get(profile, [])), done.stdout
    return ProfileReport(problems, summary, done.stdout)


@pytest.fixture(scope="module")
def ontology_report() -> ProfileReport:
    return run_checker(ONTOLOGY_FILE)


def test_ontology_is_in_owl2_rl_and_owl2_dl(ontology_report: ProfileReport):
    """OWL2RLProfile and OWL2DLProfile report no violation, and no triple of the file is left unparsed.
    (At b88000c: 212 RL and 207 DL violations: 76 undeclared external terms, dcterms:creator and
    ak:seeAlsoTopic punned between annotation and object property, xsd:date and xsd:gYear ranges.)"""
    report = ontology_report
    assert report.summary["RL"] == 0 and report.summary["DL"] == 0 and report.summary["unparsed"] == 0, (
        f"ontology/alaska.ttl is not the OWL 2 RL/DL it claims to be ({report.summary}):\n{report.listing()}"
    )


def test_the_checker_read_the_whole_ontology(ontology_report: ProfileReport):
    """Zero violations means something only if every axiom was loaded. The ontology has no anonymous
    class expression (test_data.py checks), so each triple not about the ontology itself is one axiom:
    a declaration, an annotation assertion, or a sub-class, sub-property, domain, range, inverse or
    disjointness axiom (OWL 2 RDF mapping, §3.2)."""
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    triples = sum(1 for subject, _p, _o in graph if subject != ONTOLOGY_IRI)
    assert triples > 600
    assert ontology_report.summary["axioms"] == triples, ontology_report.output


def test_the_checker_catches_each_kind_of_mistake():
    """The fixture holds one example of each mistake the ontology had, and two more; each is reported
    under the profile that forbids it (OWL 2 structural specification §5.8 declarations and typing,
    §4 datatype map; OWL 2 Profiles §4.2.3 superclass expressions in RL)."""
    report = run_checker(OUTSIDE_RL)
    rl, dl = report.kinds("RL"), report.kinds("DL")
    for kinds in (rl, dl):
        assert kinds["UseOfUndeclaredClass"] >= 1, report.output
        assert kinds["UseOfUndeclaredObjectProperty"] >= 1, report.output
        assert kinds["IllegalPunning"] >= 2, report.output  # dcterms:creator and ex:seeAlsoTopic
    assert rl["UseOfIllegalDataRange"] == 1, report.output  # xsd:date range
    assert rl["UseOfNonSuperClassExpression"] == 1, report.output  # the existential superclass
    assert dl["UseOfNonSuperClassExpression"] == 0, report.output  # … which OWL 2 DL allows
    assert report.kinds("unparsed")["UnparsedTriple"] == 1, report.output  # owl:members on a class


# ---------------------------------------------------------------- labels and SKOS


def test_no_label_is_shared_by_two_terms():
    """A label names one term: "place", "country" and "statement kind" were each both a class and a
    property, so a reader (and `describe`) could not tell them apart."""
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    by_label: dict[str, list[str]] = {}
    for term, label in graph.subject_objects(RDFS.label):
        if isinstance(term, URIRef) and term.startswith(str(AK)):
            by_label.setdefault(str(label).casefold(), []).append(term.removeprefix(str(AK)))
    shared = {label: sorted(terms) for label, terms in by_label.items() if len(terms) > 1}
    assert not shared, f"labels shared by several ak: terms: {shared}"


def test_statement_kinds_are_skos_concepts_in_the_asserted_data():
    """SKOS tools read the asserted data without OWL reasoning: each statement kind and CAMEO code (in
    the schemes akr:statement-kinds and akr:cameo) is typed skos:Concept there, not only through
    ak:StatementKind ⊑ skos:Concept in the inferred graph."""
    data = rdflib.Graph().parse(ROOT / "data" / "statement-kinds.ttl")
    kinds = set(data.subjects(RDF.type, AK.StatementKind)) | set(data.subjects(RDF.type, AK.CameoEventType))
    in_schemes = set(data.subjects(SKOS.inScheme, None))
    assert kinds and in_schemes
    untyped = sorted(str(kind) for kind in kinds | in_schemes if (kind, RDF.type, SKOS.Concept) not in data)
    assert not untyped, f"typed skos:Concept only by inference: {untyped}"
