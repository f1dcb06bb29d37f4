"""Integrity checks: the queries in queries/checks/ must return no rows (the ODK's *-violation queries).

They catch what a SHACL shape of one node cannot see: a quote its sentences do not contain, a sentence
nothing cites, an order in time contradicted by dates. `alaska-kg validate` and `alaska-kg build` run them
over the asserted sources (ontology and data files), loaded into Oxigraph, each after the same guard as a
user query (`query.guard`: no SERVICE, no update, FROM only on the dataset's graphs): a check file is
text from a contributor, and `SERVICE` in it would call out during every build.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, QuerySolutions, RdfFormat, Store

from alaska_kg.errors import SourceSyntaxError
from alaska_kg.namespaces import shorten
from alaska_kg.paths import Layout
from alaska_kg.query.catalog import QuerySource, find_query, query_ids
from alaska_kg.query.deadline import DEFAULT_TIMEOUT, run_with_deadline
from alaska_kg.query.guard import check_query


# A named tuple, not a dataclass: the build imports neither dataclasses (with inspect and ast: ~6 ms)
# nor typing (issue 12; as alaska_kg.paths does).
class CheckFailure(namedtuple("CheckFailure", ("name", "summary", "columns", "rows"))):
    """A check that returned rows: its name (`checks/NAME`), what it looks for, and the offending rows."""

    __slots__ = ()
    name: str
    summary: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __str__(self) -> str:
        shown = "; ".join(", ".join(row) for row in self.rows[:5])
        more = f" (and {len(self.rows) - 5} more)" if len(self.rows) > 5 else ""
        return f"{self.name}: {self.summary}: {shown}{more}"


def _render(term: object) -> str:
    value = getattr(term, "value", None)
    if value is None:
        return ""
    return shorten(value) if type(term).__name__ == "NamedNode" else str(value)


def load_turtle_files(files: Iterable[Path]) -> Store:
    """The Turtle files in one in-memory store (default graph), as the checks see them."""
    store = Store()
    for path in files:
        try:
            store.load(path=str(path), format=RdfFormat.TURTLE)
        except SyntaxError as exc:
            raise SourceSyntaxError(path, None, None, str(exc)) from exc
    return store


def run_checks(
    layout: Layout,
    files: Iterable[Path] | None = None,
    *,
    extra: bytes | None = None,
    store: Store | None = None,
    graphs: Iterable[NamedNode] | None = None,
) -> tuple[CheckFailure, ...]:
    """Run every queries/checks/*.rq over `files` (default: the ontology and all data files) and the
    N-Triples `extra` (a data file the user names: build.validate_file); or, given a `store` (the build's,
    already parsed), over the union of its named `graphs` as the default graph."""
    default: list[NamedNode | DefaultGraph] | None = list(graphs) if graphs is not None else None
    if store is None:
        store = load_turtle_files(files if files is not None else (layout.ontology_file, *layout.data_files))
        if extra:
            store.load(extra, format=RdfFormat.N_TRIPLES)
    failures = []
    for name in query_ids(layout, checks=True):
        query = find_query(layout, name)
        check_query(query.text, query.where)
        variables, rows = _evaluate(store, query, name, default)
        if rows:
            failures.append(CheckFailure(name, query.header.summary, variables, rows))
    return tuple(failures)


def _evaluate(
    store: Store, query: QuerySource, name: str, default: list[NamedNode | DefaultGraph] | None = None
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A check's columns and rendered rows, evaluated where a deadline and Ctrl-C can stop it."""

    def work() -> tuple[int, bytes]:
        result = (
            store.query(query.text) if default is None else store.query(query.text, default_graph=default)
        )
        if not isinstance(result, QuerySolutions):
            return 1, b""
        variables = [v.value for v in result.variables]
        rows = [[_render(solution[v]) for v in variables] for solution in result]
        return 0, json.dumps([variables, rows]).encode("utf-8")

    status, payload = run_with_deadline(
        work,
        timeout=DEFAULT_TIMEOUT,
        what=name,  # already `checks/NAME`
        hint="a check must be quicker",
        isolation="thread",
    )
    if status:
        raise SourceSyntaxError(query.path or Path(name), None, None, "a check must be a SELECT query")
    variables, rows = json.loads(payload)
    return tuple(variables), tuple(tuple(row) for row in rows)


__all__ = ["CheckFailure", "load_turtle_files", "run_checks"]
