"""Run one SPARQL query against the loaded dataset: guard it, bind its parameters, report errors by line.

SPARQL 1.1 Query §16 forms: SELECT and ASK answer with solutions or a boolean, CONSTRUCT and DESCRIBE
with triples. The default graph is the merge of the named graphs chosen by `--graph` (§13.2), unless the
query names its own dataset with FROM, which then wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pyoxigraph import QueryBoolean, QuerySolutions, Triple, Variable

from alaska_kg.catalog import QuerySource
from alaska_kg.dataset import GraphSelection, OpenDataset
from alaska_kg.display import one_line
from alaska_kg.errors import (
    AlaskaKgError,
    EndpointFailed,
    EndpointRefused,
    EndpointUnreachable,
    QueryHeaderError,
    QuerySyntaxError,
    UsageError,
)
from alaska_kg.guard import check_query
from alaska_kg.namespaces import PREFIXES

AnswerKind = Literal["select", "ask", "graph"]
_ERROR_AT = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
MAX_REASON = 200
# what may stand before a prefixed name, and the IRIs and strings blanked out before looking for one
_PNAME_END = re.compile(r"(?<![\w?$:\-.])([A-Za-z][\w.-]*)?:[\w.:%\\-]*\Z")
_OPAQUE = re.compile(r"""<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
_SERVICE_STATUS = re.compile(r"Error (\d{3}) ")


@dataclass(frozen=True)
class Answer:
    """What a query returned: solutions (SELECT, read once), a boolean (ASK) or triples (CONSTRUCT)."""

    kind: AnswerKind
    variables: tuple[str, ...] = ()
    solutions: QuerySolutions | None = None
    boolean: bool = False
    triples: tuple[Triple, ...] = ()


def syntax_error(query: QuerySource, exc: SyntaxError) -> QuerySyntaxError:
    """QuerySyntaxError naming the query and the line:column the parser reports, in one line."""
    message = str(exc)
    match = _ERROR_AT.match(message)
    where = f"{query.where}:{match[1]}:{match[2]}" if match else query.where
    reason = " ".join((match[3] if match else message).split())
    if match and "Prefix not found" in reason:
        prefix = _prefix_before(query.text, int(match[1]), int(match[2]))
        if prefix is not None:
            known = f"; predeclared: {', '.join(PREFIXES)}" if query.id == "--sparql" else ""
            return QuerySyntaxError(
                f"{where}: SPARQL syntax error: unknown prefix {prefix + ':'!r} "
                f"(declare it with PREFIX {prefix}: <…>{known})"
            )
    if len(reason) > MAX_REASON:
        reason = reason[:MAX_REASON] + "…"
    return QuerySyntaxError(f"{where}: SPARQL syntax error: {reason}")


def _prefix_before(text: str, line: int, column: int) -> str | None:
    """The prefix of the prefixed name that ends where the parser stopped (line, column: 1-based), for an
    error that says only "Prefix not found"; None if no prefixed name ends there."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    before = _OPAQUE.sub(lambda m: " " * len(m.group()), lines[line - 1][: max(column - 1, 0)])
    found = _PNAME_END.search(before.rstrip())
    return (found[1] or "") if found else None


def service_error(query: QuerySource, exc: OSError) -> AlaskaKgError:
    """A SERVICE call that failed, in one line: 4xx → 31, 5xx → 32, no answer → 30 (like `--endpoint`)."""
    text = str(exc)
    head, _, payload = text.partition(" with payload:")
    status = _SERVICE_STATUS.search(head)
    detail = one_line(payload)
    detail = detail if len(detail) <= MAX_REASON else detail[: MAX_REASON - 1] + "…"
    message = f"{query.where}: SERVICE failed: {one_line(head)}" + (f": {detail}" if detail else "")
    if status is None:
        return EndpointUnreachable(message)
    return EndpointFailed(message) if int(status[1]) >= 500 else EndpointRefused(message)


def run_query(
    dataset: OpenDataset,
    query: QuerySource,
    *,
    graph: GraphSelection | None = None,
    substitutions: Mapping[Variable, object] | None = None,
    allow_service: bool = False,
    prefixes: Mapping[str, str] | None = None,
) -> Answer:
    """Run `query`; `graph` None means "all" unless the query has FROM. `prefixes`: extra default prefixes."""
    own_dataset = check_query(query.text, query.where, allow_service=allow_service, prefixes=prefixes)
    if own_dataset and graph is not None:
        raise UsageError(f"{query.where}: the query names its graphs with FROM; --graph does not apply to it")
    default_graph = None if own_dataset else dataset.graphs(graph or "all")
    try:
        result = dataset.store.query(
            query.text,
            default_graph=default_graph,
            substitutions=dict(substitutions or {}),
            prefixes=dict(prefixes) if prefixes else None,
        )
    except SyntaxError as exc:
        raise syntax_error(query, exc) from None
    except OSError as exc:  # only SERVICE (allowed) does I/O while a query runs
        if type(exc) is not OSError:
            raise
        raise service_error(query, exc) from None
    except RuntimeError as exc:  # Oxigraph refuses to substitute a variable a SELECT does not project
        if substitutions and "projection" in str(exc):
            raise QueryHeaderError(
                f"{query.where}: query header: a parameter of a SELECT query must be a "
                f"projected variable ({exc})"
            ) from None
        raise
    columns = query.header.columns
    if isinstance(result, QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        if columns and columns != variables:
            raise QueryHeaderError(
                f"{query.where}: query header: columns [{', '.join(columns)}] do not match the projection "
                f"[{', '.join(variables)}]"
            )
        return Answer("select", variables=variables, solutions=result)
    if columns:
        raise QueryHeaderError(f"{query.where}: query header: 'columns' is for SELECT queries only")
    if isinstance(result, QueryBoolean):
        return Answer("ask", boolean=bool(result))
    try:
        return Answer("graph", triples=tuple(result))
    except OSError as exc:  # the triples are computed as they are read, SERVICE calls with them
        if type(exc) is not OSError:
            raise
        raise service_error(query, exc) from None


__all__ = ["Answer", "AnswerKind", "run_query", "service_error", "syntax_error"]
