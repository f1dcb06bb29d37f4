"""Issue 9 §2: every local query has a deadline, Ctrl-C stops it, and an answer's size is bounded.

The runaway query is the issue's own: a cross product of the dataset with itself three times (~2·10^11
solutions for the engine to count), which Oxigraph evaluates without ever returning to Python. The
subprocess timeouts below are hang guards (a broken deadline would hang the suite), never speed claims.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Store,
    Triple,
    parse,
)

from alaska_kg.errors import AlaskaKgError, AnswerCut, QuerySyntaxError, QueryTimeout
from alaska_kg.namespaces import PREFIXES
from alaska_kg.query.catalog import find_query, inline_query
from alaska_kg.query.deadline import WorkerDied, run_with_deadline
from alaska_kg.query.run import DEFAULT_MAX_ROWS, bounded, run_query, solution_rows, solutions_of
from loopback import serving

RUNAWAY = "SELECT (COUNT(*) AS ?count) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HANG_GUARD = 20.0  # seconds; a query that obeys --timeout 1 or Ctrl-C is far inside it
TEXT_UNITS = "SELECT ?unit ?text WHERE { ?unit a ak:TextUnit ; oa:hasSelector/oa:exact ?text } ORDER BY ?unit"
ARTICLE_UNITS = 59  # text units of the article (sentences, list items, headings): data/source.ttl
PERSONS = 17  # named persons in the article (README's table, recomputed by tests/test_readme.py)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rpartition(")")[2].split()  # after "pid (comm)": state, ppid, …
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie, dead but not yet reaped, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _default_sigint() -> None:
    """In the child, before exec: Ctrl-C as a terminal delivers it. A test runner started in the background
    by a shell without job control inherits SIGINT ignored, and Python keeps an ignored SIGINT ignored (no
    KeyboardInterrupt): the Ctrl-C tests would then test how they were launched, not the command."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "alaska_kg", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        preexec_fn=_default_sigint,
    )


def _threads(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def _wait_for_query_thread(process: subprocess.Popen[str], within: float) -> bool:
    """Wait until `process` runs its query in a second thread (the CLI has one thread until then)."""
    end = time.monotonic() + within
    while process.poll() is None and time.monotonic() < end:
        if _threads(process.pid) >= 2:
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def cross_product(dataset_file: Path) -> Path:
    """The dataset must be in the session cache before a subprocess queries it."""
    return dataset_file


def test_the_cross_product_stops_at_its_deadline(cross_product: Path) -> None:
    """If a query runs past --timeout, then it is stopped: exit 13 and one line naming the query and the
    deadline, no answer on stdout, and nothing of it left running (the CLI starts no other process)."""
    process = _start("query", "--timeout", "1", "--sparql", RUNAWAY)
    try:
        out, err = process.communicate(timeout=HANG_GUARD)
        children = _children(process.pid)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 13, err
    assert err == "alaska-kg: error: --sparql ran past its 1 s deadline; rerun with --timeout SECONDS\n"
    assert out == ""
    assert not children


def test_ctrl_c_stops_a_running_query(cross_product: Path) -> None:
    """If SIGINT reaches the CLI while the engine is counting, then it exits 130 at once (the default
    60 s deadline is far away) with one line, and nothing of it is left running."""
    process = _start("query", "--sparql", RUNAWAY)
    try:
        running = _wait_for_query_thread(process, HANG_GUARD)
        time.sleep(0.3)  # the thread is inside the engine by now
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=HANG_GUARD)
        children = _children(process.pid)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130, err
    assert err == "alaska-kg: error: interrupted\n"
    assert running, "the query never ran in a thread of its own"
    assert not children


def test_a_forked_worker_whose_caller_was_killed_ends_by_itself(cross_product: Path, tmp_path: Path) -> None:
    """If a caller of the process isolation (a server) is killed outright (SIGKILL: no chance to clean
    up), then its worker still ends, by its own alarm, shortly after the deadline: no query is left
    running with nobody to read its answer."""
    pid_file = tmp_path / "worker.pid"
    script = f"""
import os, sys
from alaska_kg.query.catalog import inline_query
from alaska_kg.query.dataset import load_store, OpenDataset
from alaska_kg.query.deadline import run_with_deadline
from alaska_kg.query.run import run_query
dataset = OpenDataset(load_store({str(cross_product)!r}), None)
def work():
    open({str(pid_file)!r}, "w").write(str(os.getpid()))
    run_query(dataset, inline_query({RUNAWAY!r}))
    return 0, b""
run_with_deadline(work, timeout=1, what="q", isolation="process")
"""
    process = subprocess.Popen([sys.executable, "-c", script], env=_env(), stderr=subprocess.PIPE)
    try:
        end = time.monotonic() + HANG_GUARD
        while not pid_file.exists() and process.poll() is None and time.monotonic() < end:
            time.sleep(0.02)
        process.kill()
        process.wait()
        worker = int(pid_file.read_text())
        while _running(worker) and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        process.kill()
        process.wait()
    assert not _running(worker)


def test_ctrl_c_stops_a_runaway_integrity_check(tmp_path: Path) -> None:
    """If a check in queries/checks/ runs away, then Ctrl-C still stops `validate` (exit 130): the checks
    are queries too, run under the same deadline (60 s) as `query`."""
    import shutil

    root = Path(__file__).resolve().parents[1]
    for name in ("ontology", "data", "queries"):
        shutil.copytree(root / name, tmp_path / name)
    (tmp_path / "queries/checks/aaa-runaway.rq").write_text(
        "#+ summary: A check that never ends\n#+ columns: [count]\n\n" + RUNAWAY + "\n", encoding="utf-8"
    )
    process = _start("validate", "--root", str(tmp_path))
    try:
        end = time.monotonic() + HANG_GUARD
        since = None  # the check runs in a thread of its own: wait until it has for a while
        while process.poll() is None and time.monotonic() < end:
            if _threads(process.pid) < 2:
                since = None
            elif since is None:
                since = time.monotonic()
            elif time.monotonic() - since > 0.5:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=HANG_GUARD)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130, err
    assert err.endswith("alaska-kg: error: interrupted\n")


def test_a_check_past_its_deadline_is_named_once(tmp_path: Path) -> None:
    """If a check runs past its deadline (made 1 s here instead of 60 s, in the CLI's own process), then the
    message names it `checks/NAME` once (it said `checks/checks/zz-heavy`), exit 13."""
    import shutil

    root = Path(__file__).resolve().parents[1]
    for name in ("ontology", "data", "queries"):
        shutil.copytree(root / name, tmp_path / name)
    (tmp_path / "queries/checks/zz-heavy.rq").write_text(
        "#+ summary: A check that never ends\n#+ columns: [count]\n\n" + RUNAWAY + "\n", encoding="utf-8"
    )
    program = (
        "import sys; import alaska_kg.build.checks as checks; checks.DEFAULT_TIMEOUT = 1.0; "
        "from alaska_kg.cli.app import main; sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, "validate", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=HANG_GUARD * 3,
    )
    assert done.returncode == 13, done.stderr
    assert done.stderr.endswith(
        "alaska-kg: error: checks/zz-heavy ran past its 1 s deadline; a check must be quicker\n"
    )


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_timeout_must_be_a_positive_number_of_seconds(cli, value: str) -> None:
    """--timeout takes a positive, finite number of seconds; anything else is a usage error (exit 2)."""
    code, _, err = cli("query", "participants", "--timeout", value)
    assert code == 2
    assert "not a positive number of seconds" in err


@pytest.mark.parametrize("value", ["-1", "many", "1.5"])
def test_max_rows_must_be_a_count(cli, value: str) -> None:
    code, _, err = cli("query", "participants", "--max-rows", value)
    assert code == 2
    assert "not a number of rows" in err


# --- the runner itself, as a server would use it -------------------------------------------------------


def test_the_runner_returns_the_workers_status_and_payload() -> None:
    """What the work returns comes back unchanged; the work runs in another process."""
    status, payload = run_with_deadline(lambda: (7, str(os.getpid()).encode()), timeout=10, what="w")
    assert status == 7
    assert int(payload) != os.getpid()


def test_the_runner_works_from_any_thread_of_a_server() -> None:
    """A server calls it from a request thread: the worker is forked from there, and its deadline holds."""
    import threading

    results: list[object] = []

    def request() -> None:
        results.append(run_with_deadline(lambda: (0, b"answer"), timeout=10, what="q"))
        try:
            run_with_deadline(lambda: (time.sleep(30), (0, b""))[1], timeout=0.5, what="slow")
        except QueryTimeout as exc:
            results.append(exc.message)

    thread = threading.Thread(target=request)
    thread.start()
    thread.join(timeout=HANG_GUARD)
    assert results == [(0, b"answer"), "slow ran past its 0.5 s deadline; rerun with --timeout SECONDS"]


def test_the_runner_stops_python_work_too(tmp_path: Path) -> None:
    """If the work runs past the deadline, then QueryTimeout names it, and the worker is killed and
    reaped before the call returns (not even a zombie is left)."""
    pid_file = tmp_path / "worker.pid"

    def spin() -> tuple[int, bytes]:
        pid_file.write_text(str(os.getpid()))
        while True:
            pass

    with pytest.raises(QueryTimeout, match=r"^spin ran past its 0.5 s deadline; give it time$") as caught:
        run_with_deadline(spin, timeout=0.5, what="spin", hint="give it time")
    assert caught.value.exit_code == 13
    with pytest.raises(ChildProcessError):  # not our child any more: reaped
        os.waitpid(int(pid_file.read_text()), os.WNOHANG)


def test_the_runner_reraises_the_workers_error() -> None:
    """An AlaskaKgError raised in the worker is raised in the caller, same class, message and code."""

    def bad() -> tuple[int, bytes]:
        raise QuerySyntaxError("q.rq:1:5: SPARQL syntax error: ünexpected")

    with pytest.raises(QuerySyntaxError, match=r"^q\.rq:1:5: SPARQL syntax error: ünexpected$") as caught:
        run_with_deadline(bad, timeout=10, what="q")
    assert caught.value.exit_code == 9


def test_the_runner_reports_a_crash_and_a_dead_worker() -> None:
    """A bug in the work, or a worker killed from outside, is an error of the caller, not a hang."""

    def buggy() -> tuple[int, bytes]:
        raise ValueError("boom")

    with pytest.raises(WorkerDied, match=r"^ValueError: boom$") as caught:
        run_with_deadline(buggy, timeout=10, what="q")
    assert 'raise ValueError("boom")' in caught.value.worker_traceback

    def killed() -> tuple[int, bytes]:
        os.kill(os.getpid(), signal.SIGKILL)
        return 0, b""

    with pytest.raises(
        WorkerDied, match=r"^q: the query worker ended without an answer \(killed by signal 9\)"
    ):
        run_with_deadline(killed, timeout=10, what="q")
    assert not issubclass(WorkerDied, AlaskaKgError)  # a bug: "internal error", exit 1, in the CLI


def test_the_runaway_query_in_a_forked_worker_is_killed_and_reaped(dataset, tmp_path: Path) -> None:
    """As a server runs it: the cross product evaluated in a forked worker ends with QueryTimeout at the
    deadline, and by then the worker is killed and reaped (not even a zombie is left)."""
    pid_file = tmp_path / "worker.pid"

    def work() -> tuple[int, bytes]:
        pid_file.write_text(str(os.getpid()))
        run_query(dataset, inline_query(RUNAWAY))
        return 0, b""

    with pytest.raises(QueryTimeout, match=r"^cross product ran past its 1 s deadline"):
        run_with_deadline(work, timeout=1, what="cross product", isolation="process")
    worker = int(pid_file.read_text())
    assert worker != os.getpid()
    assert not _running(worker)
    with pytest.raises(ChildProcessError):
        os.waitpid(worker, os.WNOHANG)


def test_the_thread_isolation_returns_raises_and_abandons(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "thread": the work's value and its own exception come back as they are; a timeout leaves the
    thread running, and `abandoned()` then tells the caller to end the process."""
    import _thread

    from alaska_kg.query import deadline

    monkeypatch.setattr(deadline, "_abandoned", [])
    assert run_with_deadline(lambda: (3, b"x"), timeout=10, what="q", isolation="thread") == (3, b"x")

    def bad() -> tuple[int, bytes]:
        raise ValueError("as is")

    with pytest.raises(ValueError, match=r"^as is$"):
        run_with_deadline(bad, timeout=10, what="q", isolation="thread")
    assert not deadline.abandoned()
    gate = _thread.allocate_lock()
    gate.acquire()

    def stuck() -> tuple[int, bytes]:
        gate.acquire()  # until the test lets it go
        return 0, b""

    with pytest.raises(QueryTimeout, match=r"^q ran past its 0.2 s deadline; rerun with --timeout SECONDS$"):
        run_with_deadline(stuck, timeout=0.2, what="q", isolation="thread")
    assert deadline.abandoned()
    gate.release()


# --- --max-rows -----------------------------------------------------------------------------------------


def test_the_default_cap_is_documented() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"{DEFAULT_MAX_ROWS:,}" in readme or str(DEFAULT_MAX_ROWS) in readme
    assert "| 13 |" in readme and "| 14 |" in readme


def test_max_rows_cuts_a_table_and_says_so(cli) -> None:
    """If an answer has more rows than --max-rows, then the first ones are shown, the table says it was
    cut, and the command ends with exit 14 and one line naming the query."""
    code, out, err = cli("query", "--sparql", TEXT_UNITS, "--max-rows", "5")
    assert code == 14
    lines = out.splitlines()
    assert len(lines) == 2 + 5 + 1
    assert lines[-1] == "(the first 5 rows; more were left out, see --max-rows)"
    assert err == (
        "alaska-kg: error: --sparql: the answer has more than 5 rows (or triples); only the first 5 were "
        "written; rerun with --max-rows N (0: no limit)\n"
    )


def test_an_answer_at_the_cap_is_whole(cli) -> None:
    """Exactly --max-rows rows is not cut; one row fewer allowed is."""
    code, out, _ = cli("query", "--sparql", TEXT_UNITS, "--max-rows", str(ARTICLE_UNITS), "--format", "csv")
    assert code == 0
    assert len(list(csv.reader(io.StringIO(out)))) == 1 + ARTICLE_UNITS
    code, out, _ = cli("query", "--sparql", TEXT_UNITS, "--max-rows", str(ARTICLE_UNITS - 1))
    assert code == 14


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_a_cut_machine_format_is_a_valid_document_of_the_first_rows(cli, fmt: str) -> None:
    """If the cap cuts a CSV, TSV or JSON answer, then what is written is still a whole SPARQL results
    document (Oxigraph's parser reads it), holding the first N rows of the uncut answer, in order."""
    from pyoxigraph import parse_query_results

    formats = {"csv": None, "tsv": QueryResultsFormat.TSV, "json": QueryResultsFormat.JSON}
    code, whole, _ = cli("query", "--sparql", TEXT_UNITS, "--format", fmt, "--max-rows", "0")
    assert code == 0
    code, cut, _ = cli("query", "--sparql", TEXT_UNITS, "--format", fmt, "--max-rows", "7")
    assert code == 14
    if fmt == "csv":  # W3C CSV is lossy and has no Oxigraph parser: read it as CSV
        whole_rows = list(csv.reader(io.StringIO(whole)))
        cut_rows = list(csv.reader(io.StringIO(cut)))
        assert len(whole_rows) == 1 + ARTICLE_UNITS
        assert cut_rows == whole_rows[: 1 + 7]
        return
    if fmt == "json":
        assert len(json.loads(cut)["results"]["bindings"]) == 7
    parsed_whole = list(parse_query_results(whole.encode(), format=formats[fmt]))
    parsed_cut = list(parse_query_results(cut.encode(), format=formats[fmt]))
    assert len(parsed_whole) == ARTICLE_UNITS
    assert [list(s) for s in parsed_cut] == [list(s) for s in parsed_whole[:7]]


def test_max_rows_cuts_a_construct_to_valid_turtle(cli) -> None:
    """A CONSTRUCT answer is cut to N triples; the Turtle written parses."""
    construct = "CONSTRUCT { ?p a ak:Person } WHERE { ?p a ak:Person }"
    code, out, _ = cli("query", "--sparql", construct, "--max-rows", "4")
    assert code == 14
    assert len(list(parse(out.encode(), format=RdfFormat.TURTLE))) == 4
    code, out, _ = cli("query", "--sparql", construct, "--max-rows", str(PERSONS))
    assert code == 0
    assert len(list(parse(out.encode(), format=RdfFormat.TURTLE))) == PERSONS


def test_an_ask_is_never_cut(cli) -> None:
    assert cli("query", "talks-joint-statement", "--max-rows", "1")[:2] == (1, "no\n")


# --- the same answers as before ---------------------------------------------------------------------------


def _in_process(dataset, query, fmt: str) -> bytes:
    """What Oxigraph serializes for the query, evaluated right here, with no worker and no cap."""
    answer = run_query(dataset, query, prefixes=PREFIXES if query.path is None else None)
    assert answer.solutions is not None
    return answer.solutions.serialize(format=fmt)


@pytest.mark.parametrize("name", ["participants", "who-accused-whom", "timeline", "quotations"])
@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_a_normal_query_gives_the_same_answer_as_the_engine(
    cli, dataset, layout, name: str, fmt: str
) -> None:
    """Through the worker and the cap, a canned query's CSV/TSV/JSON is byte for byte what Oxigraph writes
    for the same query evaluated in-process (JSON gets a final newline from the CLI, as before)."""
    code, out, err = cli("query", name, "--format", fmt)
    assert (code, err) == (0, "")
    expected = _in_process(
        dataset,
        find_query(layout, name),
        {"csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV, "json": QueryResultsFormat.JSON}[fmt],
    )
    assert out.encode() == expected + (b"\n" if fmt == "json" else b"")


def test_a_cut_keeps_every_kind_of_term_exact() -> None:
    """The rows kept by the cap are rebuilt through SPARQL Results TSV; every kind of term survives it:
    escapes, language tags, datatypes, blank nodes, triple terms, unbound variables, non-ASCII."""
    store = Store()
    xsd = PREFIXES["xsd"]
    objects = [
        Literal('tab\there\nnew "quoted" back\\slash\r'),
        Literal("Anchorage", language="en-US"),
        Literal("42", datatype=NamedNode(xsd + "integer")),
        Literal("-0.50", datatype=NamedNode(xsd + "decimal")),
        Literal("1.0E3", datatype=NamedNode(xsd + "double")),
        Literal("odd", datatype=NamedNode("http://example.org/dt")),
        Literal("中美 – ‘talks’ \u0007"),
        Literal(""),
        NamedNode("http://example.org/ü?q=1#f"),
        BlankNode("b1"),
        Triple(NamedNode("http://example.org/a"), NamedNode("http://example.org/b"), Literal("c")),
    ]
    for i, obj in enumerate(objects):
        store.add(Quad(NamedNode(f"http://example.org/s{i}"), NamedNode("http://example.org/p"), obj))
    text = (
        "SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/nothing> ?none } } ORDER BY ?s"
    )

    class Dataset:  # what run_query needs of an OpenDataset
        on_disk = False

        def __init__(self, store: Store) -> None:
            self.store = store

        def graphs(self, selection: str = "all") -> None:
            return None

    for fmt in (
        QueryResultsFormat.CSV,
        QueryResultsFormat.TSV,
        QueryResultsFormat.JSON,
        QueryResultsFormat.XML,
    ):
        expected = store.query(text).serialize(format=fmt)
        for cap in (len(objects), 1000):
            answer = run_query(Dataset(store), inline_query(text), max_rows=cap)
            assert not answer.cut
            assert solutions_of(answer).serialize(format=fmt) == expected
    answer = run_query(Dataset(store), inline_query(text), max_rows=3)
    assert answer.cut
    assert len(solution_rows(answer)) == 3 and len(list(solutions_of(answer))) == 3


def test_bounded_leaves_a_small_answer_alone(dataset, layout) -> None:
    answer = run_query(dataset, find_query(layout, "participants"))
    same = bounded(answer, None)
    assert same is answer


def test_answer_cut_and_query_timeout_have_their_own_exit_codes() -> None:
    """13 and 14 are new codes, distinct from every other error's."""
    from alaska_kg import errors

    codes = [
        cls.exit_code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, AlaskaKgError) and cls is not AlaskaKgError
    ]
    assert (QueryTimeout.exit_code, AnswerCut.exit_code) == (13, 14)
    assert codes.count(13) == 1 and codes.count(14) == 1


def test_a_failed_query_leaves_no_result_to_be_dropped_in_another_thread(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the work fails after the engine answered (here: a SELECT asked for as Turtle), then its results
    are freed in the thread that made them; pyoxigraph refuses ("unsendable") to drop them elsewhere."""
    import gc

    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    code, _, err = cli("query", "participants", "--format", "ttl")
    gc.collect()
    assert code == 2, err
    assert [str(u.exc_value) for u in unraisable] == []


def test_max_rows_cuts_an_endpoints_answer_too(cli) -> None:
    """`query --endpoint`: the same cap on what the endpoint sent (5 solutions here), the same exit 14."""
    import http.server

    body = json.dumps(
        {
            "head": {"vars": ["s"]},
            "results": {
                "bindings": [{"s": {"type": "uri", "value": f"http://example.org/{i}"}} for i in range(5)]
            },
        }
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

    with serving(Handler) as base:
        url = f"{base}/sparql"
        query = "SELECT ?s WHERE { ?s ?p ?o }"
        code, out, err = cli(
            "query", "--endpoint", url, "--sparql", query, "--format", "csv", "--max-rows", "2"
        )
        whole = cli("query", "--endpoint", url, "--sparql", query, "--format", "csv")
    assert code == 14, err
    assert out.splitlines() == ["s", "http://example.org/0", "http://example.org/1"]
    assert whole[0] == 0 and len(whole[1].splitlines()) == 1 + 5


# ---------------------------------------------------------------- the --endpoint check on an empty store

VALUES_PRODUCT = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?{v} {{ {' '.join(str(i) for i in range(300))} }}" for v in "abcd")
    + " }"
)


@contextlib.contextmanager
def _silent_endpoint() -> Iterator[tuple[str, socket.socket]]:
    """A socket on 127.0.0.1 that listens and never accepts: (endpoint URL, the socket)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql", listener


def _nobody_called(listener: socket.socket) -> bool:
    try:
        listener.accept()[0].close()
    except BlockingIOError:
        return True
    return False


def test_the_endpoint_pre_check_stops_at_its_deadline(cross_product: Path) -> None:
    """If a query that evaluates for ever even on an empty store (4 VALUES blocks of 300: 8.1·10⁹ rows) goes
    to --endpoint with --timeout 1, then the local check stops at the deadline (it ran >40 s in the main
    thread): exit 13, one line naming the check, nothing sent."""
    with _silent_endpoint() as (url, listener):
        process = _start("query", "--endpoint", url, "--timeout", "1", "--sparql", VALUES_PRODUCT)
        try:
            out, err = process.communicate(timeout=HANG_GUARD)
        finally:
            process.kill()
            process.wait()
        assert process.returncode == 13, err
        assert err == (
            "alaska-kg: error: --sparql (its check on an empty store) ran past its 1 s deadline; "
            "rerun with --timeout SECONDS\n"
        )
        assert out == ""
        assert _nobody_called(listener)


def test_ctrl_c_stops_the_endpoint_pre_check(cross_product: Path) -> None:
    """If SIGINT reaches `query --endpoint` while its local check counts, then it exits 130 at once (it
    used to be ignored: the engine held the main thread)."""
    with _silent_endpoint() as (url, listener):
        process = _start("query", "--endpoint", url, "--sparql", VALUES_PRODUCT)
        try:
            running = _wait_for_query_thread(process, HANG_GUARD)
            time.sleep(0.3)
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=HANG_GUARD)
        finally:
            process.kill()
            process.wait()
        assert running
        assert (process.returncode, err) == (130, "alaska-kg: error: interrupted\n")
        assert _nobody_called(listener)
