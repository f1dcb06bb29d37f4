"""Content negotiation for the linked-data pages: which representation an `Accept` header asks for.

RFC 9110 §12.5.1: media ranges with q-values, the most specific range deciding a type's weight; q=0 refuses.
A missing header accepts anything (HTML first, as browsers expect). Each representation also has a file
suffix (`/resource/NAME.ttl`), which names it without negotiation.
"""

from __future__ import annotations

from typing import NamedTuple


class Representation(NamedTuple):
    """One way of writing a resource: its media type, its suffix, its name for people."""

    media_type: str
    suffix: str
    name: str


HTML = Representation("text/html", "html", "HTML")
TURTLE = Representation("text/turtle", "ttl", "Turtle")
JSONLD = Representation("application/ld+json", "jsonld", "JSON-LD")
NTRIPLES = Representation("application/n-triples", "nt", "N-Triples")
# In the order preferred when the client weighs several alike (HTML first: a browser's */* gets a page).
REPRESENTATIONS: tuple[Representation, ...] = (HTML, TURTLE, JSONLD, NTRIPLES)
BY_SUFFIX: dict[str, Representation] = {r.suffix: r for r in REPRESENTATIONS}
# Other names clients use for the same formats.
ALIASES: dict[str, Representation] = {
    "application/xhtml+xml": HTML,
    "application/x-turtle": TURTLE,
    "text/n3": TURTLE,  # Turtle is a subset of N3: an N3 reader reads it
    "text/plain": NTRIPLES,  # the N-Triples of RDF 1.0
    "application/json": JSONLD,
}


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values (malformed q reads as 0: refused)."""
    ranges = []
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media or "/" not in media:
            continue
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _weight(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q-value the most specific matching range gives `media_type` (exact, then type/*, then */*)."""
    major = media_type.split("/")[0]
    best: tuple[int, float] | None = None
    for media, q in ranges:
        if media == media_type:
            specificity = 3
        elif media == f"{major}/*":
            specificity = 2
        elif media == "*/*":
            specificity = 1
        else:
            continue
        if best is None or specificity > best[0] or (specificity == best[0] and q > best[1]):
            best = (specificity, q)
    return best[1] if best else 0.0


def choose(accept: str | None, offers: tuple[Representation, ...] = REPRESENTATIONS) -> Representation | None:
    """The representation the client prefers among `offers`, or None when it accepts none (406)."""
    if accept is None or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    if not ranges:
        return offers[0]
    weights: dict[Representation, float] = {}
    for offer in offers:
        weights[offer] = _weight(offer.media_type, ranges)
    for alias, offer in ALIASES.items():
        if offer in weights:
            exact = [q for media, q in ranges if media == alias]
            if exact:
                weights[offer] = max(weights[offer], *exact)
    best = max(offers, key=lambda o: (weights[o], -offers.index(o)))
    return best if weights[best] > 0 else None


__all__ = ["BY_SUFFIX", "HTML", "JSONLD", "NTRIPLES", "REPRESENTATIONS", "TURTLE", "Representation", "choose"]
