"""Do two versions of the canned queries give the same rows? Compared as multisets, on any built dataset.

    python benchmarks/canned_rows.py --root ROOT --before DIR [--after DIR] [--query NAME …]

Runs every canned query that needs no network from DIR (`--before`, e.g. the queries/ of main) and from
`--after` (default: ROOT/queries) against ROOT's built dataset (its cache entry: build it first with the
same ALASKA_KG_CACHE), in this process, with no row cap and parameters unbound, as `alaska-kg query NAME`
would run them. For each query: the number of rows, whether both give the same multiset of rows (terms
compared in N-Triples syntax; an ASK's boolean, a CONSTRUCT's set of triples) and whether in the same
order. Exits 1 if any multiset differs. For rewrites that must keep every answer (issue 12).
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from pathlib import Path

from alaska_kg.paths import Layout
from alaska_kg.query.catalog import read_query
from alaska_kg.query.dataset import open_dataset
from alaska_kg.query.run import run_query

SERVICE = re.compile(r"^\s*SERVICE\b", re.IGNORECASE | re.MULTILINE)


def rows(dataset: object, path: Path) -> tuple[list[tuple[str, ...]], float]:
    """The answer of the query in `path` as rows of terms in N-Triples syntax, and the seconds it took."""
    start = time.perf_counter()
    answer = run_query(dataset, read_query(path, path.stem, require_header=True))
    if answer.kind == "select":
        found = [
            tuple(str(s[v]) if s[v] is not None else "" for v in answer.variables) for s in answer.solutions
        ]
    elif answer.kind == "ask":
        found = [(str(answer.boolean),)]
    else:
        found = sorted({(str(t),) for t in answer.triples})
    return found, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, type=Path)
    parser.add_argument("--before", required=True, type=Path, help="a folder of .rq files")
    parser.add_argument("--after", type=Path, help="a folder of .rq files (default: ROOT/queries)")
    parser.add_argument("--query", action="append", help="only these queries (repeatable)")
    args = parser.parse_args()
    after = args.after or args.root / "queries"
    dataset = open_dataset(Layout(args.root.resolve()))
    names = args.query or sorted(
        p.stem for p in after.glob("*.rq") if not SERVICE.search(p.read_text(encoding="utf-8"))
    )
    differ = 0
    print("| query | rows | same multiset | same order | before s | after s |")
    print("|---|---:|---|---|---:|---:|")
    for name in names:
        old, old_seconds = rows(dataset, args.before / f"{name}.rq")
        new, new_seconds = rows(dataset, after / f"{name}.rq")
        same = collections.Counter(old) == collections.Counter(new)
        differ += not same
        count = f"{len(old)}" if len(old) == len(new) else f"{len(old)} → {len(new)}"
        print(
            f"| `{name}` | {count} | {'yes' if same else '**no**'} | {'yes' if old == new else 'no'} "
            f"| {old_seconds:.2f} | {new_seconds:.2f} |",
            flush=True,
        )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
