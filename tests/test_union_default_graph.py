"""Issue 12: a query over every graph of the dataset reads Oxigraph's union default graph (one index lookup
per pattern) instead of the list of the four named graphs (one per graph). That is only sound when the
two are the same triples: every canned query must answer alike, row for row, both ways; a selection of
some graphs, or a store with more graphs or a non-empty default graph, keeps the list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, Store

from alaska_kg.query.dataset import OpenDataset

REPO_ROOT = Path(__file__).resolve().parents[1]
_SERVICE = re.compile(r"^[^#]*\bSERVICE\b", re.IGNORECASE | re.MULTILINE)
_OFFLINE = [
    p for p in sorted((REPO_ROOT / "queries").glob("*.rq")) if not _SERVICE.search(p.read_text("utf-8"))
]


def _rows(result: object) -> list[tuple[str, ...]]:
    if isinstance(result, bool) or type(result).__name__ == "QueryBoolean":
        return [(str(bool(result)),)]
    if hasattr(result, "variables"):
        return [tuple(str(s[v]) for v in result.variables) for s in result]
    return sorted((str(t),) for t in result)


def test_all_graphs_span_the_built_store_and_a_selection_does_not(dataset) -> None:
    assert dataset.spans_the_store(dataset.graphs("all"))
    assert not dataset.spans_the_store(dataset.graphs("asserted"))
    assert not dataset.spans_the_store(dataset.graphs("inferred"))


def test_a_default_graph_with_triples_or_an_extra_graph_is_not_spanned() -> None:
    a, g1, g2 = (
        NamedNode("http://example.org/a"),
        NamedNode("http://example.org/g1"),
        NamedNode("http://example.org/g2"),
    )
    store = Store()
    store.add(Quad(a, a, a, g1))
    store.add(Quad(a, a, a, g2))
    dataset = OpenDataset(store, Path("example.nq"))
    assert dataset.spans_the_store([g1, g2])
    assert not dataset.spans_the_store([g1])
    store.add(Quad(a, a, a, DefaultGraph()))
    assert not dataset.spans_the_store([g1, g2])
    assert not dataset.spans_the_store([DefaultGraph(), g1, g2])


@pytest.mark.parametrize("path", _OFFLINE, ids=lambda p: p.stem)
def test_every_canned_query_answers_alike_from_the_union_and_from_the_list(dataset, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    listed = _rows(dataset.store.query(text, default_graph=dataset.graphs("all")))
    union = _rows(dataset.store.query(text, use_default_graph_as_union=True))
    assert union == listed
