"""Answers kept for the next identical request: the dataset is loaded once and never changes while it is
served, so the same query, parameters and Accept always get the same bytes.

Least recently used answers go first once the cache holds `max_bytes`; an answer larger than a sixteenth
of that is not kept; only successful answers (200) are. `max_bytes` 0 turns it off
(`alaska-kg serve --cache-size 0`). A hit skips the query worker entirely: measured in
docs/performance.md ("Serving").

An entry is keyed by the SHA-256 digest of its request (pickled), not by the request itself: a request
holds up to a MiB of query text, which the cache would otherwise keep without counting it (a red-team
flood of 1 MiB queries with tiny answers grew the server by 300 MB in 5 s). What an entry costs is counted
in full: its answer, its media type, the digest and a fixed overhead per entry (ENTRY_OVERHEAD).
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict

from alaska_kg.serve.answers import Reply

DEFAULT_CACHE_BYTES = 64 << 20
ENTRY_OVERHEAD = 256  # bytes per entry besides its answer: the digest, the Reply tuple, the map's slot


def digest(key: object) -> bytes:
    """The 32-byte key an entry is stored under: SHA-256 of the pickled request."""
    return hashlib.sha256(pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL)).digest()


def cost(reply: Reply) -> int:
    """The bytes an entry holds, counted against `max_bytes`."""
    return len(reply.body) + len(reply.media_type) + ENTRY_OVERHEAD


class AnswerCache:
    """An LRU map from a request's digest to its Reply, bounded in bytes (keys and overhead included)."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self._entries: OrderedDict[bytes, Reply] = OrderedDict()

    def get(self, key: object) -> Reply | None:
        hashed = digest(key)
        reply = self._entries.get(hashed)
        if reply is not None:
            self._entries.move_to_end(hashed)
            self.hits += 1
        return reply

    def put(self, key: object, reply: Reply) -> None:
        if reply.status != 200 or cost(reply) > self.max_bytes // 16:
            return
        hashed = digest(key)
        if hashed in self._entries:
            return
        self._entries[hashed] = reply
        self.size += cost(reply)
        while self.size > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self.size -= cost(dropped)

    def digests(self) -> list[bytes]:
        """The stored keys (digests), least recently used first."""
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


__all__ = ["DEFAULT_CACHE_BYTES", "ENTRY_OVERHEAD", "AnswerCache", "cost", "digest"]
