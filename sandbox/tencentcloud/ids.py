"""Resource ids in the cloud's own shape: a type prefix and eight lower-case alphanumerics."""

from __future__ import annotations

import random
import string

_ALPHABET = string.ascii_lowercase + string.digits


class IdFactory:
    """Hands out unique ids; seeded, so a test that passes a seed sees the same ids every run."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self, prefix: str) -> str:
        while True:
            candidate = f"{prefix}-{''.join(self._rng.choice(_ALPHABET) for _ in range(8))}"
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate

    def reserve(self, ident: str) -> None:
        self._used.add(ident)
