"""What a deadline costs a query: the ways of running one that can be stopped, measured side by side.

    python benchmarks/query_deadline.py [ROUNDS]            # default 25

Two tables, medians of interleaved rounds (the machine is shared and noisy; compare within a table):
1. in one warm process, `query participants` evaluated and read: in-process, in a thread (`_thread`, as
   `isolation="thread"`), in a forked worker (`isolation="process"`);
2. cold processes, `alaska-kg query participants` (warm cache) as the CLI runs it (thread), the same with
   the forked worker, the same run in-process with no deadline at all, and `python -c "import pyoxigraph"`.
Wall time and CPU time (user + system, of the process tree) are both given: CPU is steadier under load.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

from alaska_kg.cli.sources import make_dataset
from alaska_kg.paths import locate
from alaska_kg.query.catalog import find_query
from alaska_kg.query.dataset import open_dataset
from alaska_kg.query.deadline import run_with_deadline
from alaska_kg.query.run import run_query

COLD = """
import contextlib, io, sys
import alaska_kg.cli.query as qc
mode = sys.argv[1]
if mode != "thread":
    real = qc.run_with_deadline
    qc.run_with_deadline = (
        (lambda work, **kw: real(work, **{**kw, "isolation": "process"})) if mode == "process"
        else (lambda work, **kw: work())
    )
from alaska_kg.cli.app import main
with contextlib.redirect_stdout(io.StringIO()):
    sys.exit(main(["query", "participants"]))
"""


def _warm(rounds: int) -> None:
    layout = locate(None)
    dataset = open_dataset(layout, make=make_dataset)
    query = find_query(layout, "participants")

    def work() -> tuple[int, bytes]:
        answer = run_query(dataset, query, max_rows=100_000)
        return 0, str([list(s) for s in answer.solutions]).encode()

    ways = {
        "in-process": work,
        "thread": lambda: run_with_deadline(work, timeout=60, what="q", isolation="thread"),
        "forked worker": lambda: run_with_deadline(work, timeout=60, what="q", isolation="process"),
    }
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, way in ways.items():
            start = time.perf_counter()
            way()
            times[name].append(time.perf_counter() - start)
    print("one warm process, `participants` evaluated and read:")
    for name, values in times.items():
        median, least = statistics.median(values) * 1000, min(values) * 1000
        print(f"  {name:<15} median {median:7.2f} ms   min {least:7.2f} ms")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cold(rounds: int) -> None:
    commands = {
        "CLI (thread)": [sys.executable, "-c", COLD, "thread"],
        "forked worker": [sys.executable, "-c", COLD, "process"],
        "no deadline": [sys.executable, "-c", COLD, "none"],
        "import pyoxigraph": [sys.executable, "-c", "import pyoxigraph"],
    }
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm-up: the cache, the page cache, bytecode
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    for _ in range(rounds):
        for name, command in commands.items():
            cpu_start, start = _cpu(), time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(_cpu() - cpu_start)
    print("cold processes, `alaska-kg query participants`:")
    for name in commands:
        print(
            f"  {name:<18} wall median {statistics.median(wall[name]) * 1000:7.1f} ms"
            f"   cpu median {statistics.median(cpu[name]) * 1000:7.1f} ms"
        )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {count} rounds")
    _warm(count)
    _cold(count)
