"""Base serializers: input refuses unknown keys so typos never pass silently."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def _json_type_error(field: serializers.Field, value: Any) -> str | None:
    """DRF coerces (5 -> "5", "yes" -> True); JSON APIs should say the type is wrong."""
    if value is None:
        return None
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return f"Expected a string, got {type(value).__name__}."
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return f"Expected true or false, got {value!r}."
    if isinstance(field, serializers.IntegerField) and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        return f"Expected an integer, got {type(value).__name__}."
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        for index, item in enumerate(value):
            problem = _json_type_error(field.child, item)
            if problem:
                return f"Item {index}: {problem}"
    return None


class InputSerializer(serializers.Serializer):
    """Strict input: unknown keys and wrongly typed JSON values are errors at their pointer."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors: dict[str, list[str]] = {
                key: [f"Unknown field {key!r}."] for key in sorted(set(data) - set(self.fields))
            }
            for name, field in self.fields.items():
                if name in data:
                    problem = _json_type_error(field, data[name])
                    if problem:
                        errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def create(self, validated_data: Any) -> Any:  # pragma: no cover - services write
        raise NotImplementedError

    def update(self, instance: Any, validated_data: Any) -> Any:  # pragma: no cover
        raise NotImplementedError


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """Runs an input serializer and returns its validated data (errors raise 400)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
