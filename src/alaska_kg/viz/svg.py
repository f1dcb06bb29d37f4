"""SVG 1.1 written as text: escaped text and attributes, wrapped lines, and the document frame.

Why by hand: two small drawings need rectangles, lines, paths and text, and matplotlib or a drawing
library would cost tens of MB and an import on the endpoint's path. The output is self-contained: no
script, no external font (only the generic `sans-serif` family), no reference outside the document (the
only `url(#…)` are arrow markers defined in it), so a browser shows it as an image and a README embeds it.

Every text that comes from the graph goes through `text`: control characters made visible
(`alaska_kg.display.printable`), characters XML 1.0 forbids replaced, then XML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from alaska_kg.display import columns, printable

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "sans-serif"
# Average advance of a character of the generic sans-serif face, in ems: a safe over-estimate for the
# wrapping (no font metrics are available without a font file).
CHAR_EM = 0.56
# XML 1.0 §2.2 Char: what `printable` leaves that a document may still not hold (U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\ufffe\uffff]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_XML_SPECIAL = re.compile("[&<>\"']")


def text(value: object) -> str:
    """`value` as XML character data or an attribute value (double-quoted): visible, well-formed, inert."""
    shown = _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", printable(str(value)))
    return _XML_SPECIAL.sub(lambda m: _ESCAPES[m.group()], shown)


def attrs(**values: object) -> str:
    """Attributes in the order given, `_` in a name written as `-` (`font_size` → `font-size`); None is
    left out."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{text(value)}"'
        for name, value in values.items()
        if value is not None
    )


def width_of(value: str, size: float) -> float:
    """An estimate of the width of `value` at font size `size` (pixels), wide characters counted twice."""
    return columns(printable(value)) * size * CHAR_EM


def wrap(value: str, width: float, size: float) -> list[str]:
    """`value` broken at spaces into lines of at most `width` pixels at font size `size` (a word longer than
    a line is cut, ending in "…", so that nothing runs out of its box)."""
    limit = max(int(width / (size * CHAR_EM)), 4)
    lines: list[str] = []
    current = ""
    for word in value.split():
        candidate = f"{current} {word}" if current else word
        if columns(printable(candidate)) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while columns(printable(current)) > limit:
            lines.append(current[: limit - 1] + "…")
            current = ""
    if current:
        lines.append(current)
    return lines or [""]


def text_lines(
    lines: Iterable[str], x: float, y: float, size: float, line_height: float, **extra: object
) -> str:
    """One <text> element of several lines (<tspan>s), the first baseline at `y`."""
    spans = "".join(
        f"<tspan{attrs(x=num(x), dy=None if i == 0 else num(line_height))}>{text(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return f"<text{attrs(x=num(x), y=num(y), font_size=num(size), **extra)}>{spans}</text>"


def title(value: str) -> str:
    """An SVG <title>: the tooltip a browser shows, and the accessible name of its parent."""
    return f"<title>{text(value)}</title>"


def document(
    name: str, width: float, height: float, label: str, description: str, body: Iterable[str]
) -> str:
    """A standalone SVG document of the given size, titled and described for screen readers; `name`
    prefixes its ids, so that two pictures inlined in one HTML page do not share one."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="{SVG_NS}" version="1.1"{attrs(width=num(width), height=num(height))}'
        f' viewBox="0 0 {num(width)} {num(height)}" role="img"'
        f' font-family="{FONT}"{attrs(aria_labelledby=f"{name}-title {name}-desc")}>\n'
        f"<title{attrs(id=f'{name}-title')}>{text(label)}</title>\n"
        f"<desc{attrs(id=f'{name}-desc')}>{text(description)}</desc>\n"
        f'<rect x="0" y="0" width="{num(width)}" height="{num(height)}" fill="#ffffff"/>\n'
    )
    return head + "\n".join(body) + "\n</svg>\n"


def arrow_marker(marker_id: str, colour: str) -> str:
    """A <marker> arrowhead, for `marker-end="url(#marker_id)"` on lines and paths."""
    return (
        f'<marker{attrs(id=marker_id)} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        f' markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"{attrs(fill=colour)}/>'
        "</marker>"
    )


def num(value: float) -> str:
    """A coordinate as short text: integers without a point, others to one decimal."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


__all__ = [
    "FONT",
    "SVG_NS",
    "arrow_marker",
    "attrs",
    "document",
    "num",
    "text",
    "text_lines",
    "title",
    "width_of",
    "wrap",
]
