"""The work the benchmark measures, one task per child process; results as JSON lines on stdout.

    python benchmarks/tasks.py stages  ROOT OUT [--reasoner R] [--skip validate,...]
    python benchmarks/tasks.py queries NQ QUERIES_DIR [--runs N]
    python benchmarks/tasks.py bundled ROOT NQ QUERIES_DIR WORK [--runs N] [--queries a,b]
    python benchmarks/tasks.py tree -- COMMAND...   (wall, CPU and summed peak memory of its process tree)

Each measured item prints `{"start": ITEM}` when it begins and `{"item": ITEM, ...}` when it ends, so that
run.py can stop a task stuck on one item (per-step timeout) and start it again past that item. `peak_mb`
is this process's peak resident memory so far (getrusage ru_maxrss); `tree_peak_mb` the peak of this
process and its children together during the item (TreePeak).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

T0 = time.perf_counter()


def emit(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reset_stage_peak() -> bool:
    """Start a new peak of resident memory (Linux: writing 5 to /proc/self/clear_refs resets VmHWM), so
    that each stage reports its own peak, not the process's so far."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def stage_peak_mb() -> float | None:
    """The peak resident memory since the last `reset_stage_peak` (VmHWM), None where unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


class TreePeak:
    """The peak of the summed resident memory of a process and all its descendants, sampled from /proc
    every `interval` seconds by a thread (Linux). The build loads its on-disk store in a child process
    (alaska_kg.build.disk_store): ru_maxrss of either process alone, or the largest of the children's
    (`/usr/bin/time`), misses what both hold at once."""

    _PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def __init__(self, pid: int | None = None, interval: float = 0.02) -> None:
        self.pid = os.getpid() if pid is None else pid
        self.interval = interval
        self.peak_bytes = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, self.tree_bytes())

    @property
    def peak_mb(self) -> float:
        return round(self.peak_bytes / 2**20, 1)

    def tree_bytes(self) -> int:
        """The resident bytes of `pid` and its descendants now."""
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_bytes()
            except OSError:
                continue
            parent = int(stat[stat.rindex(b")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, ()))
            with suppress(OSError, IndexError, ValueError):
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self._PAGE
        return total

    def _sample(self) -> None:
        while not self._done.wait(self.interval):
            self.peak_bytes = max(self.peak_bytes, self.tree_bytes())


def tree(command: list[str]) -> None:
    """Run `command` and report its wall time, the CPU time of its whole process tree (user + sys of every
    descendant waited for) and the peak of its tree's summed resident memory (TreePeak)."""
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command)
    with TreePeak(process.pid) as peak:
        code = process.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    emit(
        item="tree",
        command=command,
        exit_status=code,
        seconds=round(time.perf_counter() - start, 3),
        cpu_seconds=round(cpu, 3),
        tree_peak_mb=peak.peak_mb,
        largest_process_peak_mb=round(after.ru_maxrss / 1024, 1),
    )


@contextmanager
def step(name: str, **extra: object) -> Iterator[dict[str, object]]:
    """Time one item; the dict yielded collects facts to report with it (rows, triples, conforms…).
    `peak_mb` is the process's peak so far, `stage_peak_mb` the peak during this item alone."""
    emit(start=name)
    facts: dict[str, object] = {}
    reset = reset_stage_peak()
    start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    with TreePeak() as tree_peak:
        yield facts
    seconds = time.perf_counter() - start
    facts["cpu_seconds"] = round(time.process_time() - cpu, 3)  # all threads: steadier on a shared machine
    facts["children_cpu_seconds"] = round(_children_cpu() - children, 3)  # the on-disk store's loader
    facts["tree_peak_mb"] = tree_peak.peak_mb
    if reset:
        facts["stage_peak_mb"] = stage_peak_mb()
    emit(item=name, seconds=round(seconds, 6), peak_mb=peak_mb(), **extra, **facts)


# ---------------------------------------------------------------------------------------- build stages


def _validate(sources: object, engine: str | None = None) -> object:
    """Validate as the build does with rdflib graphs (the bundled comparison of engines), with the
    project's default engine unless `engine` names one."""
    from alaska_kg.build import validate as validation

    extra = {"engine": engine} if engine else {}
    return validation.validate((sources.asserted, sources.links), sources.ontology, sources.shapes, **extra)


def _infer(sources: object, reasoner: str) -> object:
    """Reason over rdflib graphs (the bundled comparison of reasoners): the ontology and the data chained."""
    from itertools import chain

    from alaska_kg.build.reason import infer

    return infer(chain(sources.ontology, sources.asserted), reasoner)


def stages(root: str, out: str, reasoner: str, skip: set[str]) -> None:
    """The build's stages (parse → validate → checks → reason → export), each timed with its own peak
    memory, in one process, as `alaska-kg build` runs them on a cache miss (build.pipeline._fresh);
    `skip` leaves stages out (after one of them timed out)."""
    import alaska_kg.build.publish as publish
    from alaska_kg.build import pipeline
    from alaska_kg.build.parse import load_shapes, load_source_store
    from alaska_kg.build.validate import validate_store, with_checks
    from alaska_kg.paths import locate

    emit(item="import", seconds=round(time.perf_counter() - T0, 6), peak_mb=peak_mb())
    layout = locate(root)
    with step("parse") as facts:
        sources = load_source_store(layout)
        shapes = load_shapes(layout.shapes_file)
        context = json.loads(layout.context_file.read_text(encoding="utf-8"))["@context"]
        facts["triples"] = sources.size("asserted") + sources.size("links")
        facts["ontology"] = sources.size("ontology")
    report = None
    if "validate" not in skip:
        with step("validate") as facts:
            report = validate_store(sources, shapes, shapes_file=layout.shapes_file)
            facts["conforms"] = report.conforms
            facts["violations"] = len(report.violations)
    sources.add_ontology()
    if "checks" not in skip and (report is None or report.conforms):
        with step("checks") as facts:
            checked = with_checks(report, layout, store=sources.store, graphs=pipeline.STATED_GRAPHS)
            facts["failures"] = len(checked.check_failures)
    store = sources.store
    del sources, report, shapes
    if "reason" not in skip:
        with step("reason", reasoner=reasoner) as facts:
            facts["inferred"] = pipeline.reason_into(store, reasoner)
    counts = pipeline._class_counts(store)
    quads = len(store)
    handover = publish.Handover(store)  # the export lets it go once the N-Quads are written
    del store
    with step("export", without_inferred="reason" in skip) as facts:
        written = publish.export_store(
            Path(out),
            store=handover,
            context=context,
            summary={"benchmark": True},
            class_counts=counts,
        )
        facts["bytes"] = sum(
            sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else p.stat().st_size
            for p in written.files
        )
        facts["quads"] = quads
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

    from alaska_kg.build import pipeline
    from alaska_kg.build import validate as validation
    from alaska_kg.build.loading import load_sources
    from alaska_kg.build.parse import load_source_store
    from alaska_kg.build.publish import export_store
    from alaska_kg.paths import locate

    layout = locate(root)
    sources = load_sources(layout)
    store_sources = load_source_store(layout)  # the build's path: parsed by Oxigraph into one store
    context = json.loads(layout.context_file.read_text(encoding="utf-8"))["@context"]
    try:
        import pyshacl_turbo
    except ImportError as exc:
        pyshacl_turbo = None
        emit(item="validate-pyshacl-turbo", error=f"not installed ({exc})")
    from pyoxigraph import RdfFormat, Store

    texts = {name: path.read_text(encoding="utf-8") for name, path in query_files(Path(queries_dir), names)}
    rdflib_dataset = Dataset(default_union=True)
    rdflib_dataset.parse(nq, format="nquads")
    oxigraph_store = Store()
    oxigraph_store.load(path=nq, format=RdfFormat.N_QUADS)
    run_oxigraph = oxigraph_runner(oxigraph_store)
    built = load_source_store(layout)
    built.add_ontology()
    pipeline.reason_into(built.store, "reasonable")
    outputs = iter(range(10**6))

    def parse() -> dict[str, object]:
        parsed = load_sources(layout)
        return {"triples": len(parsed.asserted) + len(parsed.links)}

    def parse_store() -> dict[str, object]:
        parsed = load_source_store(layout)
        return {"triples": parsed.size("asserted") + parsed.size("links")}

    def validate_store() -> dict[str, object]:
        report = validation.validate_store(store_sources, sources.shapes)
        return {"conforms": report.conforms, "violations": len(report.violations)}

    def shacl(engine: str) -> Callable[[], dict[str, object]]:
        def run() -> dict[str, object]:
            report = _validate(sources, engine)
            return {"conforms": report.conforms, "violations": len(report.violations)}

        return run

    def reason(name: str) -> Callable[[], dict[str, object]]:
        return lambda: {"inferred": len(_infer(sources, name))}

    def write() -> dict[str, object]:
        target = Path(work) / f"export-{next(outputs)}"
        export_store(target, store=built.store, context=context, summary={"benchmark": True}, class_counts={})
        shutil.rmtree(target, ignore_errors=True)
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
        "parse-oxigraph (build)": parse_store,
        "validate-store, default engine (build)": validate_store,
        "validate-pyshacl": shacl("pyshacl"),
        "reason-owlrl": reason("owlrl"),
        "reason-reasonable": reason("reasonable"),
        "export (build: Oxigraph writers)": write,
        "load-nquads-pyoxigraph": load_oxigraph,
        "load-nquads-rdflib": load_rdflib,
    }
    if pyshacl_turbo is not None:
        items["validate-pyshacl-turbo"] = shacl("turbo")
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
    p = commands.add_parser("tree")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    skip = set(filter(None, getattr(args, "skip", "").split(",")))
    if args.task == "stages":
        stages(args.root, args.out, args.reasoner, skip)
    elif args.task == "tree":
        tree([arg for arg in args.command if arg != "--"] if args.command[:1] == ["--"] else args.command)
    elif args.task == "queries":
        queries(args.nq, args.queries_dir, args.runs, skip)
    else:
        bundled(args.root, args.nq, args.queries_dir, args.work, args.runs, args.queries.split(","))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
