"""The Wikidata wing: the API client, and our links to Wikidata items (read/write, check, suggest)."""
