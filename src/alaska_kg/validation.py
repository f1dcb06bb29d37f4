"""Validate the data against the SHACL shapes (W3C SHACL §3): asserted triples, with the class hierarchy."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH
from rdflib.term import Node

from alaska_kg.paths import Layout

Severity = Literal["Violation", "Warning", "Info"]

# Which graph the shapes describe: the asserted data (plus links) with the ontology mixed in, so that
# sh:class follows rdfs:subClassOf, but with no inference: RDFS would type a wrong value from a property's
# range and hide the error. The shapes put minCount only on properties the data asserts directly.
INFERENCE = "none"


Engine = Literal["pyshacl", "turbo"]
# pySHACL is the reference; pyshacl-turbo (the same API, executed in Rust) is ~5x faster here and the default
# because tests/test_validation_engines.py shows it reports exactly pySHACL's results (focus node, shape,
# constraint) on the real data and on every invalid fixture. Where it is not installed (its wheels need
# Python >= 3.11), pySHACL is used.
DEFAULT_ENGINE: Engine = "turbo"


def _engine(name: Engine):
    if name == "turbo":
        try:
            from pyshacl_turbo import validate as turbo_validate
        except ImportError:
            pass
        else:
            return turbo_validate
    from pyshacl import validate as reference_validate

    return reference_validate


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
    check_failures: tuple = ()  # alaska_kg.checks.CheckFailure: integrity queries that returned rows

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


def _with_class_hierarchy(data: Graph | Iterable[Graph], ontology: Graph) -> Graph:
    """One new graph: the data plus the ontology's rdfs:subClassOf axioms, all that sh:class and
    sh:targetClass need from it (SHACL §2.1.3.1 "SHACL instance"). This is what pySHACL's ont_graph would mix
    in, minus the rest of the ontology; handing over the whole ontology instead makes the engine copy the data
    again (7 s of 9 at 10^5 triples)."""
    mixed = Graph(bind_namespaces="none")
    for part in (data,) if isinstance(data, Graph) else data:
        for triple in part:
            mixed.add(triple)
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
    shacl_validate = _engine(engine)
    conforms, results, _text = shacl_validate(
        _with_class_hierarchy(data, ontology),
        shacl_graph=shapes,
        ont_graph=None,
        inference=INFERENCE,
        advanced=True,
        inplace=False,
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
    )
    return ValidationReport(
        conforms=bool(conforms),
        violations=_violations(results),
        shape_count=_count_shapes(shapes),
        shapes_file=shapes_file,
        report_turtle=results.serialize(format="turtle"),
    )


_PREFIX_LINE = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.", re.M)


def _subject_lines(files: Iterable[Path]) -> dict[str, tuple[str, int]]:
    """Where each subject is described: the first line that starts with it, by full IRI in N-Triples form."""
    found: dict[str, tuple[str, int]] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        prefixes = {prefix or "": namespace for prefix, namespace in _PREFIX_LINE.findall(text)}
        for number, line in enumerate(text.splitlines(), start=1):
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


def with_checks(report: ValidationReport, layout: Layout) -> ValidationReport:
    """Add the integrity queries of queries/checks/ to a SHACL report: any row makes it not conform."""
    from alaska_kg.checks import run_checks

    failures = run_checks(layout)
    return replace(report, check_failures=failures, conforms=report.conforms and not failures)


def validate_layout(layout: Layout) -> ValidationReport:
    """Parse the sources under `layout`, validate them against the shapes and run the integrity checks;
    violations carry their file and line."""
    from alaska_kg.loading import load_sources

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
    "validate",
    "validate_layout",
]
