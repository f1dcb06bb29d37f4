"""Run one SPARQL query against the loaded dataset: guard it, bind its parameters, report errors by line.

SPARQL 1.1 Query §16 forms: SELECT and ASK answer with solutions or a boolean, CONSTRUCT and DESCRIBE
with triples. The default graph is the merge of the named graphs chosen by `--graph` (§13.2), unless the
query names its own dataset with FROM, which then wins.
"""

from __future__ import annotations

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, Triple, Variable, parse_query_results

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
from alaska_kg.lazyregex import LazyRegex
from alaska_kg.namespaces import PREFIXES
from alaska_kg.query.catalog import QuerySource
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.query.guard import check_query
from alaska_kg.records import Record

TYPE_CHECKING = False  # typing is not imported on the query path (~2.5 ms): its names only for checkers
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Literal, TypeVar

    from alaska_kg.query.dataset import GraphSelection
    from alaska_kg.query.python_order import OrderPlan

    AnswerKind = Literal["select", "ask", "graph"]
    _T = TypeVar("_T")
else:
    AnswerKind = str
_ERROR_AT = LazyRegex(r"(?s)error at (\d+):(\d+):\s*(.*)")
MAX_REASON = 200
DEFAULT_MAX_ROWS = 100_000  # solutions or triples of one answer; a table of more is for no one to read
# what may stand before a prefixed name, and the IRIs and strings blanked out before looking for one
_PNAME_END = LazyRegex(r"(?<![\w?$:\-.])([A-Za-z][\w.-]*)?:[\w.:%\\-]*\Z")
_OPAQUE = LazyRegex(r"""<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
_SERVICE_STATUS = LazyRegex(r"Error (\d{3}) ")
_SERVICE_REDIRECTED = "requested too many redirects"  # Oxigraph's text for a 3xx answer
_SERVICE_NOT_UTF8 = "did not contain valid UTF-8"  # Oxigraph's text for an error body it cannot decode


class Answer(Record):
    """What a query returned: solutions (SELECT, read once), a boolean (ASK) or triples (CONSTRUCT).

    `cut`: more solutions or triples came than the caller's cap (`max_rows`); only the first ones are here.
    `rows`: a SELECT's solutions once read (`bounded`), one tuple of terms per solution in the order of
    `variables` (None: unbound), with `solutions` None; read them with `solution_rows`, `solutions_of`.
    """

    __slots__ = ()
    _fields = ("kind", "variables", "solutions", "boolean", "triples", "cut", "rows")
    _defaults = ((), None, False, (), False, None)
    kind: AnswerKind
    variables: tuple[str, ...]
    solutions: QuerySolutions | None
    boolean: bool
    triples: tuple[Triple, ...]
    cut: bool
    rows: list[tuple[object, ...]] | None


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


def service_error(query: QuerySource, exc: OSError, *, echo: bool = True) -> AlaskaKgError:
    """A SERVICE call that failed, in one line: 4xx or redirected → 31, 5xx (or an error body that is not
    UTF-8) → 32, no answer → 30 (like `--endpoint`). `echo` False (a server): only the remote status is
    said, never what the remote host answered (the server would relay replies from hosts only it reaches)."""
    text = str(exc)
    head, _, payload = text.partition(" with payload:")
    status = _SERVICE_STATUS.search(head)
    detail = one_line(payload)
    detail = detail if len(detail) <= MAX_REASON else detail[: MAX_REASON - 1] + "…"
    message = f"{query.where}: SERVICE failed: {one_line(head)}" + (f": {detail}" if detail else "")
    if not echo:
        said = f"answered HTTP {status[1]}" if status else "could not be reached, or its answer not read"
        message = f"{query.where}: SERVICE failed: the remote endpoint {said}"
    if status is None:
        if _SERVICE_REDIRECTED in head:  # Oxigraph follows no redirect: "too many redirects (1)"
            return EndpointRefused(message)
        if _SERVICE_NOT_UTF8 in head:  # only an error answer's body is read as text (measured: a 500)
            return EndpointFailed(message)
        return EndpointUnreachable(message)
    return EndpointFailed(message) if int(status[1]) >= 500 else EndpointRefused(message)


def execute(
    dataset: OpenDataset,
    query: QuerySource,
    *,
    default_graph: list | None,
    named_graphs: list | None = None,
    base_iri: str | None = None,
    substitutions: Mapping[Variable, object] | None = None,
    prefixes: Mapping[str, str] | None = None,
    echo: bool = True,
) -> object:
    """Oxigraph's evaluation of a query the guard has passed, its errors in our one-line terms (shared by
    the command line and the endpoint; `echo`: see `service_error`)."""
    union = default_graph is not None and dataset.spans_the_store(default_graph)
    try:
        return dataset.store.query(
            query.text,
            base_iri=base_iri,
            use_default_graph_as_union=union,
            default_graph=None if union else default_graph,
            named_graphs=named_graphs,
            substitutions=dict(substitutions or {}),
            prefixes=dict(prefixes) if prefixes else None,
        )
    except SyntaxError as exc:
        raise syntax_error(query, exc) from None
    except OSError as exc:  # only SERVICE (allowed) does I/O while a query runs
        if type(exc) is not OSError:
            raise
        raise service_error(query, exc, echo=echo) from None
    except RuntimeError as exc:  # Oxigraph refuses to substitute a variable a SELECT does not project
        if substitutions and "projection" in str(exc):
            raise QueryHeaderError(
                f"{query.where}: query header: a parameter of a SELECT query must be a "
                f"projected variable ({exc})"
            ) from None
        raise


def projected(query: QuerySource, solutions: QuerySolutions, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The variables a SELECT projects, checked against the `columns` its header promises; `extra`: the last
    ones, projected only for the Python order (python_order.widened), left out."""
    variables = tuple(v.value for v in solutions.variables)
    if extra and variables[len(variables) - len(extra) :] == extra:
        variables = variables[: len(variables) - len(extra)]
    columns = query.header.columns
    if columns and columns != variables:
        raise QueryHeaderError(
            f"{query.where}: query header: columns [{', '.join(columns)}] do not match the projection "
            f"[{', '.join(variables)}]"
        )
    return variables


def run_query(
    dataset: OpenDataset,
    query: QuerySource,
    *,
    graph: GraphSelection | None = None,
    substitutions: Mapping[Variable, object] | None = None,
    allow_service: bool = False,
    prefixes: Mapping[str, str] | None = None,
    max_rows: int | None = None,
) -> Answer:
    """Run `query`; `graph` None means "all" unless the query has FROM. `prefixes`: extra default prefixes.

    With `max_rows`, the answer holds at most that many solutions or triples (see `bounded`); without, the
    solutions of a SELECT are left for the caller to read, which is when Oxigraph evaluates most queries.
    """
    own_dataset = check_query(query.text, query.where, allow_service=allow_service, prefixes=prefixes)
    if own_dataset and graph is not None:
        raise UsageError(f"{query.where}: the query names its graphs with FROM; --graph does not apply to it")
    default_graph = None if own_dataset else dataset.graphs(graph or "all")

    def evaluate(source: QuerySource) -> object:
        return execute(
            dataset, source, default_graph=default_graph, substitutions=substitutions, prefixes=prefixes
        )

    # on the on-disk store, a final ORDER BY may be done in Python (query.python_order)
    plan = None
    if dataset.on_disk and max_rows is not None:
        from alaska_kg.query.python_order import order_plan, widened

        plan = order_plan(query.text)
        plan = plan if plan is None else widened(plan)
    result = evaluate(query if plan is None else query._replace(text=plan.unordered))
    if plan is not None and not isinstance(result, QuerySolutions):  # a SELECT's order only: as written
        plan = None
        result = evaluate(query)
    columns = query.header.columns
    if isinstance(result, QuerySolutions):
        variables = projected(query, result, plan.extra if plan is not None else ())
        try:
            if plan is not None:  # sorted in Python, or else by the engine after all
                ordered = _ordered(plan, result, len(variables))
                if ordered is not None:
                    rows, cut = _take(ordered, max_rows)
                    return Answer("select", variables=variables, rows=rows, cut=cut)
                result = evaluate(query)
            return bounded(Answer("select", variables=variables, solutions=result), max_rows)
        except OSError as exc:  # the solutions are computed as they are read, SERVICE calls with them
            if type(exc) is not OSError:
                raise
            raise service_error(query, exc) from None
    if columns:
        raise QueryHeaderError(f"{query.where}: query header: 'columns' is for SELECT queries only")
    if isinstance(result, QueryBoolean):
        return Answer("ask", boolean=bool(result))
    try:
        triples, cut = _take(result, max_rows)
    except OSError as exc:  # the triples are computed as they are read, SERVICE calls with them
        if type(exc) is not OSError:
            raise
        raise service_error(query, exc) from None
    return Answer("graph", triples=tuple(triples), cut=cut)


def _ordered(plan: OrderPlan, solutions: QuerySolutions, shown: int) -> list | None:
    """The unordered query's rows sorted in Python, cut to their first `shown` columns (`projected`: those
    before the variables projected only for the sort), or None (unread if not covered): the engine sorts."""
    from alaska_kg.query.python_order import sorted_rows

    names = tuple(v.value for v in solutions.variables)
    if not plan.covers(names):
        return None
    rows = sorted_rows(list(_rows(solutions, names)), names, plan.keys)
    if rows is None or shown == len(names):
        return rows
    return [row[:shown] for row in rows]


def bounded(answer: Answer, max_rows: int | None) -> Answer:
    """`answer` with at most `max_rows` solutions or triples (None: all of them), `cut` if some were left.

    The solutions are read here into `rows`, tuples of terms: a table is made from them as they are, and
    the CSV, TSV and JSON of a cut answer from `solutions_of`, so those are complete documents, written by
    the same serializer as an uncut one. (Rows were once handed on re-parsed from TSV text: 0.7 s of a
    67,686-row table at 10^6 triples, docs/performance.md.)
    """
    if answer.kind == "graph":
        if max_rows is None or len(answer.triples) <= max_rows:
            return answer
        return answer._replace(triples=answer.triples[:max_rows], cut=True)
    if answer.kind != "select" or max_rows is None or answer.solutions is None:
        return answer
    rows, cut = _take(_rows(answer.solutions, answer.variables), max_rows)
    return answer._replace(solutions=None, rows=rows, cut=cut)


def _rows(solutions: Iterable, names: tuple[str, ...]) -> Iterable[tuple[object, ...]]:
    """The solutions, as they are read, as tuples of terms in the order of `names`: each made by iterating
    the solution when the engine's order of the variables is that one (one call, not one per term)."""
    engine_order = getattr(solutions, "variables", None)  # (solutions given as a list: in the query's order)
    if engine_order is None or tuple(v.value for v in engine_order) == names:
        return map(tuple, solutions)
    return (tuple(solution[name] for name in names) for solution in solutions)


def solution_rows(answer: Answer) -> list[tuple[object, ...]]:
    """A SELECT answer's solutions as tuples of terms in the order of its `variables` (None: unbound);
    solutions not read yet are read now (once: Oxigraph's solutions are an iterator)."""
    if answer.rows is not None:
        return answer.rows
    if answer.solutions is None:
        return []
    return list(_rows(answer.solutions, answer.variables))


def solutions_of(answer: Answer) -> QuerySolutions | None:
    """A SELECT answer's solutions for Oxigraph's serializers: those read into `rows` are rebuilt by its
    parser of SPARQL 1.1 Query Results TSV (§3, terms in Turtle syntax, lossless)."""
    if answer.rows is None:
        return answer.solutions
    lines = ["\t".join(f"?{name}" for name in answer.variables)]
    lines += ["\t".join(_tsv_term(term) for term in row) for row in answer.rows]
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    return parse_query_results(tsv, format=QueryResultsFormat.TSV)


def _take(items: Iterable[_T], limit: int | None) -> tuple[list[_T], bool]:
    """The first `limit` items (None: all) and whether there were more: reads at most one item too many."""
    if limit is None:
        return list(items), False
    from itertools import islice  # (a built-in module: no import cost on the query path)

    taken = list(islice(items, limit + 1))
    return taken[:limit], len(taken) > limit


def _tsv_term(term: object) -> str:
    """A term as SPARQL Results TSV writes it: Turtle syntax, `<<( s p o )>>` for a triple term."""
    if term is None:
        return ""
    if isinstance(term, Triple):
        return f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} )>>"
    return str(term)


__all__ = [
    "DEFAULT_MAX_ROWS",
    "Answer",
    "AnswerKind",
    "bounded",
    "run_query",
    "service_error",
    "solution_rows",
    "solutions_of",
    "syntax_error",
]
