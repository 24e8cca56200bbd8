"""Deletes finished notification deliveries and inbox messages older than N days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.notifications.services.retention import notifications_purge


class Command(BaseCommand):
    help = (
        "Delete sent or failed notification deliveries and inbox messages older than "
        "--older-than-days (at least 1); pending deliveries are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            deleted = notifications_purge(older_than_days=options["older_than_days"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"deleted {deleted['deliveries']} deliveries and {deleted['inbox']} inbox messages"
        )
