"""The pictures (alaska_kg.viz) among the build's outputs: drawn from the N-Quads the build just wrote.

They are queried from the same dataset as everything else the build publishes, so they go into the cache
entry, its manifest and every output folder copied from it, checked like the other files.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from alaska_kg.manifest import Manifest
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.viz import PICTURES


def has_pictures(entry: Manifest) -> bool:
    """Whether a cache entry holds every picture: one written before the pictures existed is rebuilt."""
    return set(PICTURES) <= set(entry.entries)


def picture_writers(
    nquads: Callable[[], str], name: str, store: Store | None = None
) -> dict[str, Callable[[Path], None]]:
    """A writer per picture (by file name) for `publish.write_atomically`, drawing from `nquads()` (the
    dataset as N-Quads, the file `name`), loaded once for both; or from `store`, the build's own store of
    the dataset's named graphs, when given (nothing to load again)."""

    @cache
    def dataset() -> OpenDataset:
        if store is not None:
            return OpenDataset(store, Path(name))
        store_ = Store()
        store_.load(nquads().encode("utf-8"), format=RdfFormat.N_QUADS, lenient=True)
        return OpenDataset(store_, Path(name))

    def writer(draw: Callable[[OpenDataset], str]) -> Callable[[Path], None]:
        return lambda path: path.write_text(draw(dataset()), encoding="utf-8")

    return {file_name: writer(draw) for file_name, draw in PICTURES.items()}


__all__ = ["has_pictures", "picture_writers"]
