"""Issue 12, the cold query path: a command builds only its own parser (help and errors unchanged) and
imports only what it needs, and the cache key of the sources is computed from their bytes only when their
stat changed (or, for the packaged copy, from the wheel's RECORD). No timings: benchmarks/cold_query.py."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alaska_kg import __version__, cache, paths
from alaska_kg.cache import CACHE_ENV_VAR, KEYS_FOLDER, content_key, source_key
from alaska_kg.cli import app
from alaska_kg.paths import Layout, locate

REPO_ROOT = Path(__file__).resolve().parents[1]


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


def test_every_command_is_mapped_to_the_module_that_registers_it() -> None:
    """If a command is added to the parser, then COMMAND_MODULES names it (else `alaska-kg NEW` would
    be refused as unknown), and the parser built for one command holds it and at most the other commands
    of its module (a query-path command: itself alone)."""
    assert list(_choices(app._parser())) == list(app.COMMAND_MODULES)
    for command, module in app.COMMAND_MODULES.items():
        built = list(_choices(app._parser(command)))
        assert command in built
        assert {app.COMMAND_MODULES[c] for c in built} == {module}
        if module in ("query", "app"):
            assert built == [command]


@pytest.mark.parametrize("command", list(app.COMMAND_MODULES))
def test_a_command_s_help_is_the_same_from_its_own_parser(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """If `alaska-kg COMMAND --help` is run, then it prints what the whole parser's COMMAND prints."""
    expected = _choices(app._parser())[command].format_help()
    assert app.main([command, "--help"]) == 0
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize(
    ("argv", "code"),
    [([], 2), (["--help"], 0), (["bogus"], 2), (["--version"], 0), (["query", "participants", "--bogus"], 2)],
)
def test_help_and_errors_outside_a_command_come_from_the_whole_parser(
    argv: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """If no known command is named first, then the output is the whole parser's, byte for byte."""
    try:
        app._parser().parse_args(argv)
    except SystemExit as exc:
        assert exc.code == code
    expected = capsys.readouterr()
    assert app.main(argv) == code
    assert capsys.readouterr() == expected
    if argv == ["bogus"]:
        assert "invalid choice: 'bogus' (choose from 'build', 'validate', 'query'," in expected.err


def test_a_cold_query_imports_only_the_query_command(tmp_path: Path) -> None:
    """If `alaska-kg query participants` runs in a new process, then it answers, and neither the other
    commands' modules (link, push, search, export's converter) nor rdflib, pyshacl, owlrl, reasonable nor
    argparse (the command line is read by alaska_kg.cli.fast), typing or dataclasses were imported."""
    env = {**os.environ, CACHE_ENV_VAR: str(tmp_path / "cache")}
    built = subprocess.run(
        [sys.executable, "-m", "alaska_kg", "build", "--root", str(REPO_ROOT), "--out", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    code = (
        "import sys\nfrom alaska_kg.cli.app import main\n"
        f"code = main(['query', 'participants', '--root', {str(REPO_ROOT)!r}])\n"
        "heavy = ('rdflib', 'pyshacl', 'owlrl', 'reasonable', 'alaska_kg.cli.link', 'alaska_kg.cli.push', "
        "'alaska_kg.cli.search', 'alaska_kg.query.convert', 'alaska_kg.build', 'traceback', 'argparse', "
        "'typing', 'dataclasses')\n"
        "print('IMPORTED', sorted(m for m in heavy if m in sys.modules))\nsys.exit(code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Antony Blinken" in proc.stdout  # the article: "the United States (Antony Blinken, ...)"
    assert proc.stdout.rstrip().endswith("IMPORTED []")


# ---------------------------------------------------------------- the source key


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layout:
    """A private copy of the sources and a private cache."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / name, tmp_path / "src" / name)
    return Layout(tmp_path / "src")


def _keys_file(tmp_path: Path) -> Path:
    (found,) = (tmp_path / "cache" / KEYS_FOLDER).iterdir()
    return found


def test_the_remembered_key_is_the_content_key(sources: Layout) -> None:
    """If the query path computes the key, then it is the digest of the sources' bytes, remembered with
    their stat in the cache root; a build (not remembering) computes the same key and writes nothing."""
    assert source_key(sources) == content_key(sources)
    assert not (cache.cache_root() / KEYS_FOLDER).exists()
    assert source_key(sources, remember=True) == content_key(sources)
    assert source_key(sources, remember=True) == content_key(sources)


def test_a_remembered_key_is_used_only_while_no_source_changed(
    sources: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the stat of every source is what it was when the key was computed, then the remembered key is
    used without reading the sources (shown with a planted key); if a source is then rewritten with
    the same size and its mtime put back, then its ctime still differs and the key is the new content's."""
    monkeypatch.setattr(cache, "_RACY_NS", -(10**12))  # no racy window: trust a stat as old as the key
    real = source_key(sources, remember=True)
    keys_file = _keys_file(tmp_path)
    lines = keys_file.read_text(encoding="utf-8").splitlines()
    keys_file.write_text("\n".join([lines[0], "planted", *lines[2:]]) + "\n", encoding="utf-8")
    assert source_key(sources, remember=True) == "planted"
    agents = sources.data_dir / "agents.ttl"
    before = agents.stat()
    data = agents.read_bytes()
    agents.write_bytes(data.replace(b"Blinken", b"Blinkem", 1))
    os.utime(agents, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert agents.stat().st_size == before.st_size and agents.stat().st_mtime_ns == before.st_mtime_ns
    changed = source_key(sources, remember=True)
    assert changed == content_key(sources) != real


def test_a_stat_taken_within_the_racy_window_is_not_trusted(sources: Layout, tmp_path: Path) -> None:
    """If a source was written less than the racy window before its key was computed (here: just now),
    then a planted key is not used: the bytes are hashed again."""
    source_key(sources, remember=True)
    keys_file = _keys_file(tmp_path)
    lines = keys_file.read_text(encoding="utf-8").splitlines()
    keys_file.write_text("\n".join([lines[0], "planted", *lines[2:]]) + "\n", encoding="utf-8")
    assert source_key(sources, remember=True) == content_key(sources)


def test_the_packaged_copy_is_keyed_by_its_content_like_the_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the sources are the packaged copy (the wheel's RECORD installed beside the package), then their
    key is the content key a clone with the same files has, so that a build from the clone and a query
    from the installed package share one cache entry (`.ci/run` queries an installed package against the
    entry its tests built from the clone); tests/test_remembered_checks.py shows it is remembered by the
    RECORD's stat."""
    package = tmp_path / "site-packages" / "alaska_kg"
    resources = package / "_resources"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / name, resources / name)
    record = tmp_path / "site-packages" / f"alaska_kg-{__version__}.dist-info" / "RECORD"
    record.parent.mkdir()
    record.write_bytes(b"alaska_kg/_resources/data/agents.ttl,sha256=abc,11430\n")
    monkeypatch.setattr(paths, "PACKAGED_ROOT", resources)
    monkeypatch.setattr(cache, "PACKAGED_ROOT", resources)
    layout = Layout(resources, "packaged")
    assert layout.is_packaged
    clone = locate(REPO_ROOT)
    assert source_key(layout) == cache.content_key(clone, cache.source_files(clone))
    (resources / "data" / "agents.ttl").write_text("# changed\n", encoding="utf-8")
    assert source_key(layout) != cache.content_key(clone, cache.source_files(clone))


def test_a_verified_dataset_is_read_leniently_into_the_same_quads(tmp_path: Path) -> None:
    """If the built N-Quads (checked against their manifest) are read by the lenient parser, then the store
    holds exactly the quads the strict parser reads; a file without a manifest is still read strictly (an
    IRI with a space is refused, naming the file and line)."""
    from alaska_kg.errors import SourceSyntaxError
    from alaska_kg.query.dataset import load_store

    env = {**os.environ, CACHE_ENV_VAR: str(tmp_path / "cache")}
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "alaska_kg", "build", "--root", str(REPO_ROOT), "--out", str(out)],
        capture_output=True,
        env=env,
        check=True,
    )
    nq = out / "alaska-kg.nq"
    data = nq.read_bytes()
    lenient, strict = set(load_store(nq, data, verified=True)), set(load_store(nq, data))
    assert lenient == strict and len(strict) > 1000
    bad = tmp_path / "bad.nq"
    bad.write_bytes(b"<http://example.org/a b> <http://example.org/p> <http://example.org/o> .\n")
    with pytest.raises(SourceSyntaxError) as caught:
        load_store(bad, bad.read_bytes())
    assert str(caught.value).startswith(f"{bad}: not valid N-Quads: ") and "line 1" in str(caught.value)


# ---------------------------------------------------------------- the end of the process

_RUN = (
    "import sys\nfrom alaska_kg.cli.app import run\n"
    "class Witness:\n"
    "    def __del__(self):\n"
    "        print('SHUTDOWN', file=sys.stderr, flush=True)\n"
    "witness = Witness()\n"
    "{before}"
    "sys.argv = ['alaska-kg', *{argv!r}]\n"
    "sys.exit(run())\n"
)


def _run_console(tmp_path: Path, argv: list[str], before: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, CACHE_ENV_VAR: str(tmp_path / "cache")}
    code = _RUN.format(argv=[*argv, "--root", str(REPO_ROOT)], before=before)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)


def test_a_query_ends_its_process_without_the_interpreter_s_shutdown(tmp_path: Path) -> None:
    """If the console script runs a query read by the fast path, then the whole answer is written, the exit
    code is the query's (0; 14 for a cut answer, its message on stderr), and the process ends without the
    interpreter's shutdown (the witness object is never finalized); an atexit callback, or a command line
    read by argparse, brings the usual shutdown back."""
    env = {**os.environ, CACHE_ENV_VAR: str(tmp_path / "cache")}
    subprocess.run(
        [sys.executable, "-m", "alaska_kg", "build", "--root", str(REPO_ROOT), "--out", str(tmp_path / "d")],
        capture_output=True,
        env=env,
        check=True,
    )
    whole = _run_console(tmp_path, ["query", "participants", "--format", "csv"])
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout.startswith("side,delegation,person,post\n")
    assert "/resource/antony-blinken," in whole.stdout  # "the United States (Antony Blinken, ...)"
    assert len(whole.stdout.splitlines()) == 5  # the header and the four participants the article names
    assert "SHUTDOWN" not in whole.stderr
    cut = _run_console(tmp_path, ["query", "participants", "--format", "csv", "--max-rows", "1"])
    assert cut.returncode == 14 and len(cut.stdout.splitlines()) == 2
    assert "only the first 1 were written" in cut.stderr and "SHUTDOWN" not in cut.stderr
    registered = _run_console(
        tmp_path,
        ["query", "participants"],
        before="import atexit\natexit.register(lambda: print('ATEXIT', file=sys.stderr, flush=True))\n",
    )
    assert registered.returncode == 0 and "ATEXIT" in registered.stderr and "SHUTDOWN" in registered.stderr
    by_argparse = _run_console(tmp_path, ["query", "--par", "x=1", "participants"])
    assert by_argparse.returncode == 10 and "SHUTDOWN" in by_argparse.stderr
