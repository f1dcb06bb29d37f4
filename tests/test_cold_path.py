"""Issue 12, the cold query path: what was made cheaper at start-up computes exactly what it did before.

SHA-256 taken from OpenSSL without hashlib, regular expressions compiled on first use, the checks of the
query header and of query ids written without one, the guard's name classes written as ranges, the
display's shortcut for plain ASCII: each is compared here with the form it replaced (kept below as the
reference), over chosen and generated inputs. No timings: benchmarks/cold_query.py.
"""

from __future__ import annotations

import hashlib
import math
import os
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


def test_every_canned_query_is_read_without_re() -> None:
    """If every canned query and check is read by the guard, then the hand-written reading of the
    terminals (`_plain_token`) is sure of every token: no pattern is compiled and `re` is never imported."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom alaska_kg.query import guard\n"
        f"for path in {[str(p) for p in _QUERY_TEXTS if p.is_relative_to(REPO_ROOT / 'queries')]!r}:\n"
        "    guard.check_query(open(path, encoding='utf-8').read(), path, allow_service=True)\n"
        "compiled = sorted({k for c in guard._BY_FIRST_CHARACTER.values() for k, p in c if p._compiled})\n"
        "print(compiled, guard._TOKEN._compiled is None, 're' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] True False"


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


# ---------------------------------------------------------------- records, paths as text, narrow characters


def test_a_record_behaves_as_the_named_tuple_it_replaced() -> None:
    """If a Record subclass is made, then it reads, compares, replaces, converts, prints and pickles as
    `collections.namedtuple` with the same fields and defaults does, and nothing can be set on it."""
    import collections
    import pickle

    from alaska_kg.query.run import Answer

    Old = collections.namedtuple(
        "Answer",
        ("kind", "variables", "solutions", "boolean", "triples", "cut", "rows"),
        defaults=((), None, False, (), False, None),
    )
    new, old = Answer("select", ("a",), cut=True), Old("select", ("a",), cut=True)
    assert new == old and tuple(new) == tuple(old) and hash(new) == hash(old)
    assert (new.kind, new.variables, new.cut, new.boolean) == (old.kind, old.variables, old.cut, old.boolean)
    assert new._replace(cut=False) == old._replace(cut=False) and type(new._replace()) is Answer
    assert new._asdict() == dict(old._asdict())
    assert repr(new) == repr(old)
    assert pickle.loads(pickle.dumps(new)) == new and type(pickle.loads(pickle.dumps(new))) is Answer
    with pytest.raises(AttributeError):
        new.cut = False  # type: ignore[misc]
    with pytest.raises(AttributeError):
        new.other = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        Answer()
    with pytest.raises(TypeError):
        Answer("ask", bogus=1)
    with pytest.raises(ValueError):
        new._replace(bogus=1)


_PATHS = [
    "a",
    "a/b",
    "/a/b.ttl",
    "/a/b.tar.gz",
    "a/.hidden",
    "a/name.",
    "/",
    "a/b/",
    "./x.rq",
    "../y",
    "x.TTL",
]


@pytest.mark.parametrize("text", _PATHS)
def test_a_path_as_text_reads_as_pathlib_reads_it(text: str) -> None:
    """If a path is taken apart as text (alaska_kg.pathtext), then name, parent and suffix are pathlib's."""
    from alaska_kg import pathtext

    path = Path(text)
    assert pathtext.name(text) == path.name
    assert Path(pathtext.parent(text)) == path.parent
    assert pathtext.suffix(text) == path.suffix
    assert Path(pathtext.join(text, "c", "d.nq")) == path / "c" / "d.nq"


def test_a_path_as_text_finds_files_as_pathlib_does(tmp_path: Path) -> None:
    """If files, folders, links and missing names are asked about as text, then the answers are
    pathlib's; the ancestors of a folder are it and its parents."""
    from alaska_kg import pathtext

    (tmp_path / "f").write_text("x")
    (tmp_path / "d").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "d")
    (tmp_path / "broken").symlink_to(tmp_path / "missing")
    for name in ("f", "d", "link", "broken", "missing", "f/under"):
        path = tmp_path / name
        text = str(path)
        assert pathtext.exists(text) == path.exists(), name
        assert pathtext.is_file(text) == path.is_file(), name
        assert pathtext.is_dir(text) == path.is_dir(), name
        assert pathtext.is_symlink(text) == path.is_symlink(), name
    assert [Path(p) for p in pathtext.ancestors(str(tmp_path))] == [tmp_path, *tmp_path.parents]
    assert pathtext.absolute("x") == str(Path("x").absolute())


def _old_source_files(root: Path) -> tuple[Path, ...]:
    """The sources' list as it was computed with pathlib (the reference for `cache.source_files`)."""
    ontology, data = root / "ontology", root / "data"
    found = {p for p in ontology.glob("*") if p.is_symlink() or not p.is_dir()}
    found |= {ontology / "alaska.ttl", ontology / "shapes.ttl", ontology / "context.jsonld"}
    found |= set(data.glob("**/*.ttl"))
    found |= set((root / "queries" / "checks").glob("*.rq"))
    found.add(data / "source" / "alaska-talks.txt")
    return tuple(sorted(p for p in found if os.path.lexists(p)))


def test_the_sources_are_listed_as_pathlib_listed_them(tmp_path: Path) -> None:
    """If the sources' files are listed as text, then the list and its order are pathlib's, with hidden
    files, sub-folders, a linked folder (not entered), a broken link and a folder named like a source."""
    import shutil

    from alaska_kg.cache import source_files
    from alaska_kg.paths import Layout

    root = tmp_path / "src"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / name, root / name)
    (root / "data" / "more" / "deeper").mkdir(parents=True)
    (root / "data" / "more" / "deeper" / "z.ttl").write_text("")
    (root / "data" / "a-b.ttl").write_text("")
    (root / "data" / ".hidden.ttl").write_text("")
    (root / "data" / "folder.ttl").mkdir()
    (root / "data" / "linked").symlink_to(root / "data" / "more")
    (root / "ontology" / "broken.ttl").symlink_to(root / "missing")
    (root / "ontology" / "sub").mkdir()
    assert [Path(p) for p in source_files(Layout(root))] == list(_old_source_files(root))
    assert [Path(p) for p in source_files(Layout(REPO_ROOT))] == list(_old_source_files(REPO_ROOT))


def test_a_narrow_character_is_one_column_in_the_unicode_table() -> None:
    """If a non-ASCII character is taken as one column without the Unicode table, then the table agrees."""
    import unicodedata

    narrow = [chr(c) for c in range(0x80, 0x3000) if display._narrow(chr(c))]
    assert len(narrow) > 400
    for char in narrow:
        assert unicodedata.category(char) not in ("Mn", "Me", "Cf"), hex(ord(char))
        assert unicodedata.east_asian_width(char) not in ("W", "F"), hex(ord(char))


@given(st.text(max_size=20) | st.sampled_from(["Wang Yi’s “talks” – à la", "\u00ad", "漢字", "e\u0301"]))
def test_columns_are_counted_as_the_table_counts_them(text: str) -> None:
    """If the columns of a text are counted, then the shortcut for narrow characters changes nothing."""
    import unicodedata

    expected = sum(
        0
        if unicodedata.category(c) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(c) in ("W", "F")
        else 1
        for c in text
    )
    assert display.columns(text) == expected


# ---------------------------------------------------------------- the launcher


def _imported(argv: list[str], env: dict[str, str]) -> set[str]:
    """The modules a process imported (its `-X importtime` report), after checking that it answered."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "Antony Blinken" in proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip() for line in lines[1:]}


def test_the_launcher_imports_only_what_python_m_alaska_kg_imports(dataset_file: Path) -> None:
    """If `alaska-kg query participants` runs through the launcher (scripts/alaska-kg, the installed
    command), then it imports nothing that `python -m alaska_kg` does not, and neither `re`, pathlib,
    collections nor typing (nor rdflib, pyshacl, owlrl)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    args = ["query", "participants", "--root", str(REPO_ROOT)]
    launcher = [str(REPO_ROOT / "scripts" / "alaska-kg"), *args]
    _imported(launcher, env)  # the first query after a build hashes (its checks are not remembered yet)
    launched = _imported(launcher, env)
    as_module = _imported(["-m", "alaska_kg", *args], env)
    launched.discard("_hashlib")  # whether a check is remembered depends on its age (the racy rule)
    assert "alaska_kg.query.run" in launched
    assert launched <= as_module
    assert not launched & {"re", "pathlib", "collections", "typing", "rdflib", "pyshacl", "owlrl"}
