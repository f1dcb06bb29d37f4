"""The command line: parses arguments, picks the wing, prints; decides to build when the cache is empty.

`main` is re-exported so that `alaska_kg.cli:main` keeps working for callers of the old flat layout;
`run` (main, then the end of the process) is what the `alaska-kg` launcher (scripts/alaska-kg) and
`python -m alaska_kg` call.
"""

from alaska_kg.cli.app import main, run

__all__ = ["main", "run"]
