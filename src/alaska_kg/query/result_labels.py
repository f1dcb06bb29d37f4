"""`query --labels`: the machine formats (csv, tsv, json, xml) with a label column beside each IRI column.

A table shows labels in place of IRIs; the W3C formats keep the IRIs exact, which is what a program wants
but not what a person reading the CSV in a spreadsheet can use. `--labels` keeps every column as it was and
adds, right after each column that holds an IRI in some row, a column `NAME_label` with that IRI's
rdfs:label (query.labels: English, then untagged, then any), empty where there is none. The answer is
rebuilt as SPARQL 1.1 Query Results TSV (lossless: terms in Turtle syntax) and read back by Oxigraph's
parser, so the documents written are the same serializer's, only wider.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, QueryResultsFormat, Store, Triple, parse_query_results

from alaska_kg.query.labels import labels
from alaska_kg.query.run import Answer, solution_rows

TYPE_CHECKING = False  # typing is not imported on the query path
if TYPE_CHECKING:
    from collections.abc import Mapping

LABEL_SUFFIX = "_label"


def _term(term: object) -> str:
    """A term as SPARQL Results TSV writes it (Turtle syntax; `<<( s p o )>>` for a triple term)."""
    if term is None:
        return ""
    if isinstance(term, Triple):
        return f"<<( {_term(term.subject)} {_term(term.predicate)} {_term(term.object)} )>>"
    return str(term)


def _label_name(column: str, taken: set[str]) -> str:
    """`column_label`, or `column_label2`, … if the query already has a variable of that name."""
    name, n = column + LABEL_SUFFIX, 1
    while name in taken:
        n += 1
        name = f"{column}{LABEL_SUFFIX}{n}"
    taken.add(name)
    return name


def with_labels(answer: Answer, store: Store | Mapping[str, str]) -> Answer:
    """`answer` (SELECT) with a label column after each column holding an IRI; other answers unchanged."""
    if answer.kind != "select" or (answer.solutions is None and answer.rows is None):
        return answer
    rows = solution_rows(answer)
    iri_columns = [i for i in range(len(answer.variables)) if any(isinstance(r[i], NamedNode) for r in rows)]
    names = labels(store, {r[i].value for r in rows for i in iri_columns if isinstance(r[i], NamedNode)})
    taken = set(answer.variables)
    header: list[str] = []
    extra: dict[int, str] = {}
    for i, column in enumerate(answer.variables):
        header.append(column)
        if i in iri_columns:
            extra[i] = _label_name(column, taken)
            header.append(extra[i])
    lines = ["\t".join(f"?{name}" for name in header)]
    for row in rows:
        cells: list[str] = []
        for i, term in enumerate(row):
            cells.append(_term(term))
            if i in extra:
                label = names.get(term.value) if isinstance(term, NamedNode) else None
                cells.append(str(Literal(label)) if label is not None else "")
        lines.append("\t".join(cells))
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    solutions = parse_query_results(tsv, format=QueryResultsFormat.TSV)
    return answer._replace(variables=tuple(header), solutions=solutions, rows=None)


__all__ = ["LABEL_SUFFIX", "with_labels"]
