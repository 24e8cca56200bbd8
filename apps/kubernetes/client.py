"""Builds official-client ApiClients from account connections and explains their errors."""

from __future__ import annotations

import base64
import binascii
import os
import tempfile
from typing import TYPE_CHECKING, Any

import urllib3
from kubernetes import client
from kubernetes.config.kube_config import KubeConfigLoader

if TYPE_CHECKING:
    # Only the type: the stage code imports this module and must stay free of Django models.
    from apps.cloudaccounts.connections import KubernetesConnection

_CA_DIR: str | None = None


def _ca_file(ca_data: str) -> str:
    """The client wants a CA *file*; keep one per distinct CA in a private directory."""
    global _CA_DIR
    text = ca_data.strip()
    if "-----BEGIN" not in text:
        try:
            text = base64.b64decode(text, validate=True).decode("ascii")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError("caData is neither PEM nor base64-encoded PEM") from exc
    if _CA_DIR is None:
        _CA_DIR = tempfile.mkdtemp(prefix="cdp-ca-")
    path = os.path.join(_CA_DIR, f"{abs(hash(text))}.pem")
    if not os.path.exists(path):
        with open(path, "w") as handle:
            handle.write(text)
    return path


def api_client(connection: KubernetesConnection, *, retries: int = 0) -> client.ApiClient:
    configuration = client.Configuration()
    if connection.kubeconfig is not None:
        loader = KubeConfigLoader(
            config_dict=connection.kubeconfig, active_context=connection.context
        )
        loader.load_and_set(configuration)
    else:
        configuration.host = connection.server.rstrip("/")
        if connection.token:
            configuration.api_key = {"authorization": f"Bearer {connection.token}"}
        if connection.ca_data:
            configuration.ssl_ca_cert = _ca_file(connection.ca_data)
        configuration.verify_ssl = not connection.insecure
    configuration.retries = retries
    return client.ApiClient(configuration)


def explain_error(exc: BaseException, connection: KubernetesConnection) -> str:
    """A one-line, credential-free explanation of a failed call."""
    where = connection.describe()
    if isinstance(exc, client.ApiException):
        if exc.status == 401:
            return f"The cluster at {where} rejected the credentials (401 Unauthorized)."
        if exc.status == 403:
            return (
                f"The credentials for {where} are valid but not allowed to do this (403 Forbidden)."
            )
        return f"The cluster at {where} answered {exc.status} {exc.reason}."
    reason: Any = (
        getattr(exc, "reason", None) if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
    )
    if isinstance(reason, urllib3.exceptions.SSLError):
        return f"TLS verification of {where} failed: {reason}."
    if isinstance(
        reason, (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.ReadTimeoutError)
    ):
        return f"{where} did not answer in time."
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return f"Cannot connect to {where}: connection refused or host unreachable."
    if isinstance(reason, urllib3.exceptions.HTTPError):
        return f"Cannot reach {where}: {type(reason).__name__}."
    return f"Cannot use {where}: {type(exc).__name__}."
