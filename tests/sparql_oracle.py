"""What a SPARQL text holds, by a parser that is not ours: rdflib's SPARQL parser (pyparsing), and where it
fails, sparqlkit (a Lark grammar of SPARQL 1.1). The tests compare the guard's verdict with these, never
with the guard's own lexer.

The two read codepoint escapes differently, as engines do (see alaska_kg.guard): rdflib replaces them in the
whole text before parsing (SPARQL 1.1 §19.2), sparqlkit reads them only inside IRIs and strings (as Oxigraph
does).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Literal

import sparqlkit
from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

Reader = Literal["rdflib", "sparqlkit"]


@dataclass(frozen=True)
class Reading:
    """One parser's reading of a text: how many SERVICE clauses, FROM / FROM NAMED clauses and update
    operations it holds."""

    reader: Reader
    services: int
    froms: int
    operations: int


def _rdflib(text: str, update: bool) -> Reading:
    parsed = (parseUpdate if update else parseQuery)(text)
    names: list[str] = []
    stack: list[object] = [parsed]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            names.append(item.name)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    operations = len(parsed["request"]) if update and "request" in parsed else 0
    return Reading("rdflib", names.count("ServiceGraphPattern"), names.count("DatasetClause"), operations)


def _sparqlkit(text: str, update: bool) -> Reading:
    tree = (sparqlkit.parse_update if update else sparqlkit.parse_query)(text)
    rules = [str(subtree.data) for subtree in tree.iter_subtrees()]
    operations = rules.count("update1") if update else 0
    return Reading(
        "sparqlkit",
        rules.count("service_graph_pattern"),
        rules.count("dataset_clause"),
        operations,
    )


def read(text: str, *, update: bool = False, reader: Reader | None = None) -> Reading | None:
    """The reading of `text` by rdflib, or by sparqlkit where rdflib fails (or by `reader` only); None if
    neither parses it."""
    readers = (_rdflib, _sparqlkit) if reader is None else ((_rdflib,) if reader == "rdflib" else (_sparqlkit,))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20000))  # rdflib recurses deeply on nested SERVICE (W3C service03)
    try:
        for parse in readers:
            try:
                return parse(text, update)
            except Exception:  # each parser has its own error classes (and RecursionError)
                continue
        return None
    finally:
        sys.setrecursionlimit(limit)
