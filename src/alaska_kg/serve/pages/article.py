"""The article as the dataset holds it: text units (Web Annotation selectors) regrouped into paragraphs, so a
page can show a fact's sentence highlighted inside the paragraph it stands in.

The dataset has no copy of the whole text, only each unit's exact text and code-point offsets
(`oa:TextQuoteSelector`, `oa:TextPositionSelector`). A unit's IRI names the line of the article it is on
(`…/resource/sentence-<line>-<index>`, a contract of the build: docs/model.md), and a line of the plain-text
copy is a paragraph, so the units of one line, in offset order, rebuild it; the gaps between them (one
space inside a paragraph) are filled from the offsets. Read once per dataset and kept: the pages never
compute it per request.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from pyoxigraph import Literal, NamedNode, Store

from alaska_kg.namespaces import AK, AKR, PREFIXES

OA = PREFIXES["oa"]
_UNIT_NAME = re.compile(r"sentence-(\d+)-(\d+)\Z")
_UNITS = f"""
PREFIX oa: <{OA}>
PREFIX ak: <{AK}>
SELECT ?unit ?exact ?start ?end ?section WHERE {{
  ?unit a ak:TextUnit ; oa:hasSelector ?quote , ?position .
  ?quote oa:exact ?exact .
  ?position oa:start ?start ; oa:end ?end .
  OPTIONAL {{ ?unit ak:inSection ?section }}
}}
"""


class Unit(NamedTuple):
    """One text unit: its IRI, text, offsets (code points) and the line (paragraph) it is on."""

    iri: str
    text: str
    start: int
    end: int
    line: int
    section: str | None


class Article(NamedTuple):
    """Every text unit by IRI, and the units of each paragraph (line) in reading order."""

    units: dict[str, Unit]
    paragraphs: dict[int, tuple[Unit, ...]]

    def paragraph_of(self, unit_iri: str) -> tuple[Unit, ...]:
        """The units of the paragraph holding `unit_iri` (just it when its line is unknown)."""
        unit = self.units.get(unit_iri)
        if unit is None:
            return ()
        return self.paragraphs.get(unit.line, (unit,))


def read_article(store: Store) -> Article:
    """The text units of the dataset (from any of its graphs), grouped by paragraph."""
    units: dict[str, Unit] = {}
    for row in store.query(_UNITS, use_default_graph_as_union=True):
        unit, exact, start, end, section = (row[i] for i in range(5))
        if not (isinstance(unit, NamedNode) and isinstance(exact, Literal)):
            continue
        try:
            first, last = int(start.value), int(end.value)
        except (AttributeError, ValueError):
            continue
        name = unit.value[len(AKR) :] if unit.value.startswith(AKR) else ""
        match = _UNIT_NAME.match(name)
        line = int(match[1]) if match else -len(units) - 1  # no line known: a paragraph of its own
        units[unit.value] = Unit(
            unit.value,
            exact.value,
            first,
            last,
            line,
            section.value if isinstance(section, NamedNode) else None,
        )
    grouped: dict[int, list[Unit]] = {}
    for unit in units.values():
        grouped.setdefault(unit.line, []).append(unit)
    paragraphs = {line: tuple(sorted(found, key=lambda u: u.start)) for line, found in grouped.items()}
    return Article(units, paragraphs)


__all__ = ["Article", "Unit", "read_article"]
