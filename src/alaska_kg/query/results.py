"""Write a query's answer as text: aligned table, W3C CSV/TSV/JSON/XML results, Markdown, or an RDF syntax.

SELECT: `table` (default; labels in place of IRIs, long cells cut on a terminal unless `--wide`) and `md`
are for people, their control characters escaped (display.printable); `csv`, `tsv`, `json` and `xml` are
the SPARQL 1.1 Query Results formats (W3C CSV/TSV, JSON, XML), written by Oxigraph, exact.
ASK: yes/no (or the W3C formats). CONSTRUCT/DESCRIBE: Turtle with the curated prefixes it uses, JSON-LD,
N-Triples or RDF/XML.
"""

from __future__ import annotations

from pyoxigraph import QueryResultsFormat, RdfFormat, Store, Triple, serialize

from alaska_kg.display import columns, fit, printable
from alaska_kg.errors import UsageError
from alaska_kg.namespaces import PREFIXES
from alaska_kg.query.labels import iris_in, labels, show
from alaska_kg.query.run import Answer, solution_rows, solutions_of

TYPE_CHECKING = False  # typing is not imported on the query path (~2.5 ms): its names only for checkers
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Literal, TextIO

    OutputFormat = Literal["table", "csv", "tsv", "json", "xml", "md", "ttl", "jsonld", "nt"]
else:
    OutputFormat = str
OUTPUT_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "xml", "md", "ttl", "jsonld", "nt")
SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
GRAPH_FORMATS = ("ttl", "jsonld", "nt", "xml")  # xml: SPARQL XML results for solutions, RDF/XML for triples
MACHINE_FORMATS = ("csv", "tsv", "json", "xml")  # an ASK answer written in one of these exits 0
W3C_RESULTS = {
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
}
MAX_CELL = 60  # characters of a table cell on a terminal; csv, tsv, json, xml and md keep every character


def text_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, max_cell: int | None = MAX_CELL
) -> list[str]:
    """Lines of a left-aligned table with a dashed rule under the header; cells cut at `max_cell` (None:
    never), their control characters escaped (display.printable)."""
    rows = list(rows)
    if not headers:
        return ["", "", *("" for _ in rows)]
    cells = list(zip(*rows, strict=True)) if rows else [() for _ in headers]
    return column_table(headers, cells, max_cell=max_cell)


def column_table(
    headers: Sequence[str], cells: Sequence[Sequence[str]], *, max_cell: int | None = MAX_CELL
) -> list[str]:
    """`text_table` of the cells given column by column (`cells[i]`: column i, one cell per row, at least
    one header). Each distinct cell of a column is escaped, measured and padded once, and the rows are made
    by looking them up: a listing repeats its labels and texts (a 100,000-row table at 10^6 triples,
    docs/performance.md)."""

    def cut(cell: str) -> tuple[str, int]:
        text = printable(cell)  # a line break or tab shows as \n or \t, never as a space
        text = text if max_cell is None else fit(text, max_cell)
        return text, columns(text)

    shown = [{cell: cut(cell) for cell in set(column)} for column in cells]
    widths = [
        max([columns(header), *(width for _, width in made.values())])
        for header, made in zip(headers, shown, strict=True)
    ]
    last = len(headers) - 1  # not padded: the line's end is stripped of spaces anyway
    padded = [
        {cell: text + " " * (widths[i] - width) if i < last else text for cell, (text, width) in made.items()}
        for i, made in enumerate(shown)
    ]
    body = [list(map(made.__getitem__, column)) for made, column in zip(padded, cells, strict=True)]
    head = [header + " " * (width - columns(header)) for header, width in zip(headers, widths, strict=True)]
    rule = ["-" * width for width in widths]
    return list(map(str.rstrip, map("  ".join, (head, rule, *zip(*body, strict=True)))))


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """Lines of a GitHub-flavoured Markdown table; `|`, line breaks and control characters in cells are
    escaped."""

    def cell(text: str) -> str:
        return printable(text).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def write_answer(
    answer: Answer,
    fmt: OutputFormat | None,
    out: TextIO,
    *,
    store: Store | Mapping[str, str],
    raw: bool = False,
    where: str = "query",
    max_cell: int | None = MAX_CELL,
) -> None:
    """Write `answer` to `out` in `fmt` (None: table for solutions and ASK, Turtle for triples); table
    cells cut at `max_cell` characters (None: never); labels from `store`, or from a label table in its
    place (query.labels.labels)."""
    if answer.kind == "graph":
        fmt = fmt or "ttl"
        if fmt not in GRAPH_FORMATS:
            raise UsageError(
                f"{where}: a CONSTRUCT/DESCRIBE answer is written as {', '.join(GRAPH_FORMATS)}, not {fmt}"
            )
        out.write(_graph_text(answer.triples, fmt))
        return
    fmt = fmt or "table"
    if fmt not in SOLUTION_FORMATS:
        kind = answer.kind.upper()
        raise UsageError(f"{where}: a {kind} answer is written as {', '.join(SOLUTION_FORMATS)}, not {fmt}")
    if answer.kind == "ask":
        out.write(
            (_w3c_boolean(answer.boolean, fmt) if fmt in W3C_RESULTS else _yes_no(answer.boolean)) + "\n"
        )
    elif fmt in W3C_RESULTS:
        solutions = solutions_of(answer)
        assert solutions is not None
        out.write((solutions.serialize(format=W3C_RESULTS[fmt]) or b"").decode("utf-8"))
        out.write("\n" if fmt in ("json", "xml") else "")  # Oxigraph ends CSV and TSV with a newline
    else:
        out.write("\n".join(_for_people(answer, fmt, store, raw, max_cell)) + "\n")


def _graph_text(triples: Sequence[Triple], fmt: str) -> str:
    """Triples in an RDF syntax: Turtle and RDF/XML with the curated prefixes used, JSON-LD, N-Triples."""
    from alaska_kg.turtle import turtle, used_prefixes  # only for CONSTRUCT and DESCRIBE answers

    if fmt == "ttl":
        return turtle(triples)
    if fmt == "jsonld":
        from alaska_kg.jsonld import to_jsonld  # json: only for this format, off a cold table's path

        return to_jsonld(triples, PREFIXES)
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if fmt == "xml":
        data = serialize(ordered, format=RdfFormat.RDF_XML, prefixes=used_prefixes(ordered))
    else:
        data = serialize(ordered, format=RdfFormat.N_TRIPLES)
    return (data or b"").decode("utf-8")


def _for_people(
    answer: Answer, fmt: str, store: Store | Mapping[str, str], raw: bool, max_cell: int | None
) -> list[str]:
    """The solutions as an aligned table or a Markdown table, IRIs by their labels unless `raw`."""
    rows = solution_rows(answer)
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in answer.variables]
    distinct = set().union(*by_column)  # a listing repeats its IRIs and texts: each is shown once
    names = None if raw else labels(store, iris_in(distinct))
    shown = {term: show(term, names) for term in distinct}
    if fmt == "md":
        return markdown_table(answer.variables, [[shown[term] for term in row] for row in rows])
    count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    footer = f"(the first {count}; more were left out, see --max-rows)" if answer.cut else f"({count})"
    if not answer.variables:
        return [*text_table((), rows, max_cell=max_cell), footer]
    cells = [list(map(shown.__getitem__, column)) for column in by_column]
    return [*column_table(answer.variables, cells, max_cell=max_cell), footer]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _w3c_boolean(value: bool, fmt: str) -> str:
    """SPARQL 1.1 Query Results JSON §3.2.3 and XML §2.3.2 for ASK; CSV/TSV define no boolean form:
    `true`/`false`."""
    if fmt == "json":
        return '{"head":{},"boolean":' + ("true" if value else "false") + "}"
    if fmt == "xml":
        return (
            '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head></head>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>"
        )
    return "true" if value else "false"


__all__ = [
    "GRAPH_FORMATS",
    "MACHINE_FORMATS",
    "MAX_CELL",
    "OUTPUT_FORMATS",
    "SOLUTION_FORMATS",
    "OutputFormat",
    "column_table",
    "markdown_table",
    "text_table",
    "write_answer",
]
