"""Issue 12: for a dataset too small for an on-disk store (the bundled data), the build keeps the answers
of the canned queries (query.kept_answers), and `alaska-kg query NAME` reads them instead of loading the
dataset and evaluating the query. A kept answer must be exactly what the query gives when evaluated, in
every output format; it must never be used for another text of the query, another graph selection or a
parameter's value, nor once it was changed. A large build (the `large_cache` fixture: the bundled data
with cache.STORE_MIN_QUADS lowered to 0, so that it writes the on-disk store) keeps none."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

import alaska_kg.build.publish
import alaska_kg.query.dataset
import alaska_kg.query.kept_answers
from alaska_kg.cache import CACHE_ENV_VAR
from alaska_kg.cli.app import main
from alaska_kg.manifest import read_manifest
from alaska_kg.paths import Layout
from alaska_kg.query.catalog import canned_queries, inline_query
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.query.kept_answers import answer_name, evaluate_answers, is_answer_name
from conftest import build_into_cache, cache_entry

REPO_ROOT = Path(__file__).resolve().parents[1]
_SERVICE = re.compile(r"^[^#]*\bSERVICE\b", re.IGNORECASE | re.MULTILINE)
_SELECT = re.compile(r"^\s*SELECT\b", re.IGNORECASE | re.MULTILINE)
FORMATS = ("table", "tsv", "csv", "json", "xml", "md")
Cli = Callable[..., tuple[int, str, str]]  # the `cli` fixture (conftest)
Patch = pytest.MonkeyPatch


@pytest.fixture(scope="module")
def large_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache whose one entry holds the bundled dataset built as a large one: with its on-disk store."""
    return build_into_cache(tmp_path_factory, "kept-cache", large=True)[0]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache whose one entry holds the bundled dataset and the kept answers, and no on-disk store."""
    folder, out = build_into_cache(tmp_path_factory, "kept-small-cache")
    assert not any(is_answer_name(p.name) for p in out.iterdir())  # kept in the cache, not published
    return folder


def _offline_selects() -> list[str]:
    """The canned SELECT queries that call no SERVICE (read from the files, not from the code under test)."""
    return [
        p.stem
        for p in sorted((REPO_ROOT / "queries").glob("*.rq"))
        if not _SERVICE.search(p.read_text("utf-8")) and _SELECT.search(p.read_text("utf-8"))
    ]


def _root_with_own_queries(tmp_path: Path) -> tuple[Path, Path]:
    """A source root with the bundled data and a copy of the queries to edit, and its `participants.rq`."""
    root = tmp_path / "root"
    shutil.copytree(REPO_ROOT / "queries", root / "queries")
    for folder in ("data", "ontology"):
        (root / folder).symlink_to(REPO_ROOT / folder)
    return root, root / "queries" / "participants.rq"


@pytest.fixture
def reads(monkeypatch: Patch) -> list[str]:
    """The ids of the queries answered from a kept answer while a test runs."""
    read: list[str] = []
    real = alaska_kg.query.kept_answers.kept_answer

    def spy(entry, query, max_rows):  # type: ignore[no-untyped-def]
        found = real(entry, query, max_rows)
        if found is not None:
            read.append(query.id)
        return found

    monkeypatch.setattr(alaska_kg.query.kept_answers, "kept_answer", spy)
    return read


def test_the_build_keeps_an_answer_for_every_offline_select(cache: Path) -> None:
    """If the build writes no on-disk store, then its manifest lists one kept answer for each canned SELECT
    that calls no SERVICE (the bundled answers hold no blank node), named by the query's text."""
    entry = read_manifest(cache_entry(cache))
    assert entry is not None and "alaska-kg.oxigraph" not in entry.entries
    kept = {name for name in entry.entries if is_answer_name(name)}
    layout = Layout(REPO_ROOT)
    expected = {answer_name(q) for q in canned_queries(layout) if q.id in _offline_selects()}
    assert len(expected) >= 25 and kept == expected
    for name in kept:
        assert entry.read_verified(name).startswith(b"?")  # SPARQL Results TSV: the header line first


def test_a_large_build_keeps_no_answer_and_evaluates(
    large_cache: Path, reads: list[str], monkeypatch: Patch, cli: Cli
) -> None:
    """If the build writes the on-disk store, then it keeps no answer (their cost at 10^6 triples,
    docs/performance.md), and a canned query is evaluated on the store."""
    entry = read_manifest(cache_entry(large_cache))
    assert entry is not None and "alaska-kg.oxigraph" in entry.entries
    assert not any(is_answer_name(name) for name in entry.entries)
    monkeypatch.setenv(CACHE_ENV_VAR, str(large_cache))
    code, out, err = cli("query", "participants", "--root", str(REPO_ROOT))
    assert code == 0 and reads == [] and "Yang Jiechi" in out, err


def test_a_kept_answer_is_shown_without_loading_the_dataset(
    cache: Path, reads: list[str], monkeypatch: Patch, cli: Cli
) -> None:
    """If the build wrote no on-disk store (the bundled data), then a canned query answered from its kept
    answer neither opens nor parses the dataset (its labels come from the label table), and prints what
    the query evaluated on the N-Quads (`--live`) prints."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(cache))
    opened: list[str] = []
    real = alaska_kg.query.dataset.load_store

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append("load")
        return real(*args, **kwargs)

    monkeypatch.setattr(alaska_kg.query.dataset, "load_store", spy)
    kept = cli("query", "participants", "--root", str(REPO_ROOT))
    assert reads == ["participants"] and opened == []
    live = cli("query", "participants", "--root", str(REPO_ROOT), "--live")
    assert opened == ["load"] and kept == live
    assert kept[0] == 0 and "Yang Jiechi" in kept[1] and "United States Secretary of State" in kept[1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_kept_answer_prints_what_the_evaluated_query_prints(
    cache: Path, fmt: str, reads: list[str], monkeypatch: Patch, cli: Cli
) -> None:
    """If a canned SELECT is answered from its kept answer, then it prints, byte for byte and with the same
    exit code, what it prints evaluated on the N-Quads (`--live`), in each output format, whole and cut
    at --max-rows 3 (exit 14)."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(cache))
    names = _offline_selects()
    cut = 0
    for name in names:
        for rows in ("100000", "3"):
            argv = ("query", name, "--root", str(REPO_ROOT), "--format", fmt, "--max-rows", rows)
            reads.clear()
            kept = cli(*argv)
            assert reads == [name], f"{name}: not read from its kept answer"
            live = cli(*argv, "--live")
            assert reads == [name], f"{name}: --live read the kept answer"
            assert live == kept, f"{name} --format {fmt} --max-rows {rows}"
            cut += kept[0] == 14
    assert cut >= 10  # the cap was reached by the listings, and said so the same way


def test_a_parameter_or_another_graph_selection_is_evaluated(
    cache: Path, reads: list[str], monkeypatch: Patch, cli: Cli
) -> None:
    """If the query is given a parameter's value or another default graph than `all`, then the kept answer
    (of the query without parameters, on all graphs) is not read: the query is evaluated."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(cache))
    code, out, err = cli(
        "query", "statements-by-actor", "--root", str(REPO_ROOT), "--param", "actor=akr:yang-jiechi"
    )
    assert code == 0, err
    assert reads == [] and "Yang Jiechi" in out and "Antony Blinken" not in out.split("\n", 2)[2]
    code, out, err = cli("query", "participants", "--root", str(REPO_ROOT), "--graph", "asserted")
    assert code == 0 and reads == [], err
    code, out, err = cli("query", "participants", "--root", str(REPO_ROOT), "--graph", "all")
    assert code == 0 and reads == ["participants"], err


def test_an_edited_query_is_evaluated_not_answered_from_the_old_text(
    cache: Path,
    tmp_path: Path,
    reads: list[str],
    monkeypatch: Patch,
    cli: Cli,
) -> None:
    """If a canned query's file is edited after the build (here: it keeps only the participant whose
    IRI holds "yang"), then no kept answer matches its text, and what it prints is the edited query's
    answer."""
    root, query = _root_with_own_queries(tmp_path)
    text = query.read_text("utf-8")
    assert text.count("WHERE {") == 1
    query.write_text(
        text.replace("WHERE {", 'WHERE {\n  FILTER (CONTAINS(STR(?person), "yang"))', 1), "utf-8"
    )
    monkeypatch.setenv(CACHE_ENV_VAR, str(cache))
    code, out, err = cli("query", "participants", "--root", str(root))
    assert code == 0, err
    assert reads == []
    # the article's participants: Antony Blinken and Jake Sullivan (United States), Yang Jiechi and Wang Yi
    # (China); only Yang Jiechi is left
    assert "Yang Jiechi" in out and not any(p in out for p in ("Antony Blinken", "Jake Sullivan", "Wang Yi"))


def test_a_changed_answer_is_passed_over(
    cache: Path, tmp_path: Path, reads: list[str], monkeypatch: Patch, cli: Cli
) -> None:
    """If a kept answer's file is changed after the build (a participant's IRI rewritten), then its manifest
    line no longer matches, and the query is evaluated: the change is never printed."""
    copy = tmp_path / "cache"
    shutil.copytree(cache, copy)
    monkeypatch.setenv(CACHE_ENV_VAR, str(copy))
    layout = Layout(REPO_ROOT)
    (participants,) = [q for q in canned_queries(layout) if q.id == "participants"]
    path = cache_entry(copy) / answer_name(participants)
    data = path.read_bytes()
    assert b"/yang-jiechi>" in data
    path.write_bytes(data.replace(b"/yang-jiechi>", b"/somebody-else>"))
    code, out, err = cli("query", "participants", "--root", str(REPO_ROOT), "--raw")
    assert code == 0, err
    assert reads == [] and "akr:yang-jiechi" in out and "somebody-else" not in out


def test_an_answer_with_a_blank_node_is_not_kept() -> None:
    """If a query's answer holds a blank node, then it is not kept (the build's label for it is not the
    store's); an answer of IRIs and literals is, as the TSV Oxigraph writes."""
    store = Store()
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(Quad(BlankNode("b1"), label, Literal("anonymous")))
    store.add(Quad(NamedNode("urn:x"), label, Literal("named")))
    with_blank = inline_query("SELECT ?s ?o WHERE { ?s ?p ?o }")
    named_only = inline_query("SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")
    kept = dict(evaluate_answers(OpenDataset(store, None), [with_blank, named_only]))
    assert kept == {answer_name(named_only): b'?s\t?o\n<urn:x>\t"named"\n'}


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT ?s WHERE { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT ?s WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT ?s FROM <http://127.0.0.1:9/graph> WHERE { ?s ?p ?o }",
    ],
)
def test_a_query_that_could_reach_out_is_never_evaluated_unguarded(text: str, monkeypatch: Patch) -> None:
    """If a query names SERVICE or FROM in any case, or holds an escape that could spell one, then the
    build evaluates it for keeping only after the guard passed it: here the guard refuses it, so the engine
    is never asked (no network is reached) and nothing is kept."""
    import alaska_kg.query.run

    asked: list[str] = []
    real = alaska_kg.query.run.execute

    def spy(dataset, query, **options):  # type: ignore[no-untyped-def]
        asked.append(query.text)
        return real(dataset, query, **options)

    monkeypatch.setattr(alaska_kg.query.run, "execute", spy)
    store = Store()
    store.add(Quad(NamedNode("urn:x"), NamedNode("urn:p"), Literal("o")))
    assert dict(evaluate_answers(OpenDataset(store, None), [inline_query(text)])) == {}
    assert asked == []
    plain = inline_query("SELECT ?s WHERE { ?s ?p ?o }")  # a plain one is evaluated, and kept
    assert dict(evaluate_answers(OpenDataset(store, None), [plain])) == {answer_name(plain): b"?s\n<urn:x>\n"}
    assert asked == [plain.text]


def test_a_header_whose_columns_the_answer_lacks_is_reported_as_when_evaluated(
    tmp_path: Path, reads: list[str], monkeypatch: Patch, cli: Cli
) -> None:
    """If a canned query's header promises columns its SELECT does not project, and the build kept its
    answer, then `query NAME` reports the header's error, with the same message and exit code, as the query
    evaluated with `--live` does, instead of printing the kept rows."""
    root, query = _root_with_own_queries(tmp_path)
    text = query.read_text("utf-8")
    assert "#+ columns: [side, delegation, person, post]" in text
    query.write_text(text.replace("[side, delegation, person, post]", "[side, delegation, post, person]"))
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "dist")]) == 0
    entry = read_manifest(cache_entry(tmp_path / "cache"))
    assert entry is not None
    assert any(name.startswith("alaska-kg.answer.participants.") for name in entry.entries)
    kept = cli("query", "participants", "--root", str(root))
    live = cli("query", "participants", "--root", str(root), "--live")
    assert kept == live and kept[0] != 0 and "do not match the projection" in kept[2]
