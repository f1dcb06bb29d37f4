"""The work the benchmark measures, one task per child process; results as JSON lines on stdout.

    python benchmarks/tasks.py stages  ROOT OUT [--reasoner R] [--skip validate,...]
    python benchmarks/tasks.py queries NQ QUERIES_DIR [--runs N]
    python benchmarks/tasks.py bundled ROOT NQ QUERIES_DIR WORK [--runs N] [--queries a,b]

Each measured item prints `{"start": ITEM}` when it begins and `{"item": ITEM, ...}` when it ends, so that
run.py can stop a task stuck on one item (per-step timeout) and start it again past that item. `peak_mb`
is this process's peak resident memory so far (getrusage ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

T0 = time.perf_counter()


def emit(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def step(name: str, **extra: object) -> Iterator[dict[str, object]]:
    """Time one item; the dict yielded collects facts to report with it (rows, triples, conforms…)."""
    emit(start=name)
    facts: dict[str, object] = {}
    start = time.perf_counter()
    yield facts
    seconds = time.perf_counter() - start
    emit(item=name, seconds=round(seconds, 6), peak_mb=peak_mb(), **extra, **facts)


# ---------------------------------------------------------------------------------------- build stages


def _takes(function: Callable[..., object], parameter: str) -> bool:
    import inspect

    return parameter in inspect.signature(function).parameters


def _validate(sources: object, engine: str | None = None) -> object:
    """Validate as the build does: the data and the links read as one (older versions: a copy),
    with the project's default engine unless `engine` names one."""
    from alaska_kg.build import validate as validation

    extra = {"engine": engine} if engine and _takes(validation.validate, "engine") else {}
    try:
        return validation.validate(
            (sources.asserted, sources.links), sources.ontology, sources.shapes, **extra
        )
    except (TypeError, AttributeError):  # an older alaska_kg that wants one graph
        return validation.validate(
            sources.asserted + sources.links, sources.ontology, sources.shapes, **extra
        )


def _infer(sources: object, reasoner: str) -> object:
    """Reason as `alaska_kg.build.pipeline` does: over the ontology and the data chained, not copied."""
    from itertools import chain

    from alaska_kg.build.reason import infer

    try:
        return infer(chain(sources.ontology, sources.asserted), reasoner)
    except (TypeError, AttributeError):  # an older alaska_kg that wants a graph
        return infer(sources.ontology + sources.asserted, reasoner)


def stages(root: str, out: str, reasoner: str, skip: set[str]) -> None:
    """The build's stages (parse → validate [→ checks] → reason → export), each timed, in one
    process, as a fresh build runs them; `skip` leaves stages out (after one of them timed out)."""
    from rdflib import RDF

    from alaska_kg.build import validate as validation
    from alaska_kg.build.loading import load_sources, new_graph
    from alaska_kg.build.publish import export
    from alaska_kg.namespaces import AK
    from alaska_kg.paths import locate

    emit(item="import", seconds=round(time.perf_counter() - T0, 6), peak_mb=peak_mb())
    layout = locate(root)
    with step("parse") as facts:
        sources = load_sources(layout)
        context = json.loads(layout.context_file.read_text(encoding="utf-8"))["@context"]
        facts["triples"] = len(sources.asserted) + len(sources.links)
        facts["ontology"] = len(sources.ontology)
    report = None
    if "validate" not in skip:
        with step("validate") as facts:
            report = _validate(sources)
            facts["conforms"] = report.conforms
            facts["violations"] = len(report.violations)
    # The build's integrity queries (queries/checks/), where the project has them.
    with_checks = getattr(validation, "with_checks", None)
    if "checks" not in skip and with_checks is not None and report is not None and report.conforms:
        with step("checks") as facts:
            checked = with_checks(report, layout)
            facts["failures"] = len(getattr(checked, "check_failures", ()))
    inferred = new_graph()
    if "reason" not in skip:
        with step("reason", reasoner=reasoner) as facts:
            inferred = _infer(sources, reasoner)
            facts["inferred"] = len(inferred)
    counts: dict[str, int] = {}
    for cls in sources.asserted.objects(None, RDF.type):
        if str(cls).startswith(AK):
            counts[str(cls)] = counts.get(str(cls), 0) + 1
    with step("export", without_inferred="reason" in skip) as facts:
        written = export(
            Path(out),
            ontology=sources.ontology,
            asserted=sources.asserted,
            inferred=inferred,
            links=sources.links,
            context=context,
            summary={"benchmark": True},
            class_counts=dict(sorted(counts.items())),
        )
        facts["bytes"] = sum(p.stat().st_size for p in written.files)
    emit(item="total", seconds=round(time.perf_counter() - T0, 6), peak_mb=peak_mb())


# ---------------------------------------------------------------------------------------- queries


def query_files(queries_dir: Path, names: list[str] | None = None) -> list[tuple[str, Path]]:
    """The canned queries (queries/*.rq) and the integrity checks (queries/checks/*.rq), by id."""
    found = [(p.stem, p) for p in sorted(queries_dir.glob("*.rq"))]
    found += [(f"checks/{p.stem}", p) for p in sorted((queries_dir / "checks").glob("*.rq"))]
    if names is not None:
        found = [(name, path) for name, path in found if name in names]
    return found


_FROM = re.compile(r"^\s*FROM\b", re.IGNORECASE | re.MULTILINE)
_SERVICE = re.compile(r"^[^#]*\bSERVICE\b", re.IGNORECASE | re.MULTILINE)


def oxigraph_runner(store: object) -> Callable[[str], int]:
    """Run a query as `alaska-kg query` does (default graph: the merge of the four named graphs, unless the
    query has FROM) and read every result; return the number of rows, triples, or 0/1 for ASK."""
    from pyoxigraph import NamedNode, QueryBoolean

    from alaska_kg.namespaces import GRAPH_NAMES, graph_iri

    graphs = [NamedNode(graph_iri(name)) for name in GRAPH_NAMES]

    def run(text: str) -> int:
        result = store.query(text, default_graph=None if _FROM.search(text) else graphs)
        if isinstance(result, QueryBoolean):
            return int(bool(result))
        return sum(1 for _ in result)

    return run


def queries(nq: str, queries_dir: str, runs: int, skip: set[str]) -> None:
    """Load the N-Quads into an in-memory Oxigraph store (timed `runs` times after a warm-up), then run every
    canned query and check `runs` times after a warm-up run."""
    from pyoxigraph import RdfFormat, Store

    times = []
    store = None
    for _ in range(runs + 1):
        start = time.perf_counter()
        store = Store()
        store.load(path=nq, format=RdfFormat.N_QUADS)
        times.append(time.perf_counter() - start)
    emit(item="load", seconds=[round(t, 6) for t in times[1:]], quads=len(store), peak_mb=peak_mb())
    run = oxigraph_runner(store)
    for name, path in query_files(Path(queries_dir)):
        if name in skip:
            continue
        text = path.read_text(encoding="utf-8")
        if _SERVICE.search(text):  # a federated query asks a remote endpoint: not local work, not measured
            emit(item=name, seconds=[], error="calls a remote SPARQL endpoint (SERVICE): not measured")
            continue
        emit(start=name)
        times = []
        rows = 0
        try:
            for _ in range(runs + 1):
                start = time.perf_counter()
                rows = run(text)
                times.append(time.perf_counter() - start)
        except Exception as exc:  # a query that fails here fails for a user too: say so, go on
            emit(item=name, seconds=[], error=f"{type(exc).__name__}: {exc}"[:200])
            continue
        emit(item=name, seconds=[round(t, 6) for t in times[1:]], rows=rows, peak_mb=peak_mb())


# ---------------------------------------------------------------------------------------- bundled graph


def bundled(root: str, nq: str, queries_dir: str, work: str, runs: int, names: list[str]) -> None:
    """The build stages and their plain alternatives on the bundled graph, interleaved: every round runs each
    item once, the first round is a warm-up. Items: rdflib parse; pyshacl and pyshacl-turbo with the
    project's settings; owlrl and reasonable through alaska_kg.build.reason.infer; the export; loading the
    N-Quads into pyoxigraph and into rdflib; and the chosen canned queries in pyoxigraph and in rdflib."""
    from rdflib import Dataset

    from alaska_kg.build import validate as validation
    from alaska_kg.build.loading import load_sources
    from alaska_kg.build.publish import export
    from alaska_kg.paths import locate

    layout = locate(root)
    sources = load_sources(layout)
    context = json.loads(layout.context_file.read_text(encoding="utf-8"))["@context"]
    data = sources.asserted + sources.links
    try:
        import pyshacl_turbo
    except ImportError as exc:
        pyshacl_turbo = None
        emit(item="validate-pyshacl-turbo", error=f"not installed ({exc})")
    settings = dict(
        inference=validation.INFERENCE,
        advanced=True,
        inplace=False,
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
    )
    from pyoxigraph import RdfFormat, Store

    texts = {name: path.read_text(encoding="utf-8") for name, path in query_files(Path(queries_dir), names)}
    rdflib_dataset = Dataset(default_union=True)
    rdflib_dataset.parse(nq, format="nquads")
    oxigraph_store = Store()
    oxigraph_store.load(path=nq, format=RdfFormat.N_QUADS)
    run_oxigraph = oxigraph_runner(oxigraph_store)
    inferred = _infer(sources, "reasonable")
    outputs = iter(range(10**6))

    def parse() -> dict[str, object]:
        parsed = load_sources(layout)
        return {"triples": len(parsed.asserted) + len(parsed.links)}

    def shacl(engine: str) -> Callable[[], dict[str, object]]:
        def run() -> dict[str, object]:
            report = _validate(sources, engine)
            return {"conforms": report.conforms, "violations": len(report.violations)}

        return run

    def turbo() -> dict[str, object]:  # an alaska_kg without an engine option: turbo with its settings
        conforms, _graph, _text = pyshacl_turbo.validate(
            data, shacl_graph=sources.shapes, ont_graph=sources.ontology, **settings
        )
        return {"conforms": bool(conforms)}

    def reason(name: str) -> Callable[[], dict[str, object]]:
        return lambda: {"inferred": len(_infer(sources, name))}

    def write() -> dict[str, object]:
        export(
            Path(work) / f"export-{next(outputs)}",
            ontology=sources.ontology,
            asserted=sources.asserted,
            inferred=inferred,
            links=sources.links,
            context=context,
            summary={"benchmark": True},
            class_counts={},
        )
        return {}

    def load_oxigraph() -> dict[str, object]:
        store = Store()
        store.load(path=nq, format=RdfFormat.N_QUADS)
        return {"quads": len(store)}

    def load_rdflib() -> dict[str, object]:
        dataset = Dataset(default_union=True)
        dataset.parse(nq, format="nquads")
        return {"quads": len(dataset)}

    def query_oxigraph(text: str) -> Callable[[], dict[str, object]]:
        return lambda: {"rows": run_oxigraph(text)}

    def query_rdflib(text: str) -> Callable[[], dict[str, object]]:
        def run() -> dict[str, object]:
            result = rdflib_dataset.query(text)
            rows = int(bool(result.askAnswer)) if result.type == "ASK" else sum(1 for _ in result)
            return {"rows": rows}

        return run

    items: dict[str, Callable[[], dict[str, object]]] = {
        "parse-rdflib": parse,
        "validate-pyshacl": shacl("pyshacl"),
        "reason-owlrl": reason("owlrl"),
        "reason-reasonable": reason("reasonable"),
        "export": write,
        "load-nquads-pyoxigraph": load_oxigraph,
        "load-nquads-rdflib": load_rdflib,
    }
    if pyshacl_turbo is not None:
        engines = _takes(validation.validate, "engine")
        items["validate-pyshacl-turbo"] = shacl("turbo") if engines else turbo
    for name, text in texts.items():
        items[f"query-pyoxigraph/{name}"] = query_oxigraph(text)
        items[f"query-rdflib/{name}"] = query_rdflib(text)
    for round_number in range(runs + 1):
        for name, work_item in items.items():
            start = time.perf_counter()
            facts = work_item()
            seconds = time.perf_counter() - start
            emit(item=name, round=round_number, seconds=round(seconds, 6), **facts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tasks.py")
    commands = parser.add_subparsers(dest="task", required=True)
    p = commands.add_parser("stages")
    p.add_argument("root")
    p.add_argument("out")
    p.add_argument("--reasoner", default="reasonable")
    p.add_argument("--skip", default="")
    p = commands.add_parser("queries")
    p.add_argument("nq")
    p.add_argument("queries_dir")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--skip", default="")
    p = commands.add_parser("bundled")
    p.add_argument("root")
    p.add_argument("nq")
    p.add_argument("queries_dir")
    p.add_argument("work")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--queries", default="")
    args = parser.parse_args(argv)
    skip = set(filter(None, getattr(args, "skip", "").split(",")))
    if args.task == "stages":
        stages(args.root, args.out, args.reasoner, skip)
    elif args.task == "queries":
        queries(args.nq, args.queries_dir, args.runs, skip)
    else:
        bundled(args.root, args.nq, args.queries_dir, args.work, args.runs, args.queries.split(","))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
