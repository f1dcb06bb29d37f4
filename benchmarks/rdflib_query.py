"""The plain-rdflib way to answer one query, as a user's script would: parse the N-Quads, query, print.

    python benchmarks/rdflib_query.py DATASET.nq QUERY.rq

The default graph is the union of the named graphs, as in `alaska-kg query` (--graph all).
"""

import sys

from rdflib import Dataset


def main(nq: str, rq: str) -> int:
    dataset = Dataset(default_union=True)
    dataset.parse(nq, format="nquads")
    with open(rq, encoding="utf-8") as stream:
        result = dataset.query(stream.read())
    if result.type == "ASK":
        print("yes" if result.askAnswer else "no")
        return 0 if result.askAnswer else 1
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        sys.stdout.write(result.graph.serialize(format="turtle"))
        return 0
    print("\t".join(str(v) for v in result.vars))
    for row in result:
        print("\t".join("" if value is None else str(value) for value in row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
