"""`/timeline.svg` and `/network.svg`: the pictures of the viz wing (alaska_kg.viz.PICTURES), drawn from the
served dataset by queries once, then kept; and the home page's figure showing them.

SVG is served with a Content-Security-Policy that runs no script, so a picture opened on its own cannot
act on the site even if a label in the data were hostile (the viz wing escapes its text as well).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from alaska_kg import viz
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.serve.pages.context import memo
from alaska_kg.serve.pages.html import base, text

SVG_TYPE = "image/svg+xml"
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CAPTIONS = {
    "timeline.svg": "Timeline of the events: exact dates where the article gives them, relative order where "
    "it gives only words such as “the week before”.",
    "network.svg": "Who accused or criticised whom, over which issue.",
}


def pictures() -> dict[str, Callable[[OpenDataset], str]]:
    """The drawings the viz wing offers, by file name (none before it exists)."""
    return dict(getattr(viz, "PICTURES", {}))


def _handler(name: str, draw: Callable[[OpenDataset], str]) -> Callable:
    def picture(request: Request) -> Response:
        svg = memo(request, "picture:" + name, lambda state: draw(state.dataset))
        return Response(svg, media_type=SVG_TYPE, headers={"Content-Security-Policy": SVG_POLICY})

    picture.__doc__ = f"`/{name}`, drawn from the dataset."
    return picture


def picture_routes() -> list[Route]:
    """One route per picture."""
    return [Route(f"/{name}", _handler(name, draw), methods=["GET"]) for name, draw in pictures().items()]


def pictures_html(request: Request) -> str:
    """The home page's figures, one per picture (nothing when the viz wing draws none)."""
    found = pictures()
    if not found:
        return ""
    figures = "".join(
        f'<figure class="picture" id="picture-{text(name.removesuffix(".svg"))}">'
        f'<a href="{base(request)}/{text(name)}"><img src="{base(request)}/{text(name)}" '
        f'alt="{text(CAPTIONS.get(name, name))}"></a>'
        f"<figcaption>{text(CAPTIONS.get(name, name))}</figcaption></figure>"
        for name in found
    )
    return f'<section id="pictures"><h2>Pictures</h2>{figures}</section>'


__all__ = ["picture_routes", "pictures", "pictures_html"]
