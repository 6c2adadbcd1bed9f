"""The digests of the caches' keys and of the files a cached result read.

blake2b from CPython's built-in `_blake2` module, which is what `hashlib.blake2b` is: importing
hashlib also loads OpenSSL (~2.5 ms), a twentieth of a `check` answered from the results cache.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b


def digest(*parts: str) -> str:
    """One hex digest of several strings, separated so that ("ab", "c") and ("a", "bc") differ."""
    h = blake2b(digest_size=32)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def file_digest(data: bytes) -> bytes:
    """What the results cache records of each file an analysis read."""
    return blake2b(data, digest_size=16).digest()


def hex_digest(data: bytes) -> str:
    return blake2b(data, digest_size=32).hexdigest()
