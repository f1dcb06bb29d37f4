"""The query-path commands of the CLI (query, queries, describe, stats, export); light imports only."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add the query-path subcommands to the `alaska-kg` parser."""


__all__ = ["register"]
