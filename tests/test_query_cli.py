"""`alaska-kg query` and `alaska-kg queries` through main(argv): output formats, parameters, exit codes and
one-line errors; one real subprocess, and the promise that the query path never imports the build path."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

from alaska_kg.namespaces import graph_iri

AKR = "https://w3id.org/alaska-kg/resource/"
PARTICIPANT_COLUMNS = ["side", "delegation", "person", "post"]
DATED_QUERY = """\
#+ summary: Statements made on one day, with a word, shorter than some length
#+ columns: [statement, day, word, limit]
#+ params:
#+   - {name: day, type: date}
#+   - {name: word, type: string}
#+   - {name: limit, type: integer}

PREFIX ak: <https://w3id.org/alaska-kg/ontology#>
SELECT ?statement ?day ?word ?limit
WHERE {
  ?statement ak:date ?day ;
      ak:proposition ?text .
  FILTER(COALESCE(CONTAINS(STR(?text), ?word), true))  # not !BOUND(?word) || …: see queries/README.md
  FILTER(COALESCE(STRLEN(?text) < ?limit, true))
}
ORDER BY ?statement
"""


@pytest.fixture
def dated_query(tmp_path: Path) -> Path:
    path = tmp_path / "dated.rq"
    path.write_text(DATED_QUERY, encoding="utf-8")
    return path


def _error(err: str) -> str:
    """The one error line of stderr."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("alaska-kg: error: ")
    return lines[0]


# ---------------------------------------------------------------- formats


def test_table_shows_labels(cli) -> None:
    code, out, _ = cli("query", "participants")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == PARTICIPANT_COLUMNS
    assert set(lines[1]) <= {"-", " "}
    assert "Antony Blinken" in out and "United States Secretary of State" in out
    assert "akr:" not in out
    assert lines[-1] == "(4 rows)"


def test_raw_shows_prefixed_iris(cli) -> None:
    code, out, _ = cli("query", "participants", "--raw")
    assert code == 0
    assert "akr:antony-blinken" in out and "Antony Blinken" not in out


def test_csv_is_w3c_sparql_results_csv(cli) -> None:
    code, out, _ = cli("query", "participants", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == PARTICIPANT_COLUMNS
    assert rows[1] == [
        AKR + "china",
        AKR + "chinese-delegation",
        AKR + "wang-yi",
        AKR + "post-china-foreign-minister",
    ]
    assert len(rows) == 5


def test_tsv_is_w3c_sparql_results_tsv(cli) -> None:
    code, out, _ = cli("query", "participants", "--format", "tsv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "\t".join(f"?{c}" for c in PARTICIPANT_COLUMNS)
    assert lines[1].split("\t")[2] == f"<{AKR}wang-yi>"


def test_json_is_w3c_sparql_results_json(cli) -> None:
    code, out, _ = cli(
        "query", "statements-by-actor", "--param", "actor=akr:antony-blinken", "--format", "json"
    )
    assert code == 0
    results = json.loads(out)
    assert results["head"]["vars"] == ["actor", "statement", "kind", "date", "quote"]
    bindings = results["results"]["bindings"]
    assert len(bindings) == 3
    assert bindings[1]["date"] == {
        "type": "literal",
        "value": "2021-03-18",
        "datatype": "http://www.w3.org/2001/XMLSchema#date",
    }
    assert bindings[0]["quote"]["xml:lang"] == "en"
    parsed = list(pyoxigraph.parse_query_results(out.encode(), format=pyoxigraph.QueryResultsFormat.JSON))
    assert len(parsed) == 3


def test_markdown_table(cli) -> None:
    code, out, _ = cli("query", "participants", "--format", "md")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "| side | delegation | person | post |"
    assert lines[1] == "|---|---|---|---|"
    assert lines[2] == (
        "| China | Chinese delegation | Wang Yi | Foreign Minister of the People's Republic of China |"
    )
    assert len(lines) == 6


def test_ask_prints_no_and_exits_1(cli) -> None:
    code, out, err = cli("query", "talks-joint-statement")
    assert (code, out, err) == (1, "no\n", "")


def test_ask_yes_exits_0_and_w3c_json(cli) -> None:
    code, out, _ = cli("query", "--sparql", "ASK { akr:alaska-talks ak:jointStatementIssued false }")
    assert (code, out) == (0, "yes\n")
    code, out, _ = cli("query", "talks-joint-statement", "--format", "json")
    assert code == 0 and json.loads(out) == {"head": {}, "boolean": False}  # the answer is in the document


def test_construct_prints_turtle_with_only_the_prefixes_used(cli) -> None:
    code, out, _ = cli("query", "accusation-graph")
    assert code == 0
    prefixes = sorted(line.split()[1] for line in out.splitlines() if line.startswith("@prefix"))
    assert prefixes == ["ak:", "akr:", "rdfs:"]
    triples = list(pyoxigraph.parse(out.encode(), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == 31


def test_construct_as_jsonld_has_an_inline_context_and_the_same_triples(cli) -> None:
    _, turtle, _ = cli("query", "accusation-graph")
    code, out, _ = cli("query", "accusation-graph", "--format", "jsonld")
    assert code == 0
    document = json.loads(out)
    assert document["@context"] == {
        "ak": "https://w3id.org/alaska-kg/ontology#",
        "akr": "https://w3id.org/alaska-kg/resource/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    }
    from_jsonld = {str(t) for t in pyoxigraph.parse(out.encode(), format=pyoxigraph.RdfFormat.JSON_LD)}
    from_turtle = {str(t) for t in pyoxigraph.parse(turtle.encode(), format=pyoxigraph.RdfFormat.TURTLE)}
    assert from_jsonld == from_turtle


def test_sparql_option_has_the_curated_prefixes(cli) -> None:
    code, out, _ = cli("query", "--sparql", "SELECT ?person WHERE { ?person a ak:Person }", "--format", "csv")
    assert code == 0
    assert len(out.splitlines()) == 1 + 17


def test_graph_selection(cli) -> None:
    """`inferred` is only what reasoning added: Yang's type ak:Person is stated, prov:Agent is entailed."""
    ask = "ASK {{ akr:yang-jiechi a {} }}"
    assert cli("query", "--sparql", ask.format("ak:Person"), "--graph", "asserted")[0] == 0
    assert cli("query", "--sparql", ask.format("ak:Person"), "--graph", "inferred")[0] == 1
    assert cli("query", "--sparql", ask.format("prov:Agent"), "--graph", "asserted")[0] == 1
    assert cli("query", "--sparql", ask.format("prov:Agent"), "--graph", "inferred")[0] == 0
    assert cli("query", "--sparql", ask.format("prov:Agent"))[0] == 0  # default: all


def test_from_naming_a_dataset_graph_is_allowed(cli) -> None:
    sparql = "SELECT ?s WHERE { ?s a ak:Person } LIMIT 1"
    code, out, _ = cli(
        "query",
        "--sparql",
        sparql.replace("WHERE", f"FROM <{graph_iri('asserted')}> WHERE"),
        "--format",
        "csv",
    )
    assert code == 0 and len(out.splitlines()) == 2


def test_query_file_with_typed_parameters(cli, dated_query: Path) -> None:
    """Dated statements are those of the first day's exchange (sentences 14-1 to 14-4: the 14-5 protocol
    accusations name no day) and the two agreements of the second day (16-1)."""
    header = "statement,day,word,limit"
    code, out, _ = cli("query", str(dated_query), "--format", "csv")
    everything = out.splitlines()
    assert code == 0 and everything[0] == header and len(everything) == 1 + 10
    code, out, _ = cli("query", str(dated_query), "--param", "day=2021-03-18", "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 1 + 8
    code, out, _ = cli("query", str(dated_query), "--param", "day=2021-03-19", "--format", "csv")
    assert code == 0 and out.splitlines() == [
        header,
        f"{AKR}agreement-on-climate-change,2021-03-19,,",
        f"{AKR}agreement-on-mutual-understanding,2021-03-19,,",
    ]
    code, out, _ = cli("query", str(dated_query), "--param", "word=espionage", "--format", "csv")
    assert code == 0 and out.splitlines()[1:] == [
        f"{AKR}yang-cyber-espionage-accusation,2021-03-18,espionage,"
    ]
    code, out, _ = cli("query", str(dated_query), "--param", "limit=59", "--format", "csv")
    assert code == 0 and out.splitlines()[1:] == [  # "... a global leader in cyber espionage." (56)
        f"{AKR}yang-cyber-espionage-accusation,2021-03-18,,59",
    ]


def test_a_parameter_of_a_select_must_be_a_column(cli, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(
        "#+ summary: s\n#+ columns: [s]\n#+ params:\n#+   - {name: o, type: iri}\n"
        "SELECT ?s WHERE { ?s ?p ?o }\n"
    )
    code, _, err = cli("query", str(path), "--param", "o=akr:china")
    assert code == 8 and f"{path}: query header: parameter 'o' must be one of the columns" in _error(err)


def test_queries_lists_id_summary_and_params(cli) -> None:
    code, out, _ = cli("queries")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["query", "summary", "params"]
    by_id = {line.split()[0]: line for line in lines[2:]}
    assert set(by_id) >= {
        "participants",
        "who-accused-whom",
        "issues-by-side",
        "statements-by-actor",
        "talks-joint-statement",
        "accusation-graph",
        "source-of",
    }
    assert by_id["statements-by-actor"].endswith("actor (iri)")
    assert "Who took part in the talks, for which side, holding which office" in by_id["participants"]


def test_checks_are_not_listed_but_run_by_checks_name(cli, tmp_path: Path, dataset_file: Path) -> None:
    (tmp_path / "queries" / "checks").mkdir(parents=True)
    (tmp_path / "queries" / "one.rq").write_text("#+ summary: one\nASK {}\n")
    (tmp_path / "queries" / "checks" / "no-orphans.rq").write_text(
        "#+ summary: nothing\n#+ columns: [s]\nSELECT ?s WHERE { ?s <urn:x:never> ?o }\n"
    )
    code, out, _ = cli("queries", "--root", str(tmp_path))
    assert code == 0 and "no-orphans" not in out and "one" in out
    code, out, _ = cli("query", "checks/no-orphans", "--root", str(tmp_path), "--dataset", str(dataset_file))
    assert code == 0 and out.endswith("(0 rows)\n")
    code, _, err = cli("query", "no-orphans", "--root", str(tmp_path), "--dataset", str(dataset_file))
    assert code == 7 and "did you mean checks/no-orphans?" in _error(err)


# ---------------------------------------------------------------- errors


def test_unknown_query_suggests_the_closest_name(cli) -> None:
    code, out, err = cli("query", "partcipants")
    assert code == 7 and out == ""
    assert _error(err) == (
        "alaska-kg: error: no query named 'partcipants'; did you mean participants, "
        "participants-on-wikidata? (`alaska-kg queries` lists them)"
    )


def test_missing_query_file(cli, tmp_path: Path) -> None:
    code, _, err = cli("query", str(tmp_path / "nope.rq"))
    assert code == 7 and f"{tmp_path / 'nope.rq'}: no such query file" in _error(err)


def test_malformed_header_names_the_file_and_line(cli, tmp_path: Path, dataset_file: Path) -> None:
    (tmp_path / "queries").mkdir()
    bad = tmp_path / "queries" / "bad.rq"
    bad.write_text("#+ summary: fine\n#+ tags: [a]\n#+ colums: [x]\nSELECT ?x WHERE { ?x ?p ?o }\n")
    code, _, err = cli("query", "bad", "--root", str(tmp_path), "--dataset", str(dataset_file))
    assert code == 8
    assert _error(err) == (
        f"alaska-kg: error: {bad}:3: query header: unknown key 'colums' "
        "(known: summary, description, tags, columns, params)"
    )
    code, _, err = cli("queries", "--root", str(tmp_path))
    assert code == 8 and f"{bad}:3:" in _error(err)


def test_columns_must_match_the_projection(cli, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("#+ summary: s\n#+ columns: [a, b]\nSELECT ?b ?a WHERE { ?a ?p ?b }\n")
    code, _, err = cli("query", str(path))
    assert code == 8
    assert _error(err).endswith(f"{path}: query header: columns [a, b] do not match the projection [b, a]")


def test_syntax_error_names_the_line_inline(cli) -> None:
    code, _, err = cli("query", "--sparql", "SELECT ?s\nWHERE {\n  ?s ?p\n}")
    assert code == 9
    assert _error(err).startswith("alaska-kg: error: --sparql:4:")
    assert "SPARQL syntax error" in err


def test_syntax_error_names_the_file_and_line(cli, tmp_path: Path) -> None:
    """Lines count from the top of the file, header included; the column is where the parser stopped."""
    path = tmp_path / "broken.rq"
    path.write_text(
        "#+ summary: broken\n#+ columns: [s]\n\nPREFIX ak: <https://w3id.org/alaska-kg/ontology#>\n"
        "SELECT ?s WHERE {\n  ?s ak:speaker ?o .\n  ?o akr:label ?name .\n}\n"
    )
    code, _, err = cli("query", str(path))
    assert code == 9
    assert _error(err).startswith(f"alaska-kg: error: {path}:7:")
    assert "SPARQL syntax error" in err and "unknown prefix 'akr:'" in err


def test_undeclared_parameter(cli) -> None:
    code, _, err = cli("query", "statements-by-actor", "--param", "speaker=akr:wang-yi")
    assert code == 10
    assert _error(err) == (
        "alaska-kg: error: query 'statements-by-actor' has no parameter 'speaker'; "
        "declared parameters: actor (iri)"
    )


def test_parameter_on_a_query_without_parameters(cli) -> None:
    code, _, err = cli("query", "--sparql", "ASK {}", "--param", "x=1")
    assert code == 10 and "declared parameters: none" in _error(err)


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("day=18 March 2021", "parameter 'day' (date) expects a date YYYY-MM-DD, got '18 March 2021'"),
        ("day=2021-02-30", "expects a date YYYY-MM-DD, got '2021-02-30'"),
        ("limit=three", "parameter 'limit' (integer) expects an integer, got 'three'"),
        ("day", "--param expects NAME=VALUE, got 'day'"),
    ],
)
def test_wrongly_typed_parameter(cli, dated_query: Path, param: str, expected: str) -> None:
    code, _, err = cli("query", str(dated_query), "--param", param)
    assert code == 10
    assert expected in _error(err)
    assert str(dated_query) in err


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Yang Jiechi", "expects an IRI (<https://…>, https://… or a prefixed name such as akr:wang-yi)"),
        ("foo:yang-jiechi", "'foo' is not a known prefix"),
        ("<not an iri>", "expects an absolute IRI"),
    ],
)
def test_iri_parameter_must_be_an_iri(cli, value: str, expected: str) -> None:
    code, _, err = cli("query", "statements-by-actor", "--param", f"actor={value}")
    assert code == 10 and expected in _error(err)


def test_parameter_given_twice(cli) -> None:
    code, _, err = cli(
        "query", "source-of", "--param", "thing=akr:wang-yi", "--param", "thing=akr:yang-jiechi"
    )
    assert code == 10 and "parameter 'thing' given twice" in _error(err)


def test_service_is_forbidden_without_allow_service(cli) -> None:
    sparql = "SELECT ?s WHERE {\n  SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o }\n}"
    code, out, err = cli("query", "--sparql", sparql)
    assert code == 12 and out == ""
    assert _error(err) == (
        "alaska-kg: error: --sparql:2:3: SERVICE would query a remote endpoint; rerun with "
        "--allow-service to permit it"
    )


def test_service_in_a_query_file_is_forbidden(cli, tmp_path: Path) -> None:
    path = tmp_path / "remote.rq"
    path.write_text(
        "#+ summary: remote\n#+ columns: [s]\nSELECT ?s WHERE { service <http://example.org/sparql> "
        "{ ?s ?p ?o } }\n"
    )
    code, _, err = cli("query", str(path))
    assert code == 12 and f"{path}:3:19: SERVICE" in _error(err)


def test_from_a_remote_graph_is_forbidden(cli) -> None:
    code, _, err = cli("query", "--sparql", "SELECT ?s FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }")
    assert code == 12 and "FROM <http://example.org/data.ttl> is not a graph of the dataset" in _error(err)


def test_from_and_graph_option_conflict(cli) -> None:
    sparql = f"SELECT ?s FROM <{graph_iri('links')}> WHERE {{ ?s ?p ?o }}"
    code, _, err = cli("query", "--sparql", sparql, "--graph", "asserted")
    assert code == 2 and "--graph does not apply" in _error(err)


def test_unknown_format_is_a_usage_error(cli) -> None:
    code, out, err = cli("query", "participants", "--format", "xlsx")
    assert code == 2 and out == ""
    assert "invalid choice: 'xlsx'" in err


def test_format_that_does_not_fit_the_query_form(cli) -> None:
    code, _, err = cli("query", "participants", "--format", "ttl")
    assert code == 2
    assert "a SELECT answer is written as table, csv, tsv, json, xml, md, not ttl" in _error(err)
    code, _, err = cli("query", "accusation-graph", "--format", "csv")
    assert code == 2 and "CONSTRUCT/DESCRIBE answer is written as ttl, jsonld, nt, xml" in _error(err)


def test_name_and_sparql_are_exclusive(cli) -> None:
    assert cli("query", "participants", "--sparql", "ASK {}")[0] == 2
    code, _, err = cli("query")
    assert code == 2 and "give one of: a query NAME, a FILE.rq, or --sparql TEXT" in _error(err)


def test_missing_dataset_file(cli, tmp_path: Path) -> None:
    code, _, err = cli("query", "participants", "--dataset", str(tmp_path / "none.nq"))
    assert code == 6 and f"{tmp_path / 'none.nq'}: no such dataset file" in _error(err)


def test_broken_dataset_file_names_the_line(cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.nq"
    broken.write_text('<urn:a> <urn:b> <urn:c> <urn:g> .\n<urn:a> <urn:b> "open <urn:g> .\n')
    code, _, err = cli("query", "participants", "--dataset", str(broken))
    assert code == 3 and f"{broken}:2:" in _error(err)


# ---------------------------------------------------------------- processes


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}


def test_python_m_alaska_kg_query(dataset_file: Path) -> None:
    """One real process: the console entry point, the session cache found through $ALASKA_KG_CACHE."""
    done = subprocess.run(
        [sys.executable, "-m", "alaska_kg", "query", "participants", "--format", "csv"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines()[0] == ",".join(PARTICIPANT_COLUMNS)
    assert len(done.stdout.splitlines()) == 5


def test_the_query_path_never_imports_the_build_path(dataset_file: Path) -> None:
    """Importing the query-path modules and running `query` (--labels too), `describe`, `stats`, `export`,
    `search` and `prefixes` (dataset in the cache) loads neither rdflib, nor pyshacl, nor owlrl, nor
    reasonable."""
    script = """
import contextlib, io, sys
import alaska_kg.query.catalog, alaska_kg.query.dataset, alaska_kg.query.describe, alaska_kg.query.convert
import alaska_kg.query.results
import alaska_kg.query.guard, alaska_kg.query.header, alaska_kg.jsonld, alaska_kg.query.labels
import alaska_kg.query.params
import alaska_kg.cli.query, alaska_kg.query.run, alaska_kg.query.stats
import alaska_kg.query.result_labels, alaska_kg.query.search, alaska_kg.cli.search, alaska_kg.syntaxes
from alaska_kg.cli.app import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    codes = [main(["query", "participants"]), main(["query", "accusation-graph", "--format", "jsonld"]),
             main(["describe", "Yang"]), main(["stats"]), main(["export", "--format", "jsonld"]),
             main(["search", "Yang"]), main(["prefixes"]), main(["query", "participants", "--format",
             "xml", "--labels"]), main(["export", "--format", "nquads"])]
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"rdflib", "pyshacl", "owlrl", "reasonable"})
print(codes, heavy)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[0, 0, 0, 0, 0, 0, 0, 0, 0] []"


def test_an_empty_cache_is_filled_through_the_build_contract(
    cli, dataset_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no dataset in the cache, `query` asks `build.pipeline.ensure_dataset` for one, saying so first
    (stubbed here: the session fixture has already tested a real build through the same call)."""
    import alaska_kg.build.pipeline

    calls = []
    monkeypatch.setenv("ALASKA_KG_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setattr(
        alaska_kg.build.pipeline, "ensure_dataset", lambda layout: calls.append(layout) or dataset_file
    )
    code, out, err = cli("query", "talks-joint-statement")
    assert (code, out) == (1, "no\n")
    assert err.startswith("alaska-kg: no built dataset for the current sources in the cache; building it")
    assert len(calls) == 1
