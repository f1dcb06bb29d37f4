"""The build wing (heavy, run once): read the sources, validate, reason, publish the dataset.

rdflib, pyshacl and the reasoners are imported here and only here. Nothing in this wing opens a network
connection (import-linter checks that it never imports `alaska_kg.httpio`).
"""
