"""Checking our links against Wikidata: each link's item compared with what Wikidata says today (labels,
redirects, missing items) and with the reference list of known-wrong QIDs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from alaska_kg.wikidata.client import Item, WikidataClient
from alaska_kg.wikidata.links import (
    LABEL_MATCH_RELATIONS,
    Entity,
    Link,
    LinkData,
    LinkState,
    ReferenceRow,
    normalize_label,
)


def labels_match(ours: Iterable[str], theirs: Iterable[str]) -> bool:
    """True when any of our labels equals any of theirs once normalized."""
    return bool({normalize_label(o) for o in ours} & {normalize_label(t) for t in theirs})


def _reference_names(label: str) -> set[str]:
    """The names a reference row's label gives: 'China (People's Republic of China)' → both, normalized."""
    names = {re.sub(r"\s*\([^)]*\)", "", label)}
    names.update(re.findall(r"\(([^)]*)\)", label))
    names.update(re.findall(r"\"([^\"]+)\"", label))
    return {normalize_label(n.strip('"')) for n in names if n.strip()}


def known_wrong(reference: Iterable[ReferenceRow], entity: Entity, qid: str) -> ReferenceRow | None:
    """The reference row that marks `qid` as wrong, unless the reference confirms it for this very entity.

    One QID can be both: Q166032 is confirmed for The Washington Post and listed as wrong for tariffs.
    """
    rows = [r for r in reference if r.qid == qid]
    wrong = [r for r in rows if r.status == "wrong"]
    if not wrong:
        return None
    ours = {normalize_label(n) for n in entity.names}
    if any(r.status == "confirmed" and _reference_names(r.label) & ours for r in rows):
        return None
    return wrong[0]


# ---------------------------------------------------------------- check


@dataclass(frozen=True)
class LinkCheck:
    """One link compared with the Wikidata item it points at."""

    link: Link
    state: LinkState
    item: Item
    wrong: ReferenceRow | None = None

    @property
    def ok(self) -> bool:
        return self.state == "OK"


def assess_link(link: Link, item: Item, reference: Iterable[ReferenceRow] = ()) -> LinkCheck:
    """The state of one link: KNOWN-WRONG, MISSING, REDIRECT, LABEL-MISMATCH or OK, in that precedence."""
    wrong = known_wrong(reference, link.entity, link.qid)
    if wrong is not None:
        state: LinkState = "KNOWN-WRONG"
    elif item.state == "missing":
        state = "MISSING"
    elif item.state == "redirect":
        state = "REDIRECT"
    elif link.relation in LABEL_MATCH_RELATIONS and not labels_match(link.entity.names, item.names):
        state = "LABEL-MISMATCH"
    else:
        state = "OK"
    return LinkCheck(link, state, item, wrong)


def check_links(data: LinkData, client: WikidataClient) -> tuple[LinkCheck, ...]:
    """Fetch every linked item (in batches) and compare it with our link, in the order of data.links."""
    items = client.get_items(link.qid for link in data.links)
    return tuple(assess_link(link, items[link.qid], data.reference) for link in data.links)


# ---------------------------------------------------------------- finding one of ours


__all__ = [
    "LinkCheck",
    "assess_link",
    "check_links",
    "known_wrong",
    "labels_match",
]
