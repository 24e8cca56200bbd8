"""Decoding of the Kubernetes protobuf envelope for the few kinds kubectl sends as protobuf.

kubectl's typed clients (`kubectl create namespace|configmap|secret`) encode request
bodies as `application/vnd.kubernetes.protobuf`. The sandbox answers in JSON (the clients
accept it) and decodes just these request bodies with the field numbers of the API's
generated.proto files. Other protobuf bodies get 415, as a server without that codec would.
"""

from __future__ import annotations

import base64
from typing import Any

from sandbox.kubernetes.errors import ApiError

MAGIC = b"k8s\x00"
PROTOBUF = "application/vnd.kubernetes.protobuf"

# type -> field number -> (json name, kind, repeated)
_TYPES: dict[str, dict[int, tuple[str, str, bool]]] = {
    "Unknown": {1: ("typeMeta", "TypeMeta", False), 2: ("raw", "raw", False)},
    "TypeMeta": {1: ("apiVersion", "string", False), 2: ("kind", "string", False)},
    "ObjectMeta": {
        1: ("name", "string", False),
        2: ("generateName", "string", False),
        3: ("namespace", "string", False),
        5: ("uid", "string", False),
        6: ("resourceVersion", "string", False),
        7: ("generation", "int", False),
        10: ("deletionGracePeriodSeconds", "int", False),
        11: ("labels", "map:string", False),
        12: ("annotations", "map:string", False),
        13: ("ownerReferences", "OwnerReference", True),
        14: ("finalizers", "string", True),
    },
    "OwnerReference": {
        1: ("kind", "string", False),
        3: ("name", "string", False),
        4: ("uid", "string", False),
        5: ("apiVersion", "string", False),
        6: ("controller", "bool", False),
        7: ("blockOwnerDeletion", "bool", False),
    },
    "Namespace": {
        1: ("metadata", "ObjectMeta", False),
        2: ("spec", "NamespaceSpec", False),
    },
    "NamespaceSpec": {1: ("finalizers", "string", True)},
    "ConfigMap": {
        1: ("metadata", "ObjectMeta", False),
        2: ("data", "map:string", False),
        3: ("binaryData", "map:bytes", False),
        4: ("immutable", "bool", False),
    },
    "Secret": {
        1: ("metadata", "ObjectMeta", False),
        2: ("data", "map:bytes", False),
        3: ("type", "string", False),
        4: ("stringData", "map:string", False),
        5: ("immutable", "bool", False),
    },
}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> list[tuple[int, int, Any]]:
    out = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            value = data[pos : pos + length]
            pos += length
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        out.append((number, wire, value))
    return out


def _message(data: bytes, type_name: str) -> dict[str, Any]:
    table = _TYPES[type_name]
    obj: dict[str, Any] = {}
    for number, _wire, value in _fields(data):
        spec = table.get(number)
        if spec is None:
            continue
        name, kind, repeated = spec
        if kind == "string":
            decoded: Any = bytes(value).decode()
        elif kind in {"bytes", "raw"}:
            decoded = bytes(value)
        elif kind == "int":
            decoded = value
        elif kind == "bool":
            decoded = bool(value)
        elif kind.startswith("map:"):
            entry = {n: v for n, _w, v in _fields(bytes(value))}
            key = bytes(entry.get(1, b"")).decode()
            raw = bytes(entry.get(2, b""))
            obj.setdefault(name, {})[key] = (
                base64.b64encode(raw).decode() if kind == "map:bytes" else raw.decode()
            )
            continue
        else:
            decoded = _message(bytes(value), kind)
        if repeated:
            obj.setdefault(name, []).append(decoded)
        elif decoded or kind not in ("string", "int", "bool"):
            obj[name] = decoded  # gogo-protobuf writes empty scalars; JSON omits them
    return obj


def decode(body: bytes) -> dict[str, Any]:
    """Turn a protobuf-encoded API object into its JSON form."""
    if not body.startswith(MAGIC):
        raise ApiError(400, "protobuf body without the k8s envelope")
    try:
        envelope = _message(body[len(MAGIC) :], "Unknown")
        type_meta = envelope.get("typeMeta") or {}
        kind = type_meta.get("kind", "")
        if kind not in ("Namespace", "ConfigMap", "Secret"):
            raise ApiError(
                415,
                "the body of the request was in an unknown format - accepted media types "
                "include: application/json, application/yaml",
                reason="UnsupportedMediaType",
            )
        obj = _message(envelope.get("raw", b""), kind)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"unable to decode protobuf body: {exc}") from exc
    return {"apiVersion": type_meta.get("apiVersion", "v1"), "kind": kind, **obj}
