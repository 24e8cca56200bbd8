"""Generates the Django secret key and the credential-encryption keys once, outside git."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def _read_or_create(path: Path, make: Callable[[], str]) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    try:
        # O_EXCL: two processes starting at once must agree on one key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def load_or_create_secret_key(path: Path) -> str:
    return _read_or_create(path, lambda: secrets.token_urlsafe(64))


def load_or_create_encryption_keys(path: Path) -> list[str]:
    """One Fernet key per line; the first encrypts, every line decrypts (key rotation)."""
    text = _read_or_create(path, lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return [line.strip() for line in text.splitlines() if line.strip()]
