"""Where a cold `alaska-kg query NAME` spends its time in process, step by step, after the interpreter starts.

    python benchmarks/cold_query_steps.py [--runs 9] [--query NAME] [--before SRC]

Each run is a new process that does what the command does, one step at a time, timing each (wall time and
the process's CPU time): import the command line, read the command line (the fast path, else argparse;
either imports the command's module), locate the sources, the source key and the cache entry's manifest,
read and SHA-256 the N-Quads, load them, find the query and parse its header, guard and evaluate, write
the table. `--before SRC` runs the same steps with `PYTHONPATH=SRC` (an older `src/`), interleaved with
the current ones. It prints the medians per step; nothing is asserted (the figures go to
docs/performance.md). The interpreter's start and end are outside: benchmarks/cold_query.py times whole
processes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHILD = r"""
import io, json, sys, time
NAME = sys.argv[1]
steps = {}
wall, cpu = time.perf_counter(), time.process_time()
def mark(step):
    global wall, cpu
    now, now_cpu = time.perf_counter(), time.process_time()
    steps[step] = ((now - wall) * 1000, (now_cpu - cpu) * 1000)
    wall, cpu = now, now_cpu
import alaska_kg.cli.app as app
mark("import alaska_kg.cli")
argv = ["query", NAME]
args = app._fast_args(argv) if hasattr(app, "_fast_args") else None
if args is None:
    args = app._parser("query").parse_args(argv)
mark("read the command line (imports the command's module)")
from alaska_kg.cli.sources import sources
layout = sources(args, sys.stderr)
mark("locate the sources")
from alaska_kg.cache import DATASET_FILE, cached_entry
entry = cached_entry(layout, remember=True)
mark("source key + the cache entry's manifest")
import alaska_kg.cache
if hasattr(alaska_kg.cache, "read_verified"):  # the check remembered while the file's stat is unchanged
    data = alaska_kg.cache.read_verified(entry, DATASET_FILE)
    nq = entry.location + "/" + DATASET_FILE
else:
    data = entry.read_verified(DATASET_FILE)
    nq = entry.folder / DATASET_FILE
mark("read + SHA-256 of the N-Quads (or its remembered check)")
from alaska_kg.query.dataset import OpenDataset, load_store
store = load_store(nq, data, True)
dataset = OpenDataset(store, nq)
mark("N-Quads into the store")
from alaska_kg.query.catalog import find_query
query = find_query(layout, NAME)
mark("find the query, parse its header")
from alaska_kg.query.run import run_query
answer = run_query(dataset, query, max_rows=100_000)
mark("guard + evaluate")
from alaska_kg.query.results import write_answer
write_answer(answer, None, io.StringIO(), store=store)
mark("table with labels")
print(json.dumps(steps))
"""


def _run(name: str, env: dict[str, str]) -> dict[str, list[float]]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--query", default="participants")
    parser.add_argument("--before", metavar="SRC", help="also time the package found in SRC (PYTHONPATH)")
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: with bytecode
    variants = {"after": env}
    if args.before:
        variants["before"] = dict(env, PYTHONPATH=str(Path(args.before).resolve()))
    for variant in variants.values():  # warm: .pyc files, the cache entry, the OS's file cache
        _run(args.query, variant)
    runs: dict[str, list[dict[str, list[float]]]] = {name: [] for name in variants}
    for _ in range(args.runs):
        order = list(variants)
        random.shuffle(order)
        for name in order:
            runs[name].append(_run(args.query, variants[name]))
    names = list(variants)
    header = " | ".join(f"{name} wall | {name} CPU" for name in names)
    print(f"medians of {args.runs} interleaved runs, ms\n| step | {header} |")
    print("|---|" + "---:|" * 2 * len(names))
    steps = list(runs["after"][0])
    for step in [*steps, "total"]:
        cells = []
        for name in names:
            for index in (0, 1):
                if step == "total":
                    values = [sum(v[index] for v in run.values()) for run in runs[name]]
                else:
                    values = [run[step][index] for run in runs[name]]
                cells.append(f"{statistics.median(values):.1f}")
        print(f"| {step} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
