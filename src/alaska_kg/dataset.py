"""The built dataset, opened for querying: find the N-Quads file, load it into an in-memory Oxigraph store.

The file comes from `--dataset FILE.nq`, else from the build cache for the current sources; only when the
cache has none is the build path imported (rdflib, pyshacl, reasoner: slow) to make it. Loading ~6k quads
takes ~10 ms, so every command loads afresh and nothing is kept between calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from pyoxigraph import NamedNode, RdfFormat, Store

from alaska_kg.cache import cached_dataset
from alaska_kg.errors import SourceNotFound, SourceSyntaxError
from alaska_kg.namespaces import GRAPH_NAMES, graph_iri
from alaska_kg.paths import Layout

GraphSelection = Literal["all", "asserted", "inferred"]
GRAPH_SELECTIONS: tuple[str, ...] = get_args(GraphSelection)
# What each selection makes the query's default graph: the RDF merge of these named graphs.
SELECTED_GRAPHS: dict[str, tuple[str, ...]] = {
    "all": GRAPH_NAMES,  # what the sources state, with what OWL RL entails from them
    "asserted": ("ontology", "asserted", "links"),  # what the sources state
    "inferred": ("inferred",),  # only what reasoning added: to see what it contributes
}
_POSITION = re.compile(r"\b(?:at|between line) (\d+)(?::| column )(\d+)")


@dataclass(frozen=True)
class OpenDataset:
    """A loaded dataset and where it came from (`built`: the cache had to be filled first)."""

    store: Store
    path: Path
    built: bool = False

    def graphs(self, selection: GraphSelection = "all") -> list[NamedNode]:
        """The named graphs whose merge is the default graph under `selection`."""
        return [NamedNode(graph_iri(name)) for name in SELECTED_GRAPHS[selection]]


def dataset_path(
    layout: Layout, explicit: Path | str | None = None, announce: Callable[[str], None] | None = None
) -> tuple[Path, bool]:
    """The N-Quads file to load, and whether it had to be built now (`announce` hears of it first)."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise SourceNotFound(f"{path}: no such dataset file (build one with `alaska-kg build`)")
        return path, False
    found = cached_dataset(layout)
    if found is not None:
        return found, False
    if announce is not None:
        announce(f"no built dataset for the current sources in the cache; building it from {layout.root}")
    from alaska_kg.build import ensure_dataset  # the heavy build path, only on a cache miss

    return ensure_dataset(layout), True


def load_store(path: Path) -> Store:
    """An in-memory store holding the quads of the N-Quads file at `path`."""
    store = Store()
    try:
        store.load(path=str(path), format=RdfFormat.N_QUADS)
    except SyntaxError as exc:
        position = _POSITION.search(str(exc))
        line, column = (int(position[1]), int(position[2])) if position else (None, None)
        raise SourceSyntaxError(path, line, column, f"not valid N-Quads: {exc}") from None
    except OSError as exc:
        raise SourceNotFound(f"{path}: cannot read the dataset: {exc}") from None
    return store


def open_dataset(
    layout: Layout, explicit: Path | str | None = None, announce: Callable[[str], None] | None = None
) -> OpenDataset:
    """Find the dataset (see `dataset_path`) and load it."""
    path, built = dataset_path(layout, explicit, announce)
    return OpenDataset(load_store(path), path, built)


__all__ = [
    "GRAPH_SELECTIONS",
    "SELECTED_GRAPHS",
    "GraphSelection",
    "OpenDataset",
    "dataset_path",
    "load_store",
    "open_dataset",
]
