"""Binding a pipeline's expected artifacts at trigger time (Orca's resolveArtifacts).

Only the expected artifacts the trigger names (`expectedArtifactIds`) are resolved: against
the event's artifacts, then the last run of the pipeline (`usePriorArtifact`), then the
default (`useDefaultArtifact`). One that stays unbound means the pipeline does not start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine.artifacts import (
    ArtifactResolutionError,
    execution_artifacts,
    resolve_expected_artifacts,
)

Artifact = dict[str, Any]

__all__ = ["ArtifactResolutionError", "bind_expected_artifacts", "prior_artifacts"]


def _unique(artifacts: Sequence[Artifact]) -> list[Artifact]:
    found: list[Artifact] = []
    for artifact in artifacts:
        if artifact not in found:
            found.append(artifact)
    return found


def bind_expected_artifacts(
    *,
    config: Mapping[str, Any],
    trigger: Mapping[str, Any],
    received: Sequence[Artifact],
    prior: Callable[[], list[Artifact]],
) -> tuple[list[Artifact], list[Artifact]]:
    """(resolvedExpectedArtifacts, the run's artifacts: received plus bound).

    Raises ArtifactResolutionError naming the first expected artifact left unbound;
    `prior` is only called when an expected artifact may fall back to the last run.
    """
    wanted = {str(each) for each in trigger.get("expectedArtifactIds") or []}
    if not wanted:
        return [], _unique(received)
    expected = [
        dict(each)
        for each in config.get("expectedArtifacts") or []
        if isinstance(each, Mapping) and str(each.get("id")) in wanted
    ]
    missing = wanted - {str(each.get("id")) for each in expected}
    if missing:
        raise ArtifactResolutionError(
            f"The trigger expects artifact(s) {sorted(missing)} the pipeline does not declare."
        )
    previous = prior() if any(each.get("usePriorArtifact") is True for each in expected) else []
    resolved, bound = resolve_expected_artifacts(expected, list(received), prior=previous)
    return resolved, _unique([*received, *bound])


def prior_artifacts(pipeline_id: str) -> list[Artifact]:
    """Artifacts of the pipeline's last run: what it bound at start, then all it emitted."""
    from apps.executions.adapters.repository import DjangoExecutionRepository

    execution = DjangoExecutionRepository().retrieve_latest_for_pipeline(pipeline_id)
    if execution is None:
        return []
    bound = [
        dict(each["boundArtifact"])
        for each in execution.trigger.get("resolvedExpectedArtifacts") or []
        if isinstance(each, Mapping) and isinstance(each.get("boundArtifact"), Mapping)
    ]
    return _unique([*bound, *execution_artifacts(execution)])
