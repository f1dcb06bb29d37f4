"""How a term reads to a person: its rdfs:label in place of an IRI, or the prefixed IRI with `--raw`."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Store

from alaska_kg.namespaces import PREFIXES, shorten

TYPE_CHECKING = False  # collections (~1.5 ms) is not imported on the query path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

RDFS_LABEL = NamedNode(PREFIXES["rdfs"] + "label")
XSD = PREFIXES["xsd"]
_BARE_DATATYPES = {XSD + "string", XSD + "integer", XSD + "boolean", XSD + "decimal"}


# From this many IRIs on, a store with a label table (`use_table`) answers from the table: reading it costs
# ~90 ms at 10^6 triples, a lookup on the on-disk store ~45 µs an IRI (query.label_table).
LABEL_TABLE_MIN = 2_000
_TABLES: dict[Store, Callable[[], Mapping[str, str] | None]] = {}  # at most one: the store last opened


def preference(label: Literal) -> tuple[int, str]:
    """The order labels are preferred in: English, then untagged, then any; then by their text."""
    language = label.language or ""
    return (0 if language == "en" else 1 if not language else 2), label.value


def use_table(store: Store, load: Callable[[], Mapping[str, str] | None]) -> None:
    """Answer `labels` for `store` from `load()` (called once, when first needed; None: no table after all)
    when many IRIs are asked for: the build's label table beside an on-disk store (query.label_table)."""
    loaded: list[Mapping[str, str] | None] = []

    def once() -> Mapping[str, str] | None:
        if not loaded:
            loaded.append(load())
        return loaded[0]

    _TABLES.clear()
    _TABLES[store] = once


def labels(store: Store | Mapping[str, str], iris: Iterable[str]) -> dict[str, str]:
    """The preferred rdfs:label (English, then untagged, then any) of each IRI that has one, any graph.

    One index lookup per IRI (microseconds in memory), with no query text to build from the IRIs; for
    LABEL_TABLE_MIN IRIs or more, the store's label table if it has one (`use_table`). `store` may be a
    label table itself (query.label_table: a kept answer's table is shown without opening the store).
    """
    iris = set(iris)
    if isinstance(store, dict):
        return {iri: store[iri] for iri in iris if iri in store}
    table = _TABLES.get(store) if len(iris) >= LABEL_TABLE_MIN else None
    names = table() if table is not None else None
    if names is not None:
        return {iri: names[iri] for iri in iris if iri in names}
    found: dict[str, str] = {}
    for iri in iris:
        candidates = [
            q.object
            for q in store.quads_for_pattern(NamedNode(iri), RDFS_LABEL, None, None)
            if isinstance(q.object, Literal)
        ]
        if candidates:
            found[iri] = min(candidates, key=preference).value
    return found


def iris_in(terms: Iterable[object]) -> set[str]:
    """The IRIs among `terms` (named nodes), for a `labels` lookup."""
    return {t.value for t in terms if isinstance(t, NamedNode)}


def show(term: object, names: Mapping[str, str] | None = None) -> str:
    """One term as text: an IRI by its label (from `names`) or prefixed; a literal by its value.

    With `names` None (the `--raw` view) IRIs are prefixed and literals keep their language or datatype.
    """
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return (names.get(term.value) or shorten(term.value)) if names is not None else shorten(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        if names is not None:
            return term.value
        quoted = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype.value == XSD + "string":
            return quoted
        if term.datatype.value in _BARE_DATATYPES:
            return term.value
        return f"{quoted}^^{shorten(term.datatype.value)}"
    return str(term)


__all__ = ["LABEL_TABLE_MIN", "RDFS_LABEL", "iris_in", "labels", "preference", "show", "use_table"]
