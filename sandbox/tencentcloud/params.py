"""Typed, path-aware reading of an action's parameters, failing with the API's error codes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sandbox.tencentcloud.errors import ApiError, invalid_value, missing

_INDEX = re.compile(r"^\d+$")


def unflatten(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Turn GET-style `Filters.0.Name=x` pairs into the nested structure a JSON body carries."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        node = root
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ApiError("InvalidParameter", f"The parameter `{key}` is malformed.")
        node[parts[-1]] = value
    return _lists(root)  # type: ignore[no-any-return]


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _lists(v) for k, v in node.items()}
    if converted and all(_INDEX.match(k) for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


class Params:
    """One level of request parameters. Every read marks the key as known; `finish()` then
    rejects the keys nobody read with `UnknownParameter`, like the real API does."""

    def __init__(self, data: Mapping[str, Any], *, lenient: bool = False, prefix: str = "") -> None:
        self._data = dict(data)
        # GET requests carry every value as a string; JSON bodies must be typed.
        self._lenient = lenient
        self._prefix = prefix
        self._seen: set[str] = set()
        self._children: list[Params] = []

    def path(self, name: str) -> str:
        return f"{self._prefix}{name}"

    def has(self, name: str) -> bool:
        return self._data.get(name) is not None

    def _get(self, name: str, required: bool) -> Any:
        self._seen.add(name)
        value = self._data.get(name)
        if value is None and required:
            raise missing(self.path(name))
        return value

    def _type_error(self, name: str, kind: str) -> ApiError:
        return ApiError(
            "InvalidParameter", f"The type of parameter `{self.path(name)}` must be {kind}."
        )

    def raw(self, name: str) -> Any:
        """A value kept as sent (stored and echoed back, never interpreted)."""
        return self._get(name, False)

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        default: str | None = None,
        choices: Iterable[str] | None = None,
        max_len: int | None = None,
        pattern: re.Pattern[str] | None = None,
        code: str = "InvalidParameterValue",
    ) -> str | None:
        value = self._get(name, required)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self._type_error(name, "String")
        if required and value == "":
            raise missing(self.path(name))
        if choices is not None:
            allowed = list(choices)
            if value not in allowed:
                raise invalid_value(self.path(name), f"`{value}` is not one of {allowed}.", code)
        if max_len is not None and len(value.encode("utf-8")) > max_len:
            raise invalid_value(
                self.path(name), f"longer than {max_len} bytes.", "InvalidParameterValue.TooLong"
            )
        if pattern is not None and not pattern.match(value):
            raise invalid_value(self.path(name), f"`{value}` is malformed.", code)
        return value

    def need_text(self, name: str, **kwargs: Any) -> str:
        value = self.text(name, required=True, **kwargs)
        assert value is not None
        return value

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        default: int | None = None,
        lo: int | None = None,
        hi: int | None = None,
        code: str = "InvalidParameterValue.Range",
    ) -> int | None:
        value = self._get(name, required)
        if value is None:
            return default
        if self._lenient and isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                raise self._type_error(name, "Integer") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._type_error(name, "Integer")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            bounds = f"[{'' if lo is None else lo}, {'' if hi is None else hi}]"
            raise invalid_value(self.path(name), f"{value} is outside {bounds}.", code)
        return value

    def boolean(self, name: str, *, default: bool | None = None) -> bool | None:
        value = self._get(name, False)
        if value is None:
            return default
        if self._lenient and isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise self._type_error(name, "Boolean")
        return value

    def _list(self, name: str, required: bool, max_items: int | None) -> list[Any] | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self._type_error(name, "Array")
        if max_items is not None and len(value) > max_items:
            raise invalid_value(
                self.path(name),
                f"at most {max_items} items are allowed.",
                "InvalidParameterValue.LimitExceeded",
            )
        return value

    def texts(
        self, name: str, *, required: bool = False, max_items: int | None = None
    ) -> list[str] | None:
        items = self._list(name, required, max_items)
        if items is None:
            return None
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise self._type_error(f"{name}.{index}", "String")
        if required and not items:
            raise missing(self.path(name))
        return items

    def integers(self, name: str, *, required: bool = False) -> list[int] | None:
        items = self._list(name, required, None)
        if items is None:
            return None
        out: list[int] = []
        for index, raw in enumerate(items):
            value = raw
            if self._lenient and isinstance(raw, str) and raw.lstrip("-").isdigit():
                value = int(raw)
            if isinstance(value, bool) or not isinstance(value, int):
                raise self._type_error(f"{name}.{index}", "Integer")
            out.append(value)
        if required and not out:
            raise missing(self.path(name))
        return out

    def obj(self, name: str, *, required: bool = False) -> Params | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._type_error(name, "Object")
        child = Params(value, lenient=self._lenient, prefix=f"{self.path(name)}.")
        self._children.append(child)
        return child

    def objs(
        self, name: str, *, required: bool = False, max_items: int | None = None
    ) -> list[Params] | None:
        items = self._list(name, required, max_items)
        if items is None:
            return None
        out: list[Params] = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise self._type_error(f"{name}.{index}", "Object")
            child = Params(item, lenient=self._lenient, prefix=f"{self.path(name)}.{index}.")
            self._children.append(child)
            out.append(child)
        if required and not out:
            raise missing(self.path(name))
        return out

    def finish(self) -> None:
        for key in self._data:
            if key not in self._seen:
                raise ApiError(
                    "UnknownParameter", f"The parameter `{self.path(key)}` is not recognized."
                )
        for child in self._children:
            child.finish()
