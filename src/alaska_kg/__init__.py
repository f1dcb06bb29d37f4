"""alaska-kg: a knowledge graph of the Wikipedia article "United States–China talks in Alaska"."""

__version__ = "0.1.0"

__all__ = ["__version__"]
