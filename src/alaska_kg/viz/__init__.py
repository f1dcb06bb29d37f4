"""The pictures wing: SVG drawings (the timeline of the events, the network of accusations) made from the
built dataset by canned queries, never from hand-written data.

Stands on the query wing only: no rdflib, no build (import-linter checks it).
"""
