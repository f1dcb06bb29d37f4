"""The `alaska-kg` command line: argument parsing, stage timing and error reporting, nothing else."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from alaska_kg import __version__
from alaska_kg.errors import AlaskaKgError, ValidationFailed
from alaska_kg.paths import locate

PROG = "alaska-kg"
REASONER_CHOICES = ("owlrl", "reasonable")  # = alaska_kg.reasoning.REASONERS, kept here to stay light
MAX_VIOLATIONS_SHOWN = 50


class _Stages:
    """Seconds spent per build stage, in order."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = time.perf_counter() - start


def _build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """parse → validate → reason → export; the heavy libraries are imported here, not at CLI import."""
    from alaska_kg.export import check_target, export
    from alaska_kg.loading import load_sources
    from alaska_kg.reasoning import infer
    from alaska_kg.validation import validate

    layout = locate(args.root)
    check_target(Path(args.out).absolute())  # fail before the slow stages, not after them
    timer = _Stages()
    with timer.stage("parse"):
        sources = load_sources(layout)
    with timer.stage("validate"):
        report = validate(
            sources.asserted + sources.links,
            sources.ontology,
            sources.shapes,
            shapes_file=layout.shapes_file,
        )
    if not report.conforms:
        for violation in report.violations[:MAX_VIOLATIONS_SHOWN]:
            print(f"  {violation}", file=err)
        hidden = len(report.violations) - MAX_VIOLATIONS_SHOWN
        if hidden > 0:
            print(f"  … and {hidden} more", file=err)
        first = next((v for v in report.violations if v.severity == "Violation"), None)
        raise ValidationFailed(
            f"{layout.shapes_file}: data does not conform: {report.error_count} violation(s)"
            + (f"; first: {first}" if first else "")
        )
    with timer.stage("reason"):
        inferred = infer(sources.ontology + sources.asserted, args.reasoner)
    with timer.stage("export"):
        result = export(
            Path(args.out),
            ontology=sources.ontology,
            asserted=sources.asserted,
            inferred=inferred,
            links=sources.links,
        )

    print(f"{PROG} {__version__}: built {result.out_dir} from {layout.root}", file=out)
    for name, size in result.graph_sizes:
        print(f"  graph {name:<9} {size:>7} triples", file=out)
    warnings = len(report.violations) - report.error_count
    print(f"  validation: conforms ({report.shape_count} shapes, {warnings} warning(s)/info(s))", file=out)
    print(f"  reasoner: {args.reasoner}", file=out)
    timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in timer.seconds.items())
    print(f"  time: {timings}", file=out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Build the knowledge graph of the United States–China talks in Alaska."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser(
        "build",
        help="validate the sources, reason, and write the dataset",
        description="Parse ontology/ and data/, validate the data against the SHACL shapes, compute the "
        "OWL 2 RL entailments, and write alaska-kg.ttl, alaska-kg.nt and alaska-kg.trig into DIR.",
    )
    build.add_argument("--out", default="dist", metavar="DIR", help="output folder (default: dist)")
    build.add_argument(
        "--reasoner",
        choices=REASONER_CHOICES,
        default="owlrl",
        help="OWL RL reasoner (default: owlrl, the reference; reasonable is faster)",
    )
    build.add_argument("--debug", action="store_true", help="show a traceback on error")
    # Hidden: build from another copy of ontology/ and data/ (tests); also read from $ALASKA_KG_ROOT.
    build.add_argument("--root", default=None, metavar="DIR", help=argparse.SUPPRESS)
    build.set_defaults(handler=_build)

    from alaska_kg import query_commands  # the light query path: query, queries, describe, stats, export

    query_commands.register(commands)
    return parser


def _fail(message: str, code: int, debug: bool, err: TextIO) -> int:
    if debug:
        traceback.print_exc(file=err)
    print(f"{PROG}: error: {message}", file=err)
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `alaska-kg` console script; returns the process exit code."""
    out, err = sys.stdout, sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help/--version
        return exc.code if isinstance(exc.code, int) else 2
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.handler
    debug = bool(getattr(args, "debug", False))
    try:
        return handler(args, out, err)
    except AlaskaKgError as exc:
        return _fail(exc.message, exc.exit_code, debug, err)
    except KeyboardInterrupt:
        return _fail("interrupted", 130, debug, err)
    except Exception as exc:  # a bug: still one line, the traceback with --debug
        return _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)", 1, debug, err)


__all__ = ["main"]
