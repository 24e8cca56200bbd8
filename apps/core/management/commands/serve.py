"""Serves the console, API and WebSockets with daphne, plus the embedded services."""

from __future__ import annotations

from typing import Any

from daphne.server import Server
from django.core.management.base import BaseCommand, CommandParser

from apps.core.runtime import start_embedded_services


class Command(BaseCommand):
    help = "Serve cdplatform (daphne) with the embedded engine worker and, with --demo, sandboxes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--demo",
            action="store_true",
            help="start the sandboxes and print the demo login and a fresh token",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from cdplatform.asgi import application

        services = start_embedded_services(sandboxes=options["demo"])
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"cdplatform is serving at {url}"))
        for line in services.lines:
            self.stdout.write(f"  {line}")
        if options["demo"]:
            from apps.demo.seed import issue_demo_token

            key = issue_demo_token().key
            self.stdout.write(f"  API token (user demo): {key}")
            self.stdout.write(f"  try: curl -H 'Authorization: Token {key}' {url}api/v1/teams/")
        self.stdout.flush()
        try:
            Server(
                application=application,
                endpoints=[f"tcp:port={options['port']}:interface={options['host']}"],
                signal_handlers=True,
            ).run()
        finally:
            services.stop()
