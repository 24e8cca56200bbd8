"""The console speaks the browser's language: Simplified Chinese for zh-Hans, English otherwise;
the script texts and the catalogue's labels follow; every catalog entry is translated."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.test import Client

from apps.console.jsstrings import editor_strings, execution_strings
from tests.apps.console.conftest import make_pipeline
from tests.conftest import World

CATALOG = Path(__file__).resolve().parents[3] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_pages_render_in_chinese_for_a_chinese_browser(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    owner = browser("owner")
    home = owner.get("/t/acme/", HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    pipelines = owner.get(
        "/t/acme/applications/shop/pipelines/", HTTP_ACCEPT_LANGUAGE="zh-Hans"
    ).content.decode()
    editor = owner.get(
        f"/t/acme/pipelines/{pipeline.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content.decode()
    assert '<html lang="zh-hans">' in home
    assert "应用" in home
    assert "部署流程" in pipelines
    assert "创建部署流程" in pipelines
    assert "修订历史" in editor
    script = editor.split('<script id="console-strings" type="application/json">')[1].split(
        "</script>"
    )[0]
    assert json.loads(script)["add_after"] == "在“{name}”之后添加阶段"


def test_english_stays_english(browser: Callable[[str], Client]) -> None:
    page = browser("owner").get("/t/acme/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Applications" in page
    assert "应用" not in page


def test_the_language_switcher_sets_the_language(browser: Callable[[str], Client]) -> None:
    owner = browser("owner")
    response = owner.post("/i18n/setlang/", {"language": "zh-hans", "next": "/t/acme/"})
    page = owner.get("/t/acme/").content.decode()
    assert response.status_code == 302
    assert "工作台" in page


def test_every_catalog_entry_has_a_translation() -> None:
    text = CATALOG.read_text(encoding="utf-8")
    blocks = text.split("\n\n")[1:]
    empty = re.compile(r'^msgstr(\[0\])? ""$', re.M)
    continued = re.compile(r'^msgstr(\[0\])? ""\n"', re.M)
    untranslated = [b for b in blocks if empty.search(b) and not continued.search(b)]
    assert not untranslated
    assert "#, fuzzy" not in text


def test_script_texts_exist_in_both_languages(settings: Any) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        chinese = {**editor_strings(), **execution_strings()}
    with translation.override("en"):
        english = {**editor_strings(), **execution_strings()}
    assert chinese.keys() == english.keys()
    assert chinese["saved"] == "已保存为修订版本 {n}。"
    assert chinese["status_RUNNING"] == "执行中"
    same = [key for key in english if english[key] == chinese[key]]
    assert same == ["webhook_status"] or set(same) <= {"webhook_status"}
