"""The SHACL shapes: every constraint is shown failing by a fixture, and the real data passes them all.

Validation runs as the shapes file says it must: the data with the ontology mixed in (so sh:class follows
rdfs:subClassOf) and no inference (so a wrong value is caught instead of being typed by a range).
Each file in tests/fixtures/invalid/ is an example of one violation and declares it in a `#+` header:

    #+ violates: aks:Statement-speaker
    #+ focus: akr:statement-without-speaker
    #+ why: The statement does not say who made it.

A new constraint therefore needs a new fixture file and no Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "alaska.ttl"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
DATA_DIR = ROOT / "data"
SOURCE_FILE = DATA_DIR / "source.ttl"
INVALID_DIR = Path(__file__).resolve().parent / "fixtures" / "invalid"
INVALID_FIXTURES = sorted(INVALID_DIR.glob("*.ttl"))

AK = Namespace("https://w3id.org/alaska-kg/ontology#")
AKR = Namespace("https://w3id.org/alaska-kg/resource/")
AKS = Namespace("https://w3id.org/alaska-kg/shapes#")

HEADER_PREFIXES = {"aks": AKS, "akr": AKR}
HEADER_KEYS = ("violates", "focus", "why")
HEADER_LINE = re.compile(r"#\+ (?P<key>[a-z]+): (?P<value>\S.*)")
CURIE = re.compile(r"(?P<prefix>[a-z]+):(?P<local>[A-Za-z0-9_][A-Za-z0-9_.-]*)")

CONSTRAINT_TYPES = (SH.PropertyShape, SH.SPARQLConstraint)


class FixtureHeaderError(ValueError):
    """A fixture's `#+` header is missing, incomplete or unreadable; the message names the file."""


@dataclass(frozen=True)
class InvalidFixture:
    """What one invalid-data fixture declares about itself in its header."""

    path: Path
    violates: URIRef
    focus: URIRef
    why: str


@dataclass(frozen=True)
class Result:
    """One sh:ValidationResult, reduced to what the tests compare and print (SHACL §3.6.2)."""

    focus: Node | None
    shape: Node | None
    constraint: Node | None
    message: str

    def __str__(self) -> str:
        constraint = f" / {short(self.constraint)}" if self.constraint is not None else ""
        return f"{short(self.focus)}  {short(self.shape)}{constraint}: {self.message}"


def short(node: Node | None) -> str:
    """Write aks:/akr:/ak: IRIs as CURIEs so a failure message stays readable."""
    if node is None:
        return "(none)"
    text = str(node)
    for prefix, namespace in (("aks", AKS), ("akr", AKR), ("ak", AK)):
        if text.startswith(str(namespace)):
            return f"{prefix}:{text[len(namespace) :]}"
    return node.n3() if hasattr(node, "n3") else text


def expand(value: str, path: Path, key: str) -> URIRef:
    """Expand an aks:/akr: CURIE or read an <IRI> from a header value; anything else names the file."""
    if value.startswith("<") and value.endswith(">"):
        return URIRef(value[1:-1])
    match = CURIE.fullmatch(value)
    if match is None or match["prefix"] not in HEADER_PREFIXES:
        known = ", ".join(f"{p}:" for p in HEADER_PREFIXES)
        raise FixtureHeaderError(
            f"{path.name}: '#+ {key}: {value}' is neither an <IRI> nor a CURIE with {known}"
        )
    return HEADER_PREFIXES[match["prefix"]][match["local"]]


def read_header(path: Path) -> InvalidFixture:
    """Read the leading `#+ key: value` lines of a fixture; each key in HEADER_KEYS exactly once."""
    fields: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("#+"):
            break
        match = HEADER_LINE.fullmatch(line.rstrip())
        if match is None:
            raise FixtureHeaderError(f"{path.name}:{number}: header line is not '#+ key: value': {line!r}")
        key, value = match["key"], match["value"].strip()
        if key not in HEADER_KEYS:
            raise FixtureHeaderError(
                f"{path.name}:{number}: unknown header key {key!r}, expected {HEADER_KEYS}"
            )
        if key in fields:
            raise FixtureHeaderError(f"{path.name}:{number}: header key {key!r} given twice")
        fields[key] = value
    missing = [key for key in HEADER_KEYS if key not in fields]
    if missing:
        wanted = ", ".join(f"'#+ {key}:'" for key in missing)
        raise FixtureHeaderError(f"{path.name}: the header at the top of the file lacks {wanted}")
    return InvalidFixture(
        path=path,
        violates=expand(fields["violates"], path, "violates"),
        focus=expand(fields["focus"], path, "focus"),
        why=fields["why"],
    )


def run_shacl(data: Graph, ontology: Graph, shapes: Graph) -> tuple[bool, list[Result]]:
    """Validate as the project does: ontology mixed in, no inference, SHACL-AF on, warnings allowed."""
    conforms, report, _text = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    results = [
        Result(
            focus=report.value(result, SH.focusNode),
            shape=report.value(result, SH.sourceShape),
            constraint=report.value(result, SH.sourceConstraint),
            message="; ".join(sorted(str(m) for m in report.objects(result, SH.resultMessage)))
            or "(no message)",
        )
        for result in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return bool(conforms), sorted(results, key=str)


def named_constraints(shapes: Graph) -> set[URIRef]:
    """Every named property shape and SPARQL constraint: the things a fixture can say it violates."""
    return {
        node
        for kind in CONSTRAINT_TYPES
        for node in shapes.subjects(RDF.type, kind)
        if isinstance(node, URIRef)
    }


def english(values: list[Node]) -> bool:
    """True if one of the values is a non-blank @en literal."""
    return any(isinstance(v, Literal) and v.language == "en" and str(v).strip() for v in values)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The TBox, parsed once for the module."""
    return Graph().parse(ONTOLOGY_FILE)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The SHACL shapes, parsed once for the module."""
    return Graph().parse(SHAPES_FILE)


@pytest.fixture(scope="module")
def source_units() -> Graph:
    """data/source.ttl, parsed once: the article, its text and text units that fixtures may point at."""
    return Graph().parse(SOURCE_FILE)


@pytest.fixture(scope="module")
def real_data() -> Graph:
    """All of data/*.ttl in one graph, parsed once for the module."""
    files = sorted(DATA_DIR.glob("*.ttl"))
    assert files, f"no data files in {DATA_DIR}"
    data = Graph()
    for path in files:
        data.parse(path, format="turtle")
    return data


def test_there_are_invalid_fixtures() -> None:
    """Guards the parametrized test below: an empty or moved fixture folder must not pass silently."""
    assert INVALID_FIXTURES, f"no *.ttl fixtures in {INVALID_DIR}"


@pytest.mark.parametrize("path", INVALID_FIXTURES, ids=lambda p: p.stem)
def test_invalid_fixture_violates_what_its_header_says(
    path: Path, ontology: Graph, shapes: Graph, source_units: Graph
) -> None:
    """Each constraint can actually fail: its fixture, read with the text units, reports it at the focus."""
    try:
        fixture = read_header(path)
    except FixtureHeaderError as error:
        pytest.fail(str(error))
    data = Graph()
    data += source_units
    data.parse(path, format="turtle")

    conforms, results = run_shacl(data, ontology, shapes)

    assert not conforms, (
        f"{path.name}: expected a violation of {short(fixture.violates)}, but the data conforms"
    )
    wanted = fixture.violates
    matches = [r for r in results if r.focus == fixture.focus and wanted in (r.shape, r.constraint)]
    reported = "\n".join(f"  {r}" for r in results) or "  (nothing)"
    assert matches, (
        f"{path.name}: no result for focus {short(fixture.focus)} from {short(wanted)}; reported:\n{reported}"
    )


def test_a_fixture_without_a_complete_header_is_rejected_by_file_name(tmp_path: Path) -> None:
    """A fixture whose header is broken must fail loudly and say which file, not be skipped."""
    broken = tmp_path / "Broken-header.ttl"
    broken.write_text("#+ violates: aks:Statement-speaker\n\n<urn:x> <urn:y> <urn:z> .\n", encoding="utf-8")
    with pytest.raises(FixtureHeaderError, match=r"Broken-header\.ttl.*focus"):
        read_header(broken)

    unknown_prefix = tmp_path / "Unknown-prefix.ttl"
    unknown_prefix.write_text("#+ violates: ex:Thing\n#+ focus: akr:x\n#+ why: No.\n", encoding="utf-8")
    with pytest.raises(FixtureHeaderError, match=r"Unknown-prefix\.ttl"):
        read_header(unknown_prefix)


def test_every_constraint_has_exactly_one_fixture_and_every_fixture_a_constraint(shapes: Graph) -> None:
    """A new constraint fails the suite until someone writes an example of data that violates it."""
    constraints = named_constraints(shapes)
    fixtures_by_constraint: dict[URIRef, list[str]] = {}
    problems: list[str] = []
    for path in INVALID_FIXTURES:
        fixture = read_header(path)
        fixtures_by_constraint.setdefault(fixture.violates, []).append(path.name)
        if fixture.violates not in constraints:
            problems.append(
                f"{path.name} names {short(fixture.violates)}, which is no constraint in {SHAPES_FILE.name}"
            )
        elif path.stem != short(fixture.violates).removeprefix("aks:"):
            problems.append(f"{path.name} violates {short(fixture.violates)}; name the file after it")
    for constraint in sorted(constraints):
        files = fixtures_by_constraint.get(constraint, [])
        if len(files) != 1:
            found = ", ".join(files) or "none"
            problems.append(
                f"{short(constraint)} needs exactly one fixture in {INVALID_DIR.name}/, found: {found}"
            )
    assert not problems, "\n".join(problems)


def test_every_node_shape_explains_itself_and_every_constraint_has_a_message(shapes: Graph) -> None:
    """A report is read by people: node shapes say what they require, constraints say what went wrong."""
    problems = [
        f"{short(shape)} has no English rdfs:comment"
        for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape))
        if not english(list(shapes.objects(shape, RDFS.comment)))
    ]
    problems += [
        f"{short(constraint)} has no English sh:message"
        for constraint in sorted(named_constraints(shapes))
        if not english(list(shapes.objects(constraint, SH.message)))
    ]
    assert not problems, "\n".join(problems)


def test_the_real_data_conforms_to_the_shapes(real_data: Graph, ontology: Graph, shapes: Graph) -> None:
    """The shipped data/*.ttl passes every shape; a failure lists focus node, shape and message of each."""
    conforms, results = run_shacl(real_data, ontology, shapes)

    listing = "\n".join(f"  {r}" for r in results)
    assert conforms, f"data/*.ttl does not conform to {SHAPES_FILE.name}: {len(results)} result(s)\n{listing}"


@pytest.fixture(scope="module")
def used_classes(real_data: Graph) -> set[URIRef]:
    """Every ak: class used as an rdf:type in data/*.ttl."""
    return {c for c in real_data.objects(None, RDF.type) if isinstance(c, URIRef) and c.startswith(str(AK))}


def test_every_class_used_in_the_data_is_checked_by_some_node_shape(
    used_classes: set[URIRef], ontology: Graph, shapes: Graph
) -> None:
    """No typed resource escapes validation: its class or a superclass is some node shape's sh:targetClass."""
    targeted = set(shapes.objects(None, SH.targetClass))
    unchecked = sorted(
        short(cls)
        for cls in used_classes
        if not targeted & set(ontology.transitive_objects(cls, RDFS.subClassOf))
    )
    assert not unchecked, f"classes used in data/*.ttl that no node shape targets: {', '.join(unchecked)}"


def test_every_class_used_in_the_data_is_the_target_class_of_its_own_node_shape(
    used_classes: set[URIRef], shapes: Graph
) -> None:
    """The issue's wording, taken literally: each ak: class in the data is a node shape's sh:targetClass."""
    targeted = set(shapes.objects(None, SH.targetClass))
    missing = sorted(short(cls) for cls in used_classes if cls not in targeted)
    assert not missing, f"classes used in data/*.ttl with no node shape of their own: {', '.join(missing)}"
