"""The catalogue's vocabulary: bilingual texts, field schemas, stage/trigger/notification types."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

JSON = Any


class _Missing:
    """Marks a field without a default (None is a real JSON default: null)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing text in English and Simplified Chinese."""

    en: str
    zh: str

    def to_json(self) -> dict[str, str]:
        return {"en": self.en, "zh-Hans": self.zh}


class FieldType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    OBJECT = "object"
    ARRAY = "array"
    MAP = "map"  # an object with arbitrary keys whose values follow `values`
    ANY = "any"


class ExpressionPolicy(StrEnum):
    """How `${...}` syntax problems inside a field are reported."""

    STRICT = "strict"  # an error: the expression is part of how the stage runs
    LENIENT = "lenient"  # a warning: e.g. shell `${VAR:-x}` inside a manifest Orca leaves as text
    IGNORE = "ignore"  # never evaluated (e.g. manifests with skipExpressionEvaluation)


@dataclass(frozen=True, slots=True)
class Condition:
    """Holds when the sibling field `field` (or its default when absent) is one of `values`."""

    field: str
    values: tuple[JSON, ...]

    def to_json(self) -> dict[str, JSON]:
        return {"field": self.field, "values": list(self.values)}


@dataclass(frozen=True, slots=True)
class Field:
    """One configuration key, named as Spinnaker names it.

    `format` refines strings for validation and forms: `regex`, `cron`, `expression` (a bare
    condition), `jsonpath`, `url`, `markdown`, `manifest`, `milliseconds`, `seconds`,
    `kubernetes-account`, `tencentcloud-account`, `docker-account`, `application`,
    `pipeline-id`, `username`, `namespace`, `region`.
    """

    name: str
    type: FieldType
    label: Text
    help: Text | None = None
    required: bool = False
    default: JSON = MISSING
    enum: tuple[JSON, ...] = ()
    # An unknown enum value is an error only where Spinnaker itself fails on it.
    strict_enum: bool = False
    items: Field | None = None
    fields: tuple[Field, ...] = ()
    values: Field | None = None
    format: str | None = None
    when: Condition | None = None
    expressions: ExpressionPolicy = ExpressionPolicy.STRICT
    minimum: float | None = None
    maximum: float | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING

    def field(self, name: str) -> Field | None:
        return next((child for child in self.fields if child.name == name), None)

    def to_json(self) -> dict[str, JSON]:
        data: dict[str, JSON] = {
            "name": self.name,
            "type": str(self.type),
            "label": self.label.to_json(),
            "required": self.required,
        }
        if self.help is not None:
            data["help"] = self.help.to_json()
        if self.has_default:
            data["default"] = self.default
        if self.enum:
            data["enum"] = list(self.enum)
            data["strictEnum"] = self.strict_enum
        if self.items is not None:
            data["items"] = self.items.to_json()
        if self.fields:
            data["fields"] = [child.to_json() for child in self.fields]
        if self.values is not None:
            data["values"] = self.values.to_json()
        if self.format is not None:
            data["format"] = self.format
        if self.when is not None:
            data["when"] = self.when.to_json()
        if self.expressions is not ExpressionPolicy.STRICT:
            data["expressions"] = str(self.expressions)
        if self.minimum is not None:
            data["minimum"] = self.minimum
        if self.maximum is not None:
            data["maximum"] = self.maximum
        return data


@dataclass(frozen=True, slots=True)
class Requirement:
    """At least one of `any_of` must be set (when `when` holds): Spinnaker fails otherwise."""

    any_of: tuple[str, ...]
    message: Text
    when: Condition | None = None

    def to_json(self) -> dict[str, JSON]:
        data: dict[str, JSON] = {"anyOf": list(self.any_of), "message": self.message.to_json()}
        if self.when is not None:
            data["when"] = self.when.to_json()
        return data


class StageGroup(StrEnum):
    GENERAL = "general"
    KUBERNETES = "kubernetes"
    TENCENTCLOUD = "tencentcloud"


GROUP_LABELS: Final[dict[StageGroup, Text]] = {
    StageGroup.GENERAL: Text("General", "通用类型"),
    StageGroup.KUBERNETES: Text("Kubernetes", "Kubernetes 类型"),
    StageGroup.TENCENTCLOUD: Text("Tencent Cloud", "腾讯云类型"),
}


@dataclass(frozen=True, slots=True)
class StageType:
    type: str
    group: StageGroup
    label: Text
    description: Text
    fields: tuple[Field, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    aliases: tuple[str, ...] = ()
    cloud_provider: str | None = None
    # Keys an older config implies without writing them (checked as if written, never stored).
    implied: Callable[[Mapping[str, Any]], Mapping[str, JSON]] | None = None

    def field(self, name: str) -> Field | None:
        return next((each for each in self.fields if each.name == name), None)

    def to_json(self) -> dict[str, JSON]:
        return {
            "type": self.type,
            "group": str(self.group),
            "groupLabel": GROUP_LABELS[self.group].to_json(),
            "label": self.label.to_json(),
            "description": self.description.to_json(),
            "aliases": list(self.aliases),
            "cloudProvider": self.cloud_provider,
            "fields": [each.to_json() for each in self.fields],
            "requirements": [each.to_json() for each in self.requirements],
        }


@dataclass(frozen=True, slots=True)
class TriggerType:
    """`supported=False`: a Spinnaker trigger type kept in configs but never fired here."""

    type: str
    label: Text
    description: Text
    fields: tuple[Field, ...] = ()
    supported: bool = True
    requirements: tuple[Requirement, ...] = ()

    def to_json(self) -> dict[str, JSON]:
        return {
            "type": self.type,
            "label": self.label.to_json(),
            "description": self.description.to_json(),
            "supported": self.supported,
            "fields": [each.to_json() for each in self.fields],
            "requirements": [each.to_json() for each in self.requirements],
        }


@dataclass(frozen=True, slots=True)
class NotificationType:
    """`supported=False`: a Spinnaker channel kept in configs but never sent here."""

    type: str
    label: Text
    description: Text
    fields: tuple[Field, ...] = ()
    supported: bool = True

    def to_json(self) -> dict[str, JSON]:
        return {
            "type": self.type,
            "label": self.label.to_json(),
            "description": self.description.to_json(),
            "supported": self.supported,
            "fields": [each.to_json() for each in self.fields],
        }


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation finding at a JSON pointer; `code` is stable for programs to match on."""

    pointer: str
    message: str
    severity: Severity = Severity.ERROR
    code: str = "invalid"

    def to_json(self) -> dict[str, str]:
        return {"pointer": self.pointer or "/", "message": self.message, "code": self.code}


@dataclass(frozen=True, slots=True)
class Event:
    """A notification event (`when` value)."""

    key: str
    label: Text
    level: str

    def to_json(self) -> dict[str, JSON]:
        return {"key": self.key, "label": self.label.to_json(), "level": self.level}


# ---------------------------------------------------------------- compact constructors


def _field(
    kind: FieldType, name: str, en: str, zh: str, *, help: Text | None = None, **options: Any
) -> Field:
    return Field(name=name, type=kind, label=Text(en, zh), help=help, **options)


def string(name: str, en: str, zh: str, **options: Any) -> Field:
    return _field(FieldType.STRING, name, en, zh, **options)


def integer(name: str, en: str, zh: str, **options: Any) -> Field:
    return _field(FieldType.INTEGER, name, en, zh, **options)


def number(name: str, en: str, zh: str, **options: Any) -> Field:
    return _field(FieldType.NUMBER, name, en, zh, **options)


def boolean(name: str, en: str, zh: str, **options: Any) -> Field:
    return _field(FieldType.BOOLEAN, name, en, zh, **options)


def obj(name: str, en: str, zh: str, fields: tuple[Field, ...] = (), **options: Any) -> Field:
    return _field(FieldType.OBJECT, name, en, zh, fields=fields, **options)


def array(name: str, en: str, zh: str, items: Field | None = None, **options: Any) -> Field:
    return _field(FieldType.ARRAY, name, en, zh, items=items, **options)


def mapping(name: str, en: str, zh: str, values: Field | None = None, **options: Any) -> Field:
    return _field(FieldType.MAP, name, en, zh, values=values, **options)


def anything(name: str, en: str, zh: str, **options: Any) -> Field:
    return _field(FieldType.ANY, name, en, zh, **options)


def item(kind: FieldType, en: str, zh: str, **options: Any) -> Field:
    """The schema of an array item or a map value (it has no key of its own)."""
    return _field(kind, "", en, zh, **options)


def when(field_name: str, *values: JSON) -> Condition:
    return Condition(field_name, tuple(values))


def text(en: str, zh: str) -> Text:
    return Text(en, zh)


STRING_LIST_ITEM: Final = item(FieldType.STRING, "Value", "值")
