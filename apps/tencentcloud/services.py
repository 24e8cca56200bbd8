"""Infrastructure-view actions on one server group: resize, enable, disable, destroy, rollback.

Each action makes the API calls and returns at once (nothing here waits for instances); the
group's state, read again through the listing, shows the progress."""

from __future__ import annotations

import math
from typing import Any

from apps.applications.models import Application
from apps.cloudaccounts.connections import tencent_connection
from apps.core.conf import platform_settings
from apps.core.errors import Conflict, NotFound, UpstreamError, ValidationFailed
from apps.tencentcloud.accounts import tencent_account
from apps.tencentcloud.stages import capacity, config, inventory, naming, operations
from apps.tencentcloud.stages.api import CloudApi
from apps.tencentcloud.stages.errors import CloudError
from apps.tencentcloud.stages.model import ServerGroup

ACTIONS = ("resize", "enable", "disable", "destroy", "rollback")


def _api(application: Application, account_name: str, region: str) -> CloudApi:
    account = tencent_account(team=application.team, name=account_name)
    connection = tencent_connection(account)
    if region not in connection.regions:
        raise NotFound(f"Region {region!r} is not configured for account {account_name!r}.")
    return CloudApi(
        connection, region, timeout=int(platform_settings.ACCOUNT_CHECK_TIMEOUT_SECONDS)
    )


def _group(api: CloudApi, application: Application, name: str) -> ServerGroup:
    # A group outside the application is as missing as one that does not exist.
    if naming.parse(name).app != application.name:
        raise NotFound(f"Server group {name!r} not found.")
    group = inventory.find(api, name)
    if group is None:
        raise NotFound(f"Server group {name!r} not found.")
    return group


def _upstream(error: CloudError) -> UpstreamError:
    return UpstreamError(f"Tencent Cloud refused: {error}", details=error.as_context())


def _state(api: CloudApi, name: str) -> dict[str, Any]:
    group = inventory.find(api, name)
    return group.summary() if group else {"serverGroupName": name, "deleted": True}


def server_group_resize(
    *, application: Application, account: str, region: str, name: str, data: dict[str, Any]
) -> dict[str, Any]:
    api = _api(application, account, region)
    try:
        group = _group(api, application, name)
        try:
            target = capacity.target(data, group.capacity)
        except config.ConfigError as error:
            raise ValidationFailed([{"pointer": "/capacity", "message": str(error)}]) from None
        members = inventory.instances(api, group.group_id)
        activity_id = operations.resize(api, group, members, target)
        return {**_state(api, name), "targetCapacity": target.as_dict(), "activityId": activity_id}
    except CloudError as error:
        raise _upstream(error) from error


def server_group_enable(
    *, application: Application, account: str, region: str, name: str
) -> dict[str, Any]:
    api = _api(application, account, region)
    try:
        group = _group(api, application, name)
        operations.resume_scaling(api, group)
        operations.restore_traffic(api, group)
        return _state(api, name)
    except CloudError as error:
        raise _upstream(error) from error


def server_group_disable(
    *, application: Application, account: str, region: str, name: str
) -> dict[str, Any]:
    api = _api(application, account, region)
    try:
        group = _group(api, application, name)
        operations.stop_traffic(api, group)
        operations.suspend_scaling(api, group)
        return _state(api, name)
    except CloudError as error:
        raise _upstream(error) from error


def server_group_destroy(
    *, application: Application, account: str, region: str, name: str
) -> dict[str, Any]:
    """Traffic off and drained at once; deleted when empty (call again once drained)."""
    api = _api(application, account, region)
    try:
        _group(api, application, name)
        remaining = operations.destroy_step(api, name)
    except CloudError as error:
        raise _upstream(error) from error
    if remaining is None:
        return {"serverGroupName": name, "deleted": True, "remainingInstances": 0}
    return {"serverGroupName": name, "deleted": False, "remainingInstances": remaining}


def server_group_rollback(
    *, application: Application, account: str, region: str, name: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Serve from the group before `name` again and take `name` out of rotation.

    Refused (409) while the earlier group has fewer healthy instances than
    `targetHealthyRollbackPercentage` (default 100) of `name`'s desired size: resize it first."""
    percentage = data.get("targetHealthyRollbackPercentage", 100)
    if (
        isinstance(percentage, bool)
        or not isinstance(percentage, int | float)
        or not 0 <= percentage <= 100
    ):
        raise ValidationFailed(
            [
                {
                    "pointer": "/targetHealthyRollbackPercentage",
                    "message": "must be a number from 0 to 100",
                }
            ]
        )
    api = _api(application, account, region)
    try:
        current = _group(api, application, name)
        cluster = inventory.list_cluster(api, current.cluster)
        older = [group for group in cluster if group.sort_key < current.sort_key]
        if not older:
            raise Conflict(f"{name} has no earlier server group to roll back to.")
        restore = older[-1]
        report = inventory.health(
            api, restore, since_activity=inventory.latest_activity_id(api, restore.group_id)
        )
        needed = math.ceil(current.capacity.desired * percentage / 100)
        if len(report.healthy) < needed:
            raise Conflict(
                f"{restore.name} has {len(report.healthy)} healthy instance(s), {needed} needed"
                f" to take over from {name}; resize it first.",
                details={
                    "restoreServerGroupName": restore.name,
                    "healthy": len(report.healthy),
                    "needed": needed,
                },
            )
        operations.resume_scaling(api, restore)
        operations.restore_traffic(api, restore)
        operations.stop_traffic(api, current)
        operations.suspend_scaling(api, current)
        return {"restored": _state(api, restore.name), "rolledBack": _state(api, name)}
    except CloudError as error:
        raise _upstream(error) from error
