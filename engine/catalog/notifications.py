"""Notification channels: CODING's and email/webhook, plus Spinnaker's others (kept, not sent)."""

from __future__ import annotations

from typing import Final

from engine.catalog.model import Field, NotificationType, string, text

_ROBOT_ADDRESS: Final = string(
    "address",
    "Robot webhook URL",
    "机器人 Webhook 地址",
    required=True,
    format="url",
)
_SIGNING_SECRET: Final = string("secret", "Signing secret", "加签密钥")


def _channel(
    type_: str, en: str, zh: str, description: tuple[str, str], fields: tuple[Field, ...]
) -> NotificationType:
    return NotificationType(type_, text(en, zh), text(*description), fields)


SUPPORTED_NOTIFICATIONS: Final = (
    _channel(
        "wecom",
        "WeCom robot",
        "企业微信",
        ("Posts to a WeCom group robot.", "发送到企业微信群机器人。"),
        (_ROBOT_ADDRESS,),
    ),
    _channel(
        "dingtalk",
        "DingTalk robot",
        "钉钉",
        ("Posts to a DingTalk group robot (optionally signed).", "发送到钉钉群机器人（可加签）。"),
        (_ROBOT_ADDRESS, _SIGNING_SECRET),
    ),
    _channel(
        "feishu",
        "Feishu robot",
        "飞书通知",
        ("Posts to a Feishu group robot (optionally signed).", "发送到飞书群机器人（可加签）。"),
        (_ROBOT_ADDRESS, _SIGNING_SECRET),
    ),
    _channel(
        "email",
        "Email",
        "邮件",
        ("Sends an email to one or more addresses.", "发送邮件到一个或多个地址。"),
        (string("address", "Addresses (comma-separated)", "邮箱（逗号分隔）", required=True),),
    ),
    _channel(
        "webhook",
        "Webhook",
        "Webhook",
        ("Posts the event as JSON to a URL.", "以 JSON 形式推送事件到指定地址。"),
        (string("address", "URL", "URL", required=True, format="url"),),
    ),
    _channel(
        "inbox",
        "In-app inbox",
        "站内通知",
        ("Notifies users in the platform's inbox.", "通过平台站内信通知用户。"),
        (string("address", "Usernames (comma-separated)", "用户名（逗号分隔）", required=True),),
    ),
)


def _kept(type_: str, en: str) -> NotificationType:
    return NotificationType(
        type_,
        text(en, en),
        text(
            "A Spinnaker channel this platform keeps in the configuration but does not send to.",
            "本平台会保留此 Spinnaker 通知渠道的配置，但不会发送。",
        ),
        supported=False,
    )


KEPT_NOTIFICATIONS: Final = (
    _kept("slack", "Slack"),
    _kept("sms", "SMS"),
    _kept("googlechat", "Google Chat"),
    _kept("microsoftteams", "Microsoft Teams"),
    _kept("pubsub", "Pub/Sub"),
    _kept("bearychat", "BearyChat"),
    _kept("githubStatus", "GitHub status"),
    _kept("cdevents", "CDEvents"),
    _kept("jira", "Jira"),
)

ALL_NOTIFICATIONS: Final = (*SUPPORTED_NOTIFICATIONS, *KEPT_NOTIFICATIONS)
