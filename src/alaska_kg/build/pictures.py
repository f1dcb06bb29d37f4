"""The pictures (alaska_kg.viz) among the build's outputs: drawn from the dataset the build just wrote.

They are queried from the same dataset as everything else the build publishes, so they go into the cache
entry, its manifest and every output folder copied from it, checked like the other files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pyoxigraph import Store

from alaska_kg.manifest import Manifest
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.viz import PICTURES


def has_pictures(entry: Manifest) -> bool:
    """Whether a cache entry holds every picture: one written before the pictures existed is rebuilt."""
    return set(PICTURES) <= set(entry.entries)


def picture_writers(store_of: Callable[[], Store], name: str) -> dict[str, Callable[[Path], None]]:
    """A writer per picture (by file name) for `publish.write_atomically`, drawing from `store_of()`, the
    build's own store of the dataset's named graphs, written as the file `name`. (At scale the pictures are
    drawn by the on-disk store's loader instead: alaska_kg.build.disk_store.)"""

    def writer(draw: Callable[[OpenDataset], str]) -> Callable[[Path], None]:
        return lambda path: path.write_text(draw(OpenDataset(store_of(), Path(name))), encoding="utf-8")

    return {file_name: writer(draw) for file_name, draw in PICTURES.items()}


__all__ = ["has_pictures", "picture_writers"]
