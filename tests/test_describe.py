"""`alaska-kg describe THING`: finding a resource by IRI, prefixed name or label, and what it prints."""

from __future__ import annotations

import pytest

from alaska_kg.errors import ResourceNotFound
from alaska_kg.query.describe import describe, resolve

YANG = "https://w3id.org/alaska-kg/resource/yang-jiechi"


@pytest.mark.parametrize(
    "thing",
    ["akr:yang-jiechi", YANG, f"<{YANG}>", "Yang Jiechi", "yang jiechi", "Yang", "YANG"],
)
def test_resolve(dataset, thing: str) -> None:
    """IRI, <IRI>, prefixed name, label or altLabel in any case."""
    assert resolve(dataset.store, thing) == YANG


def test_resolve_a_part_of_one_label(dataset) -> None:
    assert resolve(dataset.store, "nankai") == "https://w3id.org/alaska-kg/resource/nankai-university"


def test_an_exact_label_wins_over_a_partial_one(dataset) -> None:
    """ "China" is the label of akr:china, and a part of many other labels."""
    assert resolve(dataset.store, "china") == "https://w3id.org/alaska-kg/resource/china"


def test_describe_yang(dataset, article: str) -> None:
    """Sentence 3-4: "Yang Jiechi, a member of the Politburo of the Chinese Communist Party" attended the
    talks for China; sentence 14-3: he accused the United States of condescension and hypocrisy."""
    d = describe(dataset, "Yang")
    assert (d.iri, d.label, d.types) == (YANG, "Yang Jiechi", ("https://w3id.org/alaska-kg/ontology#Person",))
    assert "http://www.w3.org/ns/prov#Agent" in d.inferred_types
    facts = {(p.rsplit("#", 1)[-1], getattr(v, "value", None)) for p, v in d.facts}
    assert ("speaksFor", "https://w3id.org/alaska-kg/resource/china") in facts
    assert ("memberOf", "https://w3id.org/alaska-kg/resource/ccp-politburo") in facts
    incoming = {(s.value.rsplit("/", 1)[-1], p.rsplit("#", 1)[-1]) for s, p in d.incoming}
    assert ("chinese-delegation", "hasMember") in incoming
    assert ("yang-condescension-accusation", "speaker") in incoming
    assert d.matches == ("http://www.wikidata.org/entity/Q58211",)
    [source] = d.sources
    assert source.unit.endswith("sentence-3-4")
    assert article[source.start : source.end] == source.text
    assert "Yang Jiechi, a member of the Politburo of the Chinese Communist Party" in source.text


def test_describe_command_prints_grouped_labelled_text(cli) -> None:
    code, out, _ = cli("describe", "yang")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Yang Jiechi  (akr:yang-jiechi)"
    assert lines[1] == f"<{YANG}>"
    assert "  types           ak:Person" in lines
    assert "facts" in lines and "linked from" in lines and "source sentences" in lines
    assert any(line.split() == ["ak:speaksFor", "China"] for line in lines)
    assert any(line.split() == ["ak:hasMember", "Chinese", "delegation"] for line in lines)
    assert "  http://www.wikidata.org/entity/Q58211" in lines
    assert any(line.startswith("  akr:sentence-3-4 [565–719] Some Chinese officials") for line in lines)


def test_describe_raw(cli) -> None:
    code, out, _ = cli("describe", "akr:yang-jiechi", "--raw")
    assert code == 0
    assert any(line.split() == ["ak:speaksFor", "akr:china"] for line in out.splitlines())
    assert any(line.split() == ["skos:altLabel", '"Yang"@en'] for line in out.splitlines())


def test_describe_a_text_unit_shows_its_own_text(cli, article: str) -> None:
    """Sentence 14-5: "Both sides accused the other of breaking diplomatic protocol." (code points
    3142–3203)."""
    assert article[3142:3203] == "Both sides accused the other of breaking diplomatic protocol."
    code, out, _ = cli("describe", "akr:sentence-14-5")
    assert code == 0
    assert (
        "  akr:sentence-14-5 [3142–3203] Both sides accused the other of breaking diplomatic protocol." in out
    )
    assert "American side accuses the Chinese side of breaking diplomatic protocol" in out  # linked from


def test_unknown_label_suggests_close_labels(cli) -> None:
    code, out, err = cli("describe", "Yang Jeichi")
    assert code == 11 and out == ""
    assert err.startswith(
        "alaska-kg: error: nothing in the dataset is called 'Yang Jeichi'; closest labels: "
    )
    assert "Yang Jiechi" in err


def test_unknown_iri_suggests_close_names(cli) -> None:
    code, _, err = cli("describe", "akr:yang-jeichi")
    assert code == 11
    assert err.startswith(
        "alaska-kg: error: akr:yang-jeichi: no such resource in the dataset; did you mean akr:yang-jiechi"
    )


def test_ambiguous_part_lists_candidates(cli) -> None:
    code, _, err = cli("describe", "Jiechi")
    assert code == 11
    assert err == (
        "alaska-kg: error: 'Jiechi' names 2 resources: Yang Jiechi (akr:yang-jiechi); Yang Jiechi as "
        "member of the Politburo of the Chinese Communist Party (akr:holding-yang-politburo-member); "
        "give one of these IRIs\n"
    )


def test_nothing_close(dataset) -> None:
    with pytest.raises(ResourceNotFound, match=r"^nothing in the dataset is called 'qqqqq'$"):
        resolve(dataset.store, "qqqqq")
