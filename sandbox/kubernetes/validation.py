"""Decoding checks (types, unknown fields) and per-kind validation with 422 `Invalid` causes."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.errors import (
    ApiError,
    Cause,
    forbidden,
    invalid,
    invalid_object,
    required,
    unsupported,
)
from sandbox.kubernetes.kinds import ResourceType
from sandbox.kubernetes.schema import Schema
from sandbox.kubernetes.selectors import label_selector_matcher

Obj = dict[str, Any]

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")

_GO_TYPES = {
    "string": "string",
    "integer": "int32",
    "number": "float64",
    "boolean": "bool",
    "date-time": "Time",
    "date": "Time",
    "byte": "[]byte",
}

_DNS_LABEL_NAMES = {kinds.NAMESPACES.key, kinds.SERVICES.key}


# decoding ----------------------------------------------------------------------------------


def conform(schema: Schema, model: str, obj: Obj, *, strict: bool) -> list[str]:
    """Drop unknown fields in place (returning their paths) and reject ill-typed values.

    The real API server decodes into Go structs, so unknown fields vanish (with a warning,
    or a 400 under `fieldValidation=Strict`) and a wrongly typed value is a 400.
    """
    unknown: list[str] = []
    _conform_model(schema, model, obj, "", unknown)
    if strict and unknown:
        listed = ", ".join(f'unknown field "{u}"' for u in unknown)
        raise ApiError(400, f"strict decoding error: {listed}")
    return unknown


def _conform_model(schema: Schema, model: str, obj: Obj, path: str, unknown: list[str]) -> None:
    fields = schema.models.get(model)
    if fields is None:
        return
    for key in list(obj):
        info = fields.get(key)
        where = f"{path}.{key}" if path else key
        if info is None:
            unknown.append(where)
            del obj[key]
            continue
        value = obj[key]
        if value is None:
            del obj[key]  # Go decoding turns null into the zero value, omitted on output
            continue
        if info.container == "list":
            if not isinstance(value, list):
                _type_error(model, where, value, "[]" + _go(info.elem))
            for i, item in enumerate(value):
                _conform_value(
                    schema, info.elem, item, where=f"{where}[{i}]", model=model, unknown=unknown
                )
        elif info.container == "map":
            if not isinstance(value, dict):
                _type_error(model, where, value, "map[string]" + _go(info.elem))
            for k, item in value.items():
                _conform_value(
                    schema, info.elem, item, where=f"{where}.{k}", model=model, unknown=unknown
                )
        else:
            _conform_value(schema, info.elem, value, where=where, model=model, unknown=unknown)


def _conform_value(
    schema: Schema, elem: str, value: Any, *, where: str, model: str, unknown: list[str]
) -> None:
    if value is None:
        return
    if elem[:1].isupper():
        if not isinstance(value, dict):
            _type_error(model, where, value, elem)
        _conform_model(schema, elem, value, where, unknown)
        return
    ok = {
        "string": isinstance(value, str),
        "date-time": isinstance(value, str),
        "date": isinstance(value, str),
        "byte": isinstance(value, str),
        "integer": (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, float) and value.is_integer()),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "int-or-string": isinstance(value, (int, str)) and not isinstance(value, bool),
    }.get(elem, True)
    if not ok:
        _type_error(model, where, value, _go(elem))


def _go(elem: str) -> str:
    return _GO_TYPES.get(elem, elem)


def _type_error(model: str, where: str, value: Any, go_type: str) -> None:
    json_type = {
        str: "string",
        bool: "bool",
        int: "number",
        float: "number",
        list: "array",
        dict: "object",
    }.get(type(value), "value")
    struct = re.sub(r"^V\d+(beta\d+|alpha\d+)?", "", model)
    raise ApiError(
        400,
        f"json: cannot unmarshal {json_type} into Go struct field {struct}.{where} "
        f"of type {go_type}",
    )


# validation --------------------------------------------------------------------------------


def validate(rtype: ResourceType, obj: Obj, old: Obj | None = None) -> None:
    """Raise 422 Invalid with every cause found (create when `old` is None, else update)."""
    causes: list[Cause] = []
    meta = obj.get("metadata") or {}
    name = meta.get("name") or ""
    _validate_meta(rtype, meta, causes)
    checker = _CHECKS.get(rtype.key)
    if checker is not None:
        checker(obj, causes)
    if old is not None:
        _validate_update(rtype, obj, old, causes)
    if causes:
        raise invalid_object(rtype.kind, rtype.group, name, causes)


def _validate_meta(rtype: ResourceType, meta: Obj, causes: list[Cause]) -> None:
    name = meta.get("name")
    if not name:
        causes.append(required("metadata.name"))
    elif rtype.key in _DNS_LABEL_NAMES:
        if len(name) > 63 or not _DNS_LABEL.match(name):
            causes.append(
                invalid(
                    "metadata.name",
                    name,
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric "
                    "characters or '-', and must start and end with an alphanumeric character",
                )
            )
    elif len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
        causes.append(
            invalid(
                "metadata.name",
                name,
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                "characters, '-' or '.', and must start and end with an alphanumeric character",
            )
        )
    for key, value in (meta.get("labels") or {}).items():
        prefix, _, short = key.rpartition("/")
        if not short or len(short) > 63 or not _QUALIFIED_NAME.match(short) or len(prefix) > 253:
            causes.append(invalid("metadata.labels", key, "name part must be a valid label key"))
        if not isinstance(value, str) or len(value) > 63 or not _LABEL_VALUE.match(value):
            causes.append(
                invalid(
                    "metadata.labels",
                    value,
                    "a valid label must be an empty string or consist of alphanumeric "
                    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                    "character",
                )
            )


def _containers(spec: Obj, path: str, causes: list[Cause]) -> None:
    containers = spec.get("containers")
    if not containers:
        causes.append(required(f"{path}.containers"))
        return
    seen: set[str] = set()
    for group in ("initContainers", "containers"):
        for i, container in enumerate(spec.get(group) or []):
            where = f"{path}.{group}[{i}]"
            cname = container.get("name")
            if not cname:
                causes.append(required(f"{where}.name"))
            elif cname in seen:
                causes.append(
                    Cause("FieldValueDuplicate", f"{where}.name", f'Duplicate value: "{cname}"')
                )
            else:
                seen.add(cname)
                if not _DNS_LABEL.match(cname):
                    causes.append(invalid(f"{where}.name", cname, "a lowercase RFC 1123 label"))
            if not container.get("image"):
                causes.append(required(f"{where}.image"))
            for j, port in enumerate(container.get("ports") or []):
                number = port.get("containerPort")
                if not isinstance(number, int) or not 0 < number < 65536:
                    causes.append(
                        invalid(
                            f"{where}.ports[{j}].containerPort",
                            number,
                            "must be between 1 and 65535, inclusive",
                        )
                    )
    policy = spec.get("restartPolicy")
    if policy is not None and policy not in ("Always", "OnFailure", "Never"):
        causes.append(
            unsupported(f"{path}.restartPolicy", policy, ["Always", "OnFailure", "Never"])
        )


def _workload(obj: Obj, causes: list[Cause], *, selector_required: bool = True) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        causes.append(required("spec"))
        return
    replicas = spec.get("replicas")
    if isinstance(replicas, int) and replicas < 0:
        causes.append(invalid("spec.replicas", replicas, "must be greater than or equal to 0"))
    selector = spec.get("selector")
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    if selector_required and not selector:
        causes.append(required("spec.selector"))
    elif selector:
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            causes.append(
                invalid("spec.selector", selector, "empty selector is invalid for deployment")
            )
        elif not label_selector_matcher(selector)(labels):
            causes.append(
                invalid(
                    "spec.template.metadata.labels",
                    labels,
                    "`selector` does not match template `labels`",
                )
            )
    pod_spec = template.get("spec")
    if not isinstance(pod_spec, dict):
        causes.append(required("spec.template.spec.containers"))
    else:
        _containers(pod_spec, "spec.template.spec", causes)


def _deployment(obj: Obj, causes: list[Cause]) -> None:
    _workload(obj, causes)
    strategy = (obj.get("spec") or {}).get("strategy") or {}
    kind = strategy.get("type")
    if kind not in (None, "RollingUpdate", "Recreate"):
        causes.append(unsupported("spec.strategy.type", kind, ["Recreate", "RollingUpdate"]))
    if kind == "Recreate" and strategy.get("rollingUpdate"):
        causes.append(
            forbidden(
                "spec.strategy.rollingUpdate",
                "may not be specified when strategy `type` is 'Recreate'",
            )
        )
    rolling = strategy.get("rollingUpdate") or {}
    if (
        kind == "RollingUpdate"
        and _is_zero(rolling.get("maxSurge"))
        and _is_zero(rolling.get("maxUnavailable"))
    ):
        causes.append(
            invalid(
                "spec.strategy.rollingUpdate.maxUnavailable",
                rolling.get("maxUnavailable"),
                "may not be 0 when `maxSurge` is 0",
            )
        )


def _is_zero(value: Any) -> bool:
    return value in (0, "0", "0%")


def _job(obj: Obj, causes: list[Cause]) -> None:
    _workload(obj, causes, selector_required=False)
    pod_spec = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    policy = pod_spec.get("restartPolicy")
    if policy not in ("OnFailure", "Never"):
        causes.append(
            unsupported("spec.template.spec.restartPolicy", policy or "", ["OnFailure", "Never"])
        )


def _pod(obj: Obj, causes: list[Cause]) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        causes.append(required("spec.containers"))
        return
    _containers(spec, "spec", causes)


def _service(obj: Obj, causes: list[Cause]) -> None:
    spec = obj.get("spec") or {}
    kind = spec.get("type", "ClusterIP")
    if kind not in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"):
        causes.append(
            unsupported(
                "spec.type", kind, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
            )
        )
    ports = spec.get("ports") or []
    if not ports and kind != "ExternalName" and spec.get("clusterIP") != "None":
        causes.append(required("spec.ports"))
    names: set[str] = set()
    for i, port in enumerate(ports):
        number = port.get("port")
        if not isinstance(number, int) or not 0 < number < 65536:
            causes.append(
                invalid(f"spec.ports[{i}].port", number, "must be between 1 and 65535, inclusive")
            )
        if len(ports) > 1 and not port.get("name"):
            causes.append(required(f"spec.ports[{i}].name"))
        if port.get("name") in names:
            causes.append(
                Cause(
                    "FieldValueDuplicate",
                    f"spec.ports[{i}].name",
                    f'Duplicate value: "{port["name"]}"',
                )
            )
        names.add(port.get("name"))
    if kind == "ExternalName" and not spec.get("externalName"):
        causes.append(required("spec.externalName"))


def _config_keys(obj: Obj, causes: list[Cause], fields: tuple[str, ...]) -> None:
    for field in fields:
        for key in obj.get(field) or {}:
            if not _CONFIG_KEY.match(key):
                causes.append(
                    invalid(
                        f"{field}[{key}]",
                        key,
                        "a valid config key must consist of alphanumeric characters, '-', '_' "
                        "or '.'",
                    )
                )


def _secret(obj: Obj, causes: list[Cause]) -> None:
    _config_keys(obj, causes, ("data", "stringData"))
    for key, value in (obj.get("data") or {}).items():
        try:
            base64.b64decode(value or "", validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise ApiError(400, f"illegal base64 data in secret key {key!r}") from None


def _ingress(obj: Obj, causes: list[Cause]) -> None:
    spec = obj.get("spec") or {}
    for i, rule in enumerate(spec.get("rules") or []):
        for j, path in enumerate(((rule or {}).get("http") or {}).get("paths") or []):
            where = f"spec.rules[{i}].http.paths[{j}]"
            kind = path.get("pathType")
            if kind not in ("Exact", "Prefix", "ImplementationSpecific"):
                causes.append(
                    unsupported(
                        f"{where}.pathType", kind, ["Exact", "ImplementationSpecific", "Prefix"]
                    )
                )
            if not path.get("backend"):
                causes.append(required(f"{where}.backend"))


_CHECKS = {
    kinds.DEPLOYMENTS.key: _deployment,
    kinds.REPLICASETS.key: _workload,
    kinds.STATEFULSETS.key: _workload,
    kinds.DAEMONSETS.key: _workload,
    kinds.JOBS.key: _job,
    kinds.PODS.key: _pod,
    kinds.SERVICES.key: _service,
    kinds.CONFIGMAPS.key: lambda obj, causes: _config_keys(obj, causes, ("data", "binaryData")),
    kinds.SECRETS.key: _secret,
    kinds.INGRESSES.key: _ingress,
}


def _validate_update(rtype: ResourceType, new: Obj, old: Obj, causes: list[Cause]) -> None:
    new_spec, old_spec = new.get("spec") or {}, old.get("spec") or {}
    immutable = "field is immutable"
    selected = (
        kinds.DEPLOYMENTS,
        kinds.REPLICASETS,
        kinds.DAEMONSETS,
        kinds.STATEFULSETS,
        kinds.JOBS,
    )
    if rtype in selected and new_spec.get("selector") != old_spec.get("selector"):
        causes.append(invalid("spec.selector", new_spec.get("selector"), immutable))
    if rtype is kinds.JOBS and new_spec.get("template") != old_spec.get("template"):
        causes.append(invalid("spec.template", "", immutable))
    if rtype is kinds.STATEFULSETS:
        mutable = {
            "replicas",
            "ordinals",
            "template",
            "updateStrategy",
            "persistentVolumeClaimRetentionPolicy",
            "minReadySeconds",
        }
        rest_new = {k: v for k, v in new_spec.items() if k not in mutable}
        rest_old = {k: v for k, v in old_spec.items() if k not in mutable}
        if rest_new != rest_old:
            causes.append(
                forbidden(
                    "spec",
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                    "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                    "'minReadySeconds' are forbidden",
                )
            )
    if rtype is kinds.SERVICES:
        old_ip = old_spec.get("clusterIP")
        if new_spec.get("clusterIP") not in (None, "", old_ip):
            causes.append(invalid("spec.clusterIP", new_spec.get("clusterIP"), immutable))
    if rtype is kinds.PODS:
        strip = _pod_mutable_stripped
        if strip(new_spec) != strip(old_spec):
            causes.append(
                forbidden(
                    "spec",
                    "pod updates may not change fields other than `spec.containers[*].image`,"
                    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                    "`spec.tolerations` (only additions to existing tolerations),"
                    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
                    "previously negative)",
                )
            )
    if rtype in (kinds.CONFIGMAPS, kinds.SECRETS) and old.get("immutable"):
        for field in ("data", "binaryData", "stringData"):
            if new.get(field) != old.get(field):
                causes.append(forbidden(field, "field is immutable when `immutable` is set"))


def _pod_mutable_stripped(spec: Obj) -> Obj:
    out = {
        k: v
        for k, v in spec.items()
        if k not in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds")
    }
    for group in ("containers", "initContainers"):
        if isinstance(out.get(group), list):
            out[group] = [{k: v for k, v in c.items() if k != "image"} for c in out[group]]
    return out
