"""Refuse a SPARQL query that would reach outside the built dataset, before the engine sees it.

Oxigraph evaluates `SERVICE <iri> { … }` by calling the remote endpoint (SPARQL 1.1 Federated Query §3),
so a canned or user query could leak data to, or pull data from, the network. `FROM` / `FROM NAMED`
(SPARQL 1.1 Query §13.2) may only name the dataset's own graphs. Updates (`LOAD`, `INSERT`, …) need no
check here: the engine is only ever asked to run queries, and it rejects update syntax.

The check works on tokens, not on raw text, so `SERVICE` inside a comment, a string literal, an IRI, a
variable (`?service`) or a prefixed name (`ex:service`) does not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from alaska_kg.errors import ForbiddenQuery
from alaska_kg.namespaces import GRAPH_NAMES, graph_iri

DATASET_GRAPHS = frozenset(graph_iri(name) for name in GRAPH_NAMES)

# SPARQL 1.1 Query §19.8 terminals, coarsely: only what is needed to tell keywords from everything else.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w:%\\.-]*[\w:%-])?|_:[\w.-]*)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, line) for each token of `text`, comments and whitespace dropped."""
    line = 1
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield kind, match.group(), line
        line += match.group().count("\n")


def check_query(
    text: str, where: str, *, allow_service: bool = False, prefixes: Mapping[str, str] | None = None
) -> bool:
    """Raise ForbiddenQuery if `text` uses SERVICE (unless `allow_service`) or FROM with a foreign graph.

    `prefixes` are the default prefixes the engine will accept besides the query's own PREFIX lines.
    Returns whether the query names its own dataset (FROM / FROM NAMED, all of them the dataset's graphs).
    """
    declared = dict(prefixes or {})
    own_dataset = False
    toks = list(tokens(text))
    for i, (kind, value, line) in enumerate(toks):
        keyword = value.upper() if kind == "word" else ""
        if (
            keyword == "PREFIX"
            and i + 2 < len(toks)
            and toks[i + 1][0] == "pname"
            and toks[i + 2][0] == "iri"
        ):
            declared[toks[i + 1][1].rstrip(":")] = toks[i + 2][1][1:-1]
        elif keyword == "SERVICE" and not allow_service:
            reason = "SERVICE would query a remote endpoint; rerun with --allow-service to permit it"
            raise ForbiddenQuery(f"{where}:{line}: {reason}")
        elif keyword == "FROM":
            own_dataset = True
            j = i + 2 if i + 1 < len(toks) and toks[i + 1][1].upper() == "NAMED" else i + 1
            target_kind, target, _ = toks[j] if j < len(toks) else ("other", "", line)
            iri = target[1:-1] if target_kind == "iri" else None
            if target_kind == "pname" and ":" in target:
                prefix, _, local = target.partition(":")
                iri = declared[prefix] + local if prefix in declared else None
            if iri not in DATASET_GRAPHS:
                shown = ", ".join(f"<{g}>" for g in sorted(DATASET_GRAPHS))
                raise ForbiddenQuery(
                    f"{where}:{line}: FROM {target or '(nothing)'} is not a "
                    f"graph of the dataset; FROM may name only {shown}"
                )
    return own_dataset


__all__ = ["DATASET_GRAPHS", "check_query", "tokens"]
