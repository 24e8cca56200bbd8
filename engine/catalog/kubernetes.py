"""Kubernetes (manifest-based) stage types, with Spinnaker's field names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from engine.catalog.checking import is_blank
from engine.catalog.model import (
    STRING_LIST_ITEM,
    ExpressionPolicy,
    Field,
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

PROVIDER: Final = "kubernetes"
CRITERIA: Final = ("newest", "second_newest", "oldest", "largest", "smallest")

_ACCOUNT: Final = string("account", "Account", "云账号", format="kubernetes-account")
# Older pipelines name the account `credentials`.
_CREDENTIALS: Final = string("credentials", "Account (older name)", "云账号（旧字段）")
_ACCOUNT_REQUIRED: Final = Requirement(
    ("account", "credentials"),
    text("Choose the Kubernetes account.", "请选择 Kubernetes 云账号。"),
)
_CLOUD_PROVIDER: Final = string("cloudProvider", "Cloud provider", "云服务", default=PROVIDER)
_MONIKER: Final = obj(
    "moniker",
    "Moniker",
    "标识",
    (
        string("app", "Application", "应用", format="application"),
        string("cluster", "Cluster", "集群"),
        string("stack", "Stack", "栈"),
        string("detail", "Detail", "详情"),
    ),
)
# A manifest is an object or YAML text (one document or several).
_MANIFEST_ITEM: Final = item(
    FieldType.ANY,
    "Manifest",
    "Manifest",
    format="manifest",
    expressions=ExpressionPolicy.LENIENT,
)
_SOURCE: Final = string(
    "source",
    "Manifest source",
    "Manifest 来源",
    default="text",
    enum=("text", "artifact"),
    strict_enum=True,
)
_ARTIFACT_SOURCE: Final[tuple[Field, ...]] = (
    string(
        "manifestArtifactId",
        "Manifest artifact",
        "Manifest 制品",
        when=when("source", "artifact"),
    ),
    obj(
        "manifestArtifact",
        "Manifest artifact (inline)",
        "Manifest 制品（内联）",
        when=when("source", "artifact"),
    ),
    string(
        "manifestArtifactAccount", "Artifact account", "制品账号", when=when("source", "artifact")
    ),
)
_REQUIRED_ARTIFACTS: Final[tuple[Field, ...]] = (
    array("requiredArtifactIds", "Bind artifacts", "绑定制品", STRING_LIST_ITEM),
    array(
        "requiredArtifacts",
        "Bind artifacts (inline)",
        "绑定制品（内联）",
        item(
            FieldType.OBJECT,
            "Artifact binding",
            "制品绑定",
            fields=(
                string("expectedArtifactId", "Artifact", "制品"),
                obj("artifact", "Artifact", "制品"),
            ),
        ),
    ),
)

# How the manifest stages pick their target (Deck's IManifestSelector).
_TARGET: Final[tuple[Field, ...]] = (
    string(
        "mode",
        "Selector",
        "选择方式",
        default="static",
        enum=("static", "dynamic", "label"),
        strict_enum=True,
        help=text(
            "static: a kind and name; dynamic: the newest/oldest/... in a cluster; label: a "
            "label selector.",
            "静态指定目标：类型与名称；动态选择目标：集群中最新/最旧等；标签：按标签选择。",
        ),
    ),
    string(
        "manifestName",
        "Kind and name",
        "类型与名称",
        help=text("e.g. 'deployment my-app'", "例如 'deployment my-app'"),
        when=when("mode", "static"),
    ),
    string("location", "Namespace", "命名空间", format="namespace"),
    string("app", "Application", "应用", format="application"),
    string("cluster", "Cluster", "集群", when=when("mode", "dynamic")),
    string(
        "criteria",
        "Target",
        "目标",
        enum=CRITERIA,
        strict_enum=True,
        when=when("mode", "dynamic"),
    ),
    string("kind", "Kind", "资源类型"),
    array("kinds", "Kinds", "资源类型", STRING_LIST_ITEM, when=when("mode", "label")),
    obj(
        "labelSelectors",
        "Label selectors",
        "标签选择器",
        (
            array(
                "selectors",
                "Selectors",
                "选择器",
                item(
                    FieldType.OBJECT,
                    "Selector",
                    "选择器",
                    fields=(
                        string("key", "Key", "键"),
                        string(
                            "kind",
                            "Operator",
                            "操作符",
                            enum=(
                                "ANY",
                                "EQUALS",
                                "NOT_EQUALS",
                                "CONTAINS",
                                "NOT_CONTAINS",
                                "EXISTS",
                                "NOT_EXISTS",
                            ),
                        ),
                        array("values", "Values", "值", STRING_LIST_ITEM),
                    ),
                ),
            ),
        ),
        when=when("mode", "label"),
    ),
)
_TARGET_REQUIRED: Final = (
    _ACCOUNT_REQUIRED,
    Requirement(
        ("manifestName",),
        text(
            "Name the target ('kind name', e.g. 'deployment web') or choose another selector.",
            "请填写目标（'类型 名称'，例如 'deployment web'）或选择其他方式。",
        ),
        when=when("mode", "static"),
    ),
    Requirement(
        ("cluster",),
        text("A dynamic target needs a cluster (e.g. 'replicaSet web').", "动态目标需要集群。"),
        when=when("mode", "dynamic"),
    ),
)


def has_label_selectors(raw: Any) -> bool:
    """Whether `labelSelectors` (Deck's `{selectors: [...]}`, or a bare list) selects anything."""
    selectors = raw.get("selectors") if isinstance(raw, Mapping) else raw
    return isinstance(selectors, list) and any(isinstance(each, Mapping) for each in selectors)


def target_mode(stage: Mapping[str, Any]) -> str:
    """How a manifest stage picks its target: `static`, `dynamic` or `label`.

    Pipelines saved before Deck wrote `mode` imply it, as Orca and Clouddriver read them: a
    `manifestName` is static, label selectors (with `kinds`) select by label, a `cluster`
    (with `criteria`) is dynamic. An empty `labelSelectors: {selectors: []}`, which Deck leaves
    behind after a switch of selector, selects nothing.
    """
    mode = stage.get("mode")
    if isinstance(mode, str) and mode.strip():
        return mode.strip().lower()
    if not is_blank(stage.get("manifestName")):
        return "static"
    if has_label_selectors(stage.get("labelSelectors")):
        return "label"
    if not is_blank(stage.get("cluster")):
        return "dynamic"
    return "static"


def _implied_target_mode(stage: Mapping[str, Any]) -> dict[str, Any]:
    mode = stage.get("mode")
    return {} if isinstance(mode, str) and mode.strip() else {"mode": target_mode(stage)}


def _target_stage(
    type_: str,
    label: tuple[str, str],
    description: tuple[str, str],
    extra: tuple[Field, ...] = (),
    aliases: tuple[str, ...] = (),
) -> StageType:
    return StageType(
        type=type_,
        group=StageGroup.KUBERNETES,
        label=text(*label),
        description=text(*description),
        fields=(_ACCOUNT, _CREDENTIALS, _CLOUD_PROVIDER, *_TARGET, *extra),
        requirements=_TARGET_REQUIRED,
        aliases=aliases,
        cloud_provider=PROVIDER,
        implied=_implied_target_mode,
    )


DEPLOY_MANIFEST: Final = StageType(
    type="deployManifest",
    group=StageGroup.KUBERNETES,
    label=text("Deploy (Manifest)", "部署 (Manifest)"),
    description=text(
        "Applies manifests (text or an artifact), binds artifacts such as images, versions "
        "ReplicaSets (-v000) and can shift traffic red/black, blue/green or highlander.",
        "部署 Manifest（文本或制品），绑定镜像等制品，为 ReplicaSet 生成版本（-v000），"
        "可按红黑/蓝绿/Highlander 策略切换流量。",
    ),
    fields=(
        _ACCOUNT,
        _CREDENTIALS,
        _CLOUD_PROVIDER,
        _MONIKER,
        string("namespaceOverride", "Override namespace", "覆盖命名空间", format="namespace"),
        _SOURCE,
        array(
            "manifests",
            "Manifests",
            "Manifest",
            _MANIFEST_ITEM,
            when=when("source", "text"),
            expressions=ExpressionPolicy.LENIENT,
        ),
        anything(
            "manifest",
            "Manifest (single, older pipelines)",
            "Manifest（单个，旧版流程）",
            when=when("source", "text"),
            format="manifest",
            expressions=ExpressionPolicy.LENIENT,
        ),
        *_ARTIFACT_SOURCE,
        *_REQUIRED_ARTIFACTS,
        boolean(
            "skipExpressionEvaluation",
            "Skip expression evaluation",
            "跳过表达式求值",
            default=False,
        ),
        obj(
            "trafficManagement",
            "Traffic management",
            "流量管理",
            (
                boolean("enabled", "Enabled", "启用", default=False),
                obj(
                    "options",
                    "Options",
                    "选项",
                    (
                        boolean(
                            "enableTraffic", "Send traffic to the new version", "新版本接收流量"
                        ),
                        array(
                            "services",
                            "Services",
                            "Service",
                            item(
                                FieldType.STRING,
                                "Service",
                                "Service",
                                help=text("e.g. 'service web'", "例如 'service web'"),
                            ),
                        ),
                        string(
                            "strategy",
                            "Strategy",
                            "策略",
                            enum=("redblack", "bluegreen", "highlander", "canary", "none", None),
                            strict_enum=True,
                            help=text(
                                "canary is this platform's: traffic steps next to the stable "
                                "Deployment (see `canary`).",
                                "canary 为本平台扩展：在稳定版本旁按步骤切流（见 canary）。",
                            ),
                        ),
                        string("namespace", "Namespace", "命名空间", format="namespace"),
                        boolean("rollbackOnFailure", "Roll back on failure", "失败时回滚"),
                    ),
                ),
            ),
        ),
        boolean(
            "rollbackOnFailure",
            "Roll back on failure",
            "失败时回滚",
            default=False,
            help=text(
                "Undo the rollout (rolling) or delete the new version (red/black) if the stage "
                "fails.",
                "阶段失败时撤销滚动更新（滚动）或删除新版本（红黑）。",
            ),
        ),
        obj(
            "canary",
            "Canary steps",
            "金丝雀步骤",
            (
                array(
                    "steps",
                    "Steps",
                    "步骤",
                    item(
                        FieldType.OBJECT,
                        "Step",
                        "步骤",
                        fields=(
                            integer(
                                "setWeight",
                                "Traffic weight (%)",
                                "流量权重（%）",
                                minimum=0,
                                maximum=100,
                            ),
                            anything(
                                "pause", "Pause ({duration} or {} to wait for an action)", "暂停"
                            ),
                        ),
                    ),
                ),
                string("ingress", "Ingress (e.g. 'ingress web')", "Ingress（例如 'ingress web'）"),
            ),
        ),
    ),
    requirements=(
        _ACCOUNT_REQUIRED,
        Requirement(
            ("manifests", "manifest"),
            text("Give the manifests to deploy.", "请提供要部署的 Manifest。"),
            when=when("source", "text"),
        ),
        Requirement(
            ("manifestArtifactId", "manifestArtifact"),
            text("Choose the artifact holding the manifests.", "请选择包含 Manifest 的制品。"),
            when=when("source", "artifact"),
        ),
    ),
    cloud_provider=PROVIDER,
)

DELETE_MANIFEST: Final = _target_stage(
    "deleteManifest",
    ("Delete (Manifest)", "删除 (Manifest)"),
    ("Deletes Kubernetes resources.", "删除 Kubernetes 资源。"),
    (
        obj(
            "options",
            "Options",
            "选项",
            (
                boolean("cascading", "Cascading", "级联删除", default=True),
                integer("gracePeriodSeconds", "Grace period (s)", "宽限期（秒）", format="seconds"),
            ),
        ),
    ),
)

SCALE_MANIFEST: Final = _target_stage(
    "scaleManifest",
    ("Scale (Manifest)", "扩缩容 (Manifest)"),
    (
        "Sets the replica count of a workload and waits until it is stable.",
        "调整工作负载副本数并等待稳定。",
    ),
    (integer("replicas", "Replicas", "副本数", required=True, minimum=0),),
)

PATCH_MANIFEST: Final = _target_stage(
    "patchManifest",
    ("Patch (Manifest)", "Patch (Manifest)"),
    (
        "Patches a resource with a strategic, JSON (RFC 6902) or merge (RFC 7386) patch.",
        "使用 strategic、JSON（RFC 6902）或 merge（RFC 7386）方式修改资源。",
    ),
    (
        _SOURCE,
        anything(
            "patchBody",
            "Patch body",
            "Patch 内容",
            when=when("source", "text"),
            expressions=ExpressionPolicy.LENIENT,
        ),
        string("patchArtifactId", "Patch artifact", "Patch 制品", when=when("source", "artifact")),
        obj(
            "patchArtifact",
            "Patch artifact (inline)",
            "Patch 制品（内联）",
            when=when("source", "artifact"),
        ),
        *_ARTIFACT_SOURCE,
        *_REQUIRED_ARTIFACTS,
        obj(
            "options",
            "Options",
            "选项",
            (
                boolean("record", "Record the change cause", "记录更新注解", default=True),
                string(
                    "mergeStrategy",
                    "Merge strategy",
                    "合并策略",
                    default="strategic",
                    enum=("strategic", "json", "merge"),
                    strict_enum=True,
                ),
            ),
        ),
    ),
)

UNDO_ROLLOUT_MANIFEST: Final = _target_stage(
    "undoRolloutManifest",
    ("Undo rollout (Manifest)", "回滚 (Manifest)"),
    (
        "Rolls a workload back a number of revisions (Kubernetes rolls it forward as a new one).",
        "将工作负载回滚若干个版本。",
    ),
    (
        integer("numRevisionsBack", "Revisions back", "回滚版本数", default=1, minimum=1),
        integer("toRevision", "To revision", "回滚到版本"),
    ),
)

ENABLE_MANIFEST: Final = _target_stage(
    "enableManifest",
    ("Enable (Manifest)", "启用 (Manifest)"),
    (
        "Sends Service traffic to a workload again (by labels).",
        "通过标签让 Service 流量重新进入工作负载。",
    ),
)

DISABLE_MANIFEST: Final = _target_stage(
    "disableManifest",
    ("Disable (Manifest)", "禁用 (Manifest)"),
    (
        "Takes a workload out of its Services' traffic, keeping it for rollback.",
        "让工作负载退出 Service 流量，保留以便回滚。",
    ),
)

RUN_JOB_MANIFEST: Final = StageType(
    type="runJobManifest",
    group=StageGroup.KUBERNETES,
    label=text("Run Job (Manifest)", "Run Job (Manifest)"),
    description=text(
        "Runs a Kubernetes Job, shows its logs and captures SPINNAKER_PROPERTY_* and "
        "SPINNAKER_CONFIG_JSON output.",
        "运行 Kubernetes Job，展示日志并捕获 SPINNAKER_PROPERTY_* 与 SPINNAKER_CONFIG_JSON 输出。",
    ),
    fields=(
        _ACCOUNT,
        _CREDENTIALS,
        _CLOUD_PROVIDER,
        string("application", "Application", "应用", format="application"),
        _SOURCE,
        anything(
            "manifest",
            "Job manifest",
            "Job Manifest",
            when=when("source", "text"),
            format="manifest",
            expressions=ExpressionPolicy.LENIENT,
        ),
        *_ARTIFACT_SOURCE,
        *_REQUIRED_ARTIFACTS,
        string(
            "consumeArtifactSource",
            "Capture output from",
            "输出来源",
            enum=("none", "propertyFile", "artifact"),
        ),
        string("propertyFile", "Container whose logs hold the output", "输出日志所在容器"),
        string("consumeArtifactId", "Output artifact", "输出制品"),
        boolean("waitForCompletion", "Wait for completion", "等待完成", default=True),
        boolean("noOutput", "Discard the output", "不保留输出", default=False),
        boolean("deleteJob", "Delete the Job when done", "完成后删除 Job", default=False),
        string("alias", "Alias", "别名"),
    ),
    requirements=(
        _ACCOUNT_REQUIRED,
        Requirement(
            ("manifest",),
            text("Give the Job manifest.", "请提供 Job Manifest。"),
            when=when("source", "text"),
        ),
        Requirement(
            ("manifestArtifactId", "manifestArtifact"),
            text("Choose the artifact holding the Job.", "请选择包含 Job 的制品。"),
            when=when("source", "artifact"),
        ),
    ),
    aliases=("runJob",),
    cloud_provider=PROVIDER,
)

FIND_ARTIFACT_FROM_RESOURCE: Final = _target_stage(
    "findArtifactFromResource",
    ("Find artifacts from resource", "从资源中查找制品"),
    (
        "Reads the images and config artifacts a live resource uses.",
        "读取运行中资源使用的镜像与配置制品。",
    ),
    aliases=("findArtifactsFromResource",),
)

BAKE_MANIFEST: Final = StageType(
    type="bakeManifest",
    group=StageGroup.KUBERNETES,
    label=text("Bake (Manifest)", "Bake (Manifest)"),
    description=text(
        "Renders a Helm chart or a Kustomize directory into manifests (one embedded/base64 "
        "artifact).",
        "将 Helm Chart 或 Kustomize 渲染为 Manifest（产出一个 embedded/base64 制品）。",
    ),
    fields=(
        string(
            "templateRenderer",
            "Renderer",
            "渲染引擎",
            required=True,
            enum=("HELM2", "HELM3", "HELMFILE", "KUSTOMIZE", "KUSTOMIZE4"),
            strict_enum=True,
        ),
        string(
            "outputName",
            "Release name",
            "发布名称",
            when=when("templateRenderer", "HELM2", "HELM3"),
            required=True,
        ),
        string("namespace", "Namespace", "发布的命名空间", format="namespace"),
        array(
            "inputArtifacts",
            "Template and value artifacts",
            "模板与 Values 制品",
            item(
                FieldType.OBJECT,
                "Artifact",
                "制品",
                fields=(string("id", "Artifact", "制品"), string("account", "Account", "账号")),
            ),
        ),
        obj("inputArtifact", "Template artifact", "模板制品"),
        mapping("overrides", "Overrides (--set)", "覆盖值（--set）", anything("", "Value", "值")),
        boolean("rawOverrides", "Raw overrides (--set-string off)", "原始覆盖值", default=False),
        boolean(
            "evaluateOverrideExpressions",
            "Evaluate expressions in overrides",
            "覆盖值中求值表达式",
            default=False,
        ),
        boolean("includeCRDs", "Include CRDs", "包含 CRD", default=False),
        string("kustomizeFilePath", "kustomization.yaml path", "kustomization.yaml 路径"),
        string("helmChartFilePath", "Chart path", "Chart 路径"),
        string("helmfileFilePath", "helmfile path", "helmfile 路径"),
        array("apiVersions", "API versions", "API 版本", STRING_LIST_ITEM),
        string("kubeVersion", "Kubernetes version", "Kubernetes 版本"),
        string("environment", "helmfile environment", "helmfile 环境"),
        array(
            "expectedArtifacts",
            "Produced artifact",
            "产出制品",
            item(FieldType.OBJECT, "Artifact", "制品"),
            required=True,
        ),
    ),
    cloud_provider=PROVIDER,
)

KUBERNETES_STAGES: Final = (
    DEPLOY_MANIFEST,
    DELETE_MANIFEST,
    SCALE_MANIFEST,
    PATCH_MANIFEST,
    UNDO_ROLLOUT_MANIFEST,
    ENABLE_MANIFEST,
    DISABLE_MANIFEST,
    RUN_JOB_MANIFEST,
    FIND_ARTIFACT_FROM_RESOURCE,
    BAKE_MANIFEST,
)
