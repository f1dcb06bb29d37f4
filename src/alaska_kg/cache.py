"""Where built datasets are kept, keyed by a digest of their sources, so that unchanged sources build once.

An entry is a folder `<cache>/<key>/` replaced as a whole (alaska_kg.build.outdir) and holding a manifest with
the size and SHA-256 of each file (alaska_kg.manifest); a file is used only if it still matches.
Pure standard library: `alaska-kg query` asks this module for the dataset file on every call.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from alaska_kg import __version__
from alaska_kg.errors import CorruptOutput, SourceNotFound
from alaska_kg.manifest import Manifest, read_manifest
from alaska_kg.paths import PACKAGED_ROOT, Layout
from alaska_kg.sha256 import sha256

CACHE_ENV_VAR = "ALASKA_KG_CACHE"
DATASET_FILE = "alaska-kg.nq"
# The same dataset as an on-disk Oxigraph store (a RocksDB folder, listed in the manifest: see
# alaska_kg.manifest.folder_digest), written by the build when the dataset holds at least STORE_MIN_QUADS
# quads: the query path then opens it read-only instead of parsing the N-Quads. Below that, parsing the
# N-Quads into memory is as quick as opening the store and the queries run faster in memory (measured in
# docs/performance.md, "The on-disk store").
STORE_FOLDER = "alaska-kg.oxigraph"
STORE_MIN_QUADS = 50_000
SUMMARY_FILE = "alaska-kg.summary.json"
# In the cache root, one file per source root: the key last computed from the sources' bytes and the
# stat of each source then (a dot-folder: no cache entry, and not a build's staging folder).
KEYS_FOLDER = ".source-keys"
# A source whose mtime or ctime is this close to (or after) the moment its bytes were hashed may have
# changed within the same timestamp tick as that reading ("racy", as git says): its stat proves nothing.
_RACY_NS = 2_000_000_000


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


def _read_source(path: Path, whole: bool = True) -> bytes | os.stat_result:
    """The bytes of one source (`whole`), else the stat of it, open; SourceNotFound (exit 6) names it when
    it is not a readable file."""
    try:
        with open(path, "rb") as handle:
            return handle.read() if whole else os.fstat(handle.fileno())
    except FileNotFoundError:
        reason = "a broken symbolic link" if os.path.islink(path) else "no such file"
    except IsADirectoryError:
        reason = "a folder, not a file"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    raise SourceNotFound(f"{path}: cannot read this source file: {reason}")


def content_key(layout: Layout, files: tuple[Path, ...] | None = None) -> str:
    """SHA-256 over the package version and every source file's relative path and bytes (~1 ms for the
    bundled sources). A source that cannot be read (a folder, a broken link, no permission) is an error
    naming it, never a key that matches an earlier build."""
    digest = sha256(__version__.encode())
    for path in source_files(layout) if files is None else files:
        digest.update(b"\0" + path.relative_to(layout.root).as_posix().encode() + b"\0")
        data = _read_source(path)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:32]


def _packaged_key() -> str | None:
    """The key of the packaged sources: the package version and the wheel's RECORD (which holds the
    SHA-256 of every file it installed, the sources among them); None when the installer left no RECORD."""
    record = PACKAGED_ROOT.parent.parent / f"alaska_kg-{__version__}.dist-info" / "RECORD"
    try:
        data = record.read_bytes()
    except OSError:
        return None
    return sha256(b"packaged\0" + __version__.encode() + b"\0" + data).hexdigest()[:32]


def _keys_file(layout: Layout) -> Path:
    return cache_root() / KEYS_FOLDER / sha256(os.fsencode(layout.root)).hexdigest()[:32]


def _signature(layout: Layout, files: tuple[Path, ...]) -> list[str]:
    """One line per source: its path and the stat of the file itself, opened (so that a source that is now
    a folder, a broken link or unreadable is the error `content_key` would raise)."""
    lines = []
    for path in files:
        st = _read_source(path, whole=False)
        lines.append(
            f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {st.st_dev} {st.st_mode} "
            f"{path.relative_to(layout.root).as_posix()}"
        )
    return lines


def source_key(layout: Layout, remember: bool = False) -> str:
    """The key of the sources' cache entry: `content_key`, but recomputed only when a source's stat (size,
    mtime, ctime, inode, mode) or the list of sources changed since it was last computed for this root,
    or the stat was taken too close to that reading to prove anything (`_RACY_NS`); the packaged copy,
    which only an install changes, is keyed by the wheel's RECORD. Only the query path (`remember`) writes
    what it computed into the cache root's KEYS_FOLDER: a build reads every source anyway, and leaves
    nothing in the cache root but complete entries."""
    if layout.is_packaged:
        key = _packaged_key()
        if key is not None:
            return key
    files = source_files(layout)
    signature = _signature(layout, files)
    keys_file = _keys_file(layout)
    try:
        version, key, hashed_at, *stored = keys_file.read_text(encoding="utf-8").splitlines()
        newest = max((max(map(int, line.split(" ", 3)[1:3])) for line in signature), default=0)
        if version == __version__ and stored == signature and newest < int(hashed_at) - _RACY_NS:
            return key
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    hashed_at = time.time_ns()
    key = content_key(layout, files)
    if remember and _signature(layout, files) == signature:  # unchanged while read: worth remembering
        _remember(keys_file, "\n".join([__version__, key, str(hashed_at), *signature]) + "\n")
    return key


def _remember(path: Path, text: str) -> None:
    """Write the keys file atomically; a cache that cannot be written only costs the next call a hash."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def cache_dir(layout: Layout, remember: bool = False) -> Path:
    """The folder holding the build outputs for the current sources (it may not exist yet)."""
    return cache_root() / source_key(layout, remember)


def cached_entry(layout: Layout, remember: bool = False) -> Manifest | None:
    """The manifest of the cache entry for the current sources, if a build has completed one that holds
    the dataset and the summary (an entry from before manifests counts as none: it cannot be checked);
    `remember`: see `source_key`."""
    try:
        manifest = read_manifest(cache_dir(layout, remember))
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
    "STORE_FOLDER",
    "STORE_MIN_QUADS",
    "SUMMARY_FILE",
    "cache_dir",
    "cache_root",
    "cached_dataset",
    "cached_entry",
    "content_key",
    "source_files",
    "source_key",
]
