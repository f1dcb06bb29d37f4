"""What a page handler reads from the app: the served state, and values computed once per dataset.

The endpoint's app keeps one `ServeState` on `app.state.serve` (alaska_kg.serve.state). Values the pages
derive from the dataset alone (the article's paragraphs, the VoID counts, the canned queries) are computed on
first use and kept on the app, keyed by the dataset, so no request pays for them twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request

from alaska_kg.serve.state import ServeState

_T = TypeVar("_T")
_LOCK = threading.Lock()


def serve_state(request: Request) -> ServeState:
    """The state the app serves (set by `make_app`, or by a test's own app)."""
    return request.app.state.serve


def memo(request: Request, name: str, compute: Callable[[ServeState], _T]) -> _T:
    """`compute(state)` once per app and dataset, then the kept value."""
    state = serve_state(request)
    try:
        kept: dict[tuple[str, int], object] = request.app.state.pages_memo
    except AttributeError:
        with _LOCK:
            if not hasattr(request.app.state, "pages_memo"):
                request.app.state.pages_memo = {}
            kept = request.app.state.pages_memo
    key = (name, id(state.dataset.store))
    if key not in kept:
        value = compute(state)
        with _LOCK:
            kept.setdefault(key, value)
    return kept[key]  # type: ignore[return-value]


__all__ = ["memo", "serve_state"]
