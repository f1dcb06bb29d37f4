"""The label table: each IRI's preferred rdfs:label, written by the build beside a large dataset's on-disk
store, so that a table of thousands of rows does not look each label up in RocksDB.

A lookup on the on-disk store costs ~45 µs per IRI at 10^6 triples (a scan of every label 1.5 s), and a
canned query's table of 5,000-13,000 rows spent 0.3-1.1 s on them; the table of all 105,982 labels there
(11.6 MB) reads in ~90 ms (docs/performance.md, issue 12). Its labels are `query.labels.labels`'s, chosen by
the same rule from the same dataset, so a query answers the same with it and without it
(tests/test_on_disk_store.py). It is derived data: a table that cannot be read (its manifest line does not
match) is passed over, and each label is looked up in the store as before.

Format: UTF-8, one line per IRI, sorted: the IRI, a tab, the label; in both, a backslash, tab, line feed or
carriage return is written `\\\\`, `\\t`, `\\n`, `\\r`.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Store

from alaska_kg.query.labels import RDFS_LABEL, preference

TYPE_CHECKING = False  # typing is not imported on the query path
if TYPE_CHECKING:
    from pathlib import Path

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _escaped(text: str) -> str:
    if not any(char in text for char in _ESCAPES):
        return text
    return "".join(_ESCAPES.get(char, char) for char in text)


def _unescaped(text: str) -> str:
    if "\\" not in text:
        return text
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _UNESCAPES:
            out.append(_UNESCAPES[text[index + 1]])
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def write_label_table(store: Store, path: Path) -> int:
    """Write the preferred label of every IRI of `store` that has one (any graph) to `path`; how many."""
    best: dict[str, Literal] = {}
    for quad in store.quads_for_pattern(None, RDFS_LABEL, None, None):
        subject, label = quad.subject, quad.object
        if not isinstance(subject, NamedNode) or not isinstance(label, Literal):
            continue
        known = best.get(subject.value)
        if known is None or preference(label) < preference(known):
            best[subject.value] = label
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        for iri in sorted(best):
            stream.write(f"{_escaped(iri)}\t{_escaped(best[iri].value)}\n")
    return len(best)


def read_label_table(data: bytes) -> dict[str, str]:
    """The table written by `write_label_table`, from its bytes: IRI -> label."""
    text = data.decode("utf-8")
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    if "\\" not in text:  # nothing escaped: split in C (a line without its one tab: read below)
        try:
            return dict(line.split("\t") for line in lines)
        except ValueError:
            pass
    table = {}
    for line in lines:
        if line:
            iri, _, label = line.partition("\t")
            table[_unescaped(iri)] = _unescaped(label)
    return table


__all__ = ["read_label_table", "write_label_table"]
