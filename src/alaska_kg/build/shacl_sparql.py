"""SHACL validation as SPARQL on the build's Oxigraph store: the shapes translated into SELECT queries.

pySHACL (the reference) and pyshacl-turbo need rdflib, whose import alone costs more than the whole rest of
the build of the bundled data (issue 12). The shapes of ontology/shapes.ttl use a handful of SHACL Core
components and SHACL-SPARQL constraints; each (shape, constraint component) becomes one SELECT query whose
solutions are the validation results (W3C SHACL §3.6.2: focus node, path, value), run by Oxigraph on the
store the build already holds. Shapes reached through sh:node, sh:or, sh:and, sh:not, sh:xone and
sh:qualifiedValueShape become FILTER (NOT) EXISTS patterns of the query that uses them.

The report is built as pySHACL builds it (which result carries a value, which a path, the messages with
their {?var} substitutions): tests/test_shacl_sparql.py compares every result with pySHACL's on the real
data and on every invalid fixture, and runs the W3C SHACL test suite. Whatever the translator does not
know (sh:target, SPARQL-based constraint components, $shapesGraph, a blank node as a constant, …)
raises `Unsupported`, and the caller falls back to an rdflib engine (build.validate).
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterable, Iterator
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, RdfFormat, Store, Triple, parse

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = RDF + "type"
_INSTANCE = f"<{_TYPE}>/<{RDFS}subClassOf>*"  # SHACL §2.1.3.1 "SHACL instance"


class Unsupported(Exception):
    """A SHACL feature this translator does not handle: the caller validates with another engine."""


Term = NamedNode | BlankNode | Literal


# A named tuple and plain classes, not dataclasses: the build does not import dataclasses (issue 12).
_RESULT_FIELDS = ("focus", "path", "value", "shape", "component", "severity", "messages", "constraint")


class Result(namedtuple("Result", _RESULT_FIELDS, defaults=(None,))):
    """One validation result (SHACL §3.6.2), its terms as Oxigraph terms: `component` is the constraint
    component's IRI, `severity` sh:Violation, sh:Warning or sh:Info (IRI), `constraint` the
    sh:sourceConstraint (a SPARQL constraint) if any."""

    __slots__ = ()
    focus: Term
    path: Term | None
    value: Term | None
    shape: NamedNode | BlankNode
    component: str
    severity: str
    messages: tuple[Literal, ...]
    constraint: Term | None


class Shapes:
    """A shapes graph as triples, indexed by subject."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.triples: list[Triple] = list(triples)
        self._out: dict[Term, dict[str, list[Term]]] = {}
        self._by_predicate: dict[str, list[Triple]] = {}
        for t in self.triples:
            self._out.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
            self._by_predicate.setdefault(t.predicate.value, []).append(t)

    @classmethod
    def from_file(cls, path: Path) -> Shapes:
        """Parse a Turtle shapes file with Oxigraph (errors name the file, line and column)."""
        from alaska_kg.build.parse import parse_into

        try:
            triples = list(parse(path=str(path), format=RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
        except (SyntaxError, OSError):
            parse_into(Store(), path, DefaultGraph())  # raises the error the build gives (file, line, column)
            raise
        return cls(triples)

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        return self._out.get(subject, {}).get(predicate, [])

    def value(self, subject: Term, predicate: str) -> Term | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def predicates(self, subject: Term) -> dict[str, list[Term]]:
        return self._out.get(subject, {})

    def subjects(self, predicate: str, obj: Term | None = None) -> list[Term]:
        return [t.subject for t in self._by_predicate.get(predicate, ()) if obj is None or t.object == obj]

    def items(self, node: Term) -> list[Term]:
        """The members of the RDF list `node`."""
        found = []
        while node != NamedNode(RDF + "nil"):
            first = self.value(node, RDF + "first")
            if first is None:
                raise Unsupported(f"{node} is not a well-formed RDF list")
            found.append(first)
            node = self.value(node, RDF + "rest")  # type: ignore[assignment]
            if node is None or len(found) > 10_000:
                raise Unsupported("an RDF list without rdf:nil")
        return found

    def reachable(self, node: Term) -> list[Triple]:
        """The triples of `node` and of the blank nodes it reaches (a path, a shape, in a report)."""
        todo, seen, found = [node], set(), []
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            for predicate, objects in self.predicates(current).items():
                for obj in objects:
                    found.append(Triple(current, NamedNode(predicate), obj))  # type: ignore[arg-type]
                    if isinstance(obj, BlankNode):
                        todo.append(obj)
        return found


# sh: predicates of a shape that are not constraint parameters (or are read with one)
_NOT_CONSTRAINTS = {
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "path", "message", "severity",
    "deactivated", "name", "description", "order", "group", "defaultValue", "flags", "qualifiedMinCount",
    "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "ignoredProperties", "declare", "prefixes",
    "property",
}  # fmt: skip
_COMPONENTS = {
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint",
    "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "qualifiedValueShape", "closed",
    "hasValue", "in", "sparql",
}  # fmt: skip
_COMPONENT_NAMES = {
    "class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind", "minCount": "MinCount",
    "maxCount": "MaxCount", "minExclusive": "MinExclusive", "minInclusive": "MinInclusive",
    "maxExclusive": "MaxExclusive", "maxInclusive": "MaxInclusive", "minLength": "MinLength",
    "maxLength": "MaxLength", "pattern": "Pattern", "languageIn": "LanguageIn", "uniqueLang": "UniqueLang",
    "equals": "Equals", "disjoint": "Disjoint", "lessThan": "LessThan",
    "lessThanOrEquals": "LessThanOrEquals",
    "not": "Not", "and": "And", "or": "Or", "xone": "Xone", "node": "Node", "closed": "Closed",
    "hasValue": "HasValue", "in": "In", "sparql": "SPARQL",
}  # fmt: skip
# the datatypes whose lexical forms Oxigraph checks by a cast (an ill-typed literal does not cast)
_CASTABLE = {
    XSD + name
    for name in (
        "boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time", "duration",
        "dayTimeDuration", "yearMonthDuration", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay",
    )
}  # fmt: skip
# Oxigraph's store keeps a literal of these as an xsd:integer ("5"^^xsd:int comes back as "5"^^xsd:integer)
_INTEGER_DERIVED = {
    XSD + name
    for name in (
        "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBLANK({v})",
    "Literal": "isLITERAL({v})",
    "BlankNodeOrIRI": "!isLITERAL({v})",
    "BlankNodeOrLiteral": "!isIRI({v})",
    "IRIOrLiteral": "!isBLANK({v})",
}
_MAX_COUNT_TERMS = 8  # sh:minCount / sh:maxCount up to this many distinct values are spelt out


def _const(term: Term) -> str:
    """A shapes-graph term as a SPARQL constant."""
    if isinstance(term, BlankNode):
        raise Unsupported(f"a blank node ({term}) where SPARQL needs a constant")
    return str(term)


def _true(term: Term | None) -> bool:
    return isinstance(term, Literal) and term.value == "true" and term.datatype.value == XSD + "boolean"


def _int(term: Term | None, what: str) -> int:
    if not isinstance(term, Literal) or not re.fullmatch(r"[+-]?\d+", term.value):
        raise Unsupported(f"{what} {term} is not an integer")
    return int(term.value)


def _sparql_string(text: str) -> str:
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    )


class _Part:
    """One query's worth: the SELECT pattern of one constraint component of one shape. `pattern` binds
    ?this (and ?value, ?path, … when `value`, `path_var` say so); `extra`: other variables projected (a
    SPARQL constraint's, a pair's partner); `focus`: the pattern that binds ?this to each focus node once;
    `per_focus`: a SPARQL constraint run once per focus node, ?this substituted."""

    def __init__(
        self,
        shape: Term,
        component: str,
        pattern: str,
        value: str | None = None,
        path_var: str | None = None,
        extra: tuple[str, ...] = (),
        constraint: Term | None = None,
        sparql_messages: tuple[Literal, ...] = (),
        focus: str = "",
        per_focus: str | None = None,
    ) -> None:
        self.shape = shape
        self.component = component
        self.pattern = pattern
        self.value = value
        self.path_var = path_var
        self.extra = extra
        self.constraint = constraint
        self.sparql_messages = sparql_messages
        self.focus = focus
        self.per_focus = per_focus


class Translator:
    """The shapes graph translated into queries; `fresh` names the variables of nested patterns."""

    def __init__(self, shapes: Shapes, subclasses: dict[Term, list[Term]] | None = None) -> None:
        self.shapes = shapes
        self.subclasses = subclasses or {}  # class -> every class under it, itself too (`run` finds them)
        self.counter = 0
        self.parts: list[_Part] = []

    def fresh(self) -> str:
        self.counter += 1
        return f"?v{self.counter}"

    # ------------------------------------------------------------------------------------ shapes

    def is_property_shape(self, shape: Term) -> bool:
        return self.shapes.value(shape, SH + "path") is not None

    def active(self, shape: Term) -> bool:
        return not _true(self.shapes.value(shape, SH + "deactivated"))

    def path(self, node: Term) -> str:
        """A SHACL property path (SHACL §2.3.1) as a SPARQL property path."""
        if isinstance(node, NamedNode):
            return str(node)
        if isinstance(node, Literal):
            raise Unsupported(f"a literal ({node}) as a path")
        if self.shapes.value(node, RDF + "first") is not None:
            members = self.shapes.items(node)
            if len(members) < 2:
                raise Unsupported("a sequence path of fewer than two members")
            return "(" + "/".join(self.path(m) for m in members) + ")"
        kinds = {
            "inversePath": "^({})",
            "zeroOrMorePath": "({})*",
            "oneOrMorePath": "({})+",
            "zeroOrOnePath": "({})?",
        }
        found = self.shapes.predicates(node)
        if len(found) != 1:
            raise Unsupported(f"the path {node}")
        ((predicate, objects),) = found.items()
        name = predicate.removeprefix(SH)
        if len(objects) != 1:
            raise Unsupported(f"the path {node}")
        if name == "alternativePath":
            members = self.shapes.items(objects[0])
            return "(" + "|".join(self.path(m) for m in members) + ")"
        if name in kinds:
            return kinds[name].format(self.path(objects[0]))
        raise Unsupported(f"the path {node}")

    def constraints(self, shape: Term) -> list[tuple[str, list[Term]]]:
        """The constraint parameters of `shape`, by name; Unsupported for an sh: predicate not known."""
        found = []
        for predicate, objects in self.shapes.predicates(shape).items():
            if not predicate.startswith(SH):
                continue
            name = predicate.removeprefix(SH)
            if name in _COMPONENTS:
                found.append((name, objects))
            elif name not in _NOT_CONSTRAINTS:
                raise Unsupported(f"sh:{name} (on {shape})")
        return sorted(found, key=lambda item: item[0])

    # ------------------------------------------------------------------------------------ targets

    def targets(self, shape: Term) -> str | None:
        """A pattern binding ?this to each focus node of `shape` once, or None if it has no target."""
        branches = []
        nodes = self.shapes.objects(shape, SH + "targetNode")
        if nodes:
            branches.append("VALUES ?this { " + " ".join(_const(n) for n in nodes) + " }")
        classes = list(self.shapes.objects(shape, SH + "targetClass"))
        types = self.shapes.objects(shape, _TYPE)
        if any(t in (NamedNode(RDFS + "Class"), NamedNode(OWL + "Class")) for t in types) and any(
            t in (NamedNode(SH + "NodeShape"), NamedNode(SH + "PropertyShape")) for t in types
        ):
            classes.append(shape)  # SHACL §2.1.3.1: an implicit class target
        branches += [f"?this {_INSTANCE} {_const(c)} ." for c in classes]
        branches += [f"?this {_const(p)} [] ." for p in self.shapes.objects(shape, SH + "targetSubjectsOf")]
        branches += [f"[] {_const(p)} ?this ." for p in self.shapes.objects(shape, SH + "targetObjectsOf")]
        if self.shapes.objects(shape, SH + "target"):
            raise Unsupported(f"sh:target (SPARQL-based targets) on {shape}")
        if not branches:
            return None
        union = " UNION ".join("{ " + b + " }" for b in branches)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    # ------------------------------------------------------------------------------------ top level

    def translate(self) -> list[_Part]:
        """Every shape that has targets, with the property shapes it reaches by sh:property."""
        custom = ("parameter", "validator", "nodeValidator", "propertyValidator")
        if self.shapes.subjects(_TYPE, NamedNode(SH + "ConstraintComponent")) or any(
            self.shapes.subjects(SH + p) for p in custom
        ):
            raise Unsupported("SPARQL-based constraint components (sh:ConstraintComponent, SHACL §6)")
        candidates = set()
        for predicate in ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf", "target"):
            candidates.update(self.shapes.subjects(SH + predicate))
        for cls in (RDFS + "Class", OWL + "Class"):
            candidates.update(self.shapes.subjects(_TYPE, NamedNode(cls)))
        for shape in sorted(candidates, key=str):
            focus = self.targets(shape)
            if focus is not None and self.active(shape):
                self.unit(shape, focus, depth=0)
        return self.parts

    def unit(self, shape: Term, focus: str, depth: int) -> None:
        """The queries of `shape` on the focus nodes `focus` binds to ?this, and of its property shapes."""
        if depth > 8:
            raise Unsupported("sh:property nested more than 8 deep")
        if not self.active(shape):
            return
        path = self.shapes.value(shape, SH + "path")
        sparql_path = self.path(path) if path is not None else None
        for name, objects in self.constraints(shape):
            for part in self.component(shape, name, objects, sparql_path):
                part.focus = focus
                self.parts.append(part)
        for child in self.shapes.objects(shape, SH + "property"):
            if sparql_path is None:
                self.unit(child, focus, depth + 1)
            else:
                inner = focus.replace("?this", "?focus")
                values = f"{{ SELECT DISTINCT ?this WHERE {{ {inner} ?focus {sparql_path} ?this . }} }}"
                self.unit(child, values, depth + 1)

    def component(self, shape: Term, name: str, objects: list[Term], path: str | None) -> list[_Part]:
        """The queries of one constraint component of `shape` (several for sh:sparql, one per constraint)."""
        iri = SH + _COMPONENT_NAMES.get(name, name) + "ConstraintComponent"
        if name == "sparql":
            return [self.sparql_constraint(shape, c, path) for c in objects]
        if name == "closed":
            return self.closed(shape, objects, path, iri)
        if name in ("minCount", "maxCount", "hasValue", "uniqueLang", "qualifiedValueShape"):
            return self.focus_level(shape, name, objects, path, iri)
        if (
            name == "equals"
        ):  # the values missing from either side: two queries (no UNION, where ?this is unbound)
            return [part for o in objects for part in self.equals(shape, o, path, iri)]
        if name in ("disjoint", "lessThan", "lessThanOrEquals"):
            return [self.pair(shape, name, o, path, iri) for o in objects]
        parts = []
        for obj in objects:
            condition = self.value_failure(name, obj, "?value", shape)
            if condition is None:
                continue
            values = "BIND(?this AS ?value)" if path is None else f"?this {path} ?value ."
            parts.append(_Part(shape, iri, f"{values} FILTER ({condition})", value="?value"))
        return parts

    # ------------------------------------------------------------------------------------ value nodes

    def value_failure(self, name: str, obj: Term, v: str, shape: Term) -> str | None:
        """A SPARQL expression true when the value node `v` fails the component `name` with parameter
        `obj` (the components that test each value node on its own), or None if it cannot fail."""
        if name == "class":
            under = self.subclasses.get(obj)
            if under is None:
                return f"NOT EXISTS {{ {v} {_INSTANCE} {_const(obj)} }}"
            # the same test with the sub-classes found once: a type lookup per value node instead of a
            # path walk per value node (sh:class was 58% of validation at 10^5)
            t = self.fresh()
            return f"NOT EXISTS {{ {v} <{_TYPE}> {t} . FILTER ({t} IN ({', '.join(map(_const, under))})) }}"
        if name == "datatype":
            return f"!({self.well_typed(obj, v)})"
        if name == "nodeKind":
            kind = obj.value.removeprefix(SH) if isinstance(obj, NamedNode) else ""
            if kind not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {obj}")
            return "!(" + _NODE_KINDS[kind].format(v=v) + ")"
        if name in ("minExclusive", "minInclusive", "maxExclusive", "maxInclusive"):
            op = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}[name]
            return f"!COALESCE({v} {op} {_const(obj)}, false)"
        if name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            return f"isBLANK({v}) || !(STRLEN(STR({v})) {op} {_int(obj, 'sh:' + name)})"
        if name == "pattern":
            flags = self.shapes.value(shape, SH + "flags")
            if len(self.shapes.objects(shape, SH + "pattern")) > 1:
                raise Unsupported("several sh:pattern on one shape")
            if not isinstance(obj, Literal) or (flags is not None and not isinstance(flags, Literal)):
                raise Unsupported("sh:pattern or sh:flags not a literal")
            regex = _sparql_string(obj.value) + ("" if flags is None else ", " + _sparql_string(flags.value))
            return f"isBLANK({v}) || !REGEX(STR({v}), {regex})"
        if name == "languageIn":
            tags = [t.value for t in self.shapes.items(obj) if isinstance(t, Literal)]
            matches = " || ".join(f"langMatches(LANG({v}), {_sparql_string(t)})" for t in tags) or "false"
            return f'!(isLITERAL({v}) && LANG({v}) != "" && ({matches}))'
        if name == "in":
            members = self.shapes.items(obj)
            same = " || ".join(f"sameTerm({v}, {_const(m)})" for m in members) or "false"
            return f"!({same})"
        if name in ("node", "not"):
            if not isinstance(obj, NamedNode | BlankNode):
                raise Unsupported(f"sh:{name} {obj}")
            fails = self.fails(obj, v)
            if fails is None:
                return "false" if name == "node" else "true"
            return f"EXISTS {{ {fails} }}" if name == "node" else f"NOT EXISTS {{ {fails} }}"
        if name in ("and", "or", "xone"):
            members = self.shapes.items(obj)
            failing = []
            for member in members:
                fails = self.fails(member, v)
                failing.append("false" if fails is None else f"EXISTS {{ {fails} }}")
            if name == "and":
                return " || ".join(failing) or "false"
            if name == "or":
                return " && ".join(failing) or "true"
            conforming = " + ".join(f"IF({f}, 0, 1)" for f in failing) or "0"
            return f"({conforming}) != 1"
        raise Unsupported(f"sh:{name}")

    def well_typed(self, datatype: Term, v: str) -> str:
        """A SPARQL expression true when `v` is a well-formed literal of `datatype` (SHACL §4.1.2)."""
        if not isinstance(datatype, NamedNode):
            raise Unsupported(f"sh:datatype {datatype}")
        dt = datatype.value
        if dt in _INTEGER_DERIVED:
            raise Unsupported(f"sh:datatype {datatype}: Oxigraph stores it as xsd:integer, the type is lost")
        if dt == RDF + "langString":
            return f'isLITERAL({v}) && LANG({v}) != ""'
        test = f"isLITERAL({v}) && sameTerm(DATATYPE({v}), <{dt}>)"
        if dt in _CASTABLE:
            # a cast of the lexical form fails on an ill-typed literal (Oxigraph keeps it as written)
            test += f" && COALESCE(sameTerm(DATATYPE(<{dt}>(STR({v}))), <{dt}>), false)"
        return test

    # ------------------------------------------------------------------------------------ nested shapes

    def fails(self, shape: Term, focus: str, depth: int = 0) -> str | None:
        """A graph pattern with a solution exactly when the node `focus` (bound outside) does not conform
        to `shape`; None when nothing can fail."""
        if depth > 16:
            raise Unsupported("shapes nested more than 16 deep (or recursive)")
        if not self.active(shape):
            return None
        path_node = self.shapes.value(shape, SH + "path")
        path = self.path(path_node) if path_node is not None else None
        branches = []
        for name, objects in self.constraints(shape):
            for obj in objects:
                branch = self.nested_failure(shape, name, obj, focus, path, depth)
                if branch is not None:
                    branches.append(branch)
        for child in self.shapes.objects(shape, SH + "property"):
            if path is None:
                inner = self.fails(child, focus, depth + 1)
                if inner is not None:
                    branches.append(inner)
            else:
                value = self.fresh()
                inner = self.fails(child, value, depth + 1)
                if inner is not None:
                    branches.append(f"{focus} {path} {value} . {inner}")
        if not branches:
            return None
        return " UNION ".join("{ " + b + " }" for b in branches)

    def nested_failure(
        self, shape: Term, name: str, obj: Term, focus: str, path: str | None, depth: int
    ) -> str | None:
        if name == "sparql":
            raise Unsupported("a SPARQL constraint inside sh:node, sh:or, sh:not, … (nested)")
        if name == "closed":
            if not _true(obj):
                return None
            allowed = self.closed_allowed(shape)
            value, p = self.fresh(), self.fresh()
            where = focus if path is None else value
            head = "" if path is None else f"{focus} {path} {value} . "
            return f"{head}{where} {p} [] . FILTER ({p} NOT IN ({allowed}))"
        if name == "minCount":
            n = _int(obj, "sh:minCount")
            if n <= 0:
                return None
            return "FILTER NOT EXISTS { " + self.distinct_values(focus, path, n) + " }"
        if name == "maxCount":
            n = _int(obj, "sh:maxCount")
            return self.distinct_values(focus, path, n + 1)
        if name == "hasValue":
            if path is None:
                return f"FILTER (!sameTerm({focus}, {_const(obj)}))"
            return f"FILTER NOT EXISTS {{ {focus} {path} {_const(obj)} }}"
        if name == "uniqueLang":
            if not _true(obj):
                return None
            a, b = self.fresh(), self.fresh()
            return f"{self.values(focus, path, a)} {self.values(focus, path, b)} " + self.same_lang(a, b)
        if name == "qualifiedValueShape":
            lo, hi = self.qualified_counts(shape)
            branches = []
            if lo is not None:
                branches.append(
                    "FILTER NOT EXISTS { " + self.qualified_values(shape, obj, focus, path, lo) + " }"
                )
            if hi is not None:
                branches.append(self.qualified_values(shape, obj, focus, path, hi + 1))
            return " UNION ".join("{ " + b + " }" for b in branches) or None
        if name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
            value, other = self.fresh(), self.fresh()
            return self.pair_pattern(name, obj, focus, path, value, other)
        value = focus if path is None else self.fresh()
        condition = self.value_failure(name, obj, value, shape)
        if condition is None:
            return None
        head = "" if path is None else f"{focus} {path} {value} . "
        return f"{head}FILTER ({condition})"

    def values(self, focus: str, path: str | None, value: str) -> str:
        return f"BIND({focus} AS {value})" if path is None else f"{focus} {path} {value} ."

    def distinct_values(self, focus: str, path: str | None, n: int) -> str:
        """A pattern with a solution when `focus` has at least `n` distinct values."""
        if n > _MAX_COUNT_TERMS:
            raise Unsupported(f"a count of {n} values")
        names = [self.fresh() for _ in range(n)]
        pattern = " ".join(self.values(focus, path, x) for x in names)
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        return pattern + (f" FILTER ({' && '.join(pairs)})" if pairs else "")

    @staticmethod
    def same_lang(a: str, b: str) -> str:
        return f'FILTER (!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b})))'

    # ------------------------------------------------------------------------------------ focus level

    def focus_level(
        self, shape: Term, name: str, objects: list[Term], path: str | None, iri: str
    ) -> list[_Part]:
        parts = []
        for obj in objects:
            if name == "minCount":
                n = _int(obj, "sh:minCount")
                if n > 0:
                    pattern = "FILTER NOT EXISTS { " + self.distinct_values("?this", path, n) + " }"
                    parts.append(_Part(shape, iri, pattern))
            elif name == "maxCount":
                n = _int(obj, "sh:maxCount")
                if path is None:
                    raise Unsupported("sh:maxCount on a node shape")
                count = "{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) "
                count += f"WHERE {{ ?this {path} ?value }} GROUP BY ?this }}"
                parts.append(_Part(shape, iri, f"{count} FILTER (?n > {n})"))
            elif name == "hasValue":
                parts.append(_Part(shape, iri, self.nested_failure(shape, name, obj, "?this", path, 0) or ""))
            elif name == "uniqueLang":
                if _true(obj):
                    a, b = self.fresh(), self.fresh()
                    pattern = f"{self.values('?this', path, a)} {self.values('?this', path, b)} "
                    pattern += self.same_lang(a, b) + f" BIND(LCASE(LANG({a})) AS ?lang)"
                    parts.append(_Part(shape, iri, pattern, extra=("?lang",)))
            else:  # qualifiedValueShape
                lo, hi = self.qualified_counts(shape)
                if lo is not None:
                    pattern = (
                        "FILTER NOT EXISTS { " + self.qualified_values(shape, obj, "?this", path, lo) + " }"
                    )
                    parts.append(_Part(shape, SH + "QualifiedMinCountConstraintComponent", pattern))
                if hi is not None:
                    pattern = self.qualified_values(shape, obj, "?this", path, hi + 1)
                    parts.append(_Part(shape, SH + "QualifiedMaxCountConstraintComponent", pattern))
        return parts

    def qualified_counts(self, shape: Term) -> tuple[int | None, int | None]:
        lo = self.shapes.value(shape, SH + "qualifiedMinCount")
        hi = self.shapes.value(shape, SH + "qualifiedMaxCount")
        low = _int(lo, "sh:qualifiedMinCount") if lo is not None else None
        return (low if low else None), (_int(hi, "sh:qualifiedMaxCount") if hi is not None else None)

    def qualified_values(self, shape: Term, qualified: Term, focus: str, path: str | None, n: int) -> str:
        """A pattern with a solution when `focus` has at least `n` distinct values that conform to the
        qualified value shape (and, if sh:qualifiedValueShapesDisjoint, to no sibling's)."""
        if path is None:
            raise Unsupported("sh:qualifiedValueShape on a node shape")
        if n > _MAX_COUNT_TERMS:
            raise Unsupported(f"a qualified count of {n}")
        siblings: list[Term] = []
        if _true(self.shapes.value(shape, SH + "qualifiedValueShapesDisjoint")):
            for parent in self.shapes.subjects(SH + "property", shape):
                for sibling in self.shapes.objects(parent, SH + "property"):
                    for other in self.shapes.objects(sibling, SH + "qualifiedValueShape"):
                        if other != qualified and other not in siblings:
                            siblings.append(other)
        names = [self.fresh() for _ in range(n)]
        parts = []
        for x in names:
            parts.append(f"{focus} {path} {x} .")
            fails = self.fails(qualified, x)
            if fails is not None:
                parts.append(f"FILTER NOT EXISTS {{ {fails} }}")
            for other in siblings:
                other_fails = self.fails(other, x)
                parts.append(
                    "FILTER (false)" if other_fails is None else f"FILTER EXISTS {{ {other_fails} }}"
                )
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        if pairs:
            parts.append(f"FILTER ({' && '.join(pairs)})")
        return " ".join(parts)

    # ------------------------------------------------------------------------------------ pairs

    def pair_pattern(self, name: str, obj: Term, focus: str, path: str | None, value: str, other: str) -> str:
        if not isinstance(obj, NamedNode):
            raise Unsupported(f"sh:{name} {obj}")
        this = self.values(focus, path, value)
        if name == "equals":
            missing = f"{focus} {obj} {value} . FILTER NOT EXISTS {{ {this} }}"
            if path is None:
                missing = f"{focus} {obj} {value} . FILTER (!sameTerm({value}, {focus}))"
            return f"{{ {this} FILTER NOT EXISTS {{ {focus} {obj} {value} }} }} UNION {{ {missing} }}"
        if name == "disjoint":
            return f"{this} {focus} {obj} {value} ."
        op = "<" if name == "lessThan" else "<="
        if path is None:
            raise Unsupported(f"sh:{name} on a node shape")
        for_blank = f"isBLANK({value}) || isBLANK({other})"
        return (
            f"{this} {focus} {obj} {other} . FILTER ({for_blank} || !COALESCE({value} {op} {other}, false))"
        )

    def equals(self, shape: Term, obj: Term, path: str | None, iri: str) -> list[_Part]:
        if not isinstance(obj, NamedNode):
            raise Unsupported(f"sh:equals {obj}")
        if path is None:
            missing = f"BIND(?this AS ?value) FILTER NOT EXISTS {{ ?this {obj} ?this }}"
            extra = f"?this {obj} ?value . FILTER (!sameTerm(?value, ?this))"
        else:
            missing = f"?this {path} ?value . FILTER NOT EXISTS {{ ?this {obj} ?value }}"
            extra = f"?this {obj} ?value . FILTER NOT EXISTS {{ ?this {path} ?value }}"
        return [_Part(shape, iri, missing, value="?value"), _Part(shape, iri, extra, value="?value")]

    def pair(self, shape: Term, name: str, obj: Term, path: str | None, iri: str) -> _Part:
        if name in ("lessThan", "lessThanOrEquals"):
            pattern = self.pair_pattern(name, obj, "?this", path, "?value", "?other")
            return _Part(shape, iri, pattern, value="?value", extra=("?other",))
        return _Part(
            shape, iri, self.pair_pattern(name, obj, "?this", path, "?value", "?other"), value="?value"
        )

    # ------------------------------------------------------------------------------------ closed

    def closed_allowed(self, shape: Term) -> str:
        allowed = []
        for child in self.shapes.objects(shape, SH + "property"):
            p = self.shapes.value(child, SH + "path")
            if isinstance(p, NamedNode):
                allowed.append(str(p))
        for ignored in self.shapes.objects(shape, SH + "ignoredProperties"):
            allowed += [_const(m) for m in self.shapes.items(ignored)]
        return ", ".join(allowed) or "<urn:x-alaska-kg:nothing>"

    def closed(self, shape: Term, objects: list[Term], path: str | None, iri: str) -> list[_Part]:
        if not any(_true(o) for o in objects):
            return []
        allowed = self.closed_allowed(shape)
        head = "BIND(?this AS ?node)" if path is None else f"?this {path} ?node ."
        pattern = f"{head} ?node ?path ?value . FILTER (?path NOT IN ({allowed}))"
        return [_Part(shape, iri, pattern, value="?value", path_var="?path")]

    # ------------------------------------------------------------------------------------ SPARQL

    def sparql_constraint(self, shape: Term, constraint: Term, path: str | None) -> _Part:
        """A SPARQL-based constraint (SHACL §5): its SELECT, with the focus nodes bound first in its WHERE
        clause (pre-binding of $this, §5.3.1) and its prefixes declared."""
        if _true(self.shapes.value(constraint, SH + "deactivated")):
            return _Part(shape, SH + "SPARQLConstraintComponent", "FILTER (false)")
        select = self.shapes.value(constraint, SH + "select")
        if not isinstance(select, Literal):
            raise Unsupported(f"a SPARQL constraint without sh:select ({constraint})")
        text = select.value
        if re.search(r"\$shapesGraph\b|\bMINUS\b|\bVALUES\b|\bSERVICE\b", text, re.I):
            raise Unsupported("$shapesGraph, MINUS, VALUES or SERVICE in a SPARQL constraint")
        if re.search(r"\$PATH\b", text):
            if path is None:
                raise Unsupported("$PATH in a SPARQL constraint of a node shape")
            text = re.sub(r"\$PATH\b", path, text)
        text = re.sub(r"\$currentShape\b", _const(shape), text)
        text = re.sub(r"\$this\b", "?this", text)
        if re.search(r"\$\w", text):
            raise Unsupported("a pre-bound variable other than $this, $PATH, $currentShape")
        if re.search(r"\bAS\s*\?this\b", text, re.I):
            raise Unsupported("a SPARQL constraint that binds $this itself (SHACL §5.3.1)")
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes(constraint).items())
        match = re.search(r"\bSELECT\b(.*?)\bWHERE\b\s*\{", text, re.I | re.S)
        if match is None or re.search(r"\bSELECT\b", text[match.end() :], re.I):
            raise Unsupported("a SPARQL constraint that is not one SELECT … WHERE { … } (no subquery)")
        projection = match.group(1)
        names = re.findall(r"\?(\w+)", projection)
        if "*" not in projection and "this" not in names:
            projection = " ?this" + projection
        query = (
            prologue
            + text[: match.start()]
            + "SELECT"
            + projection
            + "WHERE { {TARGETS} "
            + text[match.end() :]
        )
        messages = tuple(m for m in self.shapes.objects(constraint, SH + "message") if isinstance(m, Literal))
        per_focus = None
        if not _joins_safely(text[match.end() :]):
            # $this inside a nested group: pre-binding is a substitution, so the query runs per focus node
            rest = [n for n in names if n != "this"]
            per_focus = (
                prologue + text[: match.start()] + "SELECT " + (" ".join(f"?{n}" for n in rest) or "*")
            )
            per_focus += " WHERE {" + text[match.end() :]
        return _Part(
            shape,
            SH + "SPARQLConstraintComponent",
            query,
            constraint=constraint,
            sparql_messages=messages,
            extra=tuple(f"?{n}" for n in names),
            per_focus=per_focus,
        )

    def prefixes(self, constraint: Term) -> dict[str, str]:
        found: dict[str, str] = {}
        todo = list(self.shapes.objects(constraint, SH + "prefixes"))
        seen = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for declaration in self.shapes.objects(node, SH + "declare"):
                prefix = self.shapes.value(declaration, SH + "prefix")
                namespace = self.shapes.value(declaration, SH + "namespace")
                if isinstance(prefix, Literal) and isinstance(namespace, Literal | NamedNode):
                    found[prefix.value] = namespace.value
            todo.extend(self.shapes.objects(node, OWL + "imports"))
        return found


_TOKENS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*|<[^<>\s]*>|\bEXISTS\s*\{|\{|\}|\?this\b',
    re.I,
)


def _joins_safely(body: str) -> bool:
    """Whether binding ?this by a pattern put first in the WHERE clause is the pre-binding SHACL §5.3.1
    defines (a substitution): true when ?this occurs only in the top-level group and in FILTER (NOT)
    EXISTS patterns (which see the outer binding), never in a nested group, UNION branch or subquery."""
    stack = ["where"]
    for token in _TOKENS.finditer(body):
        text = token.group(0)
        if text == "{":
            stack.append("group")
        elif text.upper().startswith("EXISTS"):
            stack.append("exists")
        elif text == "}":
            stack.pop() if len(stack) > 1 else None
        elif text.lower() == "?this" and stack[-1] == "group" and "exists" not in stack:
            return False
    return True


def translate(shapes: Shapes, subclasses: dict[Term, list[Term]] | None = None) -> list[_Part]:
    """The queries of a shapes graph (Unsupported if it uses a feature this module does not translate);
    `subclasses` (see `subclasses_of`) turns each sh:class test into a lookup of the value's types."""
    return Translator(shapes, subclasses).translate()


def subclasses_of(store: Store, shapes: Shapes, union: bool = True) -> dict[Term, list[Term]]:
    """Each IRI that is the sh:class of some shape -> every class C with C rdfs:subClassOf* it in the data
    (itself too), in one query: what `rdf:type/rdfs:subClassOf*` reaches, SHACL §2.1.3.1."""
    classes = {t.object for t in shapes.triples if t.predicate.value == SH + "class"}
    named = sorted((c for c in classes if isinstance(c, NamedNode)), key=lambda c: c.value)
    if not named:
        return {}
    query = (
        f"SELECT DISTINCT ?sub ?class WHERE {{ VALUES ?class {{ {' '.join(map(_const, named))} }} "
        f"?sub <{RDFS}subClassOf>* ?class }}"
    )
    found: dict[Term, set[Term]] = {c: {c} for c in named}
    for row in store.query(query, use_default_graph_as_union=union):
        found[row["class"]].add(row["sub"])
    # a blank node cannot be written in a FILTER: such a class keeps the path
    return {
        c: sorted(subs, key=str)
        for c, subs in found.items()
        if not any(isinstance(s, BlankNode) for s in subs)
    }


def query_text(part: _Part) -> str:
    """The SELECT of one part, its focus nodes bound first."""
    if part.constraint is not None:  # the SPARQL constraint's own query
        return part.pattern.replace("{TARGETS}", part.focus, 1)
    names = ["?this", *([part.value] if part.value else []), *([part.path_var] if part.path_var else [])]
    projected = " ".join(dict.fromkeys([*names, *part.extra]))
    return f"SELECT DISTINCT {projected} WHERE {{ {part.focus} {part.pattern} }}"


# ------------------------------------------------------------------------------------ running


def _lexical(term: Term) -> str:
    """A term as rdflib's str() gives it (pySHACL fills {?var} of a message with that)."""
    return term.value


def _message(template: str, bindings: dict[str, Term]) -> str:
    for name, term in bindings.items():
        template = re.sub(r"\{[?$]" + name + r"\}", lambda _m, t=term: _lexical(t), template)
    return template


def run(
    store: Store,
    shapes: Shapes,
    *,
    union: bool = True,
    parts: list[_Part] | None = None,
) -> list[Result]:
    """Validate the data of `store` (every graph, read as one, if `union`; else its default graph): the
    queries run on every core when the store is large (build.parallel), the results in the queries' order."""
    from alaska_kg.build.parallel import cores, each_in_threads, worth_threads

    todo = translate(shapes, subclasses_of(store, shapes, union)) if parts is None else parts
    threads = cores() if worth_threads(store) else 1
    found: list[Result] = []
    for results in each_in_threads(lambda part: list(_results(store, shapes, part, union)), todo, threads):
        found.extend(results)
    return found


def _results(store: Store, shapes: Shapes, part: _Part, union: bool) -> Iterator[Result]:
    shape = part.shape
    severity = shapes.value(shape, SH + "severity") or NamedNode(SH + "Violation")
    messages = tuple(m for m in shapes.objects(shape, SH + "message") if isinstance(m, Literal))
    path_node = shapes.value(shape, SH + "path")
    is_property = path_node is not None
    try:
        if part.per_focus is not None:
            solutions = _per_focus(store, part, union)
        else:
            solutions = store.query(query_text(part), use_default_graph_as_union=union)
    except SyntaxError as exc:
        raise Unsupported(f"the query of {shape} ({part.component}) does not parse: {exc}") from None
    if part.constraint is None:
        for solution in solutions:  # distinct rows: one per result (a pair's partner makes rows distinct)
            value = solution[part.value[1:]] if part.value else None
            path = solution[part.path_var[1:]] if part.path_var else path_node
            shown = messages or _generic(part)
            yield Result(solution["this"], path, value, shape, part.component, severity.value, shown)  # type: ignore[arg-type,union-attr]
        return
    # a SPARQL constraint: one result per distinct row (pySHACL's dedup on this, path, value and the rest)
    seen = set()
    for bindings in solutions if part.per_focus is not None else _rows(solutions):
        key = tuple(sorted((k, str(v)) for k, v in bindings.items()))
        if key in seen:
            continue
        seen.add(key)
        this = bindings.get("this")
        value = bindings.get("value", None if is_property else this)
        path = bindings.get("path", path_node)
        texts = [
            Literal(_message(m.value, {"this": this, **bindings}))  # type: ignore[dict-item]
            for m in sorted(part.sparql_messages, key=lambda m: m.value)
            if m not in messages
        ]
        own = [
            Literal(_message(m.value, {"this": this, **bindings}))  # type: ignore[dict-item]
            for m in messages
        ]
        yield Result(
            this,  # type: ignore[arg-type]
            path,
            value,
            shape,
            part.component,
            severity.value,  # type: ignore[union-attr]
            tuple(texts + own),
            constraint=part.constraint,
        )


def _rows(solutions) -> Iterator[dict[str, Term]]:  # type: ignore[no-untyped-def]
    variables = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: solution[name] for name in variables if solution[name] is not None}


def _per_focus(store: Store, part: _Part, union: bool) -> list[dict[str, Term]]:
    """The rows of a SPARQL constraint whose $this is nested: the query once per focus node, $this
    replaced by the node (a blank node cannot be: Unsupported)."""
    found = []
    focus_query = f"SELECT ?this WHERE {{ {part.focus} }}"
    for row in store.query(focus_query, use_default_graph_as_union=union):
        this = row["this"]
        if isinstance(this, BlankNode):
            raise Unsupported("a blank focus node for a SPARQL constraint whose $this is nested")
        text = re.sub(r"\bbound\s*\(\s*\?this\s*\)", "(true)", part.per_focus or "", flags=re.I)
        text = re.sub(r"\?this\b", str(this).replace("\\", "\\\\"), text)
        for bindings in _rows(store.query(text, use_default_graph_as_union=union)):
            found.append({"this": this, **bindings})
    return found


def _generic(part: _Part) -> tuple[Literal, ...]:
    """A message for a shape that gives none (pySHACL writes its own; not compared: the suite's rules)."""
    name = part.component.removeprefix(SH).removesuffix("ConstraintComponent")
    return (Literal(f"Fails the {name} constraint of {part.shape}"),)


__all__ = ["Result", "Shapes", "Unsupported", "run", "translate"]
