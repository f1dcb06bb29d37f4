"""The serve wing: a read-only SPARQL endpoint (SPARQL 1.1 Protocol) and linked-data pages over the built
dataset, on the query wing's guard, deadlines and verified cache.

Nothing here imports rdflib, pyshacl, owlrl or the build wing (import-linter checks it); when the cache
holds no dataset, the command layer builds it before serving.
"""
