"""The sources a command reads, said in one line on stderr: one place for every command module."""

from __future__ import annotations

import argparse
from typing import TextIO

from alaska_kg.display import printable
from alaska_kg.paths import Layout, locate, origin_notice


def sources(args: argparse.Namespace, err: TextIO) -> Layout:
    """The sources (alaska_kg.paths.locate of `--root`), named on stderr unless they are the packaged copy or
    were given by --root, so a user never mistakes which copy a command read."""
    layout = locate(args.root)
    notice = origin_notice(layout)
    if notice is not None:
        print(f"alaska-kg: {printable(notice)}", file=err, flush=True)
    return layout


__all__ = ["sources"]
