"""The on-disk Oxigraph store of a build, bulk-loaded in a child process while the parent writes the rest.

The bulk load is the largest single piece of the export at scale (~16 s of CPU and ~1.2-1.5 GB at 10^6
quads, issue 12): in a child it runs beside the parent's Turtle, JSON-LD and TriG writers, and its memory is
given back to the system the moment it exits. It may use every core: Oxigraph's loader then sorts one batch
per core at once (1.5 GB at 10^6 quads against 1.2 GB on one core), and it is the writer that finishes last
(on one core its 22 s outlasted the parent's 14 s of writers by far; docs/performance.md, issue 12).

The child loads the whole N-Quads file the parent has just written, in one bulk load: loading it in slices
would hold less memory, but each load gives blank nodes fresh names, so a blank node whose quads fall into two
slices would become two. Loaded under a temporary name and renamed when complete, the store is never seen half
written.

Run as `python -m alaska_kg.build.disk_store NQUADS STORE`; the parent's side is `StoreLoad`.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from alaska_kg.build.outdir import remove_tree
from alaska_kg.errors import OutputError

_LOADING = ".loading"
_PARENT_ENV = "ALASKA_KG_PARENT_PID"


def load_store(nquads: Path, target: Path) -> None:
    """Bulk-load the N-Quads file `nquads` into a new on-disk Oxigraph store at `target`, flushed and
    closed; built under a temporary name beside it, renamed into place only when complete."""
    import gc

    import pyoxigraph

    loading = target.with_name(target.name + _LOADING)
    remove_tree(loading)
    try:
        store = pyoxigraph.Store(str(loading))
        store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS, lenient=True)
        store.flush()  # (optimize() adds time and nothing here: the bulk loader writes compacted files)
        del store
        gc.collect()  # the store's files are released (RocksDB lock) when the object goes
        loading.rename(target)
    except BaseException:
        remove_tree(loading)
        raise


def _die_with_parent() -> None:
    """Make the kernel kill this process when its parent dies (Linux prctl PR_SET_PDEATHSIG), so that a
    build killed mid-export leaves no loader running; then check the parent did not die before that."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass
    expected = os.environ.get(_PARENT_ENV)
    if expected and os.getppid() != int(expected):
        sys.exit(1)  # the parent is gone already: nobody waits for this store


class StoreLoad:
    """The child process loading the on-disk store while the parent writes the other formats.

    `wait()` raises OutputError naming the N-Quads file and quoting the child's error if it failed; used as
    a context manager, a child still running when the parent fails is stopped and its partial store
    removed."""

    def __init__(self, nquads: Path, target: Path) -> None:
        import subprocess  # (here, not above: a build too small for an on-disk store imports neither)
        import tempfile

        self.nquads = Path(nquads)
        self.target = Path(target)
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed by wait or stop)
        args = [sys.executable, "-m", "alaska_kg.build.disk_store", str(self.nquads), str(self.target)]
        environment = {**os.environ, _PARENT_ENV: str(os.getpid())}
        try:
            self._process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._errors,
                env=environment,
            )
        except OSError as exc:
            self._errors.close()
            reason = exc.strerror or exc
            raise OutputError(f"{self.target}: cannot start the store loader ({reason})") from exc

    def wait(self) -> None:
        """Wait for the child; OutputError naming the N-Quads file if it failed (no store is left then)."""
        code = self._process.wait()
        self._errors.seek(0)
        errors = self._errors.read().decode("utf-8", "replace").strip()
        self._errors.close()
        if code != 0:
            remove_tree(self.target)
            last = errors.splitlines()[-1] if errors else f"exit status {code}"
            raise OutputError(f"{self.nquads}: the on-disk store could not be loaded from it: {last}")

    def stop(self) -> None:
        """Stop a child still running and remove what it left."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if not self._errors.closed:
            self._errors.close()
        remove_tree(self.target.with_name(self.target.name + _LOADING))

    def __enter__(self) -> StoreLoad:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    """The child: load the store `argv[1]` from the N-Quads file `argv[0]`."""
    _die_with_parent()
    nquads, target = (Path(arg) for arg in argv)
    load_store(nquads, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


__all__ = ["StoreLoad", "load_store"]
