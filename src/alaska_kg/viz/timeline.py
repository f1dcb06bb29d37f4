"""The timeline picture: the events as the article places them in time, drawn from the graph as SVG.

Three kinds of mark, never mixed: an event with dates is a solid bar on the date axis, from its start
to its end day, exactly as the graph dates it; an event the article places only relative to a dated one
("In the week before the talks", "two days later") is a dashed box beside the axis, before or after it,
with the article's words and a dashed arrow to the event it is relative to, and never on a date
position (no date is invented, not even by counting "two days"); an event the article does not place in
time (or places only relative to another undated one) is listed below the axis. The rows come from
`timeline.rq` beside this module.
"""

from __future__ import annotations

import re
from collections import namedtuple
from datetime import date, timedelta

from alaska_kg.namespaces import PREFIXES
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.viz.rows import names, select
from alaska_kg.viz.svg import arrow_marker, attrs, document, num, text_lines, title, wrap

AK = PREFIXES["ak"]
WIDTH = 1120
MARGIN = 24
ZONE_WIDTH = 290  # the before and after zones
AXIS_X0 = MARGIN + ZONE_WIDTH + 34
AXIS_X1 = WIDTH - MARGIN - ZONE_WIDTH - 34
AXIS_Y = 118
SIZE = 13
SMALL = 11.5
LINE = 16
PAD = 8
DATED = "#1f5fa8"
RELATIVE = "#8a5a00"
TITLE = "When it happened: the events as the article places them in time"
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
# which side of the dated event an undated one goes, by the relation that places it
BEFORE = ("before", "beganBefore")
AFTER = ("after",)
CONVERSE = {
    "before": "after",
    "after": "before",
    "during": "contains",
    "overlappedBy": "overlaps",
    "beganBefore": "beganAfter",
}
RELATION_WORDS = {
    "before": "before",
    "after": "after",
    "beganBefore": "began before",
    "during": "during",
    "overlappedBy": "overlapped by",
    "contains": "contains",
    "overlaps": "overlaps",
    "beganAfter": "began after the start of",
}


class Event(namedtuple("Event", ("iri", "start", "end", "year", "words", "relations"))):
    """An event or situation: its dates where the graph gives them, the article's words for when, and its
    relations in time ((relation local name, other event IRI) pairs)."""

    __slots__ = ()
    iri: str
    start: date | None
    end: date | None
    year: str | None
    words: tuple[str, ...]
    relations: tuple[tuple[str, str], ...]


class Placement(namedtuple("Placement", ("relation", "anchor", "words"))):
    """Where an undated event goes: `relation` (its own, or the converse of one stated from the other
    side) to the dated event `anchor`, in the article's `words`."""

    __slots__ = ()
    relation: str
    anchor: str
    words: str


def read_events(dataset: OpenDataset) -> dict[str, Event]:
    """Every event and situation of the dataset, by IRI."""
    found: dict[str, dict[str, object]] = {}
    for row in select(dataset, "timeline"):
        entry = found.setdefault(
            str(row["event"]),
            {"start": set(), "end": set(), "year": set(), "words": set(), "relations": set()},
        )
        for key in ("start", "end", "year", "words"):
            if row[key] is not None:
                entry[key].add(row[key])  # type: ignore[union-attr]
        if row["relation"] is not None and row["other"] is not None and row["relation"].startswith(AK):
            entry["relations"].add((row["relation"][len(AK) :], row["other"]))  # type: ignore[union-attr]
    events: dict[str, Event] = {}
    for iri, entry in found.items():
        start = _day(min(entry["start"], default=None))  # type: ignore[type-var, arg-type]
        end = _day(max(entry["end"], default=None))  # type: ignore[type-var, arg-type]
        if start is None or end is None or end < start:  # a lone or reversed bound: the one date given
            start = end = start or end
        events[iri] = Event(
            iri=iri,
            start=start,
            end=end,
            year=min(entry["year"], default=None),  # type: ignore[type-var, arg-type]
            words=tuple(sorted(entry["words"])),  # type: ignore[arg-type]
            relations=tuple(sorted(entry["relations"])),  # type: ignore[arg-type]
        )
    return events


def _day(value: str | None) -> date | None:
    """An xsd:date's day (a time zone, if any, is dropped); None for no value or one that is no date."""
    if value is None or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def place(events: dict[str, Event]) -> dict[str, Placement]:
    """For each undated event related in time to a dated one, the relation that places it, before or
    after (the earliest-starting dated event it is before, the latest-ending one it is after); any other
    relation (during, overlapped by) places it nowhere on the picture but in words."""
    found: dict[str, list[tuple[str, str]]] = {}
    for event in events.values():
        for relation, other in event.relations:
            target = events.get(other)
            if target is None:
                continue
            if event.start is None and target.start is not None:
                found.setdefault(event.iri, []).append((relation, other))
            elif event.start is not None and target.start is None and relation in CONVERSE:
                found.setdefault(other, []).append((CONVERSE[relation], event.iri))
    placements: dict[str, Placement] = {}
    for iri, candidates in found.items():
        words = " / ".join(events[iri].words)
        befores = [c for c in candidates if c[0] in BEFORE]
        afters = [c for c in candidates if c[0] in AFTER]
        if befores:
            strongest = "before" if any(r == "before" for r, _ in befores) else "beganBefore"
            anchors = [a for r, a in befores if r == strongest]
            anchor = min(anchors, key=lambda a: (events[a].start, -_days(events[a]), a))
            placements[iri] = Placement(strongest, anchor, words)
        elif afters:
            anchor = max(afters, key=lambda c: (events[c[1]].end, _days(events[c[1]]), c[1]))[1]
            placements[iri] = Placement("after", anchor, words)
        else:
            relation, anchor = sorted(candidates)[0]
            placements[iri] = Placement(relation, anchor, words)
    return placements


def _days(event: Event) -> int:
    return (event.end - event.start).days + 1 if event.start and event.end else 0


def timeline_svg(dataset: OpenDataset) -> str:
    """The timeline of the events in `dataset`, as a standalone SVG document."""
    events = read_events(dataset)
    label = names(dataset, set(events))
    return _draw(events, place(events), label)


def _draw(events: dict[str, Event], placements: dict[str, Placement], label: dict[str, str]) -> str:
    dated = sorted(
        (e for e in events.values() if e.start is not None), key=lambda e: (e.start, -_days(e), e.iri)
    )
    body: list[str] = [
        "<defs>" + arrow_marker("timeline-arrow", RELATIVE) + "</defs>",
        text_lines([TITLE], MARGIN, 34, 20, 24, font_weight="bold", fill="#111111"),
        text_lines(
            [
                "Solid bars: the dates the article gives. Dashed boxes: placed only relative to a dated "
                "event, in the article's words, never at a date."
            ],
            MARGIN,
            56,
            SMALL,
            LINE,
            fill="#444444",
        ),
        text_lines(
            ["before (no date given)"], MARGIN, AXIS_Y - 24, SIZE, LINE, font_weight="bold", fill=RELATIVE
        ),
        text_lines(
            ["after (no date given)"],
            WIDTH - MARGIN - ZONE_WIDTH,
            AXIS_Y - 24,
            SIZE,
            LINE,
            font_weight="bold",
            fill=RELATIVE,
        ),
    ]
    axis_parts, bars, axis_bottom = _axis(dated, label)
    zone_parts: list[str] = []
    zone_bottoms = [axis_bottom]
    for side in ("before", "after"):
        parts, bottom = _zone(side, events, placements, bars, label)
        zone_parts += parts
        zone_bottoms.append(bottom)
    separator = max(zone_bottoms) + 24
    placed = {e.iri for e in dated} | {
        iri for iri, p in placements.items() if p.relation in BEFORE + AFTER and p.anchor in bars
    }
    rest = sorted((e for e in events.values() if e.iri not in placed), key=lambda e: label[e.iri].casefold())
    list_parts, list_bottom = _unplaced(rest, placements, label, separator)
    legend = _legend(list_bottom + 16)
    axis_group = (
        f'<g class="date-axis"{attrs(data_x0=num(AXIS_X0), data_x1=num(AXIS_X1), data_y0=num(AXIS_Y - 40))}'
        f"{attrs(data_y1=num(separator))}>" + "".join(axis_parts) + "</g>"
    )
    rule = (
        f"<line{attrs(x1=MARGIN, y1=num(separator), x2=WIDTH - MARGIN, y2=num(separator))}"
        ' stroke="#999999" stroke-width="1"/>'
    )
    description = (
        f"{len(dated)} events dated by the article, "
        f"{len(placed) - len(dated)} placed only relative to them, {len(rest)} not placed in time."
    )
    height = list_bottom + 16 + 70
    return document(
        "timeline",
        WIDTH,
        height,
        TITLE,
        description,
        [*body, axis_group, *zone_parts, rule, *list_parts, *legend],
    )


def _axis(
    dated: list[Event], label: dict[str, str]
) -> tuple[list[str], dict[str, tuple[float, float, float]], float]:
    """The date axis (one column per day from the first to the last date given) and a solid bar per dated
    event, packed into lanes; returns the parts, each bar's (x0, x1, centre y), and the bottom."""
    if not dated:
        return (
            [text_lines(["The graph gives no dates."], AXIS_X0, AXIS_Y + 20, SIZE, LINE, fill="#666666")],
            {},
            AXIS_Y + 30,
        )
    first = min(e.start for e in dated if e.start)
    last = max(e.end for e in dated if e.end)
    days = (last - first).days + 1
    per_day = (AXIS_X1 - AXIS_X0) / days
    parts = [
        text_lines(
            ["dates the article gives"], AXIS_X0, AXIS_Y - 24, SIZE, LINE, font_weight="bold", fill=DATED
        )
    ]
    for i in range(days):
        day = first + timedelta(days=i)
        x = AXIS_X0 + i * per_day
        parts.append(
            f'<g class="tick"{attrs(data_date=day.isoformat())}>'
            f"<rect{attrs(x=num(x), y=AXIS_Y - 6, width=num(per_day), height=20)}"
            ' fill="#eef3fa" stroke="#c9d6ea"/>'
            + text_lines(
                [day.isoformat()], x + per_day / 2, AXIS_Y + 9, SMALL, LINE, text_anchor="middle", fill="#223"
            )
            + "</g>"
        )
    lanes: list[date] = []  # the last day taken in each lane
    bars: dict[str, tuple[float, float, float]] = {}
    lane_of: dict[str, int] = {}
    for event in dated:
        assert event.start is not None and event.end is not None
        lane = next((i for i, taken in enumerate(lanes) if taken < event.start), len(lanes))
        if lane == len(lanes):
            lanes.append(event.end)
        lanes[lane] = event.end
        lane_of[event.iri] = lane
    lane_lines = [1] * len(lanes)
    texts: dict[str, list[str]] = {}
    for event in dated:
        assert event.start is not None and event.end is not None
        width = ((event.end - event.start).days + 1) * per_day
        span = event.start.isoformat() + ("" if event.end == event.start else f" – {event.end.isoformat()}")
        texts[event.iri] = [*wrap(label[event.iri], width - 2 * PAD, SIZE), span]
        lane_lines[lane_of[event.iri]] = max(lane_lines[lane_of[event.iri]], len(texts[event.iri]))
    tops = []
    y = AXIS_Y + 26
    for count in lane_lines:
        tops.append(y)
        y += count * LINE + 2 * PAD + 10
    for event in dated:
        assert event.start is not None and event.end is not None
        x0 = AXIS_X0 + (event.start - first).days * per_day
        x1 = AXIS_X0 + ((event.end - first).days + 1) * per_day
        top = tops[lane_of[event.iri]]
        height = lane_lines[lane_of[event.iri]] * LINE + 2 * PAD
        bars[event.iri] = (x0, x1, top + height / 2)
        lines = texts[event.iri]
        parts.append(
            f'<g class="mark dated"{attrs(data_iri=event.iri, data_start=event.start.isoformat())}'
            f"{attrs(data_end=event.end.isoformat())}>"
            + title(f"{label[event.iri]}: {lines[-1]}")
            + f"<rect{attrs(x=num(x0 + 2), y=num(top), width=num(x1 - x0 - 4), height=num(height), rx=5)}"
            f"{attrs(fill=DATED)}/>"
            + text_lines(lines[:-1], x0 + PAD, top + PAD + 12, SIZE, LINE, fill="#ffffff", font_weight="bold")
            + text_lines(
                [lines[-1]],
                x0 + PAD,
                top + PAD + 12 + (len(lines) - 1) * LINE,
                SMALL,
                LINE,
                fill="#dfe9f7",
                class_="dates",
            )
            + "</g>"
        )
    return parts, bars, y


def _zone(
    side: str,
    events: dict[str, Event],
    placements: dict[str, Placement],
    bars: dict[str, tuple[float, float, float]],
    label: dict[str, str],
) -> tuple[list[str], float]:
    """The dashed boxes of the events placed only before (or after) a dated one, grouped by the article's
    words, each group with a dashed arrow to (or from) the event it is relative to."""
    relations = BEFORE if side == "before" else AFTER
    groups: dict[tuple[str, str, str], list[str]] = {}
    for iri, placement in placements.items():
        if placement.relation in relations and placement.anchor in bars:
            groups.setdefault((placement.relation, placement.anchor, placement.words), []).append(iri)
    x = MARGIN if side == "before" else WIDTH - MARGIN - ZONE_WIDTH
    y = float(AXIS_Y)
    parts: list[str] = []
    for (relation, anchor, words), members in sorted(groups.items()):
        caption = [*wrap(f"“{words}”" if words else "(no words given)", ZONE_WIDTH, SIZE)]
        how = f"{RELATION_WORDS.get(relation, relation)}: {label[anchor]}"
        if relation == "beganBefore":
            how += " (the article does not say when it ended)"
        note = wrap(how, ZONE_WIDTH, SMALL)
        group_top = y
        parts.append(
            text_lines(caption, x, y + 12, SIZE, LINE, font_style="italic", fill=RELATIVE, class_="words")
        )
        y += len(caption) * LINE
        parts.append(text_lines(note, x, y + 10, SMALL, 14, fill="#555555"))
        y += len(note) * 14 + 6
        for iri in sorted(members, key=lambda i: label[i].casefold()):
            lines = wrap(label[iri], ZONE_WIDTH - 2 * PAD, SIZE)
            height = len(lines) * LINE + 2 * PAD
            parts.append(
                f'<g class="mark relative"{attrs(data_iri=iri, data_relation=relation, data_anchor=anchor)}'
                f"{attrs(data_words=words)}>"
                + title(f"{label[iri]}: {words or RELATION_WORDS.get(relation, relation)} ({how})")
                + f'<rect{attrs(x=x, y=num(y), width=ZONE_WIDTH, height=num(height), rx=5)} fill="#fffaf0"'
                f'{attrs(stroke=RELATIVE)} stroke-width="1.5" stroke-dasharray="6 4"/>'
                + text_lines(lines, x + PAD, y + PAD + 12, SIZE, LINE, fill="#222222")
                + "</g>"
            )
            y += height + 6
        middle = (group_top + y) / 2
        x0, x1, anchor_y = bars[anchor]
        if side == "before":
            start, end = (x + ZONE_WIDTH + 4, middle), (x0 - 2, anchor_y)
        else:
            start, end = (x1 + 2, anchor_y), (x - 4, middle)
        parts.append(
            f'<path class="relation"{attrs(d=_curve(start, end), data_anchor=anchor)}'
            f' fill="none"{attrs(stroke=RELATIVE)} stroke-width="1.5" stroke-dasharray="5 4"'
            ' marker-end="url(#timeline-arrow)"/>'
        )
        y += 18
    return parts, y


def _curve(start: tuple[float, float], end: tuple[float, float]) -> str:
    (x1, y1), (x2, y2) = start, end
    middle = (x1 + x2) / 2
    return f"M {num(x1)} {num(y1)} C {num(middle)} {num(y1)}, {num(middle)} {num(y2)}, {num(x2)} {num(y2)}"


def _unplaced(
    rest: list[Event], placements: dict[str, Placement], label: dict[str, str], top: float
) -> tuple[list[str], float]:
    """The events the article does not place in time, listed in three columns below the axis, each with
    its relations in words (to a dated event other than before or after it, or to an undated one)."""
    parts = [
        text_lines(
            ["Not placed in time by the article"],
            MARGIN,
            top + 26,
            SIZE,
            LINE,
            font_weight="bold",
            fill="#444444",
        )
    ]
    if not rest:
        return parts, top + 34
    columns = 3
    width = (WIDTH - 2 * MARGIN) / columns
    per_column = -(-len(rest) // columns)
    bottom = top + 34
    for index in range(columns):
        y = top + 40
        for event in rest[index * per_column : (index + 1) * per_column]:
            words = label[event.iri]
            placement = placements.get(event.iri)
            related = (
                [(placement.relation, placement.anchor)]
                if placement is not None
                else [(r, other) for r, other in event.relations if other in label]
            )
            for relation, other in related:
                words += f" ({RELATION_WORDS.get(relation, relation)} {label[other]})"
            if event.year:
                words += f" (in {event.year})"
            lines = wrap(words, width - 24, SMALL)
            x = MARGIN + index * width
            parts.append(
                f'<g class="mark unplaced"{attrs(data_iri=event.iri)}>'
                + title(words)
                + f'<circle{attrs(cx=num(x + 5), cy=num(y + 8), r=3)} fill="#888888"/>'
                + text_lines(lines, x + 14, y + 12, SMALL, 14, fill="#333333")
                + "</g>"
            )
            y += len(lines) * 14 + 6
        bottom = max(bottom, y)
    return parts, bottom


def _legend(top: float) -> list[str]:
    return [
        '<g class="legend">',
        f"<rect{attrs(x=MARGIN, y=num(top), width=WIDTH - 2 * MARGIN, height=54)}"
        ' fill="#ffffff" stroke="#cccccc"/>',
        f"<rect{attrs(x=MARGIN + 14, y=num(top + 12), width=34, height=14, rx=3, fill=DATED)}/>",
        text_lines(["dated by the article (day by day)"], MARGIN + 56, top + 24, SMALL, LINE, fill="#222222"),
        f'<rect{attrs(x=MARGIN + 320, y=num(top + 12), width=34, height=14, rx=3)} fill="#fffaf0"'
        f'{attrs(stroke=RELATIVE)} stroke-width="1.5" stroke-dasharray="6 4"/>',
        text_lines(
            ["placed only relative to a dated event: the article's words, no date"],
            MARGIN + 362,
            top + 24,
            SMALL,
            LINE,
            fill="#222222",
        ),
        f'<circle{attrs(cx=MARGIN + 31, cy=num(top + 40), r=3)} fill="#888888"/>',
        text_lines(
            ["not placed in time (listed, not drawn on the axis)"],
            MARGIN + 56,
            top + 44,
            SMALL,
            LINE,
            fill="#222222",
        ),
        "</g>",
    ]


__all__ = ["Event", "Placement", "place", "read_events", "timeline_svg"]
