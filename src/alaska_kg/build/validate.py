"""Validate the data against the SHACL shapes (W3C SHACL §3): asserted triples, with the class hierarchy."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH
from rdflib.term import Node

from alaska_kg.paths import Layout

if TYPE_CHECKING:
    from alaska_kg.build.parse import SourceStore

Severity = Literal["Violation", "Warning", "Info"]

# Which graph the shapes describe: the asserted data (plus links) with the ontology mixed in, so that
# sh:class follows rdfs:subClassOf, but with no inference: RDFS would type a wrong value from a property's
# range and hide the error. The shapes put minCount only on properties the data asserts directly.
INFERENCE = "none"


Engine = Literal["auto", "turbo", "pyshacl"]
# pySHACL is the reference; pyshacl-turbo (the same API, executed in Rust) is ~5x faster here. "auto", the
# default, is pyshacl-turbo with the shapes that fall into one of its known gaps (docs/architecture.md,
# "Known gaps of the default engines"; tests/test_engine_gaps.py) routed to pySHACL, when the data can
# trigger the gap.
# tests/test_validation_engines.py shows it reports exactly pySHACL's results on the real data and every
# invalid fixture; tests/test_w3c_shacl.py runs both on the W3C SHACL test suite. "turbo" is pyshacl-turbo
# alone. Where pyshacl-turbo is not installed (its wheels need Python >= 3.11), pySHACL does all the work.
DEFAULT_ENGINE: Engine = "auto"


def _engine(name: Engine):
    if name in ("auto", "turbo"):
        try:
            from pyshacl_turbo import validate as turbo_validate
        except ImportError:
            pass
        else:
            return turbo_validate
    from pyshacl import validate as reference_validate

    return reference_validate


# ---------------------------------------------------------------- the known gap, and routing around it

# SHACL §4.1.2 (sh:datatype): a literal whose lexical form is not valid for its datatype fails.
# rdflib rewrites the lexical form of such a literal to the canonical form of the value it could still read
# ("none"^^xsd:boolean, "TRUE"^^xsd:boolean become "false", "true"), keeping only a flag (`ill_typed`).
# pySHACL reads the flag; pyshacl-turbo reads the rewritten, well-formed text and lets the value pass
# (W3C core/property/or-datatypes-001). Only literals rdflib flags and still converted are affected.


def _rewritten(term: Node) -> bool:
    """Whether `term` is a literal rdflib found ill-typed and rewrote (it could still read a value)."""
    return isinstance(term, RdfLiteral) and bool(term.ill_typed) and term.value is not None


def rewritten_ill_typed_datatypes(data: Graph) -> set[URIRef]:
    """The datatypes of the literals of `data` that are ill-typed but that rdflib rewrote as well-formed."""
    # every triple's own object: "none"^^xsd:boolean is == and hashes as "false"^^xsd:boolean, so a set of
    # objects (unique=True) may keep the well-typed twin of an ill-typed literal and miss it
    return {term.datatype for _s, _p, term in data if _rewritten(term)}


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_CLASSES = (RDFS.Class, OWL.Class)  # SHACL §2.1.3.1: a shape that is also a class targets its instances


def _targeted_shapes(shapes: Graph) -> set[Node]:
    found: set[Node] = set()
    for predicate in _TARGETS:
        found.update(shapes.subjects(predicate, None))
    for cls in _CLASSES:
        found.update(s for s in shapes.subjects(RDF.type, cls) if (s, RDF.type, SH.NodeShape) in shapes)
    return found


def _uses_datatype(shapes: Graph, shape: Node, datatypes: set[URIRef]) -> bool:
    """Whether `shape`, or any shape or list it reaches (sh:property, sh:node, sh:or, sh:not, …), has
    sh:datatype one of `datatypes`."""
    todo, seen = [shape], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in shapes.predicate_objects(node):
            if predicate == SH.datatype and value in datatypes:
                return True
            if predicate not in _TARGETS and predicate != RDF.type and isinstance(value, URIRef | BNode):
                todo.append(value)
    return False


def routed_to_reference(datatypes: set[URIRef], shapes: Graph) -> set[Node]:
    """The targeted shapes that pyshacl-turbo would get wrong on data holding rewritten ill-typed literals
    of `datatypes` (`rewritten_ill_typed_datatypes`): those pySHACL must validate."""
    if not datatypes:
        return set()
    return {s for s in _targeted_shapes(shapes) if _uses_datatype(shapes, s, datatypes)}


def _keep_targets(shapes: Graph, keep: set[Node]) -> Graph:
    """A copy of `shapes` in which only the shapes in `keep` have targets: the others are still there, for
    sh:node and the like, but are not validated on their own."""
    copy = Graph(bind_namespaces="none")
    targeted = _targeted_shapes(shapes) - keep
    for s, p, o in shapes:
        if s in targeted and (p in _TARGETS or (p == RDF.type and o in _CLASSES)):
            continue
        copy.add((s, p, o))
    return copy


def _merge_reports(first: Graph, second: Graph) -> tuple[bool, Graph]:
    """One sh:ValidationReport (SHACL §3.6.1) holding the results of two: conforms if both do."""
    merged = Graph(bind_namespaces="none")
    report = BNode()
    conforms = True
    for part in (first, second):
        node = part.value(predicate=RDF.type, object=SH.ValidationReport)
        conforms = conforms and bool(part.value(node, SH.conforms, default=RdfLiteral(True)).toPython())
        for s, p, o in part:
            if s == node and p == SH.conforms:
                continue
            merged.add((report if s == node else s, p, report if o == node else o))
    merged.add((report, SH.conforms, RdfLiteral(conforms)))
    return conforms, merged


@dataclass(frozen=True)
class Violation:
    """One sh:ValidationResult (SHACL §3.6.2), its terms rendered as N-Triples-like strings."""

    focus_node: str
    path: str | None
    message: str
    severity: Severity
    source_shape: str
    file: str | None = None  # the data file (and line) where the focus node is described, if found
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file else ""
        path = f" {self.path}" if self.path else ""
        return f"{where}{self.severity}: {self.focus_node}{path}: {self.message} [{self.source_shape}]"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of one validation run; `conforms` ignores warnings and infos."""

    conforms: bool
    violations: tuple[Violation, ...]
    shape_count: int
    shapes_file: Path | None
    report_turtle: str = ""
    check_failures: tuple = ()  # alaska_kg.build.checks.CheckFailure: integrity queries that returned rows
    # the report as a graph: its blank nodes are those of the data and shapes (report_turtle loses that)
    report_graph: Graph | None = field(default=None, compare=False, repr=False)

    @property
    def error_count(self) -> int:
        return sum(1 for v in self.violations if v.severity == "Violation")


def _render(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef | RdfLiteral | BNode):
        return node.n3()
    return str(node)


def _severity(node: Node | None) -> Severity:
    if node == SH.Warning:
        return "Warning"
    if node == SH.Info:
        return "Info"
    return "Violation"


def _count_shapes(shapes: Graph) -> int:
    """Number of node and property shapes: explicitly typed ones and those recognised by sh:path/targets."""
    found: set[Node] = set(shapes.subjects(RDF.type, SH.NodeShape))
    found.update(shapes.subjects(RDF.type, SH.PropertyShape))
    for predicate in (SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found.update(shapes.subjects(predicate, None))
    return len(found)


def _violations(results: Graph) -> tuple[Violation, ...]:
    """Read the sh:ValidationResult nodes of a SHACL validation report graph (SHACL §3.6)."""
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        found.append(
            Violation(
                focus_node=_render(results.value(result, SH.focusNode)),
                path=_render(path) if path is not None else None,
                message="; ".join(messages) or "(no message)",
                severity=_severity(results.value(result, SH.resultSeverity)),
                source_shape=_render(results.value(result, SH.sourceShape)),
            )
        )
    return tuple(sorted(found, key=lambda v: (v.focus_node, v.path or "", v.source_shape, v.message)))


def _with_class_hierarchy(
    data: Graph | Iterable[Graph], ontology: Graph, rewritten: set[URIRef] | None = None
) -> Graph:
    """One new graph: the data plus the ontology's rdfs:subClassOf axioms, all that sh:class and
    sh:targetClass need from it (SHACL §2.1.3.1 "SHACL instance"). This is what pySHACL's ont_graph would mix
    in, minus the rest of the ontology; handing over the whole ontology instead makes the engine copy the data
    again (7 s of 9 at 10^5 triples). The datatypes of rewritten ill-typed literals go into `rewritten`
    (the same as `rewritten_ill_typed_datatypes`, found in this pass over the triples for free)."""
    mixed = Graph(bind_namespaces="none")
    for part in (data,) if isinstance(data, Graph) else data:
        for triple in part:
            mixed.add(triple)
            if rewritten is not None and _rewritten(triple[2]):
                rewritten.add(triple[2].datatype)
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        mixed.add(triple)
    return mixed


def validate(
    data: Graph | Iterable[Graph],
    ontology: Graph,
    shapes: Graph,
    *,
    shapes_file: Path | None = None,
    engine: Engine = DEFAULT_ENGINE,
) -> ValidationReport:
    """Validate `data` (a graph, or several read as one) against `shapes`, with the ontology's class
    hierarchy mixed in; inputs stay unchanged."""
    rewritten: set[URIRef] = set()
    mixed = _with_class_hierarchy(data, ontology, rewritten)
    routed = routed_to_reference(rewritten, shapes) if engine == "auto" else set()
    if routed and _engine("auto") is not _engine("pyshacl"):
        fast = _run(_engine("auto"), mixed, _keep_targets(shapes, _targeted_shapes(shapes) - routed))
        reference = _run(_engine("pyshacl"), mixed, _keep_targets(shapes, routed))
        conforms, results = _merge_reports(fast[1], reference[1])
    else:
        conforms, results = _run(_engine(engine), mixed, shapes)
    return _report(conforms, results, shapes, shapes_file)


def _report(conforms: bool, results: Graph, shapes: Graph, shapes_file: Path | None) -> ValidationReport:
    """An engine's verdict and results graph as the build reports them, whichever route produced them."""
    return ValidationReport(
        conforms=conforms,
        violations=_violations(results),
        shape_count=_count_shapes(shapes),
        shapes_file=shapes_file,
        report_turtle=results.serialize(format="turtle"),
        report_graph=results,
    )


# A named graph that exists only while the build's store is validated: the class hierarchy read with the data.
_HIERARCHY_GRAPH = "https://w3id.org/alaska-kg/graph/validation-class-hierarchy"


def validate_store(
    sources: SourceStore, shapes: Graph, *, shapes_file: Path | None = None
) -> ValidationReport:
    """Validate the data and links of the build's store (build.parse: the ontology is not in it yet) against
    `shapes`, read with the ontology's class hierarchy, as `validate` does with rdflib graphs.

    pyshacl-turbo takes the Oxigraph store itself (it validates the union of its graphs) and reads every
    literal as written: no rdflib rewrote an ill-typed one, so the gap `validate` routes around cannot
    happen and this is the default route's report (tests/test_validation_engines.py compares them on every
    invalid fixture). Without pyshacl-turbo (Python < 3.11) the store is copied into rdflib for pySHACL."""
    if sources.has_ontology_graph:
        raise ValueError("validate_store needs the store before add_ontology (the engine reads every graph)")
    try:
        from pyshacl_turbo import validate as engine
    except ImportError:
        return validate(
            _to_rdflib(sources.store), _to_rdflib(sources.ontology), shapes, shapes_file=shapes_file
        )
    from pyoxigraph import NamedNode, Quad

    hierarchy = NamedNode(_HIERARCHY_GRAPH)
    sources.store.extend(Quad(q.subject, q.predicate, q.object, hierarchy) for q in sources.class_hierarchy())
    try:
        conforms, results = _run(engine, sources.store, shapes)
    finally:
        sources.store.remove_graph(hierarchy)
    return _report(conforms, results, shapes, shapes_file)


def _to_rdflib(store) -> Graph:
    """Every triple of an Oxigraph store (all graphs) in one rdflib graph (the fallback engine's input)."""
    from pyoxigraph import RdfFormat

    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    text = union.serialize(format=RdfFormat.N_TRIPLES) or b""
    return Graph(bind_namespaces="none").parse(data=text.decode("utf-8"), format="nt")


def _run(shacl_validate, data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    conforms, results, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=None,
        inference=INFERENCE,
        advanced=True,
        inplace=False,
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
    )
    return bool(conforms), results


_PREFIX_LINE = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.", re.M)


def _subject_lines(files: Iterable[Path]) -> dict[str, tuple[str, int]]:
    """Where each subject is described: the first line that starts with it, by full IRI in N-Triples form."""
    found: dict[str, tuple[str, int]] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        prefixes = {prefix or "": namespace for prefix, namespace in _PREFIX_LINE.findall(text)}
        for number, line in enumerate(text.split("\n"), start=1):  # line numbers as parsers count them
            head = line.split(None, 1)[0] if line and not line[0].isspace() else ""
            if head.startswith("<") and head.endswith(">"):
                iri = head[1:-1]
            elif ":" in head and not head.startswith(("@", "#")):
                prefix, _, local = head.partition(":")
                if prefix not in prefixes:
                    continue
                iri = prefixes[prefix] + local.replace("\\", "")
            else:
                continue
            found.setdefault(f"<{iri}>", (str(path), number))
    return found


def locate_violations(report: ValidationReport, files: Iterable[Path]) -> ValidationReport:
    """Attach to each violation the data file and line where its focus node is described."""
    where = _subject_lines(files)
    located = tuple(
        replace(
            v, file=where.get(v.focus_node, (None, None))[0], line=where.get(v.focus_node, (None, None))[1]
        )
        for v in report.violations
    )
    return replace(report, violations=located)


def with_checks(report: ValidationReport, layout: Layout, *, store=None, graphs=None) -> ValidationReport:
    """Add the integrity queries of queries/checks/ to a SHACL report: any row makes it not conform. They
    read the sources' files, or the union of the named `graphs` of the build's `store` if given."""
    from alaska_kg.build.checks import run_checks

    failures = run_checks(layout, store=store, graphs=graphs)
    return replace(report, check_failures=failures, conforms=report.conforms and not failures)


def validate_layout(layout: Layout) -> ValidationReport:
    """Parse the sources under `layout`, validate them against the shapes and run the integrity checks;
    violations carry their file and line."""
    from alaska_kg.build.loading import load_sources

    sources = load_sources(layout)
    report = validate(
        (sources.asserted, sources.links), sources.ontology, sources.shapes, shapes_file=layout.shapes_file
    )
    return with_checks(locate_violations(report, layout.data_files), layout)


ReportFormat = Literal["text", "json", "turtle"]


def render_report(report: ValidationReport, fmt: ReportFormat) -> str:
    """The report as text (one line per violation), JSON, or the SHACL validation report in Turtle."""
    if fmt == "turtle":
        return report.report_turtle
    if fmt == "json":
        body = {
            "conforms": report.conforms,
            "shapes": report.shape_count,
            "violations": [v.__dict__ for v in report.violations],
            "checks": [
                {
                    "check": f.name,
                    "summary": f.summary,
                    "rows": [dict(zip(f.columns, row, strict=True)) for row in f.rows],
                }
                for f in report.check_failures
            ],
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    checks = f", {len(report.check_failures)} failed check(s)" if report.check_failures else ""
    status = "conforms" if report.conforms else f"does not conform: {report.error_count} violation(s){checks}"
    lines = [f"{report.shapes_file}: data {status} ({report.shape_count} shapes and the queries/checks)"]
    lines += [f"  {v}" for v in report.violations]
    lines += [f"  check failed: {f}" for f in report.check_failures]
    return "\n".join(lines) + "\n"


__all__ = [
    "DEFAULT_ENGINE",
    "INFERENCE",
    "Engine",
    "ReportFormat",
    "Severity",
    "ValidationReport",
    "Violation",
    "locate_violations",
    "render_report",
    "rewritten_ill_typed_datatypes",
    "routed_to_reference",
    "validate",
    "validate_layout",
    "validate_store",
]
