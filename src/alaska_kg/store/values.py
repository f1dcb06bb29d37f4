"""Parameters sent as SPARQL text: each term serialized safely, all of them in one VALUES block put at the
head of the query's WHERE group, for endpoints that take no substitutions (SPARQL 1.1 Protocol).

Locally the engine binds parameters by substitution (RDF-dev SEP-0007). Over the Protocol there is no such
thing, so the bindings travel as inline data (SPARQL 1.1 Query §10.2.1). Where the block goes decides what
it means:
- at the head of the WHERE group (`WHERE { VALUES (?p) { (<iri>) } …`), it is joined first, so every
  triple pattern, OPTIONAL, BIND and FILTER of that group sees the value (§18.2.2.6: a group's filters
  apply to the join of all its elements). This is what the local substitution does, and it is what we use;
- as a trailing `VALUES` after the query (§18.2.4.3), it is joined after the whole pattern: a parameter
  used only in a FILTER (`FILTER(CONTAINS(?text, ?word))`) would then filter nothing, and every row would
  come back with the value pasted in. Used only where no WHERE group can take the block: `DESCRIBE` without
  WHERE and the short form `CONSTRUCT WHERE { triples }`, both made of triple patterns only, where the two
  readings agree.
A parameter used only inside a nested group, a UNION branch's FILTER or a sub-query that does not project
it can still read differently from the engine's substitution; docs/scaling.md says so.

Nothing of a value reaches the text unescaped: an IRI must consist of IRIREF characters (§19.8; no `>`,
`"`, space, `{`, `\\` …), a literal is written as a quoted string with ECHAR escapes (§19.7), and a
backslash before `u`/`U` is followed by that letter written `\\u0075`/`\\u0055`, so that no pre-parsing of
`\\uXXXX` escapes (§19.2) can turn part of a value into a quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Variable

from alaska_kg.errors import QueryParameterError, QuerySyntaxError
from alaska_kg.query.guard import lex  # the guard's SPARQL lexer: strings, IRIs and comments are opaque

_IRIREF = re.compile(r'[^<>"{}|^`\\\x00-\x20]*\Z')
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*\Z")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def iri_text(iri: str) -> str:
    """`<iri>`, if `iri` has only IRIREF characters; else QueryParameterError."""
    if not iri or not _IRIREF.match(iri):
        raise QueryParameterError(f"cannot send {iri!r} as an IRI: it holds characters an IRI may not")
    return f"<{iri}>"


def string_text(value: str) -> str:
    """A SPARQL STRING_LITERAL_QUOTE holding exactly `value` (§19.7 ECHAR escapes, see the docstring)."""
    out: list[str] = []
    after_backslash = False
    for char in value:
        if after_backslash and char in "uU":
            out.append("\\u0075" if char == "u" else "\\u0055")
        else:
            out.append(_ECHAR.get(char, char))
        after_backslash = char == "\\"
    return '"' + "".join(out) + '"'


def term_text(term: NamedNode | Literal) -> str:
    """The SPARQL text of an IRI or a literal (with its language tag or datatype)."""
    if isinstance(term, NamedNode):
        return iri_text(term.value)
    if isinstance(term, Literal):
        text = string_text(term.value)
        if term.language:
            if not _LANGTAG.match(term.language):
                raise QueryParameterError(f"cannot send the language tag {term.language!r}")
            return f"{text}@{term.language}"
        if term.datatype.value == XSD_STRING:
            return text
        return f"{text}^^{iri_text(term.datatype.value)}"
    raise QueryParameterError(f"cannot send {term!r} as a parameter: only IRIs and literals")


def values_block(bindings: Mapping[Variable, NamedNode | Literal]) -> str:
    """`VALUES (?a ?b) { (<…> "…") }`: one row binding every variable of `bindings`, on one line."""
    names = []
    for variable in bindings:
        if not _VARNAME.match(variable.value):
            raise QueryParameterError(f"cannot send ?{variable.value}: not a plain SPARQL variable name")
        names.append(f"?{variable.value}")
    row = " ".join(term_text(term) for term in bindings.values())
    return f"VALUES ({' '.join(names)}) {{ ({row}) }}"


def _tokens(text: str, where: str = "query") -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of each token, whitespace and comments dropped (QuerySyntaxError if the guard's
    lexer cannot read the text)."""
    for token in lex(text, where):
        yield token.kind, token.text, token.start


def _closing(tokens: list[tuple[str, str, int]], opening: int) -> int:
    """The index of the `}` that closes the `{` at `opening` (len(tokens) if it is never closed)."""
    depth = 0
    for index in range(opening, len(tokens)):
        value = tokens[index][1]
        depth += value == "{"
        depth -= value == "}"
        if depth == 0:
            return index
    return len(tokens)


def _form(tokens: list[tuple[str, str, int]]) -> int | None:
    """The index of the query form keyword (SELECT, CONSTRUCT, DESCRIBE, ASK) after the prologue."""
    for index, (kind, value, _) in enumerate(tokens):
        if kind == "word" and value.upper() in _FORMS:
            return index
    return None


def query_form(text: str) -> str | None:
    """The query form, upper case (SELECT, CONSTRUCT, DESCRIBE or ASK), or None if there is none."""
    tokens = list(_tokens(text))
    form = _form(tokens)
    return tokens[form][1].upper() if form is not None else None


def where_group(text: str) -> tuple[int, int] | None:
    """Offsets of the `{` and `}` of the query's WHERE group, or None where the query has none to take a
    VALUES block (DESCRIBE without WHERE; CONSTRUCT WHERE { triples })."""
    tokens = list(_tokens(text))
    form = _form(tokens)
    if form is None:
        return None
    start = form + 1
    if tokens[form][1].upper() == "CONSTRUCT":
        if start >= len(tokens) or tokens[start][1] != "{":
            return None  # CONSTRUCT WHERE { TriplesTemplate }: no room for VALUES inside
        start = _closing(tokens, start) + 1  # past the template
    parens = 0
    for index in range(start, len(tokens)):
        value = tokens[index][1]
        parens += value == "("
        parens -= value == ")"
        if value == "{" and parens == 0:  # `(EXISTS { … } AS ?x)` in a projection is inside parentheses
            close = _closing(tokens, index)
            if close >= len(tokens):
                return None
            return tokens[index][2], tokens[close][2]
    return None


def with_values(text: str, bindings: Mapping[Variable, NamedNode | Literal], where: str = "query") -> str:
    """`text` with `bindings` as a VALUES block at the head of its WHERE group (see the module docstring).

    The block is written on the line of the `{`, so every line of the query keeps its number.
    """
    if not bindings:
        return text
    block = values_block(bindings)
    found = where_group(text)
    if found is None:
        tokens = list(_tokens(text, where))
        form = _form(tokens)
        if form is None or tokens[form][1].upper() not in ("DESCRIBE", "CONSTRUCT"):
            raise QuerySyntaxError(f"{where}: cannot find the WHERE clause to bind the parameters in")
        return text + "\n" + block + "\n"  # §18.2.4.3 trailing VALUES: triple patterns only, same reading
    opening, closing = found
    body = text[opening + 1 : closing]
    first = next(_tokens(body), None)
    if first is not None and first[0] == "word" and first[1].upper() == "SELECT":
        # `WHERE { SELECT … }` is a sub-query as the whole group (§19.8 [53]): it becomes one element of it.
        return f"{text[: opening + 1]} {block} {{{body}}}{text[closing:]}"
    return f"{text[: opening + 1]} {block}{text[opening + 1 :]}"


__all__ = [
    "iri_text",
    "query_form",
    "string_text",
    "term_text",
    "values_block",
    "where_group",
    "with_values",
]
