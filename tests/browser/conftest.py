"""Browser tests: Debian's Chromium driven by Playwright against the app served by daphne.

Never downloads a browser: without /usr/bin/chromium the tests skip and say why. Screenshots go
to artifacts/screenshots/ (and to docs/screenshots/ with CDP_SCREENSHOTS_TO_DOCS=1).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from tests.live import LiveServer, live_server

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
PASSWORD = "a long test password"  # noqa: S105 - a throwaway password of a test user
TIMEOUT_MS = 20_000
# The screenshots the README shows (docs/screenshots/); the others stay test artifacts.
README_SHOTS = frozenset(
    {
        "team-home",
        "pipelines",
        "pipeline-editor",
        "pipeline-configuration",
        "json-error-pointed-at",
        "revision-diff",
        "pipeline-locked",
        "run-dialog",
        "execution-live",
        "release-order-new",
        "workbench",
        "infrastructure",
        "team-settings",
        "pipeline-editor-zh",
        "team-home-zh",
    }
)

# Playwright's sync API keeps an event loop on the test's thread; the test's own ORM calls on
# that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install chromium); browser tests skipped"
        print(message)  # noqa: T201 - the reason must show in the run's output
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
            headless=True,
        )
        yield browser
        browser.close()


@dataclass
class Console:
    """A logged-in browser tab on the live server."""

    page: Any
    server: LiveServer
    world: World

    def url(self, path: str) -> str:
        return self.server.url + path

    def goto(self, path: str) -> Any:
        return self.page.goto(self.url(path))

    def login(self, role: str) -> None:
        user = self.world.users[role]
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        self.goto("/login/")
        self.page.get_by_label("Username").fill(user.username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(self.url("/t/acme/"))

    def shot(self, name: str, page: Any = None) -> None:
        """A 1280×800 screenshot of what the user sees (in this tab or in `page`)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        (page or self.page).screenshot(path=str(path))
        if os.environ.get("CDP_SCREENSHOTS_TO_DOCS") and name in README_SHOTS:
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS / f"{name}.png")


@pytest.fixture
def console(chromium: Any, live_world: World) -> Iterator[Console]:
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield Console(page=page, server=live_server(), world=live_world)
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


UNLABELLED_FIELDS = """() => Array.from(
  document.querySelectorAll("input, select, textarea, button"))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => {
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || el.getAttribute('title')
      || (el.tagName === 'BUTTON' && el.textContent.trim());
    return !named;
  })
  .map(el => el.outerHTML.slice(0, 120))"""


def assert_accessible(page: Any) -> None:
    """Every visible field and button has an accessible name; the page fits 1280 px."""
    assert page.evaluate(UNLABELLED_FIELDS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
