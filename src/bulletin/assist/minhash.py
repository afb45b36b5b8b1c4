"""MinHash signatures cut into LSH bands: which published entries might say what a draft says.

Two term sets with Jaccard similarity J share one band of ``ROWS`` hashes with probability
J**ROWS; with ``BANDS`` bands at least one matches with probability 1 - (1 - J**ROWS)**BANDS
(J = 0.3: 0.97, J = 0.1: 0.28). A shared band only makes an entry a candidate: every candidate
is then scored on its sentences (bulletin.assist.repeats), so a stray match costs a little time
and never a false warning. Hashes are blake2b, so a band key is the same in every process.
"""

from __future__ import annotations

import hashlib
import random
import struct
from collections.abc import Iterable

BANDS = 24
ROWS = 2
_PRIME = (1 << 61) - 1
_MAX = (1 << 61) - 1
# Fixed seeds: signatures stored by one release must still match those of the next.
_random = random.Random(20261203)  # noqa: S311  (fixed hash seeds, not a secret)
_PERMUTATIONS = [
    (_random.randrange(1, _PRIME), _random.randrange(0, _PRIME)) for _ in range(BANDS * ROWS)
]


def _hash(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "big")


def signature(terms: Iterable[str]) -> list[int]:
    """The minimum of each permutation over the terms' hashes (empty set: no signature)."""
    hashes = [_hash(term) for term in set(terms)]
    if not hashes:
        return []
    return [min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMUTATIONS]


def band_keys(terms: Iterable[str]) -> list[int]:
    """One signed 64-bit key per band (a database BigIntegerField holds it)."""
    values = signature(terms)
    if not values:
        return []
    keys = []
    for band in range(BANDS):
        rows = values[band * ROWS : (band + 1) * ROWS]
        packed = struct.pack(f">B{ROWS}Q", band, *rows)
        digest = hashlib.blake2b(packed, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys
