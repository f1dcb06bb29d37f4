"""`alaska-kg serve` as a user runs it: one command that builds the dataset if the cache has none, says
where it listens, answers, and stops cleanly on Ctrl-C; bad options and a busy port are one-line errors."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from alaska_kg.cache import CACHE_ENV_VAR
from http_client import send

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120.0  # seconds: a cold build of the dataset comes first


def _serve(cache: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, CACHE_ENV_VAR: str(cache)}
    return subprocess.Popen(
        [sys.executable, "-m", "alaska_kg", "serve", "--root", str(REPO), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _address(process: subprocess.Popen) -> tuple[str, list[str]]:
    """The base URL the server printed, and the lines it printed, up to the last (saying how to stop it)."""
    lines: list[str] = []
    base = None
    deadline = time.monotonic() + START_TIMEOUT
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"SPARQL endpoint: (http://127\.0\.0\.1:\d+)/sparql", line)
        base = found[1] if found else base
        if base is not None and "Ctrl-C stops it" in line:
            return base, lines
    process.kill()
    raise AssertionError(f"no address printed: {lines} {process.stderr.read() if process.stderr else ''}")


def _children(pid: int) -> list[int]:
    return [
        int(c)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for c in (task / "children").read_text().split()
    ]


def test_serve_builds_prints_its_address_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process = _serve(tmp_path / "empty-cache", "--port", "0", "--workers", "3")
    try:
        base, lines = _address(process)
        assert lines[0].startswith("alaska-kg ") and "serving" in lines[0]
        answer = send(base, "GET", "/sparql?" + urlencode({"query": 'ASK { ?p rdfs:label "Wang Yi"@en }'}))
        assert answer.status == 200 and json.loads(answer.body)["boolean"] is True
        assert send(base, "GET", "/queries").status == 200
        workers = _children(process.pid)
        assert len(workers) == 3  # the query pool (--workers 3), forked at startup
        assert "3 queries at once" in "".join(lines)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]  # the workers ended with it
    assert "building it" in err  # the cache was empty: built first, and said so
    assert err.rstrip().endswith("alaska-kg: stopped")
    assert "Traceback" not in err


def test_a_busy_port_is_a_one_line_error(tmp_path: Path, dataset_file: Path) -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        port = str(busy.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-m", "alaska_kg", "serve", "--port", port, "--dataset", str(dataset_file)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        busy.close()
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"alaska-kg: error: cannot listen on 127.0.0.1:{port}: ")


def test_bad_options_are_usage_errors(cli) -> None:
    bad = (["--timeout", "0"], ["--port", "70000"], ["--max-rows", "-1"], ["--cors", " "], ["--workers", "0"])
    for args in bad:
        code, _, err = cli("serve", *args)
        assert code == 2, args
        assert err.count("\n") == 1 and "error" in err, args
