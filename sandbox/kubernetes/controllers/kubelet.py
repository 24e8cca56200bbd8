"""Scheduler + kubelet: pods get a node and an IP, pull images, start, run programs, become ready.

A pod's status is recomputed from its simulated timeline on every tick (so it is a pure
function of the pod, the clock and the tunables); events are emitted once per milestone.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.controllers.base import Context, set_condition
from sandbox.kubernetes.patching import clone
from sandbox.kubernetes.shell import Program, program_for
from sandbox.kubernetes.store import Obj

MAX_BACKOFF = 300.0
BROKEN_TAG = "broken"


def image_tag(image: str) -> str:
    last = image.rsplit("/", 1)[-1].split("@", 1)[0]
    return last.split(":", 1)[1] if ":" in last else "latest"


def full_image(image: str) -> str:
    """`nginx:1.25` -> `docker.io/library/nginx:1.25`, as containerd reports it."""
    name = image if ":" in image.rsplit("/", 1)[-1] or "@" in image else f"{image}:latest"
    first = name.split("/", 1)[0]
    if "/" not in name:
        return f"docker.io/library/{name}"
    if "." not in first and ":" not in first and first != "localhost":
        return f"docker.io/{name}"
    return name


@dataclass
class ContainerSim:
    name: str
    image: str
    broken: bool
    program: Program | None
    container_id: str


@dataclass
class PodSim:
    uid: str
    scheduled_at: float
    start_at: float
    restart_policy: str
    containers: list[ContainerSim]
    init_containers: list[ContainerSim]
    emitted: set[str] = field(default_factory=set)
    killed_at: float | None = None


@dataclass
class ContainerView:
    """One container's state at a moment."""

    status: dict[str, Any]
    ready: bool
    running: bool
    finished: bool  # terminated for good
    exit_code: int | None
    run: int
    run_started: float | None
    next_change: float | None


class Kubelet:
    """Binds pods to nodes and plays out their containers' lives."""

    def __init__(self) -> None:
        self.pods: dict[str, PodSim] = {}
        self._next_ip = 0
        self._ips: dict[str, str] = {}
        self._rr = 0

    # scheduling --------------------------------------------------------------------------

    def _pick_node(self, ctx: Context) -> Obj | None:
        nodes = sorted(
            (
                n
                for n in ctx.store.list(kinds.NODES.key)
                if not (n.get("spec") or {}).get("unschedulable")
            ),
            key=lambda n: n["metadata"]["name"],
        )
        if not nodes:
            return None
        node = nodes[self._rr % len(nodes)]
        self._rr += 1
        return node

    def _pod_ip(self, uid: str) -> str:
        if uid not in self._ips:
            n = self._next_ip
            self._next_ip += 1
            self._ips[uid] = f"10.244.{n // 250}.{n % 250 + 2}"
        return self._ips[uid]

    def _sim(self, ctx: Context, pod: Obj) -> PodSim:
        uid = pod["metadata"]["uid"]
        sim = self.pods.get(uid)
        if sim is not None:
            return sim
        spec = pod.get("spec") or {}
        policy = spec.get("restartPolicy", "Always")

        def make(container: Obj, index: int) -> ContainerSim:
            program = program_for(container)
            if program is None and policy != "Always":
                program = Program([], 0.0, 0)  # a job-like container with no known program
            image = str(container.get("image", ""))
            digest = hashlib.sha256(f"{uid}/{container.get('name')}/{index}".encode()).hexdigest()
            return ContainerSim(
                name=str(container.get("name", "")),
                image=image,
                broken=image_tag(image) == BROKEN_TAG,
                program=program,
                container_id=f"containerd://{digest}",
            )

        now = ctx.now()
        sim = PodSim(
            uid=uid,
            scheduled_at=now,
            start_at=now + ctx.config.pod_ready_seconds,
            restart_policy=policy,
            containers=[make(c, i) for i, c in enumerate(spec.get("containers") or [])],
            init_containers=[
                make(c, 100 + i) for i, c in enumerate(spec.get("initContainers") or [])
            ],
        )
        init_time = sum(
            (c.program.duration if c.program and not math.isinf(c.program.duration) else 0.0)
            for c in sim.init_containers
        )
        sim.start_at += init_time
        self.pods[uid] = sim
        return sim

    # the loop ----------------------------------------------------------------------------

    def reconcile(self, ctx: Context) -> None:
        live: set[str] = set()
        for pod in ctx.store.list(kinds.PODS.key):
            uid = pod["metadata"]["uid"]
            live.add(uid)
            spec = pod.get("spec") or {}
            if not spec.get("nodeName"):
                if pod["metadata"].get("deletionTimestamp"):
                    continue
                self._schedule(ctx, pod)
                continue
            sim = self._sim(ctx, pod)
            if pod["metadata"].get("deletionTimestamp"):
                self._terminate(ctx, pod, sim)
                continue
            self._sync_status(ctx, pod, sim)
        for uid in [u for u in self.pods if u not in live]:
            del self.pods[uid]
            self._ips.pop(uid, None)
            ctx.pod_ready_at.pop(uid, None)
            ctx.registry.forget_events(uid)

    def _schedule(self, ctx: Context, pod: Obj) -> None:
        node = self._pick_node(ctx)
        if node is None:
            status = clone(pod.get("status") or {})
            status["phase"] = "Pending"
            status["conditions"] = set_condition(
                status.get("conditions") or [],
                type_="PodScheduled",
                status="False",
                now=ctx.stamp(),
                reason="Unschedulable",
                message="0/0 nodes are available: no nodes available to schedule pods.",
                probe_time=True,
            )
            ctx.registry.write_status(kinds.PODS, pod, status)
            return
        updated = clone(pod)
        updated["spec"]["nodeName"] = node["metadata"]["name"]
        stored = ctx.registry.write(kinds.PODS, updated, pod)
        meta = pod["metadata"]
        ctx.registry.event(
            stored,
            reason="Scheduled",
            message=f"Successfully assigned {meta.get('namespace')}/{meta['name']} to "
            f"{node['metadata']['name']}",
            component="default-scheduler",
        )

    def _terminate(self, ctx: Context, pod: Obj, sim: PodSim) -> None:
        if sim.killed_at is None:
            sim.killed_at = ctx.now()
            if (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                for container in sim.containers:
                    ctx.registry.event(
                        pod,
                        reason="Killing",
                        message=f"Stopping container {container.name}",
                        component="kubelet",
                    )
        grace = pod["metadata"].get("deletionGracePeriodSeconds") or 0
        finished = (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
        linger = 0.0 if finished else min(float(grace), ctx.config.pod_terminate_seconds)
        done_at = sim.killed_at + linger
        if ctx.now() < done_at:
            ctx.wake_at(done_at)
            status = clone(pod.get("status") or {})
            conditions = status.get("conditions") or []
            for cond_type in ("Ready", "ContainersReady"):
                conditions = set_condition(
                    conditions,
                    type_=cond_type,
                    status="False",
                    now=ctx.stamp(),
                    probe_time=True,
                )
            status["conditions"] = conditions
            ctx.registry.write_status(kinds.PODS, pod, status)
            return
        updated = clone(pod)
        updated["metadata"]["deletionGracePeriodSeconds"] = 0
        ctx.registry.write(kinds.PODS, updated, pod)

    # container timelines -----------------------------------------------------------------

    def _backoff(self, ctx: Context, run: int) -> float:
        base = max(ctx.config.restart_backoff_seconds, 0.01)
        return min(base * (2**run), MAX_BACKOFF)

    def _view(self, ctx: Context, pod: Obj, sim: PodSim, c: ContainerSim) -> ContainerView:
        now = ctx.now()
        image_id = (
            f"{full_image(c.image).rsplit(':', 1)[0]}@sha256:"
            + hashlib.sha256(c.image.encode()).hexdigest()
        )
        base = {"name": c.name, "image": full_image(c.image) if not c.broken else c.image}
        if c.broken:
            pull_failed = sim.scheduled_at + ctx.config.pod_ready_seconds
            err = (
                f"rpc error: code = NotFound desc = failed to pull and unpack image "
                f'"{full_image(c.image)}": failed to resolve reference "{full_image(c.image)}": '
                f"{full_image(c.image)}: not found"
            )
            if now < pull_failed:
                waiting = {"reason": "ContainerCreating"}
                nxt: float | None = pull_failed
            elif now < pull_failed + ctx.config.image_pull_backoff_seconds:
                waiting = {"reason": "ErrImagePull", "message": err}
                nxt = pull_failed + ctx.config.image_pull_backoff_seconds
            else:
                waiting = {
                    "reason": "ImagePullBackOff",
                    "message": f'Back-off pulling image "{c.image}": ErrImagePull: {err}',
                }
                nxt = None
            status = dict(
                base,
                state={"waiting": waiting},
                lastState={},
                ready=False,
                restartCount=0,
                started=False,
                imageID="",
            )
            return ContainerView(status, False, False, False, None, 0, None, nxt)
        if now < sim.start_at:
            status = dict(
                base,
                state={"waiting": {"reason": "ContainerCreating"}},
                lastState={},
                ready=False,
                restartCount=0,
                started=False,
                imageID="",
            )
            return ContainerView(status, False, False, False, None, 0, None, sim.start_at)
        extra = {"imageID": image_id, "containerID": c.container_id}
        program = c.program
        if program is None or math.isinf(program.duration):
            status = dict(
                base,
                state={"running": {"startedAt": ctx.stamp(sim.start_at)}},
                lastState={},
                ready=True,
                restartCount=0,
                started=True,
                **extra,
            )
            return ContainerView(status, True, True, False, None, 0, sim.start_at, None)
        restarts = sim.restart_policy == "Always" or (
            sim.restart_policy == "OnFailure" and program.exit_code != 0
        )
        run, start = 0, sim.start_at
        while restarts and run < 1000:
            end = start + program.duration
            following = end + self._backoff(ctx, run)
            if following > now:
                break
            start = following
            run += 1
        end = start + program.duration

        def terminated(run_start: float) -> dict[str, Any]:
            return {
                "terminated": {
                    "exitCode": program.exit_code,
                    "reason": "Completed" if program.exit_code == 0 else "Error",
                    "startedAt": ctx.stamp(run_start),
                    "finishedAt": ctx.stamp(run_start + program.duration),
                    "containerID": c.container_id,
                }
            }

        previous_start = None
        if run > 0:
            previous_start = start - self._backoff(ctx, run - 1) - program.duration
        last_state = terminated(previous_start) if previous_start is not None else {}
        if now < end:
            status = dict(
                base,
                state={"running": {"startedAt": ctx.stamp(start)}},
                lastState=last_state,
                ready=True,
                restartCount=run,
                started=True,
                **extra,
            )
            return ContainerView(status, True, True, False, None, run, start, end)
        if restarts:
            wait = self._backoff(ctx, run)
            waiting = {
                "reason": "CrashLoopBackOff",
                "message": f"back-off {int(wait)}s restarting failed container={c.name} "
                f"pod={pod['metadata']['name']}_{pod['metadata'].get('namespace')}"
                f"({sim.uid})",
            }
            status = dict(
                base,
                state={"waiting": waiting},
                lastState=terminated(start),
                ready=False,
                restartCount=run + 1,
                started=False,
                **extra,
            )
            return ContainerView(
                status, False, False, False, program.exit_code, run, start, end + wait
            )
        status = dict(
            base,
            state=terminated(start),
            lastState=last_state,
            ready=False,
            restartCount=run,
            started=False,
            **extra,
        )
        return ContainerView(status, False, False, True, program.exit_code, run, start, None)

    def _events(
        self, ctx: Context, pod: Obj, sim: PodSim, c: ContainerSim, view: ContainerView
    ) -> None:
        def once(key: str, reason: str, message: str, kind: str = "Normal") -> None:
            tag = f"{c.name}/{key}"
            if tag not in sim.emitted:
                sim.emitted.add(tag)
                ctx.registry.event(
                    pod, reason=reason, message=message, kind=kind, component="kubelet"
                )

        reason = (view.status["state"].get("waiting") or {}).get("reason")
        if c.broken:
            if reason in ("ErrImagePull", "ImagePullBackOff"):
                once("pulling", "Pulling", f'Pulling image "{c.image}"')
                once(
                    "pullfail",
                    "Failed",
                    f'Failed to pull image "{c.image}": '
                    + view.status["state"]["waiting"]
                    .get("message", "")
                    .split(": ErrImagePull: ")[-1],
                    "Warning",
                )
                once("errpull", "Failed", "Error: ErrImagePull", "Warning")
            if reason == "ImagePullBackOff":
                once("backoff", "BackOff", f'Back-off pulling image "{c.image}"')
                once("errbackoff", "Failed", "Error: ImagePullBackOff", "Warning")
            return
        if view.run_started is None:
            return
        once("pulled", "Pulled", f'Container image "{c.image}" already present on machine')
        for run in range(view.run + 1):
            once(f"created/{run}", "Created", f"Created container: {c.name}")
            once(f"started/{run}", "Started", f"Started container {c.name}")
        if reason == "CrashLoopBackOff":
            once(
                f"crash/{view.run}",
                "BackOff",
                f"Back-off restarting failed container {c.name} in pod "
                f"{pod['metadata']['name']}_{pod['metadata'].get('namespace')}({sim.uid})",
                "Warning",
            )

    def _sync_status(self, ctx: Context, pod: Obj, sim: PodSim) -> None:
        views = []
        for container in sim.containers:
            view = self._view(ctx, pod, sim, container)
            self._events(ctx, pod, sim, container, view)
            if view.next_change is not None:
                ctx.wake_at(view.next_change)
            views.append(view)
        now_stamp = ctx.stamp()
        old = pod.get("status") or {}
        started = ctx.now() >= sim.start_at
        all_ready = bool(views) and all(v.ready for v in views)
        all_done = bool(views) and all(v.finished for v in views)
        if all_done:
            phase = "Succeeded" if all(v.exit_code == 0 for v in views) else "Failed"
        elif any(v.running or v.run_started is not None for v in views):
            phase = "Running"
        else:
            phase = "Pending"
        conditions = list(old.get("conditions") or [])
        conditions = set_condition(
            conditions,
            type_="PodReadyToStartContainers",
            status="True" if started else "False",
            now=now_stamp,
            probe_time=True,
        )
        conditions = set_condition(
            conditions, type_="Initialized", status="True", now=now_stamp, probe_time=True
        )
        if phase in ("Succeeded", "Failed"):
            ready_args: dict[str, Any] = {"status": "False", "reason": "PodCompleted"}
            containers_ready = dict(ready_args)
        elif all_ready:
            ready_args = {"status": "True"}
            containers_ready = dict(ready_args)
        else:
            unready = ", ".join(
                c.name for c, v in zip(sim.containers, views, strict=True) if not v.ready
            )
            ready_args = {
                "status": "False",
                "reason": "ContainersNotReady",
                "message": f"containers with unready status: [{unready}]",
            }
            containers_ready = dict(ready_args)
        conditions = set_condition(
            conditions,
            type_="Ready",
            now=now_stamp,
            probe_time=True,
            **dict(ready_args.items()),
        )
        conditions = set_condition(
            conditions, type_="ContainersReady", now=now_stamp, probe_time=True, **containers_ready
        )
        conditions = set_condition(
            conditions, type_="PodScheduled", status="True", now=now_stamp, probe_time=True
        )
        order = [
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
            "PodScheduled",
        ]
        conditions.sort(key=lambda c: order.index(c["type"]) if c["type"] in order else 99)
        uid = sim.uid
        if all_ready and uid not in ctx.pod_ready_at:
            ctx.pod_ready_at[uid] = ctx.now()
        elif not all_ready:
            ctx.pod_ready_at.pop(uid, None)
        node = ctx.store.get(kinds.NODES.key, "", pod["spec"]["nodeName"])
        host_ip = _node_ip(node) if node else "10.0.0.2"
        status: dict[str, Any] = {
            "phase": phase,
            "conditions": conditions,
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": self._pod_ip(uid),
            "podIPs": [{"ip": self._pod_ip(uid)}],
            "startTime": ctx.stamp(sim.scheduled_at),
            "containerStatuses": [v.status for v in views],
            "qosClass": old.get("qosClass", "BestEffort"),
        }
        if sim.init_containers:
            status["initContainerStatuses"] = [
                {
                    "name": c.name,
                    "image": full_image(c.image),
                    "state": {"terminated": {"exitCode": 0, "reason": "Completed"}},
                    "ready": True,
                    "restartCount": 0,
                    "started": False,
                }
                for c in sim.init_containers
            ]
        ctx.registry.write_status(kinds.PODS, pod, status)

    # logs --------------------------------------------------------------------------------

    def logs(
        self,
        ctx: Context,
        pod: Obj,
        container: str,
        *,
        previous: bool = False,
    ) -> list[tuple[float, str]]:
        """Log lines (simulated time, text) the container has written so far."""
        sim = self.pods.get(pod["metadata"]["uid"])
        if sim is None:
            return []
        c = next((x for x in sim.containers + sim.init_containers if x.name == container), None)
        if c is None or c.program is None or c.broken:
            return []
        view = self._view(ctx, pod, sim, c)
        if view.run_started is None:
            return []
        start = view.run_started
        if previous:
            if view.run == 0 and not view.status["state"].get("waiting"):
                return []
            if not view.status["state"].get("waiting"):
                start = start - self._backoff(ctx, view.run - 1) - c.program.duration
        now = ctx.now()
        return [(start + offset, line) for offset, line in c.program.lines if start + offset <= now]


def _node_ip(node: Obj) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address.get("address"))
    return "10.0.0.2"
