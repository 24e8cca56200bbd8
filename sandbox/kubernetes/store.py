"""The in-memory object store: one resourceVersion counter, owner indexes and the watch event log.

Stored objects are never mutated after `put`: writers always store a fresh dict. That lets
readers (HTTP responses, watch events, controllers) share references without copying.
"""

from __future__ import annotations

import bisect
import builtins
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.errors import ApiError

Obj = dict[str, Any]
Ref = tuple[str, str, str]  # (resource key, namespace, name)


@dataclass(frozen=True)
class WatchEvent:
    rv: int
    rkey: str
    namespace: str
    type: str  # ADDED | MODIFIED | DELETED
    obj: Obj


class Store:
    """Objects by resource type, plus the history of changes that watches replay."""

    def __init__(self, *, history: int = 20_000, first_rv: int = 1000) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.rv = first_rv
        self.closed = False
        self._history = history
        self._objects: dict[str, dict[tuple[str, str], Obj]] = {r.key: {} for r in kinds.RESOURCES}
        self._by_uid: dict[str, Ref] = {}
        self._dependents: dict[str, set[Ref]] = {}
        self._events: list[WatchEvent] = []
        self._event_rvs: list[int] = []
        self._oldest_rv = first_rv

    # reads -------------------------------------------------------------------------------

    def get(self, rkey: str, namespace: str, name: str) -> Obj | None:
        return self._objects[rkey].get((namespace, name))

    def list(self, rkey: str, namespace: str | None = None) -> builtins.list[Obj]:
        bucket = self._objects[rkey]
        if namespace is None:
            return list(bucket.values())
        return [o for (ns, _), o in bucket.items() if ns == namespace]

    def count(self, rkey: str) -> int:
        return len(self._objects[rkey])

    def by_uid(self, uid: str) -> tuple[str, Obj] | None:
        ref = self._by_uid.get(uid)
        if ref is None:
            return None
        obj = self._objects[ref[0]].get((ref[1], ref[2]))
        return (ref[0], obj) if obj is not None else None

    def dependents(self, uid: str) -> builtins.list[tuple[str, Obj]]:
        out = []
        for rkey, ns, name in sorted(self._dependents.get(uid, ())):
            obj = self._objects[rkey].get((ns, name))
            if obj is not None:
                out.append((rkey, obj))
        return out

    def owner_uids(self) -> Iterable[str]:
        return list(self._dependents)

    # writes ------------------------------------------------------------------------------

    def next_rv(self) -> int:
        self.rv += 1
        return self.rv

    def put(self, rkey: str, obj: Obj, event_type: str) -> Obj:
        """Store `obj` (which the caller must not touch afterwards) under a new resourceVersion."""
        with self.lock:
            rv = self.next_rv()
            meta = obj["metadata"]
            meta["resourceVersion"] = str(rv)
            ns, name = meta.get("namespace", ""), meta["name"]
            previous = self._objects[rkey].get((ns, name))
            if previous is not None:
                self._unindex(rkey, previous)
            self._objects[rkey][(ns, name)] = obj
            self._index(rkey, obj)
            self._record(WatchEvent(rv, rkey, ns, event_type, obj))
            return obj

    def remove(self, rkey: str, obj: Obj) -> Obj:
        with self.lock:
            meta = obj["metadata"]
            ns, name = meta.get("namespace", ""), meta["name"]
            current = self._objects[rkey].pop((ns, name), None)
            if current is None:
                return obj
            self._unindex(rkey, current)
            rv = self.next_rv()
            final = dict(current)
            final["metadata"] = dict(current["metadata"], resourceVersion=str(rv))
            self._record(WatchEvent(rv, rkey, ns, "DELETED", final))
            return final

    def _index(self, rkey: str, obj: Obj) -> None:
        meta = obj["metadata"]
        ref = (rkey, meta.get("namespace", ""), meta["name"])
        self._by_uid[meta["uid"]] = ref
        for owner in meta.get("ownerReferences") or ():
            self._dependents.setdefault(owner.get("uid", ""), set()).add(ref)

    def _unindex(self, rkey: str, obj: Obj) -> None:
        meta = obj["metadata"]
        ref = (rkey, meta.get("namespace", ""), meta["name"])
        if self._by_uid.get(meta["uid"]) == ref:
            del self._by_uid[meta["uid"]]
        for owner in meta.get("ownerReferences") or ():
            uid = owner.get("uid", "")
            refs = self._dependents.get(uid)
            if refs is not None:
                refs.discard(ref)
                if not refs:
                    del self._dependents[uid]

    def _record(self, event: WatchEvent) -> None:
        self._events.append(event)
        self._event_rvs.append(event.rv)
        if len(self._events) > 2 * self._history:
            drop = len(self._events) - self._history
            self._oldest_rv = self._event_rvs[drop - 1]
            del self._events[:drop]
            del self._event_rvs[:drop]
        self.changed.notify_all()

    # watch -------------------------------------------------------------------------------

    def events_after(self, rv: int) -> builtins.list[WatchEvent]:
        """Events with resourceVersion > rv; 410 Gone when rv fell out of the history."""
        if rv < self._oldest_rv:
            raise ApiError(
                410,
                f"too old resource version: {rv} ({self._oldest_rv})",
                reason="Expired",
            )
        start = bisect.bisect_right(self._event_rvs, rv)
        return self._events[start:]

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.changed.notify_all()
