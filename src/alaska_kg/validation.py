"""Validate the data against the SHACL shapes (W3C SHACL §3): the asserted triples, read with the class hierarchy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rdflib import RDF, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH
from rdflib.term import Node

Severity = Literal["Violation", "Warning", "Info"]

# Which graph the shapes describe: the asserted data (plus links) with the ontology mixed in, so that
# sh:class follows rdfs:subClassOf, but with no inference: RDFS would type a wrong value from a property's
# range and hide the error. The shapes put minCount only on properties the data asserts directly.
INFERENCE = "none"


@dataclass(frozen=True)
class Violation:
    """One sh:ValidationResult (SHACL §3.6.2), its terms rendered as N-Triples-like strings."""

    focus_node: str
    path: str | None
    message: str
    severity: Severity
    source_shape: str

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        return f"{self.severity}: {self.focus_node}{path}: {self.message} [{self.source_shape}]"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of one validation run; `conforms` ignores warnings and infos."""

    conforms: bool
    violations: tuple[Violation, ...]
    shape_count: int
    shapes_file: Path | None

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


def validate(
    data: Graph, ontology: Graph, shapes: Graph, *, shapes_file: Path | None = None
) -> ValidationReport:
    """Validate `data` against `shapes` with `ontology` mixed in; inputs stay unchanged."""
    from pyshacl import validate as shacl_validate

    conforms, results, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
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
    )


__all__ = ["INFERENCE", "Severity", "ValidationReport", "Violation", "validate"]
