"""The command line as users of rdflib, Jena, Oxigraph and pySHACL expect it (issue 11, part B): the field's
format names, N-Quads and SPARQL XML results, --dataset in any syntax, `validate FILE`, `search` and
`prefixes`, tables cut only for a terminal, --labels, ASK exit codes, inferred facts in `describe`, both class
counts in `build`, and TriG and N-Quads told apart exactly."""

from __future__ import annotations

import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph
import pytest

from alaska_kg.namespaces import GRAPH_NAMES, PREFIXES, graph_iri

ROOT = Path(__file__).resolve().parents[1]
AKR = PREFIXES["akr"]
SRX = "{http://www.w3.org/2005/sparql-results#}"
# the article: "Some Chinese officials who attended the talks include Yang Jiechi, …, and foreign minister
# Wang Yi"; "Secretary of State Antony Blinken and National Security Advisor Jake Sullivan"
PARTICIPANTS = {"Antony Blinken", "Jake Sullivan", "Wang Yi", "Yang Jiechi"}


def _error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("alaska-kg")]
    assert lines and lines[-1].startswith(("alaska-kg: error: ", "alaska-kg export: error: ")), err
    return lines[-1]


def _quads(dataset, graph_names=GRAPH_NAMES) -> set[str]:
    return {
        str(q)
        for name in graph_names
        for q in dataset.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph_iri(name)))
    }


# ---------------------------------------------------------------- the field's format names


@pytest.mark.parametrize(
    ("name", "syntax"),
    [
        ("turtle", pyoxigraph.RdfFormat.TURTLE),
        ("ttl", pyoxigraph.RdfFormat.TURTLE),
        ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
        ("ntriples", pyoxigraph.RdfFormat.N_TRIPLES),
        ("N-Triples", pyoxigraph.RdfFormat.N_TRIPLES),
        ("nquads", pyoxigraph.RdfFormat.N_QUADS),
        ("nq", pyoxigraph.RdfFormat.N_QUADS),
        ("trig", pyoxigraph.RdfFormat.TRIG),
        ("jsonld", pyoxigraph.RdfFormat.JSON_LD),
        ("json-ld", pyoxigraph.RdfFormat.JSON_LD),
        ("xml", pyoxigraph.RdfFormat.RDF_XML),
        ("rdfxml", pyoxigraph.RdfFormat.RDF_XML),
    ],
)
def test_export_accepts_the_field_s_format_names(cli, dataset, name: str, syntax) -> None:
    """If a format is named as rdflib, riot or Oxigraph name it, then export writes that syntax: it parses
    as such and holds the links graph's triples."""
    code, out, err = cli("export", "--format", name, "--graph", "links")
    assert code == 0, err
    read = {
        str(pyoxigraph.Triple(q.subject, q.predicate, q.object))
        for q in pyoxigraph.parse(out.encode(), format=syntax)
    }
    links = {
        str(pyoxigraph.Triple(q.subject, q.predicate, q.object))
        for q in dataset.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph_iri("links")))
    }
    assert read == links


@pytest.mark.parametrize(
    "argv", [["-o", "turtle"], ["--output=turtle"], ["--output", "nq"], ["-o", "json-ld"]]
)
def test_a_bare_format_name_as_output_path_is_refused(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """Reproduction: `export --output=turtle` wrote a file called `turtle`. Now it is a usage error (exit 2)
    that says to use --format, and nothing is written."""
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("export", "--format", "ttl", *argv)
    assert code == 2 and out == ""
    assert "is a format name, not a file name" in _error(err) and "--format" in _error(err)
    assert list(tmp_path.iterdir()) == []


def test_an_explicit_path_named_like_a_format_and_a_format_from_the_extension(
    cli, dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o ./turtle` is a file; `-o FILE.nq` with no --format writes N-Quads, as riot guesses by extension."""
    monkeypatch.chdir(tmp_path)
    assert cli("export", "--format", "turtle", "-o", "./turtle")[0] == 0
    assert (tmp_path / "turtle").read_text(encoding="utf-8").startswith("@prefix")
    code, _, err = cli("export", "-o", "copy.nq")
    assert code == 0, err
    read = {
        str(q) for q in pyoxigraph.parse(path=str(tmp_path / "copy.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    }
    assert read == _quads(dataset)


def test_query_and_validate_accept_the_field_s_names(cli) -> None:
    code, out, _ = cli("query", "accusation-graph", "--format", "turtle")
    assert code == 0 and out.startswith("@prefix")
    code, out, _ = cli("query", "accusation-graph", "--format", "ntriples")
    assert code == 0 and list(pyoxigraph.parse(out.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES))
    code, out, _ = cli("query", "participants", "--format", "srj")
    assert code == 0 and json.loads(out)["head"]["vars"]
    code, _, err = cli("query", "participants", "--format", "yaml")
    assert code == 2 and "invalid choice: 'yaml' (choose from " in err


# ---------------------------------------------------------------- N-Quads, SPARQL XML results


def test_export_writes_n_quads_the_same_dataset_as_the_build(cli, dataset) -> None:
    """Reproduction: export had no N-Quads. Now `export --format nq` holds the built dataset's quads, graph
    names and all."""
    code, out, _ = cli("export", "--format", "nq")
    assert code == 0
    read = {str(q) for q in pyoxigraph.parse(out.encode(), format=pyoxigraph.RdfFormat.N_QUADS)}
    assert read == _quads(dataset)
    assert {
        q.graph_name.value for q in pyoxigraph.parse(out.encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    } == {graph_iri(name) for name in GRAPH_NAMES}


def test_select_as_sparql_xml_results(cli) -> None:
    """Reproduction: `query --format xml` was refused. Now it is the W3C SPARQL Query Results XML Format:
    the namespace, one <variable> per column, and the same solutions as the JSON results."""
    code, out, _ = cli("query", "participants", "--format", "xml")
    assert code == 0
    root = ET.fromstring(out)
    assert root.tag == f"{SRX}sparql"
    assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["side", "delegation", "person", "post"]
    from_xml = pyoxigraph.parse_query_results(out.encode(), format=pyoxigraph.QueryResultsFormat.XML)
    from_json = pyoxigraph.parse_query_results(
        cli("query", "participants", "--format", "json")[1].encode(),
        format=pyoxigraph.QueryResultsFormat.JSON,
    )
    assert [str(list(s)) for s in from_xml] == [str(list(s)) for s in from_json]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_an_ask_answer_in_a_machine_format_exits_0(cli, fmt: str) -> None:
    """Reproduction: an ASK answered no exited 1 even with --format json. Now the answer written in a machine
    format exits 0 (the article: the talks ended with no joint statement, so the answer is false)."""
    code, out, _ = cli("query", "talks-joint-statement", "--format", fmt)
    assert code == 0
    if fmt == "xml":
        assert ET.fromstring(out).find(f"{SRX}boolean").text == "false"
    elif fmt == "json":
        assert json.loads(out)["boolean"] is False
    else:
        assert out == "false\n"


def test_the_plain_ask_answer_keeps_0_and_1(cli) -> None:
    assert cli("query", "talks-joint-statement")[:2] == (1, "no\n")
    assert cli("query", "--sparql", "ASK { akr:yang-jiechi a ak:Person }")[:2] == (0, "yes\n")


# ---------------------------------------------------------------- --dataset in any RDF syntax


@pytest.mark.parametrize("fmt", ["nt", "ttl", "trig", "jsonld", "xml"])
def test_dataset_is_read_by_its_extension(cli, tmp_path: Path, fmt: str) -> None:
    """Reproduction: `--dataset x.nt` gave 0 rows silently and .ttl/.trig were refused. Now each syntax is
    read by its extension and gives the participants the article names."""
    path = tmp_path / f"copy.{ {'xml': 'rdf'}.get(fmt, fmt) }"
    assert cli("export", "--format", fmt, "-o", str(path))[0] == 0
    code, out, err = cli("query", "participants", "--dataset", str(path), "--format", "csv", "--labels")
    assert code == 0, err
    rows = out.splitlines()[1:]
    assert {row.split(",")[5] for row in rows} == PARTICIPANTS


def test_dataset_of_unknown_syntax_or_no_inferred_graph_is_refused(cli, tmp_path: Path) -> None:
    odd = tmp_path / "copy.data"
    odd.write_text("", encoding="utf-8")
    code, _, err = cli("query", "participants", "--dataset", str(odd))
    assert code == 2 and "cannot tell the RDF syntax from the extension .data" in _error(err)
    plain = tmp_path / "copy.nt"
    assert cli("export", "--format", "nt", "-o", str(plain))[0] == 0
    code, _, err = cli("query", "participants", "--dataset", str(plain), "--graph", "inferred")
    assert code == 2 and "--graph inferred needs a built dataset" in _error(err)


# ---------------------------------------------------------------- validate FILE


DRAFT = """@prefix ak: <https://w3id.org/alaska-kg/ontology#> .
@prefix akr: <https://w3id.org/alaska-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

akr:draft-statement a ak:Statement ;
    rdfs:label "a draft statement"@en .
"""


def test_validate_a_file_the_user_names(cli, tmp_path: Path) -> None:
    """Reproduction: `validate my-draft.ttl` was a usage error. Now the file is validated against the shapes:
    a statement with no speaker violates Statement-speaker, reported at the file and line."""
    draft = tmp_path / "my-draft.ttl"
    draft.write_text(DRAFT, encoding="utf-8")
    code, out, _ = cli("validate", str(draft))
    assert code == 1
    assert f"{draft}:5: Violation: <{AKR}draft-statement> <{PREFIXES['ak']}speaker>" in out


def test_validate_reads_stdin(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DRAFT.encode("utf-8"))))
    code, out, _ = cli("validate", "-", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["conforms"] is False
    assert f"{PREFIXES['ak']}speaker" in {v["path"].strip("<>") for v in report["violations"]}


def test_validate_file_alone_or_with_the_sources(cli, layout) -> None:
    """The file alone is what is validated (as pyshacl FILE): data/statements.ttl names speakers typed only
    in data/agents.ttl, so alone it does not conform; with --with-sources (the build's graph) it does."""
    statements = str(layout.data_dir / "statements.ttl")
    assert cli("validate", statements)[0] == 1
    code, out, _ = cli("validate", statements, "--with-sources")
    assert code == 0 and "data conforms" in out


def test_validate_a_broken_file_names_its_line(cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(DRAFT.replace('"@en .', '"@en'), encoding="utf-8")
    code, _, err = cli("validate", str(broken))
    assert code == 3 and _error(err).startswith(f"alaska-kg: error: {broken}:")


# ---------------------------------------------------------------- search, prefixes, the way in


def test_search_finds_by_label_and_alias_ranked(cli) -> None:
    """`search Yang`: Yang Jiechi (alias "Yang", the name the article uses after first mention) ranks first,
    with his IRI and class; every hit's label or alias holds the text."""
    code, out, _ = cli("search", "Yang", "--format", "json")
    assert code == 0
    hits = json.loads(out)
    assert hits[0] == {
        "iri": f"{AKR}yang-jiechi",
        "label": "Yang Jiechi",
        "classes": ["ak:Person"],
        "matched": "Yang",
        "by": "alias",
    }
    assert all("yang" in h["matched"].casefold() for h in hits)
    code, out, _ = cli("search", "blinken")
    assert (
        code == 0 and out.splitlines()[2].split("  ")[0] == "Antony Blinken" and "akr:antony-blinken" in out
    )


def test_search_with_no_match_exits_1(cli) -> None:
    code, out, err = cli("search", "Zhou Enlai")
    assert (code, out) == (1, "") and "no label or alias matches" in err


def test_prefixes_are_the_ones_sparql_knows(cli) -> None:
    """`prefixes --format sparql` prints PREFIX lines a query can start with (those --sparql predeclares)."""
    code, out, _ = cli("prefixes", "--format", "sparql")
    assert code == 0 and f"PREFIX akr: <{AKR}>" in out.splitlines()
    store = pyoxigraph.Store()
    assert bool(store.query(out + "ASK { FILTER(akr:x != ak:y) }"))
    code, out, _ = cli("prefixes")
    assert code == 0 and out.splitlines()[0].split() == ["prefix", "namespace"]


def test_readme_querying_starts_with_the_way_in() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Querying", 1)[1].split("\n## ", 1)[0]
    first = section.split("```console", 1)[0]
    assert "alaska-kg search" in first and "describe" in first and "query" in first
    assert first.index("search") < first.index("describe")


# ---------------------------------------------------------------- results for people


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _on_terminal(monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    from alaska_kg.cli import main

    screen = _Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    main(list(argv))
    return screen.getvalue()


# data/statements.ttl's label of the rejection quoted in the article ("not have the qualification ... to
# speak to China from a position of strength"): 84 characters
LONG = "Yang: the Americans are not qualified to speak to China from a position of strength"


def test_tables_are_cut_only_on_a_terminal_and_never_with_wide(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reproduction: table cells were cut at 60 characters with no way to see the rest. Now they are cut only
    on a terminal, and not even there with --wide."""
    argv = ("query", "statements-by-actor", "--param", "actor=akr:yang-jiechi")
    assert LONG in cli(*argv)[1]  # a pipe or a file: whole
    shown = _on_terminal(monkeypatch, *argv)
    assert LONG not in shown and LONG[:59] + "…" in shown
    assert LONG in _on_terminal(monkeypatch, *argv, "--wide")


def test_labels_add_a_label_column_per_iri_column(cli) -> None:
    """Reproduction: csv/tsv/json gave bare IRIs. `--labels` adds NAME_label after each IRI column."""
    code, out, _ = cli("query", "participants", "--format", "csv", "--labels")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "side,side_label,delegation,delegation_label,person,person_label,post,post_label"
    assert {line.split(",")[5] for line in lines[1:]} == PARTICIPANTS
    assert f"{AKR}yang-jiechi,Yang Jiechi" in out
    body = json.loads(cli("query", "participants", "--format", "json", "--labels")[1])
    assert "person_label" in body["head"]["vars"]
    assert {b["person_label"]["value"] for b in body["results"]["bindings"]} == PARTICIPANTS
    code, _, err = cli("query", "participants", "--labels")
    assert code == 2 and "--labels" in _error(err)


# ---------------------------------------------------------------- describe, build


def test_describe_shows_inferred_facts_marked(cli, dataset) -> None:
    """Reproduction: describe showed no inferred facts. Yang Jiechi is ak:memberOf the Politburo (stated);
    ak:memberOf is a sub-property of org:memberOf, so OWL RL entails org:memberOf, shown as inferred."""
    code, out, _ = cli("describe", "akr:yang-jiechi")
    assert code == 0
    section = out.split("inferred facts", 1)[1].split("\n\n", 1)[0]
    lines = section.splitlines()[1:]
    assert lines and all(line.endswith("(inferred)") for line in lines)
    assert any(line.split()[0] == "org:memberOf" and "Politburo" in line for line in lines)
    stated = _quads(dataset, ("ontology", "asserted", "links"))
    org_member = pyoxigraph.Quad(
        pyoxigraph.NamedNode(f"{AKR}yang-jiechi"),
        pyoxigraph.NamedNode("http://www.w3.org/ns/org#memberOf"),
        pyoxigraph.NamedNode(f"{AKR}ccp-politburo"),
        pyoxigraph.NamedNode(graph_iri("inferred")),
    )
    assert org_member in dataset.store
    assert not any("org#memberOf" in q and "yang-jiechi" in q.split()[0] for q in stated)


def test_build_prints_class_counts_both_ways(cli, tmp_path: Path) -> None:
    """Reproduction: build's per-class counts (asserted type) disagreed with the README table (sub-classes
    counted) with nothing to tell them apart. Now both are printed, labelled; the second agrees with the
    README (50 statements of all kinds, of which 12 issue raisings and 9 assessments)."""
    code, out, _ = cli("build", "--out", str(tmp_path / "dist"))
    assert code == 0
    assert "  entities per class: asserted type only / with sub-classes (as the README table):" in out
    counts = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith("    ak:")}
    assert counts["ak:Statement"][1] == "50"
    assert int(counts["ak:Statement"][0]) == 50 - 12 - 9
    assert counts["ak:Person"] == ["17", "17"]


# ---------------------------------------------------------------- TriG and N-Quads


def test_trig_is_the_n_quads_plus_the_graph_declarations(dataset_file: Path) -> None:
    """The built TriG holds exactly the N-Quads' quads plus, in its default graph, three triples per named
    graph declaring it (rdf:type void:Dataset, dcterms:title, void:triples): 12 quads, as the README says."""
    folder = dataset_file.parent
    nq = {
        str(q)
        for q in pyoxigraph.parse(path=str(folder / "alaska-kg.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    }
    trig = list(pyoxigraph.parse(path=str(folder / "alaska-kg.trig"), format=pyoxigraph.RdfFormat.TRIG))
    extra = [q for q in trig if str(q) not in nq]
    assert nq <= {str(q) for q in trig}
    assert len(extra) == 3 * len(GRAPH_NAMES) == 12
    assert all(isinstance(q.graph_name, pyoxigraph.DefaultGraph) for q in extra)
    assert {q.subject.value for q in extra} == {graph_iri(name) for name in GRAPH_NAMES}
    assert {q.predicate.value for q in extra} == {
        PREFIXES["rdf"] + "type",
        "http://purl.org/dc/terms/title",
        "http://rdfs.org/ns/void#triples",
    }


def test_validate_never_fetches_a_remote_json_ld_context(cli, tmp_path: Path) -> None:
    """A JSON-LD file the user names may reference its @context by URL (or @import one); rdflib would fetch
    it. It is refused (exit 3, naming the file and the context) and nothing is requested: a local server
    records every request it gets."""
    import http.server

    from loopback import serving

    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(b'{"@context": {"name": "http://schema.org/name"}}')

        def log_message(self, *args: object) -> None:
            pass

    with serving(Recorder) as base:
        url = f"{base}/context.jsonld"
        documents = {
            "by-url.jsonld": {"@context": url, "@id": "http://x/a", "name": "A"},
            "in-a-list.jsonld": {"@context": [{"ex": "http://x/"}, url], "@id": "http://x/a"},
            "nested.jsonld": {"@context": {"ex": "http://x/"}, "@graph": [{"@context": url, "@id": "ex:a"}]},
            "imported.jsonld": {"@context": {"@version": 1.1, "@import": url}, "@id": "http://x/a"},
        }
        for name, document in documents.items():
            draft = tmp_path / name
            draft.write_text(json.dumps(document), encoding="utf-8")
            code, _, err = cli("validate", str(draft))
            assert code == 3, (name, err)
            assert name in err and url in err and "never fetched" in err, err
        assert requests == []


def test_tables_align_wide_and_combining_characters_by_terminal_columns() -> None:
    """UAX #11: a CJK character takes two terminal columns and a combining accent none, so a table that
    pads by len() misaligns them (issue 11: "East Asian width is wrong today"). Each column must start at the
    same terminal column on every line, and a cut cell must not pass the limit in columns."""
    from alaska_kg.display import columns
    from alaska_kg.query.results import text_table

    rows = [["杨洁篪", "Yang Jiechi"], ["Wang Yi", "王毅"], ["Cafe\u0301", "e\u0301"], ["ab", "c"]]
    lines = text_table(["name", "other"], rows)
    starts = {columns(line[: line.rindex(row[1])]) for line, row in zip(lines[2:], rows, strict=True)}
    assert starts == {columns("Wang Yi") + 2}, lines
    assert columns("杨洁篪") == 6 and columns("Cafe\u0301") == 4
    cut = text_table(["x"], [["长" * 40]], max_cell=10)[2]
    assert cut.endswith("…") and columns(cut) <= 10, cut
