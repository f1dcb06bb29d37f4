"""Issue 9 §5 (first two points), output folders: a build replaces only a folder of files it wrote itself (by
its manifest) and refuses anything else, and the swap of the folder never leaves it missing: an atomic
exchange on Linux, else two renames that the next run completes if a crash fell between them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from alaska_kg.build import outdir
from alaska_kg.cache import CACHE_ENV_VAR
from alaska_kg.cli.app import main
from alaska_kg.errors import OutputError
from alaska_kg.manifest import MANIFEST_NAME, read_manifest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One build cache for the module (the outputs, not the build, are under test here)."""
    folder = tmp_path_factory.getbasetemp() / "outputs-cache"
    monkeypatch.setenv(CACHE_ENV_VAR, str(folder))
    return folder


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under `folder` by relative path: a file's bytes, None for a folder."""
    entries = sorted(folder.rglob("*"))
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in entries}


def _build(capsys: pytest.CaptureFixture[str], out: Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["build", "--root", str(REPO_ROOT), "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


# ---------------------------------------------------------------- what a build may replace


@pytest.mark.parametrize(
    "user_file", ["alaska-kg.ttl.orig", "alaska-kg.backup/notes.ttl", "notes.txt", ".alaska-kg.swp"]
)
def test_a_folder_holding_a_file_the_build_did_not_write_is_refused(
    user_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the output folder holds a user's file beside an earlier build (even one named like an output:
    `alaska-kg.ttl.orig`, `alaska-kg.backup/`), then the build refuses with exit 5 and one line naming it,
    and changes nothing."""
    out = tmp_path / "dist"
    assert _build(capsys, out)[0] == 0
    (out / user_file).parent.mkdir(exist_ok=True)
    (out / user_file).write_text("the user's own\n", encoding="utf-8")
    before = _snapshot(out)
    code, stdout, err = _build(capsys, out)
    assert code == OutputError.exit_code == 5
    assert stdout == ""
    assert err.startswith(f"alaska-kg: error: {out}: holds files that a build did not write (")
    assert user_file.split("/")[0] in err and err.count("\n") == 1
    assert _snapshot(out) == before
    assert _leftovers(tmp_path) == []


def test_a_folder_of_an_earlier_build_is_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """If the output folder holds exactly what an earlier build wrote (its manifest lists every file), then
    the next build replaces it and leaves nothing beside it."""
    out = tmp_path / "dist"
    assert _build(capsys, out)[0] == 0
    manifest = read_manifest(out)
    assert manifest is not None
    assert sorted(p.name for p in out.iterdir()) == sorted(manifest.names)
    edit = "# an edit of a built file is the build's to replace\n"
    (out / "alaska-kg.ttl").write_text(edit, encoding="utf-8")
    code, _, err = _build(capsys, out)
    assert code == 0, err
    assert (out / "alaska-kg.ttl").read_text(encoding="utf-8") != edit
    assert _leftovers(tmp_path) == []


def test_a_folder_from_before_manifests_is_replaced_only_if_it_holds_output_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a folder has no manifest (written by alaska-kg 0.1.0), then only the seven fixed output names are
    taken as the build's: with those it is replaced, with anything else it is refused."""
    out = tmp_path / "dist"
    out.mkdir()
    for name in outdir.LEGACY_NAMES:
        (out / name).write_text("old\n", encoding="utf-8")
    assert _build(capsys, out)[0] == 0
    assert (out / MANIFEST_NAME).is_file()
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "alaska-kg.nq").write_text("old\n", encoding="utf-8")
    (legacy / "alaska-kg.nq.bak").write_text("mine\n", encoding="utf-8")
    code, _, err = _build(capsys, legacy)
    assert code == 5 and "alaska-kg.nq.bak" in err
    assert (legacy / "alaska-kg.nq.bak").read_text(encoding="utf-8") == "mine\n"


def test_a_symbolic_link_as_output_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If `--out` is a symbolic link (to a folder elsewhere), then the build refuses rather than replace the
    link or what it points at."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "dist").symlink_to(elsewhere)
    code, _, err = _build(capsys, tmp_path / "dist")
    assert code == 5 and "is not a folder" in err
    assert (tmp_path / "dist").is_symlink() and list(elsewhere.iterdir()) == []


# ---------------------------------------------------------------- the swap


def test_on_linux_the_swap_is_one_atomic_exchange(tmp_path: Path) -> None:
    """If two folders are swapped on Linux, then renameat2(RENAME_EXCHANGE) trades their contents in one
    step (no moment where either name is missing)."""
    assert sys.platform.startswith("linux"), "this test is written for Linux, where CI runs"
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "new").write_text("new", encoding="utf-8")
    (second / "old").write_text("old", encoding="utf-8")
    assert outdir._exchange(first, second) is True
    assert [p.name for p in second.iterdir()] == ["new"]
    assert [p.name for p in first.iterdir()] == ["old"]


# A build whose process dies (SIGKILL) when the output folder is renamed into place while its old copy is
# away: the moment between the two renames of a non-atomic swap. `--fallback` takes the two-rename path
# (as on a file system without RENAME_EXCHANGE); without it, the default path runs.
_CRASHING_BUILD = """
import os, pathlib, signal, sys
out = pathlib.Path(sys.argv[2]).absolute()
real_rename = pathlib.Path.rename
def rename(self, target):
    if pathlib.Path(target).absolute() == out and not os.path.lexists(out):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_rename(self, target)
pathlib.Path.rename = rename
if "--fallback" in sys.argv:
    import alaska_kg.build.outdir
    alaska_kg.build.outdir._exchange = lambda first, second: False
from alaska_kg.cli.app import main
sys.exit(main(["build", "--root", sys.argv[1], "--out", sys.argv[2]]))
"""


def _crash(out: Path, cache: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _CRASHING_BUILD, str(REPO_ROOT), str(out), *flags],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, CACHE_ENV_VAR: str(cache)},
    )


def test_the_default_swap_has_no_moment_without_the_folder(
    tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a build would die the moment its output folder is missing, then with the exchange there is no
    such moment: the build completes and the folder is there."""
    out = tmp_path / "dist"
    assert _build(capsys, out)[0] == 0
    done = _crash(out, cache)
    assert done.returncode == 0, done.stderr
    assert read_manifest(out) is not None
    assert _leftovers(tmp_path) == []


def test_a_crash_between_the_two_renames_is_recovered_by_the_next_run(
    tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a build dies between the two renames of the fallback swap, then `dist` is briefly missing (its old
    copy set aside); the next build puts the old copy back first, then builds, and leaves nothing behind."""
    out = tmp_path / "dist"
    assert _build(capsys, out)[0] == 0
    before = _snapshot(out)
    done = _crash(out, cache, "--fallback")
    assert done.returncode == -9, done.stderr
    assert not out.exists(), "the crash did not fall between the two renames"
    assert any(".old-" in name for name in _leftovers(tmp_path)), _leftovers(tmp_path)
    outdir.recover(out)  # what the next build does first
    assert _snapshot(out) == before, "the earlier output folder did not come back as it was"
    done = _crash(out, cache, "--fallback")  # crash again, then let a whole build recover
    assert done.returncode == -9 and not out.exists()
    code, _, err = _build(capsys, out)
    assert code == 0, err
    assert read_manifest(out) is not None
    assert _leftovers(tmp_path) == []


_KILLED_WHILE_COPYING = """
import os, signal, sys
import alaska_kg.manifest
def die(self, name, target):  # copying a file of the cache entry into the staging folder
    os.kill(os.getpid(), signal.SIGKILL)
alaska_kg.manifest.Manifest.copy_verified = die
from alaska_kg.cli.app import main
sys.exit(main(["build", "--root", sys.argv[1], "--out", sys.argv[2]]))
"""


def test_a_build_killed_while_publishing_leaves_the_old_folder_and_no_leftovers_after_the_next(
    tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a build is killed (SIGKILL) while it copies the outputs into its staging folder, then the earlier
    output folder is untouched, and the next build removes the staging folder the dead one left."""
    out = tmp_path / "dist"
    assert _build(capsys, out)[0] == 0
    before = _snapshot(out)
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_WHILE_COPYING, str(REPO_ROOT), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, CACHE_ENV_VAR: str(cache)},
    )
    assert done.returncode == -9, done.stderr
    assert _snapshot(out) == before
    assert any(".tmp-" in name for name in _leftovers(tmp_path))
    assert _build(capsys, out)[0] == 0
    assert _leftovers(tmp_path) == []


def test_a_live_builds_staging_folder_is_not_removed(tmp_path: Path) -> None:
    """If another build is still running (its process id in the staging folder's name is alive), then a
    recovery leaves its staging folder alone."""
    out = tmp_path / "dist"
    live = tmp_path / f".dist.tmp-{os.getppid()}-abcdef"
    live.mkdir()
    outdir.recover(out)
    assert live.is_dir()


# ---------------------------------------------------------------- line ends N-Triples does not escape

# RDF 1.1 N-Triples §2.4 escapes only `"`, `\`, LF and CR in a literal; these stand raw in its lines, and
# Python's str.splitlines() (not the N-Triples grammar) takes every one of them for a line end.
ODD = "A\u2028B\u0085C\vD\fE\x1cF\x1dG\x1eH\u2029I"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_literal_with_unicode_line_separators_builds_queries_and_exports_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a data literal holds U+2028, U+0085, \\v, \\f, U+001C-1E and U+2029 (valid Turtle), then `build`
    succeeds (it used to fail: "Line jumps are not allowed in string literals"), `query` answers the literal
    exactly in JSON, and `export --format nt` carries it exactly."""
    import json
    import shutil

    from pyoxigraph import Literal, RdfFormat, parse

    root = tmp_path / "src"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / name, root / name)
    with (root / "data" / "agents.ttl").open("a", encoding="utf-8") as file:
        file.write(f'\nakr:american-delegation skos:altLabel "{ODD}"@en .\n')
    code, _, err = _run(capsys, "build", "--root", str(root), "--out", str(tmp_path / "dist"))
    assert code == 0, err
    sparql = 'SELECT ?l WHERE { akr:american-delegation skos:altLabel ?l FILTER(STRSTARTS(?l, "A")) }'
    code, out, err = _run(capsys, "query", "--root", str(root), "--sparql", sparql, "--format", "json")
    assert code == 0, err
    values = [b["l"]["value"] for b in json.loads(out)["results"]["bindings"]]
    assert ODD in values
    code, out, err = _run(capsys, "export", "--root", str(root), "--format", "nt")
    assert code == 0, err
    literals = {t.object.value for t in parse(out.encode(), format=RdfFormat.N_TRIPLES)}
    assert ODD in literals
    published = tmp_path / "dist" / "alaska-kg.ttl"
    assert ODD in {t.object.value for t in parse(published.read_bytes(), format=RdfFormat.TURTLE)}
    assert all(
        isinstance(t.object, Literal)
        for t in parse(out.encode(), format=RdfFormat.N_TRIPLES)
        if t.object.value == ODD
    )
