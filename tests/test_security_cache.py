"""Issue 9 §3, the build cache cannot lie: every cached file is checked against the size and SHA-256 its build
recorded before it is used, a source that cannot be read is an error naming it (never a cache hit), and the
staging folders of a killed build are removed by a later run.

Each test is a reproduction from the issue and fails on b88000c (see the note of the change)."""

from __future__ import annotations

import builtins
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alaska_kg.cache import CACHE_ENV_VAR
from alaska_kg.cli.app import main
from alaska_kg.errors import SourceNotFound
from conftest import cache_entry

REPO_ROOT = Path(__file__).resolve().parents[1]
# The four participants of the talks, from the article's first sentence: "... between the United States
# (Antony Blinken, Jake Sullivan) and China (Yang Jiechi, Wang Yi)".
PARTICIPANTS = {"Antony Blinken", "Jake Sullivan", "Yang Jiechi", "Wang Yi"}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty build cache for this test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV_VAR, str(folder))
    return folder


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _copy_sources(target: Path) -> Path:
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / name, target / name)
    return target


def _build(capsys: pytest.CaptureFixture[str], root: Path, out: Path) -> str:
    code, stdout, err = _run(capsys, "build", "--root", str(root), "--out", str(out))
    assert code == 0, err
    return stdout


def _participants(table: str) -> set[str]:
    return {name for name in PARTICIPANTS | {"Mallory"} if name in table}


# ---------------------------------------------------------------- a cached file that changed


def test_a_hand_edited_cached_dataset_is_not_printed_as_fact(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If someone edits the cached N-Quads ("Wang Yi" → "Mallory"), then `query` does not print the edit:
    the build's kept answer (query.kept_answers) does not read the N-Quads, and a query evaluated (`--live`)
    says the file changed, rebuilds it from the sources, and answers from the rebuilt copy."""
    _build(capsys, REPO_ROOT, tmp_path / "dist")
    nq = cache_entry(cache) / "alaska-kg.nq"
    edited = nq.read_text(encoding="utf-8").replace('"Wang Yi"', '"Mallory"')
    assert '"Mallory"' in edited
    nq.write_text(edited, encoding="utf-8")
    code, out, err = _run(capsys, "query", "participants", "--root", str(REPO_ROOT))
    assert code == 0 and _participants(out) == PARTICIPANTS and err == "", err
    code, out, err = _run(capsys, "query", "participants", "--root", str(REPO_ROOT), "--live")
    assert code == 0, err
    assert _participants(out) == PARTICIPANTS
    assert f"{nq}: its SHA-256 differs" in err and "rebuilding" in err
    assert '"Mallory"' not in nq.read_text(encoding="utf-8"), "the edited copy was kept"


def test_a_truncated_cached_dataset_does_not_answer_with_fewer_rows(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the cached N-Quads lose their second half (cut at a line end, so they still parse), then a query
    evaluated on them (`--live`; a kept answer does not read them) does not answer from what is left: it
    rebuilds and gives all four participants."""
    _build(capsys, REPO_ROOT, tmp_path / "dist")
    nq = cache_entry(cache) / "alaska-kg.nq"
    lines = nq.read_bytes().splitlines(keepends=True)
    nq.write_bytes(b"".join(lines[: len(lines) // 2]))
    argv = ("query", "participants", "--root", str(REPO_ROOT), "--format", "csv", "--live")  # evaluated
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    assert len(out.splitlines()) == 1 + len(PARTICIPANTS)
    assert f"{nq}: " in err and "truncated or edited" in err


def test_build_does_not_publish_a_truncated_cached_file_as_reused(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a cached Turtle file is truncated, then `build` does not copy it into the output folder and say
    "reused": it warns, rebuilds, and publishes the whole file."""
    _build(capsys, REPO_ROOT, tmp_path / "a")
    whole = (tmp_path / "a" / "alaska-kg.ttl").read_bytes()
    cached = cache_entry(cache) / "alaska-kg.ttl"
    cached.write_bytes(whole[: len(whole) // 2])
    code, out, err = _run(capsys, "build", "--root", str(REPO_ROOT), "--out", str(tmp_path / "b"))
    assert code == 0, err
    assert "reused" not in out
    assert f"warning: {cached}: " in err
    assert (tmp_path / "b" / "alaska-kg.ttl").read_bytes() == whole
    assert cached.read_bytes() == whole, "the cache entry was not repaired"


def test_a_dataset_given_with_its_manifest_is_checked_too(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If `--dataset dist/alaska-kg.nq` was edited after the build that wrote it, then the query is refused
    (exit 40, naming the file): a build folder cannot be rebuilt behind the user's back."""
    _build(capsys, REPO_ROOT, tmp_path / "dist")
    nq = tmp_path / "dist" / "alaska-kg.nq"
    nq.write_text(nq.read_text(encoding="utf-8").replace('"Wang Yi"', '"Mallory"'), encoding="utf-8")
    code, out, err = _run(capsys, "query", "participants", "--dataset", str(nq))
    assert (code, out) == (40, "")
    reason = "its SHA-256 differs from the one the build recorded (edited since)"
    assert err == f"alaska-kg: error: {nq}: {reason}\n"


def test_an_intact_cache_is_reused_and_unchanged(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If nothing changed, then the second build reuses the cache (the check does not cause rebuilds)."""
    _build(capsys, REPO_ROOT, tmp_path / "a")
    before = {p.name: p.read_bytes() for p in cache_entry(cache).iterdir()}
    assert "reused the cached build" in _build(capsys, REPO_ROOT, tmp_path / "b")
    assert {p.name: p.read_bytes() for p in cache_entry(cache).iterdir()} == before


# ---------------------------------------------------------------- a source that cannot be read


def _break(path: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make one source file a broken symbolic link, a folder, or unreadable."""
    if how == "broken-symlink":
        path.unlink()
        path.symlink_to(path.with_name("no-such-file.ttl"))
    elif how == "folder":
        path.unlink()
        path.mkdir()
    elif os.geteuid() != 0:
        path.chmod(0)
    else:  # root reads any file whatever its mode: make the open fail as the kernel would for others
        real_open = builtins.open

        def denied(file, *args, **kwargs):
            if isinstance(file, (str, os.PathLike)) and Path(file) == path:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", denied)
        monkeypatch.setattr(io, "open", denied)


CHECK = "queries/checks/contradictory-time-order.rq"


@pytest.mark.parametrize("how", ["broken-symlink", "folder", "unreadable"])
@pytest.mark.parametrize(
    ("command", "source"), [("build", "data/agents.ttl"), ("query", "data/agents.ttl"), ("build", CHECK)]
)
def test_a_source_that_cannot_be_read_is_exit_6_never_a_cache_hit(
    how: str,
    command: str,
    source: str,
    cache: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If, after a build, a data file or an integrity check becomes a broken symbolic link, a folder or
    unreadable, then neither `build` nor `query` answers from the cache of the old sources: both fail with
    exit 6 and one line naming the file."""
    root = _copy_sources(tmp_path / "src")
    _build(capsys, root, tmp_path / "a")
    agents = root / source
    _break(agents, how, monkeypatch)
    if command == "build":
        argv = ["build", "--root", str(root), "--out", str(tmp_path / "b")]
    else:
        argv = ["query", "participants", "--root", str(root)]
    code, out, err = _run(capsys, *argv)
    assert code == SourceNotFound.exit_code == 6, err
    assert out == ""
    assert err.startswith(f"alaska-kg: error: {agents}: cannot read this source file: ")
    assert err.count("\n") == 1
    assert not (tmp_path / "b").exists()


def test_a_new_integrity_check_is_run_not_served_from_the_cache(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If an integrity check is added after a build (here one that every dataset fails), then the next
    build runs it and fails (exit 4) instead of reusing the build that never ran it."""
    root = _copy_sources(tmp_path / "src")
    _build(capsys, root, tmp_path / "a")
    (root / "queries" / "checks" / "always-fails.rq").write_text(
        "#+ summary: A check that fails on purpose\n#+ tags: [check]\n#+ columns: [person]\n\n"
        "PREFIX akr: <https://w3id.org/alaska-kg/resource/>\n"
        "SELECT ?person WHERE { VALUES ?person { akr:wang-yi } }\n",
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "build", "--root", str(root), "--out", str(tmp_path / "b"))
    assert code == 4, out + err
    assert "reused" not in out
    assert "always-fails" in err


# ---------------------------------------------------------------- a build killed with SIGKILL

_KILLED_BUILD = """
import os, signal, sys
import alaska_kg.build.publish
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
alaska_kg.build.publish._write_turtle = die  # called while the outputs are written into the staging folder
from alaska_kg.cli.app import main
sys.exit(main(["build", "--root", sys.argv[1], "--out", sys.argv[2]]))
"""


def test_staging_folders_of_a_killed_build_are_removed_by_a_later_run(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a build is killed (SIGKILL) while it writes into the cache, then its staging folder stays behind;
    the next build removes it and leaves only complete entries."""
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_BUILD, str(REPO_ROOT), str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, CACHE_ENV_VAR: str(cache)},
    )
    assert killed.returncode == -9, killed.stderr
    left = [p.name for p in cache.iterdir() if p.name.startswith(".")]
    assert left, "the killed build left nothing to clean up: the test did not kill it mid-write"
    assert not (tmp_path / "dist").exists()
    _build(capsys, REPO_ROOT, tmp_path / "dist")
    assert sorted(p.name for p in cache.iterdir() if p.name.startswith(".")) == []
    assert (cache_entry(cache) / "alaska-kg.manifest").is_file()
