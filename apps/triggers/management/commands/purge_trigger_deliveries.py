"""Deletes trigger deliveries (the delivery log) older than N days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.triggers.services.retention import trigger_deliveries_purge


class Command(BaseCommand):
    help = "Delete trigger deliveries received more than --older-than-days ago (at least 1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            deleted = trigger_deliveries_purge(older_than_days=options["older_than_days"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"deleted {deleted} trigger deliveries")
