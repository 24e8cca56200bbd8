"""The stage-, trigger- and notification-type catalogue: schemas, labels (en/zh-Hans), checks.

Validation, the console's stage forms and the engine's registry all read this one place.
"""

from engine.catalog.checking import check_object, check_value, is_expression
from engine.catalog.common import (
    COMMON_STAGE_FIELDS,
    COMMON_TRIGGER_FIELDS,
    EVENT_KEYS,
    EVENTS,
    RESERVED_PARAMETER_NAMES,
)
from engine.catalog.cron import CronError, check_cron, parse_cron
from engine.catalog.kubernetes import has_label_selectors, target_mode
from engine.catalog.model import (
    MISSING,
    Condition,
    ExpressionPolicy,
    Field,
    FieldType,
    NotificationType,
    Problem,
    Requirement,
    Severity,
    StageGroup,
    StageType,
    Text,
    TriggerType,
)
from engine.catalog.registry import CATALOG, Catalog, default_catalog, stage_providers

__all__ = [
    "CATALOG",
    "COMMON_STAGE_FIELDS",
    "COMMON_TRIGGER_FIELDS",
    "EVENTS",
    "EVENT_KEYS",
    "MISSING",
    "RESERVED_PARAMETER_NAMES",
    "Catalog",
    "Condition",
    "CronError",
    "ExpressionPolicy",
    "Field",
    "FieldType",
    "NotificationType",
    "Problem",
    "Requirement",
    "Severity",
    "StageGroup",
    "StageType",
    "Text",
    "TriggerType",
    "check_cron",
    "check_object",
    "check_value",
    "default_catalog",
    "has_label_selectors",
    "is_expression",
    "parse_cron",
    "stage_providers",
    "target_mode",
]
