"""The catalogue: lookups by type (aliases included) and per-item checks with JSON pointers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engine.catalog.checking import check_object, child_pointer, expression_policy
from engine.catalog.common import (
    COMMON_STAGE_FIELDS,
    COMMON_TRIGGER_FIELDS,
    EVENTS,
    EXPECTED_ARTIFACT_FIELDS,
    NOTIFICATION_FIELDS,
    PARAMETER_FIELDS,
    PIPELINE_FIELDS,
)
from engine.catalog.general import GENERAL_STAGES
from engine.catalog.kubernetes import KUBERNETES_STAGES
from engine.catalog.model import (
    GROUP_LABELS,
    ExpressionPolicy,
    Field,
    NotificationType,
    Problem,
    Severity,
    StageType,
    TriggerType,
)
from engine.catalog.notifications import ALL_NOTIFICATIONS
from engine.catalog.tencentcloud import TENCENTCLOUD_STAGES
from engine.catalog.triggers import ALL_TRIGGERS

# A trigger missing what it needs is kept (Front50 stores it; the pipeline still runs by hand)
# but never fires until it is completed.
INCOMPLETE_TRIGGER = "incomplete_trigger"


def _incomplete(problem: Problem) -> Problem:
    return Problem(
        problem.pointer,
        f"{problem.message} The trigger is kept but never fires until it is set.",
        Severity.WARNING,
        INCOMPLETE_TRIGGER,
    )


class Catalog:
    """Every stage, trigger and notification type the platform knows (runnable or not)."""

    def __init__(
        self,
        stages: Iterable[StageType],
        triggers: Iterable[TriggerType],
        notifications: Iterable[NotificationType],
    ) -> None:
        self._stages = {stage.type: stage for stage in stages}
        self._aliases = {
            alias: stage.type for stage in self._stages.values() for alias in stage.aliases
        }
        self._triggers = {trigger.type: trigger for trigger in triggers}
        self._notifications = {each.type: each for each in notifications}
        self._stage_fields = {
            stage.type: _merged(COMMON_STAGE_FIELDS, stage.fields)
            for stage in self._stages.values()
        }

    # ------------------------------------------------------------ lookups

    def stage_types(self) -> list[StageType]:
        return list(self._stages.values())

    def trigger_types(self) -> list[TriggerType]:
        return list(self._triggers.values())

    def notification_types(self) -> list[NotificationType]:
        return list(self._notifications.values())

    def stage_type(self, name: str) -> StageType | None:
        """The stage type for a `type` value, resolving aliases (`runJob` -> `runJobManifest`)."""
        found = self._stages.get(name)
        if found is None and name in self._aliases:
            found = self._stages[self._aliases[name]]
        return found

    def trigger_type(self, name: str) -> TriggerType | None:
        return self._triggers.get(name)

    def notification_type(self, name: str) -> NotificationType | None:
        return self._notifications.get(name)

    def stage_fields(self, name: str | None) -> Sequence[Field]:
        """Common fields plus the type's own (the type's win on a shared name)."""
        stage_type = self.stage_type(name) if name else None
        if stage_type is None:
            return COMMON_STAGE_FIELDS
        return self._stage_fields[stage_type.type]

    # ------------------------------------------------------------ checks

    def check_stage(self, stage: Mapping[str, Any], pointer: str) -> list[Problem]:
        name = stage.get("type")
        stage_type = self.stage_type(name) if isinstance(name, str) else None
        fields = self.stage_fields(stage_type.type if stage_type else None)
        view = stage
        if stage_type is not None and stage_type.implied is not None:
            view = {**stage, **stage_type.implied(stage)}
        problems = check_object(
            fields, view, pointer, stage_type.requirements if stage_type else ()
        )
        if isinstance(name, str) and name and stage_type is None:
            problems.append(
                Problem(
                    child_pointer(pointer, "type"),
                    f"Unknown stage type {name!r}: kept as it is, but the pipeline cannot run "
                    "while it has this stage.",
                    Severity.WARNING,
                    "unknown_stage_type",
                )
            )
        if stage_type is not None:
            problems.extend(_provider_problems(stage_type, stage, pointer))
        return problems

    def check_trigger(self, trigger: Mapping[str, Any], pointer: str) -> list[Problem]:
        problems = check_object(COMMON_TRIGGER_FIELDS, trigger, pointer)
        name = trigger.get("type")
        if not isinstance(name, str) or not name.strip():
            return problems
        trigger_type = self._triggers.get(name)
        where = child_pointer(pointer, "type")
        if trigger_type is None:
            problems.append(
                Problem(
                    where,
                    f"Unknown trigger type {name!r}: kept as it is, but it never fires here.",
                    Severity.WARNING,
                    "unknown_trigger_type",
                )
            )
        elif not trigger_type.supported:
            problems.append(
                Problem(
                    where,
                    f"Spinnaker trigger type {name!r} is kept but never fires on this platform.",
                    Severity.WARNING,
                    "unsupported_trigger_type",
                )
            )
        else:
            for problem in check_object(
                trigger_type.fields, trigger, pointer, trigger_type.requirements
            ):
                problems.append(_incomplete(problem) if problem.code == "required" else problem)
        return problems

    def trigger_is_complete(self, trigger: Mapping[str, Any]) -> bool:
        """Whether a trigger of a type we fire has everything it needs to fire."""
        return not any(p.code == INCOMPLETE_TRIGGER for p in self.check_trigger(trigger, ""))

    def check_notification(self, notification: Mapping[str, Any], pointer: str) -> list[Problem]:
        problems = check_object(NOTIFICATION_FIELDS, notification, pointer)
        name = notification.get("type")
        if not isinstance(name, str) or not name.strip():
            return problems
        channel = self._notifications.get(name)
        where = child_pointer(pointer, "type")
        if channel is None:
            problems.append(
                Problem(
                    where,
                    f"Unknown notification type {name!r}: kept as it is, but nothing is sent.",
                    Severity.WARNING,
                    "unknown_notification_type",
                )
            )
        elif not channel.supported:
            problems.append(
                Problem(
                    where,
                    f"Spinnaker notification type {name!r} is kept but not sent on this platform.",
                    Severity.WARNING,
                    "unsupported_notification_type",
                )
            )
        else:
            problems.extend(check_object(channel.fields, notification, pointer))
        return problems

    def check_parameter(self, parameter: Mapping[str, Any], pointer: str) -> list[Problem]:
        return check_object(PARAMETER_FIELDS, parameter, pointer)

    def check_expected_artifact(self, artifact: Mapping[str, Any], pointer: str) -> list[Problem]:
        return check_object(EXPECTED_ARTIFACT_FIELDS, artifact, pointer)

    def check_pipeline_settings(
        self, config: Mapping[str, Any], pointer: str = ""
    ) -> list[Problem]:
        return check_object(PIPELINE_FIELDS, config, pointer)

    def stage_expression_policy(
        self, stage_type: str | None, tokens: Sequence[str]
    ) -> ExpressionPolicy:
        return expression_policy(self.stage_fields(stage_type), tokens)

    # ------------------------------------------------------------ serialisation

    def to_json(self) -> dict[str, Any]:
        return {
            "stageGroups": [
                {"key": str(group), "label": label.to_json()}
                for group, label in GROUP_LABELS.items()
            ],
            "commonStageFields": [each.to_json() for each in COMMON_STAGE_FIELDS],
            "stageTypes": [each.to_json() for each in self._stages.values()],
            "commonTriggerFields": [each.to_json() for each in COMMON_TRIGGER_FIELDS],
            "triggerTypes": [each.to_json() for each in self._triggers.values()],
            "notificationFields": [each.to_json() for each in NOTIFICATION_FIELDS],
            "notificationTypes": [each.to_json() for each in self._notifications.values()],
            "events": [event.to_json() for event in EVENTS],
            "pipelineFields": [each.to_json() for each in PIPELINE_FIELDS],
            "parameterFields": [each.to_json() for each in PARAMETER_FIELDS],
            "expectedArtifactFields": [each.to_json() for each in EXPECTED_ARTIFACT_FIELDS],
        }


def _merged(common: Sequence[Field], own: Sequence[Field]) -> tuple[Field, ...]:
    names = {each.name for each in own}
    return (*(each for each in common if each.name not in names), *own)


def stage_providers(stage: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Cloud providers a stage names, with where: its own `cloudProvider` or its clusters'."""
    found: list[tuple[str, str]] = []
    for key in ("cloudProvider", "provider"):
        value = stage.get(key)
        if isinstance(value, str) and value.strip() and "${" not in value:
            found.append((key, value.strip()))
            break
    clusters = stage.get("clusters")
    if isinstance(clusters, list):
        for index, cluster in enumerate(clusters):
            if not isinstance(cluster, Mapping):
                continue
            for key in ("cloudProvider", "provider"):
                value = cluster.get(key)
                if isinstance(value, str) and value.strip() and "${" not in value:
                    found.append((f"clusters/{index}/{key}", value.strip()))
                    break
    return found


def _provider_problems(
    stage_type: StageType, stage: Mapping[str, Any], pointer: str
) -> list[Problem]:
    if stage_type.cloud_provider is None:
        return []
    return [
        Problem(
            f"{pointer}/{where}",
            f"Cloud provider {provider!r} is not supported for {stage_type.type!r} stages here "
            f"(only {stage_type.cloud_provider!r}); the stage is kept but cannot run.",
            Severity.WARNING,
            "unsupported_provider",
        )
        for where, provider in stage_providers(stage)
        if provider.lower() != stage_type.cloud_provider
    ]


def default_catalog() -> Catalog:
    return Catalog(
        (*GENERAL_STAGES, *KUBERNETES_STAGES, *TENCENTCLOUD_STAGES),
        ALL_TRIGGERS,
        ALL_NOTIFICATIONS,
    )


CATALOG = default_catalog()
