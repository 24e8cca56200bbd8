"""Fields every stage, trigger and notification shares, and the pipeline's own settings."""

from __future__ import annotations

from typing import Final

from engine.catalog.model import (
    STRING_LIST_ITEM,
    Event,
    Field,
    FieldType,
    array,
    boolean,
    integer,
    item,
    mapping,
    obj,
    string,
    text,
)

STATUSES: Final = (
    "NOT_STARTED",
    "RUNNING",
    "PAUSED",
    "SUSPENDED",
    "SUCCEEDED",
    "FAILED_CONTINUE",
    "TERMINAL",
    "CANCELED",
    "REDIRECT",
    "STOPPED",
    "SKIPPED",
    "BUFFERED",
)

EVENTS: Final = (
    Event("pipeline.starting", text("Pipeline starts", "流程开始"), "pipeline"),
    Event("pipeline.complete", text("Pipeline completes", "流程完成"), "pipeline"),
    Event("pipeline.failed", text("Pipeline fails", "流程失败"), "pipeline"),
    Event("stage.starting", text("Stage starts", "阶段开始"), "stage"),
    Event("stage.complete", text("Stage completes", "阶段完成"), "stage"),
    Event("stage.failed", text("Stage fails", "阶段失败"), "stage"),
    Event("manualJudgment", text("Awaiting judgment", "等待人工确认"), "stage"),
    Event("manualJudgmentContinue", text("Judgment: continue", "人工确认：继续"), "stage"),
    Event("manualJudgmentStop", text("Judgment: stop", "人工确认：停止"), "stage"),
)
EVENT_KEYS: Final = frozenset(event.key for event in EVENTS)

# `{type, address, level, when[], message{<event>: {text}}}` (Deck's INotification).
NOTIFICATION_FIELDS: Final[tuple[Field, ...]] = (
    string("type", "Channel", "通知渠道", required=True),
    string(
        "address",
        "Address",
        "地址",
        help=text(
            "Where to send: a robot webhook URL, an email address or usernames, by channel.",
            "发送目标：机器人 Webhook 地址、邮箱或用户名，取决于渠道。",
        ),
    ),
    string("level", "Level", "级别", enum=("pipeline", "stage")),
    array(
        "when",
        "When",
        "通知时机",
        item(FieldType.STRING, "Event", "事件", enum=tuple(EVENT_KEYS)),
    ),
    mapping(
        "message",
        "Custom messages",
        "自定义消息",
        obj("", "Message", "消息", (string("text", "Text", "内容", format="markdown"),)),
    ),
    string("cc", "Cc", "抄送"),
    integer("notifyEveryMs", "Repeat every (ms)", "重复通知间隔（毫秒）", format="milliseconds"),
)

# Notifications are checked by their own type's schema wherever they appear.
NOTIFICATION_ITEM: Final = item(FieldType.OBJECT, "Notification", "通知")

_WINDOW_RANGE: Final = item(
    FieldType.OBJECT,
    "Allowed time range",
    "允许的时间段",
    fields=(
        integer("startHour", "Start hour", "开始小时", minimum=0, maximum=23),
        integer("startMin", "Start minute", "开始分钟", minimum=0, maximum=59),
        integer("endHour", "End hour", "结束小时", minimum=0, maximum=23),
        integer("endMin", "End minute", "结束分钟", minimum=0, maximum=59),
    ),
)

COMMON_STAGE_FIELDS: Final[tuple[Field, ...]] = (
    string("refId", "Stage id", "阶段 ID", required=True),
    array(
        "requisiteStageRefIds",
        "Depends on",
        "依赖阶段",
        STRING_LIST_ITEM,
        default=[],
        help=text(
            "refIds of the stages this one waits for; empty means it starts first.",
            "本阶段等待的阶段 refId；为空则最先执行。",
        ),
    ),
    string("type", "Stage type", "阶段类型", required=True),
    string("name", "Stage name", "阶段名称"),
    obj(
        "stageEnabled",
        "Run this stage only when",
        "条件表达式",
        (
            string(
                "type", "Condition type", "条件类型", default="expression", enum=("expression",)
            ),
            string(
                "expression",
                "Expression",
                "表达式",
                format="expression",
                help=text(
                    "A pipeline expression without ${ }; the stage is skipped when it is false.",
                    "不带 ${ } 的流程表达式；为 false 时跳过本阶段。",
                ),
            ),
        ),
    ),
    boolean(
        "failPipeline",
        "Fail the pipeline on failure",
        "失败时终止流程",
        default=True,
        help=text(
            "Halt the entire pipeline when this stage fails (Spinnaker's default).",
            "本阶段失败时终止整个流程（Spinnaker 默认行为）。",
        ),
    ),
    boolean(
        "continuePipeline",
        "Ignore the failure",
        "忽略失败继续执行",
        default=False,
    ),
    boolean(
        "completeOtherBranchesThenFail",
        "Halt this branch, fail after other branches",
        "终止本分支，其他分支完成后流程失败",
        default=False,
    ),
    boolean(
        "failOnFailedExpressions",
        "Fail when an expression fails",
        "表达式求值失败时阶段失败",
        default=False,
    ),
    integer(
        "stageTimeoutMs",
        "Stage timeout (ms)",
        "阶段超时时间（毫秒）",
        format="milliseconds",
        minimum=0,
    ),
    boolean(
        "restrictExecutionDuringTimeWindow",
        "Restrict to a time window",
        "限制执行时间窗口",
        default=False,
    ),
    obj(
        "restrictedExecutionWindow",
        "Execution window",
        "执行时间窗口",
        (
            array("whitelist", "Allowed ranges", "允许的时间段", _WINDOW_RANGE),
            array(
                "days",
                "Days (1 = Sunday)",
                "星期（1 = 星期日）",
                item(FieldType.INTEGER, "Day", "星期", minimum=1, maximum=7),
            ),
            obj(
                "jitter",
                "Jitter",
                "随机延迟",
                (
                    boolean("enabled", "Enabled", "启用"),
                    boolean("skipManual", "Skip for manual runs", "手动执行时跳过"),
                    integer("minDelay", "Minimum delay (s)", "最小延迟（秒）", format="seconds"),
                    integer("maxDelay", "Maximum delay (s)", "最大延迟（秒）", format="seconds"),
                ),
            ),
        ),
    ),
    string("skipWindowText", "Text shown while waiting for the window", "等待窗口时的提示"),
    boolean("sendNotifications", "Send stage notifications", "发送阶段通知", default=False),
    array("notifications", "Stage notifications", "阶段通知", NOTIFICATION_ITEM),
    string("comments", "Comments", "备注", format="markdown"),
    boolean(
        "skipExpressionEvaluation",
        "Skip expression evaluation",
        "跳过表达式求值",
        default=False,
    ),
    integer("backoffPeriodMs", "Polling interval (ms)", "轮询间隔（毫秒）", format="milliseconds"),
    boolean("markSuccessfulOnTimeout", "Succeed on timeout", "超时视为成功", default=False),
    array(
        "expectedArtifacts",
        "Produced artifacts",
        "产出制品",
        item(FieldType.OBJECT, "Artifact", "制品"),
    ),
)

COMMON_TRIGGER_FIELDS: Final[tuple[Field, ...]] = (
    string("type", "Trigger type", "触发器类型", required=True),
    boolean("enabled", "Enabled", "启用", default=True),
    string("id", "Trigger id", "触发器 ID"),
    string("description", "Description", "描述"),
    array("expectedArtifactIds", "Required artifacts", "启动所需制品", STRING_LIST_ITEM),
    string("runAsUser", "Run as user", "以此用户身份运行", format="username"),
)

PARAMETER_FIELDS: Final[tuple[Field, ...]] = (
    string("name", "Name", "名称", required=True),
    string("label", "Label", "显示名称"),
    string("description", "Description", "描述"),
    string("default", "Default value", "默认值"),
    boolean("required", "Required", "必填", default=False),
    boolean("pinned", "Pinned", "固定显示", default=False),
    boolean("hasOptions", "Show options", "显示选项", default=False),
    array(
        "options",
        "Options",
        "选项",
        item(FieldType.OBJECT, "Option", "选项", fields=(string("value", "Value", "值"),)),
    ),
)

# Names Spinnaker's docs warn against: they collide with deploy stage context keys.
RESERVED_PARAMETER_NAMES: Final = frozenset(
    {
        "strategy",
        "cloudProvider",
        "cluster",
        "credentials",
        "region",
        "zone",
        "imageName",
        "application",
    }
)

EXPECTED_ARTIFACT_FIELDS: Final[tuple[Field, ...]] = (
    string("id", "Id", "ID", required=True),
    string("displayName", "Display name", "显示名称"),
    obj(
        "matchArtifact",
        "Match",
        "匹配规则",
        (
            string("type", "Type", "类型"),
            string("name", "Name (regex)", "名称（正则）", format="regex"),
            string("version", "Version (regex)", "版本（正则）", format="regex"),
            string("reference", "Reference (regex)", "引用（正则）", format="regex"),
            string("artifactAccount", "Artifact account", "制品账号"),
        ),
    ),
    boolean("usePriorArtifact", "Use the prior execution's artifact", "使用前一次执行的制品"),
    boolean("useDefaultArtifact", "Use the default artifact", "使用默认制品"),
    obj("defaultArtifact", "Default artifact", "默认制品"),
)

PIPELINE_FIELDS: Final[tuple[Field, ...]] = (
    string("name", "Name", "名称", required=True),
    string("description", "Description", "描述", format="markdown"),
    array("stages", "Stages", "阶段", item(FieldType.OBJECT, "Stage", "阶段"), default=[]),
    array(
        "triggers", "Triggers", "触发器", item(FieldType.OBJECT, "Trigger", "触发器"), default=[]
    ),
    array(
        "parameterConfig",
        "Parameters",
        "启动参数",
        item(FieldType.OBJECT, "Parameter", "参数"),
        default=[],
    ),
    array(
        "notifications",
        "Notifications",
        "通知",
        item(FieldType.OBJECT, "Notification", "通知"),
        default=[],
    ),
    array(
        "expectedArtifacts",
        "Expected artifacts",
        "启动所需制品",
        item(FieldType.OBJECT, "Artifact", "制品"),
        default=[],
    ),
    boolean(
        "limitConcurrent",
        "Disable concurrent executions",
        "禁止本流程并行执行",
        default=False,
    ),
    boolean(
        "keepWaitingPipelines",
        "Do not cancel waiting executions",
        "保留排队中的执行",
        default=False,
    ),
    integer(
        "maxConcurrentExecutions",
        "Maximum concurrent executions (0 = unlimited)",
        "最大并行执行数（0 为不限）",
        default=0,
    ),
    string(
        "spelEvaluator",
        "Expression evaluator",
        "表达式求值器",
        default="v4",
        enum=("v4", "v3", "v2"),
    ),
    boolean("respectQuietPeriod", "Respect the quiet period", "遵守静默期", default=False),
    obj(
        "manualStartAlert",
        "Manual start alert",
        "手动启动提示",
        (
            string("type", "Level", "级别", enum=("danger", "warning", "info")),
            string("message", "Message", "内容"),
        ),
    ),
    array(
        "tags",
        "Tags",
        "标签",
        item(
            FieldType.OBJECT,
            "Tag",
            "标签",
            fields=(string("name", "Name", "名称"), string("value", "Value", "值")),
        ),
    ),
    array("roles", "Roles", "角色", STRING_LIST_ITEM),
    string("serviceAccount", "Service account", "服务账号"),
)
