"""The store wing: a remote triple store seen through the SPARQL 1.1 Protocol (remote queries, with
VALUES binding) and the Graph Store Protocol (push), over `alaska_kg.httpio`.
"""
