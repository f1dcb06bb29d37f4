"""Where built datasets are kept, keyed by a digest of their sources, so that unchanged sources build once.

An entry is a folder `<cache>/<key>/` replaced as a whole (alaska_kg.build.outdir) and holding a manifest with
the size and SHA-256 of each file (alaska_kg.manifest); a file is used only if it still matches.
Pure standard library: `alaska-kg query` asks this module for the dataset file on every call.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from alaska_kg import __version__
from alaska_kg.errors import CorruptOutput, SourceNotFound
from alaska_kg.manifest import Manifest, read_manifest
from alaska_kg.paths import Layout

CACHE_ENV_VAR = "ALASKA_KG_CACHE"
DATASET_FILE = "alaska-kg.nq"
SUMMARY_FILE = "alaska-kg.summary.json"


def cache_root() -> Path:
    """$ALASKA_KG_CACHE, else $XDG_CACHE_HOME/alaska-kg, else ~/.cache/alaska-kg."""
    explicit = os.environ.get(CACHE_ENV_VAR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "alaska-kg"


def source_files(layout: Layout) -> tuple[Path, ...]:
    """Every entry the built dataset depends on: ontology/* (not sub-folders), data/**/*.ttl, the article
    text and the integrity checks queries/checks/*.rq (they decide whether a build conforms); whatever each
    is now (a file, a folder, a broken symbolic link), so that `source_key` sees it."""
    found = {p for p in _entries(layout.ontology_dir, "*") if p.is_symlink() or not p.is_dir()}
    found |= {layout.ontology_file, layout.shapes_file, layout.context_file}
    found |= set(_entries(layout.data_dir, "**/*.ttl"))
    found |= set(_entries(layout.queries_dir / "checks", "*.rq"))
    found.add(layout.source_text)
    return tuple(sorted(p for p in found if os.path.lexists(p)))


def _entries(folder: Path, pattern: str) -> list[Path]:
    try:
        return list(folder.glob(pattern))
    except OSError:  # the folder itself cannot be read: the build names it
        return []


def _read_source(path: Path) -> bytes:
    """The bytes of one source; SourceNotFound (exit 6) names it when it is not a readable file."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        reason = "a broken symbolic link" if os.path.islink(path) else "no such file"
    except IsADirectoryError:
        reason = "a folder, not a file"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    raise SourceNotFound(f"{path}: cannot read this source file: {reason}")


def source_key(layout: Layout) -> str:
    """SHA-256 over the package version and every source file's relative path and bytes (~0.6 ms for the
    bundled sources). A source that cannot be read (a folder, a broken link, no permission) is an error
    naming it, never a key that matches an earlier build."""
    digest = hashlib.sha256(__version__.encode())
    for path in source_files(layout):
        digest.update(b"\0" + path.relative_to(layout.root).as_posix().encode() + b"\0")
        data = _read_source(path)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:32]


def cache_dir(layout: Layout) -> Path:
    """The folder holding the build outputs for the current sources (it may not exist yet)."""
    return cache_root() / source_key(layout)


def cached_entry(layout: Layout) -> Manifest | None:
    """The manifest of the cache entry for the current sources, if a build has completed one that holds
    the dataset and the summary (an entry from before manifests counts as none: it cannot be checked)."""
    try:
        manifest = read_manifest(cache_dir(layout))
    except CorruptOutput:
        return None
    if manifest is None or not {DATASET_FILE, SUMMARY_FILE} <= manifest.entries.keys():
        return None
    return manifest


def cached_dataset(layout: Layout) -> Path | None:
    """The N-Quads dataset built from the current sources, if the cache holds a complete entry (its bytes
    are checked against the manifest when read: `Manifest.read_verified`)."""
    manifest = cached_entry(layout)
    return manifest.folder / DATASET_FILE if manifest is not None else None


__all__ = [
    "CACHE_ENV_VAR",
    "DATASET_FILE",
    "SUMMARY_FILE",
    "cache_dir",
    "cache_root",
    "cached_dataset",
    "cached_entry",
    "source_files",
    "source_key",
]
