"""Reads for the infrastructure view: an application's AS server groups, grouped by cluster."""

from __future__ import annotations

from typing import Any

from apps.applications.models import Application
from apps.cloudaccounts.connections import tencent_connection
from apps.core.conf import platform_settings
from apps.core.errors import PlatformError
from apps.tencentcloud.accounts import tencent_accounts
from apps.tencentcloud.stages import inventory, naming
from apps.tencentcloud.stages.api import CloudApi
from apps.tencentcloud.stages.errors import CloudError
from apps.tencentcloud.stages.model import ServerGroup


def _timeout() -> int:
    return int(platform_settings.ACCOUNT_CHECK_TIMEOUT_SECONDS)


def _images(api: CloudApi, groups: list[ServerGroup]) -> dict[str, dict[str, Any]]:
    ids = sorted(
        {group.launch_configuration_id for group in groups if group.launch_configuration_id}
    )
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 100):
        reply = api.autoscaling(
            "DescribeLaunchConfigurations",
            {"LaunchConfigurationIds": ids[start : start + 100], "Limit": 100},
        )
        for item in reply.get("LaunchConfigurationSet") or []:
            out[str(item["LaunchConfigurationId"])] = item
    return out


def server_group_view(
    api: CloudApi, group: ServerGroup, account: str, launch: dict[str, Any]
) -> dict[str, Any]:
    members = inventory.instances(api, group.group_id)
    clb = (
        inventory.clb_targets(api, group, [i.instance_id for i in members])
        if group.bindings
        else {}
    )
    instances = []
    counts = {"total": 0, "up": 0, "down": 0, "starting": 0, "leaving": 0}
    for instance in members:
        registrations = clb.get(instance.instance_id, [])
        clb_healthy = all(t.healthy for t in registrations) if registrations else None
        if instance.leaving:
            state = "leaving"
        elif instance.healthy and clb_healthy is not False:
            state = "up"
        elif instance.failed:
            state = "down"
        else:
            state = "starting"
        counts["total"] += 1
        counts[state] += 1
        instances.append(
            {
                "instanceId": instance.instance_id,
                "zone": instance.zone,
                "lifeCycleState": instance.state,
                "healthStatus": instance.health,
                "warmupStatus": instance.warmup,
                "health": state,
                "clbHealthy": clb_healthy,
                "weights": [t.weight for t in registrations],
                "launchConfigurationVersion": instance.version,
            }
        )
    moniker = group.moniker
    return {
        "name": group.name,
        "account": account,
        "region": group.region,
        "cluster": group.cluster,
        "moniker": moniker.as_dict(),
        "autoScalingGroupId": group.group_id,
        "createdTime": group.created,
        "capacity": group.capacity.as_dict(),
        "disabled": group.disabled,
        "scalingEnabled": group.scaling_enabled,
        "inActivity": group.in_activity,
        "launchConfiguration": {
            "id": group.launch_configuration_id,
            "imageId": launch.get("ImageId", ""),
            "instanceTypes": list(launch.get("InstanceTypes") or []),
        },
        "loadBalancers": [binding.to_stage() for binding in group.bindings],
        "instanceCounts": counts,
        "instances": instances,
    }


def server_group_list(*, application: Application) -> dict[str, Any]:
    """Every account and region of the team, read live; a region that fails is reported,
    not fatal, so one broken account does not hide the others."""
    clusters: dict[tuple[str, str], dict[str, Any]] = {}
    errors: list[dict[str, str]] = []
    for account in tencent_accounts(team=application.team):
        try:
            connection = tencent_connection(account)
        except PlatformError as error:
            errors.append({"account": account.name, "region": "", "message": error.message})
            continue
        for region in connection.regions:
            api = CloudApi(connection, region, timeout=_timeout())
            try:
                groups = inventory.list_application(api, application.name)
                launches = _images(api, groups)
                views = [
                    server_group_view(
                        api, group, account.name, launches.get(group.launch_configuration_id, {})
                    )
                    for group in groups
                ]
            except CloudError as error:
                errors.append({"account": account.name, "region": region, "message": str(error)})
                continue
            for view in views:
                key = (account.name, view["cluster"])
                cluster = clusters.setdefault(
                    key,
                    {
                        "name": view["cluster"],
                        "account": account.name,
                        "moniker": naming.parse_cluster(view["cluster"]).as_dict(),
                        "serverGroups": [],
                    },
                )
                cluster["serverGroups"].append(view)
    ordered = [clusters[key] for key in sorted(clusters)]
    for cluster in ordered:
        cluster["serverGroups"].sort(
            key=lambda view: (view["region"], view["createdTime"], view["name"])
        )
    return {"application": application.name, "clusters": ordered, "unreachable": errors}
