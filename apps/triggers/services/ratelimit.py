"""Deliveries per receiving URL and minute, counted in the database (all processes share it)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from apps.core.conf import platform_settings
from apps.triggers.models import RateWindow

WINDOW_SECONDS = 60


def _key(url: str) -> str:
    return url if len(url) <= 200 else "sha256:" + hashlib.sha256(url.encode()).hexdigest()


def rate_limit_hit(*, url: str, now: datetime) -> int | None:
    """None when the delivery may proceed; else the seconds until the next window opens."""
    limit = int(platform_settings.WEBHOOK_RATE_LIMIT_PER_MINUTE or 0)
    if limit <= 0:
        return None
    key, window = _key(url), int(now.timestamp()) // WINDOW_SECONDS
    rows = RateWindow.objects.filter(key=key, window=window)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateWindow.objects.create(key=key, window=window, count=1)
            except IntegrityError:
                rows.update(count=F("count") + 1)
        count = rows.values_list("count", flat=True).first() or 0
    if count > limit:
        return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS
    return None


def rate_windows_prune(*, now: datetime) -> int:
    """Forgets finished windows; returns how many rows went."""
    current = int(now.timestamp()) // WINDOW_SECONDS
    deleted, _ = RateWindow.objects.filter(window__lt=current - 1).delete()
    return deleted
