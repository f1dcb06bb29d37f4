"""Issue 9 §4, the user's clone is the source of truth: the sources are found as git finds a repository (the
current folder or its nearest ancestor holding ontology/alaska.ttl and data/, then $ALASKA_KG_ROOT, then the
copy packaged with alaska-kg), every command says which it reads, and nothing writes into the packaged copy.

CI runs these against the installed wheel with the clone as the current folder; here each origin is set up
in temporary folders (a fake packaged tree stands in for site-packages/alaska_kg/_resources)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from alaska_kg import paths
from alaska_kg.cache import CACHE_ENV_VAR
from alaska_kg.cli.app import main
from alaska_kg.errors import ReadOnlySources
from alaska_kg.paths import ROOT_ENV_VAR, locate
from alaska_kg.wikidata.client import API_ENV_VAR
from wikidata_fake_server import FakeWikidata, hit, item

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEAKER = "    ak:speaker akr:yang-jiechi ;\n"


def _copy_sources(target: Path) -> Path:
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / name, target / name)
    return target


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _drop_a_speaker(root: Path) -> None:
    """An edit that makes the data not conform: a statement without its speaker (ak:StatementShape)."""
    statements = root / "data" / "statements.ttl"
    text = statements.read_text(encoding="utf-8")
    assert SPEAKER in text
    statements.write_text(text.replace(SPEAKER, "", 1), encoding="utf-8")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A user's clone: a copy of the sources under a folder of its own."""
    return _copy_sources(tmp_path / "clone")


@pytest.fixture
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for site-packages/alaska_kg/_resources: the sources as the wheel installs them."""
    root = _copy_sources(tmp_path / "site-packages" / "alaska_kg" / "_resources")
    monkeypatch.setattr(paths, "PACKAGED_ROOT", root)
    return root


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current folder outside any clone, and no $ALASKA_KG_ROOT."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv(ROOT_ENV_VAR, raising=False)
    return folder


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))


# ---------------------------------------------------------------- which sources


def test_inside_a_clone_its_sources_win(
    clone: Path, packaged: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the current folder is a clone, or any folder inside one, then the clone's sources are used, ahead
    of $ALASKA_KG_ROOT and the packaged copy."""
    monkeypatch.setenv(ROOT_ENV_VAR, str(packaged))
    for folder in (clone, clone / "data", clone / "data" / "source", clone / "queries" / "checks"):
        monkeypatch.chdir(folder)
        assert (locate().root, locate().origin) == (clone.resolve(), "clone")


def test_elsewhere_the_environment_then_the_packaged_copy(
    clone: Path, packaged: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the current folder is in no clone, then $ALASKA_KG_ROOT is used, else the packaged copy; --root
    beats all."""
    assert (locate().root, locate().origin) == (packaged, "packaged")
    monkeypatch.setenv(ROOT_ENV_VAR, str(clone))
    assert (locate().root, locate().origin) == (clone.resolve(), "environment")
    monkeypatch.chdir(clone)
    assert (locate(packaged).root, locate(packaged).origin) == (packaged, "packaged")


@pytest.mark.parametrize("how", ["environment", "option"])
def test_a_missing_source_root_is_exit_6_naming_it(
    how: str, elsewhere: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If $ALASKA_KG_ROOT (or --root) names a folder that does not exist, then `query participants` exits 6
    naming that folder and how it was given (it said "no query named 'participants'", exit 7)."""
    missing = elsewhere / "nonexistent"
    if how == "environment":
        monkeypatch.setenv(ROOT_ENV_VAR, str(missing))
    args = ("--root", str(missing)) if how == "option" else ()
    code, out, err = _run(capsys, "query", "participants", *args)
    given = "--root" if how == "option" else "$ALASKA_KG_ROOT"
    assert (code, out) == (6, "")
    assert err.endswith(
        f"alaska-kg: error: {missing}: source root not found (given by {given}); "
        "it must hold ontology/, data/\n"
    )


def test_a_folder_with_data_but_no_ontology_is_not_a_clone(
    clone: Path, packaged: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a folder has a data/ but no ontology/alaska.ttl (any project's data folder), then it is not taken
    for a clone."""
    (elsewhere / "data").mkdir()
    assert locate().origin == "packaged"


def test_validate_in_a_clone_reports_the_clones_edit(
    clone: Path, packaged: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """If the user breaks data/statements.ttl in the clone and runs `validate` there, then the report is of
    the clone (exit 1, the clone's file named), not of the packaged copy (which conforms)."""
    _drop_a_speaker(clone)
    monkeypatch.chdir(clone / "data")
    code, out, err = _run(capsys, "validate")
    assert code == 1, out + err
    assert f"{clone / 'data' / 'statements.ttl'}:" in out
    assert err == f"alaska-kg: using the sources in {clone} (found from the current folder)\n"


def test_query_and_build_say_which_sources_they_read(
    clone: Path, packaged: Path, elsewhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """If a command reads a clone's (or $ALASKA_KG_ROOT's) sources, then it says so in one line on stderr,
    and `build` also in its summary and summary.json; from the packaged copy, nothing is said on stderr."""
    monkeypatch.chdir(clone)
    notice = f"alaska-kg: using the sources in {clone} (found from the current folder)\n"
    code, out, err = _run(capsys, "build", "--out", str(tmp_path / "a"))
    assert code == 0, err
    assert err == notice
    assert f"  sources: {clone} (found from the current folder)\n" in out
    summary = json.loads((tmp_path / "a" / "alaska-kg.summary.json").read_text(encoding="utf-8"))
    assert summary["sources"] == {"root": str(clone), "origin": "clone"}
    code, out, err = _run(capsys, "query", "participants", "--format", "csv")
    assert (code, err) == (0, notice)

    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv(ROOT_ENV_VAR, str(clone))
    code, out, err = _run(capsys, "queries")
    assert (code, err) == (0, f"alaska-kg: using the sources in {clone} (from ${ROOT_ENV_VAR})\n")

    monkeypatch.delenv(ROOT_ENV_VAR)
    code, out, err = _run(capsys, "build", "--out", str(tmp_path / "b"))
    assert (code, err) == (0, "")
    assert f"  sources: {packaged} (the copy packaged with alaska-kg)\n" in out
    summary = json.loads((tmp_path / "b" / "alaska-kg.summary.json").read_text(encoding="utf-8"))
    assert summary["sources"] == {"root": str(packaged), "origin": "packaged"}


@pytest.mark.parametrize(
    "command",
    [
        ["build"],
        ["validate"],
        ["query"],
        ["queries"],
        ["describe"],
        ["stats"],
        ["export"],
        ["push"],
        ["link", "status"],
        ["link", "check"],
        ["link", "suggest"],
    ],
)
def test_root_is_a_documented_option_of_every_command_that_reads_sources(command: list[str], capsys) -> None:
    """If a user asks for any command's help, then --root DIR is listed with the lookup order."""
    code, out, _ = _run(capsys, *command, "--help")
    assert code == 0
    assert "--root DIR" in out
    assert "nearest ancestor" in " ".join(out.split())


# ---------------------------------------------------------------- nothing writes into the package


@pytest.fixture
def fake() -> Iterator[FakeWikidata]:
    with FakeWikidata() as server:
        yield server


def _offer_atlantic_council(fake: FakeWikidata, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_ENV_VAR, fake.url)
    fake.searches["Atlantic Council"] = [hit("Q900001", "Atlantic Council", "American think tank")]
    fake.entities["Q900001"] = item("Q900001", "Atlantic Council", description="American think tank")


@pytest.mark.parametrize("given", ["found", "--root"])
def test_link_accept_refuses_to_write_into_the_packaged_copy(
    given: str,
    packaged: Path,
    elsewhere: Path,
    fake: FakeWikidata,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    """If `link suggest --accept` would write into the packaged copy (found by default, or named by --root),
    then it refuses with exit 41 and one line naming it, before asking Wikidata, and writes nothing."""
    _offer_atlantic_council(fake, monkeypatch)
    before = (packaged / "data" / "links.ttl").read_bytes()
    argv = ["link", "suggest", "akr:atlantic-council", "--accept", "Q900001"]
    code, _, err = _run(capsys, *argv, *(["--root", str(packaged)] if given == "--root" else []))
    assert code == ReadOnlySources.exit_code == 41
    assert err.startswith(f"alaska-kg: error: {packaged}: will not write data/links.ttl in the sources ")
    assert err.count("\n") == 1
    assert (packaged / "data" / "links.ttl").read_bytes() == before
    assert sorted(p.name for p in (packaged / "data").iterdir() if p.name.startswith(".")) == []
    assert fake.requests == [], "Wikidata was asked before the refusal"


def test_link_accept_in_a_clone_writes_the_clone(
    clone: Path, packaged: Path, fake: FakeWikidata, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """If the same command runs inside a clone, then the link goes into the clone's data/links.ttl and the
    packaged copy is untouched."""
    _offer_atlantic_council(fake, monkeypatch)
    monkeypatch.chdir(clone)
    before = (packaged / "data" / "links.ttl").read_bytes()
    code, _, err = _run(capsys, "link", "suggest", "akr:atlantic-council", "--accept", "Q900001")
    assert code == 0, err
    assert "wd:Q900001" in (clone / "data" / "links.ttl").read_text(encoding="utf-8")
    assert (packaged / "data" / "links.ttl").read_bytes() == before


@pytest.mark.parametrize("module", ["alaska_kg.build.source_units", "alaska_kg.cli.query_docs"])
def test_generators_refuse_to_write_into_the_packaged_copy(
    module: str, packaged: Path, elsewhere: Path
) -> None:
    """If a generator of the source tree (`python -m alaska_kg.build.source_units` writes data/source.ttl,
    `python -m alaska_kg.cli.query_docs` docs/queries.md) runs outside a clone, then it refuses rather than
    write into the packaged copy."""
    import importlib

    before = (packaged / "data" / "source.ttl").read_bytes()
    with pytest.raises(ReadOnlySources, match=str(packaged)):
        importlib.import_module(module).main()
    assert (packaged / "data" / "source.ttl").read_bytes() == before
    assert not (packaged / "docs").exists()
