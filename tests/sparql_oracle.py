"""What a SPARQL text holds, by a parser that is not ours: rdflib's SPARQL parser (pyparsing), and where it
fails, sparqlkit (a Lark grammar of SPARQL 1.1). The tests compare the guard's verdict with these, never
with the guard's own lexer.

The two read codepoint escapes differently, as engines do (see query.guard): rdflib replaces them in the
whole text before parsing (SPARQL 1.1 §19.2), sparqlkit reads them only inside IRIs and strings (as Oxigraph
does).
"""

from __future__ import annotations

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
    # sparqlkit's WS lacks CR (§19.8 [162] has it): read as a space, which moves no token boundary in the
    # texts given here (no comment of theirs ends at a lone CR)
    tree = (sparqlkit.parse_update if update else sparqlkit.parse_query)(text.replace("\r", " "))
    rules = [str(subtree.data) for subtree in tree.iter_subtrees()]
    operations = rules.count("update1") if update else 0
    return Reading(
        "sparqlkit",
        rules.count("service_graph_pattern"),
        rules.count("dataset_clause"),
        operations,
    )


def read(
    text: str, *, update: bool = False, readers: tuple[Reader, ...] = ("rdflib", "sparqlkit")
) -> Reading | None:
    """The reading of `text` by the first of `readers` that parses it; None if none does. (rdflib fails on
    some valid text: `"\\'"` in a double-quoted string, an IRI ending in `#` before SERVICE, nested
    SERVICE; sparqlkit is slower, and takes no CR for whitespace.)"""
    parsers = {"rdflib": _rdflib, "sparqlkit": _sparqlkit}
    for reader in readers:
        try:
            return parsers[reader](text, update)
        except Exception:  # each parser has its own error classes (and RecursionError)
            continue
    return None
