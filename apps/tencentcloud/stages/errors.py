"""Tencent Cloud API errors sorted into the ones worth retrying and the ones that end a stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)

# Throttling, the service's own failures and the network: the same call may well work later.
RETRYABLE_PREFIXES = (
    "RequestLimitExceeded",
    "InternalError",
    "ServerNetworkError",
    "ClientNetworkError",
    "ServiceUnavailable",
)
# The resource is busy with something else (a scaling activity, a refresh): wait, then retry.
BUSY_CODES = frozenset(
    {
        "ResourceUnavailable.AutoScalingGroupInActivity",
        "ResourceInUse.ActivityInProgress",
        "ResourceInUse.InstanceInGroup",
        "ResourceUnavailable.InstanceInOperation",
        "FailedOperation.Conflict",
    }
)


def is_retryable_code(code: str) -> bool:
    return code.startswith(RETRYABLE_PREFIXES)


# Not frozen: contextlib and the interpreter write `__traceback__` on raised exceptions.
@dataclass(eq=False)
class CloudError(Exception):
    """A failed API call: what the API said, and whether trying again may help."""

    code: str
    message: str
    request_id: str = ""
    action: str = ""
    region: str = ""

    def __str__(self) -> str:
        where = f"{self.action} in {self.region}: " if self.action else ""
        request = f" (RequestId {self.request_id})" if self.request_id else ""
        return f"{where}{self.code}: {self.message}{request}"

    @property
    def retryable(self) -> bool:
        return is_retryable_code(self.code)

    @property
    def busy(self) -> bool:
        return self.code in BUSY_CODES

    def as_context(self) -> dict[str, Any]:
        """What the stage shows: the API's code, message and request id (never credentials)."""
        return {
            "code": self.code,
            "message": self.message,
            "requestId": self.request_id,
            "action": self.action,
            "region": self.region,
        }

    @classmethod
    def from_sdk(
        cls, exc: TencentCloudSDKException, *, action: str = "", region: str = ""
    ) -> CloudError:
        message = exc.get_message()
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        return cls(
            code=str(exc.get_code() or "ClientNetworkError"),
            message=str(message or "")[:2000],
            request_id=str(exc.get_request_id() or ""),
            action=action,
            region=region,
        )


class CloudStateError(Exception):
    """The cloud is not in a state the stage can work with (a missing group, no source...)."""
