"""Launch configuration actions: create, describe, modify, delete."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.autoscaling import lookups
from sandbox.tencentcloud.autoscaling.service import SERVICE
from sandbox.tencentcloud.clock import iso_utc
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.listing import ids_or_filters, matches, page, read_filters, tag_field
from sandbox.tencentcloud.model import LaunchConfiguration
from sandbox.tencentcloud.params import Params

INSTANCE_TYPE = re.compile(r"^[A-Z0-9]+\.[A-Z0-9]+$")
CHARGE_TYPES = ("POSTPAID_BY_HOUR", "SPOTPAID", "PREPAID", "CDCPAID")
USER_DATA_LIMIT = 16 * 1024

# Accepted, stored and echoed back by DescribeLaunchConfigurations; the simulation ignores them.
PASSTHROUGH = (
    "SystemDisk",
    "DataDisks",
    "InternetAccessible",
    "LoginSettings",
    "EnhancedService",
    "InstanceMarketOptions",
    "CamRoleName",
    "InstanceTypesCheckPolicy",
    "HostNameSettings",
    "InstanceNameSettings",
    "InstanceChargePrepaid",
    "DiskTypePolicy",
    "HpcClusterId",
    "IPv6InternetAccessible",
    "DisasterRecoverGroupIds",
    "DedicatedClusterId",
    "Metadata",
    "NetworkInterfaces",
)

DEFAULTS: dict[str, Any] = {
    "SystemDisk": {"DiskType": "CLOUD_PREMIUM", "DiskSize": 50},
    "DataDisks": [],
    "InternetAccessible": {
        "InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR",
        "InternetMaxBandwidthOut": 0,
        "PublicIpAssigned": False,
    },
    "LoginSettings": {"KeyIds": []},
    "EnhancedService": {
        "SecurityService": {"Enabled": True},
        "MonitorService": {"Enabled": True},
        "AutomationToolsService": {"Enabled": False},
    },
    "InstanceMarketOptions": None,
    "CamRoleName": "",
    "InstanceTypesCheckPolicy": "ANY",
    "HostNameSettings": None,
    "InstanceNameSettings": None,
    "InstanceChargePrepaid": None,
    "DiskTypePolicy": "ORIGINAL",
    "HpcClusterId": "",
    "IPv6InternetAccessible": {
        "InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR",
        "InternetMaxBandwidthOut": 0,
        "BandwidthPackageId": "",
    },
    "DisasterRecoverGroupIds": [],
    "DedicatedClusterId": "",
    "Metadata": None,
    "NetworkInterfaces": [],
}


def _name(
    ctx: ActionContext, p: Params, *, required: bool, exclude: str | None = None
) -> str | None:
    name = p.text("LaunchConfigurationName", required=required, max_len=60, pattern=lookups.NAME)
    if name is not None:
        for lc in ctx.region.launch_configurations.values():
            if lc.name == name and lc.launch_configuration_id != exclude:
                raise ApiError(
                    "InvalidParameterValue.LaunchConfigurationNameDuplicated",
                    f"A launch configuration named `{name}` already exists.",
                )
    return name


def _image(ctx: ActionContext, p: Params, *, required: bool) -> str | None:
    image_id = p.text("ImageId")
    family = p.text("ImageFamily")
    if image_id and family:
        raise ApiError("InvalidParameterConflict", "Specify `ImageId` or `ImageFamily`, not both.")
    if family:
        raise ApiError(
            "InvalidParameterValue.ImageNotFound",
            f"The image family `{family}` does not exist (the sandbox only knows image ids).",
        )
    if image_id is None:
        if required:
            raise ApiError(
                "InvalidParameter.MustOneParameter",
                "One of `ImageId` and `ImageFamily` is required.",
            )
        return None
    return lookups.image(ctx, image_id).image_id


def _instance_types(p: Params, *, required: bool) -> list[str] | None:
    single = p.text("InstanceType") if required else None
    many = p.texts("InstanceTypes", max_items=10)
    if single and many:
        raise ApiError(
            "InvalidParameterConflict", "Specify `InstanceType` or `InstanceTypes`, not both."
        )
    types = [single] if single else many
    if not types:
        if required:
            raise ApiError(
                "InvalidParameter.MustOneParameter",
                "One of `InstanceType` and `InstanceTypes` is required.",
            )
        return None
    for kind in types:
        if not INSTANCE_TYPE.match(kind):
            raise ApiError(
                "InvalidParameterValue.InvalidInstanceType",
                f"The instance type `{kind}` is invalid.",
            )
    return types


def _user_data(p: Params) -> str | None:
    user_data = p.text("UserData")
    if user_data is None:
        return None
    try:
        decoded = base64.b64decode(user_data, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            "InvalidParameterValue.UserDataFormatError", "`UserData` must be base64-encoded."
        ) from None
    if len(decoded) > USER_DATA_LIMIT:
        raise ApiError("InvalidParameterValue.UserDataSizeExceeded", "`UserData` exceeds 16 KB.")
    return user_data


def _charge_type(p: Params, extra: dict[str, Any]) -> str | None:
    charge = p.text("InstanceChargeType", choices=CHARGE_TYPES)
    if charge == "SPOTPAID" and not extra.get("InstanceMarketOptions"):
        raise ApiError(
            "MissingParameter.InstanceMarketOptions",
            "`InstanceMarketOptions` is required when `InstanceChargeType` is SPOTPAID.",
        )
    if charge == "PREPAID" and not extra.get("InstanceChargePrepaid"):
        raise ApiError(
            "MissingParameter",
            "`InstanceChargePrepaid` is required when `InstanceChargeType` is PREPAID.",
        )
    return charge


def render(ctx: ActionContext, lc: LaunchConfiguration) -> dict[str, Any]:
    extra = {key: lc.extra.get(key, DEFAULTS[key]) for key in PASSTHROUGH}
    login = dict(extra["LoginSettings"] or {})
    login.pop("Password", None)  # never echoed back
    groups = [
        {"AutoScalingGroupId": g.group_id, "AutoScalingGroupName": g.name}
        for g in ctx.region.groups.values()
        if g.launch_configuration_id == lc.launch_configuration_id
    ]
    return {
        "ProjectId": lc.project_id,
        "LaunchConfigurationId": lc.launch_configuration_id,
        "LaunchConfigurationName": lc.name,
        "InstanceType": lc.instance_types[0],
        "SystemDisk": extra["SystemDisk"],
        "DataDisks": extra["DataDisks"],
        "LoginSettings": login,
        "InternetAccessible": extra["InternetAccessible"],
        "SecurityGroupIds": list(lc.security_group_ids),
        "AutoScalingGroupAbstractSet": groups,
        "UserData": lc.user_data or "",
        "CreatedTime": iso_utc(lc.created_at),
        "EnhancedService": extra["EnhancedService"],
        "ImageId": lc.image_id,
        "LaunchConfigurationStatus": "NORMAL",
        "InstanceChargeType": lc.instance_charge_type,
        "InstanceMarketOptions": extra["InstanceMarketOptions"],
        "InstanceTypes": list(lc.instance_types),
        "InstanceTags": [dict(t) for t in lc.instance_tags],
        "Tags": [dict(t, ResourceType="launch-configuration") for t in lc.tags],
        "VersionNumber": lc.version,
        "UpdatedTime": iso_utc(lc.updated_at),
        "CamRoleName": extra["CamRoleName"],
        "LastOperationInstanceTypesCheckPolicy": extra["InstanceTypesCheckPolicy"],
        "HostNameSettings": extra["HostNameSettings"],
        "InstanceNameSettings": extra["InstanceNameSettings"],
        "InstanceChargePrepaid": extra["InstanceChargePrepaid"],
        "DiskTypePolicy": extra["DiskTypePolicy"],
        "HpcClusterId": extra["HpcClusterId"],
        "IPv6InternetAccessible": extra["IPv6InternetAccessible"],
        "DisasterRecoverGroupIds": extra["DisasterRecoverGroupIds"],
        "ImageFamily": "",
        "DedicatedClusterId": extra["DedicatedClusterId"],
        "NetworkInterfaces": extra["NetworkInterfaces"],
    }


@SERVICE.action("CreateLaunchConfiguration")
def create_launch_configuration(ctx: ActionContext, p: Params) -> dict[str, Any]:
    name = _name(ctx, p, required=True)
    image_id = _image(ctx, p, required=True)
    types = _instance_types(p, required=True)
    extra = {key: p.raw(key) for key in PASSTHROUGH if p.has(key)}
    charge = _charge_type(p, extra) or "POSTPAID_BY_HOUR"
    security_groups = lookups.security_groups(ctx, p.texts("SecurityGroupIds", max_items=5) or [])
    project_id = p.integer("ProjectId", default=0, lo=0) or 0
    user_data = _user_data(p)
    tags = lookups.tags(p) or []
    instance_tags = lookups.tags(p, "InstanceTags", max_items=10) or []
    p.finish()
    assert name is not None
    assert image_id is not None
    assert types is not None
    lc = LaunchConfiguration(
        launch_configuration_id=ctx.world.ids.new("asc"),
        name=name,
        image_id=image_id,
        instance_types=types,
        project_id=project_id,
        security_group_ids=security_groups,
        user_data=user_data,
        instance_charge_type=charge,
        tags=tags,
        instance_tags=instance_tags,
        created_at=ctx.now,
        updated_at=ctx.now,
        extra=extra,
    )
    ctx.region.launch_configurations[lc.launch_configuration_id] = lc
    return {"LaunchConfigurationId": lc.launch_configuration_id}


@SERVICE.action("DescribeLaunchConfigurations")
def describe_launch_configurations(ctx: ActionContext, p: Params) -> dict[str, Any]:
    filters = read_filters(
        p,
        allowed=(
            "launch-configuration-id",
            "launch-configuration-name",
            "vague-launch-configuration-name",
            "tag-key",
            "tag-value",
        ),
        tag_prefix=True,
    )
    ids = ids_or_filters(p, "LaunchConfigurationIds", filters)

    def field(lc: LaunchConfiguration, name: str) -> list[str] | None:
        if name == "launch-configuration-id":
            return [lc.launch_configuration_id]
        if name == "launch-configuration-name":
            return [lc.name]
        if name == "vague-launch-configuration-name":
            return [v for v in dict(filters)[name] if v in lc.name]
        return tag_field(lc.tags, name)

    def keep(lc: LaunchConfiguration) -> bool:
        if ids is not None and lc.launch_configuration_id not in ids:
            return False
        return matches(filters, lambda name: field(lc, name))

    newest_first = reversed(ctx.region.launch_configurations.values())
    found = [lc for lc in newest_first if keep(lc)]
    total, shown = page(p, found)
    return {"TotalCount": total, "LaunchConfigurationSet": [render(ctx, lc) for lc in shown]}


@SERVICE.action("ModifyLaunchConfigurationAttributes")
def modify_launch_configuration_attributes(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lc = lookups.launch_configuration(ctx, p.need_text("LaunchConfigurationId"))
    name = _name(ctx, p, required=False, exclude=lc.launch_configuration_id)
    image_id = _image(ctx, p, required=False)
    types = _instance_types(p, required=False)
    extra = {key: p.raw(key) for key in PASSTHROUGH if p.has(key)}
    charge = _charge_type(p, extra)
    security_groups = p.texts("SecurityGroupIds", max_items=5)
    user_data = _user_data(p)
    instance_tags = lookups.tags(p, "InstanceTags", max_items=10)
    if security_groups is not None:
        lookups.security_groups(ctx, security_groups)
    p.finish()
    if name is not None:
        lc.name = name
    if image_id is not None:
        lc.image_id = image_id
    if types is not None:
        lc.instance_types = types
    if charge is not None:
        lc.instance_charge_type = charge
    if security_groups is not None:
        lc.security_group_ids = security_groups
    if user_data is not None:
        lc.user_data = user_data
    if instance_tags is not None:
        lc.instance_tags = instance_tags
    lc.extra.update(extra)
    # Existing instances keep what they launched with; only later launches see the change.
    lc.version += 1
    lc.updated_at = ctx.now
    return {}


@SERVICE.action("DeleteLaunchConfiguration")
def delete_launch_configuration(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lc = lookups.launch_configuration(ctx, p.need_text("LaunchConfigurationId"))
    users = [
        g.group_id
        for g in ctx.region.groups.values()
        if g.launch_configuration_id == lc.launch_configuration_id
    ]
    if users:
        raise ApiError(
            "ResourceInUse.LaunchConfigurationIdInUse",
            f"The launch configuration is used by auto scaling group(s) {', '.join(users)}.",
        )
    p.finish()
    del ctx.region.launch_configurations[lc.launch_configuration_id]
    return {}
