"""`manage.py pipeline_import --team T --application A FILE...`: create or update pipelines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.applications.models import Application
from apps.core.conf import platform_settings
from apps.core.errors import PlatformError
from apps.core.parsers import json_depth
from apps.pipelines.services import pipeline_import
from apps.users.models import User


class Command(BaseCommand):
    help = (
        "Import Spinnaker pipeline JSON (one object or an array per file) into an application. "
        "A pipeline with the same id or name is updated; others are created."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--team", required=True)
        parser.add_argument("--application", required=True)
        parser.add_argument("--user", help="Username recorded on the revisions.")
        parser.add_argument("--note", default="", help="Change note for the revisions.")

    def handle(self, *args: Any, **options: Any) -> None:
        application = (
            Application.objects.select_related("team")
            .filter(team__slug=options["team"], name=options["application"])
            .first()
        )
        if application is None:
            raise CommandError(
                f"No application {options['application']!r} in team {options['team']!r}."
            )
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}.")
        failed = 0
        for path in options["files"]:
            for label, document in self._documents(path):
                failed += not self._import(application, label, document, actor, options["note"])
        if failed:
            raise CommandError(f"{failed} pipeline(s) failed to import.")

    def _documents(self, path: Path) -> list[tuple[str, Any]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
            raise CommandError(f"{path}: cannot read JSON: {error}") from error
        if json_depth(data) > platform_settings.MAX_JSON_DEPTH:
            raise CommandError(
                f"{path}: JSON nested deeper than {platform_settings.MAX_JSON_DEPTH}."
            )
        if isinstance(data, list):
            return [(f"{path}[{index}]", item) for index, item in enumerate(data)]
        return [(str(path), data)]

    def _import(
        self, application: Application, label: str, document: Any, actor: Any, note: str
    ) -> bool:
        name = document.get("name") if isinstance(document, dict) else None
        try:
            outcome = pipeline_import(
                application=application, document=document, actor=actor, note=note
            )
        except PlatformError as error:
            self.stdout.write(f"failed    {name!s} ({label}): {error.message}")
            details = error.details if isinstance(error.details, dict) else {}
            for problem in details.get("errors", []):
                self.stdout.write(f"  error   {problem['pointer']}: {problem['message']}")
            return False
        pipeline = outcome.pipeline
        self.stdout.write(f"{outcome.action:<9} {pipeline.name} ({pipeline.pk}) from {label}")
        for warning in pipeline.warnings or []:
            self.stdout.write(f"  warning {warning['pointer']}: {warning['message']}")
        return True
