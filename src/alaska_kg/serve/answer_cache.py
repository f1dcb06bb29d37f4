"""Answers kept for the next identical request: the dataset is loaded once and never changes while it is
served, so the same query, parameters and Accept always get the same bytes.

Least recently used answers go first once the cache holds `max_bytes`; an answer larger than a sixteenth
of that is not kept; only successful answers (200) are. `max_bytes` 0 turns it off
(`alaska-kg serve --cache-size 0`). A hit skips the query worker entirely: measured in
docs/performance.md ("Serving").
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from alaska_kg.serve.answers import Reply

DEFAULT_CACHE_BYTES = 64 << 20


class AnswerCache:
    """An LRU map from a request's key to its Reply, bounded in bytes."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self._entries: OrderedDict[Hashable, Reply] = OrderedDict()

    def get(self, key: Hashable) -> Reply | None:
        reply = self._entries.get(key)
        if reply is not None:
            self._entries.move_to_end(key)
            self.hits += 1
        return reply

    def put(self, key: Hashable, reply: Reply) -> None:
        if reply.status != 200 or len(reply.body) > self.max_bytes // 16 or key in self._entries:
            return
        self._entries[key] = reply
        self.size += len(reply.body)
        while self.size > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self.size -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._entries)


__all__ = ["DEFAULT_CACHE_BYTES", "AnswerCache"]
