"""The words of a notification, in English or Simplified Chinese: a title, labelled facts
(application, pipeline, status, trigger, who, duration) and a link. Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENGLISH = "en"
CHINESE = "zh-hans"

TITLES: dict[str, dict[str, str]] = {
    ENGLISH: {
        "pipeline.starting": "[{application}] Pipeline {pipeline} is starting",
        "pipeline.complete": "[{application}] Pipeline {pipeline} succeeded",
        "pipeline.failed": "[{application}] Pipeline {pipeline} failed",
        "stage.starting": "[{application}] Stage {stage} of {pipeline} is starting",
        "stage.complete": "[{application}] Stage {stage} of {pipeline} completed",
        "stage.failed": "[{application}] Stage {stage} of {pipeline} failed",
        "manualJudgment": "[{application}] {pipeline} is waiting for a judgment at {stage}",
        "manualJudgmentContinue": "[{application}] {who} continued {pipeline} at {stage}",
        "manualJudgmentStop": "[{application}] {who} stopped {pipeline} at {stage}",
        "test": "[cdplatform] Test message for channel {channel}",
    },
    CHINESE: {
        "pipeline.starting": "【{application}】部署流程 {pipeline} 开始执行",
        "pipeline.complete": "【{application}】部署流程 {pipeline} 执行成功",
        "pipeline.failed": "【{application}】部署流程 {pipeline} 执行失败",
        "stage.starting": "【{application}】部署流程 {pipeline} 的阶段 {stage} 开始执行",
        "stage.complete": "【{application}】部署流程 {pipeline} 的阶段 {stage} 执行完成",
        "stage.failed": "【{application}】部署流程 {pipeline} 的阶段 {stage} 执行失败",
        "manualJudgment": "【{application}】部署流程 {pipeline} 等待人工确认：{stage}",
        "manualJudgmentContinue": "【{application}】{who} 已确认继续部署流程 {pipeline}（{stage}）",
        "manualJudgmentStop": "【{application}】{who} 已终止部署流程 {pipeline}（{stage}）",
        "test": "【cdplatform】通知渠道 {channel} 的测试消息",
    },
}
LABELS: dict[str, dict[str, str]] = {
    ENGLISH: {
        "application": "Application",
        "pipeline": "Pipeline",
        "stage": "Stage",
        "status": "Status",
        "trigger": "Trigger",
        "who": "By",
        "duration": "Duration",
        "approvers": "Approvers",
        "instructions": "Instructions",
        "input": "Judgment input",
        "link": "View details",
        "reminder": "Reminder: still waiting",
        "test": "If you can read this, the channel works.",
    },
    CHINESE: {
        "application": "应用",
        "pipeline": "部署流程",
        "stage": "阶段",
        "status": "状态",
        "trigger": "触发方式",
        "who": "操作人",
        "duration": "耗时",
        "approvers": "确认人",
        "instructions": "指引说明",
        "input": "确认选项",
        "link": "查看详情",
        "reminder": "提醒：仍在等待确认",
        "test": "收到这条消息说明通知渠道配置正确。",
    },
}
STATUS_WORDS: dict[str, dict[str, str]] = {
    CHINESE: {
        "NOT_STARTED": "未开始",
        "RUNNING": "执行中",
        "PAUSED": "已暂停",
        "SUSPENDED": "已挂起",
        "SUCCEEDED": "成功",
        "FAILED_CONTINUE": "失败（已忽略）",
        "TERMINAL": "失败",
        "CANCELED": "已取消",
        "STOPPED": "已停止",
        "SKIPPED": "已跳过",
    },
}
TRIGGER_WORDS: dict[str, dict[str, str]] = {
    CHINESE: {
        "manual": "手动",
        "webhook": "Webhook",
        "git": "代码推送",
        "docker": "镜像推送",
        "pipeline": "其他部署流程",
        "cron": "定时触发",
    },
}


@dataclass(frozen=True)
class MessageFacts:
    """Everything a message may say about one event."""

    event: str
    application: str = ""
    pipeline: str = ""
    execution_id: str = ""
    status: str = ""
    trigger_type: str = ""
    trigger_user: str = ""
    who: str = ""
    duration_ms: int | None = None
    stage: str = ""
    approvers: tuple[str, ...] = ()
    instructions: str = ""
    judgment_input: str = ""
    link: str = ""
    reminder: bool = False
    channel: str = ""


@dataclass(frozen=True)
class Message:
    title: str
    lines: tuple[tuple[str, str], ...]
    link: str
    link_label: str
    language: str
    custom: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def plain_text(self) -> str:
        parts = [self.title]
        if self.custom:
            parts.append(self.custom)
        parts.extend(f"{label}: {value}" for label, value in self.lines)
        if self.link:
            parts.append(f"{self.link_label}: {self.link}")
        return "\n".join(parts)

    def markdown(self, *, heading: str = "**{}**") -> str:
        parts = [heading.format(self.title)]
        if self.custom:
            parts.append(self.custom)
        parts.extend(f"> {label}: {value}" for label, value in self.lines)
        if self.link:
            parts.append(f"[{self.link_label}]({self.link})")
        return "\n".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "lines": [list(line) for line in self.lines],
            "link": self.link,
            "linkLabel": self.link_label,
            "language": self.language,
            "custom": self.custom,
            **self.extra,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        return cls(
            title=str(data.get("title") or ""),
            lines=tuple((str(a), str(b)) for a, b in data.get("lines") or []),
            link=str(data.get("link") or ""),
            link_label=str(data.get("linkLabel") or ""),
            language=str(data.get("language") or ENGLISH),
            custom=str(data.get("custom") or ""),
        )


def language_of(value: str | None) -> str:
    text = (value or "").strip().lower().replace("_", "-")
    return CHINESE if text in ("zh-hans", "zh-cn", "zh") else ENGLISH


def duration_text(milliseconds: int, language: str) -> str:
    seconds = max(0, milliseconds // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    units = ("时", "分", "秒") if language == CHINESE else ("h", "m", "s")
    parts = [
        f"{value}{unit}" for value, unit in zip((hours, minutes), units, strict=False) if value
    ]
    parts.append(f"{seconds}{units[2]}")
    return ("" if language == CHINESE else " ").join(parts)


def render(facts: MessageFacts, language: str, *, custom: str = "") -> Message:
    lang = language_of(language)
    labels = LABELS[lang]
    title = (
        TITLES[lang]
        .get(facts.event, TITLES[lang]["pipeline.starting"])
        .format(
            application=facts.application,
            pipeline=facts.pipeline,
            stage=facts.stage,
            who=facts.who or facts.trigger_user,
            channel=facts.channel,
        )
    )
    lines: list[tuple[str, str]] = []
    if facts.event == "test":
        lines.append(("", labels["test"]))
        return Message(title, tuple(lines), "", labels["link"], lang, custom)
    if facts.reminder:
        lines.append((labels["reminder"], "⏰"))
    lines.append((labels["application"], facts.application))
    lines.append((labels["pipeline"], facts.pipeline))
    if facts.stage:
        lines.append((labels["stage"], facts.stage))
    if facts.status:
        lines.append((labels["status"], STATUS_WORDS.get(lang, {}).get(facts.status, facts.status)))
    if facts.trigger_type:
        kind = TRIGGER_WORDS.get(lang, {}).get(facts.trigger_type, facts.trigger_type)
        by = f" ({facts.trigger_user})" if facts.trigger_user else ""
        lines.append((labels["trigger"], kind + by))
    if facts.who:
        lines.append((labels["who"], facts.who))
    if facts.duration_ms is not None:
        lines.append((labels["duration"], duration_text(facts.duration_ms, lang)))
    if facts.approvers:
        lines.append((labels["approvers"], ", ".join(facts.approvers)))
    if facts.instructions:
        lines.append((labels["instructions"], facts.instructions))
    if facts.judgment_input:
        lines.append((labels["input"], facts.judgment_input))
    return Message(title, tuple(lines), facts.link, labels["link"], lang, custom)
