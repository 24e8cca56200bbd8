"""Garbage collection (owner references, foreground/orphan finalizers), namespaces, event expiry."""

from __future__ import annotations

import contextlib

from sandbox.kubernetes import kinds
from sandbox.kubernetes.clock import parse_rfc3339
from sandbox.kubernetes.controllers.base import Context, is_terminating
from sandbox.kubernetes.errors import ApiError
from sandbox.kubernetes.patching import clone
from sandbox.kubernetes.store import Obj

FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"


def _delete(ctx: Context, rkey: str, obj: Obj, policy: str = "Background") -> None:
    rtype = kinds.BY_KEY[rkey]
    meta = obj["metadata"]
    with contextlib.suppress(ApiError):
        ctx.registry.delete(
            rtype, meta.get("namespace", ""), meta["name"], {"propagationPolicy": policy}
        )


class GarbageCollector:
    def reconcile(self, ctx: Context) -> None:
        store = ctx.store
        for owner_uid in store.owner_uids():
            if store.by_uid(owner_uid) is not None:
                continue
            for rkey, dependent in store.dependents(owner_uid):
                refs = dependent["metadata"].get("ownerReferences") or []
                if any(store.by_uid(r.get("uid", "")) is not None for r in refs):
                    continue
                if not is_terminating(dependent):
                    _delete(ctx, rkey, dependent)
        for rtype in kinds.RESOURCES:
            for obj in store.list(rtype.key):
                meta = obj["metadata"]
                if not meta.get("deletionTimestamp"):
                    continue
                finalizers = meta.get("finalizers") or []
                if ORPHAN in finalizers:
                    self._orphan(ctx, obj)
                    ctx.registry.remove_finalizer(rtype, obj, ORPHAN)
                elif FOREGROUND in finalizers:
                    dependents = store.dependents(meta["uid"])
                    if not dependents:
                        ctx.registry.remove_finalizer(rtype, obj, FOREGROUND)
                    for rkey, dependent in dependents:
                        if not is_terminating(dependent):
                            _delete(ctx, rkey, dependent, "Foreground")

    def _orphan(self, ctx: Context, owner: Obj) -> None:
        uid = owner["metadata"]["uid"]
        for rkey, dependent in ctx.store.dependents(uid):
            updated = clone(dependent)
            refs = [
                r for r in updated["metadata"].get("ownerReferences") or [] if r.get("uid") != uid
            ]
            if refs:
                updated["metadata"]["ownerReferences"] = refs
            else:
                updated["metadata"].pop("ownerReferences", None)
            ctx.registry.write(kinds.BY_KEY[rkey], updated, dependent)


class NamespaceController:
    """Empties terminating namespaces, then removes them; gives each namespace a default SA."""

    def reconcile(self, ctx: Context) -> None:
        for ns in ctx.store.list(kinds.NAMESPACES.key):
            name = ns["metadata"]["name"]
            if not is_terminating(ns):
                if ctx.store.get(kinds.SERVICEACCOUNTS.key, name, "default") is None:
                    ctx.registry.create_internal(
                        kinds.SERVICEACCOUNTS,
                        {"metadata": {"name": "default", "namespace": name}},
                    )
                continue
            remaining = 0
            for rtype in kinds.RESOURCES:
                if not rtype.namespaced:
                    continue
                for obj in ctx.store.list(rtype.key, name):
                    remaining += 1
                    if not is_terminating(obj):
                        _delete(ctx, rtype.key, obj)
            if remaining == 0:
                updated = clone(ns)
                updated["spec"]["finalizers"] = []
                ctx.registry.write(kinds.NAMESPACES, updated, ns)


class EventExpiry:
    def reconcile(self, ctx: Context) -> None:
        ttl = ctx.config.event_ttl_seconds
        horizon = ctx.now() - ttl
        for event in ctx.store.list(kinds.EVENTS.key):
            last = parse_rfc3339(event.get("lastTimestamp")) or ctx.now()
            if last <= horizon:
                ctx.store.remove(kinds.EVENTS.key, event)
            else:
                ctx.wake_at(last + ttl)
