"""The build path: parse → validate → reason → export, once per set of sources (the result is cached)."""

from __future__ import annotations

import json
import time
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import Store

from alaska_kg import __version__
from alaska_kg.build.outdir import check_target, recover, remove_leftovers
from alaska_kg.build.parallel import worth_threads
from alaska_kg.build.parse import graph, load_source_store
from alaska_kg.build.pictures import has_pictures
from alaska_kg.build.publish import (
    SUMMARY_NAME,
    ExportReport,
    Handover,
    StatedView,
    copy_outputs,
    export_store,
    graph_size,
)
from alaska_kg.build.reasoners import DEFAULT_REASONER, Reasoner
from alaska_kg.build.validate import (
    DEFAULT_ENGINE,
    Engine,
    ValidationReport,
    read_shapes,
    validate_store,
    with_checks,
)
from alaska_kg.cache import DATASET_FILE, cache_dir, cached_entry, source_key
from alaska_kg.errors import CorruptOutput, SourceNotFound, SourceSyntaxError, ValidationFailed
from alaska_kg.manifest import Manifest
from alaska_kg.namespaces import AK, graph_iri
from alaska_kg.paths import Layout

Progress = Callable[[str], None]
STAGES: tuple[str, ...] = ("parse", "validate", "reason", "export")


_SUMMARY_FIELDS = (
    "version",
    "source_key",
    "reasoner",
    "graph_sizes",  # triples per named graph
    "class_counts",
    "validation",
    "seconds",
    # where the sources were read: {"root": path, "origin": how it was found (alaska_kg.paths.ORIGINS)}
    "sources",
    # entities per ak: class counting the instances of its sub-classes too (the README's table counts so);
    # class_counts counts each entity under its asserted type only. None in the summary of an older build.
    "class_counts_with_subclasses",
)


# A named tuple, not a dataclass: the build imports neither dataclasses (with inspect and ast: ~6 ms)
# nor typing (issue 12; as alaska_kg.paths does).
class BuildSummary(namedtuple("BuildSummary", _SUMMARY_FIELDS, defaults=(None, None))):
    """What a build produced; stored beside the outputs so that a cached rebuild can report it too."""

    __slots__ = ()
    version: str
    source_key: str
    reasoner: str
    graph_sizes: dict[str, int]
    class_counts: dict[str, int]
    validation: str
    seconds: dict[str, float]
    sources: dict[str, str] | None
    class_counts_with_subclasses: dict[str, int] | None

    def to_json(self) -> dict[str, object]:
        return self._asdict()

    @classmethod
    def from_file(cls, path: Path) -> BuildSummary:
        return cls.from_bytes(path.read_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> BuildSummary:
        return cls(**json.loads(data.decode("utf-8")))

    def to_bytes(self) -> bytes:
        return (json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _sources(layout: Layout) -> dict[str, str]:
    return {"root": str(layout.root), "origin": layout.origin}


class BuildResult(namedtuple("BuildResult", ("out_dir", "files", "summary", "cached"))):
    """The outcome of `build`: where the outputs are, what they hold, and whether the cache served them."""

    __slots__ = ()
    out_dir: Path
    files: tuple[Path, ...]
    summary: BuildSummary
    cached: bool


class _Stopwatch:
    def __init__(self, progress: Progress | None) -> None:
        self.seconds: dict[str, float] = {}
        self._progress = progress

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self._progress is not None:
            self._progress(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(time.perf_counter() - start, 3)


def _class_counts(store: Store) -> dict[str, int]:
    """Instances per ak: class, by their asserted (most specific) types."""
    query = f"""SELECT ?class (COUNT(*) AS ?n) WHERE {{
        GRAPH <{graph_iri("asserted")}> {{ ?entity a ?class }} FILTER (STRSTARTS(STR(?class), "{AK}"))
    }} GROUP BY ?class"""
    return _counts(store, query)


def _class_counts_with_subclasses(store: Store) -> dict[str, int]:
    """Instances per ak: class, an instance of a sub-class counted too (the OWL RL closure types it so)."""
    query = f"""SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE {{
        VALUES ?graph {{ <{graph_iri("asserted")}> <{graph_iri("inferred")}> }}
        GRAPH ?graph {{ ?entity a ?class }} FILTER (STRSTARTS(STR(?class), "{AK}"))
    }} GROUP BY ?class"""
    return _counts(store, query)


def _counts(store: Store, query: str) -> dict[str, int]:
    return dict(sorted((row["class"].value, int(row["n"].value)) for row in store.query(query)))


def _load_context(layout: Layout) -> dict[str, object]:
    path = layout.context_file
    try:
        return json.loads(path.read_text(encoding="utf-8"))["@context"]
    except FileNotFoundError:
        raise SourceNotFound(f"{path}: file not found") from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise SourceSyntaxError(
            path,
            getattr(exc, "lineno", None),
            getattr(exc, "colno", None),
            f"not a JSON-LD context document ({exc})",
        ) from exc


def _fresh(
    layout: Layout,
    target: Path,
    reasoner: Reasoner,
    progress: Progress | None,
    engine: Engine = DEFAULT_ENGINE,
    warn: Callable[[str], None] | None = None,
) -> BuildResult:
    """Do the heavy work and write the outputs into `target` (the cache folder for these sources).

    The dataset lives in one Oxigraph store from the parse to the export (build.parse); rdflib is still
    used for the shapes and the validation report (the SHACL engines' interface), the VoID description
    (a hundred triples), and the reasoners `infer` wraps."""
    watch = _Stopwatch(progress)
    with watch.stage("parse"):
        sources = load_source_store(layout)
        shapes = read_shapes(layout.shapes_file)
        context = _load_context(layout)
    with watch.stage("validate"):
        report = validate_store(sources, shapes, shapes_file=layout.shapes_file, engine=engine, warn=warn)
        sources.add_ontology()  # validated without it (build.parse); the checks and the reasoner read it
        if report.conforms:
            report = with_checks(report, layout, store=sources.store, graphs=STATED_GRAPHS)
    if not report.conforms:
        raise ValidationFailed(_failure_message(layout, report), report=report)
    store = sources.store
    # the stated view's files, written while the build reasons (they do not depend on it), when the store is
    # large enough for a second thread to pay (build.parallel): publish.StatedView
    stated = StatedView(store, target, context) if worth_threads(store) else None
    try:
        with watch.stage("reason"):
            reason_into(store, reasoner)
        sizes = {name: graph_size(store, name) for name in ("ontology", "asserted", "inferred", "links")}
        counts = _class_counts(store)
        warnings = len(report.violations) - report.error_count
        summary = BuildSummary(
            version=__version__,
            source_key=source_key(layout),
            reasoner=reasoner,
            graph_sizes=sizes,
            class_counts=counts,
            validation=f"conforms ({report.shape_count} shapes, {warnings} warning(s))",
            seconds={},
            sources=_sources(layout),
            class_counts_with_subclasses=_class_counts_with_subclasses(store),
        )
        handover = Handover(store)  # the export lets the store go as soon as no writer needs it
        del report, shapes, sources, store
        remove_leftovers(target.parent)  # staging folders of builds killed earlier
        started = time.perf_counter()

        def timed_summary() -> dict[str, object]:  # written last: its export time runs up to here
            seconds = {**watch.seconds, "export": round(time.perf_counter() - started, 3)}
            return {**summary.to_json(), "seconds": seconds}

        with watch.stage("export"):
            written = export_store(
                target,
                store=handover,
                context=context,
                summary=timed_summary,
                class_counts=counts,
                owned=True,
                stated=stated,
                layout=layout,
            )
    except BaseException:
        if stated is not None:
            stated.discard()  # (export_store discards it too, once it has taken the files)
        raise
    timed = BuildSummary.from_file(written.out_dir / SUMMARY_NAME)
    return BuildResult(out_dir=written.out_dir, files=written.files, summary=timed, cached=False)


# The graphs the integrity checks read as one (what the sources state, as `alaska-kg validate` reads them).
STATED_GRAPHS = (graph("ontology"), graph("asserted"), graph("links"))


def reason_into(store: Store, reasoner: Reasoner) -> int:
    """The reasoning stage: the OWL 2 RL entailments of the store's ontology and asserted graphs, written
    into its inferred graph; how many. "rules" (the default) reasons in the store itself; the others
    read rdflib terms, copied out of the store and back (build.reason.infer_in_graph)."""
    if reasoner == "rules":
        from alaska_kg.build.reason_rules import infer_in_store

        return infer_in_store(store, [graph("ontology")], [graph("asserted")], graph("inferred"))
    from alaska_kg.build.reason import infer_in_graph

    return infer_in_graph(store, (graph("ontology"), graph("asserted")), graph("inferred"), reasoner)


def _failure_message(layout: Layout, report: ValidationReport) -> str:
    if report.error_count == 0 and report.check_failures:
        return f"data does not pass the integrity checks: {report.check_failures[0]}"
    first = next((v for v in report.violations if v.severity == "Violation"), None)
    return f"{layout.shapes_file}: data does not conform: {report.error_count} violation(s)" + (
        f"; first: {first}" if first else ""
    )


def _cached(layout: Layout, reasoner: Reasoner) -> tuple[Manifest, BuildSummary] | None:
    """The complete cache entry of these sources built with `reasoner`, if any."""
    entry = cached_entry(layout)
    if entry is None:
        return None
    data = entry.read_verified(SUMMARY_NAME)  # CorruptOutput if changed; the others are checked as copied
    try:
        summary = BuildSummary.from_bytes(data)
    except (ValueError, TypeError):
        return None  # a summary of another version of this class: rebuilt
    if not has_pictures(entry):  # an entry from before the pictures (alaska_kg.build.pictures)
        return None
    return (entry, summary) if summary.reasoner == reasoner and summary.version == __version__ else None


def _publish(
    entry: Manifest, summary: BuildSummary, layout: Layout, out_dir: Path
) -> tuple[ExportReport, BuildSummary]:
    """Copy a cache entry into `out_dir`, its summary naming the sources of this run."""
    current = BuildSummary(**{**summary.to_json(), "sources": _sources(layout)})
    return copy_outputs(entry, out_dir, rewrite={SUMMARY_NAME: lambda _: current.to_bytes()}), current


def build(
    layout: Layout,
    out_dir: Path,
    reasoner: Reasoner = DEFAULT_REASONER,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    engine: Engine = DEFAULT_ENGINE,
) -> BuildResult:
    """Build the dataset into `out_dir`; unchanged sources reuse the cached outputs of an earlier build,
    once each file is checked against its manifest (a mismatch is reported to `warn` and rebuilt)."""
    out_dir = Path(out_dir).absolute()
    recover(out_dir)  # a build killed between the two renames of a fallback swap
    check_target(out_dir)  # fail before the slow stages, not after them
    try:
        cached = _cached(layout, reasoner)
        if cached is not None:
            if progress is not None:
                progress("copy")
            written, summary = _publish(*cached, layout, out_dir)
            return BuildResult(out_dir=written.out_dir, files=written.files, summary=summary, cached=True)
    except CorruptOutput as exc:  # a cached file changed since its build wrote it: never publish it
        if warn is not None:
            warn(f"{exc}; rebuilding the cache entry")
    _fresh(layout, cache_dir(layout), reasoner, progress, engine, warn)
    entry, summary = _cached(layout, reasoner) or _incomplete(layout)  # checked again: just written
    if progress is not None:
        progress("publish")
    written, summary = _publish(entry, summary, layout, out_dir)
    return BuildResult(out_dir=written.out_dir, files=written.files, summary=summary, cached=False)


def _incomplete(layout: Layout):  # -> NoReturn
    raise CorruptOutput(f"{cache_dir(layout)}: the build left no complete cache entry")


def ensure_dataset(layout: Layout, progress: Progress | None = None, rebuild: bool = False) -> Path:
    """The N-Quads dataset for the current sources, building it into the cache first if needed (or if
    `rebuild`: the cached copy failed its check)."""
    entry = None if rebuild else cached_entry(layout)
    if entry is not None:
        return entry.folder / DATASET_FILE
    _fresh(layout, cache_dir(layout), DEFAULT_REASONER, progress)
    return cache_dir(layout) / DATASET_FILE


__all__ = ["STAGES", "BuildResult", "BuildSummary", "build", "ensure_dataset"]
