"""`--param NAME=VALUE`: check each against the query's declared parameters and turn it into an RDF term.

The terms are handed to the engine as substitutions (RDF-dev SEP-0007: the variable is bound before
evaluation), never spliced into the query text, so a value cannot change the query's shape. A declared
parameter that is not given stays a free variable: the query then answers for every value.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Variable

from alaska_kg.display import undecodable_at
from alaska_kg.errors import QueryParameterError
from alaska_kg.lazyregex import LazyRegex
from alaska_kg.namespaces import expand
from alaska_kg.query.catalog import QuerySource
from alaska_kg.query.header import Param

XSD = "http://www.w3.org/2001/XMLSchema#"
_ABSOLUTE_IRI = LazyRegex(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+\Z")
_DATE = LazyRegex(r"\d{4}-\d{2}-\d{2}\Z")
_INTEGER = LazyRegex(r"[-+]?\d+\Z")
_INT64 = range(-(2**63), 2**63)  # Oxigraph's xsd:integer is a 64-bit integer


def _bad(query: QuerySource, param: Param, value: str, expected: str) -> QueryParameterError:
    return QueryParameterError(
        f"query {query.id!r}: parameter {param.name!r} ({param.type}) expects {expected}, got {value!r}"
    )


def _iri(query: QuerySource, param: Param, value: str) -> str:
    """`<iri>`, an absolute IRI (`scheme://…`, `urn:…`) or a prefixed name with a prefix of PREFIXES."""
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
    elif "://" in value or value.startswith("urn:"):
        iri = value
    else:
        iri = expand(value) or ""
        if not iri:
            prefix, colon, _ = value.partition(":")
            known = f"; {prefix!r} is not a known prefix" if colon and prefix else ""
            raise _bad(
                query,
                param,
                value,
                f"an IRI (<https://…>, https://… or a prefixed name such as akr:wang-yi{known})",
            )
    if not _ABSOLUTE_IRI.match(iri):
        raise _bad(query, param, value, "an absolute IRI")
    return iri


def to_term(query: QuerySource, param: Param, value: str) -> NamedNode | Literal:
    """The RDF term for `value` read as the parameter's declared type."""
    if param.type == "iri":
        try:
            return NamedNode(_iri(query, param, value))
        except ValueError:  # a code point the IRI grammar (RFC 3987) refuses, a control character say
            raise _bad(query, param, value, "an absolute IRI") from None
    if param.type == "date":
        try:
            if not _DATE.match(value):
                raise ValueError
            import datetime  # only when a date is given: off the path of every other query

            datetime.date.fromisoformat(value)
        except ValueError:
            raise _bad(query, param, value, "a date YYYY-MM-DD") from None
        return Literal(value, datatype=NamedNode(XSD + "date"))
    if param.type == "integer":
        if not _INTEGER.match(value):
            raise _bad(query, param, value, "an integer")
        digits = value.lstrip("+-").lstrip("0")
        if len(digits) > 19 or int(value) not in _INT64:  # int() of > 4300 digits is itself an error
            raise _bad(query, param, value if len(value) <= 40 else value[:39] + "…", "a 64-bit integer")
        return Literal(str(int(value)), datatype=NamedNode(XSD + "integer"))
    return Literal(value)


def bind(query: QuerySource, assignments: Iterable[str]) -> dict[Variable, NamedNode | Literal]:
    """The substitutions for `NAME=VALUE` assignments, each checked against the query's header."""
    declared = {p.name: p for p in query.header.params}
    listing = ", ".join(f"{p.name} ({p.type})" for p in query.header.params) or "none"
    bound: dict[Variable, NamedNode | Literal] = {}
    for assignment in assignments:
        bad_byte = undecodable_at(assignment)
        if bad_byte is not None:
            raise QueryParameterError(
                f"query {query.id!r}: --param {assignment!r} is not UTF-8 text "
                f"(byte 0x{ord(assignment[bad_byte]) - 0xDC00:02x} at character {bad_byte + 1})"
            )
        name, sep, value = assignment.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryParameterError(f"query {query.id!r}: --param expects NAME=VALUE, got {assignment!r}")
        param = declared.get(name)
        if param is None:
            raise QueryParameterError(
                f"query {query.id!r} has no parameter {name!r}; declared parameters: {listing}"
            )
        variable = Variable(name)
        if variable in bound:
            raise QueryParameterError(f"query {query.id!r}: parameter {name!r} given twice")
        bound[variable] = to_term(query, param, value)
    return bound


__all__ = ["bind", "to_term"]
