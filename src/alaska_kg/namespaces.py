"""The IRIs of the project: namespaces, named graphs and the curated prefix map (no rdflib: both paths)."""

from __future__ import annotations

AK = "https://w3id.org/alaska-kg/ontology#"
AKR = "https://w3id.org/alaska-kg/resource/"
AKS = "https://w3id.org/alaska-kg/shapes#"
CAMEO = "https://w3id.org/alaska-kg/cameo/"
GRAPH_BASE = "https://w3id.org/alaska-kg/graph/"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

# The named graphs of the built dataset, in the order they are reported.
GRAPH_NAMES: tuple[str, ...] = ("ontology", "asserted", "inferred", "links")


def graph_iri(name: str) -> str:
    """The IRI of one named graph of the dataset, e.g. https://w3id.org/alaska-kg/graph/inferred."""
    return GRAPH_BASE + name


# The prefixes written into exports and used to shorten IRIs in output, and no others (rdflib would
# otherwise add its own ~24). schema: is http://schema.org/, as in the ontology; rdflib's SDO is https://.
PREFIXES: dict[str, str] = {
    "ak": AK,
    "akr": AKR,
    "akg": GRAPH_BASE,
    "cameo": CAMEO,
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "wd": WIKIDATA_ENTITY,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def shorten(iri: str) -> str:
    """`prefix:local` for an IRI under one of PREFIXES (longest namespace wins), else `<iri>`."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def expand(name: str) -> str | None:
    """The IRI of `prefix:local` (or `<iri>`) if the prefix is known, else None."""
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


__all__ = [
    "AK",
    "AKR",
    "AKS",
    "CAMEO",
    "GRAPH_BASE",
    "GRAPH_NAMES",
    "PREFIXES",
    "WIKIDATA_ENTITY",
    "expand",
    "graph_iri",
    "shorten",
]
