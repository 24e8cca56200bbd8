"""Account checks: connect with the real client and say plainly what failed."""

from __future__ import annotations

from kubernetes import client as k8s
from tencentcloud.autoscaling.v20180419 import models as as_models

from apps.cloudaccounts.connections import kubernetes_connection, tencent_connection
from apps.cloudaccounts.models import CloudAccount, Provider
from apps.core.conf import platform_settings
from apps.core.errors import PlatformError
from apps.kubernetes.client import api_client
from apps.kubernetes.client import explain_error as explain_kubernetes_error
from apps.tencentcloud.client import as_client
from apps.tencentcloud.client import explain_error as explain_tencent_error


def check_kubernetes(account: CloudAccount) -> tuple[bool, str]:
    connection = kubernetes_connection(account)
    timeout = platform_settings.ACCOUNT_CHECK_TIMEOUT_SECONDS
    try:
        with api_client(connection) as api:
            namespaces = k8s.CoreV1Api(api).list_namespace(_request_timeout=timeout)
    except Exception as exc:
        return False, explain_kubernetes_error(exc, connection)
    names = sorted(str(item.metadata.name) for item in namespaces.items if item.metadata)
    return True, f"Connected; {len(names)} namespace(s): {', '.join(names[:20])}"


def check_tencent(account: CloudAccount) -> tuple[bool, str]:
    connection = tencent_connection(account)
    timeout = platform_settings.ACCOUNT_CHECK_TIMEOUT_SECONDS
    lines = []
    ok = True
    for region in connection.regions:
        request = as_models.DescribeAutoScalingGroupsRequest()
        request.Limit = 1
        try:
            response = as_client(connection, region, timeout).DescribeAutoScalingGroups(request)
        except Exception as exc:
            ok = False
            lines.append(f"{region}: {explain_tencent_error(exc)}")
        else:
            lines.append(f"{region}: {response.TotalCount} auto-scaling group(s)")
    return ok, "; ".join(lines)


def check_account(account: CloudAccount) -> tuple[bool, str]:
    try:
        if account.provider == Provider.KUBERNETES:
            return check_kubernetes(account)
        return check_tencent(account)
    except PlatformError as exc:
        return False, exc.message
