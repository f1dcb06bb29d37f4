"""What every request handler of `alaska-kg serve` shares: the open dataset and the operator's settings.

Kept in one immutable record on `app.state.serve`, so that the endpoint, the pages and the pictures read
the same dataset and the same limits, and a test can build an app around any dataset it likes.
"""

from __future__ import annotations

from typing import NamedTuple

from alaska_kg.paths import Layout
from alaska_kg.query.dataset import OpenDataset

DEFAULT_HOST = "127.0.0.1"  # loopback unless the operator says otherwise
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 60.0  # seconds per query, after which it is cancelled
DEFAULT_MAX_ROWS = 10_000  # rows (or triples) per answer
DEFAULT_MAX_MEMORY = 1 << 30  # bytes of memory one query may take beyond what its worker inherited
DEFAULT_MAX_ANSWER = 64 << 20  # bytes of one answer


class ServeConfig(NamedTuple):
    """The operator's settings, from the command line."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    cors_origin: str | None = None  # CORS off unless set
    allow_service: bool = False  # SERVICE, LOAD and FROM outside the dataset refused unless set
    max_memory: int = DEFAULT_MAX_MEMORY  # bytes per query worker (RLIMIT_AS beyond what it inherited)
    max_answer: int = DEFAULT_MAX_ANSWER  # bytes per answer
    public_url: str | None = None  # the server's URL as clients see it (None: from each request's Host)


class ServeState(NamedTuple):
    """The dataset being served and how."""

    dataset: OpenDataset
    layout: Layout
    config: ServeConfig = ServeConfig()
