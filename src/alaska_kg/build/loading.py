"""Parse the Turtle sources (ontology, shapes, data, links) into rdflib graphs, one graph per role."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from alaska_kg.errors import SourceNotFound, SourceSyntaxError
from alaska_kg.paths import Layout


@dataclass(frozen=True)
class Sources:
    """The parsed sources of one build; the graphs are fresh and owned by the caller."""

    ontology: Graph
    asserted: Graph
    links: Graph
    shapes: Graph
    files: tuple[Path, ...]


def new_graph() -> Graph:
    """An empty graph with only rdflib's core prefixes bound (owl, rdf, rdfs, xsd, xml)."""
    return Graph(bind_namespaces="core")


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in code points) of the character at `index` of `text`."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _syntax_error(path: Path, text: str, exc: BadSyntax) -> SourceSyntaxError:
    """Turn rdflib's BadSyntax (which knows the offset into the parsed text) into a located error."""
    index = getattr(exc, "_i", None)
    reason = str(getattr(exc, "_why", "")) or "bad syntax"
    if isinstance(index, int):
        line, column = _line_column(text, index)
        return SourceSyntaxError(path, line, column, reason)
    lines = getattr(exc, "lines", None)
    return SourceSyntaxError(path, lines + 1 if isinstance(lines, int) else None, None, reason)


class _BadIris(logging.Filter):
    """Catch rdflib's warning about an IRI with characters RDF does not allow (it keeps the IRI anyway)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "does not look like a valid URI" in message:
            self.found.append(message.partition(" does not look like")[0])
            return False
        return True


@contextlib.contextmanager
def _strict_iris() -> Iterator[_BadIris]:
    logger = logging.getLogger("rdflib.term")
    catcher = _BadIris()
    logger.addFilter(catcher)
    try:
        yield catcher
    finally:
        logger.removeFilter(catcher)


def _bad_iri_error(path: Path, text: str, iri: str) -> SourceSyntaxError:
    """RDF 1.1 Turtle §6.3 IRIREF excludes space, <>"{}|^`\\ and controls; rdflib lets them through with a
    warning, so the file is read again by Oxigraph, whose strict parser says where the first one is."""
    from pyoxigraph import RdfFormat, parse

    try:
        for _ in parse(text.encode("utf-8"), format=RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as exc:
        reason = str(exc.msg).partition(": ")[2] or "invalid IRI"
        return SourceSyntaxError(path, exc.lineno, exc.offset, f"{reason} in the IRI <{iri}>")
    return SourceSyntaxError(path, None, None, f"<{iri}> is not a valid IRI")


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse one Turtle file into `into` (or a new graph); any failure names the file, line and column."""
    graph = new_graph() if into is None else into
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceNotFound(f"{path}: file not found") from None
    except OSError as exc:
        raise SourceNotFound(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceSyntaxError(path, line, column, f"not UTF-8 ({exc.reason}, byte column)") from exc
    try:
        with _strict_iris() as bad:
            graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise _syntax_error(path, text, exc) from exc
    except Exception as exc:  # rdflib raises assorted errors for bad terms (IRIs, literals, ...)
        raise SourceSyntaxError(path, None, None, f"{type(exc).__name__}: {exc}") from exc
    if bad.found:
        raise _bad_iri_error(path, text, bad.found[0])
    return graph


def parse_files(paths: Iterable[Path]) -> Graph:
    """Parse several Turtle files into one new graph."""
    graph = new_graph()
    for path in paths:
        parse_turtle(path, into=graph)
    return graph


def load_sources(layout: Layout) -> Sources:
    """Parse every source of a build: the ontology, the shapes, the data and the links."""
    if not layout.data_dir.is_dir():
        raise SourceNotFound(f"{layout.data_dir}: data folder not found")
    asserted_files = layout.asserted_files
    ontology = parse_turtle(layout.ontology_file)
    asserted = parse_files(asserted_files)
    links_file = layout.links_file
    links = parse_turtle(links_file) if links_file.is_file() else new_graph()
    shapes_file = layout.shapes_file
    shapes = parse_turtle(shapes_file)
    files = (layout.ontology_file, shapes_file, *layout.data_files)
    return Sources(ontology=ontology, asserted=asserted, links=links, shapes=shapes, files=files)


__all__ = ["Sources", "load_sources", "new_graph", "parse_files", "parse_turtle"]
