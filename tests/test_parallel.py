"""Issue 12: the build's SHACL queries run on every core (alaska_kg.build.parallel), and what comes out is
what one thread would give: every item once, the answers in the items' order, the first error in that
order."""

from __future__ import annotations

import _thread
import time

import pytest
from pyoxigraph import NamedNode, Quad, Store

from alaska_kg.build.parallel import cores, each_in_threads


def test_every_item_is_answered_once_and_in_order_whatever_thread_took_it() -> None:
    """If items take uneven times in three threads, then the answers still come in the items' order, each
    item was taken once, and more than one thread took part."""
    taken: list[int] = []
    threads: set[int] = set()

    def slow_square(n: int) -> int:
        taken.append(n)
        threads.add(_thread.get_ident())
        time.sleep(0.002 * (n % 3))  # sleeping releases the GIL, as Oxigraph's evaluation does
        return n * n

    items = list(range(40))
    assert each_in_threads(slow_square, items, threads=3) == [n * n for n in items]
    assert sorted(taken) == items
    assert len(threads) > 1


def test_the_first_error_in_the_items_order_is_raised() -> None:
    """If a later item fails first (in time) and an earlier one fails later, then the earlier one's error
    is raised, as a loop over the items would raise it."""

    def fail_some(n: int) -> int:
        if n == 2:
            time.sleep(0.05)
            raise ValueError("item 2")
        if n == 7:
            raise KeyError("item 7")
        return n

    with pytest.raises(ValueError, match="item 2"):
        each_in_threads(fail_some, list(range(10)), threads=2)


def test_queries_on_one_store_in_threads_answer_as_in_one() -> None:
    """If the same queries run on one store in two threads and in one, then the answers are equal."""
    store = Store()
    store.extend(
        Quad(NamedNode(f"urn:s{i}"), NamedNode("urn:p"), NamedNode(f"urn:o{i % 7}")) for i in range(2000)
    )

    def count(o: int) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <urn:p> <urn:o{o}> }}"
        return int(next(iter(store.query(query)))["n"].value)

    items = list(range(7)) * 5
    assert each_in_threads(count, items, threads=2) == each_in_threads(count, items, threads=1)
    assert sum(each_in_threads(count, list(range(7)))) == 2000


def test_no_items_and_the_core_count() -> None:
    """If there is nothing to do, then nothing is returned; the core count is at least one."""
    assert each_in_threads(lambda n: n, []) == []
    assert cores() >= 1


def test_a_pending_function_gives_its_answer_or_its_error_to_every_wait() -> None:
    """If a function runs beside the caller (Pending), then each wait gives its answer once it is done, or
    raises its error, as often as it is asked."""
    from alaska_kg.build.parallel import Pending

    release = _thread.allocate_lock()
    release.acquire()

    def slow() -> str:
        release.acquire()  # runs on until the caller lets it finish
        return "done"

    pending = Pending(slow)
    assert pending.running
    release.release()
    assert pending.wait() == "done" and pending.wait() == "done"
    assert not pending.running

    def fail() -> None:
        raise OSError("disk full")

    failing = Pending(fail)
    for _ in range(2):
        with pytest.raises(OSError, match="disk full"):
            failing.wait()
