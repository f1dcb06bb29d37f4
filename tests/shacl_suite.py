"""The W3C SHACL test suite (tests/w3c/shacl-tests) as data: its cases, and each engine's outcome on them.

Each test file is a manifest (mf:entries) whose entries name a data graph, a shapes graph and the expected
outcome: a validation report, or sht:Failure (the engine must refuse). A report is compared as the set of
its results, each the tuple (focus node, path, value, source shape, constraint component, severity),
plus sh:conforms; messages and sh:sourceConstraint are left out, as the suite's own rules allow.

Blank nodes: a blank node in a result (a focus node or value from the data, a property shape, a path such
as [ sh:inversePath ex:p ]) is compared by its structure, its outgoing triples rendered recursively, so the
expected [ sh:inversePath ex:p ] of the test file matches the engine's copy of the path in its report.

Run as a script (`python tests/shacl_suite.py`) it prints the table of cases per engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rdflib import RDF, RDFS, BNode, Graph, Namespace, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

SUITE = Path(__file__).resolve().parent / "w3c" / "shacl-tests"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

Outcome = Literal["passed", "failed"]
Result = tuple[str, str, str, str, str, str]  # focus node, path, value, source shape, component, severity


@dataclass(frozen=True)
class Case:
    """One sht:Validate entry of the suite."""

    name: str  # the path of its file under the suite, without .ttl: core/property/or-datatypes-001
    label: str
    data_file: Path
    shapes_file: Path
    expects_failure: bool  # mf:result sht:Failure: the engine must raise, not report
    conforms: bool | None  # expected sh:conforms (None when a failure is expected)
    results: frozenset[Result]


@dataclass(frozen=True)
class Run:
    """What one engine did on one case."""

    conforms: bool | None = None
    results: frozenset[Result] = frozenset()
    error: str | None = None  # the exception, when the engine raised


def render(node: Node | None, graphs: tuple[Graph, ...], seen: frozenset[Node] = frozenset()) -> str:
    """A term as comparable text: IRIs and literals in N-Triples form (a literal by its lexical form, so
    an ill-typed literal keeps its identity), a blank node as the sorted rendering of its outgoing
    triples (an RDF list as its members)."""
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, RdfLiteral):
        suffix = f"@{node.language}" if node.language else f"^^<{node.datatype}>" if node.datatype else ""
        return f'"{node!s}"{suffix}'
    if node in seen:
        return "_:cycle"
    seen = seen | {node}
    for graph in graphs:
        if (node, RDF.first, None) in graph:
            items = " ".join(render(item, graphs, seen) for item in Collection(graph, node))
            return f"({items})"
    pairs = sorted(
        {
            f"{render(p, graphs, seen)} {render(o, graphs, seen)}"
            for g in graphs
            for p, o in g.predicate_objects(node)
        }
    )
    return "[" + "; ".join(pairs) + "]"


def report_results(report: Graph, graphs: tuple[Graph, ...]) -> frozenset[Result]:
    """The results of a sh:ValidationReport, as comparable tuples (SHACL §3.6.2)."""
    context = (report, *graphs)
    found = set()
    # the top-level results only: those nested under sh:detail explain a result, they are not results
    for result in report.objects(report.value(predicate=RDF.type, object=SH.ValidationReport), SH.result):
        found.add(
            tuple(
                render(report.value(result, predicate), context)
                for predicate in (
                    SH.focusNode,
                    SH.resultPath,
                    SH.value,
                    SH.sourceShape,
                    SH.sourceConstraintComponent,
                    SH.resultSeverity,
                )
            )
        )
    return frozenset(found)  # type: ignore[arg-type]


def _manifest_files(manifest: Path) -> list[Path]:
    graph = Graph().parse(manifest, format="turtle")
    files = []
    for include in graph.objects(None, MF.include):
        path = _file(include)
        files.extend(_manifest_files(path) if path.name == "manifest.ttl" else [path])
    for entries in graph.objects(None, MF.entries):
        for entry in Collection(graph, entries):
            path = _file(entry)
            if path.suffix == ".ttl" and path != manifest:
                files.append(path)
    return files


def _file(node: Node) -> Path:
    return Path(str(node).removeprefix("file://"))


def load_cases(suite: Path = SUITE) -> list[Case]:
    """Every sht:Validate entry reached from the suite's manifest.ttl, in file order."""
    cases = []
    for path in sorted(set(_manifest_files(suite / "manifest.ttl"))):
        graph = Graph().parse(path, format="turtle")
        for entry in graph.subjects(RDF.type, SHT.Validate):
            action = graph.value(entry, MF.action)
            data_file = _file(graph.value(action, SHT.dataGraph))
            shapes_file = _file(graph.value(action, SHT.shapesGraph))
            expected = graph.value(entry, MF.result)
            failure = expected == SHT.Failure
            context = (graph,) if data_file == path else (graph, Graph().parse(data_file, format="turtle"))
            cases.append(
                Case(
                    name=str(path.relative_to(suite).with_suffix("")),
                    label=str(graph.value(entry, RDFS.label) or ""),
                    data_file=data_file,
                    shapes_file=shapes_file,
                    expects_failure=failure,
                    conforms=None if failure else bool(graph.value(expected, SH.conforms).toPython()),
                    results=frozenset()
                    if failure
                    else report_results(_report_only(graph, expected), context),
                )
            )
    return cases


def _report_only(graph: Graph, report: Node) -> Graph:
    """The expected report as its own graph: the report node and everything reachable from it."""
    out = Graph()
    todo, done = [report], set()
    while todo:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for p, o in graph.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


def run_case(case: Case, engine: str) -> Run:
    """Validate the case's data against its shapes with `engine`, as a user's shapes would go: through
    alaska_kg.build.validate.validate, with an empty ontology (the suite's data carry their own classes)."""
    from alaska_kg.build.validate import validate

    data = Graph().parse(case.data_file, format="turtle")
    shapes = Graph().parse(case.shapes_file, format="turtle")
    try:
        report = validate(data, Graph(), shapes, engine=engine)  # type: ignore[arg-type]
    except Exception as exc:  # an engine may raise anything; sht:Failure cases want it to
        return Run(error=f"{type(exc).__name__}: {exc}")
    assert report.report_graph is not None
    return Run(conforms=report.conforms, results=report_results(report.report_graph, (data, shapes)))


def passed(case: Case, run: Run) -> bool:
    """The engine did what the suite expects: raised on sht:Failure, else gave the expected results and
    conforms. sh:conforms is false when there is any result (SHACL §3.6.1); alaska-kg's `conforms` ignores
    warnings and infos, so it is compared with "every result is a sh:Warning or sh:Info"."""
    if case.expects_failure:
        return run.error is not None
    conforms = all(result[5] in (f"<{SH.Warning}>", f"<{SH.Info}>") for result in case.results)
    return run.error is None and run.conforms == conforms and run.results == case.results


ENGINES = {"turbo": "pyshacl-turbo alone", "auto": "default (alaska-kg)", "pyshacl": "pySHACL"}


def table(cases: list[Case], runs: dict[str, dict[str, Run]]) -> str:
    """Markdown: per engine, the cases passed and failed, and those on which it disagrees with pySHACL
    (a different outcome: results, conforms or an error)."""
    lines = [
        "| engine | passed | failed | disagrees with pySHACL | failed cases |",
        "|---|---:|---:|---:|---|",
    ]
    for engine, name in ENGINES.items():
        failed = [c.name for c in cases if not passed(c, runs[engine][c.name])]
        disagreed = [c.name for c in cases if runs[engine][c.name] != runs["pyshacl"][c.name]]
        counts = f"{len(cases) - len(failed)} | {len(failed)} | {len(disagreed)}"
        lines.append(f"| {name} | {counts} | {', '.join(failed)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import logging
    import warnings

    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    all_cases = load_cases()
    all_runs = {engine: {c.name: run_case(c, engine) for c in all_cases} for engine in ENGINES}
    print(f"{len(all_cases)} cases ({sum(c.expects_failure for c in all_cases)} expect a failure)")
    print(table(all_cases, all_runs))
    for c in all_cases:
        outcomes = {e: all_runs[e][c.name] for e in ENGINES}
        if len({(r.conforms, r.results, r.error is None) for r in outcomes.values()}) > 1:
            print(
                f"disagreement on {c.name}: "
                + "; ".join(f"{e}: {r.error or len(r.results)}" for e, r in outcomes.items())
            )
