"""Validation of pipeline JSON: legacy normalisation, then structural and semantic checks.

Every finding has a JSON pointer. Errors refuse the save; warnings (unknown types, kept
Spinnaker features, normalisation notes) are returned and stored with the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apps.pipelines.validation.expressions import check_expressions
from apps.pipelines.validation.normalization import normalize
from apps.pipelines.validation.pipeline import check_lists, check_settings
from apps.pipelines.validation.stages import check_stages
from engine.catalog import CATALOG, Catalog, Problem, Severity

MAX_REPORTED = 200


@dataclass
class Report:
    config: Any
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_list(self) -> list[dict[str, str]]:
        return [problem.to_json() for problem in self.errors]

    def warning_list(self) -> list[dict[str, str]]:
        return [problem.to_json() for problem in self.warnings]


def check_config(config: Any, *, catalog: Catalog = CATALOG) -> Report:
    """Normalises a copy of `config` and checks it; `Report.config` is what would be stored."""
    if not isinstance(config, dict):
        return Report(config, [Problem("/", "A pipeline must be a JSON object.", code="type")])
    normalized, notes = normalize(config)
    problems = [
        *check_settings(normalized, catalog),
        *check_stages(normalized.get("stages"), catalog),
        *check_lists(normalized, catalog),
        *check_expressions(normalized, catalog),
    ]
    unique = list(dict.fromkeys(problems))
    errors = [problem for problem in unique if problem.severity is Severity.ERROR]
    warnings = notes + [problem for problem in unique if problem.severity is Severity.WARNING]
    return Report(normalized, errors[:MAX_REPORTED], warnings[:MAX_REPORTED])


__all__ = ["Report", "check_config", "normalize"]
