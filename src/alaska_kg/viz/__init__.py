"""The pictures wing: SVG drawings (the timeline of the events, the network of accusations) made from the
built dataset by queries (`timeline.rq`, `network.rq` beside these modules), never from hand-written data.

Stands on the query wing only: no rdflib, no build (import-linter checks it). `alaska-kg viz` and
`alaska-kg build` write them as `timeline.svg` and `network.svg`; the endpoint serves them.
"""

from __future__ import annotations

from collections.abc import Callable

from alaska_kg.query.dataset import OpenDataset
from alaska_kg.viz.network import network_svg
from alaska_kg.viz.timeline import timeline_svg

# Each picture by the file name it is written under (by `alaska-kg viz`, the build, the endpoint).
PICTURES: dict[str, Callable[[OpenDataset], str]] = {"timeline.svg": timeline_svg, "network.svg": network_svg}

__all__ = ["PICTURES", "network_svg", "timeline_svg"]
