"""Who a stage runs as: the run's user, or the judge of an upstream judgment that propagates it."""

from __future__ import annotations

from typing import Any

from engine import graph
from engine.model import Stage
from engine.status import Status


def authenticated_user(stage: Stage) -> dict[str, Any]:
    """`{user, allowedAccounts}` (Orca's AuthenticationAware).

    The nearest upstream `manualJudgment` that was continued with
    `propagateAuthenticationContext: true` hands its judge to everything downstream of it.
    """
    for ancestor in graph.ancestors(stage):
        if (
            ancestor.type == "manualJudgment"
            and ancestor.status != Status.SKIPPED
            and ancestor.context.get("propagateAuthenticationContext") is True
            and str(ancestor.context.get("judgmentStatus", "")).lower() == "continue"
        ):
            modified = ancestor.last_modified or {}
            user = modified.get("user") or ancestor.context.get("lastModifiedBy")
            if user:
                return {
                    "user": user,
                    "allowedAccounts": list(modified.get("allowedAccounts") or []),
                }
    authentication = stage.execution.authentication
    return {
        "user": authentication.get("user"),
        "allowedAccounts": list(authentication.get("allowedAccounts") or []),
    }
