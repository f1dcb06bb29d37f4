"""README.md tells the truth: its quick start and its table of counts match the project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Namespace, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
AK = Namespace("https://w3id.org/alaska-kg/ontology#")


@pytest.fixture(scope="module")
def graphs() -> tuple[rdflib.Graph, rdflib.Graph]:
    data = rdflib.Graph(bind_namespaces="core")
    for path in sorted((ROOT / "data").glob("*.ttl")):
        data.parse(path)
    ontology = rdflib.Graph(bind_namespaces="core").parse(ROOT / "ontology/alaska.ttl")
    return data, ontology


def _instances(data: rdflib.Graph, ontology: rdflib.Graph, cls: URIRef) -> int:
    classes = set((data + ontology).transitive_subjects(RDFS.subClassOf, cls))
    return len({s for c in classes for s in data.subjects(RDF.type, c)})


def test_quick_start_is_exactly_two_commands_install_build_and_test():
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", README, re.S)
    assert block, "README.md has no Quick start code block"
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert "pip install ." in commands[0] and commands[0].endswith("alaska-kg build")
    assert "'.[test]'" in commands[1] and "pytest" in commands[1]


def test_the_test_command_and_ci_install_the_system_packages_first():
    """The second Quick start command "installs everything the tests need": the system packages too
    (Java and the OWL API for tests/test_owl_profile.py), before pytest; .ci/run does the same."""
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", README, re.S)
    assert block
    test_command = [line for line in block.group(1).splitlines() if line.strip()][1]
    assert test_command.startswith("scripts/install-test-deps && ")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = ci.index('"$repo/scripts/install-test-deps"\n')
    assert install < ci.index("-m pytest")
    assert (ROOT / "scripts" / "install-test-deps").stat().st_mode & 0o111, "install-test-deps not executable"


def test_readme_counts_match_the_data(graphs):
    data, ontology = graphs
    table = dict(re.findall(r"^\| .*?\(`([a-z]+:[A-Za-z]+)`\).*? \| (\d+) \|$", README, re.M))
    assert len(table) == 20, f"README count table not found or changed shape: {table}"
    for term, shown in table.items():
        prefix, name = term.split(":")
        if term == "ak:quote":
            actual = len(set(data.objects(None, AK.quote)))
        elif prefix == "skos":  # links to Wikidata by one SKOS mapping relation
            actual = sum(
                1 for o in data.objects(None, SKOS[name]) if str(o).startswith("http://www.wikidata.org/")
            )
        else:
            assert prefix == "ak", term
            actual = _instances(data, ontology, AK[name])
        assert actual == int(shown), f"README says {shown} for {term}, the data has {actual}"
