"""The answers of the canned queries, kept by the build with a small dataset, read instead of evaluated.

Below the size at which the build writes an on-disk store (cache.STORE_MIN_QUADS: the bundled data), a
query parses the whole N-Quads file into memory before it runs, and that parse is most of a cold
`alaska-kg query` (9.5-16 ms of ~30; docs/performance.md, "Kept answers"). The build has the dataset in
memory already, so it evaluates each canned SELECT there as `alaska-kg query NAME` runs it (no parameter,
the default graphs) and keeps the answer in the cache entry; `alaska-kg query NAME` then reads the answer
and the label table (query.label_table) and loads no dataset at all. `--live` evaluates anyway. A large
dataset keeps none: at 10^6 triples their evaluation costs the build ~6 s of CPU, which put it over its
minute on two cores, while its queries open the on-disk store in milliseconds (measured in the docs).

An answer is SPARQL 1.1 Query Results TSV as Oxigraph writes it (§3: one solution per line, terms in
Turtle syntax, so no tab or line break inside a term), in a file named by the query's id and the SHA-256
of its text: an edited query, or the queries of another checkout, find no answer and are evaluated. The
files are listed in the entry's manifest like every output and checked as they are read
(cache.read_verified); one that fails its check is passed over and the query evaluated. Answers holding a
blank node are not kept (its label is the build's, not the store's), nor are those of queries that call
SERVICE or fail, nor answers to ASK, CONSTRUCT or DESCRIBE: those are evaluated as before, and so is a
query given a parameter's value (`--param`). tests/test_kept_answers.py holds every kept answer to the
evaluated one, byte for byte, in every output format.
"""

from __future__ import annotations

from pyoxigraph import QueryResultsFormat, parse_query_results

from alaska_kg.errors import CorruptOutput
from alaska_kg.sha256 import sha256

TYPE_CHECKING = False  # typing is not imported on the query path
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from alaska_kg.manifest import Manifest
    from alaska_kg.query.catalog import QuerySource
    from alaska_kg.query.dataset import OpenDataset
    from alaska_kg.query.run import Answer

ANSWER_PREFIX = "alaska-kg.answer."
ANSWER_SUFFIX = ".tsv"
# The build's writer of the kept answers, by the name of a file it does not write: it writes the answers
# (ANSWER_PREFIX…ANSWER_SUFFIX) beside it.
KEPT_ANSWERS = ANSWER_PREFIX + "s"


def answer_name(query: QuerySource) -> str:
    """The file that keeps `query`'s answer: its id and the SHA-256 of its text."""
    return f"{ANSWER_PREFIX}{query.id}.{sha256(query.text.encode('utf-8')).hexdigest()}{ANSWER_SUFFIX}"


def is_answer_name(name: str) -> bool:
    """Whether a file of a cache entry is a kept answer."""
    return name.startswith(ANSWER_PREFIX) and name.endswith(ANSWER_SUFFIX)


def evaluate_answers(dataset: OpenDataset, queries: Iterable[QuerySource]) -> Iterator[tuple[str, bytes]]:
    """(file name, SPARQL Results TSV) of each query in `queries` worth keeping (module docstring),
    evaluated on `dataset` (the build's store) as `alaska-kg query NAME` runs it. Oxigraph
    evaluates and writes each answer with the GIL released, so this may run in a thread beside the
    build's writers."""
    from pyoxigraph import QuerySolutions

    from alaska_kg.query.run import execute, projected, run_query

    for query in queries:
        if query.federated:
            continue
        try:
            if _plainly_local(query.text):  # nothing the guard could refuse that would reach out
                solutions = execute(dataset, query, default_graph=dataset.graphs("all"))
                if isinstance(solutions, QuerySolutions):
                    projected(query, solutions)  # its header's `columns`, checked as run_query does
            else:
                solutions = run_query(dataset, query).solutions
        except Exception:
            continue
        if not isinstance(solutions, QuerySolutions):  # ASK, CONSTRUCT, DESCRIBE
            continue
        data = solutions.serialize(format=QueryResultsFormat.TSV) or b""
        if b"_:" in data:  # a blank node (or "_:" in a text: then kept by no one, the safe side)
            continue
        yield answer_name(query), data


def _plainly_local(text: str) -> bool:
    """Whether `text` can be evaluated at build time without the guard (query.guard), whose Python lexer
    holds the GIL ~0.5 ms a query while the build's writers need it: no `SERVICE` (the only way a query
    reaches the network in Oxigraph) and no `FROM` (the query's own dataset) in any case anywhere, in a
    comment or a string too, and no backslash (an escape could spell either). A query it passes is still
    guarded when it is run: its kept answer is read only after the guard passed it (cli.query._kept)."""
    folded = text.casefold()
    return "\\" not in text and "service" not in folded and "from" not in folded


def kept_answer(entry: Manifest, query: QuerySource, max_rows: int | None) -> Answer | None:
    """The kept answer of `query` in the cache entry `entry`, read and not evaluated: its first `max_rows`
    rows (None: all), `cut` if more were left out; None when the entry keeps no answer for this text, or
    the file fails its manifest line. The caller has passed the query through the guard, and runs it as the
    build ran it (no parameter, the default graphs: cli.query._kept)."""
    from alaska_kg.cache import read_verified
    from alaska_kg.query.run import Answer

    name = answer_name(query)
    if name not in entry.entries:
        return None
    try:
        data = read_verified(entry, name)
    except (CorruptOutput, OSError):
        return None
    header, _, body = data.partition(b"\n")
    variables = tuple(column.decode("utf-8")[1:] for column in header.split(b"\t")) if header else ()
    width = len(variables)
    # every line holds `width` cells (an unbound one empty) and no tab or line break is inside a term, so
    # the cells are the body split at both: column k is every width-th cell from k, sliced in C
    cells = body.replace(b"\n", b"\t").split(b"\t") if body else []
    if cells and cells[-1] == b"":
        cells.pop()  # after the last line's line break
    if not width or len(cells) % width:
        return None  # not a file this module wrote: the query is evaluated
    count = len(cells) // width
    cut = max_rows is not None and count > max_rows
    if cut:
        del cells[max_rows * width :]
    terms = _terms(set(cells))
    columns = [list(map(terms.__getitem__, cells[k::width])) for k in range(width)]
    return Answer("select", variables=variables, rows=list(zip(*columns, strict=True)), cut=cut)


def _terms(cells: set[bytes]) -> dict[bytes, object]:
    """Each distinct cell of an answer as a term (b"": unbound, None), parsed once by Oxigraph's reader of
    SPARQL Results TSV: a listing repeats its terms, so each is parsed once, not once per row."""
    found: dict[bytes, object] = {b"": None}
    distinct = list(cells - {b""})
    if distinct:
        document = b"?t\n" + b"\n".join(distinct) + b"\n"
        solutions = parse_query_results(document, format=QueryResultsFormat.TSV)
        for cell, solution in zip(distinct, solutions, strict=True):
            found[cell] = solution[0]
    return found


__all__ = [
    "ANSWER_PREFIX",
    "KEPT_ANSWERS",
    "answer_name",
    "evaluate_answers",
    "is_answer_name",
    "kept_answer",
]
