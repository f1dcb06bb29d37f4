"""The `alaska-kg viz` command: draw the pictures (timeline, network of accusations) as SVG files.

Light, like the query path: it opens the built dataset (building it first only on a cache miss), runs the
pictures' queries and writes each file through a temporary file renamed into place.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from alaska_kg.cli.sources import make_dataset, sources
from alaska_kg.display import printable
from alaska_kg.errors import OutputError
from alaska_kg.paths import ROOT_HELP
from alaska_kg.query.convert import write_atomically
from alaska_kg.query.dataset import open_dataset

PROG = "alaska-kg"


def _viz(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write timeline.svg and network.svg into --out; nothing is written unless both were drawn."""
    from alaska_kg.viz import PICTURES

    folder = Path(args.out)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder; give --out DIR")
    layout = sources(args, err)

    def announce(message: str) -> None:
        print(f"{PROG}: {printable(message)}…", file=err, flush=True)

    dataset = open_dataset(layout, args.dataset, announce, make_dataset)
    pictures = {name: draw(dataset) for name, draw in PICTURES.items()}
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None
    for name, svg in pictures.items():
        write_atomically(folder / name, svg)
    print(f"{PROG}: wrote {', '.join(pictures)} → {printable(str(folder.absolute()))}", file=out)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `viz` to the `alaska-kg` parser."""
    viz = commands.add_parser(
        "viz",
        help="draw the timeline and the network of accusations as SVG",
        description="Draw two pictures from the built dataset, by queries: timeline.svg (the events, at the "
        "dates the article gives, or placed before or after them in the article's words where it gives no "
        "date) and network.svg (who accused or criticised whom, over which issue). `alaska-kg build` writes "
        "them too.",
    )
    viz.add_argument("--out", default=".", metavar="DIR", help="folder to write them into (default: .)")
    viz.add_argument(
        "--dataset",
        metavar="FILE",
        default=None,
        help="draw from this dataset file (default: the build cache, built if missing)",
    )
    viz.add_argument("--debug", action="store_true", help="show a traceback on error")
    viz.add_argument("--root", default=None, metavar="DIR", help=ROOT_HELP)
    viz.set_defaults(handler=_viz)


__all__ = ["register"]
