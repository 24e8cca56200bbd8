"""`manage.py pipeline_export --team T [--application A] [--out DIR]`: Spinnaker JSON out."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.pipelines.models import Pipeline
from apps.pipelines.selectors import pipeline_export
from apps.teams.models import Team


def file_name(name: str, taken: set[str], pipeline_id: str) -> str:
    """A safe file name for a pipeline name; the id is appended when two names collide."""
    safe = re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._") or "pipeline"
    candidate = f"{safe}.json"
    if candidate in taken:
        candidate = f"{safe}.{pipeline_id}.json"
    taken.add(candidate)
    return candidate


class Command(BaseCommand):
    help = (
        "Export the pipelines of a team (or one application) as Spinnaker JSON: to stdout as "
        "an array, or with --out one file per pipeline under DIR/<application>/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", required=True)
        parser.add_argument("--application")
        parser.add_argument("--out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        team = Team.objects.filter(slug=options["team"]).first()
        if team is None:
            raise CommandError(f"No team {options['team']!r}.")
        pipelines = Pipeline.objects.select_related("application__team").filter(
            application__team=team, deleted_at__isnull=True
        )
        if options["application"]:
            pipelines = pipelines.filter(application__name=options["application"])
        pipelines = pipelines.order_by("application__name", "index", "name")
        out: Path | None = options["out"]
        if out is None:
            documents = [pipeline_export(pipeline) for pipeline in pipelines]
            self.stdout.write(json.dumps(documents, indent=2, ensure_ascii=False))
            return
        taken: dict[str, set[str]] = {}
        count = 0
        for pipeline in pipelines:
            folder = out / pipeline.application.name
            folder.mkdir(parents=True, exist_ok=True)
            names = taken.setdefault(pipeline.application.name, set())
            target = folder / file_name(pipeline.name, names, str(pipeline.pk))
            target.write_text(
                json.dumps(pipeline_export(pipeline), indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
            count += 1
        self.stdout.write(f"exported {count} pipeline(s) to {out}")
