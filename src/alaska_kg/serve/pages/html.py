"""The HTML every page shares: escaping, links to the graph's terms, and the frame with the article's credit.

All text from the data goes through `text()` (control characters made visible by `display.printable`, then
HTML-escaped), so a label can never become markup. IRIs of the graph link to this server's own pages
(`/resource/NAME`, `/ontology#Term`), others to themselves; links are built under the request's root path,
so the site works behind a reverse proxy that mounts it below `/`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse

from alaska_kg import __version__
from alaska_kg.display import printable
from alaska_kg.namespaces import AK, AKR, shorten

ARTICLE_URL = "https://en.wikipedia.org/wiki/United_States%E2%80%93China_talks_in_Alaska"
LICENSE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
HTML_TYPE = "text/html; charset=utf-8"


def text(value: object) -> str:
    """Data text as safe HTML: control characters shown as escapes, then `<>&"'` escaped."""
    return html.escape(printable(str(value)), quote=True)


def base(request: Request) -> str:
    """The path this site is mounted under ('' at the root; '/kg' behind `proxy_pass` with --root-path)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def local_path(iri: str) -> str | None:
    """The path of this server's page for `iri`, or None for an IRI from elsewhere."""
    if iri.startswith(AKR) and len(iri) > len(AKR):
        return "/resource/" + quote(iri[len(AKR) :], safe="-._~!$&'()*+,;=:@")
    if iri.startswith(AK):
        return "/ontology#" + quote(iri[len(AK) :], safe="-._~")
    if iri == AK[:-1]:
        return "/ontology"
    return None


def href(request: Request, iri: str) -> str:
    """Where a link to `iri` points: its page here, else the IRI itself (only http(s) IRIs are links)."""
    path = local_path(iri)
    if path is not None:
        return base(request) + path
    return iri if iri.startswith(("http://", "https://")) else ""


def iri_link(request: Request, iri: str, names: Mapping[str, str], *, css: str = "") -> str:
    """An `<a>` naming `iri` by its label (else its prefixed form), the IRI in its title."""
    label = names.get(iri) or shorten(iri)
    target = href(request, iri)
    cls = f' class="{css}"' if css else ""
    if not target:
        return f'<span{cls} title="{text(iri)}">{text(label)}</span>'
    return f'<a{cls} href="{text(target)}" title="{text(iri)}">{text(label)}</a>'


def page(
    request: Request,
    title: str,
    body: str,
    *,
    status: int = 200,
    head: str = "",
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A whole HTML page: navigation, `body` (already safe HTML), and the credit to the article."""
    root = base(request)
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text(title)} · alaska-kg</title>
<link rel="stylesheet" href="{root}/static/style.css">
<link rel="icon" href="{root}/static/favicon.svg" type="image/svg+xml">
{head}
</head>
<body>
<header class="site">
<a class="brand" href="{root}/">alaska-kg</a>
<nav>
<a href="{root}/resource/alaska-talks">The talks</a>
<a href="{root}/ontology">Ontology</a>
<a href="{root}/query">SPARQL</a>
</nav>
<form class="search" action="{root}/search" method="get" role="search">
<input type="search" name="q" placeholder="Search people, issues, statements…" aria-label="Search">
<button type="submit">Search</button>
</form>
</header>
<main>
{body}
</main>
<footer class="site">
<p>Made from the Wikipedia article
<a href="{ARTICLE_URL}">“United States–China talks in Alaska”</a> by Wikipedia contributors,
licensed under <a rel="license" href="{LICENSE_URL}">CC BY-SA 4.0</a>;
the article's sentences quoted here and the data derived from them are shared under the same licence.
alaska-kg {text(__version__)}.</p>
</footer>
</body>
</html>
"""
    return HTMLResponse(document, status_code=status, headers=dict(headers or {}), media_type=HTML_TYPE)


__all__ = ["ARTICLE_URL", "LICENSE_URL", "base", "href", "iri_link", "local_path", "page", "text"]
