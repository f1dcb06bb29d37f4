"""Where built datasets are kept, keyed by a digest of their sources, so that unchanged sources build once.

An entry is a folder `<cache>/<key>/` replaced as a whole (alaska_kg.build.outdir) and holding a manifest with
the size and SHA-256 of each file (alaska_kg.manifest); a file is used only if it still matches.
Pure standard library: `alaska-kg query` asks this module for the dataset file on every call.
"""

from __future__ import annotations

import os
import stat
import time

from alaska_kg import __version__, pathtext
from alaska_kg.errors import CorruptOutput, SourceNotFound
from alaska_kg.manifest import Manifest, check, read_manifest
from alaska_kg.paths import CONTEXT_FILE, ONTOLOGY_FILE, PACKAGED_ROOT, SHAPES_FILE, SOURCE_TEXT, Layout
from alaska_kg.sha256 import sha256

TYPE_CHECKING = False  # pathlib is not imported on the query path (alaska_kg.pathtext)
if TYPE_CHECKING:
    from pathlib import Path

CACHE_ENV_VAR = "ALASKA_KG_CACHE"
DATASET_FILE = "alaska-kg.nq"
# The same dataset as an on-disk Oxigraph store (a RocksDB folder, listed in the manifest: see
# alaska_kg.manifest.folder_digest), written by the build when the dataset holds at least STORE_MIN_QUADS
# quads: the query path then opens it read-only instead of parsing the N-Quads. Below that, parsing the
# N-Quads into memory is as quick as opening the store and the queries run faster in memory (measured in
# docs/performance.md, "The on-disk store").
STORE_FOLDER = "alaska-kg.oxigraph"
STORE_MIN_QUADS = 50_000
# Written with the on-disk store: each IRI's preferred label, for the query commands' tables
# (alaska_kg.query.label_table).
LABELS_FILE = "alaska-kg.labels.tsv"
SUMMARY_FILE = "alaska-kg.summary.json"
# Remembered checks, in dot-folders of the cache root (no cache entry, and not a build's staging folder),
# one file per thing checked (`_recall`, `_remember`):
# - KEYS_FOLDER, one file per source root: the key last computed from the sources' bytes and the stat of
#   each source then;
# - VERIFIED_FOLDER, one file per dataset file: that its bytes matched its manifest's SHA-256, and the
#   stat of the file then.
KEYS_FOLDER = ".source-keys"
VERIFIED_FOLDER = ".verified"
# A file whose mtime or ctime is this close to (or after) the moment its bytes were read may have changed
# within the same timestamp tick as that reading ("racy", as git says): its stat proves nothing.
_RACY_NS = 2_000_000_000
# A remembered check older than this is made again (and remembered anew): what it proves is not left to
# stand for ever on the stat alone.
_REMEMBERED_NS = 86_400 * 1_000_000_000


def cache_root() -> Path:
    """$ALASKA_KG_CACHE, else $XDG_CACHE_HOME/alaska-kg, else ~/.cache/alaska-kg."""
    from pathlib import Path

    return Path(_cache_root())


def _cache_root() -> str:
    """`cache_root`, as text."""
    explicit = os.environ.get(CACHE_ENV_VAR)
    if explicit:
        return explicit
    xdg = os.environ.get("XDG_CACHE_HOME")
    return pathtext.join(xdg if xdg else pathtext.join(os.path.expanduser("~"), ".cache"), "alaska-kg")


def source_files(layout: Layout) -> tuple[str, ...]:
    """Every entry the built dataset depends on, as paths (text) under `layout.folder`: ontology/* (not
    sub-folders), data/**/*.ttl, the article text and the integrity checks queries/checks/*.rq (they
    decide whether a build conforms); whatever each is now (a file, a folder, a broken symbolic link), so
    that `source_key` sees it. Sorted as pathlib sorts them (by their parts)."""
    ontology = pathtext.join(layout.folder, "ontology")
    data = pathtext.join(layout.folder, "data")
    found = {p for p in _entries(ontology) if pathtext.is_symlink(p) or not pathtext.is_dir(p)}
    found |= {pathtext.join(ontology, name) for name in (ONTOLOGY_FILE, SHAPES_FILE, CONTEXT_FILE)}
    found |= {p for p in _tree(data) if p.endswith(".ttl")}
    found |= {p for p in _entries(pathtext.join(layout.folder, "queries", "checks")) if p.endswith(".rq")}
    found.add(pathtext.join(data, *SOURCE_TEXT.split("/")))
    return tuple(sorted((p for p in found if os.path.lexists(p)), key=lambda p: p.split(os.sep)))


def _entries(folder: str) -> list[str]:
    """`Path(folder).glob("*")`: every name in `folder` (dot-names too), joined to it."""
    try:
        return [pathtext.join(folder, name) for name in os.listdir(folder)]
    except OSError:  # the folder itself cannot be read (or is none): the build names it
        return []


def _tree(folder: str) -> list[str]:
    """`Path(folder).glob("**/*")`: every entry in `folder` and, below it, in its sub-folders (not those
    reached through a symbolic link)."""
    found = []
    pending = [folder]
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    found.append(entry.path)
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(entry.path)
                    except OSError:
                        pass
        except OSError:
            continue
    return found


def _read_source(path: str, whole: bool = True) -> bytes | os.stat_result:
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


def _relative(layout: Layout, path: str) -> str:
    """`path` relative to the root, `/`-separated (as pathlib's `relative_to(root).as_posix()`)."""
    inside = layout.folder.rstrip(os.sep) + os.sep
    relative = path[len(inside) :] if path.startswith(inside) else os.path.relpath(path, layout.folder)
    return relative.replace(os.sep, "/")


def content_key(layout: Layout, files: tuple[str, ...] | None = None) -> str:
    """SHA-256 over the package version and every source file's relative path and bytes (~1 ms for the
    bundled sources). A source that cannot be read (a folder, a broken link, no permission) is an error
    naming it, never a key that matches an earlier build."""
    digest = sha256(__version__.encode())
    for path in source_files(layout) if files is None else files:
        digest.update(b"\0" + _relative(layout, os.fspath(path)).encode() + b"\0")
        data = _read_source(path)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:32]


def _record_file() -> str:
    """The wheel's RECORD beside the installed package (it may not exist)."""
    packaged = os.fspath(PACKAGED_ROOT)
    site = pathtext.parent(pathtext.parent(packaged))
    return pathtext.join(site, f"alaska_kg-{__version__}.dist-info", "RECORD")


def _packaged_key(layout: Layout, remember: bool = False) -> str | None:
    """The key of the packaged sources: their `content_key`, the same as a repository with the same files
    has (so that both find one cache entry), hashed once per install and then remembered by the stat of the
    wheel's RECORD (only an install changes the packaged copy, and it rewrites the RECORD); None when the
    installer left no RECORD. Remembered as the sources' keys are (`source_key`)."""
    record = _record_file()
    try:
        before = os.stat(record)
    except OSError:
        return None
    fingerprint = _fingerprint(before)
    changed_at = max(before.st_mtime_ns, before.st_ctime_ns)
    remembered = _recall(KEYS_FOLDER, record)
    if remembered is not None and len(remembered) == 4:
        version, key, hashed_at, kept = remembered
        if (version, kept) == (__version__, fingerprint) and _trusted(hashed_at, changed_at):
            return key
    hashed_at = time.time_ns()
    key = content_key(layout, source_files(layout))
    try:
        unchanged = _fingerprint(os.stat(record)) == fingerprint
    except OSError:
        unchanged = False
    if remember and unchanged and changed_at < hashed_at - _RACY_NS:
        _remember(KEYS_FOLDER, record, [__version__, key, str(hashed_at), fingerprint])
    return key


# ---------------------------------------------------------------- remembered checks


def _memory_file(folder: str, subject: str) -> str:
    """The file in the cache root's `folder` that remembers a check of `subject` (a path): named by the
    path itself, escaped (a digest of it only when too long for a file name), so that finding it hashes
    nothing."""
    name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else f"%{ord(c):02X}" for c in subject)
    if len(name) > 200:
        name = sha256(os.fsencode(subject)).hexdigest()
    return pathtext.join(_cache_root(), folder, name)


def _recall(folder: str, subject: str) -> list[str] | None:
    """The lines remembered of `subject` in `folder` (see `_remember`), or None."""
    try:
        with open(_memory_file(folder, subject), encoding="utf-8") as handle:
            return handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return None


def _remember(folder: str, subject: str, lines: list[str]) -> None:
    """Remember `lines` of `subject` in `folder`, written atomically; a cache that cannot be written only
    costs the next call the check again."""
    path = _memory_file(folder, subject)
    temporary = pathtext.join(pathtext.parent(path), f".{pathtext.name(path)}.tmp-{os.getpid()}")
    try:
        os.makedirs(pathtext.parent(path), exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        os.replace(temporary, path)
    except OSError:
        try:  # noqa: SIM105 - contextlib (with collections and functools) is not imported on the query path
            os.unlink(temporary)
        except OSError:
            pass


def _trusted(checked_at: str, changed_at: int) -> bool:
    """Whether a check made at `checked_at` (ns, as remembered) still speaks for a file last changed at
    `changed_at` (its newest mtime or ctime, unchanged since): the change came clearly before the check
    (not within `_RACY_NS`), and the check is less than `_REMEMBERED_NS` old."""
    try:
        checked = int(checked_at)
    except ValueError:
        return False
    return changed_at < checked - _RACY_NS and 0 <= time.time_ns() - checked < _REMEMBERED_NS


def _fingerprint(st: os.stat_result) -> str:
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {st.st_dev} {st.st_mode}"


def _signature(layout: Layout, files: tuple[str, ...]) -> list[str]:
    """One line per source: its path and the stat of the file itself, opened (so that a source that is now
    a folder, a broken link or unreadable is the error `content_key` would raise)."""
    return [f"{_fingerprint(_read_source(path, whole=False))} {_relative(layout, path)}" for path in files]


def source_key(layout: Layout, remember: bool = False) -> str:
    """The key of the sources' cache entry: `content_key`, but recomputed only when a source's stat (size,
    mtime, ctime, inode, mode) or the list of sources changed since it was last computed for this root,
    the stat was taken too close to that reading to prove anything, or that was long ago (`_trusted`);
    the packaged copy's key, which only an install changes, is remembered by the stat of the wheel's
    RECORD. Only the query path (`remember`) writes what it computed into the cache root's KEYS_FOLDER: a
    build reads every source anyway, and leaves nothing in the cache root but complete entries."""
    if layout.is_packaged:
        key = _packaged_key(layout, remember)
        if key is not None:
            return key
    files = source_files(layout)
    signature = _signature(layout, files)
    remembered = _recall(KEYS_FOLDER, layout.folder)
    try:
        if remembered is not None:
            version, key, hashed_at, *stored = remembered
            newest = max((max(map(int, line.split(" ", 3)[1:3])) for line in signature), default=0)
            if version == __version__ and stored == signature and _trusted(hashed_at, newest):
                return key
    except ValueError:
        pass
    hashed_at = time.time_ns()
    key = content_key(layout, files)
    if remember and _signature(layout, files) == signature:  # unchanged while read: worth remembering
        _remember(KEYS_FOLDER, layout.folder, [__version__, key, str(hashed_at), *signature])
    return key


def read_verified(manifest: Manifest, name: str) -> bytes:
    """`manifest.read_verified(name)`, hashing the bytes only when no earlier check speaks for them: a
    file whose SHA-256 matched its manifest line is remembered in VERIFIED_FOLDER with its stat (size,
    mtime, ctime, inode, device), and while that stat is unchanged (`_trusted`), its size is checked and
    its digest taken as known (docs/security.md, "The local disk"). The stat is that of the open file,
    taken before and after reading it; a check is remembered only when both agree."""
    entry = manifest.entries.get(name)
    if entry is None:
        return manifest.read_verified(name)  # its error
    path = pathtext.join(manifest.location, name)
    try:
        with open(path, "rb") as handle:
            before = os.fstat(handle.fileno())
            if not stat.S_ISREG(before.st_mode):
                return manifest.read_verified(name)  # its error
            data = handle.read()
            after = os.fstat(handle.fileno())
    except OSError as exc:
        raise CorruptOutput(f"{path}: cannot be read ({exc.strerror or exc})") from None
    fingerprint = _fingerprint(after)
    changed_at = max(after.st_mtime_ns, after.st_ctime_ns)
    remembered = _recall(VERIFIED_FOLDER, path)
    if remembered is not None and len(data) == entry.size and fingerprint == _fingerprint(before):
        try:
            *kept, verified_at = remembered
            same = kept == [path, __version__, entry.sha256, fingerprint]
            if same and _trusted(verified_at, changed_at):
                return data
        except ValueError:
            pass
    verified_at = time.time_ns()
    check(path, data, entry)
    if fingerprint == _fingerprint(before) and changed_at < verified_at - _RACY_NS:
        _remember(VERIFIED_FOLDER, path, [path, __version__, entry.sha256, fingerprint, str(verified_at)])
    return data


def _entry_folder(layout: Layout, remember: bool = False) -> str:
    return pathtext.join(_cache_root(), source_key(layout, remember))


def cache_dir(layout: Layout, remember: bool = False) -> Path:
    """The folder holding the build outputs for the current sources (it may not exist yet)."""
    from pathlib import Path

    return Path(_entry_folder(layout, remember))


def cached_entry(layout: Layout, remember: bool = False) -> Manifest | None:
    """The manifest of the cache entry for the current sources, if a build has completed one that holds
    the dataset and the summary (an entry from before manifests counts as none: it cannot be checked);
    `remember`: see `source_key`."""
    try:
        manifest = read_manifest(_entry_folder(layout, remember))
    except CorruptOutput:
        return None
    if manifest is None or not {DATASET_FILE, SUMMARY_FILE} <= manifest.entries.keys():
        return None
    return manifest


def cached_dataset(layout: Layout) -> Path | None:
    """The N-Quads dataset built from the current sources, if the cache holds a complete entry (its bytes
    are checked against the manifest when read: `read_verified`)."""
    manifest = cached_entry(layout)
    return manifest.folder / DATASET_FILE if manifest is not None else None


__all__ = [
    "CACHE_ENV_VAR",
    "DATASET_FILE",
    "LABELS_FILE",
    "STORE_FOLDER",
    "STORE_MIN_QUADS",
    "SUMMARY_FILE",
    "cache_dir",
    "cache_root",
    "cached_dataset",
    "cached_entry",
    "content_key",
    "read_verified",
    "source_files",
    "source_key",
]
