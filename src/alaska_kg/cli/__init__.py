"""The command line: parses arguments, picks the wing, prints; decides to build when the cache is empty.

`main` is re-exported so that `alaska_kg.cli:main` keeps working for callers of the old flat layout.
"""

from alaska_kg.cli.app import main

__all__ = ["main"]
