"""The names the field gives RDF syntaxes and result formats, and what a file's extension says it holds.

One table serves every `--format` of the command line, so that the names rdflib (`turtle`, `nt`, `nquads`,
`json-ld`, `xml`), Jena's riot and arq (`ttl`, `ntriples`, `rdfxml`, `text`) and Oxigraph (`n-triples`,
`n-quads`) use are all understood, each mapped to one canonical name. A bare format name given where a file
name belongs (`-o turtle`) is refused: it is almost always a mistyped `--format`. `--dataset` reads a file
by its extension, every RDF syntax Oxigraph parses, and refuses an extension it cannot tell.
"""

from __future__ import annotations

from pyoxigraph import RdfFormat

from alaska_kg.errors import UsageError
from alaska_kg.pathtext import suffix

TYPE_CHECKING = False  # neither typing nor pathlib on the query path: their names only for checkers
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

# every name a user may type -> the canonical name the code uses
ALIASES: dict[str, str] = {
    "ttl": "ttl",
    "turtle": "ttl",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "nq": "nq",
    "nquads": "nq",
    "n-quads": "nq",
    "trig": "trig",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "xml": "xml",
    "rdfxml": "xml",
    "rdf/xml": "xml",
    "rdf-xml": "xml",
    "rdf": "xml",
    "n3": "n3",
    # result formats (arq --results, oxigraph --results-format)
    "table": "table",
    "text": "table",
    "csv": "csv",
    "tsv": "tsv",
    "json": "json",
    "srj": "json",
    "srx": "xml",
    "md": "md",
    "markdown": "md",
}

# the RDF syntaxes, by canonical name: Oxigraph's format, the file extensions that mean it, whether it has
# named graphs (quads) or only one graph (triples)
RDF_SYNTAXES: dict[str, tuple[RdfFormat, tuple[str, ...]]] = {
    "nq": (RdfFormat.N_QUADS, (".nq", ".nquads")),
    "trig": (RdfFormat.TRIG, (".trig",)),
    "nt": (RdfFormat.N_TRIPLES, (".nt", ".ntriples")),
    "ttl": (RdfFormat.TURTLE, (".ttl", ".turtle")),
    "n3": (RdfFormat.N3, (".n3",)),
    "xml": (RdfFormat.RDF_XML, (".rdf", ".owl", ".xml")),
    "jsonld": (RdfFormat.JSON_LD, (".jsonld", ".json")),
}
QUAD_SYNTAXES = frozenset({"nq", "trig"})
_BY_EXTENSION = {ext: name for name, (_, exts) in RDF_SYNTAXES.items() for ext in exts}
SYNTAX_NAMES = {
    "nq": "N-Quads",
    "trig": "TriG",
    "nt": "N-Triples",
    "ttl": "Turtle",
    "n3": "N3",
    "xml": "RDF/XML",
    "jsonld": "JSON-LD",
}


def canonical(name: str) -> str | None:
    """The canonical name of a format name, any case, or None if no one calls a format that."""
    return ALIASES.get(name.strip().casefold())


def format_name(text: str, choices: Iterable[str], extra: dict[str, str] | None = None) -> str | None:
    """The canonical name `text` gives (any name of ALIASES, and of `extra`) if it is one of `choices`."""
    name = ({**ALIASES, **extra} if extra else ALIASES).get(text.strip().casefold())
    return name if name in tuple(choices) else None


def format_type(choices: Iterable[str], extra: dict[str, str] | None = None) -> Callable[[str], str]:
    """An argparse `type` for --format: any name of ALIASES (and `extra`) that means one of `choices`."""
    allowed = tuple(choices)
    names = {**ALIASES, **(extra or {})}

    def parse(text: str) -> str:
        name = format_name(text, allowed, extra)
        if name is None:
            import argparse  # only for the error: the command line's fast path never imports argparse

            known = sorted(n for n, c in names.items() if c in allowed)
            raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(known)})")
        return name

    parse.__name__ = "format"  # argparse names the type in its messages
    return parse


def check_output_path(path: str | None, option: str = "-o") -> None:
    """Refuse an output path that is only a format name (`-o turtle`): a file called `turtle` is never what
    was meant. `./turtle` says it is."""
    if path is None or path == "-":
        return
    if canonical(path) is not None and "/" not in path and not suffix(path):
        raise UsageError(
            f"{option} {path}: {path!r} is a format name, not a file name; give the format with --format "
            f"{path} (and {option} FILE to write a file; {option} ./{path} if you mean a file called that)"
        )


def syntax_of(path: Path | str) -> str | None:
    """The canonical RDF syntax a file's extension says it holds, or None (`.gz` and the like included)."""
    return _BY_EXTENSION.get(suffix(str(path)).casefold())


def dataset_syntax(path: Path | str) -> str:
    """The canonical syntax of a file given with --dataset, or UsageError naming the extensions read."""
    name = syntax_of(path)
    if name is None:
        known = ", ".join(ext for _, exts in RDF_SYNTAXES.values() for ext in exts)
        extension = suffix(str(path)) or "(none)"
        raise UsageError(
            f"{path}: cannot tell the RDF syntax from the extension {extension}; --dataset reads {known}"
        )
    return name


__all__ = [
    "ALIASES",
    "QUAD_SYNTAXES",
    "RDF_SYNTAXES",
    "SYNTAX_NAMES",
    "canonical",
    "check_output_path",
    "dataset_syntax",
    "format_name",
    "format_type",
    "syntax_of",
]
