"""The Celery app for scale-out mode: a message transport for the engine, not a scheduler."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdplatform.settings")

app = Celery("cdplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="cdplatform.health_check")
def health_check() -> str:
    """Answers "ok" so deployments and tests can prove a worker is consuming."""
    return "ok"
