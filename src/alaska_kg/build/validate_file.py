"""`validate FILE` (or `-` for stdin): check a data file the user names against the project's shapes.

What is validated, as pySHACL would be asked to (`pyshacl -s shapes.ttl -e alaska.ttl FILE`): the data
graph is the file alone, read with the ontology's class hierarchy mixed in (the same graph `validate`
builds for data/: sh:class and sh:targetClass follow rdfs:subClassOf; no other inference), against
ontology/shapes.ttl; the integrity queries of queries/checks/ run over the ontology and the file. A draft
that refers to resources described only in data/ (a new statement whose speaker is akr:yang-jiechi) needs
their types: `--with-sources` validates the file together with data/*.ttl, as the build would once the
file is added there. The syntax is told by the extension (alaska_kg.syntaxes), or by `--data-format`
(Turtle for stdin by default).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph

from alaska_kg.build.loading import load_sources, new_graph, parse_turtle
from alaska_kg.build.validate import (
    DEFAULT_ENGINE,
    FALLBACK_ENGINE,
    Engine,
    ValidationReport,
    fallback_notice,
    locate_violations,
    validate,
)
from alaska_kg.errors import SourceNotFound, SourceSyntaxError, UsageError
from alaska_kg.paths import Layout
from alaska_kg.syntaxes import QUAD_SYNTAXES, SYNTAX_NAMES, syntax_of

STDIN = "-"
# canonical syntax names (alaska_kg.syntaxes) -> rdflib's parser names
RDFLIB_PARSERS = {
    "ttl": "turtle",
    "nt": "nt",
    "nq": "nquads",
    "trig": "trig",
    "xml": "xml",
    "jsonld": "json-ld",
    "n3": "n3",
}


def _remote_context(node: object) -> str | None:
    """The first context a JSON-LD document names by reference (a string in `@context`, or `@import`):
    rdflib would fetch it over the network, which this tool never does."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "@import" and isinstance(value, str):
                    return value
                if key == "@context":
                    for context in value if isinstance(value, list) else [value]:
                        if isinstance(context, str):
                            return context
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _refuse_remote_contexts(data: bytes, where: Path) -> None:
    """Refuse a JSON-LD document whose context would be fetched; what rdflib fetches, we never parse."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        reason = " ".join(str(exc).split())[:200] or "nested too deeply"
        raise SourceSyntaxError(where, None, None, f"not valid JSON-LD: {reason}") from None
    remote = _remote_context(document)
    if remote is not None:
        raise SourceSyntaxError(
            where,
            None,
            None,
            f"the JSON-LD names a remote context {remote!r}, which is never fetched "
            "(no network access); put the context inline",
        )


def _parse(data: bytes, syntax: str, where: Path) -> Graph:
    """The triples of `data` in one graph (the named graphs of a quad syntax merged); errors name `where`."""
    if syntax == "jsonld":
        _refuse_remote_contexts(data, where)
    try:
        if syntax in QUAD_SYNTAXES:
            dataset = Dataset()
            dataset.parse(data=data.decode("utf-8"), format=RDFLIB_PARSERS[syntax])
            graph = new_graph()
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
            return graph
        return new_graph().parse(
            data=data.decode("utf-8"), format=RDFLIB_PARSERS[syntax], publicID=where.resolve().as_uri()
        )
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceSyntaxError(where, line, None, f"not UTF-8 ({exc.reason})") from None
    except Exception as exc:  # rdflib's parsers raise assorted errors
        reason = " ".join(str(exc).split())[:300]
        raise SourceSyntaxError(where, None, None, f"not valid {SYNTAX_NAMES[syntax]}: {reason}") from None


def read_data_file(name: str, data_format: str | None, stdin: io.BufferedIOBase | None = None) -> Graph:
    """The graph in the file `name` (or stdin for `-`), in `data_format` or the syntax its extension
    names."""
    where = Path("<stdin>" if name == STDIN else name)
    syntax = data_format or ("ttl" if name == STDIN else syntax_of(name))
    if syntax is None:
        raise UsageError(f"{name}: cannot tell the RDF syntax from the extension; give --data-format")
    if name == STDIN:
        return _parse((stdin.read() if stdin is not None else b""), syntax, where)
    if syntax == "ttl":
        return parse_turtle(where)  # errors by line and column, bad IRIs caught
    try:
        data = where.read_bytes()
    except FileNotFoundError:
        raise SourceNotFound(f"{where}: file not found") from None
    except OSError as exc:
        raise SourceNotFound(f"{where}: cannot read ({exc.strerror or exc})") from None
    return _parse(data, syntax, where)


def validate_file(
    layout: Layout,
    name: str,
    *,
    data_format: str | None = None,
    with_sources: bool = False,
    stdin: io.BufferedIOBase | None = None,
    engine: Engine = DEFAULT_ENGINE,
    warn: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate the data file `name` (module docstring says which graph) against the layout's shapes, with
    `engine` (build.validate; "sparql" falls back to FALLBACK_ENGINE, said to `warn`, on shapes it cannot
    translate)."""
    from alaska_kg.build.checks import run_checks
    from alaska_kg.build.shacl_sparql import Unsupported

    data = read_data_file(name, data_format, stdin)
    sources = load_sources(layout)
    parts = (data, sources.asserted, sources.links) if with_sources else (data,)
    try:
        report = validate(
            parts, sources.ontology, sources.shapes, shapes_file=layout.shapes_file, engine=engine
        )
    except Unsupported as exc:
        if warn is not None:
            warn(f"{layout.shapes_file}: {fallback_notice(exc)}")
        report = validate(
            parts, sources.ontology, sources.shapes, shapes_file=layout.shapes_file, engine=FALLBACK_ENGINE
        )
    if name != STDIN and (data_format or syntax_of(name)) == "ttl":
        files = [Path(name), *(layout.data_files if with_sources else ())]
        report = locate_violations(report, files)
    store_files = (layout.ontology_file, *(layout.data_files if with_sources else ()))
    failures = run_checks(layout, store_files, extra=data.serialize(format="nt").encode("utf-8"))
    return report._replace(check_failures=failures, conforms=report.conforms and not failures)


__all__ = ["RDFLIB_PARSERS", "STDIN", "read_data_file", "validate_file"]
