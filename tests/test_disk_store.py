"""The on-disk store is loaded by a child process (alaska_kg.build.disk_store) while the export writes the
other formats: it holds the N-Quads' quads, fails with an error naming the file and leaves no store, dies
with its parent, and changes none of the other outputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import pytest
from pyoxigraph import RdfFormat, Store

from alaska_kg.build import publish
from alaska_kg.build.disk_store import StoreLoad
from alaska_kg.cache import LABELS_FILE, STORE_FOLDER
from alaska_kg.errors import OutputError
from alaska_kg.manifest import MANIFEST_NAME
from alaska_kg.namespaces import GRAPH_NAMES, graph_iri

NQUADS = """\
<http://example.org/a> <http://example.org/p> "plain" <http://example.org/g1> .
<http://example.org/a> <http://example.org/p> "chat"@fr <http://example.org/g1> .
<http://example.org/a> <http://example.org/q> "7"^^<http://example.org/datatype> <http://example.org/g2> .
<http://example.org/b> <http://example.org/p> <http://example.org/a> .
<http://example.org/b> <http://example.org/p> "tab\\tand \\"quote\\" and \\u00e9" <http://example.org/g2> .
"""


def _quads(store: Store) -> set[str]:
    return {str(quad) for quad in store}


def test_the_store_the_child_loads_holds_the_quads_of_the_n_quads_file(tmp_path: Path) -> None:
    """If the child bulk-loads an N-Quads file, then the store it leaves holds exactly the file's quads,
    and nothing else is left beside it (the temporary folder was renamed)."""
    nquads = tmp_path / "data.nq"
    nquads.write_text(NQUADS, encoding="utf-8")
    target = tmp_path / STORE_FOLDER
    with StoreLoad(nquads, target) as load:
        load.wait()
    expected = {str(q) for q in pyoxigraph.parse(path=str(nquads), format=RdfFormat.N_QUADS)}
    assert _quads(Store.read_only(str(target))) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == [STORE_FOLDER, "data.nq"]


def test_a_blank_node_stays_one_node_in_the_store(tmp_path: Path) -> None:
    """If a blank node appears in several quads of the file, then the store has one blank node there, not
    one per quad (the file is loaded whole: a load per slice would rename it in each slice)."""
    lines = [f'_:shared <http://example.org/p> "{n}" <http://example.org/g> .\n' for n in range(50)]
    nquads = tmp_path / "blank.nq"
    nquads.write_text("".join(lines), encoding="utf-8")
    target = tmp_path / STORE_FOLDER
    with StoreLoad(nquads, target) as load:
        load.wait()
    subjects = {quad.subject for quad in Store.read_only(str(target))}
    assert len(subjects) == 1


def test_a_failing_child_is_an_error_naming_the_file_and_leaves_no_store(tmp_path: Path) -> None:
    """If the child cannot load the N-Quads (here: the file is not there), then waiting for it raises an
    OutputError naming the file, and neither the store nor its temporary folder is left."""
    nquads = tmp_path / "missing.nq"
    target = tmp_path / STORE_FOLDER
    with pytest.raises(OutputError) as caught, StoreLoad(nquads, target) as load:
        load.wait()
    assert str(nquads) in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_syntax_error_in_the_n_quads_is_reported_with_the_file(tmp_path: Path) -> None:
    """If the N-Quads file is not N-Quads, then the error names the file and quotes the loader's reason."""
    nquads = tmp_path / "broken.nq"
    nquads.write_text("<http://example.org/a> this is not N-Quads\n", encoding="utf-8")
    target = tmp_path / STORE_FOLDER
    with pytest.raises(OutputError) as caught, StoreLoad(nquads, target) as load:
        load.wait()
    message = str(caught.value)
    assert str(nquads) in message and "could not be loaded" in message
    assert list(tmp_path.iterdir()) == [nquads]


_PARENT = """
import subprocess, sys, os
child = subprocess.Popen(
    [sys.executable, "-c", "from alaska_kg.build.disk_store import _die_with_parent; import time; "
     "_die_with_parent(); print('ready', flush=True); time.sleep(600)"],
    env={**os.environ, "ALASKA_KG_PARENT_PID": str(os.getpid())}, stdout=subprocess.PIPE, text=True,
)
assert child.stdout.readline() == "ready\\n"
print(child.pid, flush=True)
import time; time.sleep(600)
"""


def test_the_loader_dies_when_its_parent_is_killed() -> None:
    """If the build is killed (SIGKILL) while its loader runs, then the loader does not live on: the kernel
    kills it with its parent (PR_SET_PDEATHSIG)."""
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    for _ in range(600):  # up to a minute on a loaded machine; the answer, not the time, is checked
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{child}/stat").read_text().split(") ")[1].startswith("Z"):
            return  # dead, waiting for init to reap it
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    pytest.fail(f"the loader {child} outlived its killed parent")


def _store_of(nquads: Path) -> Store:
    store = Store()
    store.load(path=str(nquads), format=RdfFormat.N_QUADS)
    return store


def test_the_other_outputs_do_not_change_when_the_store_is_loaded_by_the_child(
    tmp_path: Path, dataset_file: Path
) -> None:
    """If the export writes the on-disk store (its child process) or not, then every other file it writes
    is byte for byte the same, and the store holds the quads of the N-Quads it wrote."""
    context = {"@vocab": "https://w3id.org/alaska-kg/ontology#"}
    common = {"context": context, "summary": {"x": 1}, "class_counts": {}}
    with_store = publish.export_store(
        tmp_path / "with", store=publish.Handover(_store_of(dataset_file)), on_disk=True, **common
    )
    without = publish.export_store(
        tmp_path / "without", store=_store_of(dataset_file), on_disk=False, **common
    )
    names = {p.name for p in with_store.files} - {STORE_FOLDER, MANIFEST_NAME}
    assert names == {p.name for p in without.files} - {MANIFEST_NAME}
    assert LABELS_FILE in names  # the label table is written at every size (the kept answers' tables)
    for name in sorted(names):
        assert (with_store.out_dir / name).read_bytes() == (without.out_dir / name).read_bytes(), name
    nquads = with_store.out_dir / publish.NQUADS_NAME
    on_disk = Store.read_only(str(with_store.out_dir / STORE_FOLDER))
    assert _quads(on_disk) == _quads(_store_of(nquads))
    assert {str(g.value) for g in on_disk.named_graphs()} >= {graph_iri(n) for n in GRAPH_NAMES[:2]}


def test_a_handed_over_store_is_let_go_and_a_plain_one_stays_the_callers(
    tmp_path: Path, dataset_file: Path
) -> None:
    """If the export is handed the store (Handover), then it holds no reference to it once written; a
    Store passed as it is stays usable by the caller."""
    common = {"context": {}, "summary": {}, "class_counts": {}, "on_disk": True}
    handover = publish.Handover(_store_of(dataset_file))
    publish.export_store(tmp_path / "a", store=handover, **common)
    with pytest.raises(RuntimeError):
        _ = handover.store
    mine = _store_of(dataset_file)
    size = len(mine)
    publish.export_store(tmp_path / "b", store=mine, **common)
    assert len(mine) == size


def test_a_writer_failing_while_the_child_loads_stops_it_and_leaves_nothing(
    tmp_path: Path, dataset_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a writer fails after the child has started, then the error goes on, and neither a staging
    folder nor a store folder is left beside the output folder."""

    def broken(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "_write_turtle", broken)
    out = tmp_path / "out"
    with pytest.raises(OutputError):
        publish.export_store(
            out, store=_store_of(dataset_file), context={}, summary={}, class_counts={}, on_disk=True
        )
    assert list(tmp_path.iterdir()) == []
