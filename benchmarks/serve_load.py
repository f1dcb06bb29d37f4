"""A bounded load test on loopback: `alaska-kg serve` beside `oxigraph serve-read-only` on the same data,
driven by the same client, in the same run.

    python benchmarks/serve_load.py [--clients 4] [--requests 2000] [--memory-requests 10000]
                                    [--json FILE]

Servers (each started here, on a free loopback port, and stopped at the end):
- `alaska-kg serve`: the command a user runs (`--dataset` = the built N-Quads of the cache), answer cache on;
- `alaska-kg serve --cache-size 0`: every request evaluated (what the engine comparison is about);
- the same with the pool swapped for a fork per query (alaska_kg.query.deadline, isolation "process"):
  what the pool saves;
- `oxigraph serve-read-only --union-default-graph`: Oxigraph's own server (Rust), on a store loaded from the
  same N-Quads with `oxigraph load`, with its own `--timeout-s`.

Workloads (GET, `Accept: application/sparql-results+json`, one keep-alive connection per client):
- canned: five canned queries by name (`/queries/NAME`, one with a parameter); Oxigraph gets the same
  queries' text at `/query` (the parameter bound as a VALUES block, as `query --endpoint` sends it);
- ad hoc: five SPARQL texts (full PREFIX lines) to `/sparql` and to Oxigraph's `/query`.
Each: `--clients` threads sharing `--requests` requests; requests/s over the wall time, p50 and p99 of
the request latencies, errors (non-200 answers and exceptions), and the server's CPU time per request
(its whole process tree, from /proc: steadier than wall time on a shared machine). Then memory: RSS of
the server's process tree (server + query workers; PSS, so copy-on-write pages shared by the workers
count once) at start, and before and after `--memory-requests` more requests of the canned mix.

Nothing is asserted: the table goes to docs/performance.md. The machine may be shared: say so.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
PREFIXES = """PREFIX ak: <https://w3id.org/alaska-kg/ontology#>
PREFIX akr: <https://w3id.org/alaska-kg/resource/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
CANNED = [
    ("participants", {}),
    ("issues-by-side", {}),
    ("talks-schedule", {}),
    ("who-accused-whom", {}),
    ("statements-by-actor", {"actor": "akr:yang-jiechi"}),
]
AD_HOC = [
    "SELECT ?p ?l WHERE { ?p a ak:Person ; rdfs:label ?l } ORDER BY ?l",
    'ASK { ?p rdfs:label "Wang Yi"@en }',
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    'SELECT ?s ?o WHERE { ?s rdfs:label ?o FILTER(CONTAINS(LCASE(STR(?o)), "yang")) }',
    "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c ORDER BY DESC(?n) LIMIT 10",
]
FORK_PER_QUERY = """
import sys
import alaska_kg.serve.execution as execution
from alaska_kg.query.deadline import run_with_deadline

class ForkPerQuery:
    def __init__(self, handlers, size, limits=None):
        self.handlers, self.size, self.pids = handlers, size, ()
    def start(self): pass
    def close(self): pass
    async def run(self, name, args, *, timeout, what, hint=""):
        import anyio

        def work():
            job = lambda: self.handlers[name](*args)  # noqa: E731
            return run_with_deadline(job, timeout=timeout, what=what, hint=hint)

        return await anyio.to_thread.run_sync(work)

import alaska_kg.serve.app as app
app.QueryPool = ForkPerQuery
from alaska_kg.cli.app import main
sys.exit(main(sys.argv[1:]))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_listening(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{what} did not listen on {port}")


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process, its live descendants and its reaped children (/proc)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _tree_pss_kib(pid: int) -> int:
    """PSS of a process and its descendants, KiB (/proc/PID/smaps_rollup): resident memory with each page
    shared by N processes (the workers' copy-on-write pages) counted 1/N in each, so the sum is what the
    server really holds."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(re.search(r"Pss:\s+(\d+)", rollup)[1])  # type: ignore[index]
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending += [int(c) for c in children]
        except (OSError, TypeError):
            continue
    return total


class Server:
    def __init__(self, name: str, process: subprocess.Popen, port: int, paths: dict[str, list[str]]):
        self.name, self.process, self.port, self.paths = name, process, port, paths

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _alaska(dataset: Path, script: str | None, name: str, *extra: str) -> Server:
    port = _free_port()
    args = ["serve", "--port", str(port), "--dataset", str(dataset), "--root", str(REPO), *extra]
    command = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "alaska_kg", *args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_listening(port, process, name)
    canned = []
    for query, params in CANNED:
        canned.append(f"/queries/{query}" + (f"?{urlencode(params)}" if params else ""))
    ad_hoc = ["/sparql?" + urlencode({"query": PREFIXES + q}) for q in AD_HOC]
    return Server(name, process, port, {"canned": canned, "ad hoc": ad_hoc})


def _oxigraph(dataset: Path, folder: Path) -> Server:
    from alaska_kg.paths import locate
    from alaska_kg.query.catalog import find_query
    from alaska_kg.query.params import bind
    from alaska_kg.store.values import with_values

    oxigraph = Path(sys.executable).with_name("oxigraph")
    store = folder / "oxigraph-store"
    subprocess.run([str(oxigraph), "load", "--location", str(store), "--file", str(dataset)], check=True)
    port = _free_port()
    process = subprocess.Popen(
        [
            str(oxigraph),
            "serve-read-only",
            "--location",
            str(store),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
            "--timeout-s",
            "60",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_listening(port, process, "oxigraph serve-read-only")
    layout = locate(REPO)
    canned = []
    for name, params in CANNED:
        query = find_query(layout, name)
        bindings = bind(query, [f"{k}={v}" for k, v in params.items()])
        text = with_values(query.text, bindings) if bindings else query.text
        canned.append("/query?" + urlencode({"query": text}))
    ad_hoc = ["/query?" + urlencode({"query": PREFIXES + q}) for q in AD_HOC]
    return Server("oxigraph serve-read-only", process, port, {"canned": canned, "ad hoc": ad_hoc})


def _drive(port: int, paths: list[str], clients: int, requests: int) -> dict[str, float]:
    """`requests` GETs of `paths` (round robin) from `clients` threads, keep-alive: the figures."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine: list[float] = []
        failed = 0
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            path = paths[index % len(paths)]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                response = connection.getresponse()
                body = response.read()
                if response.status != 200 or not body:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / wall,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "errors": errors[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000, help="per server and workload")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the workloads, interleaved")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    from alaska_kg.cli.sources import make_dataset
    from alaska_kg.paths import locate
    from alaska_kg.query.dataset import dataset_path

    dataset, _ = dataset_path(locate(REPO), make=make_dataset)
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    memory: dict[str, tuple[int, int, int]] = {}
    started: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="alaska-kg-serve-load-") as tmp:
        servers: list[Server] = []
        try:  # started one by one inside the try: a server that fails to start stops those before it
            servers.append(_alaska(dataset, None, "alaska-kg serve"))
            servers.append(_alaska(dataset, None, "alaska-kg serve --cache-size 0", "--cache-size", "0"))
            servers.append(
                _alaska(
                    dataset,
                    FORK_PER_QUERY,
                    "alaska-kg serve --cache-size 0, fork per query",
                    "--cache-size",
                    "0",
                )
            )
            servers.append(_oxigraph(dataset, Path(tmp)))
            for server in servers:
                started[server.name] = _tree_pss_kib(server.process.pid)
            for server in servers:  # warm up: every path once
                _drive(server.port, server.paths["canned"] + server.paths["ad hoc"], 1, 20)
            for _ in range(args.rounds):
                for workload in ("canned", "ad hoc"):
                    for server in servers:
                        cpu = _tree_cpu_seconds(server.process.pid)
                        figures = _drive(server.port, server.paths[workload], args.clients, args.requests)
                        cpu = _tree_cpu_seconds(server.process.pid) - cpu
                        figures["server_cpu_ms"] = cpu * 1000 / max(figures["requests"], 1)
                        results.setdefault(server.name, {}).setdefault(workload, []).append(figures)
                        print(server.name, workload, json.dumps(figures), file=sys.stderr, flush=True)
            for server in (servers[0], servers[1], servers[3]):
                before = _tree_pss_kib(server.process.pid)
                figures = _drive(server.port, server.paths["canned"], args.clients, args.memory_requests)
                after = _tree_pss_kib(server.process.pid)
                memory[server.name] = (started[server.name], before, after)
                results[server.name].setdefault("memory run", []).append(figures)
        finally:
            for server in servers:
                server.stop()

    def best(runs: list[dict[str, float]]) -> dict[str, float]:
        """The round with the highest throughput (the least disturbed by the other work on the machine)."""
        return max(runs, key=lambda r: r["rps"])

    print(
        f"\n{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{args.clients} clients, {args.requests} requests per server and workload, "
        f"best of {args.rounds} rounds\n"
    )
    print("| server | workload | requests/s | p50 ms | p99 ms | errors | server CPU ms per request |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, workloads in results.items():
        for workload, runs in workloads.items():
            r = best(runs)
            errors = sum(run["errors"] for run in runs)
            cpus = [run["server_cpu_ms"] for run in runs if "server_cpu_ms" in run]
            cpu = f"{statistics.median(cpus):.2f}" if cpus else ""
            print(
                f"| {name} | {workload} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {errors} "
                f"| {cpu} |"
            )
    memory_head = f"memory (PSS) at start, MiB | before {args.memory_requests} more requests | after them"
    print(f"\n| server | {memory_head} |")
    print("|---|---:|---:|---:|")
    for name, (start, before, after) in memory.items():
        print(f"| {name} | {start / 1024:.1f} | {before / 1024:.1f} | {after / 1024:.1f} |")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "memory_kib": memory}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
