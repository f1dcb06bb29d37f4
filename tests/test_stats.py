"""`alaska-kg stats`: the numbers agree with the dataset file, the README's table and the article."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from alaska_kg.namespaces import GRAPH_NAMES, graph_iri
from alaska_kg.query.stats import stats


def _quads_per_graph(dataset_file: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in dataset_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            counts[line.rstrip(" .").rsplit(" ", 1)[1].strip("<>")] += 1
    return counts


def test_triples_per_graph_match_the_dataset_file(dataset, dataset_file: Path) -> None:
    per_graph = _quads_per_graph(dataset_file)
    result = stats(dataset)
    assert [c.name for c in result.graphs] == list(GRAPH_NAMES)
    assert {c.name: c.count for c in result.graphs} == {
        name: per_graph[graph_iri(name)] for name in GRAPH_NAMES
    }


def test_entities_per_class_match_the_readme(dataset) -> None:
    """The README's table (kept true by tests/test_readme.py against the data files) counts classes with their
    sub-classes, as the OWL RL closure does: `stats` over the built dataset says the same numbers."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = {
        term: int(count)
        for term, count in re.findall(r"^\| .*?\(`(ak:[A-Za-z]+)`\).*? \| (\d+) \|$", readme, re.M)
        if term != "ak:quote"
    }
    assert len(table) >= 15
    classes = {c.name: c.count for c in stats(dataset).classes}
    assert {name: classes[name] for name in table} == table


def test_statements_per_kind(dataset, article: str) -> None:
    """Twelve list items under "Issues publicly raised by …" (six per side); five accusations (sentences
    14-2, 14-3 twice, 14-5 once per side). A statement is counted once per kind: the 50 statements have 51
    kinds, as the state media's "described the talks as historic" (43-1) is both assessment and
    characterization."""
    assert article.count("\n- ") - article.split("== See also ==")[1].count("\n- ") == 12
    kinds = {c.name: c for c in stats(dataset).kinds}
    assert kinds["akr:kind-issue-raising"].count == 12
    assert kinds["akr:kind-accusation"].count == 5
    assert kinds["akr:kind-accusation"].label == "accusation"
    assert sum(c.count for c in kinds.values()) == 50 + 1


def test_links(dataset) -> None:
    assert [(c.name, c.count) for c in stats(dataset).links] == [("wd", 45)]


def test_stats_command(cli) -> None:
    code, out, _ = cli("stats")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "triples per named graph"
    assert "entities per class, sub-class instances included (OWL RL closure)" in lines
    assert any(line.split() == ["ak:Person", "person", "17"] for line in lines)
    assert any(line.split() == ["wd", "http://www.wikidata.org/entity/", "45"] for line in lines)
