"""`export`: a graph of the built dataset, or all, in an RDF syntax, to stdout or to a file, atomically.

The query-path twin of build.publish (which writes the build outputs with rdflib): this one reads the
built N-Quads with Oxigraph and needs no rdflib. TriG and N-Quads keep the named graphs (the same quads as
the built alaska-kg.nq); every other syntax writes the merge of the chosen graphs. JSON-LD is compacted
with the shipped ontology/context.jsonld (its prefixes), inline: a context is never referenced by URL, so
no reader has to fetch one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, get_args

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize

from alaska_kg.errors import OutputError, SourceSyntaxError
from alaska_kg.jsonld import to_jsonld
from alaska_kg.namespaces import GRAPH_NAMES, PREFIXES, WIKIDATA_ENTITY, graph_iri
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.turtle import turtle, used_prefixes

ExportFormat = Literal["ttl", "jsonld", "nt", "nq", "trig", "xml"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)
EXPORT_GRAPHS: tuple[str, ...] = (*GRAPH_NAMES, "all")
_GEN_DELIMS = tuple(":/?#[]@")


def read_context(path: Path) -> dict[str, object] | None:
    """The inline @context object of a JSON-LD context file, or None if there is no such file."""
    if not path.is_file():
        return None
    try:
        context = json.loads(path.read_text(encoding="utf-8")).get("@context")
    except (ValueError, AttributeError) as exc:
        raise SourceSyntaxError(path, None, None, f"not a JSON-LD context document: {exc}") from None
    if not isinstance(context, dict):
        raise SourceSyntaxError(path, None, None, "@context must be an inline object (no remote contexts)")
    return context


_EXACT_MATCH = NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
_SAME_AS = NamedNode("http://www.w3.org/2002/07/owl#sameAs")


def _quads(dataset: OpenDataset, graph: str) -> list[Quad]:
    """The quads of the chosen graph(s), in GRAPH_NAMES order, then by subject, predicate and object."""
    quads: list[Quad] = []
    for name in GRAPH_NAMES if graph == "all" else (graph,):
        found = dataset.store.quads_for_pattern(None, None, None, NamedNode(graph_iri(name)))
        quads += sorted(found, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
    return quads


def _same_as(quads: list[Quad]) -> list[Quad]:
    """owl:sameAs beside each skos:exactMatch to Wikidata, for consumers that expect it. Only on request:
    under OWL RL it merges our resources with Wikidata's, which is why the data itself never says it."""
    extra = [
        Quad(q.subject, _SAME_AS, q.object, q.graph_name)
        for q in quads
        if q.predicate == _EXACT_MATCH and str(q.object.value).startswith(WIKIDATA_ENTITY)
    ]
    return quads + extra


def export_text(
    dataset: OpenDataset,
    fmt: ExportFormat,
    graph: str = "all",
    context: Mapping[str, object] | None = None,
    *,
    same_as: bool = False,
) -> str:
    """The chosen graph(s) written in `fmt`; `context` is the JSON-LD @context (else the prefixes used);
    `same_as` adds owl:sameAs for every link to Wikidata."""
    quads = _quads(dataset, graph)
    if same_as:
        quads = _same_as(quads)
    if fmt == "trig":
        prefixes = used_prefixes(Triple(q.subject, q.predicate, q.object) for q in quads)
        prefixes["akg"] = PREFIXES["akg"]
        return (serialize(quads, format=RdfFormat.TRIG, prefixes=prefixes) or b"").decode("utf-8")
    if fmt == "nq":
        return (serialize(quads, format=RdfFormat.N_QUADS) or b"").decode("utf-8")
    triples = sorted(
        {Triple(q.subject, q.predicate, q.object) for q in quads},
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    if fmt == "ttl":
        return turtle(triples)
    if fmt == "jsonld":
        if context is None:
            return to_jsonld(triples, PREFIXES)
        prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(_GEN_DELIMS)}
        return to_jsonld(triples, prefixes, context=context)
    if fmt == "xml":
        data = serialize(triples, format=RdfFormat.RDF_XML, prefixes=used_prefixes(triples))
    else:
        data = serialize(triples, format=RdfFormat.N_TRIPLES)
    return (data or b"").decode("utf-8")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, renamed into place."""
    import tempfile  # only here: it pulls in shutil and random, which the other commands do not need

    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            dir=target.parent or Path("."),
            prefix=f".{target.name}.",
            suffix=".tmp",
            delete=False,
        ) as handle:
            temporary = Path(handle.name)
            handle.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # as open() would create it, not mkstemp's 0600
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None


__all__ = [
    "EXPORT_FORMATS",
    "EXPORT_GRAPHS",
    "ExportFormat",
    "export_text",
    "read_context",
    "write_atomically",
]
