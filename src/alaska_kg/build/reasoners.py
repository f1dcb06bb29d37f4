"""The reasoners the build offers, by name, without importing any of them (build.reason imports rdflib)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported by the build (issue 12): Literal for the type checker only
if TYPE_CHECKING:
    from typing import Literal

    Reasoner = Literal["owlrl", "reasonable", "rules"]
else:
    Reasoner = str
REASONERS: tuple[Reasoner, ...] = ("owlrl", "reasonable", "rules")
# owlrl is the reference implementation. "rules" (build/reason_rules.py: the OWL 2 RL rules compiled from the
# ontology into SPARQL UPDATE, run to a fixpoint in Oxigraph) is the default: tests/test_reasoning.py shows it
# yields exactly owlrl's entailments on this ontology and data and on a synthetic corpus,
# tests/test_reasoning_rules.py on one fixture per OWL 2 RL rule, tests/test_reasoning_store.py on random
# ontologies; benchmarks/reasoning.py measures it faster and lighter than `reasonable` from 10^4 to 10^6
# triples (docs/performance.md). `reasonable` stays selectable: with the schema rules it lacks added
# (`_schema_closure`) it also matches owlrl here, but it ignores owl:propertyChainAxiom and reports no
# inconsistency (cax-dw, checked here for it and owlrl instead).
DEFAULT_REASONER: Reasoner = "rules"

__all__ = ["DEFAULT_REASONER", "REASONERS", "Reasoner"]
