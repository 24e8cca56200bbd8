"""Tencent Cloud stage types: auto-scaling groups as server groups, with Spinnaker's field names."""

from __future__ import annotations

from typing import Final

from engine.catalog.model import (
    STRING_LIST_ITEM,
    Field,
    FieldType,
    Requirement,
    StageGroup,
    StageType,
    Text,
    anything,
    array,
    boolean,
    integer,
    item,
    obj,
    string,
    text,
    when,
)

PROVIDER: Final = "tencentcloud"
TARGETS: Final = (
    "current_asg_dynamic",
    "ancestor_asg_dynamic",
    "oldest_asg_dynamic",
    "largest_asg_dynamic",
    "current_asg",
    "ancestor_asg",
)
STRATEGIES: Final = ("", "redblack", "rollingredblack", "highlander", "none", "custom")

_CREDENTIALS: Final = string(
    "credentials", "Account", "云账号", required=True, format="tencentcloud-account"
)
_CLOUD_PROVIDER: Final = string("cloudProvider", "Cloud provider", "云服务", default=PROVIDER)
_REGIONS: Final = array(
    "regions",
    "Regions",
    "地域",
    item(FieldType.STRING, "Region", "地域", format="region"),
    required=True,
)
_CLUSTER: Final = string("cluster", "Cluster", "集群", required=True)
_HEALTH: Final = array(
    "interestingHealthProviderNames",
    "Health providers",
    "健康检查",
    STRING_LIST_ITEM,
    help=text(
        "['Tencentcloud'] to consider only Tencent Cloud's own health checks.",
        "['Tencentcloud'] 表示仅参考腾讯云提供的健康检查。",
    ),
)
_LOCATOR: Final[tuple[Field, ...]] = (_CREDENTIALS, _CLOUD_PROVIDER, _REGIONS, _CLUSTER, _HEALTH)
_TARGET: Final = string(
    "target",
    "Target server group",
    "目标服务组",
    enum=TARGETS,
    help=text(
        "current_asg_dynamic: newest; ancestor_asg_dynamic: previous; oldest_asg_dynamic: oldest.",
        "current_asg_dynamic：最新；ancestor_asg_dynamic：次新；oldest_asg_dynamic：最旧。",
    ),
)
_SERVER_GROUP_NAME: Final = string("serverGroupName", "Server group", "服务组")
_TARGET_REQUIRED: Final = Requirement(
    ("target", "serverGroupName"),
    text(
        "Choose the target server group (newest, previous, oldest) or name one.",
        "请选择目标服务组（最新、次新、最旧）或指定服务组名称。",
    ),
)
_FORWARD_LOAD_BALANCER: Final = item(
    FieldType.OBJECT,
    "CLB listener",
    "CLB 监听器",
    fields=(
        string("loadBalancerId", "Load balancer", "负载均衡", required=True),
        string("listenerId", "Listener", "监听器", required=True),
        string("locationId", "Forwarding rule", "转发规则"),
        array(
            "targetAttributes",
            "Ports and weights",
            "端口与权重",
            item(
                FieldType.OBJECT,
                "Target",
                "后端",
                fields=(
                    integer("port", "Port", "端口", minimum=1, maximum=65535),
                    integer("weight", "Weight", "权重", minimum=0, maximum=100),
                ),
            ),
        ),
    ),
)

# The launch configuration and scaling-group settings of TencentDeployDescription.
_SERVER_GROUP_SETTINGS: Final[tuple[Field, ...]] = (
    string("application", "Application", "应用", format="application"),
    string("stack", "Stack", "栈"),
    string("detail", "Detail", "详情"),
    string("freeFormDetails", "Detail", "详情"),
    string("account", "Account", "云账号", format="tencentcloud-account"),
    string("accountName", "Account", "云账号", format="tencentcloud-account"),
    string("credentials", "Account", "云账号", format="tencentcloud-account"),
    string("region", "Region", "地域", format="region"),
    string("cloudProvider", "Cloud provider", "云服务", default=PROVIDER),
    string("provider", "Provider", "云服务", default=PROVIDER),
    string("instanceType", "Instance type", "机型"),
    array("instanceTypes", "Instance types", "机型列表", STRING_LIST_ITEM),
    string("imageId", "Image", "镜像"),
    integer("projectId", "Project id", "项目 ID"),
    obj("systemDisk", "System disk", "系统盘"),
    array("dataDisks", "Data disks", "数据盘", item(FieldType.OBJECT, "Disk", "磁盘")),
    obj("internetAccessible", "Public network", "公网访问"),
    obj("loginSettings", "Login settings", "登录设置"),
    array("securityGroupIds", "Security groups", "安全组", STRING_LIST_ITEM),
    obj("enhancedService", "Enhanced services", "增强服务"),
    string("userData", "User data (base64)", "自定义数据（base64）"),
    string("instanceChargeType", "Billing", "计费模式"),
    array("instanceTags", "Instance tags", "实例标签", item(FieldType.OBJECT, "Tag", "标签")),
    integer("maxSize", "Maximum size", "最大实例数", minimum=0),
    integer("minSize", "Minimum size", "最小实例数", minimum=0),
    integer("desiredCapacity", "Desired size", "期望实例数", minimum=0),
    string("vpcId", "VPC", "私有网络"),
    array("subnetIds", "Subnets", "子网", STRING_LIST_ITEM),
    array("zones", "Zones", "可用区", STRING_LIST_ITEM),
    integer("defaultCooldown", "Cooldown (s)", "冷却时间（秒）", format="seconds"),
    array("loadBalancerIds", "Classic load balancers", "传统型负载均衡", STRING_LIST_ITEM),
    array("forwardLoadBalancers", "CLB listeners", "CLB 监听器", _FORWARD_LOAD_BALANCER),
    array("terminationPolicies", "Termination policies", "移出策略", STRING_LIST_ITEM),
    string("retryPolicy", "Retry policy", "重试策略"),
    string("zonesCheckPolicy", "Zones check policy", "可用区校验策略"),
    obj(
        "source",
        "Clone from",
        "克隆来源",
        (
            string("region", "Region", "地域"),
            string("serverGroupName", "Server group", "服务组"),
            boolean("useSourceCapacity", "Use the source's size", "使用来源的规模"),
        ),
    ),
)

# How `deploy` replaces the previous server groups (Orca's deployment strategies).
_STRATEGY_SETTINGS: Final[tuple[Field, ...]] = (
    string(
        "strategy",
        "Strategy",
        "部署策略",
        enum=STRATEGIES,
        help=text(
            "redblack: disable the old groups once the new one is healthy; rollingredblack: "
            "shift traffic in steps; highlander: destroy the old groups; none: leave them.",
            "redblack：新服务组健康后禁用旧服务组；rollingredblack：分批切换；"
            "highlander：销毁旧服务组；none：保留旧服务组。",
        ),
    ),
    integer("maxRemainingAsgs", "Server groups to keep", "保留的服务组数", minimum=1),
    boolean("scaleDown", "Scale down replaced groups", "缩容被替换的服务组"),
    integer(
        "delayBeforeDisableSec", "Delay before disabling (s)", "禁用前等待（秒）", format="seconds"
    ),
    integer(
        "delayBeforeScaleDownSec",
        "Delay before scaling down (s)",
        "缩容前等待（秒）",
        format="seconds",
    ),
    obj(
        "rollback",
        "Rollback",
        "回滚",
        (boolean("onFailure", "Roll back on failure", "失败时回滚"),),
    ),
    array(
        "targetPercentages",
        "Traffic steps (%)",
        "流量批次（%）",
        item(FieldType.INTEGER, "Percent", "百分比", minimum=1, maximum=100),
        when=when("strategy", "rollingredblack"),
    ),
    obj("pipelineBeforeCleanup", "Pipeline before cleanup", "清理前运行的流程"),
)

_CLUSTER_ITEM: Final = item(
    FieldType.OBJECT,
    "Server group",
    "服务组",
    fields=(*_SERVER_GROUP_SETTINGS, *_STRATEGY_SETTINGS),
)


def _stage(
    type_: str,
    label: tuple[str, str],
    description: Text,
    fields: tuple[Field, ...],
    requirements: tuple[Requirement, ...] = (),
) -> StageType:
    return StageType(
        type=type_,
        group=StageGroup.TENCENTCLOUD,
        label=text(*label),
        description=description,
        fields=fields,
        requirements=requirements,
        cloud_provider=PROVIDER,
    )


DEPLOY: Final = _stage(
    "deploy",
    ("Deploy", "部署"),
    text(
        "Creates a launch configuration and an auto-scaling group per cluster entry, then "
        "replaces the older groups by the chosen strategy.",
        "为每个集群创建启动配置与伸缩组，再按所选策略替换旧的服务组。",
    ),
    (array("clusters", "Server groups", "服务组", _CLUSTER_ITEM, required=True),),
)

RESIZE_SERVER_GROUP: Final = _stage(
    "resizeServerGroup",
    ("Resize server group", "调整服务组规模"),
    text(
        "Scales a server group up, down, to the cluster's largest or to an exact size.",
        "扩容、缩容、扩容至集群最大规模或调整为特定规模。",
    ),
    (
        *_LOCATOR,
        _TARGET,
        _SERVER_GROUP_NAME,
        string(
            "action",
            "Action",
            "调整方式",
            enum=("scale_up", "scale_down", "scale_to_cluster", "scale_exact"),
            strict_enum=True,
        ),
        string("resizeType", "By", "调整类型", enum=("pct", "incr", "exact"), strict_enum=True),
        integer("scalePct", "Percent", "百分比", minimum=0),
        integer("scaleNum", "Instances", "实例数", minimum=0),
        obj(
            "capacity",
            "Size",
            "规模",
            (
                integer("min", "Minimum", "最小", minimum=0),
                integer("max", "Maximum", "最大", minimum=0),
                integer("desired", "Desired", "期望", minimum=0),
            ),
        ),
        integer(
            "targetHealthyDeployPercentage",
            "Healthy percentage",
            "健康实例百分比",
            minimum=0,
            maximum=100,
        ),
    ),
    (_TARGET_REQUIRED,),
)


def _server_group_stage(type_: str, label: tuple[str, str], description: Text) -> StageType:
    return _stage(
        type_, label, description, (*_LOCATOR, _TARGET, _SERVER_GROUP_NAME), (_TARGET_REQUIRED,)
    )


ENABLE_SERVER_GROUP: Final = _server_group_stage(
    "enableServerGroup",
    ("Enable server group", "启用服务组"),
    text(
        "Attaches a server group to its load balancers again and resumes its scaling.",
        "让服务组重新挂载负载均衡并恢复伸缩。",
    ),
)
DISABLE_SERVER_GROUP: Final = _server_group_stage(
    "disableServerGroup",
    ("Disable server group", "禁用服务组"),
    text(
        "Detaches a server group from its load balancers and suspends its scaling; it keeps "
        "running.",
        "服务组保持运行但不接收流量，并暂停伸缩。",
    ),
)
DESTROY_SERVER_GROUP: Final = _server_group_stage(
    "destroyServerGroup",
    ("Destroy server group", "销毁服务组"),
    text("Deletes a server group and its instances.", "删除服务组及其实例。"),
)

CLONE_SERVER_GROUP: Final = _stage(
    "cloneServerGroup",
    ("Clone server group", "克隆服务组"),
    text(
        "Creates a new server group with the settings of an existing one; any setting can be "
        "overridden.",
        "以现有服务组的配置创建新服务组，可覆盖任意配置。",
    ),
    (
        _CREDENTIALS,
        _CLOUD_PROVIDER,
        string("region", "Region", "地域", format="region"),
        array("regions", "Regions", "地域", STRING_LIST_ITEM),
        string("targetCluster", "Cluster", "集群"),
        _TARGET,
        *(
            each
            for each in _SERVER_GROUP_SETTINGS
            if each.name not in ("credentials", "cloudProvider", "region")
        ),
        *_STRATEGY_SETTINGS,
    ),
)

ROLLBACK_CLUSTER: Final = _stage(
    "rollbackCluster",
    ("Rollback cluster", "回滚集群"),
    text(
        "Rolls a cluster back to the previous server group, region by region.",
        "按地域将集群回滚到上一个服务组。",
    ),
    (
        *_LOCATOR,
        integer(
            "wait",
            "Wait between regions (s)",
            "地域间等待（秒）",
            default=0,
            format="seconds",
            minimum=0,
        ),
        integer(
            "remainingEnabledServerGroups",
            "Healthy percentage to succeed",
            "回滚成功所需健康实例百分比",
            minimum=0,
            maximum=100,
        ),
        integer(
            "targetHealthyRollbackPercentage",
            "Healthy percentage",
            "健康实例百分比",
            minimum=0,
            maximum=100,
        ),
    ),
)

DISABLE_CLUSTER: Final = _stage(
    "disableCluster",
    ("Disable cluster", "禁用集群"),
    text(
        "Keeps the newest (or largest) server groups enabled and disables the rest.",
        "保留最新（或最大）的若干服务组启用，禁用其余服务组。",
    ),
    (
        *_LOCATOR,
        integer(
            "remainingEnabledServerGroups",
            "Keep enabled",
            "保留启用的服务组数",
            default=1,
            minimum=0,
        ),
        boolean(
            "preferLargerOverNewer", "Prefer larger over newer", "优先保留规模大的", default=False
        ),
    ),
)

SCALE_DOWN_CLUSTER: Final = _stage(
    "scaleDownCluster",
    ("Scale down cluster", "集群缩容"),
    text(
        "Keeps some server groups at full size and scales the others to zero.",
        "保留若干服务组规模不变，其余缩容至 0。",
    ),
    (
        *_LOCATOR,
        integer(
            "remainingFullSizeServerGroups",
            "Keep at full size",
            "保持规模的服务组数",
            default=1,
            minimum=0,
        ),
        # Deck's Tencent Cloud form writes this name; Orca reads remainingFullSizeServerGroups.
        integer(
            "remainingEnabledServerGroups",
            "Keep at full size (Deck)",
            "保持规模的服务组数（Deck）",
            minimum=0,
        ),
        boolean(
            "preferLargerOverNewer", "Prefer larger over newer", "优先保留规模大的", default=False
        ),
        boolean(
            "allowScaleDownActive",
            "Allow scaling down active groups",
            "允许缩容活跃服务组",
            default=False,
        ),
    ),
)

SHRINK_CLUSTER: Final = _stage(
    "shrinkCluster",
    ("Shrink cluster", "Shrink Cluster"),
    text(
        "Keeps the newest (or largest) server groups and destroys the rest.",
        "保留最新（或最大）的若干服务组，销毁其余服务组。",
    ),
    (
        *_LOCATOR,
        integer("shrinkToSize", "Shrink to", "保留服务组数", default=1, minimum=0),
        # Deck's Tencent Cloud form writes this name; Orca reads shrinkToSize.
        integer(
            "remainingEnabledServerGroups", "Shrink to (Deck)", "保留服务组数（Deck）", minimum=0
        ),
        boolean(
            "retainLargerOverNewer", "Prefer larger over newer", "优先保留规模大的", default=False
        ),
        boolean(
            "allowDeleteActive", "Allow deleting active groups", "允许删除活跃服务组", default=False
        ),
    ),
)

ROLLING_UPDATE: Final = _stage(
    "rollingUpdate",
    ("Rolling update (in place)", "滚动更新（原地）"),
    text(
        "Refreshes the instances of an existing server group in batches (auto scaling instance "
        "refresh) with a new image or launch configuration.",
        "使用伸缩组实例刷新，分批以新镜像或启动配置原地更新服务组实例。",
    ),
    (
        *_LOCATOR,
        _TARGET,
        _SERVER_GROUP_NAME,
        string("imageId", "New image", "新镜像"),
        string("instanceType", "New instance type", "新机型"),
        string("userData", "New user data (base64)", "新自定义数据（base64）"),
        string(
            "refreshMode",
            "Refresh mode",
            "刷新模式",
            default="ROLLING_UPDATE_RESET",
            enum=("ROLLING_UPDATE_RESET", "ROLLING_UPDATE_REPLACE"),
            strict_enum=True,
        ),
        integer("batchNumber", "Batches", "批次数", default=1, minimum=1),
        string(
            "batchPause",
            "Pause",
            "暂停策略",
            default="AUTOMATIC",
            enum=("AUTOMATIC", "FIRST_BATCH_PAUSE", "BATCH_INTERVAL_PAUSE"),
            strict_enum=True,
        ),
        integer(
            "maxSurge",
            "Extra instances during the update",
            "更新期间额外实例数",
            default=0,
            minimum=0,
        ),
        boolean(
            "checkInstanceTargetHealth",
            "Wait for CLB health between batches",
            "批次间检查 CLB 健康状态",
            default=False,
        ),
        anything("launchConfiguration", "Launch configuration overrides", "启动配置覆盖"),
    ),
    (_TARGET_REQUIRED,),
)

TENCENTCLOUD_STAGES: Final = (
    DEPLOY,
    RESIZE_SERVER_GROUP,
    ENABLE_SERVER_GROUP,
    DISABLE_SERVER_GROUP,
    DESTROY_SERVER_GROUP,
    CLONE_SERVER_GROUP,
    ROLLBACK_CLUSTER,
    DISABLE_CLUSTER,
    SCALE_DOWN_CLUSTER,
    SHRINK_CLUSTER,
    ROLLING_UPDATE,
)
