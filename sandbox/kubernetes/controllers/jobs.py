"""Job controller: runs pods to `completions`, counts failures against `backoffLimit`."""

from __future__ import annotations

from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.clock import parse_rfc3339
from sandbox.kubernetes.controllers.base import Context, is_ready, is_terminating, set_condition
from sandbox.kubernetes.controllers.replicasets import owned_pods, pod_from_template
from sandbox.kubernetes.patching import clone
from sandbox.kubernetes.store import Obj


def _condition_true(status: Obj, type_: str) -> bool:
    return any(
        c.get("type") == type_ and c.get("status") == "True" for c in status.get("conditions") or []
    )


def _restarts(pod: Obj) -> int:
    return sum(
        int(cs.get("restartCount", 0))
        for cs in (pod.get("status") or {}).get("containerStatuses") or []
    )


class JobController:
    def reconcile(self, ctx: Context) -> None:
        for job in ctx.store.list(kinds.JOBS.key):
            if is_terminating(job):
                continue
            self._sync(ctx, job)

    def _sync(self, ctx: Context, job: Obj) -> None:
        spec = job.get("spec") or {}
        old_status = job.get("status") or {}
        status: dict[str, Any] = clone(old_status)
        now = ctx.stamp()
        pods = owned_pods(ctx, job)
        finished = _condition_true(status, "Complete") or _condition_true(status, "Failed")
        if finished:
            for pod in pods:
                if not is_terminating(pod) and (pod.get("status") or {}).get("phase") not in (
                    "Succeeded",
                    "Failed",
                ):
                    meta = pod["metadata"]
                    ctx.registry.delete(kinds.PODS, meta["namespace"], meta["name"])
            self._ttl(ctx, job, status)
            return
        active = [
            p
            for p in pods
            if not is_terminating(p)
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
        ]
        succeeded = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Succeeded")
        failed = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Failed")
        failed += sum(_restarts(p) for p in active)
        completions = spec.get("completions")
        parallelism = int(spec.get("parallelism", 1))
        backoff_limit = int(spec.get("backoffLimit", 6))
        status.setdefault("startTime", now)
        status["uncountedTerminatedPods"] = {}
        conditions = list(status.get("conditions") or [])
        failure: tuple[str, str] | None = None
        started = parse_rfc3339(status["startTime"]) or ctx.now()
        deadline = spec.get("activeDeadlineSeconds")
        if spec.get("suspend"):
            for pod in active:
                meta = pod["metadata"]
                ctx.registry.delete(kinds.PODS, meta["namespace"], meta["name"])
            active = []
            conditions = set_condition(
                conditions,
                type_="Suspended",
                status="True",
                now=now,
                reason="JobSuspended",
                message="Job suspended",
                probe_time=True,
            )
        elif deadline is not None and ctx.now() - started >= float(deadline):
            failure = ("DeadlineExceeded", "Job was active longer than specified deadline")
        elif failed > backoff_limit:
            failure = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
        elif deadline is not None:
            ctx.wake_at(started + float(deadline))
        done = (
            succeeded >= int(completions)
            if completions is not None
            else succeeded > 0 and not active
        )
        if failure is not None:
            reason, message = failure
            for pod in active:
                meta = pod["metadata"]
                ctx.registry.delete(kinds.PODS, meta["namespace"], meta["name"])
            active = []
            for type_ in ("FailureTarget", "Failed"):
                conditions = set_condition(
                    conditions,
                    type_=type_,
                    status="True",
                    now=now,
                    reason=reason,
                    message=message,
                    probe_time=True,
                )
            ctx.registry.event(
                job, reason=reason, message=message, kind="Warning", component="job-controller"
            )
        elif done:
            message = "Reached expected number of succeeded pods"
            for type_ in ("SuccessCriteriaMet", "Complete"):
                conditions = set_condition(
                    conditions,
                    type_=type_,
                    status="True",
                    now=now,
                    reason="CompletionsReached",
                    message=message,
                    probe_time=True,
                )
            status["completionTime"] = now
            ctx.registry.event(
                job, reason="Completed", message="Job completed", component="job-controller"
            )
        elif not spec.get("suspend"):
            remaining = (int(completions) - succeeded) if completions is not None else parallelism
            wanted = min(parallelism, remaining) - len(active)
            for _ in range(max(wanted, 0)):
                created = ctx.registry.create_internal(
                    kinds.PODS, pod_from_template(job, spec.get("template") or {})
                )
                if created is not None:
                    active.append(created)
                    ctx.registry.event(
                        job,
                        reason="SuccessfulCreate",
                        message=f"Created pod: {created['metadata']['name']}",
                        component="job-controller",
                    )
        status["active"] = len(active)
        status["ready"] = sum(1 for p in active if is_ready(p))
        status["succeeded"] = succeeded
        status["failed"] = failed
        status["terminating"] = sum(1 for p in pods if is_terminating(p))
        for key in ("active", "succeeded", "failed"):
            if not status[key]:
                status.pop(key)
        if conditions:
            status["conditions"] = conditions
        ctx.registry.write_status(kinds.JOBS, job, status)

    def _ttl(self, ctx: Context, job: Obj, status: Obj) -> None:
        ttl = (job.get("spec") or {}).get("ttlSecondsAfterFinished")
        if ttl is None:
            return
        finished_at = None
        for cond in status.get("conditions") or []:
            if cond.get("type") in ("Complete", "Failed") and cond.get("status") == "True":
                finished_at = parse_rfc3339(cond.get("lastTransitionTime"))
        if finished_at is None:
            return
        expires = finished_at + float(ttl)
        if ctx.now() >= expires:
            meta = job["metadata"]
            ctx.registry.delete(
                kinds.JOBS, meta["namespace"], meta["name"], {"propagationPolicy": "Background"}
            )
        else:
            ctx.wake_at(expires)
