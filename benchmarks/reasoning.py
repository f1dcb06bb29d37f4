"""Benchmark the OWL 2 RL reasoners (issue 12) on synthetic corpora of 10^4, 10^5 and 10^6 triples.

    .venv/bin/python benchmarks/reasoning.py                      # all sizes (10^6 takes ~15 minutes)
    .venv/bin/python benchmarks/reasoning.py --sizes 1e4 --runs 1 # smoke run

Each measurement is one child process (the corpus is parsed, then reasoned over); the child reports the time
of the reasoning alone, its resident memory before reasoning and its peak (getrusage ru_maxrss, the whole
process, taken before the digest is computed), the number of inferred triples and a digest of them, so that
the table also shows whether the reasoners entail the same triples. The rows:

- owlrl, reasonable, rules: `build.reason.infer(triples, reasoner)` on the triples rdflib parsed, as the
  build calls it (owlrl only where it finishes within the time limit);
- rules in a store: `build.reason_rules.infer_in_store` on a pyoxigraph Store the corpus was bulk-loaded
  into (named graphs), as the scale build calls it: no rdflib anywhere.

Rounds are interleaved (every mode once per round) because the machine is shared; medians are reported.
Prints a Markdown table and writes benchmarks/reasoning-results.json. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MODES = ("owlrl", "reasonable", "rules", "rules-store")
TIME_LIMIT = 900.0  # seconds per child; owlrl needs ~80 s at 10^5 and is not tried at 10^6
OWLRL_MAX_TRIPLES = 200_000


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:16]


def _rdflib_key(triple: tuple) -> str:
    from rdflib import BNode, Literal

    def term(t: object) -> str:
        if isinstance(t, BNode):
            return "_:"
        if isinstance(t, Literal):
            datatype = str(t.datatype) if t.datatype else ("" if t.language else str_type)
            return repr((str(t), t.language or "", datatype))
        return f"<{t}>"

    str_type = "http://www.w3.org/2001/XMLSchema#string"
    return " ".join(term(t) for t in triple)


def _store_key(quad: object) -> str:
    from pyoxigraph import BlankNode, Literal

    def term(t: object) -> str:
        if isinstance(t, BlankNode):
            return "_:"
        if isinstance(t, Literal):
            return repr((t.value, t.language or "", "" if t.language else t.datatype.value))
        return f"<{t.value}>"  # type: ignore[attr-defined]

    return " ".join(term(t) for t in (quad.subject, quad.predicate, quad.object))  # type: ignore[attr-defined]


def child(mode: str, root: Path) -> dict[str, object]:
    """Parse the corpus at `root`, reason with `mode`; what the parent reports."""
    sys.path.insert(0, str(REPO / "src"))
    from alaska_kg.paths import Layout

    layout = Layout(root)
    start = time.perf_counter()
    if mode == "rules-store":
        from pyoxigraph import NamedNode, RdfFormat, Store

        from alaska_kg.build.reason_rules import infer_in_store

        store = Store()
        tbox, abox, into = (NamedNode(f"urn:bench:{name}") for name in ("tbox", "abox", "inferred"))
        store.bulk_load(path=str(layout.ontology_file), format=RdfFormat.TURTLE, to_graph=tbox)
        for path in layout.asserted_files:
            store.bulk_load(path=str(path), format=RdfFormat.TURTLE, to_graph=abox)
        parsed, before = time.perf_counter() - start, _peak_mb()
        start = time.perf_counter()
        inferred = infer_in_store(store, [tbox], [abox], into)
        seconds, peak = time.perf_counter() - start, _peak_mb()
        digest = _digest([_store_key(q) for q in store.quads_for_pattern(None, None, None, into)])
    else:
        from itertools import chain

        from alaska_kg.build.loading import load_sources
        from alaska_kg.build.reason import infer

        sources = load_sources(layout)
        parsed, before = time.perf_counter() - start, _peak_mb()
        start = time.perf_counter()
        graph = infer(chain(sources.ontology, sources.asserted), mode)  # type: ignore[arg-type]
        seconds, peak = time.perf_counter() - start, _peak_mb()
        inferred, digest = len(graph), _digest([_rdflib_key(t) for t in graph])
    return {
        "parse_s": round(parsed, 3),
        "reason_s": round(seconds, 3),
        "before_mb": before,
        "peak_mb": peak,  # before the digest, whose strings are not the reasoner's
        "inferred": inferred,
        "digest": digest,
    }


def measure(mode: str, root: Path) -> dict[str, object]:
    """One child process; its report, or why it has none."""
    cmd = [sys.executable, __file__, "--child", mode, str(root)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIME_LIMIT, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"over the {TIME_LIMIT:.0f} s limit"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(reports: list[dict[str, object]], key: str) -> float | None:
    values = [float(r[key]) for r in reports if key in r]  # type: ignore[arg-type]
    return statistics.median(values) if values else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1e4,1e5,1e6", help="data triples per corpus (default 1e4,1e5,1e6)"
    )
    parser.add_argument("--runs", type=int, default=3, help="rounds per size under 10^6 (10^6: one round)")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--child", nargs=2, metavar=("MODE", "ROOT"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(HERE / "reasoning-results.json"))
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return 0
    sys.path.insert(0, str(REPO / "src"))
    from alaska_kg.build.synthetic import generate_size

    modes = args.modes.split(",")
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="alaska-kg-reasoning-") as work:
        for size in (int(float(s)) for s in args.sizes.split(",")):
            corpus = generate_size(Path(work) / f"corpus-{size}", size)
            runs = 1 if size >= 1_000_000 else args.runs
            reports: dict[str, list[dict[str, object]]] = {m: [] for m in modes}
            for round_ in range(runs):
                for mode in modes:
                    if mode == "owlrl" and size > OWLRL_MAX_TRIPLES:
                        reports[mode].append({"error": "not run: infeasible (≈80 s at 10^5, superlinear)"})
                        continue
                    if mode == "owlrl" and round_ > 0:
                        continue  # one run of owlrl is enough: it is the reference, not a contender
                    report = measure(mode, corpus.root)
                    print(size, mode, report, file=sys.stderr, flush=True)
                    reports[mode].append(report)
            for mode in modes:
                ok = [r for r in reports[mode] if "error" not in r]
                results[f"{size} {mode}"] = {
                    "triples": corpus.triples,
                    "mode": mode,
                    "runs": len(ok),
                    "reason_s": _median(ok, "reason_s"),
                    "parse_s": _median(ok, "parse_s"),
                    "before_mb": _median(ok, "before_mb"),
                    "peak_mb": _median(ok, "peak_mb"),
                    "inferred": ok[0]["inferred"] if ok else None,
                    "digest": ok[0]["digest"] if ok else None,
                    "error": None if ok else reports[mode][0].get("error"),
                }
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(
        "| data triples | reasoner | reason (s) | parse (s) | before (MB) | peak (MB) | inferred | digest |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for row in results.values():
        if row["error"]:
            print(f"| {row['triples']:,} | {row['mode']} | {row['error']} | | | | | |")
            continue
        print(
            f"| {row['triples']:,} | {row['mode']} | {row['reason_s']:.2f} | {row['parse_s']:.2f} | "
            f"{row['before_mb']:.0f} | {row['peak_mb']:.0f} | {row['inferred']:,} | {row['digest']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
