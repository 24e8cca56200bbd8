"""Binding a pipeline's expected artifacts at trigger time (Orca's resolveArtifacts).

The expected artifacts the trigger names (`expectedArtifactIds`), and those with a fallback
(`usePriorArtifact`, `useDefaultArtifact`), are resolved: against the event's artifacts, then
the last run of the pipeline, then the default. One that stays unbound means the pipeline does
not start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine.artifacts import ArtifactResolutionError, bind_start_artifacts

Artifact = dict[str, Any]

__all__ = ["ArtifactResolutionError", "bind_expected_artifacts"]


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
    return bind_start_artifacts(config=config, trigger=trigger, received=received, prior=prior)
