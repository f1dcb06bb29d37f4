"""The query wing (light, every call): open the built dataset in Oxigraph, run canned or user queries,
describe, stats, convert.

Nothing here imports rdflib, pyshacl, owlrl or the build wing (import-linter checks it): a query command
starts in tens of milliseconds. When the cache holds no dataset, the command layer decides to build.
"""
