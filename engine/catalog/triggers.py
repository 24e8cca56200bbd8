"""Trigger types: the ones this platform fires, and Spinnaker's others (kept, never fired)."""

from __future__ import annotations

from typing import Final

from engine.catalog.model import (
    STRING_LIST_ITEM,
    Field,
    FieldType,
    TriggerType,
    array,
    item,
    mapping,
    string,
    text,
)

PIPELINE_STATUSES: Final = ("successful", "failed", "canceled", "suspended")

WEBHOOK: Final = TriggerType(
    type="webhook",
    label=text("Webhook", "Webhook"),
    description=text(
        "Starts the pipeline when a matching payload is posted to its webhook URL.",
        "向 Webhook 地址推送匹配的数据时启动流程。",
    ),
    fields=(
        string(
            "source",
            "Source",
            "来源",
            help=text(
                "The last segment of the webhook URL (/webhooks/webhook/<source>).",
                "Webhook 地址的最后一段（/webhooks/webhook/<source>）。",
            ),
        ),
        mapping(
            "payloadConstraints",
            "Payload constraints",
            "Payload 约束",
            item(FieldType.STRING, "Regular expression", "正则表达式", format="regex"),
            help=text(
                "Key (or JSONPath) to regex; every constraint must match the payload.",
                "键（或 JSONPath）到正则表达式；所有约束都须匹配。",
            ),
        ),
        string("secret", "Secret", "密钥"),
    ),
)

GIT: Final = TriggerType(
    type="git",
    label=text("Git repository", "Git 仓库"),
    description=text(
        "Starts the pipeline on a push to a matching branch or tag.",
        "推送到匹配的分支或标签时启动流程。",
    ),
    fields=(
        string(
            "source",
            "Provider",
            "仓库类型",
            required=True,
            enum=("github", "gitlab", "bitbucket", "stash", "coding", "gitee"),
        ),
        string("project", "Project or organisation", "项目", required=True),
        string("slug", "Repository", "仓库", required=True),
        string(
            "branch",
            "Branch or tag (regex)",
            "分支或标签规则（正则）",
            format="regex",
            help=text("Empty or .* matches every branch.", "为空或 .* 时不限分支。"),
        ),
        string("secret", "Secret", "密钥"),
        array("events", "Events", "事件", STRING_LIST_ITEM),
    ),
)

DOCKER: Final = TriggerType(
    type="docker",
    label=text("Docker registry", "Docker 制品更新"),
    description=text(
        "Starts the pipeline when a new tag of an image is pushed.",
        "镜像推送新标签时启动流程。",
    ),
    fields=(
        string(
            "account", "Registry account", "镜像仓库账号", required=True, format="docker-account"
        ),
        string("repository", "Repository", "仓库", required=True),
        string("registry", "Registry", "镜像仓库地址"),
        string("organization", "Organisation", "组织"),
        string(
            "tag",
            "Tag (regex)",
            "标签规则（正则）",
            format="regex",
            help=text(
                "Empty matches any tag except 'latest'.", "为空时匹配除 latest 以外的任意标签。"
            ),
        ),
    ),
)

PIPELINE: Final = TriggerType(
    type="pipeline",
    label=text("Pipeline", "其他部署流程"),
    description=text(
        "Starts the pipeline when another pipeline finishes with one of the chosen statuses.",
        "其他部署流程以所选状态结束时启动本流程。",
    ),
    fields=(
        string("application", "Application", "应用", required=True, format="application"),
        string("pipeline", "Pipeline", "部署流程", required=True, format="pipeline-id"),
        array(
            "status",
            "Statuses",
            "状态",
            item(FieldType.STRING, "Status", "状态", enum=PIPELINE_STATUSES),
            default=["successful"],
        ),
    ),
)

CRON: Final = TriggerType(
    type="cron",
    label=text("Schedule (cron)", "定时触发"),
    description=text(
        "Starts the pipeline on a schedule: Quartz cron with seconds, or 5-field Unix cron.",
        "按计划启动流程：带秒的 Quartz cron，或 5 段 Unix cron。",
    ),
    fields=(
        string(
            "cronExpression",
            "Cron expression",
            "Cron 表达式",
            required=True,
            format="cron",
            help=text(
                "e.g. '0 0 20 * * ?' (every day at 20:00).", "例如 '0 0 20 * * ?'（每天 20:00）。"
            ),
        ),
        string("cronTimeZone", "Time zone", "时区"),
    ),
)

MANUAL: Final = TriggerType(
    type="manual",
    label=text("Manual", "手动"),
    description=text("A person starts the pipeline.", "手动启动流程。"),
)

SUPPORTED_TRIGGERS: Final = (WEBHOOK, GIT, DOCKER, PIPELINE, CRON, MANUAL)


def _kept(type_: str, en: str, zh: str, fields: tuple[Field, ...] = ()) -> TriggerType:
    return TriggerType(
        type=type_,
        label=text(en, zh),
        description=text(
            "A Spinnaker trigger type this platform keeps in the configuration but never fires.",
            "本平台会保留此 Spinnaker 触发器类型的配置，但不会触发。",
        ),
        fields=fields,
        supported=False,
    )


_BUILD_FIELDS: Final = (
    string("master", "CI master", "CI 服务"),
    string("job", "Job", "任务"),
    string("propertyFile", "Property file", "属性文件"),
)

KEPT_TRIGGERS: Final = (
    _kept("jenkins", "Jenkins", "Jenkins", _BUILD_FIELDS),
    _kept("travis", "Travis", "Travis", _BUILD_FIELDS),
    _kept("wercker", "Wercker", "Wercker", _BUILD_FIELDS),
    _kept("concourse", "Concourse", "Concourse"),
    _kept("artifactory", "Artifactory", "Artifactory"),
    _kept("nexus", "Nexus", "Nexus"),
    _kept("helm", "Helm chart", "Helm Chart"),
    _kept("pubsub", "Pub/Sub", "Pub/Sub"),
    _kept("cdevents", "CDEvents", "CDEvents"),
    _kept("plugin", "Plugin", "插件"),
    _kept("dryrun", "Dry run", "试运行"),
    _kept("gcb", "Google Cloud Build", "Google Cloud Build"),
)

ALL_TRIGGERS: Final = (*SUPPORTED_TRIGGERS, *KEPT_TRIGGERS)
