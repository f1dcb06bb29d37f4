"""Validate the data against the SHACL shapes (W3C SHACL §3): asserted triples, with the class hierarchy."""

from __future__ import annotations

import json
import re
from collections import namedtuple
from collections.abc import Iterable
from pathlib import Path

from alaska_kg.paths import Layout

TYPE_CHECKING = False  # neither typing nor dataclasses is imported by the build (issue 12)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Literal

    from rdflib import Graph

    from alaska_kg.build.parse import SourceStore
    from alaska_kg.build.shacl_sparql import Result, Shapes

    Severity = Literal["Violation", "Warning", "Info"]
    Engine = Literal["sparql", "auto", "turbo", "pyshacl"]
    ReportFormat = Literal["text", "json", "turtle"]
else:  # the names the type checker reads as Literal types are plain strings at run time
    Severity = Engine = ReportFormat = str

# Which graph the shapes describe: the asserted data (plus links) with the ontology mixed in, so that
# sh:class follows rdfs:subClassOf, but with no inference: RDFS would type a wrong value from a property's
# range and hide the error. The shapes put minCount only on properties the data asserts directly.
INFERENCE = "none"


ENGINES: tuple[Engine, ...] = ("sparql", "auto", "turbo", "pyshacl")
# "sparql", the default: the shapes translated into SPARQL queries run by Oxigraph on the build's own store
# (build.shacl_sparql), without rdflib; a shapes graph using a feature it does not translate falls back to
# "auto" with a warning. pySHACL is the reference (tests/test_shacl_sparql.py: the same report as pySHACL's
# on the real data, every invalid fixture and the W3C suite). "auto" is pyshacl-turbo with the shapes that
# fall into one of its known gaps routed to pySHACL (build.validate_rdflib); "turbo" is pyshacl-turbo
# alone. The rdflib engines live in build.validate_rdflib, imported only when one is used.
DEFAULT_ENGINE: Engine = "sparql"
FALLBACK_ENGINE: Engine = "auto"


# Named tuples, not dataclasses: the build imports neither dataclasses (with inspect and ast: ~6 ms) nor
# typing (issue 12; as alaska_kg.paths does).
_VIOLATION_FIELDS = ("focus_node", "path", "message", "severity", "source_shape", "file", "line")


class Violation(namedtuple("Violation", _VIOLATION_FIELDS, defaults=(None, None))):
    """One sh:ValidationResult (SHACL §3.6.2), its terms rendered as N-Triples-like strings; `file` and
    `line`: where in the data the focus node is described, if found."""

    __slots__ = ()
    focus_node: str
    path: str | None
    message: str
    severity: Severity
    source_shape: str
    file: str | None
    line: int | None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file else ""
        path = f" {self.path}" if self.path else ""
        return f"{where}{self.severity}: {self.focus_node}{path}: {self.message} [{self.source_shape}]"


_REPORT_FIELDS = (
    "conforms",
    "violations",
    "shape_count",
    "shapes_file",
    "report_turtle",
    "check_failures",  # alaska_kg.build.checks.CheckFailure: integrity queries that returned rows
    # the report as an rdflib graph (the rdflib routes): its blank nodes are those of the data and shapes
    "report_graph",
)


class ValidationReport(namedtuple("ValidationReport", _REPORT_FIELDS, defaults=("", (), None))):
    """The outcome of one validation run; `conforms` ignores warnings and infos. Two reports are equal
    when all but their `report_graph` are."""

    __slots__ = ()
    conforms: bool
    violations: tuple[Violation, ...]
    shape_count: int
    shapes_file: Path | None
    report_turtle: str
    check_failures: tuple
    report_graph: Graph | None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ValidationReport) and self[:-1] == other[:-1]

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ValidationReport(conforms={self.conforms}, violations={len(self.violations)}, …)"

    @property
    def error_count(self) -> int:
        return sum(1 for v in self.violations if v.severity == "Violation")


def read_shapes(path: Path) -> Shapes:
    """The shapes file, parsed by Oxigraph, as the SPARQL engine reads it."""
    from alaska_kg.build.shacl_sparql import Shapes

    return Shapes.from_file(path)


def _count_shapes(shapes: Shapes) -> int:
    """Number of node and property shapes: explicitly typed ones and those recognised by sh:path/targets."""
    from alaska_kg.build.shacl_sparql import RDF, SH

    kinds = (SH + "NodeShape", SH + "PropertyShape")
    marks = {SH + p for p in ("path", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")}
    found = set()
    for triple in shapes.triples:
        predicate = triple.predicate.value
        if (predicate == RDF + "type" and triple.object.value in kinds) or predicate in marks:
            found.add(triple.subject)
    return len(found)


_SEVERITIES: dict[str, Severity] = {
    "http://www.w3.org/ns/shacl#Warning": "Warning",
    "http://www.w3.org/ns/shacl#Info": "Info",
}


def _render_term(term, shapes: Shapes) -> str:  # type: ignore[no-untyped-def]
    """A term of a result in N-Triples form, as the rdflib route renders it (rdflib's n3())."""
    return str(term)


def sparql_report(results: list[Result], shapes: Shapes, shapes_file: Path | None) -> ValidationReport:
    """The report of the SPARQL engine's results: the same violations as the rdflib route gives, and the
    SHACL validation report (§3.6) in Turtle, written by Oxigraph."""
    violations = tuple(
        sorted(
            (
                Violation(
                    focus_node=str(r.focus),
                    path=str(r.path) if r.path is not None else None,
                    message="; ".join(sorted(m.value for m in r.messages)) or "(no message)",
                    severity=_SEVERITIES.get(r.severity, "Violation"),
                    source_shape=str(r.shape),
                )
                for r in results
            ),
            key=lambda v: (v.focus_node, v.path or "", v.source_shape, v.message),
        )
    )
    conforms = not any(v.severity == "Violation" for v in violations)
    return ValidationReport(
        conforms=conforms,
        violations=violations,
        shape_count=_count_shapes(shapes),
        shapes_file=shapes_file,
        report_turtle=report_turtle(results, shapes),
    )


def report_triples(results: list[Result], shapes: Shapes) -> list:
    """The sh:ValidationReport of `results` as Oxigraph triples (SHACL §3.6), with a copy of each blank
    path and shape it names (what pySHACL copies from the shapes graph)."""
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    from alaska_kg.build.shacl_sparql import RDF, SH, XSD

    def sh(name: str) -> NamedNode:
        return NamedNode(SH + name)

    report = BlankNode()
    conforms = not any(r.severity == SH + "Violation" for r in results)
    triples = [
        Triple(report, NamedNode(RDF + "type"), sh("ValidationReport")),
        Triple(report, sh("conforms"), Literal(str(conforms).lower(), datatype=NamedNode(XSD + "boolean"))),
    ]
    copied = set()
    for r in results:
        node = BlankNode()
        triples += [
            Triple(report, sh("result"), node),
            Triple(node, NamedNode(RDF + "type"), sh("ValidationResult")),
            Triple(node, sh("focusNode"), r.focus),
            Triple(node, sh("sourceShape"), r.shape),
            Triple(node, sh("sourceConstraintComponent"), NamedNode(r.component)),
            Triple(node, sh("resultSeverity"), NamedNode(r.severity)),
        ]
        triples += [Triple(node, sh("resultMessage"), m) for m in r.messages]
        if r.value is not None:
            triples.append(Triple(node, sh("value"), r.value))
        if r.path is not None:
            triples.append(Triple(node, sh("resultPath"), r.path))
        if r.constraint is not None:
            triples.append(Triple(node, sh("sourceConstraint"), r.constraint))
        for term in (r.path, r.shape, r.constraint):
            if isinstance(term, BlankNode) and term not in copied:
                copied.add(term)
                triples += shapes.reachable(term)
    return triples


def report_turtle(results: list[Result], shapes: Shapes) -> str:
    from pyoxigraph import RdfFormat, serialize

    from alaska_kg.build.shacl_sparql import SH

    data = serialize(report_triples(results, shapes), format=RdfFormat.TURTLE, prefixes={"sh": SH})
    return (data or b"").decode("utf-8")


# A named graph that exists only while the build's store is validated: the class hierarchy read with the data.
_HIERARCHY_GRAPH = "https://w3id.org/alaska-kg/graph/validation-class-hierarchy"


def validate_store(
    sources: SourceStore,
    shapes: Shapes | Graph,
    *,
    shapes_file: Path | None = None,
    engine: Engine = DEFAULT_ENGINE,
    warn: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate the data and links of the build's store (build.parse: the ontology is not in it yet) against
    `shapes`, read with the ontology's class hierarchy (a named graph added for the while).

    "sparql" runs the translated shapes on the store itself; a feature it does not translate falls back to
    FALLBACK_ENGINE, said to `warn`. The rdflib engines are in build.validate_rdflib."""
    if sources.has_ontology_graph:
        raise ValueError("validate_store needs the store before add_ontology (the engine reads every graph)")
    if engine == "sparql":
        from alaska_kg.build.shacl_sparql import Shapes, Unsupported, run

        try:
            if isinstance(shapes, Shapes):
                readable = shapes
            else:  # an rdflib Graph (the shapes as the rdflib engines take them)
                from alaska_kg.build.validate_rdflib import shapes_from_rdflib

                readable = shapes_from_rdflib(shapes)
            with _hierarchy(sources):
                results = run(sources.store, readable)
        except Unsupported as exc:
            if warn is not None:
                warn(f"{shapes_file or 'the shapes'}: {fallback_notice(exc)}")
            engine = FALLBACK_ENGINE
        else:
            return sparql_report(results, readable, shapes_file)
    from alaska_kg.build.validate_rdflib import validate_store_rdflib

    return validate_store_rdflib(sources, shapes, shapes_file=shapes_file, engine=engine)


def fallback_notice(exc: Exception) -> str:
    """What the CLI warns when the SPARQL engine hands the shapes over to FALLBACK_ENGINE."""
    return f"the sparql engine cannot translate {exc}; validated with the {FALLBACK_ENGINE} engine instead"


class _hierarchy:
    """The ontology's rdfs:subClassOf axioms in a named graph of the store, for the while of a `with`."""

    def __init__(self, sources: SourceStore) -> None:
        self.sources = sources

    def __enter__(self) -> None:
        from pyoxigraph import NamedNode, Quad

        hierarchy = NamedNode(_HIERARCHY_GRAPH)
        self.sources.store.extend(
            Quad(q.subject, q.predicate, q.object, hierarchy) for q in self.sources.class_hierarchy()
        )

    def __exit__(self, *exc: object) -> None:
        from pyoxigraph import NamedNode

        self.sources.store.remove_graph(NamedNode(_HIERARCHY_GRAPH))


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
        v._replace(file=file, line=line)
        for v in report.violations
        for file, line in (where.get(v.focus_node, (None, None)),)
    )
    return report._replace(violations=located)


def with_checks(report: ValidationReport, layout: Layout, *, store=None, graphs=None) -> ValidationReport:
    """Add the integrity queries of queries/checks/ to a SHACL report: any row makes it not conform. They
    read the sources' files, or the union of the named `graphs` of the build's `store` if given."""
    from alaska_kg.build.checks import run_checks

    failures = run_checks(layout, store=store, graphs=graphs)
    return report._replace(check_failures=failures, conforms=report.conforms and not failures)


def validate_layout(
    layout: Layout, engine: Engine = DEFAULT_ENGINE, warn: Callable[[str], None] | None = None
) -> ValidationReport:
    """Parse the sources under `layout`, validate them against the shapes and run the integrity checks;
    violations carry their file and line. The sources are read as the build reads them (build.parse)."""
    from alaska_kg.build.parse import graph, load_source_store

    sources = load_source_store(layout)
    shapes = read_shapes(layout.shapes_file)
    report = validate_store(sources, shapes, shapes_file=layout.shapes_file, engine=engine, warn=warn)
    sources.add_ontology()
    stated = (graph("ontology"), graph("asserted"), graph("links"))
    return with_checks(
        locate_violations(report, layout.data_files), layout, store=sources.store, graphs=stated
    )


def validate(data, ontology, shapes, *, shapes_file=None, engine: Engine = DEFAULT_ENGINE):  # type: ignore[no-untyped-def]
    """Validate rdflib graphs (build.validate_rdflib.validate: imports rdflib)."""
    from alaska_kg.build.validate_rdflib import validate as validate_graphs

    return validate_graphs(data, ontology, shapes, shapes_file=shapes_file, engine=engine)


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """The rdflib route's helpers, still importable from here (loaded on first use)."""
    if name in ("rewritten_ill_typed_datatypes", "routed_to_reference"):
        from alaska_kg.build import validate_rdflib

        return getattr(validate_rdflib, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_report(report: ValidationReport, fmt: ReportFormat) -> str:
    """The report as text (one line per violation), JSON, or the SHACL validation report in Turtle."""
    if fmt == "turtle":
        return report.report_turtle
    if fmt == "json":
        body = {
            "conforms": report.conforms,
            "shapes": report.shape_count,
            "violations": [v._asdict() for v in report.violations],
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
    "ENGINES",
    "FALLBACK_ENGINE",
    "INFERENCE",
    "Engine",
    "ReportFormat",
    "Severity",
    "ValidationReport",
    "Violation",
    "fallback_notice",
    "locate_violations",
    "read_shapes",
    "render_report",
    "sparql_report",
    "validate",
    "validate_layout",
    "validate_store",
]
