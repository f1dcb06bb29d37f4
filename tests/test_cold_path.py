"""Issue 12, the cold query path: what was made cheaper at start-up computes exactly what it did before.

SHA-256 taken from OpenSSL without hashlib, regular expressions compiled on first use, the checks of the
query header and of query ids written without one, the guard's name classes written as ranges, the
display's shortcut for plain ASCII: each is compared here with the form it replaced (kept below as the
reference), over chosen and generated inputs. No timings: benchmarks/cold_query.py.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alaska_kg import display
from alaska_kg.cli.query import seconds
from alaska_kg.lazyregex import LazyRegex
from alaska_kg.query import catalog, guard, header
from alaska_kg.sha256 import sha256

# ---------------------------------------------------------------- SHA-256


@pytest.mark.parametrize("size", [0, 1, 55, 56, 64, 1000, 2047, 2048, 1 << 20])
def test_sha256_is_hashlib_s(size: int) -> None:
    """If bytes are hashed by alaska_kg.sha256, then the digest is hashlib's, whole or fed in parts."""
    data = bytes((i * 7 + size) % 256 for i in range(size))
    assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    parts = sha256()
    for start in range(0, size, 997):
        parts.update(data[start : start + 997])
    assert parts.hexdigest() == hashlib.sha256(data).hexdigest()


def test_the_manifest_digest_of_the_dataset_is_hashlib_s(dataset_file) -> None:
    """If the built N-Quads are checked against their manifest, then the digest compared is hashlib's."""
    from alaska_kg.manifest import digest, read_manifest

    data = dataset_file.read_bytes()
    assert digest(data) == hashlib.sha256(data).hexdigest()
    manifest = read_manifest(dataset_file.parent)
    assert manifest is not None and manifest.entries[dataset_file.name].sha256 == digest(data)


# ---------------------------------------------------------------- regular expressions on first use


def test_a_lazy_regex_matches_as_the_compiled_pattern_does() -> None:
    """If a LazyRegex is used, then every method answers as re.compile's pattern does; it compiles once."""
    source = r"(?s)error at (\d+):(\d+):\s*(.*)"
    lazy, compiled = LazyRegex(source), re.compile(source)
    assert lazy._compiled is None
    text = "x error at 3:14: bad\nthing"
    assert lazy.search(text).groups() == compiled.search(text).groups()
    assert lazy.match(text) is None and compiled.match(text) is None
    assert lazy.sub("-", text) == compiled.sub("-", text)
    assert [m.span() for m in lazy.finditer(text * 2)] == [m.span() for m in compiled.finditer(text * 2)]
    assert lazy._compiled is compiled or lazy._compiled.pattern == source
    assert lazy.pattern == source


# ---------------------------------------------------------------- the query header without regexes

_OLD_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_OLD_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: (.*)|)\Z")
_OLD_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
_NAMEISH = st.text(alphabet="aZ_-09:. é٣\t#", max_size=12)
_LINES = _NAMEISH | st.sampled_from(["summary: x", "tags:", "a-b: c", "k:v", "k:  v", ": x", "_: y", "k: "])


@given(_NAMEISH)
def test_a_name_is_checked_as_the_regex_did(text: str) -> None:
    """If a parameter name or field key is checked, then it passes exactly when the old pattern matched."""
    assert header._is_name(text) == bool(_OLD_VARNAME.match(text))


@given(_LINES)
def test_a_key_line_is_read_as_the_regex_did(text: str) -> None:
    """If a header line is read as `key: value`, then key and value are the old pattern's groups."""
    match = _OLD_KEY_LINE.match(text)
    expected = (match[1], match[2] or "") if match else None
    assert header._key_line(text) == expected


@given(st.text(alphabet="ab09-z_A", max_size=10) | st.sampled_from(["", "-", "a-", "-a", "a--b", "a-b-c9"]))
def test_a_query_id_is_checked_as_the_regex_did(name: str) -> None:
    """If a name is checked as a canned query's id, then it passes exactly when the old pattern matched."""
    assert catalog.is_query_id(name) == bool(_OLD_ID.match(name))
    assert bool(catalog.ID_PATTERN.match(name)) == bool(_OLD_ID.match(name))


@given(st.text(alphabet="0123456789+-.eExob_:TtZ ainfNAy٣", min_size=1, max_size=12))
def test_a_plain_scalar_is_refused_as_the_regex_did(raw: str) -> None:
    """If a plain scalar may read as a number, time or date to YAML, then it is refused exactly when the
    old check (the pattern over every scalar) refused it."""
    old = raw.lower() in header._YAML_WORDS or bool(re.fullmatch(header._NOT_TEXT.pattern, raw))
    assert header._not_text(raw) == old


# ---------------------------------------------------------------- the guard's name classes


def _old_names(ascii_chars: str) -> str:
    return "[^" + "".join(f"\\x{c:02x}" for c in range(128) if chr(c) not in ascii_chars) + "]"


@pytest.mark.parametrize(
    "chars",
    [
        guard._BASE,
        guard._U + guard._DIGITS,
        guard._CHARS,
        guard._CHARS + ".",
        guard._CHARS + ":",
        guard._CHARS + ".:",
        guard._U + ":" + guard._DIGITS,
    ],
)
def test_a_name_class_written_as_ranges_takes_the_same_characters(chars: str) -> None:
    """If a name class of the guard's lexer is written as ranges, then it takes exactly the code points the
    class written one escape per character took."""
    new, old = re.compile(guard._names(chars)), re.compile(_old_names(chars))
    assert guard._names(chars).count("\\x") < _old_names(chars).count("\\x")
    for code in range(0x110000):
        char = chr(code)
        assert bool(new.match(char)) == bool(old.match(char)), hex(code)


# ---------------------------------------------------------------- the guard's lexer, terminal by terminal

REPO_ROOT = Path(__file__).resolve().parents[1]
_QUERY_TEXTS = sorted(
    path
    for pattern in ("*.rq", "*.ru")
    for folder in ("queries", "tests")
    for path in (REPO_ROOT / folder).rglob(pattern)
)


def _same_tokens_everywhere(text: str) -> None:
    for position in range(len(text)):
        whole = guard._TOKEN.match(text, position)
        expected = (whole.lastgroup, whole.end()) if whole is not None else None
        assert guard._next_token(text, position) == expected, (text[position : position + 20], position)


def test_the_guard_reads_every_known_query_as_the_one_pattern_did() -> None:
    """If the lexer tries only the terminals that can start with the character at hand, then at every
    position of every query we have (the canned ones, the checks, the W3C syntax tests, good and bad,
    queries and updates) it finds the token the one pattern of all terminals found, or none where it found
    none."""
    assert len(_QUERY_TEXTS) > 300
    for path in _QUERY_TEXTS:
        _same_tokens_everywhere(path.read_bytes().decode("utf-8", "surrogateescape"))


_SPARQLISH = st.text(
    alphabet=st.sampled_from(
        [
            *"aeSRVICExyz_09:.?$@<>\"'#{}()[];,*/|^!=+-&%\\ \t\r\nuUeE",
            *("é", "\u00b7", "\u203f", "\u0300", "\U00010000", "\ufffe", "\u00d7", "\u2028"),
        ]
    ),
    max_size=40,
)


@given(_SPARQLISH)
def test_the_guard_reads_any_text_as_the_one_pattern_did(text: str) -> None:
    """If any text is read by the guard's lexer, then at every position it finds what the one pattern of
    all terminals found."""
    _same_tokens_everywhere(text)


def test_a_canned_query_compiles_only_the_terminals_it_uses() -> None:
    """If the participants query is read, then only the terminals that start one of its tokens are tried,
    and strings, blank nodes, language tags, NIL, ANON and the lexer as one pattern are never compiled."""
    import subprocess
    import sys

    code = (
        "from alaska_kg.query import guard\n"
        f"guard.lex(open({str(REPO_ROOT / 'queries' / 'participants.rq')!r}).read())\n"
        "compiled = sorted({k for c in guard._BY_FIRST_CHARACTER.values() for k, p in c if p._compiled})\n"
        "print(compiled, guard._TOKEN._compiled is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # `.` ends a triple, and is tried as a number (`.5`) first
    assert out.strip() == "['comment', 'iri', 'number', 'pname', 'punct', 'space', 'var', 'word'] True"


# ---------------------------------------------------------------- display and the command line

_OLD_SURROGATE = re.compile("[\ud800-\udfff]")


@given(st.text(max_size=20) | st.sampled_from(["plain", "tab\there", "a\nb", "\x1b[31m", "é\u202e"]))
def test_printable_text_is_escaped_as_before(text: str) -> None:
    """If text is made printable, then the ASCII shortcut changes nothing: the result is the pattern's."""
    for newlines in (False, True):
        pattern = display._UNSAFE_BUT_NEWLINE if newlines else display._UNSAFE
        assert display.printable(text, newlines=newlines) == re.sub(pattern.pattern, display._escape, text)


@given(st.text(max_size=12) | st.sampled_from(["a\udcffb", "\ud800", "ok", "é\udc80"]))
def test_an_undecodable_byte_is_found_where_the_regex_found_it(text: str) -> None:
    """If an argument holds lone surrogates (bytes that were not UTF-8), then the first is found, as
    before."""
    found = _OLD_SURROGATE.search(text)
    assert display.undecodable_at(text) == (found.start() if found else None)


@pytest.mark.parametrize(
    "text", ["1", "0.5", "1e3", "0", "-1", "nan", "inf", "-inf", "1e400", "x", " 2 ", "1_0"]
)
def test_a_timeout_is_read_as_before(text: str) -> None:
    """If --timeout is given `text`, then it is accepted exactly when it is a positive finite number."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isfinite(value) and value > 0:
        assert seconds(text) == value
    else:
        with pytest.raises(ValueError):
            seconds(text)
