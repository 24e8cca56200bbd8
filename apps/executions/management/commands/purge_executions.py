"""Deletes finished runs older than N days, keeping the newest M per pipeline."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.executions.services.retention import executions_purge


class Command(BaseCommand):
    help = "Delete finished executions older than --older-than-days, keeping --keep per pipeline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, required=True)
        parser.add_argument(
            "--keep",
            type=int,
            default=20,
            help="newest runs kept per pipeline whatever their age (default 20)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = executions_purge(
            older_than_days=options["older_than_days"], keep_per_pipeline=options["keep"]
        )
        self.stdout.write(f"deleted {deleted} execution(s)")
