"""Where the sources live: ontology/, data/ and queries/, in the user's clone, elsewhere, or packaged.

Lookup order for the root (the folder holding ontology/, data/ and queries/), as git finds a repository:
1. an explicit root passed by the caller (the CLI's `--root DIR`);
2. the current folder or its nearest ancestor holding `ontology/alaska.ttl` and `data/` (a clone);
3. the environment variable ALASKA_KG_ROOT;
4. the copy packaged into the wheel, `alaska_kg/_resources/` (non-editable install);
5. the repository the package is imported from, `Path(__file__).parents[2]` (editable install).

The packaged copy belongs to the installation: nothing writes into it (`ensure_writable`).
Pure standard library: both the build path and the query path import it.
"""

from __future__ import annotations

import os

from alaska_kg import pathtext
from alaska_kg.errors import ReadOnlySources, SourceNotFound
from alaska_kg.records import Record

ROOT_ENV_VAR = "ALASKA_KG_ROOT"

# Text, not pathlib (alaska_kg.pathtext: the query path does not import pathlib).
_PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
PACKAGED_ROOT = os.path.join(_PACKAGE_DIR, "_resources")
REPOSITORY_ROOT = os.path.dirname(os.path.dirname(_PACKAGE_DIR))

ONTOLOGY_FILE = "alaska.ttl"
SHAPES_FILE = "shapes.ttl"
CONTEXT_FILE = "context.jsonld"
LINKS_FILE = "links.ttl"
SOURCE_TEXT = "source/alaska-talks.txt"

TYPE_CHECKING = False  # typing is not imported on the query path (~2.5 ms): its names only for checkers
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Literal

    Origin = Literal["option", "clone", "environment", "packaged", "repository"]
else:
    Origin = str
# How each origin is named to the user (stderr line, build summary).
ORIGINS: dict[str, str] = {
    "option": "given by --root",
    "clone": "found from the current folder",
    "environment": f"from ${ROOT_ENV_VAR}",
    "packaged": "the copy packaged with alaska-kg",
    "repository": "the repository alaska-kg is installed from (editable install)",
}


class Layout(Record):
    """The source files of the graph under one root folder (`folder`, as text), and how that folder was
    found. The properties give pathlib paths, for the build and other callers off the query path."""

    __slots__ = ()
    _fields = ("folder", "origin")
    folder: str
    origin: Origin

    def __new__(cls, folder: str | os.PathLike[str], origin: Origin = "option") -> Layout:
        return tuple.__new__(cls, (os.fspath(folder), origin))

    @property
    def root(self) -> Path:
        """The root folder as a pathlib path."""
        from pathlib import Path

        return Path(self.folder)

    @property
    def is_packaged(self) -> bool:
        """The root is the installed package's own copy (or inside it): read it, never write it."""
        packaged = os.fspath(PACKAGED_ROOT)
        return self.folder == packaged or self.folder.startswith(packaged.rstrip(os.sep) + os.sep)

    @property
    def origin_text(self) -> str:
        """Where the sources come from, in words: `/path (found from the current folder)`."""
        return f"{self.folder} ({ORIGINS[self.origin]})"

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


def is_source_root(folder: str | os.PathLike[str]) -> bool:
    """A folder holds the sources when it has `ontology/alaska.ttl` and a `data/` folder."""
    folder = os.fspath(folder)
    # lexists: a clone whose ontology file is broken is still the clone (the build then names the file)
    return os.path.lexists(pathtext.join(folder, "ontology", ONTOLOGY_FILE)) and pathtext.is_dir(
        pathtext.join(folder, "data")
    )


def find_clone(start: str | os.PathLike[str] | None = None) -> str | None:
    """`start` (default: the current folder) or its nearest ancestor that holds the sources, as git looks
    for `.git`; None when no folder up to the file system's root does."""
    try:
        here = pathtext.absolute(os.getcwd() if start is None else os.fspath(start))
    except OSError:  # the current folder was deleted under us
        return None
    for folder in pathtext.ancestors(here):
        if is_source_root(folder):
            return folder
    return None


def find_root(root: str | os.PathLike[str] | None = None) -> tuple[str, Origin]:
    """The source root (as text) and how it was found, following the lookup order in the module
    docstring."""
    if root is not None:
        return pathtext.resolve(os.fspath(root)), "option"
    clone = find_clone()
    if clone is not None:
        return pathtext.resolve(clone), "clone"
    from_env = os.environ.get(ROOT_ENV_VAR)
    if from_env:
        return pathtext.resolve(from_env), "environment"
    if pathtext.is_dir(os.fspath(PACKAGED_ROOT)):
        return os.fspath(PACKAGED_ROOT), "packaged"
    return os.fspath(REPOSITORY_ROOT), "repository"


def resolve_root(root: str | os.PathLike[str] | None = None) -> Path:
    """Return the source root following the lookup order in the module docstring."""
    from pathlib import Path

    return Path(find_root(root)[0])


def locate(root: str | os.PathLike[str] | None = None) -> Layout:
    """Return the layout of the sources found by `find_root(root)`; SourceNotFound (6) when a root given by
    --root or $ALASKA_KG_ROOT is no folder (else a query by name would say only "no query named …")."""
    found, origin = find_root(root)
    if origin in ("option", "environment") and not pathtext.is_dir(found):
        given = "--root" if origin == "option" else f"${ROOT_ENV_VAR}"
        raise SourceNotFound(
            f"{found}: source root not found (given by {given}); it must hold ontology/, data/"
        )
    layout = Layout(found, origin)
    if layout.is_packaged:
        return Layout(found, "packaged")
    return layout


# The `--root` option's help, the same on every command that reads the sources.
ROOT_HELP = (
    "the folder holding ontology/ and data/ (default: the current folder or its nearest ancestor holding "
    f"them, else ${ROOT_ENV_VAR}, else the copy packaged with alaska-kg)"
)


def origin_notice(layout: Layout) -> str | None:
    """The line that tells the user which sources a command reads, unless they are the package's own (the
    packaged copy, or the repository of an editable install: the default nobody has to be told of) or
    were named by `--root` (the user just said so)."""
    if layout.origin in ("packaged", "repository", "option"):
        return None
    return f"using the sources in {layout.origin_text}"


def ensure_writable(layout: Layout, what: str) -> None:
    """Refuse to write `what` into the installed package's copy of the sources: it belongs to pip, is
    replaced by the next install, and is not what the user edits."""
    if layout.is_packaged:
        raise ReadOnlySources(
            f"{layout.folder}: will not write {what} in the sources packaged with alaska-kg (the installer's "
            "copy); run the command inside a clone of the repository, or give --root DIR of a copy to edit"
        )


__all__ = [
    "ORIGINS",
    "PACKAGED_ROOT",
    "REPOSITORY_ROOT",
    "ROOT_ENV_VAR",
    "ROOT_HELP",
    "Layout",
    "Origin",
    "ensure_writable",
    "find_clone",
    "find_root",
    "is_source_root",
    "locate",
    "origin_notice",
    "resolve_root",
]
