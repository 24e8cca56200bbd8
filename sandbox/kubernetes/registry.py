"""The API verbs over the store: create, update, patch, apply, delete, scale, with metadata rules.

Both the HTTP layer (for clients) and the controllers go through this module, so that
resourceVersion, generation, uid, finalizers and deletion behave the same whoever writes.
"""

from __future__ import annotations

import base64
import builtins
import json
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.applying import apply as ssa_apply
from sandbox.kubernetes.applying import record_update
from sandbox.kubernetes.clock import Clock, rfc3339
from sandbox.kubernetes.defaults import apply_defaults
from sandbox.kubernetes.errors import (
    ApiError,
    already_exists,
    bad_request,
    conflict,
    not_found,
    stale,
)
from sandbox.kubernetes.kinds import ResourceType
from sandbox.kubernetes.patching import clone, json_patch, merge_patch, strategic_merge
from sandbox.kubernetes.schema import Schema, get_schema
from sandbox.kubernetes.selectors import (
    label_selector_matcher,
    parse_field_selector,
    parse_label_selector,
    selector_to_string,
)
from sandbox.kubernetes.store import Obj, Store
from sandbox.kubernetes.validation import conform, validate

NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
APPLY_PATCH = "application/apply-patch+yaml"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
PATCH_TYPES = (APPLY_PATCH, STRATEGIC_PATCH, MERGE_PATCH, JSON_PATCH)

_DELETE_RETURNS_OBJECT = (kinds.PODS, kinds.SERVICES, kinds.SERVICEACCOUNTS)
_READONLY_META = (
    "uid",
    "creationTimestamp",
    "generation",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
)


@dataclass
class WriteOptions:
    """Query options shared by the writing verbs."""

    manager: str = ""
    dry_run: bool = False
    strict: bool = False
    force: bool = False
    warnings: list[str] = field(default_factory=list)


def random_suffix(length: int = 5) -> str:
    # names, not secrets: the stdlib generator is what we want
    return "".join(random.choice(NAME_ALPHABET) for _ in range(length))  # noqa: S311


class Registry:
    """Kubernetes object semantics on top of the raw store."""

    def __init__(self, store: Store, clock: Clock, *, create_namespaces: bool = False) -> None:
        self.store = store
        self.clock = clock
        self.create_namespaces = create_namespaces
        self._next_cluster_ip = 10
        self._next_node_port = 30000
        self._event_keys: dict[tuple[str, str, str], tuple[str, str]] = {}

    @property
    def schema(self) -> Schema:
        return get_schema()

    def now(self) -> str:
        return rfc3339(self.clock.now())

    # reads -------------------------------------------------------------------------------

    def get(self, rtype: ResourceType, namespace: str, name: str) -> Obj:
        obj = self.store.get(rtype.key, namespace if rtype.namespaced else "", name)
        if obj is None:
            raise not_found(rtype.plural, rtype.group, name)
        return obj

    def find(self, rtype: ResourceType, namespace: str, name: str) -> Obj | None:
        return self.store.get(rtype.key, namespace if rtype.namespaced else "", name)

    def list(
        self,
        rtype: ResourceType,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int = 0,
        continue_token: str | None = None,
    ) -> tuple[builtins.list[Obj], str, str | None, int | None]:
        """Matching objects sorted by namespace/name, the list resourceVersion and paging."""
        labels_match = parse_label_selector(label_selector)
        fields_match = parse_field_selector(field_selector)
        with self.store.lock:
            rv = str(self.store.rv)
            items = [
                o
                for o in self.store.list(rtype.key, namespace if rtype.namespaced else None)
                if labels_match(o["metadata"].get("labels") or {}) and fields_match(o)
            ]
        items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        if continue_token:
            try:
                state = json.loads(base64.urlsafe_b64decode(continue_token.encode()))
                after = tuple(state["start"])
                rv = state.get("rv", rv)
            except (ValueError, KeyError, TypeError) as exc:
                raise ApiError(400, "continue key is not valid") from exc
            items = [
                o
                for o in items
                if (o["metadata"].get("namespace", ""), o["metadata"]["name"]) > after
            ]
        if limit and len(items) > limit:
            last = items[limit - 1]["metadata"]
            token = base64.urlsafe_b64encode(
                json.dumps({"rv": rv, "start": [last.get("namespace", ""), last["name"]]}).encode()
            ).decode()
            return items[:limit], rv, token, len(items) - limit
        return items, rv, None, None

    # create ------------------------------------------------------------------------------

    def _check_namespace(
        self, rtype: ResourceType, namespace: str, name: str, *, dry_run: bool = False
    ) -> None:
        if not rtype.namespaced:
            return
        ns = self.store.get(kinds.NAMESPACES.key, "", namespace)
        if ns is None and self.create_namespaces:
            if dry_run:
                return  # it would be created
            ns = self.create(kinds.NAMESPACES, "", {"metadata": {"name": namespace}})
        if ns is None:
            raise not_found("namespaces", "", namespace)
        if ns["metadata"].get("deletionTimestamp"):
            raise ApiError(
                403,
                f'{rtype.plural} "{name}" is forbidden: unable to create new content in namespace '
                f"{namespace} because it is being terminated",
                reason="Forbidden",
                details={"name": name, "kind": rtype.plural},
            )

    def _prepare_body(
        self, rtype: ResourceType, namespace: str, body: Any, name: str | None
    ) -> Obj:
        if not isinstance(body, dict):
            raise bad_request("the body of the request was in an unknown format")
        api_version = body.get("apiVersion")
        if api_version and api_version != rtype.api_version:
            raise bad_request(
                f"the API version in the data ({api_version}) does not match the expected API "
                f"version ({rtype.api_version})"
            )
        if body.get("kind") and body["kind"] != rtype.kind:
            raise bad_request(
                f"the kind in the data ({body['kind']}) does not match the expected kind "
                f"({rtype.kind})"
            )
        obj: Obj = {"apiVersion": rtype.api_version, "kind": rtype.kind, "metadata": None}
        obj.update((k, clone(v)) for k, v in body.items() if k not in ("apiVersion", "kind"))
        meta = obj.get("metadata")
        if meta is None:
            meta = obj["metadata"] = {}
        if not isinstance(meta, dict):
            raise bad_request("metadata must be an object")
        if rtype.namespaced:
            body_ns = meta.get("namespace")
            if body_ns and body_ns != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent "
                    "on the request"
                )
            meta["namespace"] = namespace
        else:
            meta.pop("namespace", None)
        if name is not None and meta.get("name") and meta["name"] != name:
            raise bad_request(
                f"the name of the object ({meta['name']}) does not match the name on the URL "
                f"({name})"
            )
        if name is not None:
            meta["name"] = name
        return obj

    def _decode(self, rtype: ResourceType, obj: Obj, opts: WriteOptions) -> None:
        unknown = conform(self.schema, rtype.model, obj, strict=opts.strict)
        opts.warnings.extend(f'unknown field "{u}"' for u in unknown)

    def create(
        self,
        rtype: ResourceType,
        namespace: str,
        body: Any,
        opts: WriteOptions | None = None,
        *,
        managed_fields: builtins.list[Obj] | None = None,
    ) -> Obj:
        opts = opts or WriteOptions()
        obj = self._prepare_body(rtype, namespace, body, None)
        self._decode(rtype, obj, opts)
        with self.store.lock:
            meta = obj["metadata"]
            if not meta.get("name") and meta.get("generateName"):
                for _ in range(20):
                    candidate = meta["generateName"] + random_suffix()
                    if self.find(rtype, namespace, candidate) is None:
                        meta["name"] = candidate
                        break
            name = meta.get("name") or ""
            self._check_namespace(rtype, namespace, name, dry_run=opts.dry_run)
            submitted = clone(obj)
            self._init_metadata(rtype, obj)
            self._reset_status_on_create(rtype, obj)
            self._admit_create(rtype, obj)
            apply_defaults(rtype, obj)
            validate(rtype, obj)
            if self.find(rtype, namespace, name) is not None:
                raise already_exists(rtype.plural, rtype.group, name)
            if managed_fields is not None:
                obj["metadata"]["managedFields"] = managed_fields
            elif opts.manager and not opts.dry_run:
                submitted["metadata"].pop("managedFields", None)
                record_update(
                    schema=self.schema,
                    model=rtype.model,
                    old=None,
                    new=submitted,
                    manager=opts.manager,
                    api_version=rtype.api_version,
                    now=self.now(),
                )
                obj["metadata"]["managedFields"] = submitted["metadata"]["managedFields"]
            if opts.dry_run:
                return obj
            return self.store.put(rtype.key, obj, "ADDED")

    def _init_metadata(self, rtype: ResourceType, obj: Obj) -> None:
        meta = obj["metadata"]
        for key in _READONLY_META:
            meta.pop(key, None)
        meta.pop("resourceVersion", None)
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = self.now()
        if rtype.has_generation:
            meta["generation"] = 1

    def _reset_status_on_create(self, rtype: ResourceType, obj: Obj) -> None:
        if "status" not in rtype.subresources or rtype is kinds.NODES:
            return
        if rtype is kinds.PODS:
            obj["status"] = {"phase": "Pending", "qosClass": "BestEffort"}
        elif rtype is kinds.SERVICES:
            obj["status"] = {"loadBalancer": {}}
        elif rtype is kinds.NAMESPACES:
            obj["status"] = {"phase": "Active"}
        elif rtype is kinds.INGRESSES:
            obj["status"] = {"loadBalancer": {}}
        elif rtype in (kinds.REPLICASETS, kinds.STATEFULSETS):
            obj["status"] = {"replicas": 0}  # not omitempty in the Go type
        elif rtype is kinds.DAEMONSETS:
            obj["status"] = {
                "currentNumberScheduled": 0,
                "numberMisscheduled": 0,
                "desiredNumberScheduled": 0,
                "numberReady": 0,
            }
        else:
            obj["status"] = {}

    def _admit_create(self, rtype: ResourceType, obj: Obj) -> None:
        """Create-time mutations the real API server makes (IP allocation, job selectors)."""
        spec = obj.get("spec")
        if rtype is kinds.SERVICES and isinstance(spec, dict):
            kind = spec.get("type", "ClusterIP")
            if kind != "ExternalName" and not spec.get("clusterIP"):
                ip = f"10.96.{self._next_cluster_ip // 250}.{self._next_cluster_ip % 250 + 1}"
                self._next_cluster_ip += 1
                spec["clusterIP"] = ip
            if spec.get("clusterIP"):
                spec.setdefault("clusterIPs", [spec["clusterIP"]])
            if kind in ("NodePort", "LoadBalancer"):
                for port in spec.get("ports") or []:
                    if isinstance(port, dict) and "nodePort" not in port:
                        port["nodePort"] = self._next_node_port
                        self._next_node_port += 1
        elif rtype is kinds.JOBS and isinstance(spec, dict) and not spec.get("manualSelector"):
            uid = obj["metadata"]["uid"]
            name = obj["metadata"].get("name", "")
            spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
            template = spec.setdefault("template", {})
            if isinstance(template, dict):
                labels = template.setdefault("metadata", {}).setdefault("labels", {})
                labels.update(
                    {
                        "batch.kubernetes.io/controller-uid": uid,
                        "batch.kubernetes.io/job-name": name,
                        "controller-uid": uid,
                        "job-name": name,
                    }
                )
        elif rtype is kinds.SECRETS and isinstance(obj.get("stringData"), dict):
            self._fold_string_data(obj)

    @staticmethod
    def _fold_string_data(obj: Obj) -> None:
        data = obj.setdefault("data", {}) or {}
        for key, value in obj.pop("stringData").items():
            data[key] = base64.b64encode(str(value).encode()).decode()
        obj["data"] = data

    # update ------------------------------------------------------------------------------

    def update(
        self,
        rtype: ResourceType,
        namespace: str,
        name: str,
        body: Any,
        opts: WriteOptions | None = None,
        *,
        subresource: str | None = None,
    ) -> Obj:
        opts = opts or WriteOptions()
        obj = self._prepare_body(rtype, namespace, body, name)
        self._decode(rtype, obj, opts)
        with self.store.lock:
            old = self.get(rtype, namespace, name)
            wanted_rv = obj["metadata"].get("resourceVersion")
            if wanted_rv and wanted_rv != old["metadata"]["resourceVersion"]:
                raise stale(rtype.plural, rtype.group, name)
            return self._commit_update(rtype, old, obj, opts=opts, subresource=subresource)

    def _commit_update(
        self,
        rtype: ResourceType,
        old: Obj,
        obj: Obj,
        *,
        opts: WriteOptions,
        subresource: str | None,
        managed_fields: builtins.list[Obj] | None = None,
    ) -> Obj:
        meta, old_meta = obj["metadata"], old["metadata"]
        for key in _READONLY_META:
            if key in old_meta and key != "managedFields":
                meta[key] = old_meta[key]
            elif key != "managedFields":
                meta.pop(key, None)
        meta["resourceVersion"] = old_meta["resourceVersion"]
        if subresource == "status":
            status = obj.get("status")
            obj = clone(old)
            if status is not None:
                obj["status"] = status
        elif "status" in rtype.subresources:
            if "status" in old:
                obj["status"] = old["status"]
            else:
                obj.pop("status", None)
        if rtype is kinds.SECRETS and isinstance(obj.get("stringData"), dict):
            self._fold_string_data(obj)
        if rtype is kinds.SERVICES:
            self._keep_allocations(obj, old)
        if rtype is kinds.JOBS:
            self._keep_job_selector(obj, old)
        apply_defaults(rtype, obj)
        validate(rtype, obj, old)
        self._bump_generation(rtype, obj, old)
        if managed_fields is not None:
            meta["managedFields"] = managed_fields
        elif opts.manager and subresource is None:
            record_update(
                schema=self.schema,
                model=rtype.model,
                old=old,
                new=obj,
                manager=opts.manager,
                api_version=rtype.api_version,
                now=self.now(),
            )
        else:
            meta["managedFields"] = old_meta.get("managedFields") or []
        if not meta["managedFields"]:
            meta.pop("managedFields", None)
        if self._same(obj, old, with_managed=managed_fields is not None):
            return old
        if opts.dry_run:
            return obj
        return self._store_update(rtype, obj)

    @staticmethod
    def _keep_allocations(obj: Obj, old: Obj) -> None:
        spec, old_spec = obj.get("spec"), old.get("spec") or {}
        if not isinstance(spec, dict):
            return
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
            spec.setdefault("clusterIPs", old_spec.get("clusterIPs") or [old_spec["clusterIP"]])
        old_ports = {
            (p.get("port"), p.get("protocol", "TCP")): p for p in old_spec.get("ports") or []
        }
        for port in spec.get("ports") or []:
            if isinstance(port, dict) and "nodePort" not in port:
                previous = old_ports.get((port.get("port"), port.get("protocol", "TCP")))
                if (
                    previous
                    and "nodePort" in previous
                    and spec.get("type") in ("NodePort", "LoadBalancer")
                ):
                    port["nodePort"] = previous["nodePort"]

    @staticmethod
    def _keep_job_selector(obj: Obj, old: Obj) -> None:
        spec, old_spec = obj.get("spec"), old.get("spec") or {}
        if isinstance(spec, dict) and not spec.get("manualSelector"):
            spec.setdefault("selector", old_spec.get("selector"))
            template = spec.get("template")
            old_labels = ((old_spec.get("template") or {}).get("metadata") or {}).get(
                "labels"
            ) or {}
            if isinstance(template, dict):
                labels = template.setdefault("metadata", {}).setdefault("labels", {})
                for key, value in old_labels.items():
                    if "controller-uid" in key or "job-name" in key:
                        labels.setdefault(key, value)

    @staticmethod
    def _same(a: Obj, b: Obj, *, with_managed: bool = False) -> bool:
        def strip(o: Obj) -> Obj:
            meta = {
                k: v
                for k, v in o["metadata"].items()
                if k not in ("managedFields", "resourceVersion")
            }
            if with_managed:
                meta["managedFields"] = [
                    {k: v for k, v in e.items() if k != "time"}
                    for e in o["metadata"].get("managedFields") or []
                ]
            return dict(o, metadata=meta)

        return strip(a) == strip(b)

    @staticmethod
    def _bump_generation(rtype: ResourceType, obj: Obj, old: Obj) -> None:
        if not rtype.has_generation:
            return
        generation = old["metadata"].get("generation", 1)
        if obj.get("spec") != old.get("spec"):
            generation += 1
        obj["metadata"]["generation"] = generation

    def _store_update(self, rtype: ResourceType, obj: Obj) -> Obj:
        meta = obj["metadata"]
        if (
            meta.get("deletionTimestamp")
            and not meta.get("finalizers")
            and self._deletable(rtype, obj)
        ):
            return self.store.remove(rtype.key, obj)
        return self.store.put(rtype.key, obj, "MODIFIED")

    @staticmethod
    def _deletable(rtype: ResourceType, obj: Obj) -> bool:
        if rtype is kinds.PODS:
            return obj["metadata"].get("deletionGracePeriodSeconds") == 0
        if rtype is kinds.NAMESPACES:
            return not (obj.get("spec") or {}).get("finalizers")
        return True

    # patch / apply -----------------------------------------------------------------------

    def patch(
        self,
        rtype: ResourceType,
        namespace: str,
        name: str,
        patch_type: str,
        patch: Any,
        *,
        opts: WriteOptions | None = None,
        subresource: str | None = None,
    ) -> tuple[Obj, bool]:
        """Returns the patched object and whether it was created (apply on a missing object)."""
        opts = opts or WriteOptions()
        with self.store.lock:
            old = self.find(rtype, namespace, name)
            if patch_type == APPLY_PATCH:
                return self._apply(
                    rtype,
                    namespace,
                    name,
                    old=old,
                    config=patch,
                    opts=opts,
                    subresource=subresource,
                )
            if old is None:
                raise not_found(rtype.plural, rtype.group, name)
            if patch_type == STRATEGIC_PATCH:
                patched = strategic_merge(old, patch, schema=self.schema, model=rtype.model)
            elif patch_type == MERGE_PATCH:
                if not isinstance(patch, dict):
                    raise bad_request("merge patch must be a JSON object")
                patched = merge_patch(old, patch)
            elif patch_type == JSON_PATCH:
                patched = json_patch(clone(old), patch)
            else:
                raise ApiError(
                    415,
                    f"the body of the request was in an unknown format - accepted media "
                    f"types include: {', '.join(PATCH_TYPES)}",
                )
            obj = self._prepare_body(rtype, namespace, patched, name)
            self._decode(rtype, obj, opts)
            wanted_rv = obj["metadata"].get("resourceVersion")
            if wanted_rv and wanted_rv != old["metadata"]["resourceVersion"]:
                raise stale(rtype.plural, rtype.group, name)
            return self._commit_update(rtype, old, obj, opts=opts, subresource=subresource), False

    def _apply(
        self,
        rtype: ResourceType,
        namespace: str,
        name: str,
        *,
        old: Obj | None,
        config: Any,
        opts: WriteOptions,
        subresource: str | None,
    ) -> tuple[Obj, bool]:
        if not opts.manager:
            raise ApiError(
                422,
                'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is '
                "required for apply patch",
                reason="Invalid",
            )
        if not isinstance(config, dict):
            raise bad_request("apply patch must be an object")
        for key in ("apiVersion", "kind"):
            if not config.get(key):
                raise bad_request(f"invalid object type: {key} must be set for apply")
        config = self._prepare_body(rtype, namespace, config, name)
        self._decode(rtype, config, opts)
        merged = ssa_apply(
            schema=self.schema,
            model=rtype.model,
            live=old,
            config=config,
            manager=opts.manager,
            force=opts.force,
            api_version=rtype.api_version,
            now=self.now(),
        )
        managed = merged["metadata"].get("managedFields") or []
        if old is None:
            create_opts = WriteOptions(dry_run=opts.dry_run, warnings=opts.warnings)
            return self.create(rtype, namespace, merged, create_opts, managed_fields=managed), True
        obj = self._prepare_body(rtype, namespace, merged, name)
        write_opts = WriteOptions(dry_run=opts.dry_run)
        result = self._commit_update(
            rtype, old, obj, opts=write_opts, subresource=subresource, managed_fields=managed
        )
        return result, False

    # scale -------------------------------------------------------------------------------

    def scale_of(self, rtype: ResourceType, obj: Obj) -> Obj:
        meta = obj["metadata"]
        selector = (obj.get("spec") or {}).get("selector")
        return {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {
                "name": meta["name"],
                "namespace": meta.get("namespace", ""),
                "uid": meta["uid"],
                "resourceVersion": meta["resourceVersion"],
                "creationTimestamp": meta["creationTimestamp"],
            },
            "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
            "status": {
                "replicas": (obj.get("status") or {}).get("replicas", 0),
                "selector": selector_to_string(selector),
            },
        }

    def update_scale(
        self,
        rtype: ResourceType,
        namespace: str,
        name: str,
        *,
        body: Any = None,
        patch_type: str | None = None,
        patch: Any = None,
        opts: WriteOptions | None = None,
    ) -> Obj:
        opts = opts or WriteOptions()
        with self.store.lock:
            old = self.get(rtype, namespace, name)
            scale = self.scale_of(rtype, old)
            if patch_type is not None:
                if patch_type == JSON_PATCH:
                    scale = json_patch(clone(scale), patch)
                elif patch_type in (MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH):
                    scale = merge_patch(scale, patch)
            else:
                scale = body
            if not isinstance(scale, dict):
                raise bad_request("the body of the request was in an unknown format")
            wanted_rv = (scale.get("metadata") or {}).get("resourceVersion")
            if wanted_rv and wanted_rv != old["metadata"]["resourceVersion"]:
                raise stale(rtype.plural, rtype.group, name)
            replicas = (scale.get("spec") or {}).get("replicas", 0)
            if not isinstance(replicas, int) or replicas < 0:
                raise ApiError(
                    422,
                    f'Scale.autoscaling "{name}" is invalid: spec.replicas: Invalid value: '
                    f"{replicas}: must be greater than or equal to 0",
                    reason="Invalid",
                )
            obj = clone(old)
            obj["spec"]["replicas"] = replicas
            write_opts = WriteOptions(manager=opts.manager, dry_run=opts.dry_run)
            result = self._commit_update(rtype, old, obj, opts=write_opts, subresource=None)
            return self.scale_of(rtype, result)

    # delete ------------------------------------------------------------------------------

    def delete(
        self,
        rtype: ResourceType,
        namespace: str,
        name: str,
        options: Obj | None = None,
        *,
        dry_run: bool = False,
        warnings: builtins.list[str] | None = None,
    ) -> tuple[int, Obj]:
        """Delete honouring grace periods, finalizers and propagation; (HTTP code, body)."""
        options = options or {}
        with self.store.lock:
            obj = self.get(rtype, namespace, name)
            meta = obj["metadata"]
            pre = options.get("preconditions") or {}
            if pre.get("uid") and pre["uid"] != meta["uid"]:
                raise conflict(
                    rtype.plural,
                    rtype.group,
                    name,
                    f"Precondition failed: UID in precondition: {pre['uid']}, UID in object "
                    f"meta: {meta['uid']}",
                )
            if pre.get("resourceVersion") and pre["resourceVersion"] != meta["resourceVersion"]:
                raise conflict(
                    rtype.plural,
                    rtype.group,
                    name,
                    f"Precondition failed: ResourceVersion in precondition: "
                    f"{pre['resourceVersion']}, ResourceVersion in object meta: "
                    f"{meta['resourceVersion']}",
                )
            policy = options.get("propagationPolicy")
            if policy is None and options.get("orphanDependents") is not None:
                policy = "Orphan" if options["orphanDependents"] else "Background"
            if policy is None:
                if rtype is kinds.JOBS:
                    policy = "Orphan"
                    if warnings is not None:
                        warnings.append(
                            "child pods are preserved by default when jobs are deleted; set "
                            "propagationPolicy=Background to remove them or set "
                            "propagationPolicy=Orphan to suppress this warning"
                        )
                else:
                    policy = "Background"
            if policy not in ("Orphan", "Background", "Foreground"):
                raise ApiError(
                    422,
                    f'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported '
                    f'value: "{policy}": supported values: "Foreground", "Background", "Orphan"',
                    reason="Invalid",
                )
            if dry_run:
                return 200, obj
            updated = clone(obj)
            umeta = updated["metadata"]
            finalizers = list(umeta.get("finalizers") or [])
            if policy == "Foreground" and "foregroundDeletion" not in finalizers:
                finalizers.append("foregroundDeletion")
            if policy == "Orphan" and "orphan" not in finalizers:
                finalizers.append("orphan")
            graceful = False
            if rtype is kinds.PODS:
                grace = options.get("gracePeriodSeconds")
                if grace is None:
                    grace = (obj.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
                if not (obj.get("spec") or {}).get("nodeName"):
                    grace = 0
                current = umeta.get("deletionGracePeriodSeconds")
                if current is not None:
                    grace = min(grace, current)
                umeta["deletionGracePeriodSeconds"] = max(0, int(grace))
                graceful = grace > 0
            if rtype is kinds.NAMESPACES:
                graceful = True
                updated.setdefault("status", {})["phase"] = "Terminating"
            if finalizers != (meta.get("finalizers") or []):
                umeta["finalizers"] = finalizers
            if not finalizers and not graceful:
                final = self.store.remove(rtype.key, obj)
                return 200, self._deleted_body(rtype, final)
            if not umeta.get("deletionTimestamp"):
                grace_seconds = umeta.get("deletionGracePeriodSeconds") or 0
                umeta["deletionTimestamp"] = rfc3339(self.clock.now() + grace_seconds)
                umeta.setdefault("deletionGracePeriodSeconds", 0)
            if self._same(updated, obj):
                return 200, self._deleted_body(rtype, obj)
            stored = self._store_update(rtype, updated)
            return 200, self._deleted_body(rtype, stored)

    @staticmethod
    def _deleted_body(rtype: ResourceType, obj: Obj) -> Obj:
        """What DELETE answers: the object for kinds whose API says so, else a Status.

        The OpenAPI of pods, services and service accounts returns the object; the other
        kinds return a `Status` (the official Python client parses it as one), also while
        finalizers or a namespace clean-up keep the object around a little longer.
        """
        if rtype in _DELETE_RETURNS_OBJECT:
            return obj
        meta = obj["metadata"]
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": {
                "name": meta["name"],
                "group": rtype.group,
                "kind": rtype.plural,
                "uid": meta["uid"],
            },
        }

    def delete_collection(
        self,
        rtype: ResourceType,
        namespace: str | None,
        *,
        label_selector: str | None,
        field_selector: str | None,
        options: Obj | None = None,
        dry_run: bool = False,
    ) -> Obj:
        items, rv, _, _ = self.list(
            rtype, namespace, label_selector=label_selector, field_selector=field_selector
        )
        deleted = []
        for obj in items:
            meta = obj["metadata"]
            try:
                _, body = self.delete(
                    rtype, meta.get("namespace", ""), meta["name"], options, dry_run=dry_run
                )
            except ApiError as exc:
                if exc.code == 404:
                    continue
                raise
            deleted.append(obj if body.get("kind") == "Status" else body)
        return {
            "kind": rtype.list_kind,
            "apiVersion": rtype.api_version,
            "metadata": {"resourceVersion": rv},
            "items": deleted,
        }

    # helpers for controllers -------------------------------------------------------------

    def write(self, rtype: ResourceType, obj: Obj, old: Obj) -> Obj:
        """Controller write of a whole object (no validation, no field tracking)."""
        with self.store.lock:
            current = self.find(
                rtype, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
            )
            if current is None or current["metadata"]["uid"] != old["metadata"]["uid"]:
                return old
            self._bump_generation(rtype, obj, current)
            if self._same(obj, current):
                return current
            return self._store_update(rtype, obj)

    def write_status(self, rtype: ResourceType, old: Obj, status: Obj) -> Obj:
        if old.get("status") == status:
            return old
        obj = dict(old)
        obj["metadata"] = dict(old["metadata"])
        obj["status"] = status
        return self.write(rtype, obj, old)

    def create_internal(self, rtype: ResourceType, obj: Obj) -> Obj | None:
        """Controller create: defaults and metadata, but a missing namespace is not an error."""
        namespace = obj["metadata"].get("namespace", "")
        try:
            with self.store.lock:
                status = obj.pop("status", None)
                created = self.create(rtype, namespace, obj)
                if status is not None:
                    created = self.write_status(rtype, created, status)
                return created
        except ApiError:
            return None

    def remove_finalizer(self, rtype: ResourceType, obj: Obj, finalizer: str) -> Obj:
        finalizers = [f for f in obj["metadata"].get("finalizers") or [] if f != finalizer]
        updated = clone(obj)
        if finalizers:
            updated["metadata"]["finalizers"] = finalizers
        else:
            updated["metadata"].pop("finalizers", None)
        return self.write(rtype, updated, obj)

    def event(
        self,
        involved: Obj,
        *,
        reason: str,
        message: str,
        kind: str = "Normal",
        component: str = "",
    ) -> None:
        """Record (or bump the count of) a core/v1 Event about `involved`."""
        meta = involved["metadata"]
        namespace = meta.get("namespace") or "default"
        key = (meta["uid"], reason, message)
        now = self.now()
        with self.store.lock:
            existing_ref = self._event_keys.get(key)
            existing = self.store.get(kinds.EVENTS.key, *existing_ref) if existing_ref else None
            if existing is not None:
                updated = clone(existing)
                updated["count"] = existing.get("count", 1) + 1
                updated["lastTimestamp"] = now
                self.store.put(kinds.EVENTS.key, updated, "MODIFIED")
                return
            if self.store.get(kinds.NAMESPACES.key, "", namespace) is None:
                return
            name = f"{meta['name']}.{uuid.uuid4().hex[:16]}"
            event = {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "uid": str(uuid.uuid4()),
                    "creationTimestamp": now,
                },
                "involvedObject": {
                    "kind": involved.get("kind"),
                    "namespace": meta.get("namespace"),
                    "name": meta["name"],
                    "uid": meta["uid"],
                    "apiVersion": involved.get("apiVersion"),
                    "resourceVersion": meta.get("resourceVersion"),
                },
                "reason": reason,
                "message": message,
                "source": {"component": component},
                "firstTimestamp": now,
                "lastTimestamp": now,
                "count": 1,
                "type": kind,
                "eventTime": None,
                "reportingComponent": component,
                "reportingInstance": "",
            }
            self.store.put(kinds.EVENTS.key, event, "ADDED")
            self._event_keys[key] = (namespace, name)

    def forget_events(self, uid: str) -> None:
        for key in [k for k in self._event_keys if k[0] == uid]:
            del self._event_keys[key]


def owner_reference(owner: Obj, *, controller: bool = True) -> Obj:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": controller,
        "blockOwnerDeletion": True,
    }


def controller_of(obj: Obj) -> str | None:
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref.get("uid")
    return None


def selector_matches(selector: Obj | None, obj: Obj) -> bool:
    if not selector:
        return False
    return label_selector_matcher(selector)(obj["metadata"].get("labels") or {})
