"""Template filters of the console: epoch-ms times, durations, run chips, catalogue texts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.executions.models import ExecutionStatus

register = template.Library()

_STATUS_LABELS = dict(ExecutionStatus.choices)


@register.filter
def ms_datetime(value: Any) -> datetime | None:
    """Epoch milliseconds (as the engine stores times) to an aware datetime."""
    if value in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def format_duration(ms: int) -> str:
    seconds = max(0, ms // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s"
    return f"{seconds}s"


@register.simple_tag
def duration(start: Any, end: Any = None) -> SafeString:
    """A run's duration; a running one ticks in the browser (data-start, no data-end)."""
    if not start:
        return mark_safe("—")
    now_ms = int(timezone.now().timestamp() * 1000)
    shown = format_duration((int(end) if end else now_ms) - int(start))
    if end:
        return format_html('<span class="duration">{}</span>', shown)
    return format_html('<span class="duration" data-start="{}">{}</span>', start, shown)


@register.simple_tag
def run_chips(runs: list[dict[str, Any]]) -> SafeString:
    """A pipeline's recent-run chips as one tag: a list page shows a thousand, and a template
    loop over them cost more than the rest of the page. Values go through `html.escape`, as
    Django's `escape` does."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(
            f'<a class="chip status-{escape(run["status"])}" href="{escape(run["url"])}" '
            f'title="{escape(run["title"])}"><span class="visually-hidden">'
            f"{escape(run['label'])} </span>{escape(run['short'])}</a>"
            for run in runs
        )
    )


@register.simple_tag
def pipeline_options(pipelines: list[dict[str, Any]], chosen: Any = None) -> SafeString:
    """The `<option>`s of a pipeline picker (rows of id, name, disabled): one tag, as an
    application may have thousands of pipelines."""
    chosen_id = getattr(chosen, "pk", None)
    disabled = escape(_("disabled"))
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(
            f'<option value="{escape(str(row["id"]))}"'
            f"{' selected' if chosen_id is not None and row['id'] == chosen_id else ''}"
            f"{' disabled' if row['disabled'] else ''}>{escape(row['name'])}"
            f"{f' ({disabled})' if row['disabled'] else ''}</option>"
            for row in pipelines
        )
    )


@register.filter
def status_label(status: str) -> str:
    return str(_STATUS_LABELS.get(status, status or _("unknown")))


@register.filter
def localized(text: Any) -> str:
    """A catalogue text {en, zh-Hans} in the active language."""
    if not isinstance(text, dict):
        return "" if text is None else str(text)
    if (get_language() or "en").lower().startswith("zh"):
        return str(text.get("zh-Hans") or text.get("en") or "")
    return str(text.get("en") or "")


@register.filter
def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if isinstance(mapping, dict):
        return mapping.get(key) if key in mapping else mapping.get(str(key))
    return None
