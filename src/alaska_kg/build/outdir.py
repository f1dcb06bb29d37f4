"""An output folder replaced as a whole: staged beside it, listed in a manifest, swapped in atomically.

- Ownership: a folder is replaced only if it holds nothing but the files its manifest lists (or, for a
  folder from before manifests, the build's fixed file names); anything else, a user's `alaska-kg.ttl.orig`
  as much as a `notes.txt`, makes the build refuse (OutputError, exit 5) before any work.
- Atomicity: on Linux the new folder and the old one trade places in one `renameat2(RENAME_EXCHANGE)`
  (Linux 3.15, glibc 2.28; called through ctypes). Where that is not available (another OS, a file system
  without it) the swap is two renames, and a crash between them leaves the old folder under a
  `.NAME.old-PID-*` name; the next build into the same place renames it back first (`recover`).
- Leftovers: the staging and retired folders carry the writer's process id, so a later run removes those
  whose process is gone (a build killed with SIGKILL) and never those of a build still running.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from alaska_kg.errors import CorruptOutput, OutputError
from alaska_kg.manifest import MANIFEST_NAME, Manifest, read_manifest, write_manifest

_STAGING = "tmp"
_RETIRED = "old"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _make_folder(prefix: str, parent: Path) -> str:
    """A new private folder `parent/prefix<random>`, as tempfile.mkdtemp makes it, without importing
    tempfile and random for it (~3 ms of a build of the bundled data: issue 12)."""
    for _ in range(100):
        path = os.path.join(parent, prefix + os.urandom(6).hex())
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        return os.path.abspath(path)
    raise FileExistsError(f"{parent}: no free name for a folder starting {prefix!r}")


def _prefix(out_dir: Path, kind: str) -> str:
    return f".{out_dir.name}.{kind}-"


def _alive(pid: int) -> bool:
    """Is process `pid` still running? (Unsure counts as yes: never remove a live build's folder.)"""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, under another user
        return True
    return True


def _writer_pid(name: str, prefix: str) -> int | None:
    head = name[len(prefix) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _leftovers(out_dir: Path, kind: str) -> list[Path]:
    """The staging (`tmp`) or retired (`old`) folders beside `out_dir` whose writer process is gone."""
    prefix = _prefix(out_dir, kind)
    try:
        names = os.listdir(out_dir.parent)
    except OSError:
        return []
    found = []
    for name in sorted(names):
        pid = _writer_pid(name, prefix) if name.startswith(prefix) else None
        if pid is not None and not _alive(pid):
            found.append(out_dir.parent / name)
    return found


def private_folder(beside: Path) -> Path:
    """A new private folder beside `beside`, named as a staging folder of this process: removed as a
    leftover (`recover`, `remove_leftovers`) if the process dies before its owner removes it."""
    beside = Path(beside).absolute()
    beside.parent.mkdir(parents=True, exist_ok=True)
    return Path(_make_folder(f"{_prefix(beside, _STAGING)}{os.getpid()}-", beside.parent))


def remove_tree(folder: Path) -> None:
    """shutil.rmtree(folder, ignore_errors=True), with shutil imported only when a folder is removed: with
    bz2, lzma and fnmatch it is ~4 ms of a build that removes none (issue 12)."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def recover(out_dir: Path) -> None:
    """Finish what a killed build left beside `out_dir`: bring a retired folder back if `out_dir` is gone
    (a crash between the two renames of the fallback swap), then remove dead builds' staging folders."""
    retired = _leftovers(out_dir, _RETIRED)
    if retired and not os.path.lexists(out_dir):
        try:
            retired.pop().rename(out_dir)  # one at most: every run into `out_dir` recovers first
        except OSError as exc:
            raise OutputError(f"{out_dir}: cannot restore it from {retired[-1]} ({exc.strerror})") from exc
    for folder in retired + _leftovers(out_dir, _STAGING):
        remove_tree(folder)


def remove_leftovers(parent: Path) -> None:
    """Remove every staging or retired folder in `parent` whose writer process is gone: for a folder the
    tool owns whole (the cache), where no user file can match the pattern `.NAME.tmp-PID-*`."""
    try:
        names = sorted(os.listdir(parent))
    except OSError:
        return
    for name in names:
        for kind in (_STAGING, _RETIRED):
            marker = f".{kind}-"
            if name.startswith(".") and marker in name:
                pid = name.rsplit(marker, 1)[1].split("-", 1)[0]
                if pid.isdigit() and not _alive(int(pid)):
                    remove_tree(parent / name)


# The names a build wrote before manifests existed (alaska-kg 0.1.0), accepted in a folder without one.
LEGACY_NAMES = frozenset(
    {
        "alaska-kg.ttl",
        "alaska-kg.nt",
        "alaska-kg.jsonld",
        "alaska-kg.trig",
        "alaska-kg.nq",
        "alaska-kg.void.ttl",
        "alaska-kg.summary.json",
    }
)


def check_target(out_dir: Path) -> None:
    """Refuse to replace anything but a missing folder, an empty one, or one holding only what a build
    wrote there (by its manifest)."""
    if os.path.islink(out_dir) or (out_dir.exists() and not out_dir.is_dir()):
        raise OutputError(f"{out_dir}: exists and is not a folder")
    if not out_dir.is_dir():
        return
    manifest = read_manifest_or_refuse(out_dir)
    owned = manifest.names if manifest is not None else LEGACY_NAMES
    try:
        entries = list(os.scandir(out_dir))
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot list it ({exc.strerror})") from exc
    # a listed folder is the build's on-disk store (alaska_kg.manifest.folder_digest)
    foreign = sorted(
        e.name
        for e in entries
        if e.name not in owned
        or not (
            e.is_file(follow_symlinks=False) or (manifest is not None and e.is_dir(follow_symlinks=False))
        )
    )
    if foreign:
        raise OutputError(
            f"{out_dir}: holds files that a build did not write ({', '.join(foreign[:3])}"
            f"{', …' if len(foreign) > 3 else ''}); move them away or choose a new or empty output folder"
        )


def read_manifest_or_refuse(out_dir: Path) -> Manifest | None:
    try:
        return read_manifest(out_dir)
    except CorruptOutput as exc:  # a folder whose manifest cannot be read is not known to be ours
        raise OutputError(f"{out_dir}: its manifest cannot be read ({exc}); choose another folder") from None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # no libc symbol (glibc < 2.28, musl < 1.2.?)
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    errno = ctypes.get_errno()
    import errno as codes

    if errno in (codes.EINVAL, codes.ENOSYS, codes.EOPNOTSUPP, codes.ENOTSUP):
        return False  # the file system (or kernel) cannot exchange: fall back to two renames
    raise OSError(errno, os.strerror(errno), str(second))


def _between_renames() -> None:
    """Called between the two renames of the fallback swap; a test makes the process die here."""


def swap_in(staging: Path, out_dir: Path) -> None:
    """Put the folder `staging` in the place of `out_dir`; the old folder ends up at `staging`'s path (or is
    gone when there was none), for the caller to remove."""
    if not os.path.lexists(out_dir):
        staging.rename(out_dir)
        return
    if _exchange(staging, out_dir):
        return
    retired = Path(_make_folder(f"{_prefix(out_dir, _RETIRED)}{os.getpid()}-", out_dir.parent))
    retired.rmdir()
    out_dir.rename(retired)
    _between_renames()
    try:
        staging.rename(out_dir)
    except OSError:
        retired.rename(out_dir)
        raise
    retired.rename(staging)


def replace_folder(
    out_dir: Path, fill: Callable[[Path], object], *, owned: bool = False, known: dict | None = None
) -> Manifest:
    """Make `out_dir` hold exactly what `fill(staging)` writes into an empty staging folder, plus a manifest
    of it; atomically. `owned`: the folder is the tool's own (a cache entry), replaced whatever it holds.
    A failure leaves an earlier `out_dir` as it was."""
    out_dir = Path(out_dir).absolute()
    recover(out_dir)
    if not owned:
        check_target(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        prefix = f"{_prefix(out_dir, _STAGING)}{os.getpid()}-"
        staging = Path(_make_folder(prefix, out_dir.parent))
    except OSError as exc:
        raise OutputError(f"{out_dir.parent}: cannot create a folder here ({exc.strerror})") from exc
    try:
        fill(staging)
        manifest = write_manifest(staging, known)  # known: manifest entries of files copied checked
        staging.chmod(0o755)
        swap_in(staging, out_dir)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the build outputs ({exc.strerror or exc})") from exc
    finally:
        if staging.exists():
            remove_tree(staging)
    return Manifest(out_dir, manifest.entries)


__all__ = [
    "LEGACY_NAMES",
    "MANIFEST_NAME",
    "check_target",
    "private_folder",
    "recover",
    "remove_leftovers",
    "remove_tree",
    "replace_folder",
    "swap_in",
]
