"""Manifest.copy_verified: a file of a build copied elsewhere only as the build wrote it, atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pytest

from alaska_kg import manifest
from alaska_kg.errors import CorruptOutput
from alaska_kg.manifest import file_digest, read_manifest, write_manifest

CONTENT = b'<http://example.org/a> <http://example.org/p> "\xc3\xa9" .\n' * 50_000  # ~2.8 MB


def _entry(tmp_path: Path) -> manifest.Manifest:
    folder = tmp_path / "entry"
    folder.mkdir()
    (folder / "data.nt").write_bytes(CONTENT)
    write_manifest(folder)
    found = read_manifest(folder)
    assert found is not None
    return found


def test_a_copy_is_the_file_as_listed(tmp_path: Path) -> None:
    """If the listed file is unchanged, then the copy holds its bytes and nothing else is left beside it."""
    entry = _entry(tmp_path)
    target = tmp_path / "out" / "data.nt"
    target.parent.mkdir()
    entry.copy_verified("data.nt", target)
    assert target.read_bytes() == CONTENT
    assert [p.name for p in target.parent.iterdir()] == ["data.nt"]


def test_a_file_edited_since_its_build_is_refused_and_no_copy_is_left(tmp_path: Path) -> None:
    """If a byte of the listed file changed (same size), then the copy is refused (CorruptOutput naming the
    file) and neither the target nor a partial copy is left."""
    entry = _entry(tmp_path)
    source = entry.folder / "data.nt"
    data = bytearray(source.read_bytes())
    data[1000] ^= 0x01
    source.write_bytes(bytes(data))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(CorruptOutput, match=r"data\.nt.*SHA-256"):
        entry.copy_verified("data.nt", out / "data.nt")
    assert list(out.iterdir()) == []


def test_a_copy_that_goes_wrong_is_detected_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the copy itself comes out different from the source (a short or damaged write), then it is found
    by checking the copy against the manifest, and removed."""
    entry = _entry(tmp_path)

    def damaged(reader: BinaryIO, target: Path) -> None:
        target.write_bytes(reader.read()[:-10])

    monkeypatch.setattr(manifest, "_copy_file", damaged)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(CorruptOutput, match="bytes where the build wrote"):
        entry.copy_verified("data.nt", out / "data.nt")
    assert list(out.iterdir()) == []


def test_an_earlier_file_at_the_target_stays_whole_until_the_copy_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a file is already at the target and the copy fails its check, then that file is left as it was:
    the copy only replaces it (one rename) once checked."""
    entry = _entry(tmp_path)
    target = tmp_path / "data.nt"
    target.write_bytes(b"earlier")
    monkeypatch.setattr(manifest, "_copy_file", lambda source, target: target.write_bytes(b"wrong"))
    with pytest.raises(CorruptOutput):
        entry.copy_verified("data.nt", target)
    assert target.read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.nt", "entry"]


def test_the_copy_falls_back_when_the_kernel_cannot_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If os.sendfile fails (a file system or platform without it), then the file is copied by reading and
    writing, and the copy is still checked and whole."""
    entry = _entry(tmp_path)

    def no_sendfile(*_: object) -> int:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "sendfile", no_sendfile)
    target = tmp_path / "copy.nt"
    entry.copy_verified("data.nt", target)
    assert target.read_bytes() == CONTENT


def test_a_missing_source_is_corrupt_output(tmp_path: Path) -> None:
    """If the listed file is gone, then the copy raises CorruptOutput naming it, and leaves nothing."""
    entry = _entry(tmp_path)
    (entry.folder / "data.nt").unlink()
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(CorruptOutput, match=r"data\.nt: cannot be read"):
        entry.copy_verified("data.nt", out / "data.nt")
    assert list(out.iterdir()) == []


def test_the_manifest_lists_the_digest_of_the_whole_file(tmp_path: Path) -> None:
    """If a file is larger than the pieces it is hashed in, then the manifest still lists the SHA-256 and
    size of all of it (as hashlib gives them)."""
    import hashlib

    entry = _entry(tmp_path)
    listed = entry.entries["data.nt"]
    assert (listed.sha256, listed.size) == (hashlib.sha256(CONTENT).hexdigest(), len(CONTENT))
    assert file_digest(entry.folder / "data.nt") == (listed.sha256, listed.size)
