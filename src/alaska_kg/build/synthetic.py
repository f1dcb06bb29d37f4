"""Synthetic corpora shaped like the article: N renamed copies of the real data, to measure at scale.

Copy 0 is the real data as it is; copy k ≥ 1 renames every `akr:` resource to `akr:syn-0000k-<name>`
and adds ` (copy k)` to its `rdfs:label` and `skos:prefLabel`, so the copies share no fact-bearing
resource and a label names one resource. Shared by all copies, and written once (by copy 0):

- the source: `akr:article` (every shape wants `prov:wasDerivedFrom akr:article`) and `akr:article-text`,
  the one plain-text copy that every copy's text units point into; their offsets and quotes are kept, so
  `text[start:end] == exact` still holds for every text unit of every copy;
- the vocabulary of `data/statement-kinds.ttl`: the statement kinds and the CAMEO codes, which the canned
  queries name (`akr:kind-accusation`) and which a corpus of many events would share;
- the links to Wikidata (`data/links.ttl`): they say which real person or country a resource is, which a
  renamed copy is not, so only copy 0 has them.

The output is a folder laid out like the repository (`ontology/` and `queries/` copied, `data/*.ttl`
generated as N-Triples, which is Turtle too, and `data/source/`), so `alaska-kg build --root DIR` builds it.
Standard library and pyoxigraph only.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from alaska_kg.errors import OutputError, SourceNotFound, UsageError
from alaska_kg.namespaces import AKR
from alaska_kg.paths import LINKS_FILE, Layout, locate

SHARED_FILES: tuple[str, ...] = ("statement-kinds.ttl",)  # their akr: subjects are shared vocabulary
SHARED_RESOURCES: tuple[str, ...] = ("article", "article-text")  # the source, one for every copy
ONCE_FILES: tuple[str, ...] = (LINKS_FILE,)  # written by copy 0 only (see the module docstring)
LABEL_PREDICATES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)
COPY_WIDTH = 5  # akr:syn-00042-…: up to 99,999 copies (~2.7·10^8 triples)

# Placeholders in the per-file templates, replaced per copy; none can occur in N-Triples output.
_IRI = "\x00"  # after the akr: namespace of a renamed resource: "" or "syn-00042-"
_LABEL = "\x01"  # at the end of a label's lexical form: "" or " (copy 42)"
_BNODE = "\x02"  # after "_:" of a blank node: "c42"


@dataclass(frozen=True)
class Template:
    """The real data as text with placeholders: per data file, the lines every copy writes and the
    lines only copy 0 writes (facts about shared resources)."""

    per_copy: dict[str, str]
    once: dict[str, str]
    triples_per_copy: int
    triples_once: int
    shared: frozenset[str]  # local names of the akr: resources all copies share

    def iri(self, local_name: str, copy: int) -> str:
        """The IRI that the real resource `akr:local_name` has in copy `copy`."""
        return copy_iri(local_name, copy, self.shared)


@dataclass(frozen=True)
class Corpus:
    """A generated corpus: its root folder (a layout), the number of copies and of data triples."""

    root: Path
    copies: int
    triples: int  # data triples, data/links.ttl included (the ontology is not counted)
    files: tuple[Path, ...]

    @property
    def layout(self) -> Layout:
        return Layout(self.root)


def copy_prefix(copy: int) -> str:
    """The local-name prefix of copy `copy`: "" for copy 0 (the real data), else "syn-0000k-"."""
    return "" if copy == 0 else f"syn-{copy:0{COPY_WIDTH}d}-"


def copy_iri(local_name: str, copy: int, shared: Collection[str] = SHARED_RESOURCES) -> str:
    """The IRI that the real resource `akr:local_name` has in copy `copy` (shared resources keep theirs)."""
    return AKR + local_name if local_name in shared else AKR + copy_prefix(copy) + local_name


def label_suffix(copy: int) -> str:
    return "" if copy == 0 else f" (copy {copy})"


def _shared_names(layout: Layout) -> set[str]:
    shared = set(SHARED_RESOURCES)
    for name in SHARED_FILES:
        path = layout.data_dir / name
        if path.is_file():
            for triple in parse(path=str(path), format=RdfFormat.TURTLE):
                if isinstance(triple.subject, NamedNode) and triple.subject.value.startswith(AKR):
                    shared.add(triple.subject.value[len(AKR) :])
    return shared


def _term(term: object, shared: set[str]) -> str:
    if isinstance(term, NamedNode):
        iri = term.value
        if iri.startswith(AKR) and iri[len(AKR) :] not in shared:
            return f"<{AKR}{_IRI}{iri[len(AKR) :]}>"
        return str(term)
    if isinstance(term, BlankNode):
        return f"_:{_BNODE}{term.value}"
    return str(term)


def _labelled(literal: Literal) -> str | None:
    """The literal's N-Triples form with the label placeholder before its closing quote (strings only)."""
    text = str(literal)
    if literal.language:
        cut = len(text) - len(literal.language) - 2  # …"@en
    elif literal.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        cut = len(text) - 1 if text.endswith('"') else None
    else:
        cut = None
    if cut is None or text[cut] != '"':
        return None
    return text[:cut] + _LABEL + text[cut:]


def _is_shared(term: object, shared: set[str]) -> bool:
    return isinstance(term, NamedNode) and term.value.startswith(AKR) and term.value[len(AKR) :] in shared


def read_template(layout: Layout) -> Template:
    """Parse every data/*.ttl of `layout` once and turn it into the text that each copy instantiates."""
    if not layout.data_dir.is_dir():
        raise SourceNotFound(f"{layout.data_dir}: data folder not found")
    shared = _shared_names(layout)
    per_copy: dict[str, str] = {}
    once: dict[str, str] = {}
    counts = [0, 0]
    seen: set[str] = set()  # a triple stated twice (in one file or two) is written once
    for path in layout.data_files:
        lines: tuple[list[str], list[str]] = ([], [])
        for triple in parse(path=str(path), format=RdfFormat.TURTLE):
            subject, predicate, obj = triple.subject, triple.predicate, triple.object
            is_once = _is_shared(subject, shared)
            object_text = None
            if (
                not is_once
                and isinstance(obj, Literal)
                and isinstance(subject, NamedNode)
                and subject.value.startswith(AKR)
                and predicate.value in LABEL_PREDICATES
            ):
                object_text = _labelled(obj)
            line = (
                f"{_term(subject, shared)} {_term(predicate, shared)} {object_text or _term(obj, shared)} .\n"
            )
            # A triple about a shared resource, or one naming no renamed term (about a cameo: code), is
            # the same in every copy: written once.
            is_once = is_once or path.name in ONCE_FILES or not any(m in line for m in (_IRI, _LABEL, _BNODE))
            if line in seen:
                continue
            seen.add(line)
            lines[is_once].append(line)
            counts[is_once] += 1
        per_copy[path.name] = "".join(sorted(lines[0]))
        once[path.name] = "".join(sorted(lines[1]))
    return Template(
        per_copy, once, triples_per_copy=counts[0], triples_once=counts[1], shared=frozenset(shared)
    )


def copies_for(triples: int, template: Template) -> int:
    """How many copies make about `triples` data triples (at least one)."""
    return max(1, round((triples - template.triples_once) / template.triples_per_copy))


def render_copy(template: Template, file_name: str, copy: int) -> str:
    """The N-Triples of one data file in copy `copy` (with the shared facts if `copy` is 0)."""
    text = template.per_copy.get(file_name, "")
    if copy == 0:
        text = template.once.get(file_name, "") + text
    return (
        text.replace(_IRI, copy_prefix(copy)).replace(_LABEL, label_suffix(copy)).replace(_BNODE, f"c{copy}")
    )


_HEADER = (
    "# GENERATED by alaska_kg.build.synthetic: {copies} copies of the real data/{name}, copy k ≥ 1 renamed "
    "to akr:syn-0000k-…; do not edit.\n"
    '# Derived from the Wikipedia article "United States–China talks in Alaska" by Wikipedia contributors, '
    "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/).\n"
)


def generate(
    out: Path, copies: int, layout: Layout | None = None, template: Template | None = None
) -> Corpus:
    """Write a corpus of `copies` copies of the data of `layout` (default: the project's) into `out`,
    a new or empty folder: ontology/ and queries/ copied, data/*.ttl generated, data/source/ copied."""
    if copies < 1:
        raise UsageError(f"copies must be at least 1, not {copies}")
    layout = layout or locate()
    template = template or read_template(layout)
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise OutputError(f"{out}: not empty; give a new or empty folder for the corpus")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(layout.ontology_dir, out / "ontology")
    if layout.queries_dir.is_dir():
        shutil.copytree(layout.queries_dir, out / "queries")
    data = out / "data"
    data.mkdir()
    source_dir = layout.source_text.parent
    if source_dir.is_dir():
        shutil.copytree(source_dir, data / source_dir.name)
    files = []
    for name in template.per_copy:
        target = data / name
        with target.open("w", encoding="utf-8") as stream:
            stream.write(_HEADER.format(copies=copies, name=name))
            for copy in range(copies):
                stream.write(render_copy(template, name, copy))
        files.append(target)
    triples = template.triples_once + copies * template.triples_per_copy
    return Corpus(root=out, copies=copies, triples=triples, files=tuple(files))


def generate_size(out: Path, triples: int, layout: Layout | None = None) -> Corpus:
    """Write a corpus of about `triples` data triples (see `generate`)."""
    layout = layout or locate()
    template = read_template(layout)
    return generate(out, copies_for(triples, template), layout, template)


__all__ = [
    "ONCE_FILES",
    "SHARED_FILES",
    "SHARED_RESOURCES",
    "Corpus",
    "Template",
    "copies_for",
    "copy_iri",
    "copy_prefix",
    "generate",
    "generate_size",
    "label_suffix",
    "read_template",
    "render_copy",
]
