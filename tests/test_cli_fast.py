"""Issue 12: the common command lines are read without argparse (alaska_kg.cli.fast), and nothing a user sees
changes: every command line gives the same output, errors and exit code through the fast path as through
argparse; the fast path reads a command line only into the namespace argparse makes of it."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from alaska_kg.cli import app, fast
from alaska_kg.cli.query import FAST_COMMANDS as QUERY_FAST_COMMANDS

FAST_COMMANDS = {**QUERY_FAST_COMMANDS, **app.FAST_COMMANDS}

REPO_ROOT = Path(__file__).resolve().parents[1]

# Command lines the fast path reads (it must: else a cold query imports argparse).
READ = [
    ["query", "participants"],
    ["query", "participants", "--format", "csv"],
    ["query", "participants", "--format=TSV"],
    ["query", "participants", "--format", "ttl"],
    ["query", "--format", "md", "participants", "--raw"],
    ["query", "participants", "--labels", "--format", "json"],
    ["query", "participants", "--wide", "--graph", "asserted"],
    ["query", "participants", "--graph=inferred"],
    ["query", "participants", "--max-rows", "2"],
    ["query", "participants", "--max-rows=0"],
    ["query", "participants", "--timeout", "30", "--debug"],
    ["query", "participants", "--timeout=1e9"],
    ["query", "statements-by-actor", "--param", "actor=akr:wang-yi"],
    ["query", "--param=actor=akr:yang-jiechi", "statements-by-actor"],
    ["query", "statements-by-actor", "--param", "actor=akr:wang-yi", "--param", "actor=akr:yang-jiechi"],
    ["query", "statements-by-actor", "--param", "nope=1"],
    ["query", "statements-by-actor", "--param", "actor=not an iri"],
    ["query", "statements-by-actor", "--param", "actor"],
    ["query", "participnts"],
    ["query", "no-such-query"],
    ["query", "checks/no-such-check"],
    ["query", "--sparql", "ASK { ?s ?p ?o }"],
    ["query", "--sparql", "ASK { <urn:x> <urn:y> <urn:z> }"],
    ["query", "--sparql", "SELECT ?s WHERE { ?s a ak:Person } ORDER BY ?s LIMIT 2", "--format", "csv"],
    ["query", "--sparql", "SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
    ["query", "--sparql", "SELECT ?s WHERE { ?s ?p }"],
    ["query", "--sparql", ""],
    ["query", "--sparql", "ASK {}", "participants"],
    ["query"],
    ["query", "participants", "--labels"],
    ["query", "participants", "--root", str(REPO_ROOT)],
    ["query", "participants", "--root", str(REPO_ROOT / "nowhere")],
    ["query", "participants", "--dataset", "missing.nq"],
    ["query", "participants", "--dataset", "data.unknown"],
    ["query", str(REPO_ROOT / "queries" / "participants.rq"), "--format", "csv"],
    ["queries"],
    ["queries", "--wide", "--debug"],
    ["stats"],
    ["describe", "Blinken"],
    ["describe", "akr:yang-jiechi", "--raw"],
    ["describe", "nobody-of-that-name"],
]
# `build` command lines the fast path reads (compared with argparse's namespace, not run: each is a build).
BUILD_READ = [
    ["build"],
    ["build", "--out", "somewhere"],
    ["build", "--out=somewhere", "--root", str(REPO_ROOT)],
    ["build", "--reasoner", "owlrl", "--engine", "pyshacl", "--debug"],
    ["build", "--reasoner=reasonable", "--engine=turbo"],
    ["build", "--engine", "auto", "--reasoner", "rules"],
]
# Command lines the fast path leaves to argparse: help, typos, abbreviations, bad values, short options.
LEFT = [
    [],
    ["--help"],
    ["--version"],
    ["querys", "participants"],
    ["query", "--help"],
    ["query", "-h"],
    ["query", "participants", "--bogus"],
    ["query", "participants", "--wid"],
    ["query", "participants", "--format", "bogus"],
    ["query", "participants", "--format"],
    ["query", "participants", "--graph", "bogus"],
    ["query", "participants", "--timeout", "-1"],
    ["query", "participants", "--timeout", "abc"],
    ["query", "participants", "--timeout", "0"],
    ["query", "participants", "--timeout", "inf"],
    ["query", "participants", "--max-rows", "-3"],
    ["query", "participants", "--max-rows", "x"],
    ["query", "participants", "--wide=yes"],
    ["query", "participants", "extra"],
    ["query", "participants", "--"],
    ["query", "--", "participants"],
    ["query", "-"],
    ["query", "--param"],
    ["query", "--sparql", "-x y"],
    ["query", "--param", "-1", "participants"],
    ["describe"],
    ["describe", "--help"],
    ["stats", "extra"],
    ["queries", "--root"],
    ["export", "--format", "nt"],
    ["build", "--help"],
    ["build", "--engine", "bogus"],
    ["build", "--reasoner", "RULES"],
    ["build", "--out"],
    ["build", "--out", "-x"],
    ["build", "extra"],
    ["build", "--debug=1"],
]


def _argparse_namespace(argv: list[str]) -> dict[str, object]:
    return vars(app._parser(argv[0]).parse_args(argv))


@pytest.mark.parametrize("argv", READ + BUILD_READ, ids=" ".join)
def test_the_fast_path_reads_a_common_command_line_as_argparse_does(argv: list[str]) -> None:
    """If a common command line is read by the fast path, then it gives exactly argparse's namespace."""
    read = fast.read(argv, FAST_COMMANDS)
    assert read is not None
    assert vars(read) == _argparse_namespace(argv)


@pytest.mark.parametrize("argv", LEFT, ids=lambda argv: " ".join(argv) or "(none)")
def test_the_fast_path_leaves_what_it_is_not_sure_of_to_argparse(argv: list[str]) -> None:
    """If a command line asks for help or holds something argparse refuses or reads by its own rules, then
    the fast path does not read it."""
    assert app._fast_args(argv) is None


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = app.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("argv", READ + LEFT, ids=lambda argv: " ".join(argv) or "(none)")
def test_a_command_line_answers_the_same_through_both_paths(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    dataset_file: Path,
) -> None:
    """If a command line runs with the fast path and then with argparse alone, then stdout, stderr and the
    exit code are the same, byte for byte."""
    # Once before comparing: a command without --root reads the package's own sources, which in an installed
    # (non-editable) copy are not the repository's that `dataset_file` built, so the first such command
    # builds them into the session cache and says so on stderr; only what follows is compared.
    _run(argv, capsys)
    through_fast = _run(argv, capsys)
    monkeypatch.setattr(app, "_fast_args", _never)
    through_argparse = _run(argv, capsys)
    assert through_fast == through_argparse
    if argv == ["query", "participants"]:
        assert through_fast[0] == 0 and "Antony Blinken" in through_fast[1]


def _never(argv: list[str]) -> None:
    return None


def _actions(command: str) -> list[argparse.Action]:
    (commands,) = [a for a in app._parser(command)._actions if isinstance(a, argparse._SubParsersAction)]
    return [a for a in commands.choices[command]._actions if not isinstance(a, argparse._HelpAction)]


_KINDS: dict[type, str] = {
    argparse._StoreTrueAction: "flag",
    argparse._StoreAction: "value",
    argparse._AppendAction: "append",
}


@pytest.mark.parametrize("command", list(FAST_COMMANDS))
def test_the_fast_table_lists_every_option_of_the_argparse_parser(command: str) -> None:
    """If an option is added to (or changed in) a command's argparse parser, then FAST_COMMANDS says the
    same of it: option strings, destination, kind, default; positionals in order, required or not."""
    handler, positionals, options = FAST_COMMANDS[command]
    actions = _actions(command)
    expected_options: dict[str, tuple[str, str, object]] = {}
    expected_positionals = []
    for action in actions:
        if not action.option_strings:
            expected_positionals.append((action.dest, action.nargs is None))
            continue
        for option in action.option_strings:
            expected_options[option] = (action.dest, _KINDS[type(action)], action.default)
    assert {o: (d, k, default) for o, (d, k, _, default) in options.items()} == expected_options
    assert list(positionals) == expected_positionals
    assert _argparse_namespace([command, *(["x"] if command == "describe" else [])])["handler"] is handler


@pytest.mark.parametrize(
    ("option", "values"),
    [
        ("--format", ["table", "CSV", " json ", "srj", "ttl", "turtle", "nq", "trig", "", "bogus", "text"]),
        ("--graph", ["all", "asserted", "inferred", "ALL", "", "none"]),
        ("--timeout", ["1", "0.5", "1e3", "0", "nan", "inf", "1e400", "x", " 2 ", "1_0"]),
        ("--max-rows", ["0", "1", "100000", "x", "1.5", " 3", "1_000", "+4"]),
    ],
)
def test_a_converter_accepts_and_reads_a_value_as_argparse_does(option: str, values: list[str]) -> None:
    """If a value is given to an option with a converter, then the fast path takes it exactly when argparse
    does, and reads it to the same value."""
    for value in values:
        argv = ["query", "participants", f"{option}={value}"]
        read = fast.read(argv, FAST_COMMANDS)
        try:
            expected: dict[str, object] | None = _argparse_namespace(argv)
        except SystemExit:
            expected = None
        assert (vars(read) if read is not None else None) == expected, value


def test_help_output_is_argparse_s(capsys: pytest.CaptureFixture[str]) -> None:
    """If `alaska-kg query --help` runs, then argparse prints the help (the fast path knows no help)."""
    assert app.main(["query", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: alaska-kg query [-h]")
