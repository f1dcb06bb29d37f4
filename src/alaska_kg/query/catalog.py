"""The canned queries in queries/: find one by name or file, list them, suggest names for a typo.

One source for `alaska-kg query NAME`, `alaska-kg queries` and the query documentation: a query's id is
its file name without `.rq` (`queries/participants.rq` is `participants`); `queries/checks/*.rq` are
integrity queries, listed apart and run by the name `checks/NAME`.
"""

from __future__ import annotations

import os

from alaska_kg import pathtext
from alaska_kg.display import undecodable_at
from alaska_kg.errors import QueryHeaderError, QueryNotFound, QuerySyntaxError
from alaska_kg.lazyregex import LazyRegex
from alaska_kg.paths import Layout
from alaska_kg.query.header import QueryHeader, parse_header
from alaska_kg.records import Record

TYPE_CHECKING = False  # pathlib is not imported on the query path (alaska_kg.pathtext)
if TYPE_CHECKING:
    from pathlib import Path

CHECKS_DIR = "checks"
FEDERATED_TAG = "federated"
SUFFIX = ".rq"
ID_PATTERN = LazyRegex(r"[a-z0-9]+(-[a-z0-9]+)*\Z")  # = is_query_id, for callers that want a pattern
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def is_query_id(name: str) -> bool:
    """`name` is a canned query's id: lower-case letters and digits, in words joined by single `-`."""
    return all(word and _ID_CHARS.issuperset(word) for word in name.split("-"))


class QuerySource(Record):
    """One query: where it comes from, its text and its header (empty for an inline query)."""

    __slots__ = ()
    _fields = ("id", "text", "header", "path")
    _defaults = (None,)
    id: str  # the canned name, the file path, or "--sparql"
    text: str
    header: QueryHeader
    path: str | None  # the file, as text

    @property
    def federated(self) -> bool:
        """Tagged `federated`: it asks a remote endpoint (SERVICE) and runs only with --allow-service."""
        return FEDERATED_TAG in self.header.tags

    @property
    def where(self) -> str:
        """How error messages name the query: its file, or `--sparql` for inline text."""
        return self.path if self.path is not None else self.id


def read_query(path: Path | str, query_id: str | None = None, *, require_header: bool = False) -> QuerySource:
    """Read a .rq file and its header; a canned query (`require_header`) must have one with a summary."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise QueryNotFound(f"{path}: no such query file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryNotFound(f"{path}: cannot read the query file: {exc}") from None
    header = parse_header(text, path)
    if require_header and not header.present:
        raise QueryHeaderError(f"{path}:1: query header: missing (a canned query opens with '#+ summary: …')")
    for param in header.params:
        import re  # only for a query with parameters (a parameter's name is a SPARQL variable name)

        if not re.search(rf"[?$]{param.name}\b", text):
            reason = f"parameter {param.name!r} is not a variable of the query (?{param.name})"
            raise QueryHeaderError(f"{path}: query header: {reason}")
        if header.columns and param.name not in header.columns:  # SEP-0007 binds projected variables only
            raise QueryHeaderError(
                f"{path}: query header: parameter {param.name!r} must be one of the columns"
            )
    return QuerySource(id=query_id or str(path), text=text, header=header, path=path)


def inline_query(text: str) -> QuerySource:
    """A query given on the command line (`--sparql TEXT`): no header, no parameters; UTF-8 text only."""
    bad_byte = undecodable_at(text)
    if bad_byte is not None:
        line = text.count("\n", 0, bad_byte) + 1
        column = bad_byte - (text.rfind("\n", 0, bad_byte) + 1) + 1
        byte = ord(text[bad_byte]) - 0xDC00
        raise QuerySyntaxError(f"--sparql:{line}:{column}: not UTF-8 text (byte 0x{byte:02x})")
    return QuerySource(id="--sparql", text=text, header=QueryHeader())


def query_ids(layout: Layout, *, checks: bool = False) -> tuple[str, ...]:
    """The ids of the canned queries (or, with `checks`, of the integrity queries as `checks/NAME`)."""
    folder = layout.queries_dir / CHECKS_DIR if checks else layout.queries_dir
    prefix = f"{CHECKS_DIR}/" if checks else ""
    return tuple(prefix + p.stem for p in sorted(folder.glob(f"*{SUFFIX}")) if p.is_file())


def canned_queries(layout: Layout) -> tuple[QuerySource, ...]:
    """Every canned query (checks excepted), read and header-checked, sorted by id."""
    return tuple(find_query(layout, query_id) for query_id in query_ids(layout))


def find_query(layout: Layout, name: str) -> QuerySource:
    """The query `name`: a path to an existing .rq file, a canned id, or `checks/ID`."""
    if name.endswith(SUFFIX) and pathtext.is_file(name):
        return read_query(name)
    checks = name.startswith(f"{CHECKS_DIR}/")
    base = name.removeprefix(f"{CHECKS_DIR}/")
    if is_query_id(base):
        folder = pathtext.join(layout.folder, "queries", *((CHECKS_DIR,) if checks else ()))
        path = pathtext.join(folder, f"{base}{SUFFIX}")
        if pathtext.is_file(path):
            return read_query(path, name, require_header=True)
    if name.endswith(SUFFIX):
        raise QueryNotFound(f"{name}: no such query file")
    known = query_ids(layout) + query_ids(layout, checks=True)
    import difflib  # only to suggest a name: off the path of every query that is found

    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise QueryNotFound(f"no query named {name!r}{hint} (`alaska-kg queries` lists them)")


__all__ = [
    "FEDERATED_TAG",
    "ID_PATTERN",
    "QuerySource",
    "canned_queries",
    "find_query",
    "inline_query",
    "is_query_id",
    "query_ids",
    "read_query",
]
