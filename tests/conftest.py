"""Shared fixtures: a private build cache for the whole session, the dataset built into it once, and helpers
to run the CLI and queries against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from alaska_kg.cache import CACHE_ENV_VAR
from alaska_kg.paths import Layout, locate

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """$ALASKA_KG_CACHE is a temporary folder for the whole session: no test writes the user's cache."""
    folder = tmp_path_factory.mktemp("alaska-kg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV_VAR, str(folder))
        yield folder


@pytest.fixture(scope="session", autouse=True)
def neutral_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Tests run from a folder outside any clone, with no $ALASKA_KG_ROOT: a command without --root reads
    the package's own sources (packaged copy or editable repository) and says nothing of it on stderr.
    tests/test_security_root.py covers the other origins."""
    from alaska_kg.paths import ROOT_ENV_VAR

    folder = tmp_path_factory.mktemp("elsewhere")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv(ROOT_ENV_VAR, raising=False)
        yield folder


@pytest.fixture(scope="session")
def layout() -> Layout:
    """The repository's own sources and queries."""
    return locate(REPO_ROOT)


@pytest.fixture(scope="session")
def dataset_file(private_cache: Path, layout: Layout) -> Path:
    """The N-Quads dataset of the repository's sources, built once into the session cache (the contract of
    `alaska_kg.build.pipeline.ensure_dataset`), so that query commands without --dataset find it there."""
    from alaska_kg.build.pipeline import ensure_dataset

    return ensure_dataset(layout)


@pytest.fixture(scope="session")
def dataset(dataset_file: Path):  # -> alaska_kg.query.dataset.OpenDataset
    """The dataset loaded into an Oxigraph store, shared read-only by the tests."""
    from alaska_kg.query.dataset import OpenDataset, load_store

    return OpenDataset(load_store(dataset_file), dataset_file)


@pytest.fixture(scope="session")
def article(layout: Layout) -> str:
    """The article text the graph is made from; offsets into it count code points."""
    return layout.source_text.read_text(encoding="utf-8")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], dataset_file: Path) -> Callable[..., tuple[int, str, str]]:
    """Run `alaska-kg ARGS` in-process against the session dataset: (exit code, stdout, stderr)."""
    from alaska_kg.cli.app import main

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def build_into_cache(
    tmp_path_factory: pytest.TempPathFactory, name: str, *, large: bool = False
) -> tuple[Path, Path]:
    """Build the bundled sources into a fresh cache folder: (the cache, the output folder). `large`: as a
    large dataset is built (cache.STORE_MIN_QUADS lowered to 0: with its on-disk store)."""
    import alaska_kg.build.publish
    from alaska_kg.cli.app import main

    folder = tmp_path_factory.mktemp(name)
    out = tmp_path_factory.mktemp("dist") / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV_VAR, str(folder))
        if large:
            patch.setattr(alaska_kg.build.publish, "STORE_MIN_QUADS", 0)
        assert main(["build", "--root", str(REPO_ROOT), "--out", str(out)]) == 0
    return folder, out


def cache_entry(cache: Path) -> Path:
    """The one entry of a build cache (the folder named by the source key; dot-folders are the cache's
    remembered checks)."""
    (entry,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    return entry


def plain(term: object) -> str | None:
    """A result term as tests compare it: IRI prefixed, literal by its lexical form, unbound as None."""
    from pyoxigraph import Literal, NamedNode

    from alaska_kg.namespaces import shorten

    if term is None:
        return None
    if isinstance(term, NamedNode):
        return shorten(term.value)
    if isinstance(term, Literal):
        return term.value
    return str(term)


@pytest.fixture(scope="session")
def select(dataset, layout: Layout) -> Callable[..., list[tuple[str | None, ...]]]:
    """Run a canned query by name with `NAME=VALUE` params: its rows, terms made `plain`, in query order."""
    from alaska_kg.query.catalog import find_query
    from alaska_kg.query.params import bind
    from alaska_kg.query.run import run_query, solution_rows

    def run(name: str, *params: str, graph: str | None = None) -> list[tuple[str | None, ...]]:
        query = find_query(layout, name)
        answer = run_query(dataset, query, graph=graph, substitutions=bind(query, params))
        assert answer.kind == "select" and answer.solutions is not None
        return [tuple(plain(term) for term in row) for row in solution_rows(answer)]

    return run


@pytest.fixture(scope="module")
def sources(layout: Layout):  # -> alaska_kg.build.loading.Sources
    """The repository's sources as the build reads them (ontology, shapes, data), once per test module."""
    from alaska_kg.build.loading import load_sources

    return load_sources(layout)


@pytest.fixture(scope="module")
def text_units():  # -> rdflib.Graph
    """The article's text units (data/source.ttl), for rendering a report's blank nodes and selectors."""
    import rdflib

    return rdflib.Graph().parse(REPO_ROOT / "data/source.ttl")
