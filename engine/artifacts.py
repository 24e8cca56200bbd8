"""Artifacts: what a stage or a run has produced, and binding expected artifacts to them."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine import graph
from engine.expressions import ExpressionError
from engine.expressions.regexes import full_match
from engine.model import Execution, Stage

Artifact = dict[str, Any]
# Fields of `matchArtifact` that are compared; uuid, provenance and account never are.
MATCH_FIELDS = ("type", "name", "version", "location", "reference")


class ArtifactResolutionError(ValueError):
    """An expected artifact matched nothing and has no usable fallback."""


def artifact_matches(match: Mapping[str, Any], artifact: Mapping[str, Any]) -> bool:
    """Every non-empty field of `match` is a regex that must match the whole field of `artifact`.

    An invalid pattern is compared literally (Deck lets users type plain names).
    """
    for name in MATCH_FIELDS:
        pattern = match.get(name)
        if pattern is None or pattern == "":
            continue
        value = artifact.get(name)
        if value is None:
            return False
        try:
            if not full_match(str(pattern), str(value)):
                return False
        except ExpressionError:
            if str(pattern) != str(value):
                return False
    return True


def _artifact_list(value: Any) -> list[Artifact]:
    if not isinstance(value, list):
        return []
    return [dict(item) for item in value if isinstance(item, Mapping)]


def _unique(artifacts: Sequence[Artifact]) -> list[Artifact]:
    seen: list[Artifact] = []
    for artifact in artifacts:
        if artifact not in seen:
            seen.append(artifact)
    return seen


def visible_artifacts(stage: Stage) -> list[Artifact]:
    """What a stage can bind (Orca's `getAll("artifacts")`): its own, ancestors', the trigger's."""
    found = _artifact_list(stage.context.get("artifacts"))
    found += _artifact_list(stage.outputs.get("artifacts"))
    for ancestor in graph.ancestors(stage):
        found += _artifact_list(ancestor.outputs.get("artifacts"))
    found += _artifact_list(stage.execution.trigger.get("artifacts"))
    return _unique(found)


def execution_artifacts(
    execution: Execution, *, include: Callable[[Stage], bool] = lambda stage: True
) -> list[Artifact]:
    """Everything a run emitted, later stages first, then its trigger's artifacts."""
    try:
        order = graph.topological_order(graph.requisite_edges(_top_level(execution)))
    except ValueError:
        order = [stage.ref_id for stage in _top_level(execution)]
    emitted: list[Artifact] = []
    for ref in order:
        top = execution.stage_by_ref(ref)
        if top is None:
            continue
        for stage in (top, *graph.all_synthetic_stages(top)):
            if include(stage):
                emitted += _artifact_list(stage.outputs.get("artifacts"))
    emitted.reverse()
    return _unique(emitted + _artifact_list(execution.trigger.get("artifacts")))


def _top_level(execution: Execution) -> list[Stage]:
    return [stage for stage in execution.stages if stage.parent_stage_id is None]


def _describe(expected: Mapping[str, Any]) -> str:
    label = expected.get("displayName") or expected.get("id")
    if label:
        return str(label)
    return str(expected.get("matchArtifact") or {})


def _first_match(expected: Mapping[str, Any], candidates: Sequence[Artifact]) -> Artifact | None:
    match = expected.get("matchArtifact")
    if not isinstance(match, Mapping):
        return None
    for artifact in candidates:
        if artifact_matches(match, artifact):
            return artifact
    return None


def resolve_expected_artifacts(
    expected: Sequence[Mapping[str, Any]],
    candidates: Sequence[Artifact],
    *,
    prior: Sequence[Artifact] = (),
) -> tuple[list[Artifact], list[Artifact]]:
    """(expected artifacts with `boundArtifact` set, the bound artifacts without duplicates).

    For each: an existing `boundArtifact`, else the first matching candidate, else (with
    `usePriorArtifact`) a match in `prior`, else (with `useDefaultArtifact`) `defaultArtifact`.
    Raises ArtifactResolutionError naming the first one that stays unbound.
    """
    resolved: list[Artifact] = []
    bound_artifacts: list[Artifact] = []
    for each in expected:
        item: Artifact = copy.deepcopy(dict(each))
        bound = (
            item.get("boundArtifact") if isinstance(item.get("boundArtifact"), Mapping) else None
        )
        if bound is None:
            bound = _first_match(item, candidates)
        if bound is None and item.get("usePriorArtifact") is True:
            bound = _first_match(item, prior)
        default = item.get("defaultArtifact")
        if (
            bound is None
            and item.get("useDefaultArtifact") is True
            and isinstance(default, Mapping)
        ):
            bound = dict(default)
        if bound is None:
            raise ArtifactResolutionError(
                f"Unmatched expected artifact {_describe(item)} could not be resolved."
            )
        item["boundArtifact"] = copy.deepcopy(dict(bound))
        resolved.append(item)
        if item["boundArtifact"] not in bound_artifacts:
            bound_artifacts.append(item["boundArtifact"])
    return resolved, bound_artifacts


def expected_artifacts(context: Mapping[str, Any]) -> list[Artifact]:
    """`expectedArtifacts` of a stage context (and the older singular `expectedArtifact`)."""
    found = _artifact_list(context.get("expectedArtifacts"))
    single = context.get("expectedArtifact")
    if isinstance(single, Mapping):
        found.append(dict(single))
    return found


def bind_start_artifacts(
    *,
    config: Mapping[str, Any],
    trigger: Mapping[str, Any],
    received: Sequence[Artifact],
    prior: Callable[[], list[Artifact]],
) -> tuple[list[Artifact], list[Artifact]]:
    """(resolvedExpectedArtifacts, the run's artifacts: received plus bound) at a run's start.

    Orca's `ArtifactUtils.resolveArtifacts`: the pipeline's expected artifacts that the trigger
    names (`expectedArtifactIds`) or that can fall back (`useDefaultArtifact`,
    `usePriorArtifact`) are resolved, whatever started the run (a manual start binds the
    defaults too). Raises ArtifactResolutionError naming the first one left unbound, or the
    ids the trigger names but the pipeline does not declare; `prior` (the last run's
    artifacts) is only called when an expected artifact may fall back to it.
    """
    wanted = {str(each) for each in trigger.get("expectedArtifactIds") or []}
    declared = _artifact_list(config.get("expectedArtifacts"))
    missing = wanted - {str(each.get("id")) for each in declared}
    if missing:
        raise ArtifactResolutionError(
            f"The trigger expects artifact(s) {sorted(missing)} the pipeline does not declare."
        )
    expected = [
        each
        for each in declared
        if str(each.get("id")) in wanted
        or each.get("useDefaultArtifact") is True
        or each.get("usePriorArtifact") is True
    ]
    if not expected:
        return [], _unique(received)
    previous = prior() if any(each.get("usePriorArtifact") is True for each in expected) else []
    resolved, bound = resolve_expected_artifacts(expected, list(received), prior=previous)
    return resolved, _unique([*received, *bound])
