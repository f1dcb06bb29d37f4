"""The `alaska-kg link` commands (status, check, suggest): parse the options, call the wikidata wing, print.

rdflib and the HTTP client are imported inside the handlers, so that registering the commands keeps
`alaska-kg --help` and the query path light.
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from alaska_kg.cli.sources import sources
from alaska_kg.display import PrintableWriter
from alaska_kg.errors import UsageError
from alaska_kg.namespaces import shorten

if TYPE_CHECKING:
    from alaska_kg.wikidata.check import LinkCheck
    from alaska_kg.wikidata.client import WikidataClient
    from alaska_kg.wikidata.links import Entity
    from alaska_kg.wikidata.suggest import Candidate

PROG = "alaska-kg"
DEFAULT_TIMEOUT = 10.0  # = wikidata.client.DEFAULT_TIMEOUT, kept here so that --help imports nothing
DEFAULT_LIMIT = 7


def _client(args: argparse.Namespace) -> WikidataClient:
    """A client on $ALASKA_KG_WIKIDATA_API (else the public API) with the --timeout given."""
    from alaska_kg.wikidata.client import WikidataClient

    if args.timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, not {args.timeout:g}")
    return WikidataClient(timeout=args.timeout)


def _quoted(names: tuple[str, ...]) -> str:
    return " | ".join(f'"{n}"' for n in names) if names else "(none)"


def _classes(entity: Entity) -> str:
    return ", ".join(shorten(c) for c in entity.classes)


# ---------------------------------------------------------------- status


def _status(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Linked entities with their QID, then the linkable entities with none; reads files only."""
    out = PrintableWriter(out)  # type: ignore[assignment]  # labels are data literals
    from alaska_kg.wikidata.links import load_link_data

    data = load_link_data(sources(args, err))
    print(f"linked to Wikidata ({len(data.links)}):", file=out)
    width = max((len(link.entity.short) for link in data.links), default=0)
    for link in sorted(data.links, key=lambda link: link.entity.short):
        relation = "" if link.relation == "exactMatch" else f"  (skos:{link.relation})"
        print(f"  {link.entity.short:<{width}}  wd:{link.qid:<10}  {link.entity.label}{relation}", file=out)
    unlinked = data.unlinked
    print(f"not linked, no confirmed QID ({len(unlinked)}):", file=out)
    width = max((len(e.short) for e in unlinked), default=0)
    for entity in sorted(unlinked, key=lambda e: e.short):
        print(f"  {entity.short:<{width}}  {entity.label}  ({_classes(entity)})", file=out)
    return 0


# ---------------------------------------------------------------- check


STATE_ORDER = ("OK", "LABEL-MISMATCH", "REDIRECT", "MISSING", "KNOWN-WRONG")


def _print_check(result: LinkCheck, width: int, qid_width: int, out: TextIO) -> None:
    link, item = result.link, result.item
    head = f"{result.state:<15} {link.entity.short:<{width}}  {'wd:' + link.qid:<{qid_width}}"
    if result.state == "OK":
        print(f"{head}  {item.label or ''}", file=out)
    elif result.state == "MISSING":
        print(f"{head}  the item was deleted or never existed; ours: {_quoted(link.entity.names)}", file=out)
    elif result.state == "REDIRECT":
        print(f"{head}  redirects to wd:{item.qid} ({item.label or 'no English label'}): link that", file=out)
    elif result.state == "KNOWN-WRONG":
        wrong = result.wrong
        note = f" ({wrong.note})" if wrong and wrong.note else ""
        print(
            f"{head}  listed as wrong for {wrong.label if wrong else '?'!r} in the reference{note}", file=out
        )
    else:
        print(head.rstrip(), file=out)
        print(f"{'':<16}ours:     {_quoted(link.entity.names)}", file=out)
        description = f" — {item.description}" if item.description else ""
        print(f"{'':<16}Wikidata: {_quoted(item.names)}{description}", file=out)


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Fetch every linked item and compare; exit 1 when any link is not OK."""
    out = PrintableWriter(out)  # type: ignore[assignment]  # labels and descriptions from Wikidata
    from alaska_kg.wikidata.check import check_links
    from alaska_kg.wikidata.links import load_link_data

    data = load_link_data(sources(args, err))
    client = _client(args)
    results = check_links(data, client)
    width = max((len(r.link.entity.short) for r in results), default=0)
    qid_width = max((len(r.link.qid) + 3 for r in results), default=0)
    for result in sorted(results, key=lambda r: (r.ok, r.link.entity.short)):
        _print_check(result, width, qid_width, out)
    counts = Counter(r.state for r in results)
    tally = ", ".join(f"{counts[state]} {state}" for state in STATE_ORDER if counts[state])
    print(f"{len(results)} links checked against {client.api_url}: {tally or 'nothing to check'}", file=out)
    if counts["LABEL-MISMATCH"]:
        print(
            "a LABEL-MISMATCH may be legitimate (our name vs Wikidata's label): judge each, then fix "
            "data/links.ttl or our labels",
            file=out,
        )
    return 0 if all(r.ok for r in results) else 1


# ---------------------------------------------------------------- suggest


def _print_candidates(
    entity: Entity, candidates: tuple[Candidate, ...], linked: str | None, out: TextIO
) -> None:
    already = f"  (already linked to wd:{linked})" if linked else ""
    print(f'{entity.short}  "{entity.label}"  ({_classes(entity)}){already}', file=out)
    if not candidates:
        print("   no candidates", file=out)
    for number, c in enumerate(candidates, start=1):
        description = f" — {c.hit.description}" if c.hit.description else " — (no description)"
        why = f"label {c.similarity:.2f}, type {c.cue.fit}"
        if c.cue.words:
            why += f" ({', '.join(c.cue.words)})"
        if c.wrong is not None:
            why += f", LISTED AS WRONG for {c.wrong.label!r}"
        print(
            f"  {number:>2}. wd:{c.hit.qid:<10} {c.score:5.2f}  {c.hit.label or '(no label)'}{description}",
            file=out,
        )
        print(f"      [{why}]", file=out)


def _suggest(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Rank Wikidata candidates for one or every unlinked entity; with --accept, write the chosen link."""
    out = PrintableWriter(out)  # type: ignore[assignment]  # labels and descriptions from Wikidata
    from alaska_kg.paths import ensure_writable
    from alaska_kg.wikidata.links import GIVEN_SOURCE, SEARCH_SOURCE, find_entity, load_link_data, parse_qid
    from alaska_kg.wikidata.suggest import suggest
    from alaska_kg.wikidata.write import refuse_if_wrong, write_link

    if args.limit < 1:
        raise UsageError(f"--limit must be at least 1, not {args.limit}")
    if args.accept and not args.thing:
        raise UsageError("--accept QID needs the THING to link (an IRI, prefixed name or label)")
    layout = sources(args, err)
    if args.accept:
        ensure_writable(layout, "data/links.ttl")  # before any request to Wikidata
    data = load_link_data(layout)
    links = {link.entity.iri: link.qid for link in data.links}
    entities = (find_entity(data, args.thing),) if args.thing else data.unlinked
    qid = parse_qid(args.accept) if args.accept else None
    if qid is not None:
        entity = entities[0]
        if links.get(entity.iri) == qid:
            print(f"{entity.short} is already linked to wd:{qid}; nothing to do", file=out)
            return 0
        refuse_if_wrong(data, entity, qid)  # before any request: a known-wrong QID is refused offline too
    client = _client(args)
    candidates: tuple[Candidate, ...] = ()
    for number, entity in enumerate(entities):
        candidates = suggest(data, entity, client, limit=args.limit)
        if number:
            print(file=out)
        _print_candidates(entity, candidates, links.get(entity.iri), out)
    if qid is None:
        if entities:
            print(
                f"\naccept one with: {PROG} link suggest THING --accept QID (the user decides; nothing is "
                "written without --accept)",
                file=out,
            )
        else:
            print("every linkable entity is linked", file=out)
        return 0
    entity = entities[0]
    item = client.get_items([qid])[qid]
    source = SEARCH_SOURCE if qid in {c.hit.qid for c in candidates} else GIVEN_SOURCE
    accepted = write_link(layout, data, entity, qid, source=source, item=item)
    label = f" ({item.label})" if item.label else ""
    print(
        f"\nlinked {entity.short} skos:exactMatch wd:{qid}{label}: written to {accepted.path}, "
        f'with the note {shorten(accepted.note)} (dcterms:source "{source}")',
        file=out,
    )
    if source == GIVEN_SOURCE:
        print(f'note: wd:{qid} was not among the search candidates for "{entity.label}"', file=out)
    return 0


# ---------------------------------------------------------------- registration


def _common(parser: argparse.ArgumentParser, network: bool) -> None:
    if network:
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help=f"give up on a Wikidata request after SECONDS (default: {DEFAULT_TIMEOUT:g})",
        )
    parser.add_argument("--debug", action="store_true", help="show a traceback on error")
    from alaska_kg.paths import ROOT_HELP

    parser.add_argument("--root", default=None, metavar="DIR", help=ROOT_HELP)


def register(commands: argparse._SubParsersAction) -> None:
    """Add `link status|check|suggest` to the `alaska-kg` parser."""
    link = commands.add_parser(
        "link",
        help="curate and check the links to Wikidata",
        description="The links from our resources to Wikidata items (skos:exactMatch in data/links.ttl). "
        "`status` reads the files only; `check` and `suggest` ask the Wikidata API (base URL from "
        "$ALASKA_KG_WIKIDATA_API) and, offline, say so and exit 20.",
    )
    actions = link.add_subparsers(dest="link_command", metavar="SUBCOMMAND", required=True)

    status = actions.add_parser(
        "status",
        help="list the linked entities and the linkable ones with no QID",
        description="List each linked entity with its QID, then the persons, organizations, places, posts, "
        "events and issues that have no skos:exactMatch (no QID is guessed). No network.",
    )
    _common(status, network=False)
    status.set_defaults(handler=_status)

    check = actions.add_parser(
        "check",
        help="compare every link with the Wikidata item it points at",
        description="Fetch every linked item (wbgetentities, 50 per request) and report each link as OK, "
        "LABEL-MISMATCH (none of our labels equals Wikidata's English label or aliases, ignoring case, "
        "spacing and a leading 'the'), REDIRECT (the item was merged: link the target), MISSING (deleted) "
        "or KNOWN-WRONG (listed as wrong in data/reference/wikidata-qids.tsv). Exit 1 when any link is not "
        "OK; 20 when Wikidata cannot be reached; 21 when it answers badly or too slowly.",
    )
    _common(check, network=True)
    check.set_defaults(handler=_check)

    suggest = actions.add_parser(
        "suggest",
        help="rank Wikidata candidates for unlinked entities; --accept writes one link",
        description="Search Wikidata (wbsearchentities) for THING, or for every unlinked entity, and rank "
        "the candidates by label similarity and by whether their description fits our class (a person is "
        "not a city). Nothing is written unless --accept QID is given with THING: the link then goes into "
        "data/links.ttl (atomically) with a note of its source and date. A QID listed as wrong in "
        "data/reference/wikidata-qids.tsv is refused (exit 22).",
    )
    suggest.add_argument(
        "thing",
        nargs="?",
        metavar="THING",
        help="one entity: an IRI, a prefixed name (akr:atlantic-council) or a label",
    )
    suggest.add_argument(
        "--accept", metavar="QID", help="write THING skos:exactMatch wd:QID into data/links.ttl"
    )
    suggest.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"candidates asked for per entity (default: {DEFAULT_LIMIT})",
    )
    _common(suggest, network=True)
    suggest.set_defaults(handler=_suggest)


__all__ = ["register"]
