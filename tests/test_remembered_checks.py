"""Issue 12, the cold query path: a build's file checked against its manifest once is not hashed again while
its stat (size, mtime, ctime, inode, device) is unchanged, as git trusts its index; a change, a racy
stat or an old check brings the hash back (docs/security.md, "The local disk"). No timings."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from alaska_kg import cache, manifest
from alaska_kg.cache import CACHE_ENV_VAR, VERIFIED_FOLDER, read_verified
from alaska_kg.errors import CorruptOutput
from alaska_kg.manifest import read_manifest, write_manifest

NAME = "alaska-kg.nq"
DATA = b"<http://example.org/a> <http://example.org/p> <http://example.org/o> <http://example.org/g> .\n"


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder as a build leaves it (one file and its manifest), a private cache, and both dated two
    seconds back, out of the racy window."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    folder = tmp_path / "entry"
    folder.mkdir()
    (folder / NAME).write_bytes(DATA)
    write_manifest(folder)
    _age(folder / NAME, seconds=5)
    return folder


def _age(path: Path, seconds: float) -> None:
    """Set the mtime `seconds` back (the ctime stays now: the racy rule then needs the check to be later)."""
    then = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(then, then))


def _memories(folder: Path) -> list[Path]:
    root = Path(os.environ[CACHE_ENV_VAR]) / VERIFIED_FOLDER
    return sorted(root.iterdir()) if root.is_dir() else []


def _count_hashing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every check of bytes against a manifest line (the SHA-256 pass) made by read_verified."""
    calls: list[str] = []
    real = manifest.check

    def counting(path, data, entry) -> None:
        calls.append(str(path))
        real(path, data, entry)

    monkeypatch.setattr(cache, "check", counting)
    return calls


def test_a_remembered_verification_is_used_without_hashing(built: Path, monkeypatch) -> None:
    """If a build's file was verified once, out of the racy window, then the next read returns the same
    bytes without hashing them (the check is remembered in the cache root, keyed by the file's path)."""
    monkeypatch.setattr(cache, "_RACY_NS", -(10**12))  # the ctime was just set: trust it here
    hashed = _count_hashing(monkeypatch)
    entry = read_manifest(built)
    assert read_verified(entry, NAME) == DATA
    assert len(hashed) == 1 and len(_memories(built)) == 1
    assert read_verified(entry, NAME) == DATA
    assert read_verified(read_manifest(built), NAME) == DATA
    assert len(hashed) == 1


def test_a_file_changed_since_is_verified_again_and_refused(built: Path, monkeypatch) -> None:
    """If a remembered file is rewritten with other bytes of the same size and its mtime put back, then
    its ctime (or inode) differs, so it is hashed again and refused (CorruptOutput, naming the file)."""
    monkeypatch.setattr(cache, "_RACY_NS", -(10**12))
    hashed = _count_hashing(monkeypatch)
    entry = read_manifest(built)
    assert read_verified(entry, NAME) == DATA
    target = built / NAME
    before = target.stat()
    time.sleep(0.01)  # a ctime tick later, on any file system this runs on
    target.write_bytes(DATA.replace(b"/o>", b"/x>"))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(CorruptOutput, match=r"alaska-kg\.nq: its SHA-256 differs"):
        read_verified(entry, NAME)
    assert len(hashed) == 2


def test_a_racy_stat_is_not_remembered(built: Path, monkeypatch) -> None:
    """If the file changed within the racy window before it was verified (here: just now), then the check
    is made and not remembered: the next read hashes again."""
    hashed = _count_hashing(monkeypatch)
    (built / NAME).write_bytes(DATA)  # mtime and ctime: now
    entry = read_manifest(built)
    assert read_verified(entry, NAME) == DATA
    assert read_verified(entry, NAME) == DATA
    assert len(hashed) == 2 and _memories(built) == []


def test_an_old_verification_is_made_again(built: Path, monkeypatch) -> None:
    """If a remembered check is older than a day, then it no longer speaks for the file: hashed again."""
    monkeypatch.setattr(cache, "_RACY_NS", -(10**12))
    hashed = _count_hashing(monkeypatch)
    entry = read_manifest(built)
    read_verified(entry, NAME)
    (memory,) = _memories(built)
    lines = memory.read_text(encoding="utf-8").splitlines()
    old = time.time_ns() - cache._REMEMBERED_NS - 10**9
    memory.write_text("\n".join([*lines[:-1], str(old)]) + "\n", encoding="utf-8")
    assert read_verified(entry, NAME) == DATA
    assert len(hashed) == 2


def test_a_memory_of_another_digest_or_file_is_not_used(built: Path, tmp_path: Path, monkeypatch) -> None:
    """If the manifest now lists another digest for the file (a new build wrote the same bytes elsewhere
    or the manifest was rewritten), then the memory of the old check does not apply; a memory file
    planted for another path does not either."""
    monkeypatch.setattr(cache, "_RACY_NS", -(10**12))
    hashed = _count_hashing(monkeypatch)
    entry = read_manifest(built)
    read_verified(entry, NAME)
    listed = entry.entries[NAME]
    other = entry._replace(entries={NAME: listed._replace(sha256="0" * 64)})
    with pytest.raises(CorruptOutput):
        read_verified(other, NAME)
    (memory,) = _memories(built)
    lines = memory.read_text(encoding="utf-8").splitlines()
    memory.write_text("\n".join([str(tmp_path / "elsewhere"), *lines[1:]]) + "\n", encoding="utf-8")
    assert read_verified(entry, NAME) == DATA
    assert len(hashed) == 3


def test_a_missing_or_unlisted_file_is_an_error_naming_it(built: Path) -> None:
    """If the listed file is gone, or the name is not listed, then CorruptOutput names the file."""
    entry = read_manifest(built)
    with pytest.raises(CorruptOutput, match="not listed"):
        read_verified(entry, "other.nq")
    (built / NAME).unlink()
    with pytest.raises(CorruptOutput, match=r"alaska-kg\.nq: cannot be read"):
        read_verified(entry, NAME)


def test_the_packaged_key_is_remembered_by_the_record_s_stat(tmp_path: Path, monkeypatch) -> None:
    """If the packaged sources' key was computed once (the query path remembers it), then the next call
    reads it back without hashing anything; a new RECORD (a new install) has the sources hashed again. The
    key is the sources' content key, the one a repository with the same files has: a build from the clone
    and a query from the installed package find the same cache entry."""
    import shutil

    from alaska_kg import __version__, paths
    from alaska_kg.cache import content_key, source_files, source_key
    from alaska_kg.paths import Layout, locate

    repo = Path(__file__).resolve().parents[1]
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_RACY_NS", -(10**12))
    resources = tmp_path / "site-packages" / "alaska_kg" / "_resources"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(repo / name, resources / name)
    record = tmp_path / "site-packages" / f"alaska_kg-{__version__}.dist-info" / "RECORD"
    record.parent.mkdir()
    record.write_bytes(b"alaska_kg/_resources/data/agents.ttl,sha256=abc,11430\n")
    monkeypatch.setattr(paths, "PACKAGED_ROOT", str(resources))
    monkeypatch.setattr(cache, "PACKAGED_ROOT", str(resources))
    layout = Layout(resources, "packaged")
    first = source_key(layout, remember=True)
    clone = locate(repo)
    assert first == content_key(clone, source_files(clone))
    real_sha256 = cache.sha256
    calls: list[int] = []

    def refused(*args):
        raise AssertionError("hashed")

    def counted(*args):
        calls.append(1)
        return real_sha256(*args)

    monkeypatch.setattr(cache, "sha256", refused)
    assert source_key(layout, remember=True) == first
    monkeypatch.setattr(cache, "sha256", counted)
    time.sleep(0.01)
    record.write_bytes(b"alaska_kg/_resources/data/agents.ttl,sha256=def,11431\n")
    assert source_key(layout, remember=True) == first
    assert calls, "a new RECORD must have the sources hashed again"
