"""Issues an API token for a user and prints only the key (for scripts)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.errors import PlatformError
from apps.users.models import User
from apps.users.services import ALL_SCOPES, token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME named NAME and print the key on stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name")
        parser.add_argument(
            "--scopes", nargs="+", choices=ALL_SCOPES, default=None, help="default: all scopes"
        )
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        try:
            issued = token_create(
                user=user,
                name=options["name"],
                scopes=options["scopes"],
                expires_days=options["expires_days"],
            )
        except PlatformError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(issued.key)
