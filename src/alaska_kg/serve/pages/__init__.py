"""The pages of `alaska-kg serve` for people: the home page, one page per resource (and its RDF by content
negotiation, W3C "Cool URIs"), the ontology, search, the SPARQL editor and the pictures.

`routes()` is what the app (alaska_kg.serve.app) mounts; every handler reads the served dataset from
`request.app.state.serve` (alaska_kg.serve.state.ServeState) and queries it with pyoxigraph only: no
reasoning or validation per request. The handlers are plain functions, which Starlette runs in its thread
pool, so a page being written never holds up the event loop the endpoint's queries wait on.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from alaska_kg.serve.pages.home import home
from alaska_kg.serve.pages.ontology import ontology
from alaska_kg.serve.pages.pictures import picture_routes
from alaska_kg.serve.pages.query_page import query_page
from alaska_kg.serve.pages.resource import resource
from alaska_kg.serve.pages.search_page import search_page

STATIC_DIR = Path(__file__).with_name("static")


def routes() -> list[BaseRoute]:
    """The pages' routes, to mount at the root of the app."""
    return [
        Route("/", home, methods=["GET"], name="home"),
        Route("/resource/{name}", resource, methods=["GET"], name="resource"),
        Route("/ontology", ontology, methods=["GET"], name="ontology"),
        Route("/ontology.{suffix}", ontology, methods=["GET"], name="ontology-document"),
        Route("/search", search_page, methods=["GET"], name="search"),
        Route("/query", query_page, methods=["GET"], name="query"),
        *picture_routes(),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]


__all__ = ["STATIC_DIR", "routes"]
