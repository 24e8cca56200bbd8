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
    array,
    boolean,
    integer,
    item,
    mapping,
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

_ACCOUNT: Final = string("account", "Account", "云账号", format="tencentcloud-account")
_CREDENTIALS: Final = string("credentials", "Account", "云账号", format="tencentcloud-account")
_CLOUD_PROVIDER: Final = string("cloudProvider", "Cloud provider", "云服务", default=PROVIDER)
_REGION: Final = string("region", "Region", "地域", format="region")
_REGIONS: Final = array(
    "regions",
    "Regions",
    "地域",
    item(FieldType.STRING, "Region", "地域", format="region"),
    help=text("Several regions: the stage runs once per region.", "多个地域时按地域逐个执行。"),
)
_CLUSTER: Final = string("cluster", "Cluster", "集群")
_MONIKER_FIELDS: Final[tuple[Field, ...]] = (
    string("application", "Application", "应用", format="application"),
    string("stack", "Stack", "栈"),
    string("freeFormDetails", "Detail", "详情"),
)
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
_LOCATOR: Final[tuple[Field, ...]] = (
    _ACCOUNT,
    _CREDENTIALS,
    _CLOUD_PROVIDER,
    _REGION,
    _REGIONS,
    _CLUSTER,
    *_MONIKER_FIELDS,
    _HEALTH,
)
_ACCOUNT_REQUIRED: Final = Requirement(
    ("account", "credentials"),
    text("Choose the Tencent Cloud account.", "请选择腾讯云账号。"),
)
_REGION_REQUIRED: Final = Requirement(
    ("regions", "region"), text("Choose the region(s).", "请选择地域。")
)
_CLUSTER_REQUIRED: Final = Requirement(
    ("cluster", "application"),
    text(
        "Name the cluster (or its application, stack and detail).",
        "请填写集群（或应用、栈、详情）。",
    ),
)
_LOCATED: Final = (_ACCOUNT_REQUIRED, _REGION_REQUIRED, _CLUSTER_REQUIRED)
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
    ("serverGroupName", "target"),
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
        string("region", "Region", "地域"),
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
    boolean("useSourceCapacity", "Use the current group's size", "沿用当前服务组规模"),
    integer("maxSize", "Maximum size", "最大实例数", minimum=0),
    integer("minSize", "Minimum size", "最小实例数", minimum=0),
    integer("desiredCapacity", "Desired size", "期望实例数", minimum=0),
    string("vpcId", "VPC", "私有网络"),
    array("subnetIds", "Subnets", "子网", STRING_LIST_ITEM),
    array("zones", "Zones", "可用区", STRING_LIST_ITEM),
    mapping(
        "availabilityZones",
        "Zones by region",
        "各地域可用区",
        item(FieldType.ARRAY, "Zones", "可用区", items=STRING_LIST_ITEM),
    ),
    integer("defaultCooldown", "Cooldown (s)", "冷却时间（秒）", format="seconds"),
    array("loadBalancerIds", "Classic load balancers", "传统型负载均衡", STRING_LIST_ITEM),
    array("forwardLoadBalancers", "CLB listeners", "CLB 监听器", _FORWARD_LOAD_BALANCER),
    array("terminationPolicies", "Termination policies", "移出策略", STRING_LIST_ITEM),
    string("retryPolicy", "Retry policy", "重试策略"),
    string("zonesCheckPolicy", "Zones check policy", "可用区校验策略"),
    string("healthCheckType", "Health check", "健康检查方式"),
    mapping("tags", "Group tags", "伸缩组标签", STRING_LIST_ITEM),
    integer(
        "targetHealthyDeployPercentage",
        "Healthy percentage to succeed",
        "部署成功所需健康实例百分比",
        minimum=0,
        maximum=100,
    ),
    boolean(
        "copySourceSettings",
        "Copy unset settings from the current group",
        "未填写的配置沿用当前服务组",
        default=True,
    ),
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
    integer("delayBeforeCleanup", "Wait between steps (s)", "批次间等待（秒）", format="seconds"),
    boolean(
        "judgmentBetweenSteps",
        "Manual judgment between steps",
        "批次间人工确认",
        when=when("strategy", "rollingredblack"),
    ),
    string("judgmentInstructions", "Judgment instructions", "确认说明", format="markdown"),
    integer(
        "judgmentTimeoutMs", "Judgment timeout (ms)", "确认超时（毫秒）", format="milliseconds"
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


CREATE_SERVER_GROUP: Final = _stage(
    "createServerGroup",
    ("Create server group", "创建服务组"),
    text(
        "Creates one server group (launch configuration and auto-scaling group), then applies "
        "the deployment strategy to the cluster's older groups.",
        "创建一个服务组（启动配置与伸缩组），再按部署策略处理集群中的旧服务组。",
    ),
    (*_SERVER_GROUP_SETTINGS, *_STRATEGY_SETTINGS, _REGIONS),
    (_ACCOUNT_REQUIRED, _REGION_REQUIRED),
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
            default="scale_exact",
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
        boolean("pinCapacity", "Pin the size", "固定规模"),
        boolean("pinMinimumCapacity", "Pin the minimum", "固定最小规模"),
    ),
    (_ACCOUNT_REQUIRED, _REGION_REQUIRED, _TARGET_REQUIRED),
)


def _server_group_stage(
    type_: str, label: tuple[str, str], description: Text, extra: tuple[Field, ...] = ()
) -> StageType:
    return _stage(
        type_,
        label,
        description,
        (*_LOCATOR, _TARGET, _SERVER_GROUP_NAME, *extra),
        (_ACCOUNT_REQUIRED, _REGION_REQUIRED, _TARGET_REQUIRED),
    )


ENABLE_SERVER_GROUP: Final = _server_group_stage(
    "enableServerGroup",
    ("Enable server group", "启用服务组"),
    text(
        "Puts a server group back into its load balancers' rotation and resumes its scaling.",
        "让服务组重新接收负载均衡流量并恢复伸缩。",
    ),
)
DISABLE_SERVER_GROUP: Final = _server_group_stage(
    "disableServerGroup",
    ("Disable server group", "禁用服务组"),
    text(
        "Takes a server group out of its load balancers' rotation and suspends its scaling; "
        "it keeps running.",
        "服务组保持运行但不接收流量，并暂停伸缩。",
    ),
    (
        integer(
            "desiredPercentage",
            "Share of instances to take out (%)",
            "退出流量的实例比例（%）",
            default=100,
            minimum=0,
            maximum=100,
        ),
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
        *_SERVER_GROUP_SETTINGS,
        _REGIONS,
        string("targetCluster", "Cluster", "集群"),
        _TARGET,
        *_STRATEGY_SETTINGS,
    ),
    (_ACCOUNT_REQUIRED, _REGION_REQUIRED),
)

ROLLBACK_CLUSTER: Final = _stage(
    "rollbackCluster",
    ("Rollback cluster", "回滚集群"),
    text(
        "Rolls a cluster back from its newest serving group to the one before it, region by "
        "region.",
        "按地域将集群从最新服务组回滚到上一个服务组。",
    ),
    (
        *_LOCATOR,
        integer(
            "targetHealthyRollbackPercentage",
            "Healthy percentage to succeed",
            "回滚成功所需健康实例百分比",
            default=100,
            minimum=0,
            maximum=100,
        ),
        integer(
            "wait", "Wait between regions (s)", "地域间等待（秒）", format="seconds", minimum=0
        ),
        # Deck's Tencent Cloud form stores the healthy percentage under this name.
        integer(
            "remainingEnabledServerGroups",
            "Healthy percentage (Deck)",
            "健康实例百分比（Deck）",
            minimum=0,
            maximum=100,
        ),
    ),
    _LOCATED,
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
    _LOCATED,
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
    _LOCATED,
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
    _LOCATED,
)

_ON_FAILURE: Final = string(
    "onFailure",
    "On failure",
    "失败时",
    default="pause",
    enum=("pause", "rollback", "cancel"),
    strict_enum=True,
    help=text(
        "pause: the refresh waits and the stage fails; rollback: instances go back to the old "
        "launch configuration; cancel: the refresh stops.",
        "pause：刷新暂停且阶段失败；rollback：实例回滚到旧启动配置；cancel：停止刷新。",
    ),
)

ROLLING_UPDATE: Final = _stage(
    "rollingUpdate",
    ("Rolling update (in place)", "滚动更新（原地）"),
    text(
        "Puts a new image (or user data, instance types, security groups) into a server "
        "group's launch configuration, then refreshes its instances in batches.",
        "将新镜像（或自定义数据、机型、安全组）写入服务组的启动配置，再分批刷新实例。",
    ),
    (
        *_LOCATOR,
        _TARGET,
        _SERVER_GROUP_NAME,
        string("imageId", "New image", "新镜像"),
        string("userData", "New user data", "新自定义数据"),
        array("instanceTypes", "New instance types", "新机型", STRING_LIST_ITEM),
        array("securityGroupIds", "New security groups", "新安全组", STRING_LIST_ITEM),
        string(
            "refreshMode",
            "Refresh mode",
            "刷新模式",
            default="reset",
            enum=("reset", "replace", "ROLLING_UPDATE_RESET", "ROLLING_UPDATE_REPLACE"),
            strict_enum=True,
            help=text(
                "reset: re-install the instances in place; replace: new instances.",
                "reset：原地重装实例；replace：替换为新实例。",
            ),
        ),
        integer("batchNumber", "Batches", "批次数", minimum=1),
        integer("batchSize", "Instances per batch", "每批实例数", default=1, minimum=1),
        boolean(
            "pauseAfterFirstBatch",
            "Judge after the first batch",
            "首批完成后人工确认",
            default=False,
        ),
        _ON_FAILURE,
        integer("maxSurge", "Extra instances during the update", "更新期间额外实例数", minimum=0),
        boolean(
            "checkInstanceTargetHealth",
            "Wait for CLB health between batches",
            "批次间检查 CLB 健康状态",
        ),
        string("judgmentInstructions", "Judgment instructions", "确认说明", format="markdown"),
        integer(
            "judgmentTimeoutMs", "Judgment timeout (ms)", "确认超时（毫秒）", format="milliseconds"
        ),
    ),
    (_ACCOUNT_REQUIRED, _REGION_REQUIRED, _TARGET_REQUIRED),
)


def _refresh_follow_up(type_: str, label: tuple[str, str], description: Text) -> StageType:
    return _stage(
        type_,
        label,
        description,
        (
            _ACCOUNT,
            _CREDENTIALS,
            _CLOUD_PROVIDER,
            _REGION,
            _SERVER_GROUP_NAME,
            string("refreshActivityId", "Refresh activity", "刷新活动"),
            _ON_FAILURE,
        ),
        (_ACCOUNT_REQUIRED, _REGION_REQUIRED),
    )


RESUME_INSTANCE_REFRESH: Final = _refresh_follow_up(
    "resumeInstanceRefresh",
    ("Resume instance refresh", "继续实例刷新"),
    text(
        "Resumes a paused instance refresh (after a rolling update's first batch).",
        "继续已暂停的实例刷新（滚动更新首批之后）。",
    ),
)
ROLLBACK_INSTANCE_REFRESH: Final = _refresh_follow_up(
    "rollbackInstanceRefresh",
    ("Roll back instance refresh", "回滚实例刷新"),
    text(
        "Rolls the instances of a refresh back to the previous launch configuration.",
        "将实例刷新涉及的实例回滚到之前的启动配置。",
    ),
)

TENCENTCLOUD_STAGES: Final = (
    DEPLOY,
    CREATE_SERVER_GROUP,
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
    RESUME_INSTANCE_REFRESH,
    ROLLBACK_INSTANCE_REFRESH,
)
