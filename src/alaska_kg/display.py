"""Text from outside shown to people without the characters that drive a terminal: one function, `printable`.

An endpoint's answer, a SERVICE result, a Wikidata label or error message, a data literal, a path or a
user's query text may hold control characters. Written raw to a terminal, ESC sequences (ECMA-48) retitle
the window (`ESC ] 0 ; … BEL`), recolour it, move the cursor or rewrite what is already on screen; a bidi
override (Unicode Bidirectional Algorithm, UAX #9) makes a line read in another order than it is stored.
Every view meant for people (tables, Markdown, describe, stats, messages) goes through `printable`, which
writes each such character as a visible escape instead. The machine formats (CSV, TSV, JSON results,
Turtle, JSON-LD, N-Quads) are not shown through it: they carry the data exactly.
"""

from __future__ import annotations

from alaska_kg.lazyregex import LazyRegex

TYPE_CHECKING = False  # typing is not imported on the query path (~2.5 ms)
if TYPE_CHECKING:
    import re
    from typing import TextIO

# C0 controls, DEL, C1 controls (ECMA-48 §5), the bidi embeddings, overrides and isolates (UAX #9 §2),
# the Unicode line and paragraph separators (which end a line where a reader would not expect it), and
# lone surrogates (PEP 383: undecodable bytes of an argument), which no UTF-8 output could encode.
_OTHERS = "\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff"
_UNSAFE = LazyRegex(f"[\x00-\x0a{_OTHERS}]")
_UNSAFE_BUT_NEWLINE = LazyRegex(f"[\x00-\x09{_OTHERS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """`text` with every control character written as an escape: ESC → `\\x1b`, U+202E → `\\u202e`,
    a line break → `\\n` (kept as a line break when `newlines`, for text of several lines).

    Lone surrogates (from undecodable bytes in a command-line argument) become `\\udcff` and the like, so
    that the result can always be encoded as UTF-8. Backslashes are left alone: the result is for reading.
    """
    if text.isprintable():  # every character escaped here is unprintable: none to escape, no `re` to load
        return text
    return (_UNSAFE_BUT_NEWLINE if newlines else _UNSAFE).sub(_escape, text)


def _narrow(char: str) -> bool:
    """A character the table below gives one column, known without it: Latin-1 and Latin Extended-A/B
    (U+00A0-U+024F, but the soft hyphen, a format character) and the dashes, quotes, bullets and ellipsis
    of General Punctuation (U+2010-U+2027), the non-ASCII characters of this graph's text
    (tests/test_cold_path.py checks each against the table)."""
    return ("\xa0" <= char < "\u0250" and char != "\xad") or "\u2010" <= char <= "\u2027"


def columns(text: str) -> int:
    """How many terminal columns `text` takes (UAX #11): wide and fullwidth characters two, combining marks
    and format characters none, the rest one. The standard library's table, not wcwidth: measured the same
    on this graph's text at no import cost (docs/architecture.md)."""
    if text.isascii() or all(char.isascii() or _narrow(char) for char in text):
        return len(text)
    from unicodedata import category, east_asian_width  # a shared library to load: only when needed

    width = 0
    for char in text:
        if category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if east_asian_width(char) in ("W", "F") else 1
    return width


def fit(text: str, limit: int) -> str:
    """`text` cut to at most `limit` terminal columns, ending in "…" where it was cut."""
    if columns(text) <= limit:
        return text
    kept, width = [], 0
    for char in text:
        step = columns(char)
        if width + step > limit - 1:
            break
        kept.append(char)
        width += step
    return "".join(kept) + "…"


def undecodable_at(text: str) -> int | None:
    """The index of the first byte of `text` that was not UTF-8, or None.

    Python hands over command-line arguments and environment values that are not UTF-8 with each bad byte
    as a lone surrogate U+DC80–U+DCFF (PEP 383); no UTF-8 text (a query, an IRI, a literal) can hold one.
    """
    try:
        text.encode("utf-8")  # UTF-8 encodes every code point but the surrogates, and stops at the first
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def one_line(text: str) -> str:
    """`text` on one line, for a message: runs of whitespace become one space, then `printable`."""
    return printable(" ".join(text.split()))


class PrintableWriter:
    """A text stream for people that writes everything through `printable` (line breaks kept), for the
    commands whose whole output quotes outside text (`link check`: Wikidata's labels and descriptions)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text, newlines=True))

    def flush(self) -> None:
        self.stream.flush()


__all__ = ["PrintableWriter", "columns", "fit", "one_line", "printable", "undecodable_at"]
