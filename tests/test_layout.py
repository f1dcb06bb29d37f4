"""The wings' import rules (pyproject.toml [tool.importlinter], docs/architecture.md) hold, and are live:
`lint-imports` passes on the package and fails on a copy given a forbidden import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "alaska_kg"


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    """Run `lint-imports` with the project's contracts on the package found under `src`."""
    try:
        import importlinter  # noqa: F401
    except ImportError:
        pytest.fail("import-linter is missing: pip install -e '.[test]'")
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [sys.executable, "-c", code, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def test_every_contract_is_kept() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("query/dataset.py", "import alaska_kg.build.pipeline", "the query path stays light"),
        ("query/stats.py", "import rdflib", "the query path stays light"),
        ("build/outdir.py", "import socket", "no network in the build"),
        ("build/pipeline.py", "import alaska_kg.httpio", "no network in the build"),
        ("store/push.py", "import alaska_kg.wikidata.client", "the wings are layered"),
        ("namespaces.py", "import alaska_kg.query.labels", "the ground stands under every wing"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    """A copy of the package with one forbidden import added fails `lint-imports`, naming the contract."""
    copy = tmp_path / "alaska_kg"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # deliberate violation\n", "utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0, result.stdout
    report = " ".join(result.stdout.split())
    assert "Broken contracts" in report, result.stdout
    assert contract in report[report.index("Broken contracts") :], result.stdout
