"""The `#name(...)` helper functions of Spinnaker pipeline expressions (kork and Orca providers)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.expressions import documents
from engine.expressions.conversions import parse_boolean, parse_float, parse_int
from engine.expressions.environment import ExpressionEnvironment
from engine.expressions.errors import ExpressionError
from engine.expressions.limits import check_string
from engine.expressions.values import NotEvaluable, converted_string, type_name, unwrap

Body = Callable[[ExpressionEnvironment, list[object]], object]


@dataclass(frozen=True)
class Function:
    body: Body
    min_args: int
    max_args: int | None  # None: any number (varargs)
    raw_args: bool = False  # receives #doNotEval markers instead of their values


def _text(name: str, value: object) -> str:
    """Helpers take String parameters; SpEL converts numbers and booleans to text first."""
    value = unwrap(value)
    if isinstance(value, str):
        return value
    if value is None:
        raise ExpressionError(f"#{name} needs a value, not null")
    if isinstance(value, bool | int | float):
        return converted_string(value)
    raise ExpressionError(f"#{name} needs a string, not {type_name(value)}")


def _execution_id(env: ExpressionEnvironment) -> str:
    return str(env.execution.get("id")) if env.execution else "<none>"


def _find_stage(env: ExpressionEnvironment, id_or_name: str) -> Mapping[str, object] | None:
    return next(
        (s for s in env.stages if id_or_name in (s.get("name"), s.get("id"))),
        None,
    )


def _context(stage: Mapping[str, object]) -> Mapping[str, object]:
    context = stage.get("context")
    return context if isinstance(context, Mapping) else {}


# --- stages -----------------------------------------------------------------------------------


def _stage(env: ExpressionEnvironment, args: list[object]) -> object:
    id_or_name = _text("stage", args[0])
    stage = _find_stage(env, id_or_name)
    if stage is None:
        raise ExpressionError(
            f"Unable to locate [{id_or_name}] using #stage({id_or_name}) "
            f"in execution {_execution_id(env)}"
        )
    return stage


def _stage_by_ref_id(env: ExpressionEnvironment, args: list[object]) -> object:
    ref_id = _text("stageByRefId", args[0])
    stage = next((s for s in env.stages if s.get("refId") == ref_id), None)
    if stage is None:
        raise ExpressionError(
            f"Unable to locate [{ref_id}] using #stageByRefId({ref_id}) "
            f"in execution {_execution_id(env)}"
        )
    return stage


def _stage_exists(env: ExpressionEnvironment, args: list[object]) -> object:
    return _find_stage(env, _text("stageExists", args[0])) is not None


def _current_stage(env: ExpressionEnvironment, args: list[object]) -> object:
    if env.stage is None:
        raise ExpressionError("#currentStage() needs a current stage, and there is none")
    return env.stage


def _judgment(env: ExpressionEnvironment, args: list[object]) -> object:
    name = _text("judgment", args[0])
    for stage in env.stages:
        judgment = _context(stage).get("judgmentInput")
        if (
            stage.get("name") == name
            and stage.get("type") == "manualJudgment"
            and judgment is not None
        ):
            return judgment
    raise ExpressionError(
        f"Unable to locate manual Judgment stage [{name}] using #judgment({name}) in execution "
        f"{_execution_id(env)}. Stage doesn't exist or doesn't contain judgmentInput in its context"
    )


def _current_user(env: ExpressionEnvironment, args: list[object]) -> object:
    if env.current_user:
        return env.current_user
    authentication = env.execution.get("authentication") if env.execution else None
    if isinstance(authentication, Mapping) and authentication.get("user"):
        return authentication["user"]
    return "anonymous"


# --- pipelines --------------------------------------------------------------------------------


def _lookup_pipeline(env: ExpressionEnvironment, application: str, name: str) -> str | None:
    if env.pipeline_id_lookup is None:
        raise ExpressionError("pipeline lookups are not available here")
    return env.pipeline_id_lookup(application, name)


def _current_application(env: ExpressionEnvironment) -> str:
    application = env.execution.get("application") if env.execution else None
    if not isinstance(application, str):
        raise ExpressionError("the execution has no application to look pipelines up in")
    return application


def _pipeline_id(env: ExpressionEnvironment, args: list[object]) -> object:
    name = _text("pipelineId", args[0])
    application = _current_application(env)
    found = _lookup_pipeline(env, application, name)
    if found is None:
        raise ExpressionError(f"Pipeline with name '{name}' could not be found in {application}")
    return found


def _pipeline_id_or_null(env: ExpressionEnvironment, args: list[object]) -> object:
    return _lookup_pipeline(env, _current_application(env), _text("pipelineIdOrNull", args[0]))


def _pipeline_id_in_application(env: ExpressionEnvironment, args: list[object]) -> object:
    name = _text("pipelineIdInApplication", args[0])
    application = _text("pipelineIdInApplication", args[1])
    found = _lookup_pipeline(env, application, name)
    if found is None:
        raise ExpressionError(f"Pipeline with name '{name}' could not be found in {application}")
    return found


# --- deployments ------------------------------------------------------------------------------

_DEPLOY_STAGE_TYPES = frozenset({"deploy", "createServerGroup", "cloneServerGroup", "rollingPush"})


def _server_groups_by_region(context: Mapping[str, object]) -> Mapping[str, object] | None:
    flat = context.get("deploy.server.groups")
    if isinstance(flat, Mapping):
        return flat
    nested: object = context
    for key in ("deploy", "server", "groups"):
        nested = nested.get(key) if isinstance(nested, Mapping) else None
    return nested if isinstance(nested, Mapping) else None


def _deployed_server_groups(env: ExpressionEnvironment, args: list[object]) -> object:
    names = {_text("deployedServerGroups", arg) for arg in args}
    result: list[object] = []
    for stage in env.stages:
        context = _context(stage)
        groups = _server_groups_by_region(context)
        if (
            stage.get("type") not in _DEPLOY_STAGE_TYPES
            or groups is None
            or stage.get("status") != "SUCCEEDED"
            or (names and not names & {stage.get("name"), stage.get("id")})
        ):
            continue
        region = _region(context, groups)
        if region is None:
            continue
        details: dict[str, object] = {
            "account": context.get("account"),
            "capacity": context.get("capacity"),
            "parentStage": context.get("parentStage"),
            "region": region,
        }
        for extra in _list(context.get("deploymentDetails")):
            if isinstance(extra, Mapping) and extra.get("region") == region:
                details.update(extra)
        in_region = _list(groups.get(region))
        if in_region:
            details["serverGroup"] = in_region[0]
        details["deployments"] = [
            deployment
            for task in _list(context.get("kato.tasks"))
            for result_object in _list(
                task.get("resultObjects") if isinstance(task, Mapping) else None
            )
            for deployment in _list(
                result_object.get("deployments") if isinstance(result_object, Mapping) else None
            )
        ]
        result.append(details)
    return result


def _region(context: Mapping[str, object], groups: Mapping[str, object]) -> str | None:
    region = context.get("region")
    if isinstance(region, str):
        return region
    zones = context.get("availabilityZones")
    if isinstance(zones, Mapping) and zones:
        return str(next(iter(zones)))
    return str(next(iter(groups))) if groups else None


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _manifest_label_value(env: ExpressionEnvironment, args: list[object]) -> object:
    stage_name = _text("manifestLabelValue", args[0])
    kind = _text("manifestLabelValue", args[1])
    label_key = _text("manifestLabelValue", args[2])
    if kind not in ("Deployment", "ReplicaSet"):
        raise ExpressionError("Only Deployments and ReplicaSets are valid kinds for this function")
    stage = next(
        (
            s
            for s in env.stages
            if s.get("name") == stage_name
            and s.get("type") == "deployManifest"
            and s.get("status") == "SUCCEEDED"
        ),
        None,
    )
    if stage is None:
        raise ExpressionError("A valid Deploy Manifest stage name is required for this function")
    outputs = stage.get("outputs")
    manifests = _list(_context(stage).get("manifests")) or _list(
        outputs.get("manifests") if isinstance(outputs, Mapping) else None
    )
    if not manifests:
        raise ExpressionError("No manifest could be found in the context of the specified stage")
    manifest = next(
        (m for m in manifests if isinstance(m, Mapping) and m.get("kind") == kind), None
    )
    if manifest is None:
        raise ExpressionError(
            f"No manifest of kind {kind} could be found on the context of the specified stage"
        )
    labels: object = manifest
    for key in ("spec", "template", "metadata", "labels"):
        labels = labels.get(key) if isinstance(labels, Mapping) else None
    if not isinstance(labels, Mapping) or label_key not in labels:
        raise ExpressionError(
            "No label of specified key found on matching manifest spec.template.metadata.labels"
        )
    return labels[label_key]


# --- artifacts --------------------------------------------------------------------------------


def _trigger_artifact(field: str) -> Body:
    def body(env: ExpressionEnvironment, args: list[object]) -> object:
        wanted = _text("triggerResolvedArtifact", args[0])
        trigger = env.trigger
        for expected in _list(trigger.get("resolvedExpectedArtifacts")):
            bound = expected.get("boundArtifact") if isinstance(expected, Mapping) else None
            if isinstance(bound, Mapping) and bound.get(field) == wanted:
                return bound
        for artifact in _list(trigger.get("artifacts")):
            if isinstance(artifact, Mapping) and artifact.get(field) == wanted:
                return artifact
        raise ExpressionError(
            f"Unable to locate resolved artifact {wanted} in trigger execution "
            f"{_execution_id(env)}."
        )

    return body


# --- URLs -------------------------------------------------------------------------------------


def _fetch(env: ExpressionEnvironment, url: str) -> str:
    if env.url_fetcher is None:
        raise ExpressionError("URL functions are disabled")
    try:
        body = env.url_fetcher(url)
    except ExpressionError:
        raise
    except Exception as exc:  # the platform's fetcher may fail in any way; report, don't crash
        raise ExpressionError(f"#fromUrl({url}) failed: {exc}") from None
    if not isinstance(body, str):
        raise ExpressionError(f"#fromUrl({url}) failed: the response is not text")
    return check_string(body)


def _url_function(name: str, parse: Callable[[str], object]) -> Body:
    def body(env: ExpressionEnvironment, args: list[object]) -> object:
        return parse(_fetch(env, _text(name, args[0])))

    return body


# --- conversions ------------------------------------------------------------------------------


def _text_function(name: str, fn: Callable[[str], object]) -> Body:
    def body(env: ExpressionEnvironment, args: list[object]) -> object:
        return fn(_text(name, args[0]))

    return body


def _to_json(env: ExpressionEnvironment, args: list[object]) -> object:
    return documents.to_json(args[0])


def _do_not_eval(env: ExpressionEnvironment, args: list[object]) -> object:
    return args[0] if isinstance(args[0], NotEvaluable) else NotEvaluable(args[0])


_NON_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")


def _to_boolean(env: ExpressionEnvironment, args: list[object]) -> object:
    return parse_boolean(args[0])


FUNCTIONS: dict[str, Function] = {
    "stage": Function(_stage, 1, 1),
    "stageByRefId": Function(_stage_by_ref_id, 1, 1),
    "stageExists": Function(_stage_exists, 1, 1),
    "currentStage": Function(_current_stage, 0, 0),
    "judgment": Function(_judgment, 1, 1),
    "judgement": Function(_judgment, 1, 1),
    "currentUser": Function(_current_user, 0, 0),
    "pipelineId": Function(_pipeline_id, 1, 1),
    "pipelineIdOrNull": Function(_pipeline_id_or_null, 1, 1),
    "pipelineIdInApplication": Function(_pipeline_id_in_application, 2, 2),
    "deployedServerGroups": Function(_deployed_server_groups, 0, None),
    "manifestLabelValue": Function(_manifest_label_value, 3, 3),
    "triggerResolvedArtifact": Function(_trigger_artifact("name"), 1, 1),
    "triggerResolvedArtifactByType": Function(_trigger_artifact("type"), 1, 1),
    "fromUrl": Function(_url_function("fromUrl", lambda text: text), 1, 1),
    "jsonFromUrl": Function(_url_function("jsonFromUrl", documents.read_json), 1, 1),
    "yamlFromUrl": Function(_url_function("yamlFromUrl", documents.read_yaml), 1, 1),
    "propertiesFromUrl": Function(
        _url_function("propertiesFromUrl", documents.read_properties), 1, 1
    ),
    "toJson": Function(_to_json, 1, 1, raw_args=True),
    "readJson": Function(_text_function("readJson", documents.read_json), 1, 1),
    "readYaml": Function(_text_function("readYaml", documents.read_yaml), 1, 1),
    "readAllYaml": Function(_text_function("readAllYaml", documents.read_all_yaml), 1, 1),
    "toInt": Function(_text_function("toInt", parse_int), 1, 1),
    "toFloat": Function(_text_function("toFloat", parse_float), 1, 1),
    "toBoolean": Function(_to_boolean, 1, 1),
    "toBase64": Function(_text_function("toBase64", documents.encode_base64), 1, 1),
    "fromBase64": Function(_text_function("fromBase64", documents.decode_base64), 1, 1),
    "alphanumerical": Function(
        _text_function("alphanumerical", lambda text: _NON_ALPHANUMERIC.sub("", text)), 1, 1
    ),
    "doNotEval": Function(_do_not_eval, 1, 1, raw_args=True),
}


def call_function(env: ExpressionEnvironment, name: str, args: list[object]) -> object:
    function = FUNCTIONS.get(name)
    if function is None:
        raise ExpressionError(f"function '{name}' could not be found")
    if len(args) < function.min_args or (
        function.max_args is not None and len(args) > function.max_args
    ):
        takes = (
            f"at least {function.min_args}" if function.max_args is None else str(function.min_args)
        )
        raise ExpressionError(
            f"incorrect number of arguments for function '{name}': {len(args)} supplied but "
            f"function takes {takes}"
        )
    if not function.raw_args:
        args = [unwrap(arg) for arg in args]
    return function.body(env, args)
