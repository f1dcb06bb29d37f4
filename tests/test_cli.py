"""The `alaska-kg build` command, end to end through `main(argv)` against the repository's own sources."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import VOID

from alaska_kg import __version__
from alaska_kg.cache import CACHE_ENV_VAR
from alaska_kg.cli.app import main
from alaska_kg.errors import OutputError, SourceNotFound, SourceSyntaxError, UsageError, ValidationFailed
from alaska_kg.paths import ROOT_ENV_VAR

REPO_ROOT = Path(__file__).resolve().parents[1]
GRAPH_BASE = "https://w3id.org/alaska-kg/graph/"
GRAPH_NAMES = ("ontology", "asserted", "inferred", "links")
OUTPUT_NAMES = (
    "alaska-kg.jsonld",
    "alaska-kg.labels.tsv",
    "alaska-kg.manifest",
    "alaska-kg.nq",
    "alaska-kg.nt",
    "alaska-kg.summary.json",
    "alaska-kg.trig",
    "alaska-kg.ttl",
    "alaska-kg.void.ttl",
    "network.svg",
    "timeline.svg",
)


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _copy_sources(target: Path) -> Path:
    """A private copy of ontology/ and data/ that a test may break."""
    for name in ("ontology", "data"):
        shutil.copytree(REPO_ROOT / name, target / name)
    return target


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test builds into its own cache, so that no test is served another test's build."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv(CACHE_ENV_VAR, str(cache))
    return cache


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of one build of the repository's sources (shared by the read-only tests below)."""
    out = tmp_path_factory.mktemp("build") / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV_VAR, str(tmp_path_factory.mktemp("module-cache")))
        code = main(["build", "--root", str(REPO_ROOT), "--out", str(out)])
    assert code == 0, "the build of the repository's sources failed; run `alaska-kg build` to see why"
    return out


@pytest.fixture(scope="module")
def dataset(built: Path) -> Dataset:
    ds = Dataset()
    ds.parse(built / "alaska-kg.trig", format="trig")
    return ds


def test_build_writes_the_outputs_and_nothing_else(built: Path) -> None:
    """If the build succeeds, then the output folder holds exactly the output files and the manifest (the
    kept answers stay in the cache)."""
    assert sorted(p.name for p in built.iterdir()) == sorted(OUTPUT_NAMES)
    for name in OUTPUT_NAMES:
        assert (built / name).stat().st_size > 0, name
    leftovers = [p.name for p in built.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [], "temporary folders left beside the output"


def test_trig_holds_the_four_named_graphs(dataset: Dataset) -> None:
    """If the TriG is parsed, then its default graph declares the four graphs with their sizes, and every
    non-empty one is there with that many triples."""
    contexts = {c.identifier: c for c in dataset.graphs()}
    default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    for name in GRAPH_NAMES:
        iri = URIRef(GRAPH_BASE + name)
        assert (iri, RDF.type, VOID.Dataset) in default, name
        declared = default.value(iri, VOID.triples)
        assert declared is not None, name
        size = len(contexts[iri]) if iri in contexts else 0
        assert size == declared.toPython(), name
    for name in ("ontology", "asserted", "inferred"):
        assert len(contexts[URIRef(GRAPH_BASE + name)]) > 0, name


def test_inferred_graph_has_no_owlrl_noise(dataset: Dataset) -> None:
    """If owlrl's closure is exported, then no literal subject, no reflexive owl:sameAs and no asserted
    triple is left in the inferred graph."""
    inferred = dataset.graph(URIRef(GRAPH_BASE + "inferred"))
    assert not [t for t in inferred if isinstance(t[0], Literal)]
    assert not [(s, o) for s, o in inferred.subject_objects(OWL.sameAs) if s == o]
    asserted = set(dataset.graph(URIRef(GRAPH_BASE + "asserted")))
    asserted |= set(dataset.graph(URIRef(GRAPH_BASE + "ontology")))
    assert not asserted & set(inferred)


def test_turtle_and_ntriples_hold_the_ontology_asserted_and_links_graphs(
    built: Path, dataset: Dataset
) -> None:
    """If the flat exports are parsed, then both equal the union of the ontology, asserted, links graphs."""
    turtle = Graph().parse(built / "alaska-kg.ttl", format="turtle")
    ntriples = Graph().parse(built / "alaska-kg.nt", format="nt")
    expected = Graph()
    for name in ("ontology", "asserted", "links"):
        for triple in dataset.graph(URIRef(GRAPH_BASE + name)):
            expected.add(triple)
    assert isomorphic(turtle, expected)
    assert isomorphic(ntriples, expected)


def test_no_https_schema_org_leaks(built: Path) -> None:
    """If the exports are written, then schema.org appears only as http://schema.org/."""
    for name in OUTPUT_NAMES:
        assert "https://schema.org" not in (built / name).read_text(encoding="utf-8"), name


def test_syntax_error_names_file_and_line_and_keeps_previous_output(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a data file has a Turtle syntax error, then the build exits with SourceSyntaxError's code, says
    file:line:column on one line, and an earlier output folder is left byte for byte as it was."""
    root = _copy_sources(tmp_path / "src")
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    before = _snapshot(out)

    broken = sorted((root / "data").glob("*.ttl"))[0]
    text = broken.read_text(encoding="utf-8")
    bad_line = text.count("\n") + (0 if text.endswith("\n") else 1) + 2
    broken.write_text(text + ("" if text.endswith("\n") else "\n") + "\n<urn:x:a> <urn:x:b> ;; .\n")

    code = main(["build", "--root", str(root), "--out", str(out)])
    err = capsys.readouterr().err

    assert code == SourceSyntaxError.exit_code == 3
    assert err.count("\n") == 1, err
    assert err.startswith(f"alaska-kg: error: {broken}:{bad_line}:"), err
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "src"]


_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:GhostShape> a sh:NodeShape ;
    sh:targetNode <urn:x:ghost> ;
    sh:property [ sh:path <urn:x:p> ; sh:{count} 1 ; sh:message "ghost needs p" ] .
"""


def test_validation_failure_exits_4_and_keeps_previous_output(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the data violates a shape, then the build lists the violation, ends with one error line naming
    the shapes file, exits with ValidationFailed's code and leaves the earlier output as it was."""
    root = _copy_sources(tmp_path / "src")
    shapes = root / "ontology" / "shapes.ttl"
    shapes.write_text(_SHAPES.format(count="minCount"), encoding="utf-8")
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    before = _snapshot(out)

    code = main(["build", "--root", str(root), "--out", str(out)])
    err_lines = capsys.readouterr().err.splitlines()

    assert code == ValidationFailed.exit_code == 4
    assert any("<urn:x:ghost> <urn:x:p>: ghost needs p" in line for line in err_lines[:-1]), err_lines
    assert err_lines[-1].startswith(f"alaska-kg: error: {shapes}: data does not conform: 1 violation(s)")
    assert _snapshot(out) == before


def test_conforming_shapes_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """If the data satisfies the shapes, then the build succeeds and says how many shapes it checked."""
    root = _copy_sources(tmp_path / "src")
    (root / "ontology" / "shapes.ttl").write_text(_SHAPES.format(count="maxCount"), encoding="utf-8")
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "dist")]) == 0
    assert "validation: conforms (2 shapes, 0 warning(s))" in capsys.readouterr().out


def test_failed_export_keeps_previous_output(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If writing an output fails half-way, then the build exits with OutputError's code, the earlier
    output folder is unchanged and no temporary folder is left behind."""
    import alaska_kg.build.publish

    out = tmp_path / "dist"
    shutil.copytree(built, out)
    before = _snapshot(out)

    def disk_full(*args: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(alaska_kg.build.publish, "_ntriples", disk_full)
    code = main(["build", "--root", str(REPO_ROOT), "--out", str(out)])
    err = capsys.readouterr().err

    assert code == OutputError.exit_code == 5
    assert err.count("\n") == 1 and "No space left on device" in err
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]
    assert main(["build", "--root", str(REPO_ROOT), "--out", str(out)]) == 5, "a failed build was cached"


def test_refuses_to_replace_a_folder_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the output folder holds other files, then the build stops before any work and touches nothing."""
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code = main(["build", "--root", str(REPO_ROOT), "--out", str(out)])
    assert code == OutputError.exit_code
    assert "notes.txt" in capsys.readouterr().err
    assert _snapshot(out) == {"notes.txt": b"keep me"}


def test_root_from_environment_and_missing_ontology(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If ALASKA_KG_ROOT points at sources without an ontology, then the build names the missing file."""
    root = _copy_sources(tmp_path / "src")
    (root / "ontology" / "alaska.ttl").unlink()
    monkeypatch.setenv(ROOT_ENV_VAR, str(root))
    code = main(["build", "--out", str(tmp_path / "dist")])
    err = capsys.readouterr().err
    assert code == SourceNotFound.exit_code == 6
    assert str(root / "ontology" / "alaska.ttl") in err
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("argv", [[], ["build", "--reasoner", "hermit"], ["frobnicate"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """If the command line is malformed, then argparse's usage error code is returned, not raised."""
    assert main(argv) == UsageError.exit_code == 2
    assert "alaska-kg" in capsys.readouterr().err


def test_build_with_the_reference_reasoner(tmp_path: Path) -> None:
    """If owlrl is chosen, then the build succeeds and its inferred graph has no noise either.
    (That it entails the same as the default, reasonable, is tests/test_reasoning.py's job.)"""
    out = tmp_path / "dist"
    assert main(["build", "--root", str(REPO_ROOT), "--out", str(out), "--reasoner", "owlrl"]) == 0
    ds = Dataset()
    ds.parse(out / "alaska-kg.trig", format="trig")
    inferred = ds.graph(URIRef(GRAPH_BASE + "inferred"))
    assert len(inferred) > 0
    assert not [t for t in inferred if isinstance(t[0], Literal)]
    assert not [(s, o) for s, o in inferred.subject_objects(OWL.sameAs) if s == o]


def test_console_entry_point_runs_in_a_subprocess(tmp_path: Path) -> None:
    """If the installed console script (or `python -m alaska_kg`) runs `build`, then it builds and prints a
    summary."""
    out = tmp_path / "dist"
    script = Path(sys.executable).with_name("alaska-kg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "alaska_kg"]
    proc = subprocess.run(
        [*command, "build", "--root", str(REPO_ROOT), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "inferred" in proc.stdout and "validation: conforms" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_NAMES)


def test_cli_import_stays_light() -> None:
    """If the CLI module is imported, then rdflib, pyshacl and owlrl are not (they load inside `build`)."""
    code = (
        "import sys, alaska_kg.cli.app, alaska_kg.paths, alaska_kg.errors; "
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'owlrl', 'reasonable') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_version_is_single_sourced() -> None:
    """If the package is installed, then its metadata version, __version__ and owl:versionInfo agree."""
    ontology = Graph().parse(REPO_ROOT / "ontology" / "alaska.ttl", format="turtle")
    version_info = {str(v) for v in ontology.objects(None, OWL.versionInfo)}
    assert version_info == {__version__}
    assert importlib.metadata.version("alaska-kg") == __version__


def test_rebuild_of_unchanged_sources_reuses_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the sources have not changed since the last build, then the next build copies the cached outputs;
    if a data file changes, then it builds afresh."""
    root = _copy_sources(tmp_path / "src")
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "a")]) == 0
    assert "reused the cached build" not in capsys.readouterr().out
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "b")]) == 0
    assert "reused the cached build" in capsys.readouterr().out
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")

    talks = root / "data" / "events.ttl"
    talks.write_text(
        talks.read_text(encoding="utf-8").replace('"Alaska talks"@en', '"the Alaska talks"@en'),
        encoding="utf-8",
    )
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "c")]) == 0
    assert "reused the cached build" not in capsys.readouterr().out
    assert "the Alaska talks" in (tmp_path / "c" / "alaska-kg.ttl").read_text(encoding="utf-8")


def test_validate_reports_file_line_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """If a statement loses its speaker, then `validate` exits 1 and names the shape, the focus node and the
    data file and line where that statement is described; the JSON and Turtle reports say the same."""
    import json

    root = _copy_sources(tmp_path / "src")
    statements = root / "data" / "statements.ttl"
    text = statements.read_text(encoding="utf-8")
    block = text.index("akr:yang-cyber-espionage-accusation a ak:Statement")
    line = text.count("\n", 0, block) + 1
    text = text[:block] + text[block:].replace("    ak:speaker akr:yang-jiechi ;\n", "", 1)
    statements.write_text(text, encoding="utf-8")

    assert main(["validate", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{statements}:{line}: Violation: <https://w3id.org/alaska-kg/resource/yang-cyber-espionage-accusation>"
        in out
    )
    assert "aks:Statement-speaker" in out or "shapes#Statement-speaker" in out

    assert main(["validate", "--root", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False
    assert [(v["file"], v["line"]) for v in report["violations"]] == [(str(statements), line)]

    assert main(["validate", "--root", str(root), "--format", "turtle"]) == 1
    graph = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert (None, URIRef("http://www.w3.org/ns/shacl#conforms"), Literal(False)) in graph


def test_validate_passes_on_the_real_data(capsys: pytest.CaptureFixture[str]) -> None:
    """If the data conforms, then `validate` exits 0 and says so."""
    assert main(["validate", "--root", str(REPO_ROOT)]) == 0
    assert "data conforms" in capsys.readouterr().out


def test_progress_is_shown_on_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If stderr is a terminal, then each stage is announced on one self-erasing line; if not, nothing."""
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["build", "--root", str(REPO_ROOT), "--out", str(tmp_path / "dist")]) == 0
    shown = terminal.getvalue()
    for stage in ("parsing", "validating", "reasoning", "writing"):
        assert f"alaska-kg: {stage}…" in shown
    assert shown.endswith("\r\033[K")
