"""Content negotiation: which of the media types we can write a client asks for (RFC 9110 §12.5.1 Accept).

Each answer kind has its own list of media types, ours first in the order we prefer them; an `Accept`
header picks the one it rates highest (the most specific matching range gives the quality; `q=0` refuses),
ties going to our order. No header, or an empty one, means anything: our first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

MAX_RANGES = 64  # media ranges read from one Accept header; the rest are ignored


class MediaRange(NamedTuple):
    """One element of an Accept header: `type/subtype` (either may be `*`) and its quality."""

    type: str
    subtype: str
    quality: float


def media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """A Content-Type header's media type, lowercased, and its parameters (names lowercased, quotes
    removed): `application/sparql-query; charset=UTF-8` → (`application/sparql-query`, {charset: UTF-8})."""
    if not header:
        return "", {}
    main, *rest = header.split(";")
    params = {}
    for item in rest:
        name, sep, value = item.partition("=")
        if sep:
            params[name.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), params


def media_ranges(accept: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed elements and qualities are skipped, not refused."""
    ranges = []
    for element in accept.split(",")[:MAX_RANGES]:
        kind, params = media_type(element)
        main, slash, sub = kind.partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            continue
        if not 0.0 <= quality <= 1.0:  # also refuses nan
            continue
        ranges.append(MediaRange(main, sub, quality))
    return ranges


def _quality(offered: str, ranges: Sequence[MediaRange]) -> tuple[float, int]:
    """The quality the most specific matching range gives `offered`, and that specificity (-1: none)."""
    main, _, sub = offered.partition("/")
    best = (0.0, -1)
    for r in ranges:
        if r.type == main and r.subtype == sub:
            specificity = 2
        elif r.type == main and r.subtype == "*":
            specificity = 1
        elif r.type == "*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (r.quality, specificity)
    return best


def preferred(accept: str | None, offered: Sequence[str]) -> str | None:
    """The media type of `offered` the client rates highest, ties to the earliest; None if it accepts none."""
    if accept is None or not accept.strip():
        return offered[0] if offered else None
    ranges = media_ranges(accept)
    if not ranges:  # nothing readable: as if no header were given
        return offered[0] if offered else None
    best, best_quality = None, 0.0
    for media in offered:
        quality, specificity = _quality(media, ranges)
        if specificity >= 0 and quality > best_quality:
            best, best_quality = media, quality
    return best


def prefers_html(accept: str | None, offered: Sequence[str]) -> bool:
    """Whether a client (a browser) rates `text/html` above every media type of `offered`."""
    if not accept:
        return False
    ranges = media_ranges(accept)
    html, html_specificity = _quality("text/html", ranges)
    if html_specificity < 1 or html == 0.0:  # only an explicit text/html (or text/*) counts, not */*
        return False
    return all(_quality(media, ranges)[0] < html for media in offered)


__all__ = ["MediaRange", "media_ranges", "media_type", "preferred", "prefers_html"]
