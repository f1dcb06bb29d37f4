"""SHA-256 (FIPS 180-4) as hashlib's `sha256`, without the start-up of hashlib itself.

`import hashlib` loads OpenSSL's `_hashlib` and then builds a constructor for every algorithm it knows
(and loads `_blake2`): ~0.4 ms more on the path of every query, which needs SHA-256 only. OpenSSL's
SHA-256 is taken here directly; where that module is missing (a Python built without OpenSSL), hashlib's
(then the built-in implementation). Python's own `_sha256` would load faster but hashes ~7x slower: 4.8 ms
against 0.7 ms for the 1.3 MB of N-Quads checked on every query (measured in docs/performance.md).
tests/test_cold_path.py checks that it agrees with hashlib.
"""

from __future__ import annotations

try:
    from _hashlib import openssl_sha256 as sha256
except ImportError:  # no OpenSSL: hashlib has a built-in SHA-256
    from hashlib import sha256

__all__ = ["sha256"]
