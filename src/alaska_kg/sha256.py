"""SHA-256 (FIPS 180-4) as hashlib's `sha256`, without the start-up of hashlib itself, loaded when first used.

`import hashlib` loads OpenSSL's `_hashlib` and then builds a constructor for every algorithm it knows
(and loads `_blake2`): ~0.4 ms more on the path of every query, which needs SHA-256 only. OpenSSL's
SHA-256 is taken here directly; where that module is missing (a Python built without OpenSSL), hashlib's
(then the built-in implementation). Python's own `_sha256` would load faster but hashes ~7x slower: 4.8 ms
against 0.7 ms for the 1.3 MB of N-Quads checked when they are not known to be (alaska_kg.cache). Loading
`_hashlib` (OpenSSL's library) costs ~1-2 ms itself, and a cold query that finds every check remembered
hashes nothing: it is loaded on the first call. tests/test_cold_path.py checks that it agrees with hashlib.
"""

from __future__ import annotations

_constructor: list[object] = []  # OpenSSL's (or hashlib's) sha256, once loaded


def sha256(data: bytes = b"", /) -> object:
    """A new SHA-256 hash object (hashlib's interface: `update`, `digest`, `hexdigest`), fed `data`."""
    if not _constructor:
        try:
            from _hashlib import openssl_sha256 as constructor
        except ImportError:  # no OpenSSL: hashlib has a built-in SHA-256
            from hashlib import sha256 as constructor
        _constructor.append(constructor)
    return _constructor[0](data)  # type: ignore[operator]


__all__ = ["sha256"]
