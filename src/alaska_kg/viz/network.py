"""The network picture: who accused or criticised whom, over which issue, drawn from the graph as SVG.

Layout: the two parties of the talks in two columns (each actor beside the side it speaks for), one box
per statement in the middle holding its kind, its date where the article gives one, and the issues it
concerns; an arrow runs from the speaker into the box and on to each target. An actor of neither side (a
commentator, the allies) is drawn grey, in the column facing those it accused or was accused by. The
rows come from `network.rq` beside this module; nothing is drawn that the query did not return.
"""

from __future__ import annotations

from collections import namedtuple

from alaska_kg.query.dataset import OpenDataset
from alaska_kg.viz.rows import names, select
from alaska_kg.viz.svg import arrow_marker, attrs, document, num, text_lines, title, wrap

WIDTH = 1120
MARGIN = 24
COLUMN_WIDTH = 240
BOX_X = 360
BOX_WIDTH = 400
TOP = 112
ROW_GAP = 18
NODE_GAP = 14
SIZE = 13
SMALL = 11.5
LINE = 16
PAD = 8
SIDE_COLOURS = ("#1f5fa8", "#b3261e")  # the first and the second party of the talks
NEUTRAL = "#6b6b6b"  # neither party
TITLE = "Who accused or criticised whom, and over which issue"


class Statement(namedtuple("Statement", ("iri", "kind", "speaker", "targets", "issues", "date", "turn"))):
    """One accusation or criticism: who made it, against whom, its kind, issues, date and turn."""

    __slots__ = ()
    iri: str
    kind: str
    speaker: str
    targets: tuple[str, ...]
    issues: tuple[str, ...]
    date: str | None
    turn: int | None


class Network(namedtuple("Network", ("statements", "sides", "side_of"))):
    """What the picture shows, read from the graph: the statements, the sides in column order, and the
    side (or None) each actor speaks for."""

    __slots__ = ()
    statements: tuple[Statement, ...]
    sides: tuple[str, ...]
    side_of: dict[str, str | None]


def read_network(dataset: OpenDataset) -> Network:
    """The accusations and criticisms of the dataset, ordered as the article tells them (date, then turn,
    undated last), and the two sides, the one that spoke first on the left."""
    by_statement: dict[str, dict[str, object]] = {}
    side_of: dict[str, str | None] = {}
    for row in select(dataset, "network"):
        iri = str(row["statement"])
        entry = by_statement.setdefault(
            iri,
            {
                "kind": row["kind"],
                "speaker": row["speaker"],
                "targets": set(),
                "issues": set(),
                "dates": set(),
            },
        )
        entry["targets"].add(row["target"])  # type: ignore[union-attr]
        if row["issue"] is not None:
            entry["issues"].add(row["issue"])  # type: ignore[union-attr]
        if row["date"] is not None:
            entry["dates"].add(row["date"])  # type: ignore[union-attr]
        if row["turn"] is not None:
            entry["turn"] = int(row["turn"])
        for actor, side in ((row["speaker"], row["speakerSide"]), (row["target"], row["targetSide"])):
            side_of[str(actor)] = side_of.get(str(actor)) or side
    statements = [
        Statement(
            iri=iri,
            kind=str(entry["kind"]),
            speaker=str(entry["speaker"]),
            targets=tuple(sorted(entry["targets"])),  # type: ignore[arg-type]
            issues=tuple(sorted(entry["issues"])),  # type: ignore[arg-type]
            date=min(entry["dates"]) if entry["dates"] else None,  # type: ignore[type-var, arg-type]
            turn=entry.get("turn"),  # type: ignore[arg-type]
        )
        for iri, entry in by_statement.items()
    ]
    statements.sort(key=lambda s: (s.date is None, s.date or "", s.turn is None, s.turn or 0, s.iri))
    # the sides in the order they first speak or are spoken to
    sides: list[str] = []
    for statement in statements:
        for actor in (statement.speaker, *statement.targets):
            side = side_of.get(actor)
            if side is not None and side not in sides:
                sides.append(side)
    # within one date and turn (or none), each side's statements together, speaker by speaker
    rank = {side: index for index, side in enumerate(sides)}
    statements.sort(
        key=lambda s: (
            s.date is None,
            s.date or "",
            s.turn is None,
            s.turn or 0,
            rank.get(side_of.get(s.speaker) or "", len(rank)),
            s.speaker,
            s.iri,
        )
    )
    return Network(tuple(statements), tuple(sides), side_of)


def network_svg(dataset: OpenDataset) -> str:
    """The network of accusations and criticisms in `dataset`, as a standalone SVG document."""
    network = read_network(dataset)
    iris = {s.kind for s in network.statements} | set(network.sides)
    for statement in network.statements:
        iris |= {statement.speaker, *statement.targets, *statement.issues}
    label = names(dataset, iris)
    return _draw(network, label)


def _column(network: Network) -> dict[str, int]:
    """0 (left) or 1 (right) for each actor: its side's column; an actor of neither side faces the actors
    it accused or was accused by (the left column when they are as many on each side, or none)."""
    column: dict[str, int] = {}
    for actor, side in network.side_of.items():
        if side is not None:
            column[actor] = 0 if side == network.sides[0] else 1
    for actor in sorted(a for a, side in network.side_of.items() if side is None):
        counterparts = [
            other
            for s in network.statements
            for other in ((*s.targets,) if s.speaker == actor else (s.speaker,) if actor in s.targets else ())
        ]
        votes = [column[c] for c in counterparts if c in column]
        column[actor] = 1 if votes and votes.count(0) > votes.count(1) else 0
    return column


def _colour(network: Network, actor: str) -> str:
    side = network.side_of.get(actor)
    if side is None or not network.sides:
        return NEUTRAL
    return SIDE_COLOURS[0] if side == network.sides[0] else SIDE_COLOURS[1]


def _draw(network: Network, label: dict[str, str]) -> str:
    column = _column(network)
    body: list[str] = [
        "<defs>"
        + "".join(arrow_marker(f"network-arrow-{i}", c) for i, c in enumerate((*SIDE_COLOURS, NEUTRAL)))
        + "</defs>",
        text_lines([TITLE], MARGIN, 34, 20, 24, font_weight="bold", fill="#111111"),
        text_lines(
            [
                "Every statement the graph records as an accusation or a criticism (or with a CAMEO code "
                "under 11 Disapprove), from its speaker to its target"
            ],
            MARGIN,
            56,
            SMALL,
            LINE,
            fill="#444444",
        ),
    ]
    for index, side in enumerate(network.sides[:2]):
        x = MARGIN if index == 0 else WIDTH - MARGIN - COLUMN_WIDTH
        body.append(
            text_lines(
                [f"speaks for {label.get(side, side)}"],
                x,
                TOP - 16,
                SIZE,
                LINE,
                font_weight="bold",
                fill=SIDE_COLOURS[index],
                class_="side-heading",
            )
        )
    body.append(text_lines(["statement: kind, date, issues"], BOX_X, TOP - 16, SIZE, LINE, fill="#444444"))

    # the statement boxes, one row each
    boxes: dict[str, tuple[float, float]] = {}  # statement → (top, height)
    box_parts: list[str] = []
    y = float(TOP)
    for statement in network.statements:
        head = label.get(statement.kind, statement.kind) + (f" · {statement.date}" if statement.date else "")
        issues = [label.get(i, i) for i in statement.issues]
        issue_lines = wrap("over " + ", ".join(issues), BOX_WIDTH - 2 * PAD, SIZE) if issues else []
        lines = 1 + max(len(issue_lines), 1)
        height = 2 * PAD + lines * LINE
        boxes[statement.iri] = (y, height)
        colour = _colour(network, statement.speaker)
        issue_text = (
            text_lines(
                issue_lines, BOX_X + PAD, y + PAD + LINE + 12, SIZE, LINE, fill="#111111", class_="issues"
            )
            if issue_lines
            else text_lines(
                ["no issue named"],
                BOX_X + PAD,
                y + PAD + LINE + 12,
                SIZE,
                LINE,
                fill="#666666",
                font_style="italic",
                class_="issues",
            )
        )
        box_parts.append(
            f"<g{attrs(class_='statement', data_iri=statement.iri, data_kind=statement.kind)}>"
            + title(
                f"{label.get(statement.speaker, statement.speaker)}: "
                + ", ".join(label.get(t, t) for t in statement.targets)
                + (f" — {', '.join(issues)}" if issues else "")
            )
            + f"<rect{attrs(x=BOX_X, y=num(y), width=BOX_WIDTH, height=num(height), rx=6)}"
            f' fill="#fafafa"{attrs(stroke=colour)} stroke-width="1.5"/>'
            + text_lines([head], BOX_X + PAD, y + PAD + 11, SMALL, LINE, fill=colour, font_weight="bold")
            + issue_text
            + "</g>"
        )
        y += height + ROW_GAP
    bottom = y

    # the actors, each near the boxes it is linked to, none overlapping in its column
    nodes: dict[str, tuple[float, float]] = {}  # actor → (top, height)
    node_parts: list[str] = []
    for side in (0, 1):
        members = [a for a, c in column.items() if c == side]
        wanted: dict[str, float] = {}
        for actor in members:
            centres = [
                boxes[s.iri][0] + boxes[s.iri][1] / 2
                for s in network.statements
                if s.speaker == actor or actor in s.targets
            ]
            wanted[actor] = sum(centres) / len(centres) if centres else TOP
        x = MARGIN if side == 0 else WIDTH - MARGIN - COLUMN_WIDTH
        floor = float(TOP)
        for actor in sorted(members, key=lambda a: (wanted[a], label.get(a, a))):
            lines = wrap(label.get(actor, actor), COLUMN_WIDTH - 2 * PAD, SIZE)
            height = 2 * PAD + len(lines) * LINE
            top = max(wanted[actor] - height / 2, floor)
            nodes[actor] = (top, height)
            floor = top + height + NODE_GAP
            colour = _colour(network, actor)
            node_parts.append(
                f"<g{attrs(class_='actor', data_iri=actor, data_side=network.side_of.get(actor) or '')}>"
                + title(label.get(actor, actor))
                + f"<rect{attrs(x=x, y=num(top), width=COLUMN_WIDTH, height=num(height), rx=10)}"
                f"{attrs(fill=colour)}/>"
                + text_lines(lines, x + PAD, top + PAD + 12, SIZE, LINE, fill="#ffffff", font_weight="bold")
                + "</g>"
            )
            bottom = max(bottom, floor)

    # the arrows: speaker → statement → each target, in the speaker's colour
    edge_parts: list[str] = []
    for statement in network.statements:
        top, height = boxes[statement.iri]
        colour = _colour(network, statement.speaker)
        marker = f"network-arrow-{(*SIDE_COLOURS, NEUTRAL).index(colour)}"
        speaker_x = _node_edge(column[statement.speaker])
        entry_x = BOX_X if column[statement.speaker] == 0 else BOX_X + BOX_WIDTH
        node_top, node_height = nodes[statement.speaker]
        edge_parts.append(
            _curve(
                speaker_x,
                node_top + node_height / 2,
                entry_x,
                top + height / 2 - 5,
                colour,
                marker,
                statement.speaker,
                statement.iri,
            )
        )
        for target in statement.targets:
            exit_x = BOX_X + BOX_WIDTH if column[target] == 1 else BOX_X
            node_top, node_height = nodes[target]
            edge_parts.append(
                _curve(
                    exit_x,
                    top + height / 2 + 5,
                    _node_edge(column[target]),
                    node_top + node_height / 2,
                    colour,
                    marker,
                    statement.iri,
                    target,
                )
            )

    legend_top = bottom + 12
    legend = _legend(network, label, legend_top)
    height = legend_top + 96
    description = (
        f"{len(network.statements)} statements of accusation or criticism between "
        f"{len(nodes)} actors; left: {label.get(network.sides[0], '') if network.sides else ''}, "
        f"right: {label.get(network.sides[1], '') if len(network.sides) > 1 else ''}."
    )
    return document(
        "network", WIDTH, height, TITLE, description, [*body, *edge_parts, *box_parts, *node_parts, *legend]
    )


def _node_edge(side: int) -> float:
    """Where an arrow leaves or reaches an actor: the inner edge of its column."""
    return MARGIN + COLUMN_WIDTH if side == 0 else WIDTH - MARGIN - COLUMN_WIDTH


def _curve(
    x1: float, y1: float, x2: float, y2: float, colour: str, marker: str, source: str, target: str
) -> str:
    middle = (x1 + x2) / 2
    if abs(x2 - x1) < 1:  # both ends on the same side: bulge into the gap
        middle = x1 + (40 if x1 < WIDTH / 2 else -40)
    d = f"M {num(x1)} {num(y1)} C {num(middle)} {num(y1)}, {num(middle)} {num(y2)}, {num(x2)} {num(y2)}"
    return (
        f'<path{attrs(class_="edge", d=d, fill="none", stroke=colour)} stroke-width="1.6"'
        f"{attrs(marker_end=f'url(#{marker})', data_from=source, data_to=target)}/>"
    )


def _legend(network: Network, label: dict[str, str], top: float) -> list[str]:
    entries = [
        (SIDE_COLOURS[i], f"speaks for {label.get(side, side)} (a party of the talks)")
        for i, side in enumerate(network.sides[:2])
    ] + [(NEUTRAL, "speaks for neither party")]
    parts = [
        f'<g class="legend"><rect x="{MARGIN}" y="{num(top)}" width="{WIDTH - 2 * MARGIN}" height="84"'
        ' fill="#ffffff" stroke="#cccccc"/>'
    ]
    x = MARGIN + 14
    for colour, words in entries:
        parts.append(f"<rect{attrs(x=x, y=num(top + 14), width=14, height=14, rx=3, fill=colour)}/>")
        parts.append(text_lines([words], x + 20, top + 26, SMALL, LINE, fill="#222222"))
        x += 340
    parts.append(
        f'<path d="M {MARGIN + 14} {num(top + 52)} L {MARGIN + 74} {num(top + 52)}" stroke="#444444"'
        ' stroke-width="1.6" marker-end="url(#network-arrow-2)"/>'
    )
    explanation = (
        "from the speaker into the box of the statement (its kind, its date where the article gives one, the "
        "issues it concerns), and on to the one accused or criticised"
    )
    parts.append(
        text_lines(
            wrap(explanation, WIDTH - 2 * MARGIN - 100, SMALL),
            MARGIN + 84,
            top + 56,
            SMALL,
            LINE,
            fill="#222222",
        )
    )
    parts.append("</g>")
    return parts


__all__ = ["Network", "Statement", "network_svg", "read_network"]
