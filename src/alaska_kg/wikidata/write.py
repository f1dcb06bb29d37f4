"""Writing a link: refuse a known-wrong QID or a non-item, then add the skos:exactMatch and its provenance
note to data/links.ttl atomically (the file is replaced whole, or left as it was)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral

from alaska_kg.errors import LinkRefused, OutputError
from alaska_kg.namespaces import AKR, PREFIXES, WIKIDATA_ENTITY
from alaska_kg.paths import Layout, ensure_writable
from alaska_kg.wikidata.check import known_wrong
from alaska_kg.wikidata.client import Item
from alaska_kg.wikidata.links import LINK_PREDICATE, REFERENCE_FILE, SEARCH_SOURCE, Entity, LinkData


@dataclass(frozen=True)
class AcceptedLink:
    """A link written into data/links.ttl, with the IRI of its provenance note."""

    entity: Entity
    qid: str
    note: str
    path: Path
    source: str
    date: date


def refuse_if_wrong(data: LinkData, entity: Entity, qid: str) -> None:
    """LinkRefused when the link could not be right whatever Wikidata says: known-wrong QID, entity already
    linked to another item, or the item already linked to another of our resources."""
    wrong = known_wrong(data.reference, entity, qid)
    if wrong is not None:
        why = f" ({wrong.note})" if wrong.note else ""
        raise LinkRefused(
            f"{qid} is listed as wrong for {wrong.label!r} in data/{REFERENCE_FILE}{why}; "
            f"not linking {entity.short}"
        )
    for link in data.links:
        if link.entity.iri == entity.iri and link.qid != qid:
            raise LinkRefused(
                f"{entity.short} is already linked to wd:{link.qid} in data/links.ttl; a resource links to "
                "at most one item (remove that link first if it is wrong)"
            )
        if link.qid == qid and link.entity.iri != entity.iri:
            raise LinkRefused(
                f"wd:{qid} already links {link.entity.short}; two of our resources cannot both be that item"
            )


def refuse_if_not_an_item(item: Item) -> None:
    """LinkRefused for a deleted or merged item: link the target of a redirect, never the redirect."""
    if item.state == "missing":
        raise LinkRefused(f"{item.requested} does not exist on Wikidata (deleted or never created)")
    if item.state == "redirect":
        raise LinkRefused(f"{item.requested} is a redirect to {item.qid}; accept {item.qid} instead")


_PREFIX_LINE = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.MULTILINE | re.IGNORECASE
)
_SIMPLE_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_NEEDED_PREFIXES = ("akr", "dcterms", "rdf", "rdfs", "skos", "wd", "xsd")


def _term(iri: str) -> str:
    """akr:name / wd:Q1 when the local name is plain, else <iri>."""
    for prefix in ("akr", "wd"):
        namespace = PREFIXES[prefix]
        if iri.startswith(namespace) and _SIMPLE_LOCAL.fullmatch(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _note_iri(entity: Entity, taken: set[str]) -> str:
    local = entity.iri[len(AKR) :] if entity.iri.startswith(AKR) else ""
    if not _SIMPLE_LOCAL.fullmatch(local):
        local = re.sub(r"[^A-Za-z0-9]+", "-", entity.label).strip("-").lower() or "entity"
    base = f"{AKR}link-{local}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def link_block(entity: Entity, qid: str, note: str, source: str, day: date, item: Item | None) -> str:
    """The Turtle appended to links.ttl: a comment, the link, and its note (an rdf:Statement about it)."""
    wikidata = ""
    if item is not None and (item.label or item.description):
        wikidata = f'Wikidata\'s English label when accepted: "{item.label or ""}"'
        if item.description:
            wikidata += f'; description: "{item.description}"'
    subject, target = _term(entity.iri), f"wd:{qid}"
    lines = [
        f"# {entity.label}: accepted with `alaska-kg link suggest --accept {qid}` on {day.isoformat()}.",
        f"{subject} skos:exactMatch {target} .",
        "",
        f"{_term(note)} a rdf:Statement ;",
        f"    rdf:subject {subject} ;",
        "    rdf:predicate skos:exactMatch ;",
        f"    rdf:object {target} ;",
        f"    dcterms:source {RdfLiteral(source).n3()} ;",
    ]
    if wikidata:
        lines.append(f"    rdfs:comment {RdfLiteral(wikidata, lang='en').n3()} ;")
    lines.append(f'    dcterms:date "{day.isoformat()}"^^xsd:date .')
    return "\n".join(lines) + "\n"


def _with_prefixes(text: str, path: Path) -> str:
    """`text` with @prefix lines added after its last one for the prefixes a link block uses and the file
    lacks; an OutputError if the file binds one of them to another namespace."""
    found = list(_PREFIX_LINE.finditer(text))
    bound = {(m.group(1) or ""): m.group(2) for m in found}
    missing = []
    for prefix in _NEEDED_PREFIXES:
        if prefix not in bound:
            missing.append(f"@prefix {prefix}: <{PREFIXES[prefix]}> .\n")
        elif bound[prefix] != PREFIXES[prefix]:
            raise OutputError(
                f"{path}: prefix {prefix}: is bound to <{bound[prefix]}>, not <{PREFIXES[prefix]}>"
            )
    if not missing:
        return text
    if not found:
        return "".join(missing) + "\n" + text
    end = text.find("\n", found[-1].end())
    end = len(text) if end < 0 else end + 1
    prefix_text = "".join(missing)
    return text[:end] + ("" if text[:end].endswith("\n") else "\n") + prefix_text + text[end:]


def replace_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk, then rename it over `path`
    (POSIX rename is atomic: a reader sees the old file or the new one, never half of it)."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot write here ({exc.strerror})") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_link(
    layout: Layout,
    data: LinkData,
    entity: Entity,
    qid: str,
    *,
    source: str = SEARCH_SOURCE,
    item: Item | None = None,
    today: date | None = None,
) -> AcceptedLink:
    """Append `entity skos:exactMatch wd:qid` and its provenance note to data/links.ttl, atomically.

    The file is appended to (plus any @prefix line it lacks), not re-serialized, so that its comments and
    layout survive; the result is parsed before it replaces the file, which is left as it was if anything
    fails.
    """
    ensure_writable(layout, "data/links.ttl")
    refuse_if_wrong(data, entity, qid)
    if item is not None:
        refuse_if_not_an_item(item)
    path = layout.links_file
    day = today or date.today()
    old = (
        path.read_text(encoding="utf-8")
        if path.is_file()
        else ("# Links to Wikidata: skos:exactMatch from our resources to Wikidata items (alaska-kg link).\n")
    )
    graph = Graph()
    try:
        graph.parse(data=old, format="turtle")
    except Exception as exc:
        raise OutputError(f"{path}: does not parse, not touching it ({type(exc).__name__}: {exc})") from exc
    note = _note_iri(entity, {str(s) for s in graph.subjects()})
    block = link_block(entity, qid, note, source, day, item)
    new = _with_prefixes(old, path).rstrip("\n") + "\n\n" + block
    check = Graph()
    try:
        check.parse(data=new, format="turtle")
    except Exception as exc:  # a bug in link_block: say so, leave the file alone
        raise OutputError(f"{path}: the new link would not parse, file left unchanged ({exc})") from exc
    if (URIRef(entity.iri), LINK_PREDICATE, URIRef(WIKIDATA_ENTITY + qid)) not in check:
        raise OutputError(f"{path}: the new link is missing from the rewritten file; file left unchanged")
    replace_atomically(path, new)
    return AcceptedLink(entity, qid, note, path, source, day)


__all__ = [
    "AcceptedLink",
    "link_block",
    "refuse_if_not_an_item",
    "refuse_if_wrong",
    "replace_atomically",
    "write_link",
]
