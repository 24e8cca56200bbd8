"""OpenAPI v3 (per group-version) and v2 documents, built once per process from the schema.

kubectl reads them for client-side apply (strategic-merge metadata: patch strategies and
merge keys) and to learn that the server validates fields itself (`fieldValidation`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.discovery import KUBERNETES_VERSION
from sandbox.kubernetes.kinds import ResourceType
from sandbox.kubernetes.schema import FieldInfo, Schema, get_schema

PREFIX = "io.k8s.sandbox."
PATCH_CONTENT_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)
_PRIMITIVE: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer", "format": "int64"},
    "number": {"type": "number", "format": "double"},
    "boolean": {"type": "boolean"},
    "date-time": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "byte": {"type": "string", "format": "byte"},
    "int-or-string": {"x-kubernetes-int-or-string": True},
    "any": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
}


def _ref(name: str, v3: bool) -> dict[str, Any]:
    target = f"#/components/schemas/{PREFIX}{name}" if v3 else f"#/definitions/{PREFIX}{name}"
    return {"allOf": [{"$ref": target}], "default": {}} if v3 else {"$ref": target}


def _elem(elem: str, v3: bool) -> dict[str, Any]:
    if elem[:1].isupper():
        return _ref(elem, v3)
    return dict(_PRIMITIVE.get(elem, {"type": "string"}))


def _property(info: FieldInfo, v3: bool) -> dict[str, Any]:
    if info.container == "list":
        prop: dict[str, Any] = {"type": "array", "items": _elem(info.elem, v3)}
        prop["x-kubernetes-list-type"] = info.list_type
        if info.list_type == "map":
            prop["x-kubernetes-list-map-keys"] = list(info.list_keys)
    elif info.container == "map":
        prop = {"type": "object", "additionalProperties": _elem(info.elem, v3)}
    else:
        prop = _elem(info.elem, v3)
    if info.strategy:
        prop["x-kubernetes-patch-strategy"] = info.strategy
    if info.merge_key:
        prop["x-kubernetes-patch-merge-key"] = info.merge_key
    return prop


def _definitions(schema: Schema, v3: bool) -> dict[str, Any]:
    gvk = {r.model: r for r in kinds.RESOURCES}
    out: dict[str, Any] = {}
    for name, fields in sorted(schema.models.items()):
        definition: dict[str, Any] = {
            "type": "object",
            "properties": {key: _property(info, v3) for key, info in sorted(fields.items())},
        }
        rtype = gvk.get(name)
        if rtype is not None:
            definition["x-kubernetes-group-version-kind"] = [
                {"group": rtype.group, "kind": rtype.kind, "version": rtype.version}
            ]
        out[PREFIX + name] = definition
    return out


def _query_param(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": {"type": kind}, "uniqueItems": True}


def _operation(
    rtype: ResourceType, action: str, op_id: str, params: list[str], *, v3: bool, body: str = ""
) -> dict[str, Any]:
    ref = _ref(rtype.model, v3)
    op: dict[str, Any] = {
        "operationId": op_id,
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {
            "group": rtype.group,
            "kind": rtype.kind,
            "version": rtype.version,
        },
        "responses": {"200": {"description": "OK"}},
    }
    if v3:
        op["parameters"] = [_query_param(p) for p in params]
        op["responses"]["200"]["content"] = {"application/json": {"schema": ref}}
        if body:
            types = PATCH_CONTENT_TYPES if body == "patch" else ("*/*",)
            op["requestBody"] = {
                "content": {
                    t: {"schema": {"type": "object"} if body == "patch" else ref} for t in types
                },
                "required": True,
            }
    else:
        op["parameters"] = [
            {"name": p, "in": "query", "type": "string", "uniqueItems": True} for p in params
        ]
        if body:
            op["parameters"].append({"name": "body", "in": "body", "required": True, "schema": ref})
        if body == "patch":
            op["consumes"] = list(PATCH_CONTENT_TYPES)
    return op


def _paths(rtype: ResourceType, v3: bool) -> dict[str, Any]:
    base = rtype.with_prefix()
    collection = (
        f"{base}/namespaces/{{namespace}}/{rtype.plural}"
        if rtype.namespaced
        else f"{base}/{rtype.plural}"
    )
    item = f"{collection}/{{name}}"
    write = ["dryRun", "fieldManager", "fieldValidation", "pretty"]
    kind = rtype.kind
    suffix = "Namespaced" if rtype.namespaced else ""
    paths: dict[str, dict[str, Any]] = {
        collection: {
            "get": _operation(
                rtype,
                "list",
                f"list{suffix}{kind}",
                [
                    "labelSelector",
                    "fieldSelector",
                    "limit",
                    "continue",
                    "watch",
                    "resourceVersion",
                    "timeoutSeconds",
                ],
                v3=v3,
            ),
            "post": _operation(rtype, "post", f"create{suffix}{kind}", write, v3=v3, body="object"),
            "delete": _operation(
                rtype,
                "deletecollection",
                f"deleteCollection{suffix}{kind}",
                ["labelSelector", "fieldSelector"],
                v3=v3,
            ),
        },
        item: {
            "get": _operation(rtype, "get", f"read{suffix}{kind}", ["pretty"], v3=v3),
            "put": _operation(rtype, "put", f"replace{suffix}{kind}", write, v3=v3, body="object"),
            "patch": _operation(
                rtype, "patch", f"patch{suffix}{kind}", [*write, "force"], v3=v3, body="patch"
            ),
            "delete": _operation(
                rtype,
                "delete",
                f"delete{suffix}{kind}",
                ["gracePeriodSeconds", "propagationPolicy", "dryRun"],
                v3=v3,
            ),
        },
    }
    namespace_param: list[dict[str, Any]] = [
        {"name": "namespace", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    for path in paths.values():
        path["parameters"] = namespace_param if rtype.namespaced and v3 else []
    return paths


def _gv_key(rtype: ResourceType) -> str:
    return f"apis/{rtype.group}/{rtype.version}" if rtype.group else f"api/{rtype.version}"


@functools.cache
def v3_document(gv_key: str) -> bytes | None:
    resources = [r for r in kinds.RESOURCES if _gv_key(r) == gv_key]
    if not resources:
        return None
    paths: dict[str, Any] = {}
    for rtype in resources:
        paths.update(_paths(rtype, v3=True))
    doc = {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION},
        "paths": paths,
        "components": {"schemas": _definitions(get_schema(), v3=True)},
    }
    return json.dumps(doc, separators=(",", ":")).encode()


@functools.cache
def v3_index() -> bytes:
    entries = {}
    for key in sorted({_gv_key(r) for r in kinds.RESOURCES}):
        digest = hashlib.sha256(key.encode() + KUBERNETES_VERSION.encode()).hexdigest()[:32].upper()
        entries[key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}
    return json.dumps({"paths": entries}, separators=(",", ":")).encode()


@functools.cache
def v2_document() -> bytes:
    paths: dict[str, Any] = {}
    for rtype in kinds.RESOURCES:
        paths.update(_paths(rtype, v3=False))
    doc = {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION},
        "paths": paths,
        "definitions": _definitions(get_schema(), v3=False),
    }
    return json.dumps(doc, separators=(",", ":")).encode()
