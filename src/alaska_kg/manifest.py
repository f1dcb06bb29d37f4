"""The manifest of a build: which files it wrote into a folder, with the size and SHA-256 of each.

Written last into every output folder and cache entry (`alaska-kg.manifest`), it serves two ends:
- trust: a file is used only if its size and digest still match (a hand edit, a truncation or a damaged
  disk is found before anything is printed as fact). The digest is of bytes the caller reads anyway, so
  checking costs one pass of SHA-256 over them (~0.6 ms for the 1.2 MB N-Quads here);
- ownership: a later build replaces a folder only if it holds nothing but the files listed here.

It detects accidents, not an attacker: whoever can rewrite the files can rewrite the manifest too.
The format is one line per file, `SHA256 SIZE NAME`, after a `#` comment line; check a folder by hand with
`awk '!/^#/ {print $1 "  " $3}' alaska-kg.manifest | sha256sum -c`.

Pure standard library: the query path reads it on every call.
"""

from __future__ import annotations

import os

from alaska_kg import pathtext
from alaska_kg.errors import CorruptOutput
from alaska_kg.records import Record
from alaska_kg.sha256 import sha256

TYPE_CHECKING = False  # pathlib is not imported on the query path (alaska_kg.pathtext)
if TYPE_CHECKING:
    from pathlib import Path

MANIFEST_NAME = "alaska-kg.manifest"
_HEADER = "# alaska-kg manifest 1: the files this build wrote here, as SHA-256 SIZE NAME; do not edit\n"


# Records (alaska_kg.records), not frozen dataclasses nor named tuples: as immutable, and cheaper to define
# on the path of every query.
class Entry(Record):
    """One file a build wrote: its name in the folder, size in bytes and SHA-256 (hex)."""

    __slots__ = ()
    _fields = ("name", "size", "sha256")
    name: str
    size: int
    sha256: str


class Manifest(Record):
    """The files a build wrote into the folder `location` (text; `folder`: as a pathlib path), by name."""

    __slots__ = ()
    _fields = ("location", "entries")
    location: str
    entries: dict[str, Entry]

    def __new__(cls, location: str | os.PathLike[str], entries: dict[str, Entry]) -> Manifest:
        return tuple.__new__(cls, (os.fspath(location), entries))

    @property
    def folder(self) -> Path:
        """The folder, as a pathlib path (for callers off the query path)."""
        from pathlib import Path

        return Path(self.location)

    @property
    def names(self) -> frozenset[str]:
        """The names a build owns in the folder: every listed file and the manifest itself."""
        return frozenset(self.entries) | {MANIFEST_NAME}

    def verified_folder(self, name: str) -> Path:
        """The listed folder `name` (the on-disk store), after checking it against its manifest line."""
        entry = self.entries.get(name)
        path = self.folder / name
        if entry is None:
            raise CorruptOutput(f"{path}: not listed in {self.folder / MANIFEST_NAME}")
        check_folder(path, entry)
        return path

    def copy_verified(self, name: str, target: Path) -> None:
        """Copy the listed file `name` to `target` in 16 MiB pieces, hashing them on the way: the check of
        `read_verified` (CorruptOutput unless size and digest match; the caller drops the copy), without
        holding a file of hundreds of MB in memory. An error writing `target` stays an OSError."""
        entry = self.entries.get(name)
        path = self.folder / name
        if entry is None:
            raise CorruptOutput(f"{path}: not listed in {self.folder / MANIFEST_NAME}")
        hasher = sha256()
        size = 0
        try:
            reader = path.open("rb")
        except OSError as exc:
            raise CorruptOutput(f"{path}: cannot be read ({exc.strerror or exc})") from None
        with reader, target.open("wb") as writer:
            while chunk := reader.read(1 << 24):
                hasher.update(chunk)
                size += len(chunk)
                writer.write(chunk)
        if size != entry.size:
            raise CorruptOutput(
                f"{path}: {size} bytes where the build wrote {entry.size} (truncated or edited since)"
            )
        if hasher.hexdigest() != entry.sha256:
            raise CorruptOutput(f"{path}: its SHA-256 differs from the one the build recorded (edited since)")

    def read_verified(self, name: str) -> bytes:
        """The bytes of the listed file `name`, after checking them against its size and digest."""
        entry = self.entries.get(name)
        path = pathtext.join(self.location, name)
        if entry is None:
            raise CorruptOutput(f"{path}: not listed in {pathtext.join(self.location, MANIFEST_NAME)}")
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CorruptOutput(f"{path}: cannot be read ({exc.strerror or exc})") from None
        check(path, data, entry)
        return data


def digest(data: bytes) -> str:
    return sha256(data).hexdigest()


# A folder a build wrote (the on-disk Oxigraph store: a RocksDB database) is listed by one line too. Its
# SHA-256 covers the name and size of every file in it and the bytes of all but its data files (`*.sst`,
# `*.log`: RocksDB checksums each of their blocks itself, on every read), so checking it costs a directory
# listing and ~0.2 MB of reading whatever the size of the store, and still finds a file added, removed,
# truncated or grown, and any change to the database's manifest, options or log.
_SELF_CHECKED = (".sst", ".log")


def folder_digest(folder: Path) -> tuple[str, int]:
    """The SHA-256 (hex) and total size of the folder `folder` as a manifest lists it."""
    hasher = sha256(b"folder\0")
    total = 0
    for path in sorted(folder.iterdir()):
        if path.is_symlink() or not path.is_file():
            raise CorruptOutput(f"{path}: not a plain file in {folder}")
        size = path.stat().st_size
        total += size
        hasher.update(f"{path.name}\0{size}\0".encode())
        if not path.name.endswith(_SELF_CHECKED):
            hasher.update(digest(path.read_bytes()).encode())
    return hasher.hexdigest(), total


def check_folder(folder: Path, entry: Entry) -> None:
    """Raise CorruptOutput unless the folder `folder` has the size and digest of `entry` (`folder_digest`)."""
    try:
        found, size = folder_digest(folder)
    except OSError as exc:
        raise CorruptOutput(f"{folder}: cannot be read ({exc.strerror or exc})") from None
    if (found, size) != (entry.sha256, entry.size):
        raise CorruptOutput(f"{folder}: its files differ from those the build recorded (changed since)")


def check(path: Path | str, data: bytes, entry: Entry) -> None:
    """Raise CorruptOutput unless `data` (read from `path`) has the size and digest of `entry`."""
    if len(data) != entry.size:
        raise CorruptOutput(
            f"{path}: {len(data)} bytes where the build wrote {entry.size} (truncated or edited since)"
        )
    if digest(data) != entry.sha256:
        raise CorruptOutput(f"{path}: its SHA-256 differs from the one the build recorded (edited since)")


def read_manifest(folder: Path | str) -> Manifest | None:
    """The manifest of `folder`, or None when it has none; a malformed one raises CorruptOutput."""
    path = pathtext.join(os.fspath(folder), MANIFEST_NAME)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptOutput(f"{path}: cannot be read ({exc})") from None
    entries: dict[str, Entry] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3 or len(parts[0]) != 64 or not parts[1].isdigit() or "/" in parts[2]:
            raise CorruptOutput(f"{path}:{number}: not a manifest line (SHA256 SIZE NAME)")
        entries[parts[2]] = Entry(parts[2], int(parts[1]), parts[0])
    return Manifest(os.fspath(folder), entries)


def write_manifest(folder: Path, known: dict[str, Entry] | None = None) -> Manifest:
    """List every file (and folder: `folder_digest`) now in `folder`, the staging folder of a build, in its
    manifest. `known`: entries whose bytes the caller wrote there itself after checking them against
    those very entries (a copy of a cache entry), listed as they are instead of read and hashed again."""
    entries = {}
    known = known or {}
    for path in sorted(folder.iterdir()):
        if path.name == MANIFEST_NAME:
            continue
        if path.name in known:
            entries[path.name] = known[path.name]
            continue
        if path.is_dir():
            sha256, size = folder_digest(path)
            entries[path.name] = Entry(path.name, size, sha256)
            continue
        data = path.read_bytes()
        entries[path.name] = Entry(path.name, len(data), digest(data))
    lines = "".join(f"{e.sha256} {e.size} {e.name}\n" for e in entries.values())
    (folder / MANIFEST_NAME).write_text(_HEADER + lines, encoding="utf-8")
    return Manifest(folder, entries)


__all__ = [
    "MANIFEST_NAME",
    "Entry",
    "Manifest",
    "check",
    "check_folder",
    "digest",
    "folder_digest",
    "read_manifest",
    "write_manifest",
]
