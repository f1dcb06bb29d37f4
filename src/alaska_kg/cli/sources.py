"""The sources a command reads, said in one line on stderr, and the build on demand when the cache has no
dataset for them: one place for every command module (the query wing never decides to build)."""

from __future__ import annotations

from alaska_kg.display import printable
from alaska_kg.paths import Layout, locate, origin_notice

TYPE_CHECKING = False  # typing is not imported on the query path (~2.5 ms)
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import TextIO


def sources(args: argparse.Namespace, err: TextIO) -> Layout:
    """The sources (alaska_kg.paths.locate of `--root`), named on stderr unless they are the packaged copy or
    were given by --root, so a user never mistakes which copy a command read."""
    layout = locate(args.root)
    notice = origin_notice(layout)
    if notice is not None:
        print(f"alaska-kg: {printable(notice)}", file=err, flush=True)
    return layout


def make_dataset(layout: Layout, rebuild: bool = False) -> Path:
    """Fill the cache with the dataset of `layout`'s sources (`rebuild`: replace a damaged copy) and return
    its N-Quads file; the query wing calls this only on a cache miss, so the heavy build path (rdflib,
    pyshacl, a reasoner) is imported only then."""
    from alaska_kg.build.pipeline import ensure_dataset

    return ensure_dataset(layout, rebuild=True) if rebuild else ensure_dataset(layout)


__all__ = ["make_dataset", "sources"]
