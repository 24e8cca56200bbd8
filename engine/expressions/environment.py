"""What an expression can see: root variables, the execution, the current stage and a few ports."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

# (application, pipeline name) -> pipeline config id, or None when there is no such pipeline.
PipelineIdLookup = Callable[[str, str], "str | None"]
# url -> response body text. The platform's fetcher enforces the URL allow-list (SSRF).
UrlFetcher = Callable[[str], str]


def system_now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class ExpressionEnvironment:
    """Everything one evaluation may read. Plain data plus callables; nothing is mutated.

    `variables` is the SpEL root object: bare names like `trigger` or `parameters` and the
    current stage's context keys are looked up in it (see `stage_variables` for Orca's merge).
    `execution` is the execution in Spinnaker's JSON shape; its `stages` list backs `#stage`.
    """

    variables: Mapping[str, object] = field(default_factory=dict)
    execution: Mapping[str, object] | None = None
    stage: Mapping[str, object] | None = None
    now_ms: Callable[[], int] = system_now_ms
    current_user: str | None = None
    pipeline_id_lookup: PipelineIdLookup | None = None
    url_fetcher: UrlFetcher | None = None

    @classmethod
    def for_stage(
        cls,
        *,
        execution: Mapping[str, object],
        stage: Mapping[str, object],
        ancestor_outputs: Sequence[Mapping[str, object]] = (),
        now_ms: Callable[[], int] = system_now_ms,
        current_user: str | None = None,
        pipeline_id_lookup: PipelineIdLookup | None = None,
        url_fetcher: UrlFetcher | None = None,
    ) -> ExpressionEnvironment:
        """The environment Orca builds when a stage starts (`withMergedContext`)."""
        context = stage.get("context")
        return cls(
            variables=stage_variables(
                execution=execution,
                stage_context=context if isinstance(context, Mapping) else {},
                ancestor_outputs=ancestor_outputs,
            ),
            execution=execution,
            stage=stage,
            now_ms=now_ms,
            current_user=current_user,
            pipeline_id_lookup=pipeline_id_lookup,
            url_fetcher=url_fetcher,
        )

    @property
    def stages(self) -> list[Mapping[str, object]]:
        stages = self.execution.get("stages") if self.execution else None
        if not isinstance(stages, list | tuple):
            return []
        return [stage for stage in stages if isinstance(stage, Mapping)]

    @property
    def trigger(self) -> Mapping[str, object]:
        trigger = self.execution.get("trigger") if self.execution else None
        if isinstance(trigger, Mapping):
            return trigger
        from_variables = self.variables.get("trigger")
        return from_variables if isinstance(from_variables, Mapping) else {}


def stage_variables(
    *,
    execution: Mapping[str, object],
    stage_context: Mapping[str, object],
    ancestor_outputs: Sequence[Mapping[str, object]] = (),
) -> dict[str, object]:
    """Orca's root object for a stage: ancestors' outputs (closest first), overlaid by the stage's
    own context, plus `execution`, `trigger`, `parameters`, `scmInfo` and `templateVariables`."""
    variables: dict[str, object] = {}
    for outputs in ancestor_outputs:
        for key, value in outputs.items():
            variables.setdefault(key, value)
    variables.update(stage_context)
    trigger = execution.get("trigger")
    trigger = trigger if isinstance(trigger, Mapping) else {}
    variables["execution"] = execution
    variables["trigger"] = trigger
    parameters = trigger.get("parameters")
    if isinstance(parameters, Mapping) and parameters:
        variables["parameters"] = parameters
    elif "parameters" not in variables:
        variables["parameters"] = {}
    variables["scmInfo"] = _scm_info(variables.get("buildInfo"), trigger.get("buildInfo"))
    template_variables = execution.get("templateVariables")
    if isinstance(template_variables, Mapping) and template_variables:
        variables["templateVariables"] = template_variables
    return variables


def _scm_info(*build_infos: object) -> object:
    """The first SCM entry whose branch is not master/develop when there are several."""
    for build_info in build_infos:
        scm = build_info.get("scm") if isinstance(build_info, Mapping) else None
        if not isinstance(scm, list | tuple) or not scm:
            continue
        if len(scm) >= 2:
            for entry in scm:
                if isinstance(entry, Mapping) and entry.get("branch") not in ("master", "develop"):
                    return entry
        return scm[0]
    return None
