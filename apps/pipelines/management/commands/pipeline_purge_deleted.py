"""`manage.py pipeline_purge_deleted [--days N]`: remove pipelines deleted more than N days ago."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from apps.pipelines.models import Pipeline
from apps.pipelines.services import pipeline_purge_deleted

# How long a deleted pipeline can be restored before this command may remove it.
DEFAULT_RETENTION_DAYS = 30


class Command(BaseCommand):
    help = "Purge pipelines (and their revisions) deleted more than --days days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=DEFAULT_RETENTION_DAYS)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(days=max(0, options["days"]))
        if options["dry_run"]:
            doomed = Pipeline.objects.filter(deleted_at__lt=cutoff).values_list("pk", "name")
            for pk, name in doomed:
                self.stdout.write(f"would purge {name} ({pk})")
            return
        purged = pipeline_purge_deleted(deleted_before=cutoff)
        for purged_id in purged:
            self.stdout.write(f"purged {purged_id}")
        self.stdout.write(f"purged {len(purged)} pipeline(s) deleted before {cutoff.isoformat()}")
