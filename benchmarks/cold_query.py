"""Cold start of `alaska-kg query NAME` (a new process, warm cache) against the floor, `import pyoxigraph`.

    python benchmarks/cold_query.py [--runs 30] [--query NAME | --command 'describe Yang']
                                    [--before SRC [--before-entry main]] [--rdflib]

Every command runs once untimed (so the cache is warm), then `--runs` rounds, each running every command
once in a shuffled order, all from this one process tree (interleaved, so a busy moment of the machine hits
every command alike). It prints the median and the 10th–90th percentile of each command's wall time and
its ratio to the floor's median, and the median CPU time (user + system) the kernel accounted to each
run with its ratio to the floor's, which other work on the same cores disturbs less than the wall time.
`--before SRC` also runs a console script with `PYTHONPATH=SRC` (e.g. the `src/` of an older commit:
`git archive OLD src | tar -x -C /tmp/old`), for a before/after row: pip's script for that commit's entry
point (`--before-entry`, default `main`: `alaska_kg.cli:main`, the entry point until `alaska_kg.cli:run`),
written into an empty temporary folder. `--rdflib` adds the plain rdflib script
(benchmarks/rdflib_query.py) on the same dataset and query.
The commands run as installed, with bytecode (`pip install` compiles it): PYTHONDONTWRITEBYTECODE is
removed from their environment, so the untimed first run writes the `.pyc` files of a source checkout
(with it set and no `__pycache__`, every module of the package would be compiled on every run).
`--command` times another query-path command line instead of `query NAME` (`--rdflib` needs a query).
Nothing is asserted: the figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


# What pip (23.2 to 26.3 at least) writes as a console script, for `--before`.
PIP_SCRIPT = """# -*- coding: utf-8 -*-
import re
import sys
from alaska_kg.cli import {entry}
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit({entry}())
"""


def console_script() -> str:
    """The installed `alaska-kg` script next to this interpreter (the command a user runs)."""
    script = Path(sys.executable).with_name("alaska-kg")
    if script.exists():
        return str(script)
    found = shutil.which("alaska-kg")
    if found is None:
        raise SystemExit("alaska-kg is not installed next to this Python (pip install -e .)")
    return found


def _commands(args: argparse.Namespace) -> dict[str, tuple[list[str], dict[str, str]]]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    script = console_script()
    words = args.command.split() if args.command else ["query", args.query]
    shown = " ".join(words)
    commands = {
        'python -c "import pyoxigraph" (floor)': ([sys.executable, "-c", "import pyoxigraph"], env),
        f"alaska-kg {shown}": ([sys.executable, script, *words], env),
    }
    if args.before:
        before = dict(env, PYTHONPATH=str(Path(args.before).resolve()))
        old_script = Path(tempfile.mkdtemp(prefix="alaska-kg-before-")) / "alaska-kg"  # an empty folder
        old_script.write_text(PIP_SCRIPT.format(entry=args.before_entry), encoding="utf-8")
        commands[f"alaska-kg {shown} (before: {args.before})"] = (
            [sys.executable, str(old_script), *words],
            before,
        )
    if args.rdflib:
        nq = subprocess.run(
            [
                sys.executable,
                "-c",
                "from alaska_kg.cache import cached_dataset; from alaska_kg.paths import "
                "locate; print(cached_dataset(locate()))",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        rq = next((REPO / "queries").rglob(f"{args.query}.rq"))
        commands[f"benchmarks/rdflib_query.py {args.query}"] = (
            [sys.executable, str(REPO / "benchmarks" / "rdflib_query.py"), nq, str(rq)],
            env,
        )
    return commands


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The wall time of one run, and its CPU time (user + system, from the kernel's accounting of it)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, argv)
    return wall, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--query", default="participants")
    parser.add_argument("--command", help="another command line to time, e.g. 'describe Yang'")
    parser.add_argument("--before", metavar="SRC", help="also time the package found in SRC (PYTHONPATH)")
    parser.add_argument("--before-entry", default="main", help="the console script's function in SRC")
    parser.add_argument("--rdflib", action="store_true", help="also time benchmarks/rdflib_query.py")
    args = parser.parse_args()
    commands = _commands(args)
    for argv, env in commands.values():  # warm: the cache entry, the OS's file cache, .pyc files
        _run(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for _ in range(args.runs):
        random.shuffle(names)
        for name in names:
            wall, used = _run(*commands[name])
            times[name].append(wall)
            cpu[name].append(used)
    floor = statistics.median(next(iter(times.values())))
    cpu_floor = statistics.median(next(iter(cpu.values())))
    print(
        f"{platform.node()}, {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; {args.runs} interleaved rounds, with bytecode"
    )
    print("| command | median | p10–p90 | × floor | CPU median | CPU × floor |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values in times.items():
        deciles = statistics.quantiles(values, n=10)
        median = statistics.median(values)
        used = statistics.median(cpu[name])
        print(
            f"| `{name}` | {median * 1000:.1f} ms | {deciles[0] * 1000:.1f}–{deciles[-1] * 1000:.1f} ms "
            f"| {median / floor:.2f} | {used * 1000:.1f} ms | {used / cpu_floor:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
