"""Render docs/queries.md from the query headers, with an example run of each query on the built dataset.

One source of truth: the headers in queries/*.rq. A test regenerates the page and fails when the file in
docs/ is out of date; `python -m alaska_kg.cli.query_docs` rewrites it.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

from alaska_kg.paths import Layout, ensure_writable, locate
from alaska_kg.query.catalog import QuerySource, canned_queries, find_query, query_ids

MAX_EXAMPLE_LINES = 14

_INTRO = """\
# The canned queries

Generated from the `#+ ` headers of `queries/*.rq` by `python -m alaska_kg.cli.query_docs`; do not edit by
hand (a test fails when this page is out of date). `alaska-kg queries` prints the same list; `alaska-kg query
NAME` runs one. Each example shows the first lines of the default, labelled table.

| query | summary | parameters |
|---|---|---|
"""


def _example_command(query: QuerySource) -> list[str]:
    argv = ["query", query.id]
    for param in query.header.params:
        if param.example:
            argv += ["--param", f"{param.name}={param.example}"]
    return argv


def _run(argv: list[str], dataset: Path) -> str:
    from alaska_kg.cli.app import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
        main([*argv, "--dataset", str(dataset)])
    lines = buffer.getvalue().rstrip("\n").splitlines()
    if len(lines) > MAX_EXAMPLE_LINES:
        count = [lines[-1]] if lines[-1].startswith("(") else []  # the table's "(N rows)"
        lines = [*lines[:MAX_EXAMPLE_LINES], "…", *count]
    return "\n".join(lines)


def _section(query: QuerySource, dataset: Path) -> str:
    header = query.header
    parts = [f"## `{query.id}`\n", f"**{header.summary}**\n", header.description.strip() + "\n"]
    if header.tags:
        parts.append("Tags: " + ", ".join(f"`{t}`" for t in header.tags) + ".\n")
    if header.params:
        parts.append("| parameter | type | example | meaning |\n|---|---|---|---|")
        for p in header.params:
            parts.append(f"| `{p.name}` | {p.type} | `{p.example}` | {p.description} |")
        parts.append("Leave a parameter out to widen the query to every value.\n")
    argv = _example_command(query)
    if query.federated:
        parts.append(
            "```console\n$ alaska-kg " + " ".join([*argv, "--allow-service"]) + "\n```\n\n"
            "It asks the Wikidata Query Service, so it runs only with `--allow-service` and needs the"
            " network; no example output is kept here.\n"
        )
    else:
        parts.append("```console\n$ alaska-kg " + " ".join(argv) + "\n" + _run(argv, dataset) + "\n```\n")
    return "\n".join(parts)


def render_query_docs(layout: Layout, dataset: Path) -> str:
    """The whole page: an index, one section per canned query, then the integrity checks."""
    queries = canned_queries(layout)
    index = [
        f"| [`{q.id}`](#{q.id}) | {q.header.summary} | "
        + ", ".join(f"`{p.name}` ({p.type})" for p in q.header.params)
        + " |"
        for q in queries
    ]
    checks = [find_query(layout, name) for name in query_ids(layout, checks=True)]
    check_lines = [
        "## Integrity checks (`queries/checks/`)\n",
        "Each must return no rows; `alaska-kg validate` and `alaska-kg build` run them all.\n",
        "| check | looks for |\n|---|---|",
        *(f"| `{c.id}` | {c.header.summary} |" for c in checks),
    ]
    sections = [_section(q, dataset) for q in queries]
    return _INTRO + "\n".join(index) + "\n\n" + "\n".join(sections) + "\n" + "\n".join(check_lines) + "\n"


def main() -> int:
    from alaska_kg.build.pipeline import ensure_dataset

    layout = locate(None)
    ensure_writable(layout, "docs/queries.md")
    target = layout.root / "docs" / "queries.md"
    target.write_text(render_query_docs(layout, ensure_dataset(layout)), encoding="utf-8")
    sys.stderr.write(f"wrote {target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
