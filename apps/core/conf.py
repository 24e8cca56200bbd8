"""Platform tunables: one namespaced setting (CDPLATFORM) read lazily with defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

DEFAULTS: dict[str, Any] = {
    # Engine transport: "local" (embedded worker thread), "celery" (scale-out) or "inline"
    # (tests drive the in-memory queue themselves).
    "ENGINE": "local",
    # Absolute base URL used in links sent out (notifications); empty: derived per request.
    "PUBLIC_URL": "",
    # Default lifetime of API tokens in days; 0 means no expiry unless the token asks.
    "TOKEN_DEFAULT_EXPIRY_DAYS": 0,
    # Write last_used_at at most this often per token, so reads don't become writes.
    "TOKEN_LAST_USED_RESOLUTION_SECONDS": 60,
    # Outbound HTTP (webhook stage, URL helpers, notifications): extra allowed / denied
    # hosts or CIDRs. Link-local and cloud metadata addresses are denied unless allowed here.
    "OUTBOUND_URL_ALLOW": [],
    "OUTBOUND_URL_DENY": [],
    # `#fromUrl`, `#jsonFromUrl`, ... in pipeline expressions (through the outbound policy).
    "EXPRESSION_URL_FUNCTIONS": False,
    # JSON request bodies nested deeper than this are refused with 400.
    "MAX_JSON_DEPTH": 64,
    # Deleted pipelines can be restored (undelete) for this many days, then
    # `pipeline_purge_deleted` removes them for good.
    "PIPELINE_DELETED_RETENTION_DAYS": 30,
    # How often the recovery sweep re-drives work whose delivery was lost (seconds).
    "SWEEP_INTERVAL_SECONDS": 15.0,
    # Timeout for cloud account checks (seconds).
    "ACCOUNT_CHECK_TIMEOUT_SECONDS": 10,
    # Triggers: deliveries per minute to one receiving URL (429 beyond); a delivery without a
    # sender id is a replay if the same body came within this window; stored payload size cap.
    "WEBHOOK_RATE_LIMIT_PER_MINUTE": 120,
    "WEBHOOK_DEDUPE_WINDOW_SECONDS": 600,
    "TRIGGER_EVENT_PAYLOAD_MAX_BYTES": 64 * 1024,
    # Cron: a tick missed (scheduler down) by at most this long still fires once.
    "CRON_MISSED_TICK_GRACE_SECONDS": 900,
    # Pipeline triggers: how many pipelines one run may set off in a chain.
    "PIPELINE_TRIGGER_MAX_DEPTH": 10,
    # Embedded mode: how often the trigger and notification loops look for work (seconds).
    "TRIGGER_POLL_SECONDS": 1.0,
    "NOTIFICATION_POLL_SECONDS": 1.0,
    # Notifications: default message language ("en" or "zh-hans"), delivery attempts and the
    # first retry delay (doubling each time), robot request timeout, sender of emails.
    "NOTIFICATION_LANGUAGE": "en",
    "NOTIFICATION_MAX_ATTEMPTS": 6,
    "NOTIFICATION_RETRY_BASE_SECONDS": 10,
    "NOTIFICATION_TIMEOUT_SECONDS": 10,
    "NOTIFICATION_EMAIL_FROM": "",
    # Embedded sandboxes started by `make run` (empty: not running in this process).
    "SANDBOX_KUBERNETES_URL": "",
    "SANDBOX_KUBERNETES_TOKEN": "",
    "SANDBOX_TENCENTCLOUD_ENDPOINT": "",
    "SANDBOX_TENCENTCLOUD_SECRET_ID": "",
    "SANDBOX_TENCENTCLOUD_SECRET_KEY": "",
}


class PlatformSettings:
    """Attribute access to CDPLATFORM with DEFAULTS filled in; re-read when tests override."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] | None = None
        self._runtime: dict[str, Any] = {}

    def _values(self) -> dict[str, Any]:
        if self._cache is None:
            self._cache = {**DEFAULTS, **getattr(settings, "CDPLATFORM", {}), **self._runtime}
        return self._cache

    def set_runtime(self, **values: Any) -> None:
        """Values only known once the process runs (ports of in-process sandboxes)."""
        unknown = set(values) - set(DEFAULTS)
        if unknown:
            raise AttributeError(f"Unknown platform setting(s) {sorted(unknown)}")
        self._runtime.update(values)
        self._cache = None

    def clear_runtime(self, *names: str) -> None:
        """Forget runtime values (all of them without names): settings apply again."""
        for name in names or list(self._runtime):
            self._runtime.pop(name, None)
        self._cache = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        values = self._values()
        if name not in values:
            raise AttributeError(f"Unknown platform setting {name!r}")
        return values[name]

    def reload(self) -> None:
        self._cache = None


platform_settings = PlatformSettings()


def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting == "CDPLATFORM":
        platform_settings.reload()


setting_changed.connect(_reload)
