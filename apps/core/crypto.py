"""Credential encryption at rest (Fernet, key rotation) and a model field that uses it."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = settings.CDP_ENCRYPTION_KEYS
    if not keys:
        raise RuntimeError("CDP_ENCRYPTION_KEYS is empty; credentials cannot be encrypted")
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "CDP_ENCRYPTION_KEYS":
        _fernet.cache_clear()


setting_changed.connect(_reset)


def encrypt_text(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise RuntimeError(
            "Stored credentials cannot be decrypted with the configured keys "
            "(CDP_ENCRYPTION_KEYS changed?)"
        ) from exc


class EncryptedJSONField(models.TextField):
    """A JSON object stored as one Fernet token; plaintext never reaches the database."""

    description = "JSON encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return {}
        return json.loads(decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        if value in (None, ""):
            return {}
        return json.loads(decrypt_text(value))

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt_text(json.dumps(value, sort_keys=True))
