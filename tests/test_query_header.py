"""The `#+ ` header of .rq files: what the strict YAML subset accepts, and an error naming file and line for
everything else. The shipped queries' headers read the same under PyYAML, when it is installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alaska_kg.errors import QueryHeaderError
from alaska_kg.query.catalog import canned_queries, read_query
from alaska_kg.query.header import Param, QueryHeader, parse_header

FULL = """\
#+ summary: Statements by one speaker, with their sentences
#+ description: >
#+   Every statement whose speaker is ?actor,
#+   folded into one line.
#+
#+   A second paragraph.
#+ tags: [statements, provenance]
#+ columns:
#+   - actor
#+   - statement
#+ # a comment line
#+ params:
#+   - {name: actor, type: iri, example: akr:yang-jiechi}
#+   - name: day
#+     type: date
#+     description: 'the day, as ''YYYY-MM-DD'''

PREFIX ak: <https://w3id.org/alaska-kg/ontology#>
SELECT ?actor ?statement WHERE { ?statement ak:speaker ?actor ; ak:date ?day }
"""


def test_full_header() -> None:
    header = parse_header(FULL, "full.rq")
    assert header == QueryHeader(
        summary="Statements by one speaker, with their sentences",
        description="Every statement whose speaker is ?actor, folded into one line.\nA second paragraph.",
        tags=("statements", "provenance"),
        columns=("actor", "statement"),
        params=(
            Param("actor", "iri", example="akr:yang-jiechi"),
            Param("day", "date", description="the day, as 'YYYY-MM-DD'"),
        ),
        present=True,
    )


def test_literal_block_and_quoted_scalars() -> None:
    text = '#+ summary: "Who said: \\"no\\""\n#+ description: |\n#+   line one\n#+   line two\nASK {}\n'
    header = parse_header(text, "q.rq")
    assert header.summary == 'Who said: "no"'
    assert header.description == "line one\nline two"


def test_no_header_is_an_empty_header() -> None:
    assert parse_header("# an ordinary comment\nASK {}\n", "q.rq") == QueryHeader()


def test_blank_lines_may_precede_the_header() -> None:
    assert parse_header("\n\n#+ summary: fine\nASK {}\n", "q.rq").summary == "fine"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("#+ summary: a\n#+ sumary: b\n", 2, "unknown key 'sumary'"),
        ("#+ summary: a\n#+ summary: b\n", 2, "key 'summary' given twice"),
        ("#+ tags: [a]\n", 1, "'summary' is required"),
        ("#+ summary: Who accused whom: speaker, target\n", 1, "must be quoted"),
        ("#+ summary: yes\n", 1, "YAML would not read it as text"),
        ("#+ summary: a\n#+ params:\n#+   - {name: d, type: datetime}\n", 3, "not one of iri, string, date"),
        ("#+ summary: a\n#+ params:\n#+   - {type: iri}\n", 3, "parameter without 'name'"),
        (
            "#+ summary: a\n#+ params:\n#+   - {name: a, type: iri}\n#+   - {name: a, type: date}\n",
            4,
            "declared twice",
        ),
        (
            "#+ summary: a\n#+ params:\n#+   - {name: a, type: iri, default: x}\n",
            3,
            "unknown parameter field",
        ),
        ("#+ summary: a\n#+ params:\n#+   - {name: a-b, type: iri}\n", 3, "not a SPARQL variable name"),
        ("#+ summary: a\n#+ tags: statements\n", 2, "expected a list"),
        ("#+ summary: a\n#+ tags: [a, [b]]\n", 2, "must be quoted"),
        ("#+ summary: a\n#+ tags:\n#+   - a\n#+  - b\n", 4, "inconsistent indentation"),
        ("#+ summary: a\n#+ tags:\n#+   - a\n#+     - b\n", 4, "a list item continues on this line"),
        ("#+ summary: a\n#+ tags:\n#+   - a: b\n", 3, "expected a plain list item"),
        ("#+ summary: a\n#+   indented: b\n", 2, "unexpected indentation"),
        ("#+summary: a\n", 1, "expected a space after '#+'"),
        ("#+ summary: 'unterminated\n", 1, "unterminated"),
        ("#+ summary: a\nASK {}\n#+ tags: [late]\n", 3, "one block at the top"),
        ("#+ summary: a\n  #+ tags: [x]\n", 2, "'#+' must start the line"),
        ("#+ summary: >\n#+ tags: [x]\n", 1, "must be followed by indented lines"),
        ("#+ summary: a\n#+ just text\n", 2, "expected 'key: value'"),
    ],
)
def test_malformed_header_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(QueryHeaderError) as caught:
        parse_header(text, "queries/bad.rq")
    assert caught.value.message.startswith(f"queries/bad.rq:{line}: query header: ")
    assert message in caught.value.message
    assert caught.value.exit_code == 8


def test_a_declared_parameter_must_be_a_variable_of_the_query(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(
        "#+ summary: a\n#+ params:\n#+   - {name: who, type: iri}\nSELECT ?x WHERE { ?x ?p ?o }\n"
    )
    with pytest.raises(QueryHeaderError, match=r"q\.rq: query header: parameter 'who' is not a variable"):
        read_query(path)


def _header_yaml(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        lines.append(line[3:])
    return "\n".join(lines)


def test_shipped_headers_read_the_same_under_pyyaml(layout) -> None:
    """The subset claim: PyYAML (YAML 1.1) gives the same values for every shipped header."""
    yaml = pytest.importorskip("yaml")
    for query in canned_queries(layout):
        loaded = yaml.safe_load(_header_yaml(query.text))
        header = query.header
        assert loaded["summary"] == header.summary
        assert loaded.get("description", "").rstrip("\n") == header.description
        assert tuple(loaded.get("tags", ())) == header.tags
        assert tuple(loaded.get("columns", ())) == header.columns
        params = tuple(Param(**p) for p in loaded.get("params", ()))
        assert params == header.params, query.id


def test_full_example_reads_the_same_under_pyyaml() -> None:
    yaml = pytest.importorskip("yaml")
    loaded = yaml.safe_load(_header_yaml(FULL))
    header = parse_header(FULL, "full.rq")
    assert loaded["description"].rstrip("\n") == header.description
    assert tuple(Param(**p) for p in loaded["params"]) == header.params


@pytest.mark.parametrize(
    "query_id",
    [
        "participants",
        "who-accused-whom",
        "issues-by-side",
        "statements-by-actor",
        "talks-joint-statement",
        "accusation-graph",
        "source-of",
    ],
)
def test_starter_query_is_listed(layout, query_id: str) -> None:
    assert query_id in {q.id for q in canned_queries(layout)}


def test_canned_queries_follow_the_house_rules(layout) -> None:
    """Kebab-case ids; a one-line summary; explicit PREFIX lines for every prefix used; no SELECT *;
    `columns` for every SELECT, none for ASK or CONSTRUCT."""
    queries = canned_queries(layout)
    assert len(queries) >= 25
    for query in queries:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", query.id)
        assert query.header.summary and "\n" not in query.header.summary
        body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
        assert not re.search(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", body, re.IGNORECASE), query.id
        declared = set(re.findall(r"PREFIX\s+([\w-]*):", body))
        body_no_iris = re.sub(r"<[^>\s]*>|\"[^\"]*\"", "", body)
        used = set(re.findall(r"(?<![\w?$])([a-z][\w-]*):[\w-]", body_no_iris))
        assert used <= declared, (query.id, used - declared)
        is_select = re.search(r"^\s*SELECT\b", body, re.MULTILINE | re.IGNORECASE) is not None
        assert bool(query.header.columns) == is_select, query.id


def test_parameters_are_declared_not_named_the_grlc_way(layout) -> None:
    """queries/README.md's decision on grlc's conventions holds: every parameter is declared in the header and
    is a projected variable of its plain name (substitution binds only those; it is also the column), and no
    query has a variable starting with `_`, which grlc (after BASIL) would take for a parameter of its own."""
    params = 0
    for query in (
        *canned_queries(layout),
        *(read_query(p) for p in sorted(layout.queries_dir.glob("checks/*.rq"))),
    ):
        body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
        body = re.sub(r"<[^>\s]*>|\"[^\"]*\"|'[^']*'", "", body)
        assert not re.findall(r"[?$]_\w*", body), query.id
        for param in query.header.params:
            params += 1
            assert not param.name.startswith("_"), query.id
            assert param.name in query.header.columns, (query.id, param.name)
    assert params >= 4
