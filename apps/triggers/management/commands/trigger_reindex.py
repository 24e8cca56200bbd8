"""Rebuilds the trigger index from every stored pipeline (after an upgrade or a restore)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.triggers.services import trigger_index_rebuild


class Command(BaseCommand):
    help = "Re-index the triggers of every pipeline (webhook URLs and secrets are kept)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = trigger_index_rebuild()
        self.stdout.write(f"indexed the triggers of {count} pipeline(s)")
