"""Split the article into text units (title, headings, sentences, list items) with code-point offsets.

The units are what provenance points at: every fact in data/ names the unit it comes from.
Pure Python on purpose, so both the build path and the tests can use it without rdflib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

UnitKind = Literal["title", "heading", "sentence", "list-item"]

# Abbreviations whose final dot never ends a sentence in this article's register.
_ABBREVIATIONS = ("U.S.", "U.K.", "e.g.", "i.e.", "Mr.", "Ms.", "Dr.", "St.", "vs.")
_HEADING = re.compile(r"^(=+)\s*(?P<text>.*?)\s*\1$")
_LIST_ITEM = re.compile(r"^- (?P<text>.*\S)\s*$")
# A sentence ends at . ! or ? (optionally followed by a closing quote or bracket) before a space
# and an upper-case letter, a digit or an opening quote.
_BOUNDARY = re.compile(r"[.!?][\"”’)\]]?(?=\s+[\"“A-Z0-9])")


@dataclass(frozen=True)
class TextUnit:
    """One addressable piece of the article: `text == article[start:end]`."""

    line: int  # 1-based line of the source file
    index: int  # 1-based position of the unit within its line
    start: int  # code-point offset, inclusive
    end: int  # code-point offset, exclusive
    text: str
    kind: UnitKind

    @property
    def local_name(self) -> str:
        """Stable name used in resource IRIs: `sentence-<line>-<index>`."""
        return f"sentence-{self.line}-{self.index}"


def _is_abbreviation_end(paragraph: str, dot: int) -> bool:
    return any(paragraph.endswith(abbr, 0, dot + 1) for abbr in _ABBREVIATIONS)


def _inside_quotation(paragraph: str, position: int) -> bool:
    """A boundary inside "…" is not a sentence end: a quoted passage stays with its sentence."""
    return paragraph.count('"', 0, position) % 2 == 1


def split_paragraph(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) within one paragraph, trailing spaces excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        if _is_abbreviation_end(paragraph, match.start()) or _inside_quotation(paragraph, end):
            continue
        spans.append((start, end))
        start = end
        while start < len(paragraph) and paragraph[start].isspace():
            start += 1
    if paragraph[start:].strip():
        spans.append((start, len(paragraph.rstrip())))
    return spans


def split_article(text: str) -> list[TextUnit]:
    """Every non-blank line becomes one or more units, in reading order."""
    units: list[TextUnit] = []
    offset = 0
    for line_number, line in enumerate(text.split("\n"), start=1):
        line_start = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        heading = _HEADING.match(line)
        item = _LIST_ITEM.match(line)
        if heading:
            kind: UnitKind = "title" if len(heading.group(1)) == 1 else "heading"
            s, e = heading.span("text")
            units.append(TextUnit(line_number, 1, line_start + s, line_start + e, heading["text"], kind))
        elif item:
            s, e = item.span("text")
            units.append(TextUnit(line_number, 1, line_start + s, line_start + e, item["text"], "list-item"))
        else:
            for index, (s, e) in enumerate(split_paragraph(line), start=1):
                units.append(
                    TextUnit(line_number, index, line_start + s, line_start + e, line[s:e], "sentence")
                )
    return units
