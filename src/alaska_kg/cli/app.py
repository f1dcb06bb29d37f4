"""The `alaska-kg` command line: argument parsing, stage timing and error reporting, nothing else."""

from __future__ import annotations

import os
import sys

from alaska_kg import __version__
from alaska_kg.cli.sources import sources
from alaska_kg.display import printable
from alaska_kg.errors import AlaskaKgError, UsageError, ValidationFailed
from alaska_kg.namespaces import shorten
from alaska_kg.paths import ROOT_HELP
from alaska_kg.syntaxes import RDF_SYNTAXES, format_type

TYPE_CHECKING = False  # neither typing (~2.5 ms) nor argparse (~5 ms) on the path of a common command line
if TYPE_CHECKING:  # argparse only for a command line the fast path (alaska_kg.cli.fast) does not read
    import argparse
    from collections.abc import Callable
    from typing import NoReturn, TextIO

PROG = "alaska-kg"
# = alaska_kg.build.reason.REASONERS and DEFAULT_REASONER, kept here to stay light (tests/test_reasoning.py)
REASONER_CHOICES = ("owlrl", "reasonable", "rules")
DEFAULT_REASONER = "rules"
# = alaska_kg.build.validate.ENGINES and DEFAULT_ENGINE (tests/test_shacl_sparql.py)
ENGINE_CHOICES = ("sparql", "auto", "turbo", "pyshacl")
DEFAULT_ENGINE = "sparql"
ENGINE_HELP = (
    "SHACL engine (default: sparql, the shapes translated into SPARQL and run by Oxigraph, shown by tests "
    "to report what pySHACL reports; a shapes file it cannot translate falls back to auto with a warning; "
    "auto is pyshacl-turbo with its known gaps routed to pySHACL; turbo is pyshacl-turbo alone; pyshacl "
    "is the reference)"
)
MAX_VIOLATIONS_SHOWN = 50
# The module that registers each command: a command line naming one builds (and imports) only that
# command's parser; anything else (--help, --version, no or an unknown command) gets the whole parser, so
# help and errors read the same (tests/test_cli_startup.py checks this list against the whole parser).
COMMAND_MODULES = {
    "build": "app",
    "validate": "app",
    "query": "query",
    "queries": "query",
    "describe": "query",
    "stats": "query",
    "export": "query",
    "search": "search",
    "prefixes": "search",
    "push": "push",
    "link": "link",
    "serve": "serve",
    "viz": "viz",
}
# The modules whose FAST_COMMANDS alaska_kg.cli.fast reads without argparse (the light query path, and
# `build`: argparse with gettext and locale is ~5 ms of a bundled build, issue 12).
FAST_MODULES = ("query", "app")
_light_run: list[bool] = []  # one entry once main() ran a command line read by the fast path


def _progress(err: TextIO) -> Callable[[str], None] | None:
    """On a terminal, one self-overwriting status line per build stage; elsewhere, silence."""
    if not err.isatty():
        return None
    stages = {
        "parse": "parsing",
        "validate": "validating",
        "reason": "reasoning",
        "export": "writing",
        "copy": "copying cached outputs",
        "publish": "publishing",
    }

    def show(stage: str) -> None:
        err.write(f"\r\033[K{PROG}: {stages.get(stage, stage)}…")
        err.flush()

    return show


def _print_violations(report: object, err: TextIO) -> None:
    violations = getattr(report, "violations", ())
    for violation in violations[:MAX_VIOLATIONS_SHOWN]:
        print(f"  {printable(str(violation))}", file=err)
    if len(violations) > MAX_VIOLATIONS_SHOWN:
        print(f"  … and {len(violations) - MAX_VIOLATIONS_SHOWN} more", file=err)
    for failure in getattr(report, "check_failures", ()):
        print(f"  check failed: {printable(str(failure))}", file=err)


def _print_class_counts(direct: dict[str, int], closed: dict[str, int] | None, out: TextIO) -> None:
    """Entities per class, two ways: by asserted type only, and with the sub-classes' instances (as the
    README's table and `alaska-kg stats` count)."""
    if closed is None:  # the summary of a build from before both were kept
        print("  entities per class (asserted type only, sub-classes not counted):", file=out)
        closed = {}
    else:
        print("  entities per class: asserted type only / with sub-classes (as the README table):", file=out)
    classes = sorted(set(direct) | set(closed), key=lambda c: (-direct.get(c, 0), -closed.get(c, 0), c))
    width = max((len(shorten(c)) for c in classes), default=0)
    for cls in classes:
        both = f" {closed.get(cls, 0):>5}" if closed else ""
        print(f"    {shorten(cls):<{width}} {direct.get(cls, 0):>5}{both}", file=out)


def _build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """parse → validate → reason → export; the heavy libraries are imported here, not at CLI import."""
    from pathlib import Path

    from alaska_kg.build.pipeline import build

    layout = sources(args, err)
    progress = _progress(err)

    def warn(message: str) -> None:
        if progress is not None:
            err.write("\r\033[K")
        print(f"{PROG}: warning: {message}", file=err, flush=True)

    try:
        result = build(layout, Path(args.out), args.reasoner, progress, warn, engine=args.engine)
    except ValidationFailed as exc:
        _print_violations(exc.report, err)
        raise
    finally:
        if progress is not None:
            err.write("\r\033[K")
    summary = result.summary
    origin = "reused the cached build of these sources" if result.cached else "built"
    print(f"{PROG} {__version__}: {origin} → {result.out_dir}", file=out)
    print(f"  sources: {layout.origin_text}", file=out)
    print("  triples per graph:", file=out)
    for name, size in summary.graph_sizes.items():
        print(f"    {name:<10}{size:>7}", file=out)
    _print_class_counts(summary.class_counts, summary.class_counts_with_subclasses, out)
    print(f"  validation: {summary.validation}", file=out)
    print(f"  reasoner: {summary.reasoner}", file=out)
    timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in summary.seconds.items())
    print(f"  time per stage{' (of the cached build)' if result.cached else ''}: {timings}", file=out)
    print(f"  files: {', '.join(p.name for p in result.files)}", file=out)
    return 0


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the shapes over the data (or FILE) and print the report; exit 0 when it conforms, 1 when not."""
    from alaska_kg.build.validate import render_report, validate_layout

    def warn(message: str) -> None:
        print(f"{PROG}: warning: {printable(message)}", file=err, flush=True)

    if args.file is not None:
        from alaska_kg.build.validate_file import validate_file

        report = validate_file(
            sources(args, err),
            args.file,
            data_format=args.data_format,
            with_sources=args.with_sources,
            stdin=sys.stdin.buffer,
            engine=args.engine,
            warn=warn,
        )
    else:
        if args.with_sources or args.data_format:
            raise UsageError("--with-sources and --data-format apply to a FILE given to validate")
        report = validate_layout(sources(args, err), args.engine, warn)
    text = render_report(report, args.format)
    out.write(printable(text, newlines=True) if args.format == "text" else text)
    return 0 if report.conforms else 1


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    """A converter for alaska_kg.cli.fast: the value if argparse's `choices` hold it, else ValueError (the
    command line then goes to argparse, which words the error)."""

    def convert(value: str) -> str:
        if value not in choices:
            raise ValueError(value)
        return value

    return convert


# `build` as alaska_kg.cli.fast reads it (the same options as _add_build; tests/test_cli_fast.py compares).
FAST_COMMANDS = {
    "build": (
        _build,
        (),
        {
            "--out": ("out", "value", None, "dist"),
            "--reasoner": ("reasoner", "value", _one_of(REASONER_CHOICES), DEFAULT_REASONER),
            "--engine": ("engine", "value", _one_of(ENGINE_CHOICES), DEFAULT_ENGINE),
            "--debug": ("debug", "flag", None, False),
            "--root": ("root", "value", None, None),
        },
    ),
}


def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse, but a usage error is one line (`alaska-kg query: error: …`, exit 2), like every error;
    made when first needed, so that argparse is imported only then."""
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            self.exit(2, f"{self.prog}: error: {printable(message)} (see `{self.prog} --help`)\n")

    return _Parser


def _fast_args(argv: list[str]) -> object | None:
    """The namespace of a command line that alaska_kg.cli.fast reads without argparse, else None."""
    module = COMMAND_MODULES.get(argv[0]) if argv else None
    if module not in FAST_MODULES:
        return None
    from alaska_kg.cli import fast

    name = f"alaska_kg.cli.{module}"
    __import__(name)  # importlib.import_module, without importing importlib (~0.2 ms)
    return fast.read(argv, sys.modules[name].FAST_COMMANDS)


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (`command`, one of COMMAND_MODULES) the same parser with only that command."""
    module = COMMAND_MODULES.get(command) if command is not None else None
    parser = _parser_class()(
        prog=PROG, description="Build the knowledge graph of the United States–China talks in Alaska."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    if module in (None, "app") and command != "validate":
        _add_build(commands)
    if module in (None, "app") and command != "build":
        _add_validate(commands)
    if module in (None, "query"):
        from alaska_kg.cli import (
            query as query_commands,  # the light query path: query, queries, describe, stats, export
        )

        query_commands.register(commands, command if module == "query" else None)
    if module in (None, "search"):
        from alaska_kg.cli import search as search_commands  # search, prefixes: the way in

        search_commands.register(commands)
    if module in (None, "push"):
        from alaska_kg.cli import push as push_commands

        push_commands.register(commands)
    if module in (None, "link"):
        from alaska_kg.cli import link as link_commands

        link_commands.register(commands)
    if module in (None, "serve"):
        from alaska_kg.cli import serve as serve_commands  # the endpoint; Uvicorn is imported when it runs

        serve_commands.register(commands)
    if module in (None, "viz"):
        from alaska_kg.cli import viz as viz_commands  # the pictures

        viz_commands.register(commands)
    return parser


def _add_build(commands: argparse._SubParsersAction) -> None:
    build = commands.add_parser(
        "build",
        help="validate the sources, reason, and write the dataset",
        description="Parse ontology/ and data/, validate the data against the SHACL shapes and the integrity "
        "checks, compute the OWL 2 RL entailments, and write the dataset into DIR: Turtle, N-Triples and "
        "JSON-LD of the stated triples, TriG and N-Quads with one named graph per origin, a VoID/DCAT "
        "description and a summary. Unchanged sources reuse the cached build.",
    )
    build.add_argument("--out", default="dist", metavar="DIR", help="output folder (default: dist)")
    build.add_argument(
        "--reasoner",
        choices=REASONER_CHOICES,
        default=DEFAULT_REASONER,
        help="OWL RL reasoner (default: rules, the OWL 2 RL rules compiled from the ontology into SPARQL "
        "and run in Oxigraph, shown by tests to give owlrl's entailments; owlrl is the slow reference; "
        "reasonable ignores property chains)",
    )
    build.add_argument("--engine", choices=ENGINE_CHOICES, default=DEFAULT_ENGINE, help=ENGINE_HELP)
    build.add_argument("--debug", action="store_true", help="show a traceback on error")
    build.add_argument("--root", default=None, metavar="DIR", help=ROOT_HELP)
    build.set_defaults(handler=_build)


def _add_validate(commands: argparse._SubParsersAction) -> None:
    validate = commands.add_parser(
        "validate",
        help="check the data against the SHACL shapes",
        description="Validate data/*.ttl (or FILE, or - for stdin) against ontology/shapes.ttl. Exit 0 when "
        "the data conforms, 1 when it does not; each violation names its focus node, path, message, "
        "severity, and the data file and line where the focus node is described. FILE is validated alone, "
        "read with the ontology's class hierarchy (as pyshacl -s shapes.ttl -e alaska.ttl FILE would), "
        "unless --with-sources adds data/.",
    )
    validate.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="a data file to validate instead of data/ (- reads stdin); its syntax by extension",
    )
    validate.add_argument(
        "--data-format",
        type=format_type(tuple(RDF_SYNTAXES)),
        default=None,
        help="syntax of FILE (default: by extension; turtle for stdin)",
    )
    validate.add_argument(
        "--with-sources",
        action="store_true",
        help="validate FILE together with data/*.ttl (the types of the resources it refers to)",
    )
    validate.add_argument(
        "--format",
        type=format_type(("text", "json", "turtle"), {"turtle": "turtle", "ttl": "turtle", "text": "text"}),
        default="text",
        help="report format (default: text; turtle/ttl is the SHACL validation report graph)",
    )
    validate.add_argument("--engine", choices=ENGINE_CHOICES, default=DEFAULT_ENGINE, help=ENGINE_HELP)
    validate.add_argument("--debug", action="store_true", help="show a traceback on error")
    validate.add_argument("--root", default=None, metavar="DIR", help=ROOT_HELP)
    validate.set_defaults(handler=_validate)


def _fail(message: str, code: int, debug: bool, err: TextIO) -> int:
    if debug:
        import traceback  # only here: ~2 ms on the path of every command otherwise

        traceback.print_exc(file=err)
    print(f"{PROG}: error: {printable(message)}", file=err)
    _end_if_a_query_runs_on(code, err)
    return code


def _end_if_a_query_runs_on(code: int, err: TextIO) -> None:
    """A query stopped at its deadline or by Ctrl-C runs on in a thread (alaska_kg.query.deadline): end the
    process now, with `code`, before the interpreter's shutdown frees objects the engine still reads."""
    deadline = sys.modules.get("alaska_kg.query.deadline")
    if deadline is not None and deadline.abandoned():
        err.flush()
        sys.stdout.flush()
        os._exit(code)


def main(argv: list[str] | None = None, *, imports_without_gc: bool = False) -> int:
    """Entry point of the `alaska-kg` command; returns the process exit code (or, after a query was
    stopped at its deadline or by Ctrl-C, ends the process with it). `imports_without_gc`: the caller
    turned the garbage collector off for the imports (scripts/alaska-kg); it is turned back on once the
    command line is read, which imports the command's modules."""
    out, err = sys.stdout, sys.stderr
    if argv is None:
        argv = sys.argv[1:]
    try:
        args = _fast_args(argv)
        if args is not None:
            _light_run.append(True)
        else:
            try:
                args = _parser(argv[0] if argv else None).parse_args(argv)
            except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help/--version
                return exc.code if isinstance(exc.code, int) else 2
    finally:
        if imports_without_gc:
            import gc  # built into the interpreter: nothing to load

            gc.enable()
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.handler  # type: ignore[attr-defined]
    debug = bool(getattr(args, "debug", False))
    try:
        return handler(args, out, err)  # type: ignore[arg-type]
    except AlaskaKgError as exc:
        return _fail(exc.message, exc.exit_code, debug, err)
    except KeyboardInterrupt:
        return _fail("interrupted", 130, debug, err)
    except BrokenPipeError:  # the reader (`| head`) went away: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: still one line, the traceback with --debug
        return _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)", 1, debug, err)


def run(imports_without_gc: bool = False) -> int:
    """The `alaska-kg` command (scripts/alaska-kg) and `python -m alaska_kg`: `main()`, then the end of
    the process (`imports_without_gc`: see `main`).

    After a query-path command read by the fast path, that built nothing, left no other thread running and
    registered nothing to run at exit, the output is flushed and the process ends at once (`os._exit`):
    the interpreter's own shutdown, which frees the loaded store and every module one by one, took ~8 ms
    of a cold `alaska-kg query` (docs/performance.md) and has nothing else to do. Anything else ends as
    usual, when the caller (`sys.exit`) returns the code.
    """
    code = main(imports_without_gc=imports_without_gc)
    if _nothing_left_to_finish():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # as usual: the interpreter's shutdown reports it
            return code
        os._exit(code)
    return code


def _nothing_left_to_finish() -> bool:
    """Whether ending the process without the interpreter's shutdown loses nothing (see `run`)."""
    if not _light_run or "alaska_kg.build" in sys.modules:
        return False
    import atexit  # built into the interpreter: nothing to load

    registered = getattr(atexit, "_ncallbacks", None)  # CPython's count of atexit callbacks
    if registered is None or registered() > 0:
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


__all__ = ["main", "run"]
