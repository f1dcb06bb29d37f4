"""The query-path commands of the CLI (query, queries, describe, stats, export); light imports only.

Each handler parses nothing itself and decides nothing about RDF: it calls the module that does the work
and writes the result. Nothing here, nor in what it imports, loads rdflib, pyshacl or a reasoner, unless
the build cache is empty and the dataset has to be built first. The network code (`query --endpoint`) is
imported only when an endpoint is given.
"""

from __future__ import annotations

import io

from alaska_kg.cli.sources import make_dataset, sources
from alaska_kg.display import printable
from alaska_kg.errors import AnswerCut, UsageError
from alaska_kg.namespaces import PREFIXES
from alaska_kg.paths import ROOT_HELP, Layout
from alaska_kg.query.catalog import QuerySource, canned_queries, find_query, inline_query
from alaska_kg.query.dataset import GRAPH_SELECTIONS, OpenDataset, open_dataset
from alaska_kg.query.deadline import DEFAULT_TIMEOUT, run_with_deadline
from alaska_kg.query.results import MACHINE_FORMATS, MAX_CELL, OUTPUT_FORMATS, text_table, write_answer
from alaska_kg.query.run import DEFAULT_MAX_ROWS, Answer, bounded, run_query, service_error
from alaska_kg.syntaxes import check_output_path, format_name, format_type, syntax_of

TYPE_CHECKING = False  # neither typing (~2.5 ms) nor argparse (~5 ms) on the path of a common command line
if TYPE_CHECKING:  # argparse is imported only when a command line is not one the fast path reads
    import argparse
    from collections.abc import Callable
    from typing import TextIO, TypeVar

    from pyoxigraph import Store

    _T = TypeVar("_T")

PROG = "alaska-kg"
REMOTE_TIMEOUT = 60.0  # = alaska_kg.store.client.DEFAULT_TIMEOUT, kept here so that `query` stays light
QUERY_TIMEOUT = DEFAULT_TIMEOUT  # a local query's deadline, and the endpoint's silence allowed


def _open(args: argparse.Namespace, layout: Layout, err: TextIO) -> OpenDataset:
    def announce(message: str) -> None:
        print(f"{PROG}: {printable(message)}…", file=err, flush=True)  # it may quote a path

    return open_dataset(layout, args.dataset, announce, make_dataset)


def _max_cell(args: argparse.Namespace, out: TextIO) -> int | None:
    """Table cells are cut only for a person at a terminal, and not with --wide: a file or a pipe gets
    every character."""
    return MAX_CELL if out.isatty() and not getattr(args, "wide", False) else None


def _query(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Exit 0, or for ASK written as plain yes/no: 0 for yes and 1 for no."""
    if (args.name is None) == (args.sparql is None):
        raise UsageError("give one of: a query NAME, a FILE.rq, or --sparql TEXT")
    if args.labels and args.format not in MACHINE_FORMATS:
        raise UsageError(
            f"--labels adds label columns to {', '.join(MACHINE_FORMATS)}; the table and md show labels"
        )
    max_cell = _max_cell(args, out)
    layout = sources(args, err)
    query = inline_query(args.sparql) if args.sparql is not None else find_query(layout, args.name)
    substitutions = {}
    if args.param:
        from alaska_kg.query.params import bind  # only when a parameter is given

        substitutions = bind(query, args.param)
    if args.endpoint is not None:
        return _query_remote(args, query, substitutions, out)
    prefixes = PREFIXES if args.sparql is not None else None
    # --live: evaluated now even where the build kept the answer
    kept = None if args.live or args.dataset is not None else _kept(args, layout, query, substitutions)
    if kept is not None:  # the answer the build kept: the dataset is not loaded at all
        answer, names = kept
        status, payload = _written(args, query, answer, names, max_cell)
        out.write(payload.decode("utf-8"))
        return _finish(status, query, args.max_rows, out)
    dataset = _open(args, layout, err)

    def work() -> tuple[int, bytes]:
        """Where it can be stopped: evaluate, read at most --max-rows, write the answer (labels too)."""
        answer = run_query(
            dataset,
            query,
            graph=args.graph,
            substitutions=substitutions,
            allow_service=args.allow_service,
            prefixes=prefixes,
            max_rows=args.max_rows,
        )
        return _written(args, query, answer, dataset.store, max_cell)

    # "thread": the cheapest way to stop a query when the whole process may end (see alaska_kg.query.deadline)
    status, payload = run_with_deadline(work, timeout=args.timeout, what=query.where, isolation="thread")
    out.write(payload.decode("utf-8"))
    return _finish(status, query, args.max_rows, out)


def _kept(
    args: argparse.Namespace, layout: Layout, query: QuerySource, substitutions: dict
) -> tuple[Answer, dict[str, str]] | None:
    """The answer the build kept for `query` (query.kept_answers: for a dataset without an on-disk store,
    where parsing the N-Quads into memory is most of a cold query) and the label table to show it with;
    None: the query is evaluated on the dataset."""
    from alaska_kg.cache import LABELS_FILE, STORE_FOLDER, cached_entry, read_verified
    from alaska_kg.errors import CorruptOutput
    from alaska_kg.query.guard import check_query
    from alaska_kg.query.kept_answers import answer_name, kept_answer
    from alaska_kg.query.label_table import read_label_table

    if args.sparql is not None or substitutions or args.graph not in (None, "all"):
        return None  # not run as the build ran it (query.kept_answers): evaluated
    entry = cached_entry(layout, remember=True)
    if entry is None or STORE_FOLDER in entry.entries or LABELS_FILE not in entry.entries:
        return None
    if answer_name(query) not in entry.entries:
        return None  # no answer kept for this text (an ASK, an edited file …): evaluated
    own_dataset = check_query(query.text, query.where, allow_service=args.allow_service)
    if own_dataset and args.graph is not None:
        return None  # run_query says why that is refused
    answer = kept_answer(entry, query, args.max_rows)
    if answer is None or (query.header.columns and query.header.columns != answer.variables):
        return None  # (a header whose columns the answer does not have: run_query says so)
    try:
        return answer, read_label_table(read_verified(entry, LABELS_FILE))
    except (CorruptOutput, OSError, UnicodeDecodeError):
        return None  # derived data that failed its check: the dataset is opened, and the labels read there


def _written(
    args: argparse.Namespace,
    query: QuerySource,
    answer: Answer,
    labels_from: Store | dict[str, str],
    max_cell: int | None,
) -> tuple[int, bytes]:
    """The exit status and the bytes of `answer` in the chosen format, labels (from the store or a label
    table) in place of IRIs where the format shows them."""
    if args.labels:
        from alaska_kg.query.result_labels import with_labels

        answer = with_labels(answer, labels_from)
    data = io.BytesIO()
    text = io.TextIOWrapper(data, encoding="utf-8", newline="")
    try:
        write_answer(
            answer, args.format, text, store=labels_from, raw=args.raw, where=query.where, max_cell=max_cell
        )
    except OSError as exc:  # the solutions are computed as they are read, SERVICE calls with them
        if type(exc) is not OSError:  # BrokenPipeError and the like: the output, not the query
            raise
        raise service_error(query, exc) from None
    text.flush()
    return _status(answer, args.format), data.getvalue()


def _status(answer: Answer, fmt: str | None = None) -> int:
    """The exit status an answer calls for: 14 when cut at --max-rows, 1 for an ASK answered no in plain
    yes/no (a shell's `if`), else 0: an answer written in a machine format (csv, tsv, json, xml) is a
    success whatever it says, as for arq and Oxigraph."""
    if answer.cut:
        return AnswerCut.exit_code
    plain = fmt not in MACHINE_FORMATS
    return 1 if answer.kind == "ask" and not answer.boolean and plain else 0


def _finish(status: int, query: QuerySource, max_rows: int | None, out: TextIO) -> int:
    """The exit code, once the answer is written; a cut answer is reported after it, on stderr."""
    if status == AnswerCut.exit_code:
        out.flush()
        raise AnswerCut(
            f"{query.where}: the answer has more than {max_rows} rows (or triples); only the first "
            f"{max_rows} were written; rerun with --max-rows N (0: no limit)"
        )
    return status


def _query_remote(args: argparse.Namespace, query: QuerySource, substitutions: dict, out: TextIO) -> int:
    """`query --endpoint URL`: the same checks, parameters and output, the answer from a SPARQL endpoint."""
    from alaska_kg.store.remote_query import run_remote

    if args.dataset is not None:
        raise UsageError("give --dataset or --endpoint, not both: the endpoint holds its own copy")
    result = run_remote(
        args.endpoint,
        query,
        graph=args.graph,
        substitutions=substitutions,
        allow_service=args.allow_service,
        prefixes=PREFIXES if args.sparql is not None else None,
        labels=args.labels or (not args.raw and args.format in (None, "table", "md")),
        timeout=args.timeout,
    )
    answer = bounded(result.answer, args.max_rows)
    if args.labels:
        from alaska_kg.query.result_labels import with_labels

        answer = with_labels(answer, result.labels)
    write_answer(
        answer,
        args.format,
        out,
        store=result.labels,
        raw=args.raw,
        where=query.where,
        max_cell=_max_cell(args, out),
    )
    return _finish(_status(answer, args.format), query, args.max_rows, out)


def _queries(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rows = [
        (q.id, q.header.summary, ", ".join(f"{p.name} ({p.type})" for p in q.header.params))
        for q in canned_queries(sources(args, err))
    ]
    max_cell = 100 if _max_cell(args, out) else None
    out.write("\n".join(text_table(("query", "summary", "params"), rows, max_cell=max_cell)) + "\n")
    return 0


def _describe(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from alaska_kg.query.describe import describe, render

    dataset = _open(args, sources(args, err), err)
    out.write(render(describe(dataset, args.thing), dataset.store, raw=args.raw))
    return 0


def _stats(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from alaska_kg.query.stats import render, stats

    out.write(render(stats(_open(args, sources(args, err), err))))
    return 0


def _export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from alaska_kg.query.convert import EXPORT_FORMATS, export_text, read_context, write_atomically

    check_output_path(args.output)
    fmt = args.format or (syntax_of(args.output) if args.output not in (None, "-") else None)
    if fmt not in EXPORT_FORMATS:
        raise UsageError(
            "give --format (ttl, nt, nq, trig, jsonld, xml), or -o FILE with an extension that names one"
        )
    layout = sources(args, err)
    context = read_context(layout.context_file) if fmt == "jsonld" else None
    text = export_text(_open(args, layout, err), fmt, args.graph, context, same_as=args.sameas)
    if args.output in (None, "-"):
        out.write(text)
    else:
        write_atomically(args.output, text)
    return 0


def seconds(text: str) -> float:
    """--timeout: a positive, finite number of seconds; ValueError if `text` is none."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value > 0 and value - value == 0):  # positive and finite (inf - inf is nan); no `math` to load
        raise ValueError(f"not a positive number of seconds: {text!r}")
    return value


def row_cap(text: str) -> int | None:
    """--max-rows: a count, 0 meaning no limit (None); ValueError if `text` is none."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"not a number of rows (0 or more): {text!r}")
    return value or None


def _seconds(text: str) -> float:
    """argparse type of --timeout (see `seconds`)."""
    return _argparse_type(seconds, text)


def _row_cap(text: str) -> int | None:
    """argparse type of --max-rows (see `row_cap`)."""
    return _argparse_type(row_cap, text)


def _argparse_type(convert: Callable[[str], _T], text: str) -> _T:
    """`convert(text)`, its ValueError turned into the error argparse reports as is."""
    try:
        return convert(text)
    except ValueError as exc:
        import argparse

        raise argparse.ArgumentTypeError(str(exc)) from None


def output_format(text: str) -> str:
    """--format of `query`, for the fast path (alaska_kg.cli.fast): ValueError where argparse would fail."""
    name = format_name(text, OUTPUT_FORMATS)
    if name is None:
        raise ValueError(text)
    return name


def graph_selection(text: str) -> str:
    """--graph of `query` (argparse `choices`), for the fast path: ValueError where argparse would fail."""
    if text not in GRAPH_SELECTIONS:
        raise ValueError(text)
    return text


# The command lines of these commands that alaska_kg.cli.fast reads without argparse: per command, its
# handler, its positionals (dest, required) and its options (option -> dest, kind, converter, default);
# a converter raises ValueError where argparse would refuse the value. tests/test_cli_fast.py checks that
# these agree with the argparse parsers below, option by option.
_COMMON_FAST = {
    "--dataset": ("dataset", "value", None, None),
    "--debug": ("debug", "flag", None, False),
    "--root": ("root", "value", None, None),
}
FAST_COMMANDS = {
    "query": (
        _query,
        (("name", False),),
        {
            "--sparql": ("sparql", "value", None, None),
            "--param": ("param", "append", None, []),
            "--format": ("format", "value", output_format, None),
            "--wide": ("wide", "flag", None, False),
            "--labels": ("labels", "flag", None, False),
            "--graph": ("graph", "value", graph_selection, None),
            "--raw": ("raw", "flag", None, False),
            "--allow-service": ("allow_service", "flag", None, False),
            "--endpoint": ("endpoint", "value", None, None),
            "--timeout": ("timeout", "value", seconds, QUERY_TIMEOUT),
            "--max-rows": ("max_rows", "value", row_cap, DEFAULT_MAX_ROWS),
            "--live": ("live", "flag", None, False),
            **_COMMON_FAST,
        },
    ),
    "queries": (
        _queries,
        (),
        {
            "--root": ("root", "value", None, None),
            "--debug": ("debug", "flag", None, False),
            "--wide": ("wide", "flag", None, False),
        },
    ),
    "describe": (_describe, (("thing", True),), {"--raw": ("raw", "flag", None, False), **_COMMON_FAST}),
    "stats": (_stats, (), dict(_COMMON_FAST)),
}


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dataset",
        metavar="FILE",
        default=None,
        help="query this file: N-Quads or TriG (a built dataset's named graphs), or one graph in N-Triples, "
        "Turtle, RDF/XML, JSON-LD or N3, told by the extension (default: the build cache, built if missing)",
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on error")
    parser.add_argument("--root", default=None, metavar="DIR", help=ROOT_HELP)


def register(commands: argparse._SubParsersAction, only: str | None = None) -> None:
    """Add the query-path subcommands to the `alaska-kg` parser (`only`: just that one, the command being
    run, so that a cold `alaska-kg query` neither builds nor imports what the others need)."""
    for name, add in _REGISTER.items():
        if only is None or only == name:
            add(commands)


def _register_query(commands: argparse._SubParsersAction) -> None:
    query = commands.add_parser(
        "query",
        help="run a canned query, a .rq file or inline SPARQL",
        description="Run a SPARQL query over the built dataset. SELECT prints a table (labels in place of "
        "IRIs), ASK prints yes/no and exits 0 for yes, 1 for no, CONSTRUCT/DESCRIBE print Turtle.",
    )
    query.add_argument(
        "name",
        nargs="?",
        metavar="NAME|FILE.rq",
        help="a canned query (see `alaska-kg queries`), checks/NAME, or a .rq file",
    )
    query.add_argument("--sparql", metavar="TEXT", help="inline SPARQL; the curated prefixes are predeclared")
    query.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a declared parameter (repeatable); an unbound one matches anything",
    )
    query.add_argument(
        "--format",
        type=format_type(OUTPUT_FORMATS),
        default=None,
        help="table (default), csv, tsv, json, xml (the W3C SPARQL results formats), md; for "
        "CONSTRUCT/DESCRIBE: turtle (default), jsonld, nt, xml (RDF/XML); the names of rdflib, Jena and "
        "Oxigraph are understood (ttl, json-ld, ntriples, rdfxml, srj, srx, text, …)",
    )
    query.add_argument(
        "--wide", action="store_true", help="never cut table cells (they are cut at 60 only on a terminal)"
    )
    query.add_argument(
        "--labels",
        action="store_true",
        help="csv, tsv, json, xml: add after each column that holds IRIs a column NAME_label with their "
        "rdfs:label",
    )
    query.add_argument(
        "--graph",
        choices=GRAPH_SELECTIONS,
        default=None,
        help="default graph: all (default; stated + entailed), asserted (ontology, facts, "
        "links), inferred (only what reasoning added)",
    )
    query.add_argument("--raw", action="store_true", help="prefixed IRIs and typed literals, no labels")
    query.add_argument(
        "--allow-service",
        action="store_true",
        help="let SERVICE call remote SPARQL endpoints (refused by default)",
    )
    query.add_argument(
        "--endpoint",
        metavar="URL",
        help="run the query at this SPARQL 1.1 Protocol endpoint (e.g. http://localhost:7878/query) instead "
        "of the local dataset; a login, if it asks for one, from $ALASKA_KG_ENDPOINT_AUTH=user:password",
    )
    query.add_argument(
        "--timeout",
        type=_seconds,
        default=QUERY_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a local query that runs longer (exit 13; Ctrl-C stops it at once, exit 130); with "
        f"--endpoint: give up when the whole answer has not come within SECONDS "
        f"(default: {QUERY_TIMEOUT:g})",
    )
    query.add_argument(
        "--max-rows",
        type=_row_cap,
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"write at most N solutions or triples, then exit 14 saying the answer was cut; 0: no "
        f"limit (default: {DEFAULT_MAX_ROWS})",
    )
    query.add_argument(
        "--live",
        action="store_true",
        help="evaluate the query now, even where the build kept its answer (a canned query without "
        "--param on the bundled data: its answer is read, not evaluated)",
    )
    _common(query)
    query.set_defaults(handler=_query)


def _register_queries(commands: argparse._SubParsersAction) -> None:
    queries = commands.add_parser(
        "queries",
        help="list the canned queries",
        description="List the canned queries in queries/: id, summary, parameters.",
    )
    queries.add_argument("--root", default=None, metavar="DIR", help=ROOT_HELP)
    queries.add_argument("--debug", action="store_true", help="show a traceback on error")
    queries.add_argument("--wide", action="store_true", help="never cut table cells")
    queries.set_defaults(handler=_queries)


def _register_describe(commands: argparse._SubParsersAction) -> None:
    describe = commands.add_parser(
        "describe",
        help="what the graph says of one resource",
        description="Describe a resource given by IRI, prefixed name (akr:yang-jiechi) or label (Yang): "
        "types, facts, incoming links, Wikidata link and the sentences of the article it comes from.",
    )
    describe.add_argument("thing", metavar="THING", help="IRI, prefixed name, label or part of a label")
    describe.add_argument("--raw", action="store_true", help="prefixed IRIs and typed literals, no labels")
    _common(describe)
    describe.set_defaults(handler=_describe)


def _register_stats(commands: argparse._SubParsersAction) -> None:
    stats = commands.add_parser(
        "stats",
        help="the dataset in numbers",
        description="Triples per named graph, entities per class, statements per kind, links to Wikidata.",
    )
    _common(stats)
    stats.set_defaults(handler=_stats)


def _register_export(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export",
        help="write the dataset, or one of its graphs, in an RDF syntax",
        description="Write the built dataset (TriG keeps the named graphs; other syntaxes merge them) to "
        "stdout or, atomically, to FILE.",
    )
    from alaska_kg.query.convert import EXPORT_FORMATS, EXPORT_GRAPHS

    export.add_argument(
        "--format",
        type=format_type(EXPORT_FORMATS),
        default=None,
        help="RDF syntax: turtle/ttl, nt/ntriples, nquads/nq, trig, jsonld/json-ld, xml/rdfxml (default: "
        "told by the extension of -o FILE)",
    )
    export.add_argument("--graph", choices=EXPORT_GRAPHS, default="all", help="which graph (default: all)")
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help="output file (default: stdout); a bare format name (-o turtle) is refused: that is --format",
    )
    export.add_argument(
        "--sameas",
        action="store_true",
        help="also write owl:sameAs beside each skos:exactMatch to Wikidata (off by default: under OWL RL "
        "it would merge our resources with Wikidata's)",
    )
    _common(export)
    export.set_defaults(handler=_export)


_REGISTER = {
    "query": _register_query,
    "queries": _register_queries,
    "describe": _register_describe,
    "stats": _register_stats,
    "export": _register_export,
}


__all__ = ["FAST_COMMANDS", "register"]
