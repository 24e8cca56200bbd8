"""Seeds the demo team (idempotent) and prints how to log in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.demo.seed import issue_demo_token, seed_demo


class Command(BaseCommand):
    help = "Create or update the demo team, users, project, applications and sandbox accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="where this server will listen (the demo's webhook stage calls it)",
        )
        parser.add_argument(
            "--token",
            action="store_true",
            help="also issue a fresh API token for the demo user and print it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        credentials = seed_demo(base_url=options["base_url"])
        self.stdout.write(self.style.SUCCESS("Demo team 'demo' is ready."))
        self.stdout.write(f"  login (team owner):  {credentials.username} / {credentials.password}")
        self.stdout.write(
            f"  login (developer):   {credentials.developer} / {credentials.developer_password}"
        )
        if options["token"]:
            self.stdout.write(f"  API token (demo):    {issue_demo_token().key}")
