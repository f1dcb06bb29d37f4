"""The built dataset, opened for querying: find the N-Quads file, load it into an in-memory Oxigraph store.

The file comes from `--dataset FILE` (any RDF syntax, told by its extension: alaska_kg.syntaxes), else
from the build cache for the current sources; when the cache has none (or its copy no longer matches its
manifest), the `make` function the caller passed fills it (the command layer passes the build: rdflib,
pyshacl, a reasoner, slow; this wing never imports it). Loading ~6k quads takes ~10 ms, so every command
loads afresh and nothing is kept between calls; the bytes are read once, checked against their SHA-256,
then parsed.

A file that holds none of the dataset's named graphs (an N-Triples or Turtle file, or a TriG of other
graphs) is queried whole: its default graph and every named graph it has are the query's default graph,
under `--graph all` or `asserted` (everything in a file is stated); `--graph inferred` is refused.
"""

from __future__ import annotations

import os

from pyoxigraph import DefaultGraph, NamedNode, Store

from alaska_kg import pathtext
from alaska_kg.cache import DATASET_FILE, LABELS_FILE, STORE_FOLDER, cached_entry, read_verified
from alaska_kg.errors import CorruptOutput, SourceNotFound, SourceSyntaxError, UsageError
from alaska_kg.lazyregex import LazyRegex
from alaska_kg.manifest import Manifest, read_manifest
from alaska_kg.namespaces import GRAPH_NAMES, graph_iri
from alaska_kg.paths import Layout
from alaska_kg.query.labels import use_table
from alaska_kg.records import Record
from alaska_kg.syntaxes import RDF_SYNTAXES, SYNTAX_NAMES, dataset_syntax, syntax_of

TYPE_CHECKING = False  # typing is not imported on the query path (~2.5 ms): its names only for checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Literal

    GraphSelection = Literal["all", "asserted", "inferred"]
    # What fills the cache when it has no dataset: (layout, rebuild) -> the built N-Quads file.
    MakeDataset = Callable[[Layout, bool], Path]
else:
    GraphSelection = str
    MakeDataset = object
GRAPH_SELECTIONS: tuple[str, ...] = ("all", "asserted", "inferred")  # = GraphSelection's values
# What each selection makes the query's default graph: the RDF merge of these named graphs.
SELECTED_GRAPHS: dict[str, tuple[str, ...]] = {
    "all": GRAPH_NAMES,  # what the sources state, with what OWL RL entails from them
    "asserted": ("ontology", "asserted", "links"),  # what the sources state
    "inferred": ("inferred",),  # only what reasoning added: to see what it contributes
}
_POSITION = LazyRegex(r"\b(?:at|between line) (\d+)(?::| column )(\d+)")


class OpenDataset(Record):
    """A loaded dataset and the file it came from (`location`, text; `path`: as a pathlib path); `built`:
    the cache had to be filled first; `on_disk`: the store is the cache entry's on-disk store (`_on_disk`)."""

    __slots__ = ()
    _fields = ("store", "location", "built", "on_disk")
    store: Store
    location: str | None
    built: bool
    on_disk: bool

    def __new__(
        cls, store: Store, location: str | os.PathLike[str] | None, built: bool = False, on_disk: bool = False
    ) -> OpenDataset:
        location = None if location is None else os.fspath(location)
        return tuple.__new__(cls, (store, location, built, on_disk))

    @property
    def path(self) -> Path | None:
        """The file, as a pathlib path (for callers off the query path)."""
        from pathlib import Path

        return None if self.location is None else Path(self.location)

    @property
    def own_graphs(self) -> bool:
        """Whether the store holds any of the dataset's named graphs (a build's output) or nothing at all
        (the empty store that checks a query meant for an endpoint), rather than some other file's graphs."""
        if any(self.store.contains_named_graph(NamedNode(graph_iri(name))) for name in GRAPH_NAMES):
            return True
        return next(iter(self.store), None) is None

    def spans_the_store(self, graphs: list[NamedNode | DefaultGraph]) -> bool:
        """Whether the merge of `graphs` is the whole store: every named graph it holds, and its default graph
        empty. A query can then read Oxigraph's union default graph instead: the same triples (neither form
        drops a triple stated in two graphs), one index lookup per pattern instead of one per graph, 2-3x
        quicker on the on-disk store at 10^6 triples (docs/performance.md, "Canned queries at 10^6")."""
        wanted = set(graphs)
        if DefaultGraph() in wanted or wanted != set(self.store.named_graphs()):
            return False
        return next(iter(self.store.quads_for_pattern(None, None, None, DefaultGraph())), None) is None

    def graphs(self, selection: GraphSelection = "all") -> list[NamedNode | DefaultGraph]:
        """The graphs whose merge is the default graph under `selection`: named graphs of a built dataset,
        or, for a file with none of them, all its graphs (module docstring)."""
        if self.own_graphs:
            return [NamedNode(graph_iri(name)) for name in SELECTED_GRAPHS[selection]]
        if selection == "inferred":
            raise UsageError(
                f"{self.location}: holds none of the dataset's named graphs (not a dataset built by "
                "alaska-kg), so nothing in it is known to be inferred; --graph inferred needs a built dataset"
            )
        return [DefaultGraph(), *(g for g in self.store.named_graphs() if isinstance(g, NamedNode))]


def _verified_bytes(
    layout: Layout,
    explicit: Path | str | None = None,
    announce: Callable[[str], None] | None = None,
    make: MakeDataset | None = None,
    entry: Manifest | None = None,
) -> tuple[str, bytes, bool, bool]:
    """The N-Quads file to load (its path as text), its bytes, whether it had to be built now (`announce`
    hears of it first), and whether the bytes are a build's, checked against its manifest. Bytes from a
    build (the cache, or a build folder with its manifest) are checked against the size and SHA-256
    recorded with them (alaska_kg.cache.read_verified: a check is remembered while the file's stat is
    unchanged): a cache entry that fails is rebuilt (announced), a build folder given by `--dataset` is
    refused (CorruptOutput). A file without a manifest is the user's, read as is."""
    if explicit is not None:
        path = os.fspath(explicit)
        if not pathtext.is_file(path):
            raise SourceNotFound(f"{path}: no such dataset file (build one with `alaska-kg build`)")
        dataset_syntax(path)  # an extension that names no RDF syntax is refused before anything is read
        manifest = read_manifest(pathtext.parent(path))
        if manifest is not None and pathtext.name(path) in manifest.entries:
            return path, read_verified(manifest, pathtext.name(path)), False, True
        try:
            with open(path, "rb") as handle:
                return path, handle.read(), False, False
        except OSError as exc:
            raise SourceNotFound(f"{path}: cannot read the dataset: {exc.strerror or exc}") from None
    entry = entry if entry is not None else cached_entry(layout, remember=True)
    rebuild = False
    if entry is not None:
        try:
            path = pathtext.join(entry.location, DATASET_FILE)
            return path, read_verified(entry, DATASET_FILE), False, True
        except CorruptOutput as exc:
            rebuild = True
            if announce is not None:
                announce(f"{exc}; rebuilding the cached dataset from {layout.folder}")
    if make is None:
        raise SourceNotFound(
            f"no built dataset for the current sources of {layout.folder} in the cache"
            " (build it with `alaska-kg build`)"
        )
    if not rebuild and announce is not None:
        announce(f"no built dataset for the current sources in the cache; building it from {layout.folder}")
    path = os.fspath(make(layout, rebuild))
    entry = read_manifest(pathtext.parent(path))
    if entry is None:
        raise CorruptOutput(f"{pathtext.parent(path)}: the build left no manifest")
    return path, read_verified(entry, pathtext.name(path)), True, True


def dataset_bytes(
    layout: Layout,
    explicit: Path | str | None = None,
    announce: Callable[[str], None] | None = None,
    make: MakeDataset | None = None,
) -> tuple[Path, bytes, bool]:
    """The N-Quads file to load, its bytes, and whether it had to be built now (see `_verified_bytes`)."""
    from pathlib import Path

    path, data, built, _ = _verified_bytes(layout, explicit, announce, make)
    return Path(path), data, built


def dataset_path(
    layout: Layout,
    explicit: Path | str | None = None,
    announce: Callable[[str], None] | None = None,
    make: MakeDataset | None = None,
) -> tuple[Path, bool]:
    """The N-Quads file to load (checked as in `dataset_bytes`), and whether it had to be built now."""
    path, _, built = dataset_bytes(layout, explicit, announce, make)
    return path, built


def load_store(path: Path | str, data: bytes | None = None, verified: bool = False) -> Store:
    """An in-memory store holding the quads of the RDF file at `path` (its bytes `data`, if read), read in
    the syntax its extension names (N-Quads if none is known: the build cache's file); the triples of a
    one-graph syntax go into the default graph. `verified`: the bytes are a build's own N-Quads, checked
    against its manifest, so Oxigraph's lenient parser reads them (it skips re-validating every IRI and
    literal the build wrote: ~2x faster, measured in docs/performance.md); anything else is read strictly."""
    store = Store()
    path = os.fspath(path)
    syntax = syntax_of(path) or "nq"
    rdf_format = RDF_SYNTAXES[syntax][0]
    base = None
    if syntax not in ("nq", "nt"):  # relative IRIs resolve against the file's own location
        from pathlib import Path

        base = Path(path).resolve().as_uri()
    try:
        if data is None:
            store.load(path=path, format=rdf_format, base_iri=base)
        else:
            store.load(data, format=rdf_format, base_iri=base, lenient=verified and syntax == "nq")
    except SyntaxError as exc:
        position = _POSITION.search(str(exc))
        line, column = (int(position[1]), int(position[2])) if position else (None, None)
        raise SourceSyntaxError(path, line, column, f"not valid {SYNTAX_NAMES[syntax]}: {exc}") from None
    except OSError as exc:
        raise SourceNotFound(f"{path}: cannot read the dataset: {exc}") from None
    return store


def open_dataset(
    layout: Layout,
    explicit: Path | str | None = None,
    announce: Callable[[str], None] | None = None,
    make: MakeDataset | None = None,
) -> OpenDataset:
    """Find the dataset (see `dataset_bytes`) and load it; a large one from the cache is opened read-only
    from the on-disk store its build wrote beside the N-Quads (`_on_disk`)."""
    entry = None
    if explicit is None:
        entry = cached_entry(layout, remember=True)
        opened = _on_disk(entry, announce)
        if opened is not None:
            return opened
    path, data, built, verified = _verified_bytes(layout, explicit, announce, make, entry)
    return OpenDataset(load_store(path, data, verified), path, built)


def _on_disk(entry: Manifest | None, announce: Callable[[str], None] | None) -> OpenDataset | None:
    """The cache entry's on-disk store (cache.STORE_FOLDER), opened read-only, when its build wrote one: it
    does so only for a large dataset, where opening it takes milliseconds and parsing the N-Quads seconds.
    Its manifest line is checked first (alaska_kg.manifest.folder_digest; RocksDB checks its data blocks
    as it reads them); a store that fails is passed over, announced, for the N-Quads, which are checked
    themselves and rebuilt if they fail too."""
    if entry is None or STORE_FOLDER not in entry.entries:
        return None
    try:
        folder = entry.verified_folder(STORE_FOLDER)
        store = Store.read_only(str(folder))
    except (CorruptOutput, OSError) as exc:
        if announce is not None:
            announce(f"{exc}; reading the N-Quads instead")
        return None
    if LABELS_FILE in entry.entries:
        use_table(store, lambda: _label_table(entry))
    return OpenDataset(store, pathtext.join(entry.location, DATASET_FILE), False, on_disk=True)


def _label_table(entry: Manifest) -> dict[str, str] | None:
    """The entry's label table (query.label_table), or None if it fails its manifest line: it is derived
    data, and the labels are then looked up in the store."""
    from alaska_kg.query.label_table import read_label_table

    try:
        return read_label_table(read_verified(entry, LABELS_FILE))
    except (CorruptOutput, OSError, UnicodeDecodeError):
        return None


__all__ = [
    "GRAPH_SELECTIONS",
    "SELECTED_GRAPHS",
    "GraphSelection",
    "MakeDataset",
    "OpenDataset",
    "dataset_bytes",
    "dataset_path",
    "load_store",
    "open_dataset",
]
