"""Benchmark alaska-kg: the bundled graph, its plain alternatives, and synthetic corpora of 10^4–10^6 triples.

    /work/venv/bin/python benchmarks/run.py                  # everything (10^6 takes many minutes)
    /work/venv/bin/python benchmarks/run.py --sizes 1e4,1e5  # fewer synthetic sizes
    /work/venv/bin/python benchmarks/run.py --quick          # smoke run: few rounds, 10^4 only

Prints a table and writes benchmarks/results.json. Every figure is the median of several runs after a
warm-up, with min and max; the things compared are run in the same rounds, interleaved, because the machine
is shared and noisy (ratios hold better than absolute times). Work runs in child processes (tasks.py), each
with a time limit per step: a step over it is recorded as infeasible, with the reason, and the rest goes on.
The targets of issue 6 are reported (met/missed, by how much), never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

PYTHON = sys.executable
BIN = Path(PYTHON).parent
ALASKA_KG = str(BIN / "alaska-kg")
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
TASKS = str(HERE / "tasks.py")
RDFLIB_SCRIPT = str(HERE / "rdflib_query.py")

COLD_QUERIES = ("participants", "who-accused-whom", "issues-by-side")  # no parameters: same text everywhere
DESCRIBE = "Yang Jiechi"
STAGES = ("parse", "validate", "checks", "reason", "export")
REASONER = "rules"  # the build's default (alaska_kg.build.reason.DEFAULT_REASONER)
_SERVICE = re.compile(r"^[^#]*\bSERVICE\b", re.IGNORECASE | re.MULTILINE)  # federated: not local work
LINEAR_EXPONENT = 1.2  # "close to linear": a fitted exponent b at most this
MB = 1024.0


# ---------------------------------------------------------------------------------------- statistics


@dataclass
class Figure:
    """A set of timings (seconds) of one thing: reported as median, min and max."""

    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    def to_json(self) -> dict[str, object]:
        if not self.samples:
            return {"runs": 0}
        return {
            "median": round(self.median, 6),
            "min": round(min(self.samples), 6),
            "max": round(max(self.samples), 6),
            "runs": len(self.samples),
        }


def fit_exponent(points: list[tuple[float, float]]) -> float | None:
    """Least squares on logs: b in t = a·n^b over (n, t) points with t > 0; None under two points."""
    points = [(n, t) for n, t in points if n > 0 and t and t > 0]
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else None


def human(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms" if seconds < 0.1 else f"{seconds * 1e3:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def cell(figure: dict[str, object] | None) -> str:
    """`median (min–max)` of a Figure's JSON, or the reason it has none."""
    if not figure:
        return "–"
    if "error" in figure:
        return f"n/a: {figure['error']}"
    if not figure.get("runs"):
        return "–"
    return f"{human(figure['median'])} ({human(figure['min'])}–{human(figure['max'])})"


# ---------------------------------------------------------------------------------------- processes


def run_process(
    cmd: list[str], env: dict[str, str] | None = None, timeout: float | None = None, stdout: object = None
) -> tuple[float, float, int]:
    """Run `cmd` to its end: (wall seconds, peak resident MB of its process tree, exit code). Killed at
    `timeout` (exit code -9). The peak is the larger of wait4's rusage of that one child and the summed
    peak of the child and its own children sampled by tasks.TreePeak (the build loads its on-disk store
    in a child process of its own: alaska_kg.build.disk_store)."""
    from tasks import TreePeak

    out = subprocess.DEVNULL if stdout is None else stdout
    start = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    timer = threading.Timer(timeout, process.kill) if timeout else None
    if timer:
        timer.start()
    try:
        with TreePeak(process.pid) as tree:
            _pid, status, usage = os.wait4(process.pid, 0)
    finally:
        if timer:
            timer.cancel()
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime  # the child's and its waited-for children's
    return seconds, max(usage.ru_maxrss / MB, tree.peak_bytes / 2**20), process.returncode


# The CPU seconds (user + system) of the last process run_process ran: steadier than wall time when other
# work shares the cores.
LAST_CPU = [0.0]


@dataclass
class TaskRun:
    """The JSON lines of one tasks.py run, and how it ended."""

    lines: list[dict[str, object]]
    wall: float
    peak_mb: float
    exit_code: int
    timed_out: str | None = None  # the item that was running when the step time limit struck
    stderr: str = ""


def run_task(args: list[str], step_timeout: float, env: dict[str, str] | None = None) -> TaskRun:
    """Run `tasks.py ARGS`, reading its JSON lines as they come; kill it if one item runs longer than
    `step_timeout` seconds, and say which."""
    start = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as err:
        process = subprocess.Popen(
            [PYTHON, TASKS, *args], env=env, stdout=subprocess.PIPE, stderr=err, text=True, bufsize=1
        )
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            for line in process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        got: list[dict[str, object]] = []
        running: str | None = None
        timed_out = None
        while True:
            try:
                line = lines.get(timeout=step_timeout)
            except queue.Empty:
                timed_out = running or "(startup)"
                process.kill()
                break
            if line is None:
                break
            record = json.loads(line)
            if "start" in record:
                running = str(record["start"])
            else:
                running = None
                got.append(record)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read()
    return TaskRun(
        got, time.perf_counter() - start, usage.ru_maxrss / MB, process.returncode, timed_out, stderr[-2000:]
    )


# No bytecode at all: Python looks for .pyc files only under an empty prefix folder and writes none, so
# every module (ours and the libraries') is compiled on each call, whatever __pycache__ folders exist.
NO_BYTECODE_PREFIX = Path(tempfile.gettempdir()) / "alaska-kg-bench-no-bytecode"
NO_BYTECODE = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(NO_BYTECODE_PREFIX)}


def interleaved(
    commands: dict[str, list[str]],
    rounds: int,
    env: dict[str, str],
    overrides: dict[str, dict[str, str | None]] | None = None,
) -> dict[str, dict]:
    """Whole-process times of each command: one warm-up round, then `rounds` rounds, each running every
    command once in an order rotated per round. `overrides`: environment changes for some commands (None
    removes a variable)."""
    overrides = overrides or {}

    def env_of(name: str) -> dict[str, str]:
        changed = dict(env)
        for key, value in overrides.get(name, {}).items():
            if value is None:
                changed.pop(key, None)
            else:
                changed[key] = value
        return changed

    names = list(commands)
    figures = {name: Figure() for name in names}
    peaks: dict[str, float] = {}
    codes: dict[str, int] = {}
    for number in range(rounds + 1):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            seconds, peak, code = run_process(commands[name], env=env_of(name), timeout=120)
            codes[name] = code
            peaks[name] = max(peaks.get(name, 0.0), peak)
            if number:
                figures[name].samples.append(seconds)
    return {
        name: {**figures[name].to_json(), "peak_mb": round(peaks[name], 1), "exit_code": codes[name]}
        for name in names
    }


# ---------------------------------------------------------------------------------------- machine


def machine() -> dict[str, object]:
    from importlib.metadata import PackageNotFoundError, version

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for package in (
        "alaska-kg",
        "rdflib",
        "pyshacl",
        "pyshacl-turbo",
        "owlrl",
        "reasonable",
        "pyoxigraph",
        "oxigraph",
    ):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    defaults = {}
    try:
        from alaska_kg.build import reason as reasoning
        from alaska_kg.build import validate as validation

        defaults = {
            "validation engine": getattr(validation, "DEFAULT_ENGINE", "pyshacl"),
            "reasoner": reasoning.DEFAULT_REASONER,
        }
    except ImportError:
        pass
    commit = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "defaults": defaults,
        "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


# ---------------------------------------------------------------------------------------- the bundled graph


def snapshot(work: Path) -> Path:
    """A copy of the sources (ontology/, data/, queries/) taken now, so that edits made to the clone while
    the benchmark runs do not change what it measures (nor empty the build cache halfway)."""
    root = work / "root"
    if not root.is_dir():
        for part in ("ontology", "data", "queries"):
            shutil.copytree(REPO / part, root / part)
    return root


def bundled_graph(work: Path, args: argparse.Namespace) -> dict[str, object]:
    """Build stages, full builds, plain alternatives and whole-process cold starts on the bundled graph."""
    result: dict[str, object] = {}
    root = snapshot(work)
    env = {**os.environ, "ALASKA_KG_CACHE": str(work / "cache"), "ALASKA_KG_ROOT": str(root)}
    # Fill the private cache once: the query commands then find the built dataset, as a user's would.
    seconds, _peak, code = run_process(
        [ALASKA_KG, "build", "--out", str(work / "dist")], env=env, timeout=600
    )
    if code != 0:
        raise SystemExit(f"alaska-kg build failed (exit {code}); run it by hand to see why")
    nq = next((work / "cache").glob("*/alaska-kg.nq"))
    result["dataset"] = {"nquads": str(nq), "quads": sum(1 for _ in nq.open(encoding="utf-8"))}

    # Full `alaska-kg build`, each time with an empty cache, interleaved with `python -c "import rdflib"`
    # (issue 12's floor for the build): each round runs both, in an order alternated per round.
    print("bundled: full builds…", file=sys.stderr, flush=True)
    builds = Figure()
    floor = Figure()
    build_cpu, floor_cpu = Figure(), Figure()
    stage_samples: dict[str, Figure] = {}
    peak = 0.0
    floor_peak = 0.0
    for number in range(args.runs + 1):
        run_env = {**env, "ALASKA_KG_CACHE": str(work / f"cache-build-{number}")}
        out = work / f"dist-build-{number}"
        order = ("build", "rdflib") if number % 2 == 0 else ("rdflib", "build")
        for which in order:
            if which == "rdflib":
                seconds, run_peak, _code = run_process([PYTHON, "-c", "import rdflib"], env=env, timeout=120)
                if number:
                    floor.samples.append(seconds)
                    floor_cpu.samples.append(LAST_CPU[0])
                    floor_peak = max(floor_peak, run_peak)
                continue
            seconds, run_peak, code = run_process(
                [ALASKA_KG, "build", "--out", str(out)], env=run_env, timeout=args.timeout
            )
            if code != 0:
                result["build"] = {"error": f"alaska-kg build exited {code}"}
                break
            summary = json.loads((out / "alaska-kg.summary.json").read_text(encoding="utf-8"))
            if number:
                builds.samples.append(seconds)
                build_cpu.samples.append(LAST_CPU[0])
                peak = max(peak, run_peak)
                stages = dict(summary.get("seconds", {}))
                stages["startup, imports and the rest"] = seconds - sum(stages.values())
                for name, value in stages.items():
                    stage_samples.setdefault(name, Figure()).samples.append(value)
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work / f"cache-build-{number}", ignore_errors=True)
        if "build" in result:
            break
    if "build" not in result:
        result["build"] = {
            **builds.to_json(),
            "peak_mb": round(peak, 1),
            "cpu_seconds": build_cpu.median,
            "stages": {name: figure.to_json() for name, figure in stage_samples.items()},
        }
    result["import_rdflib"] = {
        **floor.to_json(),
        "peak_mb": round(floor_peak, 1),
        "cpu_seconds": floor_cpu.median,
    }

    # The stages, and their plain alternatives, in one process, interleaved.
    print("bundled: stages and alternatives, in process…", file=sys.stderr, flush=True)
    queries_dir = root / "queries"
    present = [q for q in COLD_QUERIES if (queries_dir / f"{q}.rq").is_file()]
    (work / "exports").mkdir(exist_ok=True)
    task = run_task(
        [
            "bundled",
            str(root),
            str(nq),
            str(queries_dir),
            str(work / "exports"),
            "--runs",
            str(args.runs),
            "--queries",
            ",".join(present),
        ],
        args.timeout,
        env,
    )
    inprocess: dict[str, dict[str, object]] = {}
    for record in task.lines:
        entry = inprocess.setdefault(str(record["item"]), {"figure": Figure(), "facts": {}})
        if "error" in record:
            entry["error"] = record["error"]
            continue
        if record.get("round", 0):
            entry["figure"].samples.append(float(record["seconds"]))
        entry["facts"] = {k: v for k, v in record.items() if k not in ("item", "round", "seconds")}
    result["inprocess"] = {
        name: ({"error": e["error"]} if "error" in e else {**e["figure"].to_json(), **e["facts"]})
        for name, e in inprocess.items()
    }
    if task.timed_out or task.exit_code:
        result["inprocess_error"] = (
            f"stopped at {task.timed_out or 'exit ' + str(task.exit_code)}: {task.stderr[-300:]}"
        )

    # Whole-process cold starts, with the cache warm, against plain Python, rdflib and the oxigraph CLI.
    print("bundled: cold starts…", file=sys.stderr, flush=True)
    commands: dict[str, list[str]] = {
        "python -c pass": [PYTHON, "-c", "pass"],
        "python -c 'import pyoxigraph'": [PYTHON, "-c", "import pyoxigraph"],
        "python -c 'import alaska_kg.cli.app'": [PYTHON, "-c", "import alaska_kg.cli.app"],
    }
    for name in present:
        commands[f"alaska-kg query {name}"] = [ALASKA_KG, "query", name]
    unbytecoded = f"alaska-kg query {present[0]} (no bytecode at all)" if present else None
    NO_BYTECODE_PREFIX.mkdir(exist_ok=True)
    if unbytecoded:
        commands[unbytecoded] = [ALASKA_KG, "query", present[0]]
    commands[f'alaska-kg describe "{DESCRIBE}"'] = [ALASKA_KG, "describe", DESCRIBE]
    for name in present:
        commands[f"rdflib script {name}"] = [PYTHON, RDFLIB_SCRIPT, str(nq), str(queries_dir / f"{name}.rq")]
    if OXIGRAPH:
        store = work / "oxigraph-store"
        load = Figure()
        for number in range(args.runs + 1):
            shutil.rmtree(store, ignore_errors=True)
            seconds, _peak, code = run_process(
                [OXIGRAPH, "load", "--location", str(store), "--file", str(nq)], timeout=args.timeout
            )
            if number and code == 0:
                load.samples.append(seconds)
        result["oxigraph_cli_load"] = load.to_json()
        for name in present:
            commands[f"oxigraph query {name}"] = [
                OXIGRAPH,
                "query",
                "--location",
                str(store),
                "--query-file",
                str(queries_dir / f"{name}.rq"),
                "--results-format",
                "csv",
                "--union-default-graph",
            ]
    else:
        result["oxigraph_cli_load"] = {
            "error": "the oxigraph command is not installed (pip install oxigraph)"
        }
    result["cold_start"] = interleaved(
        commands, args.cold_runs, env, {unbytecoded: NO_BYTECODE} if unbytecoded else None
    )
    result["cold_queries"] = present
    return result


# ---------------------------------------------------------------------------------------- synthetic corpora


def runs_for(size: float, args: argparse.Namespace) -> tuple[int, int]:
    """(runs, warm-up runs) for a corpus size: fewer at 10^6, where one build takes minutes."""
    if args.quick:
        return 1, 0
    if size >= 5e5:
        return args.size_runs_large, 0
    return args.size_runs, 1


def synthetic_size(size: float, work: Path, args: argparse.Namespace) -> dict[str, object]:
    from alaska_kg.build.synthetic import copies_for, generate, read_template
    from alaska_kg.paths import locate

    label = f"{size:.0e}".replace("+0", "").replace("+", "")
    folder = work / f"corpus-{label}"
    sources = locate(snapshot(work))
    template = read_template(sources)
    copies = copies_for(int(size), template)
    start = time.perf_counter()
    corpus = generate(folder, copies, sources, template)
    result: dict[str, object] = {
        "target": size,
        "copies": copies,
        "triples": corpus.triples,
        "generate_seconds": round(time.perf_counter() - start, 3),
    }
    runs, warmups = runs_for(size, args)
    figures = {name: Figure() for name in (*STAGES, "import", "total")}
    facts: dict[str, dict[str, object]] = {}
    peaks: dict[str, float] = {}
    stage_peaks: dict[str, float] = {}
    infeasible: dict[str, str] = {}
    build_wall = Figure()
    process_peak = Figure()
    out = work / f"build-{label}"
    for number in range(runs + warmups):
        skip: list[str] = sorted(infeasible)
        measured = number >= warmups
        print(f"synthetic {label}: build run {number + 1}/{runs + warmups}…", file=sys.stderr, flush=True)
        while True:
            shutil.rmtree(out, ignore_errors=True)
            task = run_task(
                ["stages", str(folder), str(out), "--reasoner", REASONER, "--skip", ",".join(skip)],
                args.timeout,
            )
            for record in task.lines:
                name = str(record["item"])
                if measured and name in figures:
                    figures[name].samples.append(float(record["seconds"]))
                    peaks[name] = max(peaks.get(name, 0.0), float(record.get("peak_mb", 0.0)))
                    stage_peak = record.get("stage_peak_mb")
                    if stage_peak is not None:
                        stage_peaks[name] = max(stage_peaks.get(name, 0.0), float(stage_peak))
                    dropped = ("item", "seconds", "peak_mb", "stage_peak_mb")
                    facts[name] = {k: v for k, v in record.items() if k not in dropped}
            if task.timed_out in STAGES:
                infeasible[task.timed_out] = f"over the {args.timeout:.0f} s step limit"
                skip = sorted(infeasible)
                if task.timed_out == "parse":
                    break
                continue  # again, past the stage that ran out of time
            if task.exit_code:
                result["error"] = f"stages task exited {task.exit_code}: {task.stderr[-400:]}"
            elif measured and not infeasible:
                build_wall.samples.append(task.wall)
                process_peak.samples.append(task.peak_mb)
            break
        if "error" in result or "parse" in infeasible:
            break
    result["stages"] = {
        name: (
            {"error": infeasible[name]}
            if name in infeasible
            else {
                **figures[name].to_json(),
                "peak_mb": round(peaks.get(name, 0.0), 1),
                **({"stage_peak_mb": stage_peaks[name]} if name in stage_peaks else {}),
                **facts.get(name, {}),
            }
        )
        for name in figures
    }
    result["build"] = {**build_wall.to_json(), "peak_mb": round(max(process_peak.samples, default=0.0), 1)}
    if infeasible:
        result["build"]["error"] = "a stage ran over the step limit: " + ", ".join(sorted(infeasible))

    # `alaska-kg build` as a user runs it (whole process, empty cache: the cache entry with its on-disk
    # store, then the copy into the output folder), then every canned query as a user runs it: a new
    # process each, the cache warm (issue 12: "every canned query at 10^6, cold").
    cache = work / f"cache-{label}"
    dist = work / f"dist-{label}"
    whole = Figure()
    whole_cpu = Figure()
    whole_peak = 0.0
    env = {**os.environ, "ALASKA_KG_CACHE": str(cache)}
    for number in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(dist, ignore_errors=True)
        print(f"synthetic {label}: alaska-kg build {number + 1}/{runs}…", file=sys.stderr, flush=True)
        seconds, peak, code = run_process(
            [ALASKA_KG, "build", "--root", str(folder), "--out", str(dist)], env=env, timeout=args.timeout
        )
        if code != 0:
            whole = Figure()
            result["alaska_kg_build_error"] = f"alaska-kg build exited {code}"
            break
        whole.samples.append(seconds)
        whole_cpu.samples.append(LAST_CPU[0])
        whole_peak = max(whole_peak, peak)
    result["alaska_kg_build"] = {
        **whole.to_json(),
        "peak_mb": round(whole_peak, 1),
        "cpu_seconds": whole_cpu.median,
    }
    store_listed = any(cache.glob("*/alaska-kg.oxigraph"))
    result["on_disk_store"] = store_listed
    if whole.samples:
        print(f"synthetic {label}: cold queries…", file=sys.stderr, flush=True)
        commands = {"python -c 'import pyoxigraph'": [PYTHON, "-c", "import pyoxigraph"]}
        for name, path in sorted((p.stem, p) for p in (folder / "queries").glob("*.rq")):
            if not _SERVICE.search(path.read_text(encoding="utf-8")):
                # as a user runs it: the default output (a table with labels), to /dev/null
                commands[f"alaska-kg query {name}"] = [ALASKA_KG, "query", name, "--root", str(folder)]
        result["cold_queries"] = interleaved(commands, 1 if args.quick or size >= 5e5 else 3, env)

    # Every canned query, in process, on the built N-Quads.
    nq = out / "alaska-kg.nq"
    if nq.is_file():
        print(f"synthetic {label}: queries…", file=sys.stderr, flush=True)
        query_runs = 2 if args.quick or size >= 5e5 else max(3, runs)
        skip: list[str] = []
        latencies: dict[str, dict[str, object]] = {}
        while True:
            task = run_task(
                [
                    "queries",
                    str(nq),
                    str(folder / "queries"),
                    "--runs",
                    str(query_runs),
                    "--skip",
                    ",".join(skip),
                ],
                args.query_timeout,
            )
            for record in task.lines:
                figure = Figure([float(s) for s in record["seconds"]])
                facts = {k: v for k, v in record.items() if k not in ("item", "seconds")}
                latencies[str(record["item"])] = facts if "error" in facts else {**figure.to_json(), **facts}
            if task.exit_code and not task.timed_out:
                result["queries_error"] = f"queries task exited {task.exit_code}: {task.stderr[-300:]}"
            if task.timed_out and task.timed_out != "(startup)":
                latencies[task.timed_out] = {"error": f"over the {args.query_timeout:.0f} s step limit"}
                skip.append(task.timed_out)
                continue
            break
        result["load"] = latencies.pop("load", {"error": "not loaded"})
        result["queries"] = latencies
    if not args.keep:
        for path in (folder, out, cache, dist):
            shutil.rmtree(path, ignore_errors=True)
    return result


# ---------------------------------------------------------------------------------------- targets


def args_query_limit(results: dict[str, object]) -> float:
    """The per-query step limit of the run, in seconds (a lower bound for a query stopped by it)."""
    return float((results.get("settings") or {}).get("query_timeout", 120.0))


def median_of(figure: dict[str, object] | None) -> float | None:
    return figure.get("median") if figure and figure.get("runs") else None


def targets(results: dict[str, object]) -> list[dict[str, object]]:
    """Each target of issue 6: the measured value, the limit, met or missed and by how much."""
    found: list[dict[str, object]] = []

    def add(
        name: str, value: float | None, limit: float, unit: str, lower_is_better: bool = True, note: str = ""
    ):
        if value is None:
            found.append({"target": name, "status": "not measured", "note": note})
            return
        met = value <= limit if lower_is_better else value >= limit
        factor = value / limit if lower_is_better else limit / value
        found.append(
            {
                "target": name,
                "value": round(value, 4),
                "limit": limit,
                "unit": unit,
                "status": "met" if met else "missed",
                "by": f"{factor:.2f}× the limit"
                if not met
                else f"{(1 / factor if factor else 0):.2f}× margin",
                "note": note,
            }
        )

    bundled = results.get("bundled") or {}
    cold = bundled.get("cold_start") or {}
    base = median_of(cold.get("python -c 'import pyoxigraph'"))
    for name in bundled.get("cold_queries", []):
        ours = median_of(cold.get(f"alaska-kg query {name}"))
        rdflib = median_of(cold.get(f"rdflib script {name}"))
        add(
            f"cold `alaska-kg query {name}` ≤ 2× `python -c 'import pyoxigraph'`",
            ours / base if ours and base else None,
            2.0,
            "× import pyoxigraph",
            note=f"{human(ours)} vs {human(base)}",
        )
        add(
            f"cold `alaska-kg query {name}` ≥ 10× faster than the rdflib script",
            rdflib / ours if ours and rdflib else None,
            10.0,
            "× faster",
            lower_is_better=False,
            note=f"{human(ours)} vs {human(rdflib)}",
        )
    build = median_of(bundled.get("build"))
    floor = median_of(bundled.get("import_rdflib"))
    add(
        "`alaska-kg build` of the bundled graph, empty cache ≤ 2× `python -c 'import rdflib'`",
        build / floor if build and floor else None,
        2.0,
        "× import rdflib",
        note=f"{human(build)} vs {human(floor)}",
    )
    sizes = results.get("synthetic") or []
    largest = max(sizes, key=lambda s: s.get("triples", 0), default=None)
    if largest and largest.get("target", 0) >= 5e5:
        tag = f"at {largest['triples']:,} triples"
        whole = largest.get("alaska_kg_build") or {}
        stages = (largest.get("stages") or {}).get("total") or {}
        stage_peak = (largest.get("build") or {}).get("peak_mb")
        note = f"stages in one process: {human(median_of(stages))}, {stage_peak} MB"
        add(f"`alaska-kg build` {tag} ≤ 60 s", median_of(whole), 60.0, "s", note=note)
        add(
            f"`alaska-kg build` {tag} ≤ 2 GB peak memory",
            (whole.get("peak_mb") or None) and whole["peak_mb"] / 1024,
            2.0,
            "GB",
            note=note,
        )
        cold_sized = {
            k.removeprefix("alaska-kg query "): v
            for k, v in (largest.get("cold_queries") or {}).items()
            if k.startswith("alaska-kg query ")
        }
        latencies = {k: median_of(v) for k, v in cold_sized.items() if median_of(v) is not None}
        failed = sorted(k for k, v in cold_sized.items() if v.get("exit_code"))
        slowest = max(latencies, key=lambda k: latencies[k], default=None)
        value = latencies.get(slowest) if slowest else None
        over = sorted(k for k, v in latencies.items() if v >= 1.0)
        add(
            f"every canned query {tag}, cold (`alaska-kg query`, new process) < 1 s",
            value,
            1.0,
            "s",
            note=f"slowest: {slowest} {human(value)}"
            + (f"; over 1 s: {', '.join(over)}" if over else "")
            + (f"; non-zero exit: {', '.join(failed)}" if failed else ""),
        )
    fits = results.get("exponents") or {}
    worst = max(
        (k for k in fits if fits[k] is not None and not k.startswith("query ")),
        key=lambda k: fits[k],
        default=None,
    )
    if worst:
        add(
            f"costs close to linear (fitted exponent ≤ {LINEAR_EXPONENT})",
            fits[worst],
            LINEAR_EXPONENT,
            "",
            note=f"steepest: {worst}",
        )
    return found


def exponents(sizes: list[dict[str, object]]) -> dict[str, float | None]:
    fits: dict[str, float | None] = {}
    for name in (*STAGES, "total"):
        points = [(s["triples"], median_of((s.get("stages") or {}).get(name))) for s in sizes]
        fits[name if name != "total" else "build (whole process)"] = fit_exponent(points)
    fits["load N-Quads (pyoxigraph)"] = fit_exponent(
        [(s["triples"], median_of(s.get("load"))) for s in sizes]
    )
    queries = sorted({q for s in sizes for q in (s.get("queries") or {})})
    for name in queries:
        fits[f"query {name}"] = fit_exponent(
            [(s["triples"], median_of((s.get("queries") or {}).get(name))) for s in sizes]
        )
    peak = fit_exponent([(s["triples"], (s.get("build") or {}).get("peak_mb")) for s in sizes])
    fits["peak memory"] = peak
    whole = [(s["triples"], median_of(s.get("alaska_kg_build"))) for s in sizes]
    fits["alaska-kg build"] = fit_exponent(whole)
    for name in sorted({q for s in sizes for q in (s.get("cold_queries") or {})}):
        fits[f"cold {name}"] = fit_exponent(
            [(s["triples"], median_of((s.get("cold_queries") or {}).get(name))) for s in sizes]
        )
    return {k: (round(v, 3) if v is not None else None) for k, v in fits.items()}


# ---------------------------------------------------------------------------------------- the table


def _stage(size: dict[str, object], name: str) -> dict[str, object]:
    return (size.get("stages") or {}).get(name) or {}


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *(line(r) for r in rows)])


def report(results: dict[str, object]) -> str:
    m = results["machine"]
    parts = [
        f"alaska-kg benchmark — {m['date']}, commit {m['commit']}",
        f"machine: {m['nproc']} CPU ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v),
        "figures: median (min–max) of the runs after a warm-up",
    ]
    bundled = results.get("bundled")
    if bundled:
        build = bundled.get("build", {})
        floor = bundled.get("import_rdflib") or {}
        rows = [
            ("`alaska-kg build` (whole process, empty cache)", cell(build), f"{build.get('peak_mb')} MB"),
            ("python -c 'import rdflib' (same rounds)", cell(floor), f"{floor.get('peak_mb', '–')} MB"),
            (
                "CPU seconds: build / import rdflib",
                f"{build.get('cpu_seconds', '–')} / {floor.get('cpu_seconds', '–')}",
                "",
            ),
        ]
        for name, figure in (build.get("stages") or {}).items():
            rows.append((f"  stage: {name}", cell(figure), ""))
        parts += [
            "",
            f"BUNDLED GRAPH ({bundled['dataset']['quads']:,} quads built)",
            table(rows, ("build", "time", "peak memory")),
        ]
        inproc = bundled.get("inprocess") or {}
        rows = []
        for name, figure in inproc.items():
            facts = ", ".join(
                f"{k}={v}"
                for k, v in figure.items()
                if k not in ("median", "min", "max", "runs", "error", "peak_mb")
            )
            rows.append((name, cell(figure), facts))
        parts += ["", table(rows, ("in process, interleaved", "time", "result"))]
        cold = bundled.get("cold_start") or {}
        base = median_of(cold.get("python -c 'import pyoxigraph'"))
        rows = [
            (
                name,
                cell(figure),
                f"{median_of(figure) / base:.2f}×" if base and median_of(figure) else "–",
                f"{figure.get('peak_mb', '–')} MB",
                str(figure.get("exit_code", "")),
            )
            for name, figure in cold.items()
        ]
        rows.append(("oxigraph load (store, once)", cell(bundled.get("oxigraph_cli_load")), "", "", ""))
        parts += [
            "",
            table(rows, ("whole process, warm cache", "time", "vs import pyoxigraph", "peak", "exit")),
        ]
    sizes = results.get("synthetic") or []
    if sizes:
        header = (
            "synthetic corpus",
            *(f"{s['triples']:,} triples ({s['copies']} copies)" for s in sizes),
            "exponent b",
        )
        fits = results.get("exponents") or {}
        rows = []
        for name in (*STAGES, "total"):
            label = "build (whole process)" if name == "total" else name
            rows.append(
                (label, *(cell((s.get("stages") or {}).get(name)) for s in sizes), str(fits.get(label, "–")))
            )
        rows.append(
            (
                "peak memory (stages, one process)",
                *(f"{(s.get('build') or {}).get('peak_mb', '–')} MB" for s in sizes),
                str(fits.get("peak memory", "–")),
            )
        )
        for name in STAGES:
            rows.append(
                (
                    f"  CPU seconds of {name} (all threads)",
                    *(str(_stage(s, name).get("cpu_seconds", "–")) for s in sizes),
                    "",
                )
            )
        for name in STAGES:
            rows.append(
                (
                    f"  peak memory during {name}",
                    *(f"{_stage(s, name).get('stage_peak_mb', '–')} MB" for s in sizes),
                    "",
                )
            )
        rows.append(
            (
                "`alaska-kg build` (whole process, empty cache)",
                *(cell(s.get("alaska_kg_build")) for s in sizes),
                str(fits.get("alaska-kg build", "–")),
            )
        )
        rows.append(
            (
                "  its CPU seconds",
                *(str((s.get("alaska_kg_build") or {}).get("cpu_seconds", "–")) for s in sizes),
                "",
            )
        )
        rows.append(
            (
                "  its peak memory",
                *(f"{(s.get('alaska_kg_build') or {}).get('peak_mb', '–')} MB" for s in sizes),
                "",
            )
        )
        rows.append(("  on-disk store written", *(str(s.get("on_disk_store", "–")) for s in sizes), ""))
        cold_names = sorted({q for s in sizes for q in (s.get("cold_queries") or {})})
        for name in cold_names:
            rows.append(
                (
                    f"cold: {name}",
                    *(cell((s.get("cold_queries") or {}).get(name)) for s in sizes),
                    str(fits.get(f"cold {name}", "–")),
                )
            )
        rows.append(
            (
                "load N-Quads (pyoxigraph)",
                *(cell(s.get("load")) for s in sizes),
                str(fits.get("load N-Quads (pyoxigraph)", "–")),
            )
        )
        queries = sorted({q for s in sizes for q in (s.get("queries") or {})})
        for name in queries:
            rows.append(
                (
                    f"query {name}",
                    *(cell((s.get("queries") or {}).get(name)) for s in sizes),
                    str(fits.get(f"query {name}", "–")),
                )
            )
        parts += ["", table(rows, header)]
    rows = [
        (
            t["target"],
            t["status"],
            f"{t.get('value', '–')} {t.get('unit', '')}".strip(),
            t.get("by", ""),
            t.get("note", ""),
        )
        for t in results.get("targets", [])
    ]
    parts += [
        "",
        "TARGETS (reported, not asserted)",
        table(rows, ("target", "status", "measured", "by", "note")),
    ]
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1e4,1e5,1e6",
        help="synthetic corpus sizes in triples (default: 1e4,1e5,1e6; '' for none)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 10^4 only, few rounds")
    parser.add_argument(
        "--runs", type=int, default=5, help="measured rounds on the bundled graph (default 5)"
    )
    parser.add_argument(
        "--cold-runs", type=int, default=15, help="measured rounds of the cold starts (default 15)"
    )
    parser.add_argument(
        "--size-runs", type=int, default=3, help="measured builds per corpus under 5·10^5 triples"
    )
    parser.add_argument(
        "--size-runs-large", type=int, default=1, help="measured builds per corpus from 5·10^5 on"
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="time limit of one step, seconds (default 900)"
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=120.0,
        help="time limit of one query (its warm-up and runs together), seconds (default 120)",
    )
    parser.add_argument("--no-bundled", action="store_true", help="skip the bundled graph")
    parser.add_argument("--out", default=str(HERE / "results.json"), help="where to write the JSON results")
    parser.add_argument("--work", default=None, help="scratch folder (default: a temporary one, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora and builds")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the parts of --out not run now (the bundled graph, other sizes): to run the sizes apart",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.cold_runs = 1, 3
        args.sizes = "1e4" if args.sizes == parser.get_default("sizes") else args.sizes
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    scratch = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="alaska-kg-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    # Measure what an installed package gives: modules compiled once and their bytecode reused. (This
    # workplace sets PYTHONDONTWRITEBYTECODE=1, so an editable install would compile alaska_kg from source on
    # every call; one cold-start row shows that case.) The bytecode goes to the scratch folder, not to src/.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    results: dict[str, object] = {
        "machine": machine(),
        "settings": {k: v for k, v in vars(args).items() if k not in ("out", "work")},
    }
    earlier: dict[str, object] = {}
    if args.merge and Path(args.out).is_file():
        earlier = json.loads(Path(args.out).read_text(encoding="utf-8"))
        if args.no_bundled and "bundled" in earlier:
            results["bundled"] = earlier["bundled"]

    def save() -> None:  # after each part, so that a run stopped halfway leaves what it measured
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    try:
        if not args.no_bundled:
            results["bundled"] = bundled_graph(scratch, args)
            save()
        kept = [s for s in earlier.get("synthetic") or [] if s.get("target") not in sizes]
        results["synthetic"] = list(kept)
        for size in sizes:
            results["synthetic"].append(synthetic_size(size, scratch, args))
            results["synthetic"].sort(key=lambda s: s.get("target", 0))
            save()
        sizes = [s.get("target") for s in results["synthetic"]]
        results["exponents"] = exponents(results["synthetic"]) if len(sizes) > 1 else {}
        results["targets"] = targets(results)
    finally:
        if not args.work and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    text = report(results)
    results["table"] = text
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
