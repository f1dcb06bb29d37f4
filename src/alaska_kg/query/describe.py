"""`describe THING`: find a resource by IRI, prefixed name or label, and gather what the graph says of it.

Facts, types and incoming links come from what the sources state (ontology, asserted and links graphs); the
types and facts OWL RL adds (the inferred graph) are listed apart, marked as inferred. Each source sentence is
given with its code-point offsets into data/source/alaska-talks.txt and its exact text (Web Annotation
TextPositionSelector/TextQuoteSelector).
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad, Store

from alaska_kg.display import printable
from alaska_kg.errors import ResourceNotFound
from alaska_kg.namespaces import AK, PREFIXES, expand, graph_iri, shorten
from alaska_kg.query.dataset import OpenDataset
from alaska_kg.query.labels import iris_in, labels, show
from alaska_kg.records import Record

TYPE_CHECKING = False  # collections is not imported on the query path (alaska_kg.records)
if TYPE_CHECKING:
    from collections.abc import Iterable

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS = PREFIXES["skos"]
OA = PREFIXES["oa"]
SOURCE_SENTENCE = AK + "sourceSentence"
EXACT_MATCH = SKOS + "exactMatch"
NAME_PROPERTIES = (RDFS_LABEL, SKOS + "prefLabel", SKOS + "altLabel")
SHOWN_APART = {RDF_TYPE, RDFS_LABEL, SOURCE_SENTENCE, EXACT_MATCH}
NOISE_TYPES = {PREFIXES["owl"] + "Thing", PREFIXES["rdfs"] + "Resource"}
MAX_CANDIDATES = 8
WIDTH = 100


# Records, not frozen dataclasses: `dataclasses` imports `inspect` (~5 ms of a cold `describe`).
class SourceSentence(Record):
    """A text unit of the article: its IRI, its offsets in code points, its exact text."""

    __slots__ = ()
    _fields = ("unit", "start", "end", "text")
    unit: str
    start: int | None
    end: int | None
    text: str


class Description(Record):
    """What the graph says of one resource."""

    __slots__ = ()
    _fields = (
        "iri",
        "label",
        "types",
        "inferred_types",
        "facts",
        "inferred_facts",
        "incoming",
        "matches",
        "sources",
    )
    iri: str
    label: str | None
    types: tuple[str, ...]
    inferred_types: tuple[str, ...]
    facts: tuple[tuple[str, object], ...]  # (predicate IRI, value term), asserted
    inferred_facts: tuple[tuple[str, object], ...]  # (predicate IRI, value term), only in the inferred graph
    incoming: tuple[tuple[object, str], ...]  # (subject term, predicate IRI), asserted
    matches: tuple[str, ...]  # skos:exactMatch targets (Wikidata)
    sources: tuple[SourceSentence, ...]


def _stated(dataset: OpenDataset) -> list[NamedNode]:
    return dataset.graphs("asserted")


def _occurs(store: Store, iri: str) -> bool:
    node = NamedNode(iri)
    return any(True for _ in store.quads_for_pattern(node, None, None, None)) or any(
        True for _ in store.quads_for_pattern(None, None, node, None)
    )


def _names(store: Store) -> dict[str, set[str]]:
    """Every label, prefLabel and altLabel in the dataset, with the IRIs it names."""
    named: dict[str, set[str]] = {}
    for prop in NAME_PROPERTIES:
        for quad in store.quads_for_pattern(None, NamedNode(prop), None, None):
            if isinstance(quad.subject, NamedNode) and isinstance(quad.object, Literal):
                named.setdefault(quad.object.value, set()).add(quad.subject.value)
    return named


def _ambiguous(thing: str, iris: set[str], store: Store) -> ResourceNotFound:
    names = labels(store, iris)
    shown = sorted(f"{names.get(i, '?')} ({shorten(i)})" for i in iris)
    more = f" and {len(shown) - MAX_CANDIDATES} more" if len(shown) > MAX_CANDIDATES else ""
    return ResourceNotFound(
        f"{thing!r} names {len(iris)} resources: {'; '.join(shown[:MAX_CANDIDATES])}{more}; "
        "give one of these IRIs"
    )


def resolve(store: Store, thing: str) -> str:
    """The IRI `thing` denotes: `<iri>`, an absolute IRI, a prefixed name, or a label (exact, then part)."""
    iri = thing[1:-1] if thing.startswith("<") and thing.endswith(">") else None
    if iri is None and ("://" in thing or thing.startswith("urn:")):
        iri = thing
    iri = iri or expand(thing)
    if iri is not None:
        if _occurs(store, iri):
            return iri
        known = sorted({shorten(i) for ids in _names(store).values() for i in ids})
        import difflib  # only to suggest a name

        close = difflib.get_close_matches(shorten(iri), known, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ResourceNotFound(f"{thing}: no such resource in the dataset{hint}")
    named = _names(store)
    wanted = thing.casefold()
    exact = {i for name, ids in named.items() if name.casefold() == wanted for i in ids}
    if len(exact) > 1:  # prefer the resources whose main label it is
        main = {i for i in exact if labels(store, [i]).get(i, "").casefold() == wanted}
        exact = main if len(main) == 1 else exact
    if len(exact) == 1:
        return exact.pop()
    if exact:
        raise _ambiguous(thing, exact, store)
    partial = {i for name, ids in named.items() if wanted in name.casefold() for i in ids}
    if len(partial) == 1:
        return partial.pop()
    if partial:
        raise _ambiguous(thing, partial, store)
    import difflib  # only to suggest a name

    close = difflib.get_close_matches(thing, sorted(named), n=5, cutoff=0.5)
    hint = f"; closest labels: {', '.join(close)}" if close else ""
    raise ResourceNotFound(f"nothing in the dataset is called {thing!r}{hint}")


def _objects(store: Store, subject: str, predicate: str) -> list[object]:
    return [q.object for q in store.quads_for_pattern(NamedNode(subject), NamedNode(predicate), None, None)]


def _source(store: Store, unit: str) -> SourceSentence:
    start = end = None
    text = ""
    for selector in _objects(store, unit, OA + "hasSelector"):
        if not isinstance(selector, NamedNode):
            continue
        for exact in _objects(store, selector.value, OA + "exact"):
            text = exact.value  # type: ignore[attr-defined]
        for value in _objects(store, selector.value, OA + "start"):
            start = int(value.value)  # type: ignore[attr-defined]
        for value in _objects(store, selector.value, OA + "end"):
            end = int(value.value)  # type: ignore[attr-defined]
    return SourceSentence(unit, start, end, text)


def _named_objects(quads: Iterable[Quad], predicate: str) -> set[str]:
    """The IRIs that are objects of `predicate` in `quads`."""
    return {
        q.object.value for q in quads if q.predicate.value == predicate and isinstance(q.object, NamedNode)
    }


def describe(dataset: OpenDataset, thing: str) -> Description:
    """Resolve `thing` and collect its description."""
    store = dataset.store
    iri = resolve(store, thing)
    node = NamedNode(iri)
    outgoing = [q for g in _stated(dataset) for q in store.quads_for_pattern(node, None, None, g)]
    incoming = [q for g in _stated(dataset) for q in store.quads_for_pattern(None, None, node, g)]
    entailed = store.quads_for_pattern(node, NamedNode(RDF_TYPE), None, NamedNode(graph_iri("inferred")))
    types = _named_objects(outgoing, RDF_TYPE)
    units = _named_objects(outgoing, SOURCE_SENTENCE)
    if _objects(store, iri, OA + "hasSelector"):
        units.add(iri)  # a text unit is its own source
    facts = {(q.predicate.value, q.object) for q in outgoing if q.predicate.value not in SHOWN_APART}
    inferred_graph = NamedNode(graph_iri("inferred"))
    entailed_facts = (
        {
            (q.predicate.value, q.object)
            for q in store.quads_for_pattern(node, None, None, inferred_graph)
            if q.predicate.value != RDF_TYPE and q.object != node  # reflexive sameAs and the like: noise
        }
        - facts
        if dataset.own_graphs
        else set()
    )
    links = {(q.subject, q.predicate.value) for q in incoming}
    matches = _named_objects(store.quads_for_pattern(node, None, None, None), EXACT_MATCH)
    return Description(
        iri=iri,
        label=labels(store, [iri]).get(iri),
        types=tuple(sorted(types)),
        inferred_types=tuple(sorted(_named_objects(entailed, RDF_TYPE) - types - NOISE_TYPES)),
        facts=tuple(sorted(facts, key=lambda f: (shorten(f[0]), str(f[1])))),
        inferred_facts=tuple(sorted(entailed_facts, key=lambda f: (shorten(f[0]), str(f[1])))),
        incoming=tuple(sorted(links, key=lambda f: (shorten(f[1]), str(f[0])))),
        matches=tuple(sorted(matches)),
        sources=tuple(
            sorted((_source(store, u) for u in units), key=lambda s: (s.start is None, s.start or 0))
        ),
    )


def _grouped(pairs: list[tuple[str, str]]) -> list[str]:
    """`key  value` lines, the key written once per group and aligned."""
    width = max((len(k) for k, _ in pairs), default=0)
    lines, previous = [], None
    for key, value in pairs:
        lines.append(f"  {(key if key != previous else '').ljust(width)}  {printable(value)}".rstrip())
        previous = key
    return lines


def render(description: Description, store: Store, *, raw: bool = False) -> str:
    """The description as aligned, grouped text."""
    d = description
    terms = [v for _, v in d.facts + d.inferred_facts] + [s for s, _ in d.incoming]
    names = None if raw else labels(store, iris_in(terms))
    lines = [f"{d.label or shorten(d.iri)}  ({shorten(d.iri)})", f"<{d.iri}>", ""]
    lines += _grouped(
        [("types", ", ".join(shorten(t) for t in d.types) or "(none stated)")]
        + ([("inferred types", ", ".join(shorten(t) for t in d.inferred_types))] if d.inferred_types else [])
    )
    if d.facts:
        lines += ["", "facts", *_grouped([(shorten(p), show(v, names)) for p, v in d.facts])]
    if d.inferred_facts:
        lines += [
            "",
            "inferred facts (OWL 2 RL entailments, not stated in the sources)",
            *_grouped([(shorten(p), f"{show(v, names)}  (inferred)") for p, v in d.inferred_facts]),
        ]
    if d.incoming:
        lines += ["", "linked from", *_grouped([(shorten(p), show(s, names)) for s, p in d.incoming])]
    if d.matches:
        lines += ["", "same as (skos:exactMatch)"] + [f"  {m}" for m in d.matches]
    if d.sources:
        lines += ["", "source sentences"]
        for source in d.sources:
            span = f"{source.start}–{source.end}" if source.start is not None else "?"
            head = f"  {shorten(source.unit)} [{span}] "
            import textwrap  # only for the source sentences

            lines += textwrap.wrap(
                source.text or "(no text)", width=WIDTH, initial_indent=head, subsequent_indent=" " * 6
            )
    return printable("\n".join(lines), newlines=True) + "\n"  # labels and IRIs may come from anywhere


__all__ = ["Description", "SourceSentence", "describe", "render", "resolve"]
