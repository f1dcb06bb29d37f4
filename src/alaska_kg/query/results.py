"""Write a query's answer as text: aligned table, W3C CSV/TSV/JSON results, Markdown, Turtle or JSON-LD.

SELECT: `table` (default; labels in place of IRIs, long cells cut) and `md` are for people, their control
characters escaped (display.printable); `csv`, `tsv` and `json` are the SPARQL 1.1 Query Results formats
(W3C CSV/TSV, JSON), written by Oxigraph, exact.
ASK: yes/no (or the W3C formats). CONSTRUCT/DESCRIBE: Turtle with the curated prefixes it uses, or JSON-LD.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, TextIO, get_args

from pyoxigraph import (
    QueryResultsFormat,
    Store,
)

from alaska_kg.display import printable
from alaska_kg.errors import UsageError
from alaska_kg.jsonld import to_jsonld
from alaska_kg.namespaces import PREFIXES
from alaska_kg.query.labels import iris_in, labels, show
from alaska_kg.query.run import Answer
from alaska_kg.turtle import turtle

OutputFormat = Literal["table", "csv", "tsv", "json", "md", "ttl", "jsonld"]
OUTPUT_FORMATS: tuple[str, ...] = get_args(OutputFormat)
SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "md")
GRAPH_FORMATS = ("ttl", "jsonld")
W3C_RESULTS = {"csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV, "json": QueryResultsFormat.JSON}
MAX_CELL = 60  # characters of a table cell; csv, tsv, json and md keep every character


def text_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, max_cell: int = MAX_CELL
) -> list[str]:
    """Lines of a left-aligned table with a dashed rule under the header; cells cut at `max_cell`, their
    control characters escaped (display.printable)."""

    def cut(cell: str) -> str:
        cell = printable(cell)  # a line break or tab shows as \n or \t, never as a space
        return cell if len(cell) <= max_cell else cell[: max_cell - 1] + "…"

    body = [[cut(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in body)]


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
    store: Store,
    raw: bool = False,
    where: str = "query",
) -> None:
    """Write `answer` to `out` in `fmt` (None: table for solutions and ASK, Turtle for triples)."""
    if answer.kind == "graph":
        fmt = fmt or "ttl"
        if fmt not in GRAPH_FORMATS:
            raise UsageError(f"{where}: a CONSTRUCT/DESCRIBE answer is written as ttl or jsonld, not {fmt}")
        out.write(turtle(answer.triples) if fmt == "ttl" else to_jsonld(answer.triples, PREFIXES))
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
        assert answer.solutions is not None
        out.write((answer.solutions.serialize(format=W3C_RESULTS[fmt]) or b"").decode("utf-8"))
        out.write("\n" if fmt == "json" else "")  # Oxigraph ends CSV and TSV with a newline, not JSON
    else:
        out.write("\n".join(_for_people(answer, fmt, store, raw)) + "\n")


def _for_people(answer: Answer, fmt: str, store: Store, raw: bool) -> list[str]:
    """The solutions as an aligned table or a Markdown table, IRIs by their labels unless `raw`."""
    assert answer.solutions is not None
    rows = [tuple(solution[v] for v in answer.variables) for solution in answer.solutions]
    names = None if raw else labels(store, iris_in(t for row in rows for t in row))
    cells = [[show(term, names) for term in row] for row in rows]
    if fmt == "md":
        return markdown_table(answer.variables, cells)
    count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    footer = f"(the first {count}; more were left out, see --max-rows)" if answer.cut else f"({count})"
    return [*text_table(answer.variables, cells), footer]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _w3c_boolean(value: bool, fmt: str) -> str:
    """SPARQL 1.1 Query Results JSON §3.2.3 for ASK; CSV/TSV define no boolean form: `true`/`false`."""
    if fmt == "json":
        return '{"head":{},"boolean":' + ("true" if value else "false") + "}"
    return "true" if value else "false"


__all__ = [
    "GRAPH_FORMATS",
    "OUTPUT_FORMATS",
    "SOLUTION_FORMATS",
    "OutputFormat",
    "markdown_table",
    "text_table",
    "write_answer",
]
