"""API token keys: generation and hashing (the key itself is shown once and never stored)."""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "cdp_"


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
