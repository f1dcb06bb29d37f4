"""Write the built dataset into an output folder, atomically, in every format a consumer may want."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections import namedtuple
from collections.abc import Callable, Mapping
from datetime import date
from itertools import chain
from pathlib import Path

import pyoxigraph
from pyoxigraph import Store

from alaska_kg import __version__
from alaska_kg.build.disk_store import StoreLoad
from alaska_kg.build.outdir import check_target, private_folder, remove_tree, replace_folder
from alaska_kg.build.pictures import picture_writers
from alaska_kg.build.void import DCTERMS, GRAPH_TITLES, RDF, SKOS, VOID, XSD, void_turtle
from alaska_kg.cache import LABELS_FILE, STORE_FOLDER, STORE_MIN_QUADS
from alaska_kg.errors import OutputError
from alaska_kg.manifest import MANIFEST_NAME, Manifest
from alaska_kg.namespaces import GRAPH_NAMES, PREFIXES, graph_iri
from alaska_kg.query.kept_answers import KEPT_ANSWERS, is_answer_name

TYPE_CHECKING = False  # typing is not imported by the build (issue 12)
if TYPE_CHECKING:
    from typing import BinaryIO

    from rdflib import Graph

    from alaska_kg.paths import Layout
    from alaska_kg.query.catalog import QuerySource

TURTLE_NAME = "alaska-kg.ttl"
NTRIPLES_NAME = "alaska-kg.nt"
JSONLD_NAME = "alaska-kg.jsonld"
TRIG_NAME = "alaska-kg.trig"
NQUADS_NAME = "alaska-kg.nq"
VOID_NAME = "alaska-kg.void.ttl"
SUMMARY_NAME = "alaska-kg.summary.json"
OUTPUT_PREFIX = "alaska-kg."

MEDIA_TYPES = {
    TURTLE_NAME: "text/turtle",
    NTRIPLES_NAME: "application/n-triples",
    JSONLD_NAME: "application/ld+json",
    TRIG_NAME: "application/trig",
    NQUADS_NAME: "application/n-quads",
}

_HEADER = (
    "# alaska-kg {version}: {what}.\n"
    "# Built by `alaska-kg build` from ontology/ and data/; do not edit, rebuild instead.\n"
    "# Article text and data: CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/),\n"
    '# after the Wikipedia article "United States–China talks in Alaska" by Wikipedia contributors.\n\n'
)


class Handover:
    """The build's own store, handed to the export to let go as soon as no writer needs it: the export then
    drops the last reference, so that the store's ~0.6 GB per million quads is not held beside the writers'
    buffers and the on-disk store's bulk load (issue 12). Whoever hands a store over keeps no reference to
    it; a plain Store given to `export_store` stays the caller's."""

    def __init__(self, store: Store) -> None:
        self._store: Store | None = store

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the build's store was used after the export released it")  # a bug
        return self._store

    def release(self, *, trim: bool = True) -> None:
        """Drop the store and (`trim`) give its memory back to the system (glibc keeps freed memory for
        reuse unless asked: malloc_trim); a small store is just dropped (the collection and ctypes are
        ~7 ms of a bundled build)."""
        if self._store is None:
            return
        self._store = None
        if not trim:
            return
        import gc

        gc.collect()
        _trim_heap()


def _trim_heap() -> None:
    """glibc malloc_trim(0): return the freed heap to the system (a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        pass


STATED_GRAPH_NAMES = ("ontology", "asserted", "links")  # the stated view: what the sources say
STATED_FILES = (NTRIPLES_NAME, TURTLE_NAME, JSONLD_NAME)
_STATED_HEADER = "the ontology, the asserted facts and the links"


class StatedView:
    """The stated view's files (N-Triples, Turtle, JSON-LD of STATED_GRAPH_NAMES), written by a thread while
    the build reasons, into a private folder beside the build's target that `export_store` moves them from.

    They do not depend on the inferred graph, and reasoning runs in Oxigraph with the GIL released, so the
    writers (sorting the lines, Turtle, JSON-LD: Python) had a core to themselves that stood idle (issue 12:
    at 10^6 triples ~13 s of writers beside ~12 s of reasoning). The thread only reads the stated graphs,
    which reasoning never writes, and keeps their sorted lines for the N-Quads. `wait()` raises what the
    thread raised; `discard()` removes what it wrote (a failed build leaves nothing)."""

    def __init__(self, store: Store, beside: Path, context: Mapping[str, object]) -> None:
        from alaska_kg.build.parallel import Pending

        self.folder = private_folder(beside)
        self.lines: dict[str, list[bytes]] = {}
        self._pending = Pending(lambda: self._write(store, context))

    def _write(self, store: Store, context: Mapping[str, object]) -> None:
        for name in STATED_GRAPH_NAMES:
            self.lines[name] = _ntriples(store, name)
        ntriples = self.folder / NTRIPLES_NAME
        _write_ntriples(ntriples, _merge(*(self.lines[name] for name in STATED_GRAPH_NAMES)))
        _write_turtle(self.folder / TURTLE_NAME, ntriples)
        _write_jsonld(self.folder / JSONLD_NAME, ntriples, context)

    def wait(self) -> StatedView:
        """Once the thread is done: this view, or the thread's error (an OSError becomes OutputError)."""
        try:
            self._pending.wait()
        except OSError as failure:
            raise OutputError(f"{self.folder}: cannot write the stated view ({failure})") from failure
        return self

    def take(self, name: str, target: Path) -> None:
        """Move the file `name` the thread wrote to `target` (the export's staging folder: the same disk)."""
        os.replace(self.wait().folder / name, target)

    def discard(self) -> None:
        """Remove the private folder and whatever is left in it (after the thread is done)."""
        with contextlib.suppress(Exception):  # a failing build says why elsewhere; an export, from `wait`
            self.wait()
        self.lines = {}
        remove_tree(self.folder)


# A named tuple, not a dataclass: the build imports neither dataclasses (with inspect and ast: ~6 ms)
# nor typing (issue 12; as alaska_kg.paths does).
class ExportReport(namedtuple("ExportReport", ("out_dir", "files"))):
    """What one export wrote: the output folder and its files."""

    __slots__ = ()
    out_dir: Path
    files: tuple[Path, ...]


def _ntriples(store: Store, name: str) -> list[bytes]:
    """The N-Triples lines (RDF 1.1 N-Triples §2, written by Oxigraph) of the named graph `name`, sorted so
    that builds diff cleanly. Split on LF only: a literal may hold U+2028, U+0085, \\v, \\f raw, which
    N-Triples allows (§2.4: only `"`, `\\`, LF and CR are escaped) and bytes.splitlines() would cut."""
    data = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.NamedNode(graph_iri(name)))
    lines = data.split(b"\n")
    del data
    lines.sort()
    return lines[1:] if lines and not lines[0] else lines  # the empty string after the last LF sorts first


def _merge(*sorted_lines: list[bytes]) -> list[bytes]:
    """The union of sorted line lists, sorted, each line once (the sort merges the sorted runs: ~linear)."""
    merged = sorted(line for lines in sorted_lines for line in lines)
    return [line for i, line in enumerate(merged) if i == 0 or line != merged[i - 1]]


_LINES_PER_WRITE = 1 << 16


def _write_ntriples(path: Path, lines: list[bytes]) -> None:
    """The N-Triples document of `lines`, each ended by LF, written a slice at a time: never joined whole
    (~0.2 GB at 10^6 triples, once held while Turtle and JSON-LD were written: issue 12)."""
    with path.open("wb") as stream:
        for start in range(0, len(lines), _LINES_PER_WRITE):
            stream.write(b"\n".join(lines[start : start + _LINES_PER_WRITE]) + b"\n")


def _write_nquads(path: Path, graph_lines: Callable[[str], list[bytes]]) -> None:
    """N-Quads (RDF 1.1 N-Quads §2) of the named graphs, each graph's sorted triples in turn, in the order of
    GRAPH_NAMES: what the query path loads. Written line by line, never held whole; `graph_lines(name)`
    hands over a graph's lines, which are let go once written."""
    with path.open("wb") as stream:
        for name in GRAPH_NAMES:
            suffix = f"<{graph_iri(name)}> .\n".encode()
            lines = graph_lines(name)
            stream.writelines(line[:-1] + suffix for line in lines)  # an N-Triples line ends with " ."
            del lines


_SILENT = (PREFIXES["rdf"] + "type", PREFIXES["xsd"] + "string", PREFIXES["rdf"] + "langString")
_CHUNK = 1 << 24


def used_prefixes(text: bytes | Path) -> dict[str, str]:
    """The curated prefixes whose namespace some IRI of the N-Triples or N-Quads `text` (or file) is under
    (rdf:type, written `a`, aside): alaska_kg.turtle.used_prefixes, read off the text instead of millions
    of terms. An IRI quoted inside a literal counts too, so at worst a prefix is declared and not used.

    Counted, not parsed: a namespace is used when `<namespace` occurs more often than the silent IRIs
    under it do (`bytes.count` runs at memory speed; a regular expression over every IRI was ~13 ms of
    the bundled build per call)."""
    wanted = {p: ("<" + ns).encode() for p, ns in PREFIXES.items()}
    silent = {
        p: [("<" + iri + ">").encode() for iri in _SILENT if iri.startswith(ns)] for p, ns in PREFIXES.items()
    }
    excess = dict.fromkeys(PREFIXES, 0)
    found: set[str] = set()

    def scan(lines: bytes) -> None:
        for prefix, opening in wanted.items():
            if prefix in found:
                continue
            if not silent[prefix]:  # the first occurrence is enough
                if opening in lines:
                    found.add(prefix)
                continue
            excess[prefix] += lines.count(opening) - sum(lines.count(iri) for iri in silent[prefix])
            if excess[prefix] > 0:
                found.add(prefix)

    if isinstance(text, Path):
        with text.open("rb") as stream:
            rest = b""
            while chunk := stream.read(_CHUNK):
                lines, _, rest = (rest + chunk).rpartition(b"\n")
                scan(lines)
            scan(rest)
    else:
        scan(text)
    return {p: ns for p, ns in PREFIXES.items() if p in found}


def _declarations(sizes: Mapping[str, int]) -> bytes:
    """The default graph of the TriG: the four named graphs with their titles and sizes, so that an empty
    named graph (RDF 1.1 Concepts §4: it has no syntax of its own) is still declared."""
    from pyoxigraph import Literal as OxLiteral
    from pyoxigraph import NamedNode, Quad

    quads = []
    for name in GRAPH_NAMES:
        iri = NamedNode(graph_iri(name))
        quads.append(Quad(iri, NamedNode(str(RDF.type)), NamedNode(str(VOID.Dataset))))
        quads.append(Quad(iri, NamedNode(str(DCTERMS.title)), OxLiteral(GRAPH_TITLES[name], language="en")))
        count = OxLiteral(str(sizes[name]), datatype=NamedNode(str(XSD.integer)))
        quads.append(Quad(iri, NamedNode(str(VOID.triples)), count))
    return pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS) or b""


def _write_trig(stream: BinaryIO, declarations: bytes, nquads: Path) -> None:
    """TriG of the dataset, written by Oxigraph from the N-Quads file as it is parsed (rdflib's TriG writer
    is ~10x slower, and the quads never become a Python list)."""
    prefixes = used_prefixes(nquads)
    prefixes["akg"] = PREFIXES["akg"]
    n_quads = pyoxigraph.RdfFormat.N_QUADS
    quads = chain(
        pyoxigraph.parse(declarations, format=n_quads),
        pyoxigraph.parse(path=str(nquads), format=n_quads, lenient=True),
    )
    pyoxigraph.serialize(quads, stream, format=pyoxigraph.RdfFormat.TRIG, prefixes=prefixes)


def _write_turtle(path: Path, ntriples: Path) -> None:
    """Turtle of the stated view, written by Oxigraph from the sorted N-Triples file as it is parsed
    (subjects grouped, only the prefixes used), under the outputs' header."""
    with path.open("wb") as stream:
        stream.write(_HEADER.format(version=__version__, what=_STATED_HEADER).encode("utf-8"))
        triples = pyoxigraph.parse(path=str(ntriples), format=pyoxigraph.RdfFormat.N_TRIPLES, lenient=True)
        pyoxigraph.serialize(
            triples, stream, format=pyoxigraph.RdfFormat.TURTLE, prefixes=used_prefixes(ntriples)
        )


def _write_jsonld(path: Path, ntriples: Path, context: Mapping[str, object]) -> None:
    """JSON-LD 1.1 compacted with the shipped @context, from the sorted N-Triples file as it is parsed: its
    prefixes make the compact IRIs, and the context is written inline exactly as shipped (never a URL:
    nothing is fetched)."""
    from alaska_kg.jsonld import write_jsonld

    prefixes = {k: v for k, v in context.items() if isinstance(v, str)}
    triples = pyoxigraph.parse(path=str(ntriples), format=pyoxigraph.RdfFormat.N_TRIPLES, lenient=True)
    with path.open("w", encoding="utf-8") as stream:
        write_jsonld(stream, triples, prefixes, context=context, presorted=True)


Writer = Callable[[Path], None]


def write_atomically(
    out_dir: Path, writers: Mapping[str, Writer], *, owned: bool = False, known: dict | None = None
) -> ExportReport:
    """Write every file into a staging folder beside `out_dir`, list them in a manifest, then swap it into
    place (build.outdir): a failure leaves an earlier `out_dir` as it was, and a folder holding files a
    build did not write is refused unless `owned` (a cache entry)."""

    def fill(staging: Path) -> None:
        for name, write in writers.items():
            write(staging / name)

    manifest = replace_folder(Path(out_dir), fill, owned=owned, known=known)
    names = sorted({*manifest.entries, MANIFEST_NAME})  # with what a writer's child process wrote
    return ExportReport(out_dir=manifest.folder, files=tuple(manifest.folder / name for name in names))


def graph_size(store: Store, name: str, predicate: str | None = None) -> int:
    """Triples in the named graph `name` of `store` (with `predicate` only, if given), counted by Oxigraph."""
    pattern = f"?s <{predicate}> ?o" if predicate else "?s ?p ?o"
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri(name)}> {{ {pattern} }} }}")
    return int(next(iter(result))["n"].value)


def export(
    out_dir: Path,
    *,
    ontology: Graph,
    asserted: Graph,
    inferred: Graph,
    links: Graph,
    context: Mapping[str, object],
    summary: Mapping[str, object] | Callable[[], Mapping[str, object]],
    class_counts: Mapping[str, int],
    owned: bool = False,
) -> ExportReport:
    """`export_store` for rdflib graphs (one per named graph): they are copied into a store first."""
    store = Store()
    for name, graph in {
        "ontology": ontology,
        "asserted": asserted,
        "inferred": inferred,
        "links": links,
    }.items():
        data = graph.serialize(format="nt", encoding="utf-8")
        store.load(
            data, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(graph_iri(name))
        )
    return export_store(
        out_dir,
        store=Handover(store),
        context=context,
        summary=summary,
        class_counts=class_counts,
        owned=owned,
    )


def export_store(
    out_dir: Path,
    *,
    store: Store | Handover,
    context: Mapping[str, object],
    summary: Mapping[str, object] | Callable[[], Mapping[str, object]],
    class_counts: Mapping[str, int],
    owned: bool = False,
    on_disk: bool | None = None,
    stated: StatedView | None = None,
    layout: Layout | None = None,
) -> ExportReport:
    """Write the asserted view (ontology, facts, links) as Turtle, N-Triples and JSON-LD; the dataset with
    one named graph per origin (the store's named graphs GRAPH_NAMES) as TriG and N-Quads, and, when it is
    large (`on_disk`, by default from STORE_MIN_QUADS), as an on-disk Oxigraph store; the pictures; its
    VoID/DCAT description; and the build summary.

    Every format is made from the N-Triples lines Oxigraph writes of each graph, sorted once; each graph's
    lines are let go as soon as the N-Quads hold them, and Turtle and JSON-LD are parsed back from the
    N-Triples file, so no format holds another's bytes (issue 12; the writers run in the order listed).
    A store handed over (`Handover`) is released once the N-Quads and the pictures are written: the on-disk
    store is then bulk-loaded from the N-Quads by a child process (build.disk_store) while this process
    writes Turtle, JSON-LD and TriG. With `stated` (a StatedView of the same store, started while the build
    reasoned), the stated view's three files and its graphs' lines are taken from it. Without an on-disk
    store, the answers of the canned queries of `layout` are evaluated on the store by a thread while the
    other files are written, and kept (query.kept_answers)."""
    handover = store if isinstance(store, Handover) else Handover(store)
    del store  # (a plain Store stays the caller's: only this Handover's reference is let go)
    sizes = {name: graph_size(handover.store, name) for name in GRAPH_NAMES}
    link_count = graph_size(handover.store, "links", str(SKOS.exactMatch))
    if on_disk is None:
        on_disk = sum(sizes.values()) >= STORE_MIN_QUADS
    held: dict[str, Path] = {}  # the files later writers read back: the N-Triples, the N-Quads
    graph_lines: dict[str, list[bytes]] = {}  # each graph's sorted lines, made on first use
    loads: list[StoreLoad] = []  # the child loading the on-disk store, once started

    def the_store() -> Store:
        return handover.store

    if stated is not None:
        graph_lines.update(stated.wait().lines)
        stated.lines = {}  # (each graph's lines are let go once the N-Quads hold them)

    def lines_of(name: str) -> list[bytes]:
        if name not in graph_lines:
            graph_lines[name] = _ntriples(the_store(), name)
        return graph_lines[name]

    def ntriples(path: Path) -> None:
        _write_ntriples(path, _merge(lines_of("ontology"), lines_of("asserted"), lines_of("links")))
        held["ntriples"] = path

    def handed_over(name: str) -> list[bytes]:  # the N-Quads are the last to need a graph's lines
        lines_of(name)
        return graph_lines.pop(name)

    def nquads(path: Path) -> None:
        _write_nquads(path, handed_over)
        held["nquads"] = path

    def pictures_then_let_go(draw: Writer) -> Writer:
        def run(path: Path) -> None:  # the last reader of the store: let it go before the bulk load
            draw(path)
            handover.release(trim=on_disk)
            if on_disk:
                loads.append(StoreLoad(held["nquads"], path.parent / STORE_FOLDER))

        return run

    def header(what: str) -> bytes:
        return _HEADER.format(version=__version__, what=what).encode("utf-8")

    def turtle(path: Path) -> None:
        _write_turtle(path, held["ntriples"])

    def jsonld(path: Path) -> None:
        _write_jsonld(path, held["ntriples"], context)

    def trig(path: Path) -> None:
        with path.open("wb") as stream:
            stream.write(header("the dataset, one named graph per origin"))
            _write_trig(stream, _declarations(sizes), held["nquads"])

    def loaded(_: Path) -> None:  # the child's store, complete (or its error)
        loads[0].wait()

    # timeline.svg, network.svg (alaska_kg.viz), drawn from the build's own store
    pictures = picture_writers(the_store, NQUADS_NAME)
    last = list(pictures)[-1]
    pictures[last] = pictures_then_let_go(pictures[last])
    if stated is not None:  # written while the build reasoned: moved into the staging folder
        ntriples, turtle, jsonld = (lambda path, name=name: stated.take(name, path) for name in STATED_FILES)

    def label_table(path: Path) -> None:
        from alaska_kg.query.label_table import write_label_table

        write_label_table(the_store(), path)

    # kept for a dataset without an on-disk store: there a kept answer spares a query the parse of the whole
    # dataset; at 10^6 triples the ~6 s of CPU they cost put the build over its minute (docs/performance.md)
    kept = _KeptAnswers(the_store(), layout) if layout is not None and not on_disk else None

    writers: dict[str, Writer] = {
        NTRIPLES_NAME: ntriples,  # Turtle and JSON-LD read it back from the staging folder
        NQUADS_NAME: nquads,  # the TriG and the on-disk store read it back from the staging folder
        LABELS_FILE: label_table,  # for the tables of the query commands (query.label_table)
        **pictures,  # the store is let go after them, and the on-disk store's child started
        TURTLE_NAME: turtle,
        JSONLD_NAME: jsonld,
        TRIG_NAME: trig,
        VOID_NAME: lambda path: path.write_bytes(
            header("a VoID and DCAT description")
            + void_turtle(sizes, class_counts, date.today(), link_count, MEDIA_TYPES)
        ),
        **({STORE_FOLDER: loaded} if on_disk else {}),
        **({KEPT_ANSWERS: kept.write} if kept is not None else {}),  # a small store is let go with the rest
        # last, so that a callable summary can time the export up to here
        SUMMARY_NAME: lambda path: path.write_text(
            json.dumps(_call(summary), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        ),
    }
    try:
        guarded = {name: _stopping(loads, write) for name, write in writers.items()}
        return write_atomically(out_dir, guarded, owned=owned)
    finally:
        for load in loads:
            load.stop()
        if stated is not None:
            stated.discard()


class _KeptAnswers:
    """The canned queries' answers (query.kept_answers), evaluated by a thread on the build's store while
    the other files are written (Oxigraph evaluates with the GIL released); the thread reads the query
    catalog itself. Its one writer, last, waits for the thread and writes each kept answer beside `path`
    (the manifest lists every file of the staging folder)."""

    def __init__(self, store: Store, layout: Layout) -> None:
        import threading

        from alaska_kg.query.dataset import OpenDataset
        from alaska_kg.query.kept_answers import evaluate_answers

        self.answers: dict[str, bytes] = {}
        self.failure: list[BaseException] = []
        dataset = OpenDataset(store, None)

        def run() -> None:
            try:
                self.answers.update(evaluate_answers(dataset, _canned(layout)))
            except BaseException as exc:
                self.failure.append(exc)

        self.thread = threading.Thread(target=run, name="kept answers", daemon=True)
        self.thread.start()

    def write(self, path: Path) -> None:
        self.thread.join()
        if self.failure:
            raise self.failure[0]
        for name, data in self.answers.items():
            (path.parent / name).write_bytes(data)


def _canned(layout: Layout) -> list[QuerySource]:
    """The canned queries whose answers a small build keeps, each its file's text under its id (as
    `alaska-kg query NAME` reads it), its header not parsed: this runs beside the build's writers, and the
    header's `columns` are held to a kept answer when it is read (cli.query._kept). A file that cannot be
    read is left out: it is reported when it is run."""
    from alaska_kg.query.catalog import QuerySource, query_ids
    from alaska_kg.query.header import QueryHeader

    queries = []
    for query_id in query_ids(layout):
        path = layout.queries_dir / f"{query_id}.rq"
        try:
            with open(path, encoding="utf-8") as handle:  # as catalog.read_query reads it
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        queries.append(QuerySource(id=query_id, text=text, header=QueryHeader(), path=str(path)))
    return queries


def _stopping(loads: list[StoreLoad], write: Writer) -> Writer:
    """`write`, stopping the child (`loads`) before the error of a failed writer goes on: the staging
    folder it writes into is about to be removed."""

    def run(path: Path) -> None:
        try:
            write(path)
        except BaseException:
            for load in loads:
                load.stop()
            raise

    return run


def _call(value: Mapping[str, object] | Callable[[], Mapping[str, object]]) -> Mapping[str, object]:
    return value() if callable(value) else value


def copy_outputs(
    source: Manifest, out_dir: Path, rewrite: Mapping[str, Callable[[bytes], bytes]] | None = None
) -> ExportReport:
    """Copy the outputs of an earlier build (a cache entry, by its manifest) into `out_dir`, atomically;
    each file is checked against its size and digest as it is read (CorruptOutput if it changed), and
    passed through `rewrite[name]` if given."""
    rewrite = rewrite or {}

    def copy(name: str) -> Writer:
        def write(target: Path) -> None:
            if (source.folder / name).is_dir():  # the on-disk store: checked, then copied file by file
                import shutil  # only to copy an on-disk store

                shutil.copytree(source.verified_folder(name), target)
            elif name in rewrite:
                target.write_bytes(rewrite[name](source.read_verified(name)))
            else:
                source.copy_verified(name, target)

        return write

    # What was copied unchanged is listed under its checked entry, not hashed a second time. The kept
    # answers are the query commands' (query.kept_answers), read from the cache: not published.
    names = sorted(name for name in source.entries if not is_answer_name(name))
    known = {name: source.entries[name] for name in names if name not in rewrite}
    return write_atomically(out_dir, {name: copy(name) for name in names}, known=known)


__all__ = [
    "GRAPH_TITLES",
    "ExportReport",
    "check_target",
    "copy_outputs",
    "export",
    "export_store",
    "graph_size",
    "used_prefixes",
    "write_atomically",
]
