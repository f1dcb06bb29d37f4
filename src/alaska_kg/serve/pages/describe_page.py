"""The HTML of one resource: labels, types (stated and inferred, told apart), facts by label, incoming links,
the Wikidata link, and the article's sentences the facts come from, highlighted inside their paragraphs.

The data record provenance per resource (`ak:sourceSentence`, `ak:contextSentence`: docs/model.md), not per
triple, so each fact is cited by the sentences of its resource that name its value (its label, an alias, or
the literal itself), and by all of them when none does; the "In the article" section shows each cited
sentence inside its paragraph, so the reader sees it in context. Everything from the data is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pyoxigraph import Literal, NamedNode, Store
from starlette.requests import Request

from alaska_kg.namespaces import AK, PREFIXES, WIKIDATA_ENTITY, shorten
from alaska_kg.query.describe import Description
from alaska_kg.query.labels import iris_in, labels
from alaska_kg.serve.pages.article import Article, Unit, read_article
from alaska_kg.serve.pages.context import memo, serve_state
from alaska_kg.serve.pages.html import base, href, iri_link, text
from alaska_kg.serve.pages.negotiate import REPRESENTATIONS

CONTEXT_SENTENCE = AK + "contextSentence"
ALIAS_PROPERTIES = (PREFIXES["skos"] + "altLabel", PREFIXES["skos"] + "prefLabel")
XSD = PREFIXES["xsd"]


def article(request: Request) -> Article:
    """The article's paragraphs, read once per dataset."""
    return memo(request, "article", lambda state: read_article(state.dataset.store))


def _names_of(store: Store, iri: str, names: Mapping[str, str]) -> list[str]:
    """How the article may word a resource: its label, its aliases, and a person's surname."""
    found = [names[iri]] if iri in names else []
    for prop in ALIAS_PROPERTIES:
        found += [
            q.object.value for q in store.quads_for_pattern(NamedNode(iri), NamedNode(prop), None, None)
        ]
    for name in list(found):
        words = name.split()
        if 2 <= len(words) <= 3 and words[-1][:1].isupper() and len(words[-1]) >= 4:
            found.append(words[-1])
    return [n.casefold() for n in found if len(n) >= 3]


def _cited(
    value: object, candidates: list[tuple[int, Unit]], store: Store, names: Mapping[str, str]
) -> list[int]:
    """The numbers of the sentences that word `value`, or [] when none does."""
    if isinstance(value, NamedNode):
        wanted = _names_of(store, value.value, names)
    elif isinstance(value, Literal) and len(value.value) >= 3:
        wanted = [value.value.casefold()]
    else:
        wanted = []
    return [number for number, unit in candidates if any(w in unit.text.casefold() for w in wanted)]


def _value(request: Request, value: object, names: Mapping[str, str]) -> str:
    if isinstance(value, NamedNode):
        if value.value.startswith(WIKIDATA_ENTITY):
            entity = value.value[len(WIKIDATA_ENTITY) :]
            return f'<a class="wikidata" href="{text(value.value)}">Wikidata {text(entity)}</a>'
        return iri_link(request, value.value, names)
    if isinstance(value, Literal):
        shown = f'<span class="literal">{text(value.value)}</span>'
        if value.language:
            return shown + f' <span class="lang">{text(value.language)}</span>'
        if value.datatype.value not in (XSD + "string", PREFIXES["rdf"] + "langString"):
            return shown + f' <span class="datatype">{text(shorten(value.datatype.value))}</span>'
        return shown
    return text(value)


def _citations(numbers: Iterable[int], units: Mapping[int, Unit]) -> str:
    links = [
        f'<a class="cite" href="#src-{n}" title="{text(units[n].text[:200])}">'
        f"{text(_unit_name(units[n]))}</a>"
        for n in numbers
    ]
    return " ".join(links)


def _unit_name(unit: Unit) -> str:
    return unit.iri.rsplit("/", 1)[-1].removeprefix("sentence-")


def _facts_table(
    request: Request,
    facts: Iterable[tuple[str, object]],
    names: Mapping[str, str],
    cite: Mapping[int, Unit] | None,
    own: list[int],
    store: Store,
    css: str,
) -> str:
    rows = []
    previous = None
    candidates = [(n, cite[n]) for n in own] if cite else []
    context = [(n, u) for n, u in cite.items() if n not in own] if cite else []
    for predicate, value in facts:
        label = iri_link(request, predicate, names) if predicate != previous else ""
        previous = predicate
        cell = ""
        if cite is not None:
            numbers = _cited(value, candidates, store, names) or _cited(value, context, store, names) or own
            cell = f'<td class="sources">{_citations(numbers, cite)}</td>'
        rows.append(f'<tr><th scope="row">{label}</th><td>{_value(request, value, names)}</td>{cell}</tr>')
    head = '<tr><th scope="col">property</th><th scope="col">value</th>'
    head += '<th scope="col">in the article</th></tr>' if cite is not None else "</tr>"
    return f'<table class="{css}"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _paragraph(paragraph: tuple[Unit, ...], marks: Mapping[str, tuple[int, str]]) -> str:
    """The paragraph's text, the cited units in `<mark>` (numbered anchors)."""
    pieces, end = [], None
    for unit in paragraph:
        if end is not None and unit.start > end:
            pieces.append(" ")
        if unit.iri in marks:
            number, kind = marks[unit.iri]
            pieces.append(
                f'<mark id="src-{number}" class="{kind}" data-unit="{text(unit.iri)}">'
                f"{text(unit.text)}</mark>"
            )
        else:
            pieces.append(text(unit.text))
        end = unit.end
    return "".join(pieces)


def _sources_section(
    request: Request, numbered: Mapping[int, Unit], kinds: Mapping[str, str], store: Store, doc: Article
) -> str:
    if not numbered:
        return ""
    by_paragraph: dict[int, list[int]] = {}
    for number, unit in numbered.items():
        by_paragraph.setdefault(unit.line, []).append(number)
    sections = labels(store, [u.section for u in numbered.values() if u.section])
    figures = []
    for line in sorted(by_paragraph, key=lambda ln: min(numbered[n].start for n in by_paragraph[ln])):
        numbers = by_paragraph[line]
        first = numbered[numbers[0]]
        marks = {numbered[n].iri: (n, kinds[numbered[n].iri]) for n in numbers}
        section = sections.get(first.section or "", "")
        cited = ", ".join(
            f'<a href="{text(href(request, numbered[n].iri))}">{text(_unit_name(numbered[n]))}</a>'
            for n in numbers
        )
        where = f"section {text(section)}, " if section else ""
        figures.append(
            f'<figure class="paragraph"><blockquote cite="{text(first.iri)}"><p>'
            f"{_paragraph(doc.paragraph_of(first.iri), marks)}</p></blockquote>"
            f"<figcaption>{where}line {line if line > 0 else '?'} of the article's text; unit {cited}"
            f"</figcaption></figure>"
        )
    return (
        '<section id="sources"><h2>In the article</h2>'
        '<p class="note">The sentences this resource comes from, <mark class="source">highlighted</mark> in '
        'their paragraphs; <mark class="context">sentences</mark> that only date or place it are marked '
        "apart.</p>" + "".join(figures) + "</section>"
    )


def _incoming_section(request: Request, d: Description, names: Mapping[str, str], title: str) -> str:
    """The resources that point at this one, grouped by property (`speaker`: the statements it made)."""
    groups: dict[str, list[object]] = {}
    for subject, predicate in d.incoming:
        groups.setdefault(predicate, []).append(subject)
    blocks = []
    for predicate in sorted(groups, key=lambda p: (-len(groups[p]), names.get(p, p))):
        subjects = sorted(
            groups[predicate], key=lambda s: names.get(getattr(s, "value", ""), str(s)).casefold()
        )
        items = "".join(f"<li>{_value(request, s, names)}</li>" for s in subjects)
        blocks.append(
            f'<div class="incoming-group" data-property="{text(predicate)}"><h3>'
            f'{iri_link(request, predicate, names)} <span class="count">({len(subjects)})</span></h3>'
            f"<ul>{items}</ul></div>"
        )
    return (
        f'<section id="incoming"><h2>Linked from</h2><p class="note">The resources that have {text(title)} '
        f"as the value of a property, grouped by the property.</p>{''.join(blocks)}</section>"
    )


def describe_body(request: Request, d: Description) -> tuple[str, str]:
    """The page title and body for one described resource."""
    store = serve_state(request).dataset.store
    doc = article(request)
    context_units = [v.value for p, v in d.facts if p == CONTEXT_SENTENCE and isinstance(v, NamedNode)]
    facts = [(p, v) for p, v in d.facts if p != CONTEXT_SENTENCE]
    terms: list[object] = [v for _, v in d.facts + d.inferred_facts] + [s for s, _ in d.incoming]
    iris = iris_in(terms) | {p for p, _ in d.facts + d.inferred_facts} | {p for _, p in d.incoming}
    iris |= set(d.types) | set(d.inferred_types) | {d.iri}
    names = labels(store, iris)
    # number the cited units in reading order; the resource's own source sentences first in the citations
    kinds = {s.unit: "source" for s in d.sources if s.unit in doc.units}
    kinds.update({u: "context" for u in context_units if u in doc.units and u not in kinds})
    ordered = sorted(kinds, key=lambda u: doc.units[u].start)
    numbered = {n: doc.units[u] for n, u in enumerate(ordered, start=1)}
    own = [n for n, u in numbered.items() if kinds[u.iri] == "source"] or list(numbered)
    title = d.label or shorten(d.iri)
    root = base(request)
    path = f"{root}/resource/{text(d.iri.rsplit('/', 1)[-1])}"
    formats = " ".join(
        f'<a href="{path}.{r.suffix}" type="{r.media_type}">{r.name}</a>' for r in REPRESENTATIONS[1:]
    )
    kind = ", ".join(names.get(t, shorten(t)) for t in d.types)
    parts = [
        f'<p class="kind">{text(kind)}</p>' if kind else "",
        f"<h1>{text(title)}</h1>",
        f'<p class="iri"><code>{text(d.iri)}</code> <span class="formats">as data: {formats}</span></p>',
    ]
    if d.matches:
        links = " ".join(_value(request, NamedNode(m), names) for m in d.matches)
        parts.append(f'<p class="same-as">The same as {links}</p>')
    type_items = [f'<li class="stated">{iri_link(request, t, names)}</li>' for t in d.types]
    type_items += [
        f'<li class="inferred">{iri_link(request, t, names)} <span class="badge" '
        f'title="entailed by OWL 2 RL, not stated in the sources">inferred</span></li>'
        for t in d.inferred_types
    ]
    parts.append(f'<section id="types"><h2>Types</h2><ul class="types">{"".join(type_items)}</ul></section>')
    if facts:
        table = _facts_table(request, facts, names, numbered or None, own, store, "facts")
        parts.append(f'<section id="facts"><h2>Facts</h2>{table}</section>')
    if d.incoming:
        parts.append(_incoming_section(request, d, names, title))
    parts.append(_sources_section(request, numbered, kinds, store, doc))
    if d.inferred_facts:
        table = _facts_table(request, d.inferred_facts, names, None, [], store, "facts inferred")
        parts.append(
            f'<section id="inferred-facts"><details><summary>Inferred facts ({len(d.inferred_facts)}): what '
            f"OWL 2 RL entails from the stated ones</summary>{table}</details></section>"
        )
    return title, '<article class="resource">' + "".join(parts) + "</article>"


__all__ = ["article", "describe_body"]
