"""`manage.py pipeline_purge_deleted [--days N]`: remove pipelines deleted more than N days ago."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from apps.core.conf import platform_settings
from apps.pipelines.models import Pipeline
from apps.pipelines.services import pipeline_purge_deleted


class Command(BaseCommand):
    help = "Purge pipelines (and their revisions) deleted more than --days days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="retention in days (default: CDPLATFORM['PIPELINE_DELETED_RETENTION_DAYS'])",
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = platform_settings.PIPELINE_DELETED_RETENTION_DAYS
        cutoff = timezone.now() - timedelta(days=max(0, days))
        if options["dry_run"]:
            doomed = Pipeline.objects.filter(deleted_at__lt=cutoff).values_list("pk", "name")
            for pk, name in doomed:
                self.stdout.write(f"would purge {name} ({pk})")
            return
        purged = pipeline_purge_deleted(deleted_before=cutoff)
        for purged_id in purged:
            self.stdout.write(f"purged {purged_id}")
        self.stdout.write(f"purged {len(purged)} pipeline(s) deleted before {cutoff.isoformat()}")
