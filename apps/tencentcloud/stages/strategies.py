"""What a deploy strategy lays down after the new server group is up, and on failure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.tencentcloud.stages import config
from apps.tencentcloud.stages.model import Capacity
from engine.model import Stage
from engine.stages.builder import SyntheticStage
from engine.status import Status

STRATEGIES = ("redblack", "rollingredblack", "highlander", "none")


def strategy(context: Mapping[str, Any]) -> str:
    name = str(context.get("strategy") or "none").strip().lower()
    if name == "":
        return "none"
    if name not in STRATEGIES:
        raise config.ConfigError(f"strategy must be one of {', '.join(STRATEGIES)}, got {name!r}")
    return name


def _base(stage: Stage) -> dict[str, Any]:
    context = stage.context
    return {
        "account": config.account(context),
        "region": config.region(context),
        "cluster": context.get("cluster") or config.moniker(context, stage).cluster,
    }


def _wait(seconds: Any, name: str) -> list[SyntheticStage]:
    try:
        value = float(seconds or 0)
    except (TypeError, ValueError):
        value = 0
    return [SyntheticStage("wait", name, {"waitTime": value})] if value > 0 else []


def _source_name(context: Mapping[str, Any]) -> str:
    source = context.get("source")
    if isinstance(source, Mapping):
        return str(source.get("serverGroupName") or source.get("asgName") or "")
    return ""


def _scale_down(stage: Stage) -> list[SyntheticStage]:
    context = stage.context
    if not config.flag(context, "scaleDown"):
        return []
    return [
        *_wait(context.get("delayBeforeScaleDownSec"), "Wait Before Scale Down"),
        SyntheticStage(
            "scaleDownCluster",
            "scaleDown",
            {
                **_base(stage),
                "remainingFullSizeServerGroups": 1,
                "allowScaleDownActive": False,
                "preferLargerOverNewer": False,
            },
        ),
    ]


def red_black(stage: Stage) -> list[SyntheticStage]:
    """Orca's order: shrink to `maxRemainingAsgs`, wait, disable all but the newest, scale down."""
    context = stage.context
    if not _source_name(context):
        return []
    out: list[SyntheticStage] = []
    keep = config.integer(context, "maxRemainingAsgs", 0)
    if keep > 0:
        out.append(
            SyntheticStage(
                "shrinkCluster",
                "shrinkCluster",
                {
                    **_base(stage),
                    "shrinkToSize": keep,
                    "allowDeleteActive": config.flag(context, "allowDeleteActive"),
                    "retainLargerOverNewer": False,
                },
            )
        )
    out += _wait(
        context.get("delayBeforeDisableSec") or context.get("delayBeforeCleanup"),
        "Wait Before Disable",
    )
    out.append(
        SyntheticStage(
            "disableCluster",
            "disableCluster",
            {**_base(stage), "remainingEnabledServerGroups": 1, "preferLargerOverNewer": False},
        )
    )
    return out + _scale_down(stage)


def highlander(stage: Stage) -> list[SyntheticStage]:
    if not _source_name(stage.context):
        return []
    return [
        SyntheticStage(
            "shrinkCluster",
            "shrinkCluster",
            {
                **_base(stage),
                "shrinkToSize": 1,
                "allowDeleteActive": True,
                "retainLargerOverNewer": False,
            },
        )
    ]


def target_percentages(context: Mapping[str, Any]) -> list[float]:
    raw = context.get("targetPercentages") or []
    if not isinstance(raw, list):
        raise config.ConfigError("targetPercentages must be a list of numbers")
    steps: list[float] = []
    for item in raw:
        try:
            value = float(item)
        except (TypeError, ValueError):
            raise config.ConfigError(f"targetPercentages holds {item!r}, not a number") from None
        if not 0 < value <= 100:
            raise config.ConfigError("targetPercentages must be between 0 (exclusive) and 100")
        steps.append(value)
    if not steps or steps[-1] != 100:
        steps.append(100.0)
    return steps


def _label(value: float) -> str:
    return f"{value:g}"


def rolling_red_black(stage: Stage) -> list[SyntheticStage]:
    """Grow the new group step by step; after each step optionally wait, ask a person, and take
    the same share of the old group's instances out of rotation (all of it at 100%)."""
    context = stage.context
    base = _base(stage)
    new_group = str(context.get("serverGroupName") or "")
    saved = Capacity.from_dict(context.get("savedCapacity"))
    source = _source_name(context)
    steps = target_percentages(context)
    out: list[SyntheticStage] = []
    for position, percentage in enumerate(steps):
        out.append(
            SyntheticStage(
                "resizeServerGroup",
                f"Grow to {_label(percentage)}% of Desired Size",
                {
                    **base,
                    "serverGroupName": new_group,
                    "action": "scale_exact",
                    "capacity": saved.as_dict(),
                    "scalePct": percentage,
                    "pinCapacity": percentage < 100,
                    "targetHealthyDeployPercentage": context.get(
                        "targetHealthyDeployPercentage", 100
                    ),
                },
            )
        )
        out += _wait(context.get("delayBeforeCleanup"), "wait")
        last = position == len(steps) - 1
        if config.flag(context, "judgmentBetweenSteps") and not last:
            judgment: dict[str, Any] = {
                "instructions": context.get("judgmentInstructions")
                or f"{new_group} serves at {_label(percentage)}% of its size. Continue?",
                "judgmentInputs": [],
            }
            if context.get("judgmentTimeoutMs"):
                judgment["stageTimeoutMs"] = context["judgmentTimeoutMs"]
            out.append(
                SyntheticStage("manualJudgment", f"Continue after {_label(percentage)}%?", judgment)
            )
        if source:
            out.append(
                SyntheticStage(
                    "disableServerGroup",
                    f"Disable {_label(percentage)}% of Traffic on {source}",
                    {**base, "serverGroupName": source, "desiredPercentage": percentage},
                )
            )
    return out + (_scale_down(stage) if source else [])


def after_stages(stage: Stage) -> list[SyntheticStage]:
    chosen = strategy(stage.context)
    if chosen == "redblack":
        return red_black(stage)
    if chosen == "highlander":
        return highlander(stage)
    if chosen == "rollingredblack":
        return rolling_red_black(stage)
    return []


def _source_fully_disabled(stage: Stage) -> bool:
    for child in stage.execution.children_of(stage.id):
        if (
            child.type == "disableServerGroup"
            and child.status == Status.SUCCEEDED
            and config.number(child.context, "desiredPercentage", 100) >= 100
        ):
            return True
    return False


def on_failure_stages(stage: Stage) -> list[SyntheticStage]:
    """Leave the old group serving: the new one is disabled unless it had already taken over.

    Red/black and highlander touch the old groups only after the new one is healthy; a rolling
    red/black also gives the old group its traffic back."""
    context = stage.context
    try:
        chosen = strategy(context)
    except config.ConfigError:
        return []
    new_group = str(context.get("serverGroupName") or "")
    if chosen == "none" or not new_group or not context.get("autoScalingGroupId"):
        return []  # nothing was created (a name reserved is not a group)
    if chosen == "rollingredblack":
        if _source_fully_disabled(stage):
            return []
    elif context.get("deployHealthy"):
        return []
    base = _base(stage)
    out: list[SyntheticStage] = []
    source = _source_name(context)
    if chosen == "rollingredblack" and source:
        out.append(
            SyntheticStage(
                "enableServerGroup",
                f"Restore traffic to {source}",
                {**base, "serverGroupName": source, "targetHealthyDeployPercentage": 0},
            )
        )
    out.append(
        SyntheticStage(
            "disableServerGroup", f"Disable {new_group}", {**base, "serverGroupName": new_group}
        )
    )
    return out
