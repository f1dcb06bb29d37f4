"""The `#+ ` header of a .rq file: a strict, tiny subset of YAML, parsed without a YAML library.

Why not PyYAML: the header is five keys of strings and lists, the query path must stay light (no extra
dependency, no import cost on every `alaska-kg query`), and PyYAML is lenient where we want errors (it keeps
the last of two duplicate keys, types `yes` as a boolean, and knows nothing of our keys). Every header this
parser accepts parses to the same values under YAML 1.2 (tests/test_query_header.py checks the shipped
queries against PyYAML when it is installed); anything outside the subset is an error naming file and line.

The subset, after the `#+ ` prefix is removed from each line:

    summary: One line of plain text            (plain or 'single' / "double" quoted scalar)
    description: >                             (folded `>` or literal `|` block, indented lines)
      Longer text, folded into one paragraph.
    tags: [people, offices]                    (flow sequence of scalars, or a block sequence `- item`)
    columns: [person, side, office]
    params:                                    (block sequence of mappings, flow `{…}` or block form)
      - {name: actor, type: iri, example: akr:yang-jiechi}
      - name: day
        type: date
"""

from __future__ import annotations

from alaska_kg.errors import QueryHeaderError
from alaska_kg.lazyregex import LazyRegex
from alaska_kg.records import Record

TYPE_CHECKING = False  # typing is not imported on the query path (~2.5 ms): its names only for checkers
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Literal

    ParamType = Literal["iri", "string", "date", "integer"]
else:
    ParamType = str
PARAM_TYPES: tuple[str, ...] = ("iri", "string", "date", "integer")  # = ParamType's values
KEYS = ("summary", "description", "tags", "columns", "params")
PARAM_KEYS = ("name", "type", "description", "example")
HEADER_MARK = "#+"

# Names: [A-Za-z_][A-Za-z0-9_]* (a variable), with `-` too after the first character (a key); checked
# without a regular expression, as every key line of every header is.
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME_REST = _NAME_START | frozenset("0123456789")
_KEY_REST = _NAME_REST | {"-"}
# YAML indicators that may not start a plain scalar, and sequences that may not occur inside one.
_PLAIN_BAD_START = (*"[]{}>|*&!%@`'\",#?:", "- ")
_FLOW_BAD_CHARS = set(",[]{}")
# Plain scalars that YAML 1.1 or 1.2 reads as null, booleans, numbers, times or dates, not as text.
_YAML_WORDS = {"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"}
# Each alternative starts with a sign, a dot or a (Unicode: \d) decimal digit: see `_not_text`.
_NOT_TEXT = LazyRegex(
    r"[-+]?(\.\d+|\d[\d_]*(\.\d*)?)([eE][-+]?\d+)?"  # numbers
    r"|[-+]?\.(inf|Inf|INF|nan|NaN|NAN)|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+"
    r"|[-+]?\d[\d_]*(:[0-5]?\d)+(\.\d*)?"  # YAML 1.1 sexagesimal
    r"|\d{4}-\d\d?-\d\d?([Tt ].*)?"  # YAML 1.1 timestamps
)


def _is_name(text: str, rest: frozenset[str] = _NAME_REST) -> bool:
    """`text` is a name: [A-Za-z_] then characters of `rest` (a variable's; a key's allows `-` too)."""
    return bool(text) and text[0] in _NAME_START and all(char in rest for char in text[1:])


def _key_line(text: str) -> tuple[str, str] | None:
    """(key, value) of a line `key: value` or `key:`, else None."""
    key, colon, rest = text.partition(":")
    if not colon or not _is_name(key, _KEY_REST) or (rest and not rest.startswith(" ")):
        return None
    return key, rest[1:]


def _not_text(raw: str) -> bool:
    """Whether YAML reads the plain scalar `raw` as null, a boolean, a number, a time or a date."""
    if raw.lower() in _YAML_WORDS:
        return True
    return (raw[0] in "+-." or raw[0].isdecimal()) and _NOT_TEXT.fullmatch(raw) is not None


class Param(Record):
    """A parameter the query declares: bound, when given, to the variable of the same name."""

    __slots__ = ()
    _fields = ("name", "type", "description", "example")
    _defaults = ("", "")
    name: str
    type: ParamType
    description: str
    example: str


class QueryHeader(Record):
    """The metadata of one .rq file, as its `#+ ` header states it."""

    __slots__ = ()
    _fields = ("summary", "description", "tags", "columns", "params", "present")
    _defaults = ("", "", (), (), (), False)
    summary: str
    description: str
    tags: tuple[str, ...]
    columns: tuple[str, ...]
    params: tuple[Param, ...]
    present: bool  # whether the file has a header at all


class _Line(Record):
    __slots__ = ()
    _fields = ("number", "indent", "text")
    number: int  # 1-based line of the file
    indent: int
    text: str  # without the indentation


class _Parser:
    def __init__(self, path: Path | str, lines: list[_Line]) -> None:
        self.path = path
        self.lines = lines
        self.pos = 0

    def fail(self, line: int, reason: str) -> QueryHeaderError:
        return QueryHeaderError(f"{self.path}:{line}: query header: {reason}")

    # ------------------------------------------------------------------ scalars

    def scalar(self, raw: str, line: int, *, flow: bool = False) -> str:
        """A plain, 'single'- or "double"-quoted scalar, refusing what YAML would read otherwise."""
        raw = raw.strip()
        if not raw:
            raise self.fail(line, "empty value")
        if raw[0] in "'\"":
            return self._quoted(raw, line)
        if raw.startswith(_PLAIN_BAD_START) or raw == "-":
            raise self.fail(line, f"value {raw!r} must be quoted (it starts with a YAML indicator)")
        if ": " in raw or raw.endswith(":") or " #" in raw:
            raise self.fail(line, f"value {raw!r} must be quoted (it contains ': ' or ' #')")
        if flow and _FLOW_BAD_CHARS & set(raw):
            raise self.fail(line, f"value {raw!r} must be quoted (it contains one of , [ ] {{ }})")
        if _not_text(raw):
            raise self.fail(line, f"value {raw!r} must be quoted (YAML would not read it as text)")
        return raw

    def _quoted(self, raw: str, line: int) -> str:
        quote = raw[0]
        body, end = [], 1
        while end < len(raw):
            char = raw[end]
            if quote == "'" and char == "'":
                if raw[end + 1 : end + 2] == "'":
                    body.append("'")
                    end += 2
                    continue
                break
            if quote == '"' and char == "\\":
                escaped = raw[end + 1 : end + 2]
                if escaped not in ('"', "\\"):
                    raise self.fail(line, f"unsupported escape \\{escaped} in {raw!r}")
                body.append(escaped)
                end += 2
                continue
            if quote == '"' and char == '"':
                break
            body.append(char)
            end += 1
        else:
            raise self.fail(line, f"unterminated quoted value {raw!r}")
        if raw[end + 1 :].strip():
            raise self.fail(line, f"unexpected text after the quoted value {raw!r}")
        return "".join(body)

    def flow_items(self, raw: str, line: int, opening: str, closing: str) -> list[str]:
        """The comma-separated items between `opening` and `closing` (quotes respected)."""
        if not raw.endswith(closing):
            raise self.fail(line, f"{opening}…{closing} must close on the same line")
        inner, items, current, quote = raw[1:-1], [], "", ""
        for char in inner:
            if quote:
                current += char
                if char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
                current += char
            elif char == ",":
                items.append(current)
                current = ""
            else:
                current += char
        if quote:
            raise self.fail(line, f"unterminated quoted value in {raw!r}")
        items.append(current)
        if len(items) == 1 and not items[0].strip():
            return []
        if any(not item.strip() for item in items):
            raise self.fail(line, f"empty item in {raw!r}")
        return [item.strip() for item in items]

    # ------------------------------------------------------------------ values

    def block_lines(self, parent_indent: int) -> list[_Line]:
        """The lines after the current one that are indented deeper than `parent_indent`."""
        block = []
        while self.pos < len(self.lines) and (
            not self.lines[self.pos].text or self.lines[self.pos].indent > parent_indent
        ):
            block.append(self.lines[self.pos])
            self.pos += 1
        while block and not block[-1].text:
            block.pop()
        return block

    def text_block(self, style: str, parent: _Line) -> str:
        block = self.block_lines(parent.indent)
        if not block:
            raise self.fail(parent.number, f"'{style}' must be followed by indented lines")
        indent = block[0].indent
        for item in block:
            if item.text and item.indent != indent:
                raise self.fail(item.number, "lines of a text block must share one indentation")
        if style.startswith("|"):
            return "\n".join(item.text for item in block)
        paragraphs: list[list[str]] = [[]]
        for item in block:
            if item.text:
                paragraphs[-1].append(item.text)
            else:
                paragraphs.append([])
        return "\n".join(" ".join(words) for words in paragraphs if words)

    def string_list(self, raw: str, parent: _Line) -> list[str]:
        if raw:
            if not raw.startswith("["):
                raise self.fail(parent.number, "expected a list: [a, b] or indented '- item' lines")
            items = self.flow_items(raw, parent.number, "[", "]")
            return [self.scalar(item, parent.number, flow=True) for item in items]
        values = []
        for first, more in self.sequence(parent):
            if more:
                raise self.fail(more[0].number, "a list item continues on this line; expected '- item' lines")
            if first.text.startswith(("{", "[")) or _key_line(first.text) is not None:
                raise self.fail(first.number, "expected a plain list item")
            values.append(self.scalar(first.text, first.number))
        return values

    def sequence(self, parent: _Line) -> list[tuple[_Line, list[_Line]]]:
        """The items of a block sequence: each `- ` line with the lines that continue it (a block mapping)."""
        block = [line for line in self.block_lines(parent.indent) if line.text]
        if not block:
            raise self.fail(parent.number, "expected a list: [a, b] or indented '- item' lines")
        dash = block[0].indent
        items: list[tuple[_Line, list[_Line]]] = []
        for line in block:
            if line.indent == dash:
                if not line.text.startswith("- "):
                    raise self.fail(line.number, "expected '- ' starting a list item")
                rest = line.text[2:].lstrip(" ")
                items.append((_Line(line.number, dash + len(line.text) - len(rest), rest), []))
            elif items and line.indent == items[-1][0].indent:
                items[-1][1].append(line)
            else:
                raise self.fail(line.number, "inconsistent indentation in a list")
        return items

    def params(self, raw: str, parent: _Line) -> list[Param]:
        if raw == "[]":
            return []
        if raw:
            raise self.fail(parent.number, "params: expected indented '- {name: …, type: …}' lines")
        params: list[Param] = []
        for first, more in self.sequence(parent):
            fields: dict[str, str] = {}
            if first.text.startswith("{"):
                if more:
                    raise self.fail(more[0].number, "a {…} parameter must fit on one line")
                for field in self.flow_items(first.text, first.number, "{", "}"):
                    self._add_field(fields, field, first.number, flow=True)
            else:
                for line in (first, *more):
                    self._add_field(fields, line.text, line.number)
            param = self._param(fields, first.number)
            if any(p.name == param.name for p in params):
                raise self.fail(first.number, f"parameter {param.name!r} declared twice")
            params.append(param)
        return params

    def _add_field(self, fields: dict[str, str], text: str, line: int, *, flow: bool = False) -> None:
        key, sep, value = text.partition(":")
        key = key.strip()
        if not sep or (value and not value.startswith(" ")) or not _is_name(key):
            raise self.fail(line, f"expected 'key: value', got {text.strip()!r}")
        if key not in PARAM_KEYS:
            raise self.fail(line, f"unknown parameter field {key!r} (known: {', '.join(PARAM_KEYS)})")
        if key in fields:
            raise self.fail(line, f"parameter field {key!r} given twice")
        fields[key] = self.scalar(value, line, flow=flow)

    def _param(self, fields: dict[str, str], line: int) -> Param:
        for required in ("name", "type"):
            if required not in fields:
                raise self.fail(line, f"parameter without {required!r}")
        if not _is_name(fields["name"]):
            raise self.fail(line, f"parameter name {fields['name']!r} is not a SPARQL variable name")
        if fields["type"] not in PARAM_TYPES:
            raise self.fail(line, f"parameter type {fields['type']!r} is not one of {', '.join(PARAM_TYPES)}")
        return Param(
            fields["name"],
            fields["type"],
            fields.get("description", ""),  # type: ignore[arg-type]
            fields.get("example", ""),
        )

    # ------------------------------------------------------------------ document

    def document(self) -> dict[str, object]:
        values: dict[str, object] = {}
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            self.pos += 1
            if not line.text:
                continue
            if line.indent:
                raise self.fail(line.number, "unexpected indentation")
            pair = _key_line(line.text)
            if pair is None:
                raise self.fail(line.number, f"expected 'key: value', got {line.text!r}")
            key, raw = pair[0], pair[1].strip()
            if key not in KEYS:
                raise self.fail(line.number, f"unknown key {key!r} (known: {', '.join(KEYS)})")
            if key in values:
                raise self.fail(line.number, f"key {key!r} given twice")
            values[key] = self.value(key, raw, line)
        return values

    def value(self, key: str, raw: str, line: _Line) -> object:
        if key in ("tags", "columns"):
            return tuple(self.string_list(raw, line))
        if key == "params":
            return tuple(self.params(raw, line))
        text = self.text_block(raw, line) if raw in (">", "|", ">-", "|-") else self.scalar(raw, line.number)
        if key == "summary" and "\n" in text:
            raise self.fail(line.number, "summary must be one line")
        return text


def header_lines(text: str, path: Path | str) -> list[_Line]:
    """The `#+` lines opening `text` (blank lines may precede them), with the `#+ ` prefix removed."""
    lines: list[_Line] = []
    state = "before"  # → "in" at the first `#+` line → "after" at the first other line
    for number, raw in enumerate(text.splitlines(), start=1):
        raw = raw.rstrip()
        if not raw.startswith(HEADER_MARK):
            if raw.lstrip().startswith(HEADER_MARK):
                raise QueryHeaderError(f"{path}:{number}: query header: '#+' must start the line")
            if raw or state == "in":
                state = "after"
            continue
        if state == "after":
            raise QueryHeaderError(
                f"{path}:{number}: query header: '#+' lines must form one block at the top"
            )
        state = "in"
        rest = raw[len(HEADER_MARK) :]
        if rest and not rest.startswith(" "):
            raise QueryHeaderError(f"{path}:{number}: query header: expected a space after '#+'")
        content = rest[1:]
        body = content.lstrip(" ")
        if body.startswith("\t"):
            raise QueryHeaderError(f"{path}:{number}: query header: tabs cannot indent YAML")
        if body.startswith("#"):
            body = ""  # a YAML comment line
        lines.append(_Line(number, len(content) - len(body) if body else 0, body))
    return lines


def parse_header(text: str, path: Path | str) -> QueryHeader:
    """The header of the query `text` read from `path`; an empty QueryHeader if it has none."""
    lines = header_lines(text, path)
    if not lines:
        return QueryHeader()
    values = _Parser(path, lines).document()
    first = lines[0].number
    if "summary" not in values:
        raise QueryHeaderError(f"{path}:{first}: query header: 'summary' is required")
    return QueryHeader(present=True, **values)  # type: ignore[arg-type]


__all__ = ["KEYS", "PARAM_TYPES", "Param", "ParamType", "QueryHeader", "parse_header"]
