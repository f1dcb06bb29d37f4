"""The pictures' queries: SPARQL files shipped beside this module, run over the dataset, rows as text.

The queries belong to the drawings (the code reads their columns), so they ship with the package rather
than with the sources in queries/, which a user may edit or replace with --root. They are ordinary `.rq`
files with a `#+` header (alaska_kg.query.header), runnable as they are with `alaska-kg query FILE.rq`.
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode

from alaska_kg.query.catalog import read_query
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.query.labels import labels
from alaska_kg.query.run import DEFAULT_MAX_ROWS, run_query, solution_rows

QUERIES_DIR = Path(__file__).resolve().parent

Row = dict[str, str | None]


def query_path(name: str) -> Path:
    """The file of the pictures' query `name` (`timeline`, `network`)."""
    return QUERIES_DIR / f"{name}.rq"


def select(dataset: OpenDataset, name: str) -> list[Row]:
    """The rows of the pictures' query `name` over the union of the dataset's graphs (as `alaska-kg query`
    runs it), each term as its lexical value (an IRI as the IRI, a literal as its text), None if unbound."""
    query = read_query(query_path(name), name, require_header=True)
    answer = run_query(dataset, query, max_rows=DEFAULT_MAX_ROWS)
    if answer.kind != "select":
        raise AssertionError(f"{query.where}: a picture's query must be a SELECT")  # a bug, not bad input
    names = answer.variables
    rows = solution_rows(answer)
    return [{name: _value(term) for name, term in zip(names, row, strict=True)} for row in rows]


def names(dataset: OpenDataset, iris: set[str]) -> dict[str, str]:
    """A label for each IRI: its preferred rdfs:label, else the last segment of the IRI."""
    found = labels(dataset.store, iris)
    return {iri: found.get(iri) or _tail(iri) for iri in iris}


def _tail(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def _value(term: object) -> str | None:
    if isinstance(term, (NamedNode, Literal)):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return None


__all__ = ["QUERIES_DIR", "Row", "names", "query_path", "select"]
