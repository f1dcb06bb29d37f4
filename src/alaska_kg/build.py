"""The build path: parse → validate → reason → export, once per set of sources (the result is cached)."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from rdflib import RDF, Graph

from alaska_kg import __version__
from alaska_kg.cache import DATASET_FILE, cache_dir, cached_dataset, source_key
from alaska_kg.errors import SourceNotFound, SourceSyntaxError, ValidationFailed
from alaska_kg.export import SUMMARY_NAME, check_target, copy_outputs, export
from alaska_kg.loading import load_sources
from alaska_kg.namespaces import AK
from alaska_kg.paths import Layout
from alaska_kg.reasoning import DEFAULT_REASONER, Reasoner, infer
from alaska_kg.validation import ValidationReport, validate, with_checks

Progress = Callable[[str], None]
STAGES: tuple[str, ...] = ("parse", "validate", "reason", "export")


@dataclass(frozen=True)
class BuildSummary:
    """What a build produced; stored beside the outputs so that a cached rebuild can report it too."""

    version: str
    source_key: str
    reasoner: str
    graph_sizes: dict[str, int]
    class_counts: dict[str, int]
    validation: str
    seconds: dict[str, float]

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)

    @classmethod
    def from_file(cls, path: Path) -> BuildSummary:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class BuildResult:
    """The outcome of `build`: where the outputs are, what they hold, and whether the cache served them."""

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


def _class_counts(asserted: Graph) -> dict[str, int]:
    """Instances per ak: class, by their asserted (most specific) types."""
    counts = Counter(str(o) for o in asserted.objects(None, RDF.type) if str(o).startswith(AK))
    return dict(sorted(counts.items()))


def _write_summary(folder: Path, summary: BuildSummary) -> None:
    """Replace the summary file atomically (temporary file, then rename)."""
    staging = folder / f".{SUMMARY_NAME}.tmp"
    staging.write_text(json.dumps(summary.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(staging, folder / SUMMARY_NAME)


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


def _fresh(layout: Layout, target: Path, reasoner: Reasoner, progress: Progress | None) -> BuildResult:
    """Do the heavy work and write the outputs into `target` (the cache folder for these sources)."""
    watch = _Stopwatch(progress)
    with watch.stage("parse"):
        sources = load_sources(layout)
        context = _load_context(layout)
    with watch.stage("validate"):
        report = validate(
            (sources.asserted, sources.links),
            sources.ontology,
            sources.shapes,
            shapes_file=layout.shapes_file,
        )
        if report.conforms:
            report = with_checks(report, layout)
    if not report.conforms:
        raise ValidationFailed(_failure_message(layout, report), report=report)
    with watch.stage("reason"):
        inferred = infer(chain(sources.ontology, sources.asserted), reasoner)
    sizes = {
        "ontology": len(sources.ontology),
        "asserted": len(sources.asserted),
        "inferred": len(inferred),
        "links": len(sources.links),
    }
    counts = _class_counts(sources.asserted)
    warnings = len(report.violations) - report.error_count
    summary = BuildSummary(
        version=__version__,
        source_key=source_key(layout),
        reasoner=reasoner,
        graph_sizes=sizes,
        class_counts=counts,
        validation=f"conforms ({report.shape_count} shapes, {warnings} warning(s))",
        seconds={},
    )
    with watch.stage("export"):
        written = export(
            target,
            ontology=sources.ontology,
            asserted=sources.asserted,
            inferred=inferred,
            links=sources.links,
            context=context,
            summary=summary.to_json(),
            class_counts=counts,
        )
    timed = BuildSummary(**{**summary.to_json(), "seconds": dict(watch.seconds)})
    _write_summary(written.out_dir, timed)
    return BuildResult(out_dir=written.out_dir, files=written.files, summary=timed, cached=False)


def _failure_message(layout: Layout, report: ValidationReport) -> str:
    if report.error_count == 0 and report.check_failures:
        return f"data does not pass the integrity checks: {report.check_failures[0]}"
    first = next((v for v in report.violations if v.severity == "Violation"), None)
    return f"{layout.shapes_file}: data does not conform: {report.error_count} violation(s)" + (
        f"; first: {first}" if first else ""
    )


def _cached(layout: Layout, reasoner: Reasoner) -> BuildSummary | None:
    summary_file = cache_dir(layout) / SUMMARY_NAME
    if cached_dataset(layout) is None or not summary_file.is_file():
        return None
    try:
        summary = BuildSummary.from_file(summary_file)
    except (ValueError, TypeError):
        return None
    return summary if summary.reasoner == reasoner and summary.version == __version__ else None


def build(
    layout: Layout, out_dir: Path, reasoner: Reasoner = DEFAULT_REASONER, progress: Progress | None = None
) -> BuildResult:
    """Build the dataset into `out_dir`; unchanged sources reuse the cached outputs of an earlier build."""
    check_target(Path(out_dir).absolute())  # fail before the slow stages, not after them
    summary = _cached(layout, reasoner)
    if summary is None:
        _fresh(layout, cache_dir(layout), reasoner, progress)
        summary = BuildSummary.from_file(cache_dir(layout) / SUMMARY_NAME)
        cached = False
    else:
        cached = True
    if progress is not None:
        progress("copy" if cached else "publish")
    written = copy_outputs(cache_dir(layout), Path(out_dir))
    return BuildResult(out_dir=written.out_dir, files=written.files, summary=summary, cached=cached)


def ensure_dataset(layout: Layout, progress: Progress | None = None) -> Path:
    """The N-Quads dataset for the current sources, building it into the cache first if needed."""
    found = cached_dataset(layout)
    if found is not None:
        return found
    _fresh(layout, cache_dir(layout), DEFAULT_REASONER, progress)
    return cache_dir(layout) / DATASET_FILE


__all__ = ["STAGES", "BuildResult", "BuildSummary", "build", "ensure_dataset"]
