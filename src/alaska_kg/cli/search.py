"""The commands that find names (search, prefixes): the way into the graph before `describe` and `query`.

Light imports only, like alaska_kg.cli.query: Oxigraph and the built dataset, never rdflib.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from alaska_kg.cli.query import _common, _max_cell, _open, _row_cap
from alaska_kg.cli.sources import sources
from alaska_kg.display import printable
from alaska_kg.namespaces import shorten
from alaska_kg.query.results import text_table
from alaska_kg.query.search import DEFAULT_LIMIT, prefixes, search
from alaska_kg.syntaxes import format_type

PREFIX_FORMATS = ("table", "sparql", "ttl", "json")


def _search(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Exit 0 with the hits, 1 when nothing matched (as grep)."""
    hits = search(_open(args, sources(args, err), err), args.text, args.limit)
    if args.format == "json":
        body = [
            {"iri": h.iri, "label": h.label, "classes": list(h.classes), "matched": h.matched, "by": h.kind}
            for h in hits
        ]
        out.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    elif hits:
        rows = [
            (
                h.label,
                shorten(h.iri),
                ", ".join(h.classes),
                "" if h.matched == h.label else f"{h.kind}: {h.matched}",
            )
            for h in hits
        ]
        table = text_table(("label", "iri", "class", "matched"), rows, max_cell=_max_cell(args, out))
        out.write("\n".join(table) + "\n")
        print(f"{len(hits)} found; `alaska-kg describe IRI` says what the graph holds of one", file=err)
    else:
        print(f"{printable(args.text)!r}: no label or alias matches", file=err)
    return 0 if hits else 1


def _prefixes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    pairs = prefixes()
    if args.format == "sparql":
        out.write("".join(f"PREFIX {p}: <{ns}>\n" for p, ns in pairs))
    elif args.format == "ttl":
        out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in pairs))
    elif args.format == "json":
        out.write(json.dumps(dict(pairs), indent=2) + "\n")
    else:
        out.write("\n".join(text_table(("prefix", "namespace"), pairs, max_cell=None)) + "\n")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `search` and `prefixes` to the `alaska-kg` parser."""
    search_parser = commands.add_parser(
        "search",
        help="find resources by label or alias: IRI and class",
        description="Find the resources whose rdfs:label, skos:prefLabel or skos:altLabel (alias) contains "
        "TEXT (case and accents aside), best match first: whole name, start, start of a word, anywhere. "
        "Exit 1 when nothing matches. Then `alaska-kg describe IRI`, then a query.",
    )
    search_parser.add_argument("text", metavar="TEXT", help="a name or part of one")
    search_parser.add_argument(
        "--limit",
        type=_row_cap,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N hits (default: {DEFAULT_LIMIT}; 0: all)",
    )
    search_parser.add_argument(
        "--format", type=format_type(("table", "json")), default="table", help="table (default) or json"
    )
    search_parser.add_argument("--wide", action="store_true", help="never cut table cells")
    _common(search_parser)
    search_parser.set_defaults(handler=_search)

    prefix_parser = commands.add_parser(
        "prefixes",
        help="the prefixes --sparql knows and the output uses",
        description="The curated prefixes: predeclared for `query --sparql`, used to shorten IRIs in tables, "
        "describe and Turtle output.",
    )
    prefix_parser.add_argument(
        "--format",
        type=format_type(PREFIX_FORMATS, {"sparql": "sparql", "rq": "sparql"}),
        default="table",
        help="table (default), sparql (PREFIX lines), turtle (@prefix lines), json",
    )
    prefix_parser.add_argument("--debug", action="store_true", help="show a traceback on error")
    prefix_parser.set_defaults(handler=_prefixes)


__all__ = ["register"]
