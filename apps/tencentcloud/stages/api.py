"""One account in one region: every Auto Scaling and CLB call, as plain dicts in and out."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from tencentcloud.autoscaling.v20180419 import models as as_models
from tencentcloud.clb.v20180317 import models as clb_models
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)

from apps.tencentcloud.stages import sdk
from apps.tencentcloud.stages.errors import CloudError

PAGE_SIZE = 100
# Bounds every listing loop (100 pages of 100 is far more than a cluster holds).
MAX_PAGES = 100


class CloudApi:
    """Builds the SDK request model for an action from a dict and returns the reply as a dict.

    Every failure is a `CloudError` carrying the API's code, message and request id.
    """

    def __init__(
        self, connection: sdk.Connection, region: str, *, timeout: int = sdk.DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self.connection = connection
        self.region = region
        self.timeout = timeout
        self._clients: dict[str, Any] = {}

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            factory = sdk.autoscaling if service == "as" else sdk.clb
            self._clients[service] = factory(self.connection, self.region, self.timeout)
        return self._clients[service]

    def call(
        self, service: str, action: str, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        models = as_models if service == "as" else clb_models
        request = getattr(models, f"{action}Request")()
        request.from_json_string(json.dumps(dict(params or {})))
        try:
            response = getattr(self._client(service), action)(request)
        except TencentCloudSDKException as exc:
            raise CloudError.from_sdk(exc, action=action, region=self.region) from exc
        return dict(json.loads(response.to_json_string()))

    def autoscaling(self, action: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self.call("as", action, params)

    def clb(self, action: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self.call("clb", action, params)

    def pages(
        self, action: str, params: Mapping[str, Any], items_key: str, *, service: str = "as"
    ) -> Iterator[dict[str, Any]]:
        """Every item of an Offset/Limit listing."""
        offset = 0
        for _ in range(MAX_PAGES):
            reply = self.call(service, action, {**params, "Offset": offset, "Limit": PAGE_SIZE})
            items = reply.get(items_key) or []
            yield from items
            offset += len(items)
            total = int(reply.get("TotalCount") or 0)
            if not items or offset >= total:
                return
