"""Where built datasets are kept, keyed by a digest of their sources, so that unchanged sources build once.

Pure standard library: `alaska-kg query` asks this module for the dataset file on every call.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from alaska_kg import __version__
from alaska_kg.paths import Layout

CACHE_ENV_VAR = "ALASKA_KG_CACHE"
DATASET_FILE = "alaska-kg.nq"


def cache_root() -> Path:
    """$ALASKA_KG_CACHE, else $XDG_CACHE_HOME/alaska-kg, else ~/.cache/alaska-kg."""
    explicit = os.environ.get(CACHE_ENV_VAR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "alaska-kg"


def source_files(layout: Layout) -> tuple[Path, ...]:
    """Every file the built dataset depends on: ontology/*, data/**/*.ttl and the article text."""
    found = [p for p in layout.ontology_dir.glob("*") if p.is_file()]
    found += layout.data_dir.rglob("*.ttl")
    found.append(layout.source_text)
    return tuple(sorted(p for p in found if p.is_file()))


def source_key(layout: Layout) -> str:
    """SHA-256 over the package version and every source file's relative path and bytes."""
    digest = hashlib.sha256(__version__.encode())
    for path in source_files(layout):
        digest.update(b"\0" + path.relative_to(layout.root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def cache_dir(layout: Layout) -> Path:
    """The folder holding the build outputs for the current sources (it may not exist yet)."""
    return cache_root() / source_key(layout)


def cached_dataset(layout: Layout) -> Path | None:
    """The N-Quads dataset built from the current sources, if a build has left one in the cache."""
    path = cache_dir(layout) / DATASET_FILE
    return path if path.is_file() else None


__all__ = [
    "CACHE_ENV_VAR",
    "DATASET_FILE",
    "cache_dir",
    "cache_root",
    "cached_dataset",
    "source_files",
    "source_key",
]
