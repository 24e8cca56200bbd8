"""General stage types: wait, judgment, preconditions, variables, webhook, pipeline, artifacts."""

from __future__ import annotations

from typing import Final

from engine.catalog.common import NOTIFICATION_ITEM, STATUSES
from engine.catalog.model import (
    STRING_LIST_ITEM,
    ExpressionPolicy,
    FieldType,
    Requirement,
    StageGroup,
    StageType,
    anything,
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

HTTP_METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")

WAIT: Final = StageType(
    type="wait",
    group=StageGroup.GENERAL,
    label=text("Wait", "等待"),
    description=text(
        "Waits a number of seconds; the wait can be skipped while it runs.",
        "等待指定秒数；执行中可以跳过剩余等待。",
    ),
    fields=(
        integer(
            "waitTime",
            "Wait time (seconds)",
            "等待时间（秒）",
            default=30,
            format="seconds",
            minimum=0,
        ),
    ),
)

MANUAL_JUDGMENT: Final = StageType(
    type="manualJudgment",
    group=StageGroup.GENERAL,
    label=text("Manual judgment", "人工确认"),
    description=text(
        "Waits for a person to continue or stop the pipeline (72 hours by default).",
        "等待人工确认继续或停止流程（默认 72 小时超时）。",
    ),
    fields=(
        string("instructions", "Instructions", "指引说明", format="markdown"),
        array(
            "judgmentInputs",
            "Options",
            "输入选项",
            item(
                FieldType.OBJECT,
                "Option",
                "选项",
                fields=(string("value", "Value", "值", required=True),),
            ),
            help=text(
                "Choices offered to the judge; downstream stages read them with #judgment('name').",
                "供确认人选择的选项；下游阶段可用 #judgment('阶段名') 读取。",
            ),
        ),
        array(
            "customInputs",
            "Custom inputs",
            "自定义参数",
            item(
                FieldType.OBJECT,
                "Input",
                "参数",
                fields=(
                    string("name", "Name", "名称", required=True),
                    string("label", "Label", "显示名称"),
                    string("default", "Default", "默认值"),
                    boolean("required", "Required", "必填"),
                ),
            ),
            help=text(
                "Values the judge types in; stored under the stage's context.customParams.",
                "确认时填写的参数；保存在阶段 context.customParams 中。",
            ),
        ),
        array(
            "approvers",
            "Approvers",
            "确认人",
            item(FieldType.STRING, "Username", "用户名", format="username"),
            help=text(
                "Only these users may judge; empty means anyone allowed to operate the pipeline.",
                "仅这些用户可以确认；为空时有执行权限的人都可以确认。",
            ),
        ),
        array(
            "notifyUsers",
            "Notify",
            "通知人",
            item(FieldType.STRING, "Username", "用户名", format="username"),
        ),
        array("selectedStageRoles", "Roles allowed to judge", "允许确认的角色", STRING_LIST_ITEM),
        boolean(
            "propagateAuthenticationContext",
            "Run later stages as the judge",
            "后续阶段以确认人身份运行",
            default=False,
        ),
        array("notifications", "Notifications", "通知", NOTIFICATION_ITEM),
    ),
)

_PRECONDITION: Final = item(
    FieldType.OBJECT,
    "Precondition",
    "前置条件",
    fields=(
        string(
            "type",
            "Type",
            "类型",
            required=True,
            enum=("expression", "stageStatus", "clusterSize"),
        ),
        boolean("failPipeline", "Fail the pipeline", "失败时终止流程", default=True),
        obj(
            "context",
            "Settings",
            "设置",
            (
                string("expression", "Expression", "表达式"),
                string("failureMessage", "Failure message", "失败提示"),
                string("stageName", "Stage name", "阶段名称"),
                string("stageStatus", "Expected status", "期望状态", enum=STATUSES),
                string("cluster", "Cluster", "集群"),
                array("regions", "Regions", "地域", STRING_LIST_ITEM),
                string("credentials", "Account", "账号"),
                string("comparison", "Comparison", "比较", enum=("==", "<", "<=", ">", ">=")),
                integer("expected", "Expected size", "期望规模"),
            ),
        ),
    ),
)

CHECK_PRECONDITIONS: Final = StageType(
    type="checkPreconditions",
    group=StageGroup.GENERAL,
    label=text("Check preconditions", "预置条件检查"),
    description=text(
        "Fails (or stops the branch) unless every precondition holds: an expression, another "
        "stage's status, a cluster's size.",
        "检查条件（表达式、其他阶段状态、集群规模），不满足时失败或终止本分支。",
    ),
    fields=(array("preconditions", "Preconditions", "前置条件", _PRECONDITION, default=[]),),
)

EVALUATE_VARIABLES: Final = StageType(
    type="evaluateVariables",
    group=StageGroup.GENERAL,
    label=text("Evaluate variables", "自定义变量"),
    description=text(
        "Evaluates key/value pairs that later stages read as ${name}.",
        "计算键值对，下游阶段可用 ${变量名} 引用。",
    ),
    fields=(
        array(
            "variables",
            "Variables",
            "变量",
            item(
                FieldType.OBJECT,
                "Variable",
                "变量",
                fields=(
                    string("key", "Name", "名称", required=True),
                    anything("value", "Value", "值"),
                    string("description", "Description", "描述"),
                ),
            ),
            default=[],
        ),
    ),
)

WEBHOOK: Final = StageType(
    type="webhook",
    group=StageGroup.GENERAL,
    label=text("Webhook", "Webhook"),
    description=text(
        "Calls an HTTP endpoint and optionally polls a status URL until it reports completion.",
        "调用 HTTP 接口，可轮询状态地址直到完成。",
    ),
    fields=(
        string("url", "URL", "URL", required=True, format="url"),
        string("method", "Method", "请求方法", default="POST", enum=HTTP_METHODS, strict_enum=True),
        mapping("customHeaders", "Headers", "请求头", anything("", "Value", "值")),
        anything("payload", "Payload", "请求体", expressions=ExpressionPolicy.LENIENT),
        boolean("waitForCompletion", "Wait for completion", "等待完成", default=False),
        string(
            "statusUrlResolution",
            "Status URL",
            "状态地址来源",
            default="getMethod",
            enum=("getMethod", "locationHeader", "webhookResponse"),
            strict_enum=True,
            when=when("waitForCompletion", True),
        ),
        string(
            "statusUrlJsonPath",
            "Status URL JSONPath",
            "状态地址 JSONPath",
            format="jsonpath",
            when=when("waitForCompletion", True),
        ),
        string("statusJsonPath", "Status JSONPath", "状态 JSONPath", format="jsonpath"),
        string("progressJsonPath", "Progress JSONPath", "进度 JSONPath", format="jsonpath"),
        string("successStatuses", "Success statuses (comma-separated)", "成功状态（逗号分隔）"),
        string("canceledStatuses", "Canceled statuses", "取消状态"),
        string("terminalStatuses", "Terminal statuses", "失败状态"),
        integer(
            "waitBeforeMonitor", "Wait before polling (s)", "轮询前等待（秒）", format="seconds"
        ),
        array(
            "failFastStatusCodes",
            "Fail fast on status codes",
            "立即失败的状态码",
            item(FieldType.INTEGER, "Status code", "状态码"),
        ),
        array(
            "retryStatusCodes",
            "Retry on status codes",
            "重试的状态码",
            item(FieldType.INTEGER, "Status code", "状态码"),
        ),
        array(
            "webhookRetryStatusCodes",
            "Also retry on status codes",
            "额外重试的状态码",
            item(FieldType.INTEGER, "Status code", "状态码"),
        ),
        mapping(
            "retries",
            "Retries per status code",
            "按状态码重试",
            obj("", "Retry", "重试", (integer("maxAttempts", "Attempts", "次数", minimum=0),)),
        ),
        boolean("monitorOnly", "Only poll an existing status URL", "仅轮询状态地址", default=False),
        string("statusEndpoint", "Status endpoint", "状态地址"),
        boolean("signalCancellation", "Call a cancel endpoint", "取消时调用接口", default=False),
        string("cancelEndpoint", "Cancel endpoint", "取消地址", format="url"),
        string("cancelMethod", "Cancel method", "取消方法", default="POST", enum=HTTP_METHODS),
        anything(
            "cancelPayload", "Cancel payload", "取消请求体", expressions=ExpressionPolicy.LENIENT
        ),
    ),
)

PIPELINE: Final = StageType(
    type="pipeline",
    group=StageGroup.GENERAL,
    label=text("Pipeline", "部署流程"),
    description=text(
        "Runs another pipeline, optionally waiting for its result and passing parameters.",
        "运行另一个部署流程，可等待其结果并传递参数。",
    ),
    fields=(
        string(
            "application",
            "Application",
            "应用",
            format="application",
            help=text("Empty: this pipeline's application.", "为空时为本流程所在应用。"),
        ),
        string("pipelineApplication", "Application (older name)", "应用（旧字段）"),
        string("pipeline", "Pipeline", "部署流程", required=True, format="pipeline-id"),
        mapping("pipelineParameters", "Parameters", "参数", anything("", "Value", "值")),
        boolean("skippable", "Can be skipped while running", "运行中可跳过", default=False),
        boolean("waitForCompletion", "Wait for the result", "等待执行结果", default=True),
        boolean("skipDownstreamOutput", "Do not copy the child's outputs", "不传递子流程输出"),
    ),
)

FIND_ARTIFACT_FROM_EXECUTION: Final = StageType(
    type="findArtifactFromExecution",
    group=StageGroup.GENERAL,
    label=text("Find artifacts from execution", "从执行环境中查找制品"),
    description=text(
        "Finds artifacts bound by an execution of another pipeline (e.g. promote what ran in "
        "staging).",
        "从另一个流程的执行中查找制品（例如把预发布环境部署的版本推到生产）。",
    ),
    fields=(
        string("application", "Application", "应用", required=True, format="application"),
        string("pipeline", "Pipeline", "部署流程", required=True, format="pipeline-id"),
        obj(
            "executionOptions",
            "Executions to look at",
            "执行状态",
            (
                boolean("successful", "Successful", "成功"),
                boolean("terminal", "Terminal", "失败"),
                boolean("running", "Running", "运行中"),
            ),
        ),
        obj("expectedArtifact", "Artifact", "制品"),
        array("expectedArtifacts", "Artifacts", "制品", item(FieldType.OBJECT, "Artifact", "制品")),
    ),
    requirements=(
        Requirement(
            ("expectedArtifacts", "expectedArtifact"),
            text("Say which artifact to find (expectedArtifacts).", "请指定要查找的制品。"),
        ),
    ),
)

GENERAL_STAGES: Final = (
    WAIT,
    MANUAL_JUDGMENT,
    CHECK_PRECONDITIONS,
    EVALUATE_VARIABLES,
    WEBHOOK,
    PIPELINE,
    FIND_ARTIFACT_FROM_EXECUTION,
)
