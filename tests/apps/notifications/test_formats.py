"""Message words and robot bodies without a server: languages, durations, size limits, signing."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

from apps.notifications import formats
from apps.notifications.messages import MessageFacts, duration_text, render


def _facts(**extra: object) -> MessageFacts:
    base = {
        "event": "pipeline.failed",
        "application": "shop",
        "pipeline": "release",
        "status": "TERMINAL",
        "trigger_type": "git",
        "trigger_user": "[anonymous]",
        "duration_ms": 3_723_000,
        "link": "https://cd.example.com/t/acme/executions/01H/",
    }
    return MessageFacts(**{**base, **extra})  # type: ignore[arg-type]


def test_the_same_facts_in_both_languages() -> None:
    english = render(_facts(), "en")
    chinese = render(_facts(), "zh-hans")

    assert english.title == "[shop] Pipeline release failed"
    assert ("Duration", "1h 2m 3s") in english.lines
    assert ("Trigger", "git ([anonymous])") in english.lines
    assert chinese.title == "【shop】部署流程 release 执行失败"
    assert ("耗时", "1时2分3秒") in chinese.lines
    assert ("状态", "失败") in chinese.lines
    assert ("触发方式", "代码推送 ([anonymous])") in chinese.lines
    assert chinese.link_label == "查看详情"


def test_durations() -> None:
    assert duration_text(0, "en") == "0s"
    assert duration_text(61_000, "en") == "1m 1s"
    assert duration_text(7_200_000, "zh-hans") == "2时0秒"


def test_wecom_content_is_cut_to_4096_bytes_on_a_character_boundary() -> None:
    message = render(_facts(), "zh-hans", custom="部署" * 3000)

    content = formats.wecom_body(message)["markdown"]["content"]

    assert len(content.encode("utf-8")) <= 4096
    assert content.endswith("...")


def test_dingtalk_signature_goes_into_the_query_string() -> None:
    url = formats.dingtalk_url(
        "https://oapi.dingtalk.com/robot/send?access_token=abc", "SECx", 1_700_000_000_000
    )

    query = parse_qs(urlsplit(url).query)
    expected = base64.b64encode(
        hmac.new(b"SECx", b"1700000000000\nSECx", hashlib.sha256).digest()
    ).decode()
    assert query == {"access_token": ["abc"], "timestamp": ["1700000000000"], "sign": [expected]}


def test_feishu_signs_an_empty_message_with_timestamp_and_secret_as_key() -> None:
    body = formats.feishu_body(render(_facts(), "en"), secret="s3", timestamp_s=1_700_000_000)

    expected = base64.b64encode(hmac.new(b"1700000000\ns3", b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected
    assert body["timestamp"] == "1700000000"
    rows = body["content"]["post"]["en_us"]["content"]
    assert rows[-1] == [{"tag": "a", "text": "View details", "href": _facts().link}]


def test_robot_error_codes() -> None:
    assert formats.robot_error("wecom", {"errcode": 0, "errmsg": "ok"}) is None
    assert formats.robot_error("dingtalk", {"errcode": 310000, "errmsg": "sign not match"})
    assert formats.robot_error("feishu", {"code": 19021, "msg": "sign match fail"})
    assert formats.robot_error("feishu", {"StatusCode": 0}) is None
    assert formats.robot_error("wecom", None) == "the robot did not answer JSON"
