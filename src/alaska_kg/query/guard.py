"""Refuse a SPARQL request that would reach outside the built dataset, before any engine or endpoint sees it.

Oxigraph evaluates `SERVICE <iri> { … }` by calling the remote endpoint (SPARQL 1.1 Federated Query §3),
so a canned or user query could leak data to, or pull data from, the network. `FROM` / `FROM NAMED`
(SPARQL 1.1 Query §13.2) may only name the dataset's own graphs. Updates (`LOAD`, `INSERT`, `DROP`, …,
SPARQL 1.1 Update §3) are never run nor sent: the tool only asks questions.

The text is read by a lexer built from the terminals of the SPARQL 1.1 grammar (Query §19.8: IRIREF,
PNAME_NS, PNAME_LN with PLX / PERCENT / PN_LOCAL_ESC, BLANK_NODE_LABEL, VAR1/VAR2, LANGTAG, the numbers, the
four string forms with ECHAR, NIL, ANON, WS, comments), each token the longest match at its place, so that
`SERVICE` inside a comment, a string, an IRI, a variable (`?service`) or a prefixed name (`ex:service`,
`akr:a\\'b`) does not count, and a `SERVICE` after any of them does. Whatever the lexer cannot classify
is refused: a guard that is unsure says no. Bare words must be SPARQL 1.1 keywords or function names, so
vendor extensions (Virtuoso's `DEFINE input:grab-all`, which fetches documents) do not pass either.

Codepoint escapes (`\\uXXXX`, `\\UXXXXXXXX`) are read two ways in the wild: SPARQL 1.1 §19.2 (and rdflib)
replace them in the whole text before parsing, Oxigraph (and the community errata: "\\u escapes in URIs and
strings only") reads them only inside IRIs and strings. An escape is accepted only where both readings
give the same tokens: inside an IRI or a string, standing for a character that may stand there unescaped
(no quote, backslash or line end), or inside a comment, standing for anything but a line end. Anywhere
else it is refused.
"""

from __future__ import annotations

from alaska_kg.errors import ForbiddenQuery, QuerySyntaxError, QueryTooLarge
from alaska_kg.lazyregex import LazyRegex
from alaska_kg.namespaces import GRAPH_NAMES, graph_iri
from alaska_kg.records import Record

TYPE_CHECKING = False  # typing is not imported on the query path (~2.5 ms)
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from typing import NoReturn

DATASET_GRAPHS = frozenset(graph_iri(name) for name in GRAPH_NAMES)

# ---------------------------------------------------------------- SPARQL 1.1 Query §19.8 terminals
_WS = "\x20\t\r\n"  # [162] WS: these four only
# Names: the Unicode ranges of [164] PN_CHARS_BASE compiled into the dozen character classes below cost
# 20-50 ms at import (measured), on the path of every query. So each class is written as the ASCII characters
# it takes plus any non-ASCII one (a negated class: cheap to compile), and `_check_name` then holds each
# non-ASCII character of a name to the grammar's ranges; a name with another one is refused (the grammar
# would end the token there, and no token can start with such a character).
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"


def _names(ascii_chars: str) -> str:
    """A regex class of `ascii_chars` and every non-ASCII character: `[^` the other ASCII characters `]`,
    written as ranges (`\\x00-\\x2c`): a third less time to compile than one escape per character."""
    ranges, code = [], 0
    while code < 128:
        if chr(code) in ascii_chars:
            code += 1
            continue
        first = code
        while code + 1 < 128 and chr(code + 1) not in ascii_chars:
            code += 1
        ranges.append(f"\\x{first:02x}" if first == code else f"\\x{first:02x}-\\x{code:02x}")
        code += 1
    return "[^" + "".join(ranges) + "]"


_BASE = _LETTERS  # [164] PN_CHARS_BASE (non-ASCII: _BASE_RANGES)
_U = _BASE + "_"  # [165] PN_CHARS_U
_CHARS = _U + "-" + _DIGITS  # [167] PN_CHARS (non-ASCII: _NAME_RANGES)
_VARNAME = f"{_names(_U + _DIGITS)}{_names(_U + _DIGITS)}*"  # [166]
_BASE_RANGES = (  # [164] PN_CHARS_BASE beyond ASCII
    (0xC0, 0xD6),
    (0xD8, 0xF6),
    (0xF8, 0x2FF),
    (0x370, 0x37D),
    (0x37F, 0x1FFF),
    (0x200C, 0x200D),
    (0x2070, 0x218F),
    (0x2C00, 0x2FEF),
    (0x3001, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFFD),
    (0x10000, 0xEFFFF),
)
_NAME_RANGES = (*_BASE_RANGES, (0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040))  # [166], [167]
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"  # [170] PERCENT | PN_LOCAL_ESC
_PN_PREFIX = f"{_names(_BASE)}(?:{_names(_CHARS + '.')}*{_names(_CHARS)})?"  # [168]
_PN_LOCAL = (  # [169]
    f"(?:{_names(_U + ':' + _DIGITS)}|{_PLX})"
    f"(?:(?:{_names(_CHARS + '.:')}|{_PLX})*(?:{_names(_CHARS + ':')}|{_PLX}))?"
)
_BLANK_NODE_LABEL = f"_:{_names(_U + _DIGITS)}(?:{_names(_CHARS + '.')}*{_names(_CHARS)})?"  # [142]
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"  # read inside IRIs and strings, as Oxigraph does
_ECHAR = r"\\[tbnrf\\\"']"  # [160]
_EXPONENT = r"[eE][+-]?[0-9]+"  # [155]
_STRING = (
    rf"'''(?:(?:''?)?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"  # [158] STRING_LITERAL_LONG1
    rf'|"""(?:(?:""?)?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""'  # [159] STRING_LITERAL_LONG2
    rf"|'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"  # [156] STRING_LITERAL1
    rf'|"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*"'  # [157] STRING_LITERAL2
)

# The terminals, each with the characters it can start with (a non-ASCII one: only a prefixed name).
# Order matters only where two terminals start alike; each pair below is ordered so the first alternative
# that matches is also the longest (IRIREF before `<=`/`<`, a long string before an empty one, PNAME before
# a keyword, a signed number before `+`/`-`, a DECIMAL before `.`, NIL/ANON before `(`/`[`).
_TERMINALS = (
    ("space", rf"[{_WS}]+", _WS),
    ("comment", r"\#[^\r\n]*", "#"),
    ("iri", rf'<(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>', "<"),
    ("string", _STRING, "'\""),
    ("bnode", _BLANK_NODE_LABEL, "_"),
    ("pname", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?", _LETTERS + ":"),
    ("var", f"[?$]{_VARNAME}", "?$"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*", "@"),
    (
        "number",
        rf"[+-]?(?:[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}|[0-9]*\.[0-9]+|[0-9]+)",
        "+-." + _DIGITS,
    ),
    ("word", r"[A-Za-z][A-Za-z0-9_]*", _LETTERS),
    ("nil", rf"\([{_WS}]*\)", "("),
    ("anon", rf"\[[{_WS}]*\]", "["),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*/|^!=<>+\-?]", "^&|!<>={}()[];,.*/+-?"),
)
# The lexer as one pattern, the first alternative that matches winning. Compiling it took ~2 ms, on the
# path of every query, so `_next_token` tries only the terminals that can start with the character at
# hand, each compiled when first needed (a canned query needs five or six of the thirteen), which finds
# the same token: tests/test_cold_path.py compares the two at every position of every query it has.
_TOKEN = LazyRegex("(?x)" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern, _ in _TERMINALS))
_BY_FIRST_CHARACTER: dict[str, list[tuple[str, LazyRegex]]] = {}
for _kind, _pattern, _starts in _TERMINALS:
    _compiled = LazyRegex("(?x)" + _pattern)
    for _char in _starts:
        _BY_FIRST_CHARACTER.setdefault(_char, []).append((_kind, _compiled))
    if _kind == "pname":
        _NON_ASCII_START = [(_kind, _compiled)]
_BACKSLASH_SEQUENCE = LazyRegex(rf"(?s){_UCHAR}|\\.")
# What a pre-parsing reader (§19.2, rdflib) takes for a codepoint escape: every match, wherever it is.
_PREPASS_ESCAPE = LazyRegex(_UCHAR)
_ESCAPED = LazyRegex(r"\\(.)")  # PN_LOCAL_ESC
_IRI_CHAR = LazyRegex(r'[^<>"{}|^`\\\x00-\x20]')

# Bare words of the SPARQL 1.1 Query and Update grammars (§19.8, keywords case-insensitive).
_QUERY_KEYWORDS = frozenset(
    """
    BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING ORDER
    ASC DESC LIMIT OFFSET VALUES OPTIONAL GRAPH SERVICE SILENT BIND UNDEF MINUS UNION FILTER NOT IN EXISTS
    TRUE FALSE STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN
    UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES
    SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM
    ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT
    SEPARATOR
    """.split()  # noqa: SIM905 (the grammar's words, as a block)
)
UPDATE_KEYWORDS = frozenset(
    "LOAD CLEAR DROP CREATE ADD MOVE COPY TO INTO INSERT DELETE DATA WITH USING DEFAULT ALL".split()  # noqa: SIM905
)
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
# Oxigraph matches a keyword without looking where the word ends, so `SERVICE:x` is `SERVICE :x` to it and
# one prefixed name to the grammar (longest token). A prefix that begins with one of these keywords, which
# open a clause that reaches outside the dataset or writes (SERVICE [SILENT], FROM [NAMED] and NAMED after
# it, the update operations), is refused, in any letter case and with --allow-service too: the two readers
# disagree on it (measured: `SERVICE:x`, `SERVICEx:y`, `FROM:x` are evaluated as clauses). Gluing any
# other keyword changes nothing the guard decides on (`GRAPH:x` reads a local graph either way), so it is
# left to the engine's syntax check.
GLUED_KEYWORDS = (
    "SERVICE", "FROM", "NAMED", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE",
    "WITH",
)  # fmt: skip
MAX_NESTING = 128  # `{`, `(`, `[` open at once; Oxigraph's recursive parser overflows its stack from ~900
# Tokens of one query. Flat chains nest too, inside the engine: measured with `alaska-kg query --sparql`
# (its thread's stack), the process crashes (SIGSEGV, exit 139) from ~4,100 items of a collection
# `(1 1 …)`, ~6,400 `{} UNION {}`, ~6,900 terms of `1+1+…`, ~9,100 `!` (tests/test_serve_hardening.py
# runs each shape just under this limit). Half the shortest: every query of the project has under 300.
MAX_TOKENS = 2000


class Token(Record):
    """One terminal of the query text: its kind (the group name of `_TOKEN`), its text as written, and
    where it starts (offset into the text, 1-based line and column in code points)."""

    __slots__ = ()
    _fields = ("kind", "text", "start", "line", "column")
    kind: str
    text: str
    start: int
    line: int
    column: int

    @property
    def keyword(self) -> str:
        """The keyword a bare word stands for (upper case; `a` stays `a`), or "" for any other token."""
        if self.kind != "word":
            return ""
        return self.text if self.text == "a" else self.text.upper()


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _shown(char: str) -> str:
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


def _decoded(escape: str) -> str | None:
    """The character a UCHAR stands for, or None for a surrogate or a number past U+10FFFF."""
    number = int(escape[2:], 16)
    return None if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF else chr(number)


# ---------------------------------------------------------------- the same terminals, read by hand
# `re` itself (with enum, functools, collections: ~5 ms) and the terminals a query needs (~1 ms) were
# the largest cost left on the path of a cold query. `_plain_token` reads the tokens every query is made
# of by hand, as the patterns above match them (the first alternative that matches, among the terminals
# that can start with the character at hand); at anything it is not sure of (a backslash, `%`, a non-ASCII
# character in or right after a name, `_:`, or text no terminal matches) it answers None and the patterns
# decide: they still define the lexer. tests/test_cold_path.py compares the two at every position of
# every query and of generated text.
_SPACE = frozenset(_WS)
_DIGIT = frozenset(_DIGITS)
_LETTER = frozenset(_LETTERS)
_ALNUM = _LETTER | _DIGIT
_WORD = _ALNUM | {"_"}  # [A-Za-z0-9_]: the rest of a word, VARNAME in ASCII
_NAME = _WORD | {"-", "."}  # PN_CHARS and `.`, in ASCII
_LOCAL = _NAME | {":"}  # PN_LOCAL's middle characters, in ASCII
_LOCAL_START = _WORD | {":"}  # PN_LOCAL's first character, in ASCII (no PLX)
_NOT_IN_IRI = frozenset('<>"{}|^`\\') | frozenset(map(chr, range(0x21)))
_PAIRS = frozenset(("^^", "&&", "||", "!=", "<=", ">="))
_SINGLE = frozenset("{}()[];,.*/|^!=<>+-?")


def _run(text: str, position: int, allowed: frozenset[str]) -> int:
    """The end of the run of `allowed` characters from `position`."""
    end = len(text)
    while position < end and text[position] in allowed:
        position += 1
    return position


def _unsure_after(text: str, position: int) -> bool:
    """Whether the character at `position` might continue a name (non-ASCII, `%`, a backslash)."""
    return position < len(text) and (not text[position].isascii() or text[position] in "%\\")


def _plain_number(text: str, position: int) -> int | None:
    """The end of the number at `position` (_TERMINALS' "number": its alternatives in order), or None."""
    start = position + 1 if text[position] in "+-" else position
    digits = _run(text, start, _DIGIT)
    point = digits < len(text) and text[digits] == "."
    fraction = _run(text, digits + 1, _DIGIT) if point else digits

    def exponent(at: int) -> int | None:
        if at >= len(text) or text[at] not in "eE":
            return None
        at += 1 if at + 1 < len(text) and text[at + 1] in "+-" else 0
        end = _run(text, at + 1, _DIGIT)
        return end if end > at + 1 else None

    if digits > start and point:  # [0-9]+\.[0-9]*EXPONENT
        end = exponent(fraction)
        if end is not None:
            return end
    if digits == start and point and fraction > digits + 1:  # \.[0-9]+EXPONENT
        end = exponent(fraction)
        if end is not None:
            return end
    if digits > start:  # [0-9]+EXPONENT
        end = exponent(digits)
        if end is not None:
            return end
    if point and fraction > digits + 1:  # [0-9]*\.[0-9]+
        return fraction
    if digits > start:  # [0-9]+
        return digits
    return None


def _plain_pname(text: str, position: int) -> tuple[str, int] | None:
    """A prefixed name at `position` (a letter or `:`), else the word there; None when unsure."""
    colon = position
    if text[position] != ":":
        colon = _run(text, position, _NAME)
        if _unsure_after(text, colon):
            return None
        if colon >= len(text) or text[colon] != ":" or text[colon - 1] == ".":
            return "word", _run(text, position, _WORD)  # no prefixed name: a word
    start = colon + 1
    if start >= len(text) or text[start] not in _LOCAL_START:
        return None if _unsure_after(text, start) else ("pname", start)
    end = _run(text, start, _LOCAL)
    if _unsure_after(text, end):
        return None
    while text[end - 1] == ".":  # PN_LOCAL does not end with `.`
        end -= 1
    return "pname", end


def _plain_token(text: str, position: int) -> tuple[str, int] | None:
    """The kind and end of the token at `position` as `_TOKEN` finds it, read without `re`; None when not
    sure (see above): then the patterns decide."""
    char = text[position]
    if char in _SPACE:
        return "space", _run(text, position, _SPACE)
    if char == "#":
        ends = [end for end in (text.find("\n", position), text.find("\r", position)) if end >= 0]
        return "comment", min(ends, default=len(text))
    if char in _LETTER or char == ":":
        return _plain_pname(text, position)
    if char in "?$":
        if position + 1 < len(text) and text[position + 1] in _WORD:
            end = _run(text, position + 1, _WORD)
            return None if _unsure_after(text, end) else ("var", end)
        if char == "?" and not _unsure_after(text, position + 1):
            return "punct", position + 1
        return None
    if char == "<":
        end = position + 1
        while end < len(text) and text[end] not in _NOT_IN_IRI:
            end += 1
        if end < len(text) and text[end] == ">":
            return "iri", end + 1
        if end < len(text) and text[end] == "\\":
            return None
        return "punct", position + (2 if text.startswith("=", position + 1) else 1)
    if char in "'\"":
        return _plain_string(text, position)
    if char in _DIGIT or char in "+-.":
        end = _plain_number(text, position)
        if end is not None:
            return "number", end
        return "punct", position + 1  # `+`, `-`, `.`
    if char == "@":
        end = _run(text, position + 1, _LETTER)
        if end == position + 1:
            return None
        while end + 1 < len(text) and text[end] == "-" and text[end + 1] in _ALNUM:
            end = _run(text, end + 1, _ALNUM)
        return "langtag", end
    if char in "([":
        end = _run(text, position + 1, _SPACE)
        if end < len(text) and text[end] == (")" if char == "(" else "]"):
            return ("nil" if char == "(" else "anon"), end + 1
        return "punct", position + 1
    if text[position : position + 2] in _PAIRS:
        return "punct", position + 2
    if char in _SINGLE:
        return "punct", position + 1
    return None


def _plain_string(text: str, position: int) -> tuple[str, int] | None:
    """A string at `position` without a backslash in it, as _STRING reads it; None otherwise."""
    quote = text[position]
    if text.startswith(quote * 3, position):
        close = text.find(quote * 3, position + 3)
        if close >= 0:
            return None if "\\" in text[position + 3 : close] else ("string", close + 3)
    end = position + 1
    while end < len(text) and text[end] not in (quote, "\\", "\n", "\r"):
        end += 1
    if end < len(text) and text[end] == quote:
        return "string", end + 1
    return None


def _next_token(text: str, position: int) -> tuple[str, int] | None:
    """The kind and the end of the token at `position`, as `_TOKEN.match(text, position)` finds it."""
    plain = _plain_token(text, position)
    if plain is not None:
        return plain
    char = text[position]
    for kind, pattern in _BY_FIRST_CHARACTER.get(char, ()) if char.isascii() else _NON_ASCII_START:
        match = pattern.match(text, position)
        if match is not None:
            return kind, match.end()
    return None


def lex(text: str, where: str = "query") -> list[Token]:
    """The tokens of `text`, whitespace and comments dropped; QuerySyntaxError at the first character no
    terminal matches, ForbiddenQuery at a codepoint escape the two readings (module docstring) disagree on."""
    found: list[Token] = []
    opaque: list[tuple[int, int, str]] = []  # comments, IRIs and strings: (start, end, kind)
    escapes: dict[int, str] = {}  # offset of each UCHAR read inside an IRI or a string -> the token kind
    position, line, line_start = 0, 1, 0
    while position < len(text):
        found_here = _next_token(text, position)
        if found_here is None:
            line, column = _position(text, position)
            char = text[position]
            if char in "\"'":
                reason = "an unterminated string, or a backslash that is no escape of §19.8 in it"
            elif char == "<":
                reason = "'<' starts neither an IRI nor an operator"
            elif char == "\\" and _PREPASS_ESCAPE.match(text, position):
                _refuse_escape(text, where, position, "outside IRIs and strings")
            elif char == "\\":
                reason = "a backslash outside an IRI, a string or an escape of a prefixed name (PN_LOCAL_ESC)"
            else:
                reason = f"{_shown(char)} is no SPARQL 1.1 token (§19.8)"
            raise QuerySyntaxError(f"{where}:{line}:{column}: the guard cannot read the query here: {reason}")
        kind, end = found_here
        value = text[position:end]
        if kind in ("comment", "iri", "string"):
            opaque.append((position, end, kind))
        if kind not in ("space", "comment"):
            found.append(Token(kind, value, position, line, position - line_start + 1))
            if kind in ("pname", "var", "bnode") and not value.isascii():
                _check_name(found[-1], text, where)
            if kind in ("iri", "string") and "\\" in value:
                for sequence in _BACKSLASH_SEQUENCE.finditer(value):
                    if sequence.group()[1] in "uU":
                        escapes[position + sequence.start()] = kind
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = position + value.rindex("\n") + 1
        position = end
    _check_escapes(text, where, opaque, escapes)
    return found


def _allowed(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


def _check_name(token: Token, text: str, where: str) -> None:
    """Refuse a name holding a non-ASCII character outside PN_CHARS_BASE where a name starts (a prefix, a
    local part, a variable or blank node label) or outside PN_CHARS / VARNAME elsewhere (§19.8)."""
    first = {"pname": 0, "var": 1, "bnode": 2}[token.kind]  # after `?`/`$`, after `_:`
    starts = {first, token.text.index(":") + 1} if token.kind == "pname" else {first}
    for index, char in enumerate(token.text):
        if char.isascii():
            continue
        if not _allowed(char, _BASE_RANGES if index in starts else _NAME_RANGES):
            line, column = _position(text, token.start + index)
            raise QuerySyntaxError(
                f"{where}:{line}:{column}: the guard cannot read the query here: {_shown(char)} cannot "
                "stand in a name there (§19.8 PN_CHARS)"
            )


_NAMED = {"iri": "an IRI", "string": "a string", "comment": "a comment"}


def _check_escapes(
    text: str, where: str, opaque: list[tuple[int, int, str]], escapes: dict[int, str]
) -> None:
    """Refuse a codepoint escape the pre-parsing reading (§19.2) and Oxigraph's reading disagree on."""
    if "\\" not in text:
        return
    for escape in _PREPASS_ESCAPE.finditer(text):
        offset = escape.start()
        char = _decoded(escape.group())
        kind = escapes.get(offset)
        import bisect  # only for a query with a backslash

        index = bisect.bisect_right(opaque, (offset, len(text) + 1, "")) - 1  # the last one starting before
        inside = opaque[index][2] if index >= 0 and offset < opaque[index][1] else None
        if kind is None and inside == "comment":
            kind = "comment"
        if kind == "comment":
            harmless = char is None or char not in "\r\n"
        elif kind == "iri":
            harmless = char is not None and _IRI_CHAR.match(char) is not None
        elif kind == "string":
            harmless = char is not None and char not in "\"'\\\r\n"
        else:
            harmless = False
        if not harmless:
            if kind:
                place = f"inside {_NAMED[kind]}"
            elif inside:
                place = f"after an escaped backslash inside {_NAMED[inside]}"
            else:
                place = "outside IRIs and strings"
            _refuse_escape(text, where, offset, place)


def _refuse_escape(text: str, where: str, offset: int, place: str) -> NoReturn:
    escape = _PREPASS_ESCAPE.match(text, offset)
    assert escape is not None
    char = _decoded(escape.group())
    line, column = _position(text, offset)
    raise ForbiddenQuery(
        f"{where}:{line}:{column}: the codepoint escape {escape.group()} {place} may be read as "
        f"{_shown(char) if char else 'no character'} before parsing (SPARQL 1.1 §19.2) or kept as it is "
        "(Oxigraph); write the character itself"
    )


def tokens(text: str, where: str = "query") -> Iterator[tuple[str, str, int]]:
    """(kind, text, line) for each token of `text`, comments and whitespace dropped (see `lex`)."""
    for token in lex(text, where):
        yield token.kind, token.text, token.line


def iri_value(token: Token) -> str:
    """The IRI an IRIREF token writes, its codepoint escapes decoded (relative IRIs stay relative)."""
    body = token.text[1:-1]
    if "\\" not in body:
        return body
    return _BACKSLASH_SEQUENCE.sub(lambda m: _decoded(m.group()) or "\ufffd", body)


def _local_value(local: str) -> str:
    """A PN_LOCAL as part of an IRI: PN_LOCAL_ESC loses its backslash, PERCENT stays as written (§19.8)."""
    return _ESCAPED.sub(r"\1", local)


def _graph_iri(token: Token, declared: Mapping[str, str]) -> str | None:
    """The IRI a FROM target names, or None where it cannot be known (undeclared prefix, not an IRI)."""
    if token.kind == "iri":
        return iri_value(token)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in declared:
            return declared[prefix] + _local_value(local)
    return None


def _check_glued(token: Token, where: str) -> None:
    """Refuse a prefixed name whose prefix begins with a keyword of GLUED_KEYWORDS (see there)."""
    prefix = token.text.partition(":")[0].upper()
    for keyword in GLUED_KEYWORDS:
        if prefix.startswith(keyword):
            glued = token.text[: len(keyword)]
            raise ForbiddenQuery(
                f"{where}:{token.line}:{token.column}: {token.text} reads as the keyword {glued} followed by "
                f"{token.text[len(keyword) :]} to Oxigraph but as one prefixed name to the grammar; put a "
                f"space after {glued}, or rename the prefix"
            )


def check_query(
    text: str, where: str, *, allow_service: bool = False, prefixes: Mapping[str, str] | None = None
) -> bool:
    """Refuse `text` unless it is one SPARQL query that stays inside the dataset:
    - QuerySyntaxError (9): the lexer cannot read it, a bare word is no SPARQL 1.1 keyword, it nests
      deeper than MAX_NESTING, or it is not a query (SELECT, CONSTRUCT, DESCRIBE or ASK after its PREFIX
      and BASE lines);
    - QueryTooLarge (12): more than MAX_TOKENS tokens;
    - ForbiddenQuery (12): an update operation (always), SERVICE (unless `allow_service`), FROM or FROM
      NAMED naming a graph other than the dataset's, a codepoint escape read differently by two readers,
      a prefixed name glued to a keyword (GLUED_KEYWORDS, always).

    `prefixes` are the default prefixes the engine will accept besides the query's own PREFIX lines.
    Returns whether the query names its own dataset (FROM / FROM NAMED, all of them the dataset's graphs).
    """
    toks = lex(text, where)
    depth = 0
    for token in toks:
        keyword = token.keyword
        if token.kind == "punct" and token.text in "{([":
            depth += 1
            if depth > MAX_NESTING:
                raise QuerySyntaxError(
                    f"{where}:{token.line}:{token.column}: groups, brackets and parentheses nest deeper than "
                    f"{MAX_NESTING} here; the guard refuses deeper nesting (the engine's parser would crash)"
                )
        elif token.kind == "punct" and token.text in "})]":
            depth -= 1
        if token.kind == "pname":
            _check_glued(token, where)
        if keyword in UPDATE_KEYWORDS:
            raise ForbiddenQuery(
                f"{where}:{token.line}:{token.column}: {token.text} belongs to SPARQL Update; only queries "
                "are run or sent (an update never leaves the tool, --allow-service or not)"
            )
        if token.kind == "word" and keyword not in _QUERY_KEYWORDS and keyword != "a":
            raise QuerySyntaxError(
                f"{where}:{token.line}:{token.column}: {token.text!r} is no SPARQL 1.1 keyword or function "
                "name; the guard refuses what it does not know (a prefixed name needs its colon)"
            )
    if len(toks) > MAX_TOKENS:
        token = toks[MAX_TOKENS]
        raise QueryTooLarge(
            f"{where}:{token.line}:{token.column}: the query has more than {MAX_TOKENS} tokens "
            f"({len(toks)}); the guard refuses longer ones (long chains of operators, UNIONs, path steps or "
            "list items crash the engine)"
        )
    declared = dict(prefixes or {})
    index = 0
    while index < len(toks) and toks[index].keyword in ("PREFIX", "BASE"):  # the prologue (§19.8 [4])
        if toks[index].keyword == "PREFIX" and index + 2 < len(toks):
            name, namespace = toks[index + 1], toks[index + 2]
            if name.kind == "pname" and name.text.endswith(":") and namespace.kind == "iri":
                declared[name.text[:-1]] = iri_value(namespace)
            index += 3
        else:
            index += 2
    if index >= len(toks) or toks[index].keyword not in QUERY_FORMS:
        at = toks[index].start if index < len(toks) else len(text)
        line, column = _position(text, at)
        raise QuerySyntaxError(
            f"{where}:{line}:{column}: not a SPARQL query: after its PREFIX and BASE lines a query starts "
            "with SELECT, CONSTRUCT, DESCRIBE or ASK"
        )
    if not allow_service:
        for token in toks:
            if token.keyword == "SERVICE":
                raise ForbiddenQuery(
                    f"{where}:{token.line}:{token.column}: SERVICE would query a remote endpoint; rerun with "
                    "--allow-service to permit it"
                )
    own_dataset = False
    for i, token in enumerate(toks):
        if token.keyword != "FROM":
            continue
        own_dataset = True
        j = i + 2 if i + 1 < len(toks) and toks[i + 1].keyword == "NAMED" else i + 1
        target = toks[j] if j < len(toks) else None
        if target is None or _graph_iri(target, declared) not in DATASET_GRAPHS:
            shown = ", ".join(f"<{g}>" for g in sorted(DATASET_GRAPHS))
            named = target.text if target else "(nothing)"
            raise ForbiddenQuery(
                f"{where}:{token.line}:{token.column}: FROM {named} is not a graph of the dataset; "
                f"FROM may name only {shown}"
            )
    return own_dataset


def without_service(text: str, where: str = "query") -> str:
    """`text` with each `SERVICE [SILENT]` written as `GRAPH` padded with spaces (same grammar shape, same
    line and column of every other token): what an engine may parse and evaluate on an empty store to
    check a query without calling any endpoint."""
    toks = lex(text, where)
    out = list(text)
    for i, token in enumerate(toks):
        if token.keyword == "SERVICE":
            out[token.start : token.start + len(token.text)] = "GRAPH".ljust(len(token.text))
            if i + 1 < len(toks) and toks[i + 1].keyword == "SILENT":
                silent = toks[i + 1]
                out[silent.start : silent.start + len(silent.text)] = " " * len(silent.text)
    return "".join(out)


__all__ = [
    "DATASET_GRAPHS",
    "GLUED_KEYWORDS",
    "MAX_NESTING",
    "MAX_TOKENS",
    "QUERY_FORMS",
    "UPDATE_KEYWORDS",
    "Token",
    "check_query",
    "iri_value",
    "lex",
    "tokens",
    "without_service",
]
