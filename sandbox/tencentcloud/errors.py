"""The API's error shape: a code from Tencent Cloud's catalogue and an English message."""

from __future__ import annotations


class ApiError(Exception):
    """Raised anywhere while serving a call; the gateway turns it into `Response.Error`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def missing(name: str) -> ApiError:
    return ApiError("MissingParameter", f"The request is missing a required parameter `{name}`.")


def invalid_value(name: str, detail: str, code: str = "InvalidParameterValue") -> ApiError:
    return ApiError(code, f"The value of parameter `{name}` is invalid: {detail}")


def conflict(first: str, second: str, code: str = "InvalidParameter.Conflict") -> ApiError:
    return ApiError(code, f"The parameters `{first}` and `{second}` cannot be specified together.")
