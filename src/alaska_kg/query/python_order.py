"""ORDER BY done in Python for the on-disk store, where the result is certain to be the one Oxigraph gives.

On the on-disk store Oxigraph's sort reads both terms back from RocksDB at every comparison (~10 µs each):
at 10^6 triples that is most of a large listing's time (`unlinked-entities` 8.7 s sorted, 3.7 s not;
docs/performance.md, "ORDER BY in Python on the on-disk store"). Here the query runs without its final
`ORDER BY` and the solutions, each term read once, are sorted in Python. That gives exactly Oxigraph's
answer only when the order is total and known, so a plan is made only when

- the query ends with `ORDER BY` over plain variables (`?x`, `ASC(?x)`, `DESC(?x)`), or whether one is
  bound (`(!BOUND(?x))`: the rows without it last, `timeline`'s), right after the closing `}` of its WHERE
  clause (no GROUP BY, HAVING, LIMIT, OFFSET or VALUES after it: the outermost query's modifiers), with no
  `#` before that `}` on its line (it could be in a comment), and
- the plain variables are exactly the projected ones, so that rows the order cannot tell apart are the same
  row;

and the sort gives up (None: the engine sorts) on any value whose place it does not know exactly: a blank
node (Oxigraph ranks all blank nodes equal), a triple term, a literal not of xsd:string, rdf:langString,
xsd:integer, xsd:date or xsd:boolean, a string with a base direction (RDF 1.2), an integer beyond 64 bits,
a non-canonical integer, date or boolean, and one column holding literals of two kinds (two languages, a
string and a number: SPARQL's `<` does not compare them). What is known is the SPARQL order: unbound,
then IRIs by their text, then literals; strings by code point (Python's and Rust's `str` orders), strings
of one language by value, 64-bit integers by value, dates (`YYYY-MM-DD`, no timezone) by their text,
false before true. tests/test_python_order.py holds Oxigraph to each of these.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from alaska_kg.lazyregex import LazyRegex
from alaska_kg.records import Record

# the final ORDER BY, its keys in group 1, right after a `}`; \w as SPARQL's VARNAME in the usual cases
# (a name \w does not match makes the pattern fail: the engine sorts)
_FINAL_ORDER = LazyRegex(
    r"(?is)\}\s*ORDER\s+BY((?:\s*(?:[?$]\w+|(?:ASC|DESC)\s*\(\s*[?$]\w+\s*\)"
    r"|\(\s*!\s*BOUND\s*\(\s*[?$]\w+\s*\)\s*\)))+)\s*\Z"
)
_KEY = LazyRegex(r"(?i)(DESC|!\s*BOUND)?\s*\(?\s*[?$](\w+)")
_INTEGER = LazyRegex(r"(?:0|-?[1-9][0-9]*)\Z")
_DATE = LazyRegex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING, _INTEGER_TYPE, _DATE_TYPE, _BOOLEAN = (
    _XSD + name for name in ("string", "integer", "date", "boolean")
)


class OrderPlan(Record):
    """The query's text without its final ORDER BY, and that ORDER BY's keys: (variable, "asc", "desc" or
    "bound first": `(!BOUND(?v))`, false before true, so the rows where ?v is bound come first). `extra`: the
    key variables the unordered text projects only for the sort (`widened`), last in each row."""

    __slots__ = ()
    _fields = ("unordered", "keys", "extra")
    _defaults = ((),)
    unordered: str
    keys: tuple[tuple[str, str], ...]
    extra: tuple[str, ...]

    def covers(self, variables: tuple[str, ...]) -> bool:
        """Whether the keys on values are exactly the projected `variables`, each once (a total order on the
        rows), and any `(!BOUND(?v))` is on one of them."""
        names = [name for name, order in self.keys if order != "bound first"]
        bound = {name for name, order in self.keys if order == "bound first"}
        return len(set(names)) == len(names) and set(names) == set(variables) and bound <= set(variables)


def order_plan(text: str) -> OrderPlan | None:
    """The plan for `text` if it ends with an ORDER BY this module can replace (module docstring)."""
    match = _FINAL_ORDER.search(text)
    if match is None or "#" in text[text.rfind("\n", 0, match.start()) + 1 : match.start()]:
        return None  # (a `#` before the `}` on its line may open a comment holding it: unsure)
    keys = tuple(
        (name, "bound first" if how.startswith("!") else how.lower() or "asc")
        for how, name in _KEY.findall(match.group(1))
    )
    return OrderPlan(text[: match.start() + 1], keys)


def widened(plan: OrderPlan) -> OrderPlan:
    """`plan` with the key variables its SELECT clause does not project added to that clause (`extra`, to be
    dropped after the sort), e.g. `quotations`' ?offset: where the query is a SELECT of plain variables, no
    DISTINCT or REDUCED, one more variable only adds a column, so the rows sorted on it and cut back are the
    rows the engine sorts. Otherwise, or where the text cannot be read, `plan` as it is (the engine sorts)."""
    from alaska_kg.errors import AlaskaKgError
    from alaska_kg.query.guard import QUERY_FORMS, lex

    try:
        tokens = lex(plan.unordered)
    except AlaskaKgError:
        return plan
    form = next((index for index, token in enumerate(tokens) if token.keyword in QUERY_FORMS), None)
    if form is None or tokens[form].keyword != "SELECT":
        return plan  # (a CONSTRUCT's first SELECT is a subquery's)
    end = form + 1
    while end < len(tokens) and tokens[end].kind == "var":
        end += 1
    projected = {token.text[1:] for token in tokens[form + 1 : end]}
    if not projected or end == len(tokens) or not (tokens[end].keyword == "WHERE" or tokens[end].text == "{"):
        return plan
    extra = tuple(dict.fromkeys(name for name, _ in plan.keys if name not in projected))
    if not extra:
        return plan
    at = tokens[end - 1].start + len(tokens[end - 1].text)
    text = plan.unordered[:at] + "".join(f" ?{name}" for name in extra) + plan.unordered[at:]
    return plan._replace(unordered=text, extra=extra)


def sorted_rows(
    rows: list[tuple[object, ...]], variables: tuple[str, ...], keys: tuple[tuple[str, str], ...]
) -> list[tuple[object, ...]] | None:
    """`rows` (tuples of terms in the order of `variables`) in the order of `keys`, or None where it is not
    sure. Each distinct term of a key's column gets its rank once, and the rows are sorted on those small
    integers, one stable sort per key: a listing repeats its terms, and ints compare quicker than the keys
    (source-of's 123,314 rows at 10^6, sorted: 2.0 s -> 0.73 s, docs/performance.md)."""
    ranks = []
    for name, how in keys:
        at = variables.index(name)
        column = [row[at] for row in rows]
        if how == "bound first":  # (!BOUND(?v)): false (bound) before true
            ranks.append(([term is None for term in column], False))
            continue
        known = {term: _sort_key(term) for term in set(column)}
        if None in known.values() or len({key[1] for key in known.values() if key[0] == 3}) > 1:
            return None
        rank_of = {key: rank for rank, key in enumerate(sorted(set(known.values())))}
        rank = {term: rank_of[key] for term, key in known.items()}
        ranks.append((list(map(rank.__getitem__, column)), how == "desc"))
    order = list(range(len(rows)))
    for column, descending in reversed(ranks):  # stable sorts, last key first
        order.sort(key=column.__getitem__, reverse=descending)
    return [rows[index] for index in order]


def _sort_key(term: object) -> tuple | None:
    """A key that orders terms as Oxigraph's ORDER BY does, or None for a term whose place is not known."""
    if term is None:
        return (0,)
    if isinstance(term, NamedNode):
        return (2, "", term.value)
    if not isinstance(term, Literal):  # a blank node or a triple term
        return None
    value = term.value
    if getattr(term, "direction", None) is not None:  # RDF 1.2 "text"@en--ltr: not known
        return None
    if term.language is not None:  # by value within one language (Oxigraph, tests/test_python_order.py)
        return (3, "@" + term.language, value)
    datatype = term.datatype.value
    if datatype == _STRING:
        return (3, "string", value)
    if datatype == _INTEGER_TYPE and _INTEGER.match(value) and _INT64_MIN <= int(value) <= _INT64_MAX:
        return (3, "integer", int(value))  # (beyond 64 bits Oxigraph keeps the text and compares that)
    if datatype == _DATE_TYPE and _DATE.match(value):
        return (3, "date", value)
    if datatype == _BOOLEAN and value in ("false", "true"):
        return (3, "boolean", value == "true")
    return None


__all__ = ["OrderPlan", "order_plan", "sorted_rows", "widened"]
