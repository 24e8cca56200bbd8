"""Base serializers: input refuses unknown keys so typos never pass silently."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class InputSerializer(serializers.Serializer):
    """Strict input: unknown keys are errors at their own pointer."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {key: [f"Unknown field {key!r}."] for key in unknown}
                )
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
