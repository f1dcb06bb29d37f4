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
from alaska_kg.errors import QueryHeaderError, QuerySyntaxError, UsageError
from alaska_kg.guard import check_query

AnswerKind = Literal["select", "ask", "graph"]
_ERROR_AT = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
MAX_REASON = 200


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
    if len(reason) > MAX_REASON:
        reason = reason[:MAX_REASON] + "…"
    return QuerySyntaxError(f"{where}: SPARQL syntax error: {reason}")


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
    return Answer("graph", triples=tuple(result))


__all__ = ["Answer", "AnswerKind", "run_query", "syntax_error"]
