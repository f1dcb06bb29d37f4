"""Where the sources live: ontology/, data/ and queries/, packaged or in the repository.

Lookup order for the root (the folder holding ontology/, data/ and queries/):
1. an explicit root passed by the caller (the CLI's hidden `--root DIR`);
2. the environment variable ALASKA_KG_ROOT;
3. the copy packaged into the wheel, `alaska_kg/_resources/` (non-editable install);
4. the repository root, `Path(__file__).parents[2]` (editable install, running from a clone).

Pure standard library: both the build path and the query path import it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV_VAR = "ALASKA_KG_ROOT"

_PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED_ROOT = _PACKAGE_DIR / "_resources"
REPOSITORY_ROOT = _PACKAGE_DIR.parents[1]

ONTOLOGY_FILE = "alaska.ttl"
SHAPES_FILE = "shapes.ttl"
CONTEXT_FILE = "context.jsonld"
LINKS_FILE = "links.ttl"
SOURCE_TEXT = "source/alaska-talks.txt"


@dataclass(frozen=True)
class Layout:
    """The source files of the graph under one root folder."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def ontology_file(self) -> Path:
        """The TBox, ontology/alaska.ttl."""
        return self.ontology_dir / ONTOLOGY_FILE

    @property
    def shapes_file(self) -> Path:
        """The SHACL shapes, ontology/shapes.ttl."""
        return self.ontology_dir / SHAPES_FILE

    @property
    def context_file(self) -> Path:
        """The JSON-LD @context shipped with the exports, ontology/context.jsonld."""
        return self.ontology_dir / CONTEXT_FILE

    @property
    def links_file(self) -> Path:
        """The links to other datasets, data/links.ttl (may not exist yet)."""
        return self.data_dir / LINKS_FILE

    @property
    def source_text(self) -> Path:
        """The plain-text copy of the article, data/source/alaska-talks.txt."""
        return self.data_dir / SOURCE_TEXT

    @property
    def data_files(self) -> tuple[Path, ...]:
        """Every data/*.ttl file, sorted by name (links.ttl included)."""
        return tuple(sorted(self.data_dir.glob("*.ttl")))

    @property
    def asserted_files(self) -> tuple[Path, ...]:
        """The data files that make up the asserted graph: data/*.ttl except links.ttl."""
        return tuple(p for p in self.data_files if p.name != LINKS_FILE)

    @property
    def query_files(self) -> tuple[Path, ...]:
        """Every queries/**/*.rq file, sorted by path."""
        return tuple(sorted(self.queries_dir.rglob("*.rq")))


def resolve_root(root: Path | str | None = None) -> Path:
    """Return the source root following the lookup order in the module docstring."""
    if root is not None:
        return Path(root).resolve()
    from_env = os.environ.get(ROOT_ENV_VAR)
    if from_env:
        return Path(from_env).resolve()
    if PACKAGED_ROOT.is_dir():
        return PACKAGED_ROOT
    return REPOSITORY_ROOT


def locate(root: Path | str | None = None) -> Layout:
    """Return the layout of the sources under `resolve_root(root)`."""
    return Layout(resolve_root(root))


__all__ = [
    "PACKAGED_ROOT",
    "REPOSITORY_ROOT",
    "ROOT_ENV_VAR",
    "Layout",
    "locate",
    "resolve_root",
]
