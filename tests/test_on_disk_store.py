"""Issue 12: a large dataset is also written as an on-disk Oxigraph store, which the query path opens
read-only instead of parsing the N-Quads. It must answer exactly as the N-Quads do, and its manifest line
must catch a changed store. The bundled data are below the size at which the build writes one
(cache.STORE_MIN_QUADS), so these tests lower that size to 0."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import alaska_kg.build.publish
import alaska_kg.query.dataset
from alaska_kg.cache import CACHE_ENV_VAR, STORE_FOLDER
from alaska_kg.cli.app import main
from alaska_kg.manifest import MANIFEST_NAME, read_manifest
from conftest import build_into_cache, cache_entry

REPO_ROOT = Path(__file__).resolve().parents[1]
# The four participants of the talks, from the article's first sentence: "... between the United States
# (Antony Blinken, Jake Sullivan) and China (Yang Jiechi, Wang Yi)".
PARTICIPANTS = ("Antony Blinken", "Jake Sullivan", "Yang Jiechi", "Wang Yi")
_SERVICE = re.compile(r"^[^#]*\bSERVICE\b", re.IGNORECASE | re.MULTILINE)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache whose one entry holds the bundled dataset and its on-disk store."""
    return build_into_cache(tmp_path_factory, "store-cache", large=True)[0]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _offline_queries() -> list[str]:
    """Every canned query but the federated ones (SERVICE calls Wikidata: no network in the tests)."""
    return [
        p.stem
        for p in sorted((REPO_ROOT / "queries").glob("*.rq"))
        if not _SERVICE.search(p.read_text("utf-8"))
    ]


def test_the_build_lists_the_store_in_its_manifest(cache: Path) -> None:
    entry = read_manifest(cache_entry(cache))
    assert entry is not None and STORE_FOLDER in entry.entries
    assert (entry.folder / STORE_FOLDER).is_dir()
    assert entry.verified_folder(STORE_FOLDER) == entry.folder / STORE_FOLDER


def test_the_bundled_build_writes_no_store_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below STORE_MIN_QUADS the N-Quads are read as quickly (docs/performance.md), so no store is written."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    assert main(["build", "--root", str(REPO_ROOT), "--out", str(tmp_path / "dist")]) == 0
    entry = read_manifest(cache_entry(tmp_path / "cache"))
    assert entry is not None and STORE_FOLDER not in entry.entries


def test_every_canned_query_answers_the_same_from_the_store_and_from_the_n_quads(
    cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a canned query runs on the on-disk store, then it prints exactly what it prints when the N-Quads
    are parsed instead (same rows, order, exit code), for every canned query that needs no network."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(cache))
    opened: list[Path] = []
    real = alaska_kg.query.dataset._on_disk

    def spy(entry, announce):
        found = real(entry, announce)
        if found is not None:
            opened.append(found.path)
        return found

    names = _offline_queries()
    assert "participants" in names and len(names) >= 25
    for name in names:
        argv = ("query", name, "--root", str(REPO_ROOT), "--format", "tsv")
        monkeypatch.setattr(alaska_kg.query.dataset, "_on_disk", spy)
        from_store = _run(capsys, *argv)
        assert opened, f"{name}: the store was not used"
        opened.clear()
        monkeypatch.setattr(alaska_kg.query.dataset, "_on_disk", lambda entry, announce: None)
        from_nquads = _run(capsys, *argv)
        assert from_store == from_nquads, name
    code, out, _ = _run(capsys, "query", "participants", "--root", str(REPO_ROOT))
    assert code == 0 and all(person in out for person in PARTICIPANTS)


def test_a_changed_store_is_passed_over_for_the_n_quads(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a file of the store is changed after the build (here: one more byte in its options file), then
    the query says so and answers from the N-Quads, which are checked on their own."""
    copy = tmp_path / "cache"
    shutil.copytree(cache, copy)
    monkeypatch.setenv(CACHE_ENV_VAR, str(copy))
    store = cache_entry(copy) / STORE_FOLDER
    options = sorted(store.glob("OPTIONS-*"))[0]
    options.write_bytes(options.read_bytes() + b"\n")
    code, out, err = _run(capsys, "query", "participants", "--root", str(REPO_ROOT))
    assert code == 0, err
    assert all(person in out for person in PARTICIPANTS)
    assert f"{store}: its files differ from those the build recorded" in err
    assert "reading the N-Quads instead" in err


@pytest.mark.parametrize("change", ["add", "remove", "truncate"])
def test_the_manifest_line_of_the_store_finds_a_file_added_removed_or_truncated(
    cache: Path, tmp_path: Path, change: str
) -> None:
    from alaska_kg.errors import CorruptOutput

    copy = tmp_path / "entry"
    shutil.copytree(cache_entry(cache), copy)
    store = copy / STORE_FOLDER
    data = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    if change == "add":
        (store / "000999.sst").write_bytes(b"")
    elif change == "remove":
        data.unlink()
    else:
        data.write_bytes(data.read_bytes()[:-1])
    entry = read_manifest(copy)
    assert entry is not None and (copy / MANIFEST_NAME).is_file()
    with pytest.raises(CorruptOutput, match="its files differ"):
        entry.verified_folder(STORE_FOLDER)


def test_an_output_folder_holding_the_store_can_be_built_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store is an output like the others: copied into the output folder, and that folder is the
    build's own (a later build replaces it instead of refusing a folder it did not write)."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.setattr(alaska_kg.build.publish, "STORE_MIN_QUADS", 0)
    out = tmp_path / "dist"
    assert _run(capsys, "build", "--root", str(REPO_ROOT), "--out", str(out))[0] == 0
    assert (out / STORE_FOLDER).is_dir()
    code, _, err = _run(capsys, "build", "--root", str(REPO_ROOT), "--out", str(out))
    assert code == 0, err


def test_the_label_table_holds_each_iri_s_preferred_label(cache: Path) -> None:
    """If the build writes the on-disk store, then its label table (listed in the manifest) gives every IRI
    that has an rdfs:label the label `labels` picks from the dataset itself (English, then untagged, then
    any), and no other IRI."""
    import pyoxigraph

    from alaska_kg.cache import LABELS_FILE
    from alaska_kg.query.label_table import read_label_table
    from alaska_kg.query.labels import RDFS_LABEL, labels

    entry = read_manifest(cache_entry(cache))
    assert entry is not None and LABELS_FILE in entry.entries
    table = read_label_table(entry.read_verified(LABELS_FILE))
    store = pyoxigraph.Store()
    store.load(path=str(entry.folder / "alaska-kg.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    labelled = {q.subject.value for q in store.quads_for_pattern(None, RDFS_LABEL, None, None)}
    assert len(table) == len(labelled) > 300
    for iri in labelled:
        assert table[iri] == labels(store, [iri])[iri], iri
    assert table["https://w3id.org/alaska-kg/resource/yang-jiechi"] == "Yang Jiechi"


def test_every_canned_table_reads_the_same_labels_from_the_table_as_from_the_store(
    cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If every canned query prints its table (labels in place of IRIs) from the on-disk store with its
    label table used for any number of IRIs, then it prints what it prints from the N-Quads, where each
    label is looked up in the store."""
    import alaska_kg.query.labels

    monkeypatch.setenv(CACHE_ENV_VAR, str(cache))
    used: list[int] = []
    real = alaska_kg.query.dataset._label_table

    def counted(entry):  # type: ignore[no-untyped-def]
        used.append(1)
        return real(entry)

    for name in _offline_queries():
        argv = ("query", name, "--root", str(REPO_ROOT))
        monkeypatch.setattr(alaska_kg.query.labels, "LABEL_TABLE_MIN", 0)
        monkeypatch.setattr(alaska_kg.query.dataset, "_label_table", counted)
        from_table = _run(capsys, *argv)
        monkeypatch.setattr(alaska_kg.query.dataset, "_on_disk", lambda entry, announce: None)
        from_store = _run(capsys, *argv)
        monkeypatch.undo()
        monkeypatch.setenv(CACHE_ENV_VAR, str(cache))
        assert from_table == from_store, name
    assert used  # the table was read


def test_a_changed_label_table_is_passed_over_for_the_store(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the label table is changed after the build (a label rewritten), then its manifest line no longer
    matches, and the table shows the labels from the store."""
    import alaska_kg.query.labels
    from alaska_kg.cache import LABELS_FILE

    copy = tmp_path / "cache"
    shutil.copytree(cache, copy)
    monkeypatch.setenv(CACHE_ENV_VAR, str(copy))
    monkeypatch.setattr(alaska_kg.query.labels, "LABEL_TABLE_MIN", 0)
    table = cache_entry(copy) / LABELS_FILE
    table.write_bytes(table.read_bytes().replace(b"\tAntony Blinken\n", b"\tSomebody Else\n"))
    code, out, err = _run(capsys, "query", "participants", "--root", str(REPO_ROOT))
    assert code == 0, err
    assert all(person in out for person in PARTICIPANTS) and "Somebody Else" not in out


def test_the_label_table_format_keeps_tabs_and_line_breaks(tmp_path: Path) -> None:
    """If a label holds a tab, a line break, a carriage return or backslashes, then the table reads back
    exactly that label, one line per IRI."""
    import pyoxigraph

    from alaska_kg.query.label_table import read_label_table, write_label_table

    label = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    odd = "a\tb\nc\rd\\e\\tf\\"
    store = pyoxigraph.Store()
    for iri, text, language in [
        ("urn:x", odd, None),
        ("urn:y", "Deutsch", "de"),
        ("urn:y", "English", "en"),
        ("urn:y", "plain", None),
    ]:
        store.add(
            pyoxigraph.Quad(pyoxigraph.NamedNode(iri), label, pyoxigraph.Literal(text, language=language))
        )
    path = tmp_path / "labels.tsv"
    assert write_label_table(store, path) == 2
    assert path.read_bytes().count(b"\n") == 2
    assert read_label_table(path.read_bytes()) == {"urn:x": odd, "urn:y": "English"}
