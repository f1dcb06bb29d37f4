"""`alaska-kg build` of the bundled data, empty cache, against its floor `import rdflib` (issue 12).

    python benchmarks/build_floor.py [--runs 15] [--src LABEL=SRC ...]

The part of benchmarks/run.py's bundled run that issue 12's build target is about, alone (a minute instead
of most of an hour): one untimed round, then `--runs` rounds, each running every command once in an order
shuffled per round, all from this one process tree, each build with a fresh empty cache and output folder.
It prints each command's median wall time and median CPU time (user + system of the process and its
children, from wait4), and their ratios to the floor's (`python -c "import rdflib"`). `--src LABEL=SRC`
adds a build by the `src/` of another checkout (`PYTHONPATH=SRC`; e.g. `git archive main src | tar -x -C
/tmp/main`), as often as given. As in run.py the commands run with bytecode (PYTHONDONTWRITEBYTECODE
removed, the bytecode in a scratch PYTHONPYCACHEPREFIX), as an installed wheel does. Nothing is asserted:
the figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and its children) of one run; exit 0 or fail."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed ({status}): {process.stderr.read().decode()[-500:]}")
    process.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--src", action="append", default=[], metavar="LABEL=SRC", help="also build with PYTHONPATH=SRC"
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="alaska-kg-build-floor-"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    build = [sys.executable, "-m", "alaska_kg", "build", "--root", str(REPO), "--out"]
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c 'import rdflib'": ([sys.executable, "-c", "import rdflib"], env),
        "alaska-kg build": (build, env),
    }
    for given in args.src:
        label, _, src = given.partition("=")
        commands[f"alaska-kg build ({label})"] = (build, {**env, "PYTHONPATH": str(Path(src).resolve())})
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    try:
        for number in range(args.runs + 1):
            names = list(commands)
            random.shuffle(names)
            for name in names:
                command, run_env = commands[name]
                if name.startswith("alaska-kg"):
                    folder = scratch / f"{number}-{names.index(name)}"
                    run_env = {**run_env, "ALASKA_KG_CACHE": str(folder / "cache")}
                    command = [*command, str(folder / "out")]
                figures = _run(command, run_env)
                if number:  # the first round warms the bytecode and the file cache
                    samples[name].append(figures)
                shutil.rmtree(scratch / f"{number}-{names.index(name)}", ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    floor_wall = statistics.median(w for w, _ in samples["python -c 'import rdflib'"])
    floor_cpu = statistics.median(c for _, c in samples["python -c 'import rdflib'"])
    print(f"{args.runs} interleaved rounds; load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<34} {'wall':>9} {'ratio':>6} {'CPU':>9} {'ratio':>6}")
    for name, figures in samples.items():
        wall = statistics.median(w for w, _ in figures)
        cpu = statistics.median(c for _, c in figures)
        ratios = f"{wall / floor_wall:5.2f}x {cpu * 1000:7.0f}ms {cpu / floor_cpu:5.2f}x"
        print(f"{name:<34} {wall * 1000:7.0f}ms {ratios}")


if __name__ == "__main__":
    main()
