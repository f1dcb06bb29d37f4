"""Every canned query that needs no network, run cold: `alaska-kg query NAME --root ROOT`, a new process each.

    python benchmarks/canned_cold.py --root ROOT [--root OTHER …] [--src SRC --src SRC2 …] [--runs 3]
        [--query NAME …] [--json FILE]

Issue 12 asks each to answer in under 1 s at 10^6 triples. Each query runs as a user runs it: the default
output (a table with labels) to /dev/null, the cache warm (build once first with the same ALASKA_KG_CACHE),
parameters unbound (every resource: the worst case), `--max-rows` at its default (an answer cut there
exits 14 after writing that many rows). Every command runs once untimed (the OS's file cache, `.pyc`
files), then `--runs` rounds, each running every command once in a shuffled order (interleaved, so a busy
moment of the machine hits every command alike). For each command: the median wall time and the median
CPU time (user + system of the process, from the kernel's accounting), and its exit status. Several
`--root`s (e.g. the same data with the queries of main and of a branch: the queries are read from
ROOT/queries, the cache key does not depend on them) give one column each; `--src SRC`, once per `--root`
in the same order, runs that root's commands with `PYTHONPATH=SRC` (`-`: the installed package), e.g. the
`src/` of main (`git archive main src | tar -x -C /tmp/main`) against the branch's. `--live` adds, for each
root, a column of the same commands with `--live` (evaluated even where the build kept the answer: the
engine's time, beside the time a user gets). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cold_query import console_script  # beside this script, as run.py imports tasks

SERVICE = re.compile(r"^\s*SERVICE\b", re.IGNORECASE | re.MULTILINE)
UNDER = 1.0  # the target, seconds


def offline_queries(root: Path) -> list[str]:
    """The canned queries of ROOT/queries that call no SERVICE, by name."""
    return sorted(p.stem for p in (root / "queries").glob("*.rq") if not SERVICE.search(p.read_text("utf-8")))


def run_once(argv: list[str], env: dict[str, str], timeout: float) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system) and exit status of one run; a run over `timeout` is killed."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
        time.sleep(0.002)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, process.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", action="append", required=True, type=Path, help="a source root (repeatable)"
    )
    parser.add_argument(
        "--src", action="append", default=[], help="PYTHONPATH for each --root, in order; -: none"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query", action="append", help="only these queries (repeatable)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a run is killed")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--live", action="store_true", help="also each root's commands with --live")
    args = parser.parse_args()
    given = [str(root) for root in args.root]
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.src and len(args.src) != len(given):
        parser.error("give --src once per --root, in the same order (`-`: the installed package)")
    sources = args.src or ["-"] * len(given)
    envs = {
        root: env if src == "-" else dict(env, PYTHONPATH=str(Path(src).resolve()))
        for root, src in zip(given, sources, strict=True)
    }
    live = " --live"  # a column's name: the root, then this when its commands evaluate every query
    roots = [column for root in given for column in ([root, root + live] if args.live else [root])]
    envs.update({root + live: envs[root] for root in given})
    script = console_script()
    names = args.query or offline_queries(args.root[0])
    commands = {
        (name, root): [sys.executable, script, "query", name, "--root", root.removesuffix(live)]
        + (["--live"] if root.endswith(live) else [])
        for name in names
        for root in roots
    }
    status: dict[tuple[str, str], int] = {}
    for key, argv in commands.items():  # warm: the OS's file cache, .pyc files, the source key
        status[key] = run_once(argv, envs[key[1]], args.timeout)[2]
    wall: dict[tuple[str, str], list[float]] = {key: [] for key in commands}
    cpu: dict[tuple[str, str], list[float]] = {key: [] for key in commands}
    order = list(commands)
    for number in range(args.runs):
        print(f"round {number + 1}/{args.runs}…", file=sys.stderr, flush=True)
        random.shuffle(order)
        for key in order:
            seconds, used, status[key] = run_once(commands[key], envs[key[1]], args.timeout)
            wall[key].append(seconds)
            cpu[key].append(used)
    figures = {
        f"{name}|{root}": {
            "wall": statistics.median(wall[(name, root)]),
            "cpu": statistics.median(cpu[(name, root)]),
            "exit": status[(name, root)],
        }
        for name, root in commands
    }
    print(f"{args.runs} interleaved rounds; median wall / median CPU (user+sys), seconds; exit status")
    print("| query | " + " | ".join(f"{root}: wall · CPU · exit" for root in roots) + " |")
    print("|---|" + "---:|" * len(roots))
    for name in names:
        cells = []
        for root in roots:
            figure = figures[f"{name}|{root}"]
            cells.append(f"{figure['wall']:.2f} · {figure['cpu']:.2f} · {figure['exit']}")
        print(f"| `{name}` | " + " | ".join(cells) + " |")
    for root in roots:
        under = [n for n in names if figures[f"{n}|{root}"]["cpu"] < UNDER]
        under_wall = [n for n in names if figures[f"{n}|{root}"]["wall"] < UNDER]
        print(
            f"{root}: {len(under)} of {len(names)} under {UNDER:g} s CPU, "
            f"{len(under_wall)} under {UNDER:g} s wall"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
